"""Imports flow one way: schemas ← agents ← streams. agents/ stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_AGENTS = {"streams", "asyncio", "sqlite3", "faust", "aiokafka", "time", "socket", "threading"}
FORBIDDEN_IN_SCHEMAS = FORBIDDEN_IN_AGENTS | {"agents"}
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def clock_calls(tree: ast.AST) -> list[str]:
    return [
        ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK_CALLS
        and ast.unparse(node.func.value).split(".")[-1] in {"datetime", "date", "dt", "time"}
    ]


def test_agents_never_import_transport_storage_or_clock() -> None:
    for path in modules("agents"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not imported(tree) & FORBIDDEN_IN_AGENTS, (
            f"{path.relative_to(ROOT)} imports {imported(tree) & FORBIDDEN_IN_AGENTS}"
        )
        assert not clock_calls(tree), f"{path.relative_to(ROOT)} reads the clock: {clock_calls(tree)}"


def test_schemas_depend_on_nothing_of_ours() -> None:
    for path in modules("schemas"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not imported(tree) & FORBIDDEN_IN_SCHEMAS, (
            f"{path.relative_to(ROOT)} imports {imported(tree) & FORBIDDEN_IN_SCHEMAS}"
        )
        assert not clock_calls(tree), f"{path.relative_to(ROOT)} reads the clock"


def test_the_check_catches_a_violation() -> None:
    tree = ast.parse("import asyncio\nimport datetime as dt\nx = dt.datetime.now()\n")
    assert "asyncio" in imported(tree)
    assert clock_calls(tree) == ["dt.datetime.now()"]
