"""``entente kafka start|stop|status``: a local single-node broker from the Maven jars, no Docker."""

from __future__ import annotations

from pathlib import Path

import click

from streams.cli import main
from streams.cli.options import F, data_dir_option
from streams.kafka.broker import BrokerConfig, BrokerError, LocalBroker


def _broker_options(fn: F) -> F:
    fn = click.option(
        "--controller-port",
        type=int,
        default=0,
        envvar="ENTENTE_KAFKA_CONTROLLER_PORT",
        show_envvar=True,
        help="Port of the KRaft controller listener (0: --port + 1).",
    )(fn)
    fn = click.option(
        "--port",
        type=int,
        default=9092,
        envvar="ENTENTE_KAFKA_PORT",
        show_envvar=True,
        help="Port clients connect to on 127.0.0.1.",
    )(fn)
    return data_dir_option(fn)


def _broker(data_dir: Path, port: int, controller_port: int) -> LocalBroker:
    return LocalBroker(BrokerConfig(data_dir=data_dir / "kafka", port=port, controller_port=controller_port))


@main.group()
def kafka() -> None:
    """Run a local Kafka broker (KRaft) from the Apache jars; its data lives in <data-dir>/kafka."""


@kafka.command()
@_broker_options
@click.option("--timeout", type=float, default=60.0, help="Seconds to wait for the broker to answer.")
def start(data_dir: Path, port: int, controller_port: int, timeout: float) -> None:
    """Start the broker in the background and wait until it answers."""
    broker = _broker(data_dir, port, controller_port)
    try:
        if (current := broker.status()).pid is not None:
            click.echo(current.line())
            return
        click.echo(broker.start(timeout=timeout).line())
    except BrokerError as exc:
        raise click.ClickException(str(exc)) from exc


@kafka.command()
@_broker_options
def stop(data_dir: Path, port: int, controller_port: int) -> None:
    """Stop the broker started from this data directory."""
    broker = _broker(data_dir, port, controller_port)
    click.echo("kafka stopped" if broker.stop() else "kafka was not running")


@kafka.command()
@_broker_options
def status(data_dir: Path, port: int, controller_port: int) -> None:
    """Say whether the broker runs and answers; exit 1 if it does not."""
    current = _broker(data_dir, port, controller_port).status()
    click.echo(current.line())
    if not current.running:
        raise SystemExit(1)
