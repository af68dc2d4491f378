"""Cells and writers of the exports: CSV (spreadsheet-safe cells), GDELT's tab-separated lines, JSON
Lines, and rows flattened into named columns."""

from __future__ import annotations

import csv
import typing
from collections.abc import Iterable, Mapping
from typing import IO, Any

import orjson
from pydantic import BaseModel

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula in a cell."""
LIST_SEPARATORS = (";", ",")
"""What joins the values of a list in a cell, and of a list inside a list."""


def text(value: Any, depth: int = 0) -> str:
    """One cell's text: nothing for None, a list's values joined by ``;`` (a list inside a list by
    ``,``), anything else as ``str``."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        separator = LIST_SEPARATORS[min(depth, len(LIST_SEPARATORS) - 1)]
        return separator.join(text(item, depth + 1) for item in value)
    return str(value)


def cell(value: Any) -> str:
    """One CSV cell: :func:`text`, with a text cell a spreadsheet would run as a formula quoted by a
    leading ``'`` (numbers, negative ones too, stay numbers, and so does a list that starts with one)."""
    shown, first = text(value), value
    while isinstance(first, list | tuple) and first:
        first = first[0]
    if not isinstance(first, int | float) and shown.startswith(FORMULA_STARTS):
        return "'" + shown
    return shown


def write_csv(out: IO[str], columns: Iterable[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """Write a header and ``rows`` (cells through :func:`cell`); return the rows written."""
    writer = csv.DictWriter(out, fieldnames=[cell(name) for name in columns])
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({cell(name): cell(value) for name, value in row.items()})
        count += 1
    return count


def write_tsv(out: IO[str], columns: tuple[str, ...], rows: Iterable[Mapping[str, Any]]) -> int:
    """Write ``rows`` as GDELT's files are: tab-separated ``columns`` in order, LF line ends, no header
    and no quoting (tabs and line breaks inside a cell become spaces); return the rows written."""
    count = 0
    for row in rows:
        cells = (" ".join(cell(row.get(name)).splitlines()).replace("\t", " ") for name in columns)
        out.write("\t".join(cells) + "\n")
        count += 1
    return count


def write_jsonl(out: IO[str], items: Iterable[dict[str, Any]]) -> int:
    """Write one compact JSON object a line; return the lines written."""
    count = 0
    for item in items:
        out.write(orjson.dumps(item, option=orjson.OPT_SORT_KEYS).decode() + "\n")
        count += 1
    return count


def _item_model(annotation: Any) -> type[BaseModel] | None:
    """The model of the items of a ``tuple[Model, ...]`` field, if it is one."""
    args = [arg for arg in typing.get_args(annotation) if arg is not Ellipsis]
    if len(args) == 1 and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0]
    return None


def flat_types(model: type[BaseModel], exclude: Iterable[str] = (), prefix: str = "") -> dict[str, Any]:
    """The type of each column :func:`flatten` makes of a ``model``, in the order of its fields: a list
    of models' field ``F`` is ``tuple[F, ...]``, and a mapping's entries, whose names only rows know,
    are one ``name.*`` of the mapping's value type."""
    out: dict[str, Any] = {}
    skipped = set(exclude)
    for name, info in model.model_fields.items():
        if name in skipped:
            continue
        column, kind = prefix + name, info.annotation
        items = _item_model(kind)
        if items is not None:
            fields = items.model_fields.items()
            out.update({f"{column}.{field}": tuple[item.annotation, ...] for field, item in fields})
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            out.update(flat_types(kind, prefix=column + "."))
        elif typing.get_origin(kind) in (dict, Mapping):
            out[f"{column}.*"] = typing.get_args(kind)[1]
        else:
            out[column] = kind
    return out


def flat_columns(types: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """The columns of flat ``rows`` in the order of ``types`` (:func:`flat_types`), a mapping's
    entries (``name.*``) in the order of their names."""
    seen = dict.fromkeys(name for row in rows for name in row)
    columns: list[str] = []
    for name in types:
        if name.endswith(".*"):
            columns.extend(sorted(column for column in seen if column.startswith(name[:-1])))
        else:
            columns.append(name)
    return columns


def flatten(model: BaseModel, exclude: Iterable[str] = (), prefix: str = "") -> dict[str, Any]:
    """``model``'s fields as flat named columns, no object in a cell: a nested model's fields as
    ``name.field``, a mapping's entries as ``name.key``, a list of models as one list column a field of
    theirs (``name.field``: the items' values in order); lists stay lists."""
    out: dict[str, Any] = {}
    skipped = set(exclude)
    for name, info in type(model).model_fields.items():
        if name in skipped:
            continue
        value, column = getattr(model, name), prefix + name
        items = _item_model(info.annotation)
        if items is not None:
            for field in items.model_fields:
                out[f"{column}.{field}"] = [getattr(item, field) for item in value]
        elif isinstance(value, BaseModel):
            out.update(flatten(value, prefix=column + "."))
        elif isinstance(value, Mapping):
            out.update({f"{column}.{key}": item for key, item in value.items()})
        else:
            out[column] = value
    return out
