"""Keeps the search index in step with the database.

- `rebuild()` writes every document again in one commit (readers see the old index until then).
- `catch_up()` applies the change feed (`SearchChange` rows after the index's cursor) and the
  time-dependent changes (registration opening or closing, sessions starting or ending) since its
  last run, then commits once.
- `follow()` calls `catch_up()` in a loop; `rianru serve` runs it in a background thread of the one
  worker that holds the indexer lock, and `rianru search index --follow` runs it as its own process.

The cursor lives in the index folder, so every copy of the index (one per server) keeps its own place.
Rows committed out of id order (PostgreSQL sequences) are caught by re-reading a short window before the
cursor: applying a change twice is harmless.
"""

import datetime as dt
import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connections
from django.db.models import Q
from django.utils import timezone

from rianru.core.background import start_locked_thread
from rianru.search import documents, text
from rianru.search.index import (
    REBUILD_HEAP_BYTES,
    SCHEMA_VERSION,
    index_dir,
    open_index,
    read_state,
    reader,
    write_state,
    writer,
)
from rianru.search.models import SearchChange

log = logging.getLogger(__name__)

# Changes younger than this are read again on the next run (late commits of earlier ids).
REREAD_WINDOW = dt.timedelta(seconds=10)
# The change feed is pruned after this long: every index copy has applied them by then.
KEEP_CHANGES = dt.timedelta(days=2)
# Processes that segment text during a full rebuild (at most one per core).
REBUILD_PROCESSES = 2
PARALLEL_FROM_DOCUMENTS = 5000


@dataclass
class Outcome:
    added: int = 0
    removed: int = 0
    seconds: float = 0.0


def _expected_meta() -> dict:
    return {"schema": SCHEMA_VERSION, "dictionary": text.dictionary_version()}


def needs_rebuild() -> bool:
    state = read_state()
    return open_index(create=False) is None or any(state.get(k) != v for k, v in _expected_meta().items())


def _write(index_writer, kind: str, ids: list[int], now: dt.datetime, outcome: Outcome) -> None:
    for pk, doc in documents.BUILDERS[kind](sorted(ids), now):
        index_writer.delete_documents_by_term("key", documents.key(kind, pk))
        if doc is None:
            outcome.removed += 1
        else:
            index_writer.add_document(doc.to_tantivy())
            outcome.added += 1


def rebuild(*, now: dt.datetime | None = None) -> Outcome:
    """Every document again, in one commit; the cursor moves to the newest change."""
    started = time.monotonic()
    now = now or timezone.now()
    last_change = SearchChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    path = index_dir()
    state = read_state(path)
    index = open_index(path)
    if state.get("schema") not in (None, SCHEMA_VERSION):
        index = _recreate(path)
    outcome = Outcome()
    ids = {kind: documents.all_ids(kind) for kind in documents.BUILDERS}
    tasks = [(kind, chunk) for kind, rows in ids.items() for chunk in documents.chunks(rows)]
    text.dictionary_version()  # load the dictionaries once, before the pool's processes fork
    workers = min(os.cpu_count() or 1, REBUILD_PROCESSES)
    pool = None
    if workers > 1 and sum(map(len, ids.values())) >= PARALLEL_FROM_DOCUMENTS:
        # Reading, building and segmenting run in worker processes (their own database connections);
        # this process only adds the documents to the index.
        connections.close_all()
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        results = pool.map(_build_task, tasks, itertools.repeat(now))
    else:
        results = (documents.build_ready(kind, chunk, now) for kind, chunk in tasks)
    try:
        with writer(index, threads=2, heap_bytes=REBUILD_HEAP_BYTES) as index_writer:
            index_writer.delete_all_documents()
            for ready_docs in results:
                for ready in ready_docs:
                    index_writer.add_document(documents.ready_to_tantivy(ready))
                outcome.added += len(ready_docs)
            index_writer.commit()
            index_writer.wait_merging_threads()
    finally:
        if pool:
            pool.shutdown()
    write_state({**_expected_meta(), "change_id": last_change, "time": now.isoformat()}, path)
    reader.refresh()
    outcome.seconds = time.monotonic() - started
    return outcome


