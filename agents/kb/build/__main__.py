"""``python -m agents.kb.build``: rewrite the generated knowledge base files from their sources."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from agents.kb.build import groups, leaders
from agents.kb.build.common import hand_names, write_yaml

PINS = Path(__file__).with_name("sources.yaml")
DATA = Path(__file__).parent.parent / "data"


def build(
    leaders_csv: Path, leaders_2021_csv: Path, ministers_csv: Path, groups_txt: Path, holders: Path, out: Path
) -> list[Path]:
    """Write ``actors.leaders.generated.yaml`` and ``actors.groups.generated.yaml`` into ``out``;
    ``holders`` is a folder of ``NAME.csv`` files, one for each pinned holders repository it has."""
    pins = yaml.safe_load(PINS.read_text(encoding="utf-8"))
    claimed = hand_names()
    held = _pinned_holders(pins["holders"], holders)
    found = [
        h for path in (leaders_csv, leaders_2021_csv, ministers_csv) for h in leaders.read_holdings(path)
    ]
    found += [h for path, state in held for h in leaders.read_holders(path, state)]
    people = leaders.people(found, claimed)
    header = {
        **pins["leaders"],
        "notes": [
            *(
                "also: {repository} {commit} {path} ({date}; {licence}); gaps: {gaps}".format(**pins[pin])
                for pin in ("leaders_2021", "foreign_ministers")
            ),
            "also: every-politician-scrapers/NAME for each NAME below, {path} ({date}; {licence}); "
            "gaps: {gaps}".format(**pins["holders"]),
            *(
                "holders: every-politician-scrapers/{name} {commit} {date} {state}".format(**pin)
                for pin in pins["holders"]["repositories"]
                if pin["name"] in {path.stem for path, _ in held}
            ),
            "format: as actors.leaders.yaml; ids are WD_ and the Wikidata item; "
            "roles are Wikidata's office labels.",
        ],
    }
    found = groups.groups(groups_txt.read_text(encoding="utf-8"), claimed)
    group_header = {
        **pins["groups"],
        "notes": ["format: as actors.groups.yaml, with countries (ISO alpha-3)."],
    }
    written = []
    for name, text in (
        ("actors.leaders.generated.yaml", write_yaml(header, "people", "people", people)),
        ("actors.groups.generated.yaml", write_yaml(group_header, "groups", "groups", found)),
    ):
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _pinned_holders(pin: dict, folder: Path) -> list[tuple[Path, str]]:
    """The holders files in ``folder`` with the state each is pinned to; a file not pinned is an error."""
    states = {repo["name"]: repo["state"] for repo in pin["repositories"]}
    files = sorted(folder.glob("*.csv"))
    for path in files:
        if path.stem not in states:
            raise SystemExit(f"input={path} reason=not a pinned holders file (agents/kb/build/sources.yaml)")
    return [(path, states[path.stem]) for path in files]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agents.kb.build", description=__doc__)
    parser.add_argument("--leaders", type=Path, required=True, help="world-leaders data/wikidata.csv")
    parser.add_argument(
        "--leaders-2021", type=Path, required=True, help="world-leaders data/wikidata.csv at its 2021 pin"
    )
    parser.add_argument("--ministers", type=Path, required=True, help="world sources/foreign/wikidata.csv")
    parser.add_argument("--groups", type=Path, required=True, help="Phoenix.MilNonState.actors.txt")
    parser.add_argument(
        "--holders",
        type=Path,
        required=True,
        help="folder of NAME.csv: html/holders21.csv of each pinned NAME",
    )
    parser.add_argument(
        "--out", type=Path, default=DATA, help="directory to write (default: the package data)"
    )
    args = parser.parse_args(argv)
    for path in build(args.leaders, args.leaders_2021, args.ministers, args.groups, args.holders, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
