"""Each story ingested once, and each wire copy linked to the first copy seen.

Three checks, cheapest first: the canonical URL (tracking parameters and
fragments dropped), the content hash of the normalised text, and a MinHash
signature looked up in an LSH index. A URL or text seen before is a duplicate
and is dropped; a near-duplicate is kept (every outlet's copy is a mention)
with ``copy_of`` naming the first article of its story, so corroboration can
count independent reports rather than copies.

The index lives in SQLite (``<data_dir>/dedupe.db``): signatures and LSH band
buckets are rows, so it survives restarts, grows without being loaded whole,
and commits in one transaction with the URLs and hashes.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from schemas import Article

NUM_PERM = 128
SHINGLE_WORDS = 3
NEAR_DUPLICATE = 0.5
"""Estimated Jaccard similarity of word 3-gram sets at or above which two texts are copies."""

SCHEME = "affine32"
SEED = 1
BANDS = MinHashLSH(threshold=NEAR_DUPLICATE, num_perm=NUM_PERM).hashranges
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations
SKETCH_FORMAT = "{} perm={} seed={} bands={} words={} permutations={}".format(
    SCHEME,
    NUM_PERM,
    SEED,
    len(BANDS),
    SHINGLE_WORDS,
    hashlib.sha256(b"".join(np.asarray(part).tobytes() for part in _PERMUTATIONS)).hexdigest()[:16],
)
"""What stored signatures and buckets depend on; an index built otherwise cannot be searched."""

TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|_gl|ref_src)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}
WORD = re.compile(r"\w+")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS urls (url TEXT PRIMARY KEY, article_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS texts (hash TEXT PRIMARY KEY, article_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sketches (
    n INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE, root TEXT NOT NULL, signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS buckets (
    bucket INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (bucket, n)
) WITHOUT ROWID;
"""


def canonical_url(url: str) -> str:
    """``url`` with scheme and host lower-cased, default port, fragment and tracking parameters dropped.

    A URL too malformed to split (``http://[::1/``) is its own canonical form.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING.match(key)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def outlet_of(url: str) -> str:
    """The outlet a URL belongs to: its host, without a leading ``www.``."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def words(text: str) -> list[str]:
    """The words of ``text``, normalised (NFKC, case-folded), punctuation and spacing ignored."""
    return WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def content_hash(text: str) -> str:
    """sha256 of the normalised words of ``text``: equal for texts differing only in spacing or case."""
    return hashlib.sha256(" ".join(words(text)).encode("utf-8")).hexdigest()


def signature(text: str) -> LeanMinHash:
    """The MinHash of the word 3-gram set of ``text``."""
    tokens = words(text)
    shingles = {
        " ".join(tokens[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(max(1, len(tokens) - SHINGLE_WORDS + 1))
    }
    sketch = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_PERMUTATIONS)
    sketch.update_batch(list(shingles))
    return LeanMinHash(sketch)


def _buckets(sketch: LeanMinHash) -> list[int]:
    """The LSH bucket of each band: a signed 64-bit digest of the band number and its hash values."""
    values = sketch.hashvalues
    return [
        int.from_bytes(
            hashlib.blake2b(values[start:end].tobytes(), digest_size=8, salt=band.to_bytes(16)).digest(),
            "big",
            signed=True,
        )
        for band, (start, end) in enumerate(BANDS)
    ]


class IndexFormatError(RuntimeError):
    """The index was built with other MinHash parameters; remove it to start a new one."""


@dataclass(frozen=True)
class Verdict:
    """What the index made of an article: ``new``, a ``copy`` of ``of``, or a ``duplicate`` of ``of``."""

    kind: Literal["new", "copy", "duplicate"]
    article: Article
    of: str | None = None


class DedupeIndex:
    """URLs, content hashes and MinHash signatures of every article admitted so far."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.executescript(SCHEMA)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('sketch', ?)", (SKETCH_FORMAT,))
        self._db.commit()
        (stored,) = self._db.execute("SELECT value FROM meta WHERE key = 'sketch'").fetchone()
        if stored != SKETCH_FORMAT:
            self._db.close()
            raise IndexFormatError(f"{path} holds signatures made as {stored!r}, not {SKETCH_FORMAT!r}")

    def close(self) -> None:
        self._db.close()

    def commit(self) -> None:
        """Make every admission so far durable (call it once the articles are published)."""
        self._db.commit()

    def rollback(self) -> None:
        """Forget the admissions since the last commit (the articles were not published)."""
        self._db.rollback()

    def known_url(self, url: str) -> str | None:
        """The id of the article already admitted from ``url`` (canonicalised), if any."""
        row = self._db.execute("SELECT article_id FROM urls WHERE url = ?", (canonical_url(url),)).fetchone()
        return row[0] if row else None

    def nearest(self, sketch: LeanMinHash) -> tuple[str, float] | None:
        """The root id and similarity of the most similar stored text at or above the threshold."""
        buckets = _buckets(sketch)
        candidates = self._db.execute(
            "SELECT root, signature FROM sketches WHERE n IN "
            f"(SELECT n FROM buckets WHERE bucket IN ({', '.join('?' * len(buckets))}))",
            buckets,
        ).fetchall()
        best: tuple[str, float] | None = None
        for root, blob in candidates:
            stored = LeanMinHash(seed=SEED, hashvalues=np.frombuffer(blob, dtype=np.uint32), scheme=SCHEME)
            similarity = float(sketch.jaccard(stored))
            if similarity >= NEAR_DUPLICATE and (best is None or similarity > best[1]):
                best = (root, similarity)
        return best

    def add(self, article_id: str, sketch: LeanMinHash, root: str | None = None) -> None:
        """Store ``sketch`` for ``article_id``, as a copy of ``root`` when given."""
        row = self._db.execute(
            "INSERT INTO sketches (article_id, root, signature) VALUES (?, ?, ?) "
            "ON CONFLICT (article_id) DO NOTHING RETURNING n",
            (article_id, root or article_id, sketch.hashvalues.astype(np.uint32).tobytes()),
        ).fetchone()
        if row is not None:
            rows = [(bucket, row[0]) for bucket in _buckets(sketch)]
            self._db.executemany("INSERT OR IGNORE INTO buckets VALUES (?, ?)", rows)

    def admit(self, article: Article, also_urls: tuple[str, ...] = ()) -> Verdict:
        """Check ``article`` against everything admitted, then record it (uncommitted) unless a duplicate.

        ``also_urls`` are other addresses of the same article (the link a feed
        gave before redirects), remembered so they are not fetched again.
        """
        urls = [canonical_url(url) for url in (article.url, *also_urls) if url]
        for url in urls:
            if (seen := self.known_url(url)) is not None:
                return Verdict("duplicate", article, seen)
        digest = article.provenance.content_hash if article.provenance else None
        digest = digest or content_hash(article.text)
        row = self._db.execute("SELECT article_id FROM texts WHERE hash = ?", (digest,)).fetchone()
        if row is not None:
            self._remember(urls, row[0])
            return Verdict("duplicate", article, row[0])
        sketch = signature(article.text)
        match = self.nearest(sketch)
        self._remember(urls, article.id)
        self._db.execute("INSERT OR IGNORE INTO texts VALUES (?, ?)", (digest, article.id))
        if match is None:
            self.add(article.id, sketch)
            return Verdict("new", article)
        root, _ = match
        self.add(article.id, sketch, root)
        return Verdict("copy", article.model_copy(update={"copy_of": root}), root)

    def _remember(self, urls: list[str], article_id: str) -> None:
        self._db.executemany("INSERT OR IGNORE INTO urls VALUES (?, ?)", [(url, article_id) for url in urls])