def _build_task(task, now):
    kind, ids = task
    return documents.build_ready(kind, ids, now)


def _recreate(path):
    import shutil

    shutil.rmtree(path, ignore_errors=True)
    return open_index(path)


def catch_up(*, now: dt.datetime | None = None) -> Outcome:
    """Apply what changed since the last run; one commit, or none if nothing changed."""
    if needs_rebuild():
        return rebuild(now=now)
    started = time.monotonic()
    now = now or timezone.now()
    path = index_dir()
    state = read_state(path)
    cursor = state.get("change_id", 0)
    since = dt.datetime.fromisoformat(state["time"]) if state.get("time") else now
    changes = list(
        SearchChange.objects.filter(Q(id__gt=cursor) | Q(created_at__gte=since - REREAD_WINDOW)).values_list(
            "id", "kind", "object_id"
        )
    )
    todo: dict[str, set[int]] = defaultdict(set)
    for _id, kind, pk in changes:
        for dep_kind, ids in documents.dependants(kind, pk).items():
            todo[dep_kind] |= ids
    if since < now:
        todo["opportunity"] |= documents.time_boundary_opportunities(since, now)
        todo["space"] |= documents.time_boundary_spaces(since, now)
    outcome = Outcome()
    if any(todo.values()):
        with writer(open_index(path)) as index_writer:
            for kind, ids in todo.items():
                _write(index_writer, kind, list(ids), now, outcome)
            index_writer.commit()
        reader.refresh()  # this process sees its own commit at once; others within READER_CHECK_SECONDS
    new_cursor = max([cursor, *(row[0] for row in changes)])
    write_state({**state, "change_id": new_cursor, "time": now.isoformat()}, path)
    outcome.seconds = time.monotonic() - started
    return outcome


@dataclass
class Status:
    built: bool
    documents: int
    pending_changes: int
    outdated: bool  # built with another schema or dictionary: the next catch-up rebuilds it


def status() -> Status:
    index = open_index(create=False)
    if index is None:
        return Status(built=False, documents=0, pending_changes=0, outdated=True)
    state = read_state()
    pending = SearchChange.objects.filter(id__gt=state.get("change_id", 0)).count()
    return Status(
        built=True, documents=index.searcher().num_docs, pending_changes=pending, outdated=needs_rebuild()
    )


def prune_changes(now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - KEEP_CHANGES
    deleted, _ = SearchChange.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def follow(*, interval: float | None = None, stop: threading.Event | None = None) -> None:
    """Catch up every `interval` seconds until `stop` is set; errors are logged, never fatal."""
    interval = interval if interval is not None else settings.RIANRU_SEARCH_INDEX_INTERVAL
    stop = stop or threading.Event()
    last_prune = 0.0
    while not stop.is_set():
        try:
            outcome = catch_up()
            if outcome.added or outcome.removed:
                log.info("search index: %s written, %s removed in %.2fs", outcome.added, outcome.removed,
                         outcome.seconds)  # fmt: skip
            if time.monotonic() - last_prune > 3600:
                prune_changes()
                last_prune = time.monotonic()
        except Exception:
            log.exception("search index: catching up failed; trying again")
        finally:
            close_old_connections()
        stop.wait(interval)


_thread: threading.Thread | None = None


def start_in_background() -> bool:
    """Run `follow()` in a daemon thread if no other process on this machine does (a file lock).

    Called in every server worker; the one that gets the lock indexes, the others keep trying, so
    another takes over if that worker restarts.
    """
    global _thread
    if settings.RIANRU_SEARCH_INDEXER != "thread" or (_thread and _thread.is_alive()):
        return False

    path = index_dir()
    _thread = start_locked_thread(
        name="rianru-search-indexer", lock_path=path.parent / f".{path.name}.indexer.lock", target=follow
    )
    return True
