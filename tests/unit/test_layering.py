"""Imports flow one way: schemas ← agents ← streams. agents/ stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_AGENTS = {"streams", "asyncio", "sqlite3", "faust", "aiokafka", "time", "socket", "threading"}
FORBIDDEN_IN_SCHEMAS = FORBIDDEN_IN_AGENTS | {"agents"}
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}
FORBIDDEN_BELOW = {
    "streams/api": ("streams.cli", "streams.runtime.embedded", "streams.runtime.kafka"),
    "streams/kafka": ("streams.runtime",),
    "streams/log": ("agents",),
}
"""Packages that must not import a package above them (or beside them, for the API and the CLI); the
API reaches a runtime only through :func:`streams.runtime.open_runtime` and the ``Runtime`` protocol."""


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def modules_imported(tree: ast.AST) -> set[str]:
    """The full dotted names of the modules ``tree`` imports (lazily or not)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imported(tree: ast.AST) -> set[str]:
    """The top-level packages ``tree`` imports."""
    return {name.split(".")[0] for name in modules_imported(tree)}


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


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


def test_no_package_imports_one_it_serves() -> None:
    for package, forbidden in FORBIDDEN_BELOW.items():
        for path in modules(package):
            names = modules_imported(ast.parse(path.read_text()))
            wrong = {name for name in names if any(within(name, above) for above in forbidden)}
            assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_the_cli_is_imported_by_nothing_outside_it() -> None:
    for package in ("schemas", "agents", "streams", "bench"):
        for path in modules(package):
            if path.is_relative_to(ROOT / "streams" / "cli"):
                continue
            wrong = {
                name for name in modules_imported(ast.parse(path.read_text())) if within(name, "streams.cli")
            }
            assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_the_check_catches_a_violation() -> None:
    tree = ast.parse("import asyncio\nimport datetime as dt\nx = dt.datetime.now()\n")
    assert "asyncio" in imported(tree)
    assert clock_calls(tree) == ["dt.datetime.now()"]
    lazy = ast.parse("def f():\n    from streams.cli.context import print_json\n")
    assert any(within(name, "streams.cli") for name in modules_imported(lazy))
    assert not within("streams.client", "streams.cli")
