"""``python -m agents.extract.build --cameo CAMEO.2.0.txt --crosswalk CAMEO2PLOVER-2021.txt``: write
``agents/extract/rules/cameo.yaml`` from copies of the sources pinned in ``build/sources.yaml``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agents.extract.build.write import generate

OUT = Path(__file__).resolve().parents[1] / "rules" / "cameo.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agents.extract.build", description=__doc__)
    parser.add_argument("--cameo", type=Path, required=True, help="petrarch2's CAMEO.2.0.txt")
    parser.add_argument("--crosswalk", type=Path, required=True, help="PLOVER's CAMEO2PLOVER-2021.txt")
    parser.add_argument("--out", type=Path, default=OUT, help="file to write (default: the package's)")
    args = parser.parse_args(argv)
    text = generate(args.cameo.read_text(encoding="latin-1"), args.crosswalk.read_text(encoding="utf-8"))
    args.out.write_text(text, encoding="utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
