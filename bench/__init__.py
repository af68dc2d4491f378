"""Entente's benchmarks: ``python -m bench [CASE ...]`` prints figures; pytest never collects them."""
