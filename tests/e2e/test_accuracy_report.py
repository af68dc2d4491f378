"""The committed accuracy report is what ``entente eval --report`` writes today."""

from __future__ import annotations

from pathlib import Path

from streams.accuracy import COMMAND, REPORT
from tests.e2e.cli import ROOT, Cli


def test_the_committed_accuracy_report_is_current(cli: Cli, tmp_path: Path) -> None:
    fresh = tmp_path / "accuracy.md"
    cli("eval", "--report", str(fresh))
    committed = ROOT / REPORT
    assert committed.exists(), f"{REPORT} is missing: run '{COMMAND}' at the root of the source tree"
    assert fresh.read_text() == committed.read_text(), (
        f"{REPORT} is out of date: run '{COMMAND}' at the root of the source tree and commit it"
    )
