"""The search index: one tantivy index (a folder) for every city, read by all server threads.

Text is segmented and normalised by `rianru.search.text` before it reaches tantivy, which only splits on
whitespace; the same pipeline runs at index and at query time. Facet values are raw, fast (columnar)
fields, so tantivy counts them itself. Only the document key and the learning-space ids are stored: what
a result shows is read from the database, so it is never stale.

tantivy allows one writer at a time (a lock file in the folder): writes go through `writer()`, which
waits for the lock; readers reload when the folder's meta file changes.
"""

import json
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import tantivy
from django.conf import settings

# Bump when the fields change: an index of another version is rebuilt, never read.
SCHEMA_VERSION = 4
ANALYZER = "rianru_ws"
# Raw (untokenized), columnar fields whose values are counted as facets.
FACET_FIELDS = (
    "type",
    "city",
    "kind",
    "life_stage",
    "sdg",
    "kflc",
    "partner",
    "sector",
    "zone",
    "community",
    "mode",
    "language",
    "free",
    "certificate",
    "accessible",
    "live",
    "open_now",
)
STATE_FILE = "rianru-state.json"
WRITER_HEAP_BYTES = 64_000_000
# A full rebuild writes with a bigger buffer: fewer, larger segments and less merging afterwards.
REBUILD_HEAP_BYTES = 256_000_000
READER_CHECK_SECONDS = 0.25


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    # Frequencies for BM25, no positions: no query here is a phrase, and positions cost a third of the index.
    builder.add_text_field("title", tokenizer_name=ANALYZER, index_option="freq")
    builder.add_text_field("body", tokenizer_name=ANALYZER, index_option="freq")
    # Latin words as typed (not stemmed), only to find corrections for misspelt English words.
    builder.add_text_field("surface", tokenizer_name=ANALYZER, index_option="basic")
    for name in FACET_FIELDS:
        builder.add_text_field(name, fast=True, tokenizer_name="raw")
    builder.add_text_field("space_ids", stored=True, tokenizer_name="raw")
    # What a result shows (JSON), so answering a search needs no database query.
    builder.add_bytes_field("card", stored=True, indexed=False)
    builder.add_integer_field("age_min", fast=True, indexed=True)
    builder.add_integer_field("age_max", fast=True, indexed=True)
    builder.add_date_field("session_days", fast=True, indexed=True)
    builder.add_date_field("next_start", fast=True, indexed=True)
    return builder.build()


SCHEMA = build_schema()


def index_dir() -> Path:
    return Path(settings.RIANRU_SEARCH_INDEX_DIR)


def _register(index: tantivy.Index) -> tantivy.Index:
    # Registered again every time an index is opened: tantivy does not store analyzers.
    index.register_tokenizer(ANALYZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    return index


def open_index(path: Path | None = None, *, create: bool = True) -> tantivy.Index | None:
    path = path or index_dir()
    if path.is_dir() and tantivy.Index.exists(str(path)):
        return _register(tantivy.Index.open(str(path)))
    if not create:
        return None
    path.mkdir(parents=True, exist_ok=True)
    return _register(tantivy.Index(SCHEMA, path=str(path)))


# --- the indexer's bookkeeping, kept beside the index it describes --------------------------------


def read_state(path: Path | None = None) -> dict:
    try:
        return json.loads(((path or index_dir()) / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}


def write_state(state: dict, path: Path | None = None) -> None:
    path = path or index_dir()
    path.mkdir(parents=True, exist_ok=True)
    tmp = path / f".{STATE_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(state, sort_keys=True))
    os.replace(tmp, path / STATE_FILE)


@contextmanager
def writer(index: tantivy.Index, *, wait_seconds: float = 30.0, threads: int = 1, heap_bytes: int = 0):
    """The index's only writer; waits for another process's writer to finish (tantivy's lock file)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            handle = index.writer(heap_size=heap_bytes or WRITER_HEAP_BYTES * threads, num_threads=threads)
            break
        except ValueError:  # LockBusy: another process writes
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        yield handle
    except BaseException:
        handle.rollback()
        raise
    finally:
        del handle


# --- readers ---------------------------------------------------------------------------------------


class Reader:
    """One open index per process, reloaded when another process (the indexer) commits.

    The index is read with a manual reload policy: the searcher changes only when this class reloads
    it, and each reload moves `generation` on, so results cached for one generation are never stale.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._index = None
        self._path = None
        self._meta_mtime = None
        self._checked = 0.0
        self._searcher = None
        self._generation = 0

    def _meta_mtime_now(self):
        try:
            return (self._path / "meta.json").stat().st_mtime_ns
        except OSError:
            return None

    def _open(self, path: Path) -> None:
        self._path = path
        self._index = open_index(path, create=False)
        if self._index is not None:
            self._index.config_reader(reload_policy="Manual")
        self._meta_mtime = self._meta_mtime_now()
        self._searcher = None
        self._generation += 1

    def current(self) -> tuple[int, tantivy.Index | None]:
        """(generation, index): the generation changes whenever what the index answers may change."""
        path = index_dir()
        now = time.monotonic()
        with self._lock:
            if self._index is None or self._path != path:
                self._open(path)
                self._checked = now
            elif now - self._checked > READER_CHECK_SECONDS:
                self._checked = now
                mtime = self._meta_mtime_now()
                if mtime != self._meta_mtime:
                    self._meta_mtime = mtime
                    self._index.reload()
                    self._searcher = None
                    self._generation += 1
            return self._generation, self._index

    def searcher(self) -> tuple[int, tantivy.Searcher | None]:
        """(generation, searcher); one searcher is shared by all threads until the next reload."""
        generation, index = self.current()
        if index is None:
            return generation, None
        with self._lock:
            if self._searcher is None or generation != self._generation:
                self._searcher = index.searcher()
            return self._generation, self._searcher

    def refresh(self) -> None:
        """Forget the open index (after a rebuild in this process, or when the setting changes)."""
        with self._lock:
            self._index = None
            self._searcher = None
            self._generation += 1


reader = Reader()
