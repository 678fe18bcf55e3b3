"""Extraction and resolution in worker processes, results in input order.

Extraction is pure CPU work, so `--workers N` runs it (and resolution, and the making of the
store's rows) in N processes; the parent only writes.
Each worker resolves dateless document mentions against its own read-only view of the
SQLite store; mentions whose document arrives in the same batch are settled after the batch
commits (`kg.settle`), exactly as in a single-process run.
"""
from __future__ import annotations

import collections
import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator

from kg.budget import article_seconds
from kg.errors import InputError
from kg.facts import Article
from kg.settle import known_documents
from kg.stores.sqlite import SQLiteStore
from kg.stores.sqlite.rows import Rows, rows_of
from kg.work import Unchanged, extracted, unchanged_in

Outcome = Rows | InputError | str  # a str is an extraction failure message
_worker_known: Callable[[str], list[str]] | None = None
_worker_seconds = 0.0
_worker_store = None


def _init(store_path: str, seconds: float) -> None:
    global _worker_known, _worker_seconds, _worker_store
    _worker_store = SQLiteStore(store_path)
    _worker_known, _worker_seconds = known_documents(_worker_store, {}), seconds


def _work(record: Article | InputError) -> Outcome:
    """The outcome alone: the parent keeps the record (sending it back would double the traffic).
    A failing or over-budget article is that article's error; the run goes on."""
    if isinstance(record, InputError):
        return record
    if unchanged_in(_worker_store, record):
        return Unchanged()  # stored with this content: not extracted again
    return extracted(record, _worker_known, rows_of, _worker_seconds)  # the parent only writes the rows


IN_FLIGHT = 512  # records read ahead of the store: the pool would otherwise read all the input


def resolved_in_workers(records: Iterable[Article | InputError], store_path: str,
                        workers: int) -> Iterator[tuple[Article | InputError, Outcome]]:
    """A steady flow: each stored result lets one more record in, so neither the workers nor
    the parent wait at batch boundaries, and memory stays bounded by IN_FLIGHT."""
    slots, sent, stop = threading.Semaphore(IN_FLIGHT), collections.deque(), threading.Event()

    def feed() -> Iterator[Article | InputError]:  # runs in the pool's task thread
        for record in records:
            while not slots.acquire(timeout=0.1):
                if stop.is_set():
                    return
            sent.append(record)
            yield record

    with multiprocessing.get_context("fork").Pool(workers, initializer=_init,
                                                  initargs=(store_path, article_seconds())) as pool:
        try:
            for outcome in pool.imap(_work, feed(), chunksize=16):
                record = sent.popleft()  # imap yields in input order
                slots.release()
                yield record, outcome
        finally:
            stop.set()  # a caller that stops early (--strict) must not leave the feeder waiting
