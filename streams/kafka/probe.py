"""``python -m streams.kafka.probe``: exit 0 while a worker group is stable with live members."""

from __future__ import annotations

import asyncio

import click

from streams.kafka.admin import group_state

STABLE = "Stable"


async def live_members(bootstrap: str, group: str) -> int:
    """How many members the consumer group ``group`` has while it is stable (0 otherwise)."""
    state, members = await group_state(bootstrap, group)
    return members if state == STABLE else 0


@click.command()
@click.option("--bootstrap", default="127.0.0.1:9092", show_default=True, help="host:port of a broker.")
@click.option("--group", default="entente", show_default=True, help="The workers' consumer group (app id).")
def main(bootstrap: str, group: str) -> None:
    """Exit 0 if the group has live members, 1 if not (with one line saying which)."""
    try:
        members = asyncio.run(live_members(bootstrap, group))
    except Exception as exc:  # a healthcheck reports, it does not crash
        raise click.ClickException(f"cannot reach {bootstrap}: {type(exc).__name__}: {exc}") from exc
    click.echo(f"group {group}: {members} live members")
    if not members:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
