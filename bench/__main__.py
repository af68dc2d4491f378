"""Run benchmark cases and print their figures: ``python -m bench [CASE ...]``."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys

from bench import cases


def available() -> list[str]:
    """Names of every case module under ``bench/cases``."""
    return sorted(info.name for info in pkgutil.iter_modules(cases.__path__))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("cases", nargs="*", help=f"cases to run (default: all of {', '.join(available())})")
    parser.add_argument("--json", action="store_true", help="print one JSON object per case")
    args = parser.parse_args(argv)
    for name in args.cases or available():
        if name not in available():
            parser.error(f"unknown case {name!r}")
        figures = importlib.import_module(f"bench.cases.{name}").run()
        if args.json:
            print(json.dumps({"case": name, **figures}))
        else:
            print(f"== {name}")
            for key, value in figures.items():
                print(f"  {key:<40} {value:,.3f}" if isinstance(value, float) else f"  {key:<40} {value}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
