"""Extraction and resolution in worker processes, results in input order.

Extraction is pure CPU work, so `--workers N` runs it (and resolution) in N processes.
Each worker resolves dateless document mentions against its own read-only view of the
SQLite store; mentions whose document arrives in the same batch are settled after the batch
commits (`kg.settle`), exactly as in a single-process run.
"""
from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator

from kg.errors import InputError
from kg.facts import Article
from kg.graph import Facts

Outcome = Facts | InputError | str  # a str is an extraction failure message
_worker_known: Callable[[str], list[str]] | None = None


def _init(store_path: str) -> None:
    global _worker_known
    from kg.ingest import known_documents
    from kg.stores.sqlite import SQLiteStore
    _worker_known = known_documents(SQLiteStore(store_path), {})


def _work(record: Article | InputError) -> Outcome:
    """The outcome alone: the parent keeps the record (sending it back would double the traffic)."""
    if isinstance(record, InputError):
        return record
    from kg.ingest import facts_for
    try:
        facts = facts_for(record, _worker_known)
    except Exception as exc:  # noqa: BLE001 - the article fails, the run goes on
        return f"{record.source or record.id}: extraction failed ({type(exc).__name__}: {exc})"
    facts.article = None  # the parent puts its own copy back: the text need not travel twice
    return facts


WINDOW = 512  # records in flight: the pool would otherwise read the whole input ahead


def resolved_in_workers(records: Iterable[Article | InputError], store_path: str,
                        workers: int) -> Iterator[tuple[Article | InputError, Outcome]]:
    records = iter(records)
    with multiprocessing.get_context("fork").Pool(workers, initializer=_init, initargs=(store_path,)) as pool:
        while window := list(itertools.islice(records, WINDOW)):
            for record, outcome in zip(window, pool.imap(_work, window, chunksize=16)):
                if isinstance(outcome, Facts):
                    outcome.article = record
                yield record, outcome
