"""Feed lists: an OPML file (``outline`` elements with ``xmlUrl``) or one URL a line.

In a plain list, blank lines and lines starting with ``#`` are ignored.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path


class FeedListError(ValueError):
    """A feed list that cannot be read."""


def parse_feed_list(text: str) -> list[str]:
    """The feed URLs of an OPML document or a plain list, in order, each once."""
    if text.lstrip().startswith("<"):
        try:
            root = ET.fromstring(text)
        except ET.ParseError as exc:
            raise FeedListError(f"malformed OPML: {exc}") from exc
        urls = [outline.get("xmlUrl", "").strip() for outline in root.iter("outline")]
    else:
        urls = [line.strip() for line in text.splitlines()]
    return list(dict.fromkeys(url for url in urls if url and not url.startswith("#")))


def feed_list(urls: Iterable[str] = (), files: Iterable[Path] = ()) -> list[str]:
    """Feed URLs given directly, then those of each list file, each once."""
    found = list(urls)
    for path in files:
        try:
            found.extend(parse_feed_list(path.read_text(encoding="utf-8-sig")))
        except (OSError, UnicodeDecodeError) as exc:
            raise FeedListError(f"cannot read feed list {path}: {exc}") from exc
        except FeedListError as exc:
            raise FeedListError(f"{path}: {exc}") from exc
    return list(dict.fromkeys(found))
