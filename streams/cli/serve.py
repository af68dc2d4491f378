"""``entente serve``: the HTTP API, live streams and dashboard, with the pipeline worker in-process.

On ``--broker kafka://host:port`` it serves that cluster: it mirrors the topics into a local log
at start and follows them from there; its worker (unless ``--no-worker``) joins the cluster's
consumer group like ``entente worker --broker ...`` does.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import click

from streams.api.config import HEARTBEAT_S, MAX_BODY_BYTES
from streams.api.guard import TOKEN_VARIABLE, allowed_hosts
from streams.cli import main
from streams.cli.context import settings_for
from streams.cli.options import broker_option, data_dir_option

SHUTDOWN_GRACE_S = 2


@main.command()
@click.option(
    "--host", default="127.0.0.1", envvar="ENTENTE_API_HOST", show_envvar=True, help="Address to bind."
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    envvar="ENTENTE_API_PORT",
    show_envvar=True,
    help="Port to bind.",
)
@click.option(
    "--worker/--no-worker",
    default=True,
    envvar="ENTENTE_API_WORKER",
    show_envvar=True,
    help="Run the pipeline worker in this process, so posted articles become changes.",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=MAX_BODY_BYTES,
    metavar="BYTES",
    envvar="ENTENTE_API_MAX_BODY",
    show_envvar=True,
    help="Largest request body accepted (413 over it).",
)
@click.option(
    "--heartbeat",
    type=click.FloatRange(min=0.1),
    default=HEARTBEAT_S,
    metavar="SECONDS",
    envvar="ENTENTE_API_HEARTBEAT",
    show_envvar=True,
    help="Idle seconds before a live stream sends a heartbeat comment.",
)
@data_dir_option
@broker_option
def serve(
    host: str, port: int, worker: bool, max_body: int, heartbeat: float, data_dir: Path, broker: str
) -> None:
    """Serve the REST API, the live streams and the dashboard at http://HOST:PORT/ until Ctrl-C.

    Writes (POST /articles) need the header "Authorization: Bearer TOKEN" where
    TOKEN is the value of ENTENTE_API_TOKEN; with that variable unset, writes
    are refused. Binds to loopback unless --host says otherwise; bound to
    loopback, it answers only requests addressed to a loopback name (Host
    header). With --broker kafka://HOST:PORT it serves that cluster.
    """
    import uvicorn

    from streams.api import ApiConfig
    from streams.api.server import uvicorn_config

    config = ApiConfig(
        data_dir=data_dir,
        token=os.environ.get(TOKEN_VARIABLE) or None,
        worker=worker,
        max_body=max_body,
        heartbeat=heartbeat,
        settings=settings_for(data_dir, broker),
        broker=broker,
        hosts=allowed_hosts(host),
    )
    if config.token is None:
        click.echo(f"{TOKEN_VARIABLE} is not set: writes are refused", err=True)
    served = data_dir if broker == "embedded" else broker
    click.echo(f"serving {served} on http://{host}:{port}/ (worker {'on' if worker else 'off'})", err=True)
    server = uvicorn.Server(
        uvicorn_config(config, host=host, port=port, timeout_graceful_shutdown=SHUTDOWN_GRACE_S)
    )
    with contextlib.suppress(KeyboardInterrupt):  # the server re-raises the SIGINT it stopped on
        server.run()
