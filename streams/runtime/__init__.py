"""Runtimes that drive the shared handlers over a log: embedded (SQLite) and Kafka (Faust)."""
