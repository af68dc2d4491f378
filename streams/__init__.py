"""Entente's plumbing: logs, runtimes, ingestion, subscriptions, replay, CLI and HTTP API."""
