"""Entente's domain logic: knowledge base, extraction and state reducers.

Pure code over :mod:`schemas`: no transport, no asyncio, no database, no clock.
"""
