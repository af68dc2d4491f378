"""``entente serve``: the HTTP API, live streams and dashboard, with the pipeline worker in-process.

On ``--broker kafka://host:port`` it serves that cluster: it mirrors the topics into a local log
at start and follows them from there; its worker (unless ``--no-worker``) joins the cluster's
consumer group like ``entente worker --broker ...`` does.
"""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

import click

from streams.api.config import HEARTBEAT_S, MAX_BODY_BYTES
from streams.api.guard import TOKEN_VARIABLE, allowed_hosts
from streams.cli import FAILURE_EXIT, main
from streams.cli.context import fail, print_json_line, settings_for
from streams.cli.options import broker_option, data_dir_option, json_option

SHUTDOWN_GRACE_S = 2


def listening(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (port 0: a free one), or the command ends in one line."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        fail(f"cannot listen on {host}:{port} (--host/--port): {reason}", FAILURE_EXIT)


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
@json_option
def serve(
    host: str,
    port: int,
    worker: bool,
    max_body: int,
    heartbeat: float,
    data_dir: Path,
    broker: str,
    as_json: bool,
) -> None:
    """Serve the REST API, the live streams and the dashboard at http://HOST:PORT/ until Ctrl-C.

    Writes (POST /articles) need the header "Authorization: Bearer TOKEN" where
    TOKEN is the value of ENTENTE_API_TOKEN; with that variable unset, writes
    are refused. Binds to loopback unless --host says otherwise; bound to
    loopback, it answers only requests addressed to a loopback name (Host
    header). With --broker kafka://HOST:PORT it serves that cluster. With --json
    it prints one JSON line with the address it listens on (a free port for
    --port 0) once bound.
    """
    import uvicorn

    from streams.api import ApiConfig
    from streams.api.server import uvicorn_config

    bound = listening(host, port)
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
    port = bound.getsockname()[1]
    url = f"http://{host}:{port}/"
    served = data_dir if broker == "embedded" else broker
    click.echo(f"serving {served} on {url} (worker {'on' if worker else 'off'})", err=True)
    if as_json:
        print_json_line({"url": url, "host": host, "port": port, "served": str(served), "worker": worker})
    server = uvicorn.Server(
        uvicorn_config(config, host=host, port=port, timeout_graceful_shutdown=SHUTDOWN_GRACE_S)
    )
    with contextlib.suppress(KeyboardInterrupt):  # the server re-raises the SIGINT it stopped on
        server.run(sockets=[bound])
