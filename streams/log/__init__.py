"""The embedded single-machine log: topics, committed offsets, the state store and the indexes of the data
directory, in one SQLite file."""

from streams.log.record import Record, record_ms, timestamp
from streams.log.store import (
    LOG_FILE,
    LOG_FORMAT,
    CorruptRecord,
    DamagedStore,
    Log,
    LogFormatError,
    Reader,
    Writer,
)
from streams.log.tail import POLL_INTERVAL_S, Watch, has_record, tail, wait, wait_blocking

__all__ = [
    "LOG_FILE",
    "LOG_FORMAT",
    "POLL_INTERVAL_S",
    "CorruptRecord",
    "DamagedStore",
    "Log",
    "LogFormatError",
    "Reader",
    "Record",
    "Watch",
    "Writer",
    "has_record",
    "record_ms",
    "tail",
    "timestamp",
    "wait",
    "wait_blocking",
]
