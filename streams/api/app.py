"""The ASGI app: the declared endpoints, the dashboard's assets, JSON errors, and the service's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from agents.reduce import tables
from streams.api.config import ApiConfig
from streams.api.errors import HANDLERS
from streams.api.guard import HostGuard
from streams.api.routes import STATIC, endpoints
from streams.api.service import Service
from streams.config import Settings


def create_app(config: ApiConfig) -> Starlette:
    """An app serving ``config.data_dir`` (or the cluster ``config.broker``); its tails and worker run
    while the app runs. Requests whose ``Host`` is not in ``config.hosts`` are refused first. The
    modules of the ``tables`` setting are imported first, so that their tables have their routes.
    """
    tables.load((config.settings or Settings()).table_modules)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with Service(config).running() as service:
            app.state.service = service
            yield

    routes: list[Route | Mount] = [
        Route(endpoint.path, endpoint.handler, methods=[endpoint.method]) for endpoint in endpoints()
    ]
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))
    return Starlette(
        routes=routes,
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
        middleware=[Middleware(HostGuard, hosts=config.hosts)],
    )
