"""Each story ingested once, and each wire copy linked to the first copy seen.

Three checks, cheapest first: the canonical URL (tracking parameters and
fragments dropped), the content hash of the normalised text, and a MinHash
signature looked up in an LSH index. A text seen before is a duplicate and is
dropped, and so is a URL seen before with the text it had; a URL seen before with
a text never seen is a new version of its article (a ``revision``, under that
article's id); a near-duplicate is kept (every outlet's copy is a mention)
with ``copy_of`` naming the first article of its story, so corroboration can
count independent reports rather than copies.

The index lives in the log's database (:class:`~streams.log.interface.DedupeReader`):
signatures and LSH band buckets are rows, so it survives restarts and grows
without being loaded whole. Admissions are staged (:mod:`streams.log.staged`) and
commit in one transaction with the URLs and hashes, once the articles are published.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from schemas import Article
from streams.log.interface import LogStore
from streams.log.staged import Staged

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
    """The index was built with other MinHash parameters, so it cannot be searched."""


@dataclass(frozen=True)
class Verdict:
    """What the index made of an article: ``new``, a ``copy`` of ``of``, a ``duplicate`` of ``of``, or
    a ``revision`` of ``of`` (the article under ``of``'s id)."""

    kind: Literal["new", "copy", "duplicate", "revision"]
    article: Article
    of: str | None = None


class DedupeIndex(Staged):
    """URLs, content hashes and MinHash signatures of every article admitted so far, in ``store``;
    the admissions since the last commit are staged, and searched with the stored ones."""

    def __init__(self, store: LogStore) -> None:
        super().__init__(store)
        if store.dedupe_format() is None:
            with store.transaction() as writer:
                writer.set_dedupe_format(SKETCH_FORMAT)
        stored = store.dedupe_format()
        if stored != SKETCH_FORMAT:
            raise IndexFormatError(f"{store.path} holds signatures made as {stored!r}, not {SKETCH_FORMAT!r}")
        self._urls: dict[str, str] = {}
        self._texts: dict[str, str] = {}
        self._sketches: dict[str, tuple[str, LeanMinHash, set[int]]] = {}

    def clear(self) -> None:
        """Forget the staged admissions."""
        super().clear()
        self._urls.clear()
        self._texts.clear()
        self._sketches.clear()

    def known_url(self, url: str) -> str | None:
        """The id of the article already admitted from ``url`` (canonicalised), if any."""
        url = canonical_url(url)
        return self.store.url_article(url) or self._urls.get(url)

    def nearest(self, sketch: LeanMinHash) -> tuple[str, float] | None:
        """The root id and similarity of the most similar stored text at or above the threshold."""
        buckets = _buckets(sketch)
        candidates = [
            (root, LeanMinHash(seed=SEED, hashvalues=np.frombuffer(blob, dtype=np.uint32), scheme=SCHEME))
            for root, blob in self.store.sketches_in(buckets)
        ]
        candidates += [
            (root, staged) for root, staged, held in self._sketches.values() if held & set(buckets)
        ]
        best: tuple[str, float] | None = None
        for root, stored in candidates:
            similarity = float(sketch.jaccard(stored))
            if similarity >= NEAR_DUPLICATE and (best is None or similarity > best[1]):
                best = (root, similarity)
        return best

    def add(self, article_id: str, sketch: LeanMinHash, root: str | None = None) -> None:
        """Stage ``sketch`` for ``article_id``, as a copy of ``root`` when given."""
        if article_id in self._sketches:
            return
        buckets, root = _buckets(sketch), root or article_id
        self._sketches[article_id] = (root, sketch, set(buckets))
        signature = sketch.hashvalues.astype(np.uint32).tobytes()
        self.stage(lambda writer: writer.add_sketch(article_id, root, signature, buckets))

    def admit(self, article: Article, also_urls: tuple[str, ...] = ()) -> Verdict:
        """Check ``article`` against everything admitted, then stage it unless a duplicate.

        An article from a URL admitted before, or under an id admitted before, with another text is
        a ``revision`` of that article. ``also_urls`` are other addresses of the same article (the
        link a feed gave before redirects), remembered so they are not fetched again.
        """
        urls = [canonical_url(url) for url in (article.url, *also_urls) if url]
        digest = article.provenance.content_hash if article.provenance else None
        digest = digest or content_hash(article.text)
        seen = self.store.text_article(digest) or self._texts.get(digest)
        for url in urls:
            if (owner := self.known_url(url)) is not None:
                if seen is not None:
                    return Verdict("duplicate", article, owner)
                return self._revision(article, owner, digest)
        if seen is not None:
            self._remember(urls, seen)
            return Verdict("duplicate", article, seen)
        if self.store.admitted(article.id) or article.id in self._sketches:  # its id, another text
            self._remember(urls, article.id)
            return self._revision(article, article.id, digest)
        sketch = signature(article.text)
        match = self.nearest(sketch)
        self._remember(urls, article.id)
        self._texts.setdefault(digest, article.id)
        self.stage(lambda writer: writer.remember_text(digest, article.id))
        if match is None:
            self.add(article.id, sketch)
            return Verdict("new", article)
        root, _ = match
        self.add(article.id, sketch, root)
        return Verdict("copy", article.model_copy(update={"copy_of": root}), root)

    def _revision(self, article: Article, owner: str, digest: str) -> Verdict:
        """``article`` as a new version of the article ``owner`` admitted before (another text of
        the same URL or id), its text hash ``digest`` staged as ``owner``'s."""
        self._texts.setdefault(digest, owner)
        self.stage(lambda writer: writer.remember_text(digest, owner))
        return Verdict("revision", article.model_copy(update={"id": owner, "copy_of": None}), owner)

    def _remember(self, urls: list[str], article_id: str) -> None:
        for url in urls:
            self._urls.setdefault(url, article_id)
        self.stage(lambda writer: writer.remember_urls(urls, article_id))
