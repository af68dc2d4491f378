"""Exports as Parquet, with typed columns: dates as date32, counts as integers, lists as lists
(of strings, or of the type of their values). Needs pyarrow (``pip install 'entente[parquet]'``)."""

from __future__ import annotations

import datetime as dt
import io
import types
import typing
from collections.abc import Iterable
from enum import Enum
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

MISSING = "parquet export needs pyarrow: pip install 'entente[parquet]'"


class ParquetUnavailable(RuntimeError):
    """pyarrow is not installed."""


def _plain(value: Any) -> Any:
    """``value`` with enums as their values and tuples as lists, as pyarrow takes them."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def arrow_type(kind: Any) -> pa.DataType | None:
    """The Arrow type of a Python annotation: dates date32, integers int64, text (and enums, literals)
    string, tuples and lists lists of their items' type; None for one it does not know."""
    import pyarrow as pa

    origin = typing.get_origin(kind)
    args = [arg for arg in typing.get_args(kind) if arg not in (Ellipsis, types.NoneType)]
    if origin in (typing.Union, types.UnionType):
        return arrow_type(args[0]) if len(args) == 1 else None
    if origin in (tuple, list):
        return pa.list_(arrow_type(args[0]) or pa.string()) if len(args) == 1 else None
    if origin is typing.Literal:
        return pa.string()
    simple = {bool: pa.bool_(), int: pa.int64(), float: pa.float64(), str: pa.string(), dt.date: pa.date32()}
    if kind in simple:
        return simple[kind]
    return pa.string() if isinstance(kind, type) and issubclass(kind, Enum) else None


def _column(values: list[Any], kind: Any) -> pa.Array:
    """``values`` as an Arrow array of the type of ``kind``, else of the values' (strings if none)."""
    import pyarrow as pa

    array = pa.array(values, type=arrow_type(kind))
    return array.cast(pa.string()) if pa.types.is_null(array.type) else array


def write(
    out: IO[bytes], columns: Iterable[str], rows: Iterable[dict[str, Any]], kinds: dict[str, Any]
) -> int:
    """Write ``rows`` as one Parquet file of ``columns``, each typed by its annotation in ``kinds``
    (a mapping's entries by its ``name.*``), else by its values; a row's missing column is null.
    Return the rows written; :class:`ParquetUnavailable` without pyarrow."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:
        raise ParquetUnavailable(MISSING) from error
    items = list(rows)
    table = pa.table(
        {
            name: _column(
                [_plain(row.get(name)) for row in items],
                kinds.get(name, kinds.get(name.rsplit(".", 1)[0] + ".*")),
            )
            for name in columns
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    out.write(buffer.getvalue())
    return len(items)
