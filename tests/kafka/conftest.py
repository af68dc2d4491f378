"""Every test here runs against the real broker the session starts (see :mod:`tests.support.kafka`)."""

from tests.support.kafka import group_factory, kafka, kcat, topic_factory, workers

__all__ = ["group_factory", "kafka", "kcat", "topic_factory", "workers"]
