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


def build(leaders_csv: Path, ministers_csv: Path, groups_txt: Path, out: Path) -> list[Path]:
    """Write ``actors.leaders.generated.yaml`` and ``actors.groups.generated.yaml`` into ``out``."""
    pins = yaml.safe_load(PINS.read_text(encoding="utf-8"))
    claimed = hand_names()
    people = leaders.people([leaders_csv, ministers_csv], claimed)
    header = {
        **pins["leaders"],
        "notes": [
            "also: {repository} {commit} {path} ({date}; {licence}); gaps: {gaps}".format(
                **pins["foreign_ministers"]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agents.kb.build", description=__doc__)
    parser.add_argument("--leaders", type=Path, required=True, help="world-leaders data/wikidata.csv")
    parser.add_argument("--ministers", type=Path, required=True, help="world sources/foreign/wikidata.csv")
    parser.add_argument("--groups", type=Path, required=True, help="Phoenix.MilNonState.actors.txt")
    parser.add_argument(
        "--out", type=Path, default=DATA, help="directory to write (default: the package data)"
    )
    args = parser.parse_args(argv)
    for path in build(args.leaders, args.ministers, args.groups, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
