"""The HTTP service: REST reads of the state, article ingest, live server-sent events and the dashboard.

:func:`~streams.api.app.create_app` builds the ASGI app over one embedded data
directory; ``entente serve`` runs it under uvicorn.
"""

from streams.api.app import create_app
from streams.api.config import ApiConfig

__all__ = ["ApiConfig", "create_app"]
