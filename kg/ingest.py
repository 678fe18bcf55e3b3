"""The pipeline: reader → Article → extractors → resolver → store, in batches.

One bad file or JSONL line becomes an error in the summary; the rest of the batch lands.
"""
from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from kg.budget import OverBudget, article_budget, article_seconds
from kg.errors import InputError
from kg.facts import Article
from kg.graph import Facts
from kg.resolver import resolve
from kg.settle import new_dated_documents, of_base, settle_documents
from kg.stores.base import Store
from kg.stores.sqlite_rows import Rows
from loaders.detect import max_article_bytes
from loaders.extract import extract
from loaders.html import use_outlet_files
from loaders.inputs import Skipped, read_inputs

BATCH = 200
MAX_ERRORS = 20  # reported per input file; the rest are counted


@dataclass
class IngestSummary:
    new: int = 0
    unchanged: int = 0
    changed: int = 0  # the same source (id) with other content: its old claims were replaced
    failed: int = 0
    resettled: int = 0
    nodes: int = 0
    edges: int = 0
    entities_added: int = 0
    edges_added: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"articles": {"new": self.new, "unchanged": self.unchanged, "changed": self.changed,
                             "failed": self.failed}, "nodes": self.nodes, "edges": self.edges,
                "added": {"entities": self.entities_added, "edges": self.edges_added},
                "resettled": self.resettled,
                "errors": self.errors, "warnings": self.warnings}


class ErrorLog:
    """The first `limit` messages of each input file, then one line counting the rest, so that
    memory and output stay bounded however many lines of a file are bad (inputs arrive file by
    file, in order, with or without workers)."""

    def __init__(self, lines: list[str], limit: int, what: str = "errors"):
        self.lines, self.limit, self.what = lines, limit, what
        self.file: str | None = None
        self.count = 0

    def add(self, file: str, message: str) -> None:
        if file != self.file:
            self.close()
            self.file = file
        self.count += 1
        if self.count <= self.limit:
            self.lines.append(message)

    def close(self) -> None:
        if self.count > self.limit:
            where = f" in {self.file}" if self.file else ""
            self.lines.append(f"… and {self.count - self.limit} more {self.what}{where}")
        self.file, self.count = None, 0


def _file_of(record: Article | InputError) -> str:
    """The input file a record came from (a JSON Lines article's source is `file:line`)."""
    if isinstance(record, InputError):
        return record.source
    return re.sub(r":\d+$", "", record.source) if record.source else record.id


def known_documents(store: Store, pending: dict[str, None]) -> Callable[[str], list[str]]:
    def lookup(base: str) -> list[str]:
        found = set(store.find_ids(base)) | {i for i in pending if i.startswith(base)}
        return sorted(i for i in found if of_base(i, base))
    return lookup


def facts_for(article: Article, known: Callable[[str], list[str]]) -> Facts:
    return resolve(extract(article), known)


def extracted(article: Article, known, prepare: Callable[[Facts], Facts | Rows], seconds: float) -> Facts | Rows | str:
    """Facts (or the store's rows) of one article, or that article's one-line failure: an
    extractor bug, a text the store cannot take, or extraction over its time budget never
    takes the batch down with it."""
    where = article.source or article.id
    try:
        with article_budget(seconds):
            facts = facts_for(article, known)
        return prepare(facts)
    except OverBudget:
        return (f"{where}: extraction took over {seconds:g} s, the time budget for one article "
                "(KG_ARTICLE_SECONDS raises it)")
    except Exception as exc:  # noqa: BLE001 - reported per article, the batch goes on
        return f"{where}: extraction failed ({type(exc).__name__}: {exc})"


def ingest(store: Store, inputs: Iterable[str], progress: Callable[[str], None] | None = None,
           strict: bool = False, fmt: str | None = None, include: Iterable[str] = (),
           exclude: Iterable[str] = (), outlets: Iterable[str] = (), workers: int = 1,
           max_errors: int = MAX_ERRORS) -> IngestSummary:
    """Read, extract and store; each batch of BATCH articles is one transaction, so a crash
    keeps whole batches. `strict` stops at the first failure (earlier articles are kept).
    `workers` > 1 extracts in that many processes (SQLite stores). Errors past `max_errors`
    in one file are counted, not listed."""
    max_article_bytes(), article_seconds()  # a bad setting fails before any work
    with _fewer_collections():
        return _ingest(store, inputs, progress, strict, fmt, include, exclude, outlets, workers, max_errors)


@contextmanager
def _fewer_collections():
    """Ingest allocates millions of short-lived, acyclic objects that reference counting frees;
    at the default thresholds the cyclic collector keeps rescanning the long-lived heap
    (vocabularies, caches) as well. Freeze what exists and collect young objects less often."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _ingest(store: Store, inputs: Iterable[str], progress, strict: bool, fmt, include, exclude, outlets,
            workers: int, max_errors: int) -> IngestSummary:
    summary, batch, pending = IngestSummary(), [], {}
    errors, warnings = ErrorLog(summary.errors, max_errors), ErrorLog(summary.warnings, max_errors, "warnings")
    use_outlet_files(list(outlets))
    before = _totals(store)
    records = read_inputs(inputs, fmt, include, exclude)
    for record, outcome in _outcomes(store, records, pending, workers):
        if isinstance(outcome, Skipped):
            warnings.add("", str(outcome))
            continue
        if isinstance(outcome, (InputError, str)):
            summary.failed += 1
            errors.add(_file_of(record), str(outcome))
        else:
            pending.update((i, None) for i in outcome.nodes if i.startswith("doc:"))
            batch.append(outcome)
        if strict and summary.failed:
            break
        if progress:
            progress(getattr(record, "id", "error"))
        if len(batch) >= BATCH:
            _flush(store, batch, summary, pending)
    _flush(store, batch, summary, pending)
    errors.close()
    warnings.close()
    after = _totals(store)
    summary.entities_added, summary.edges_added = after[0] - before[0], after[1] - before[1]
    return summary


def _totals(store: Store) -> tuple[int, int]:
    """Entities and distinct edges in the store (their growth is what an ingest added)."""
    try:
        return store.totals()
    except Exception:  # noqa: BLE001 - a store without counts only loses the "added" figures
        return 0, 0


def _outcomes(store: Store, records, pending: dict, workers: int):
    """(record, Facts | Rows | InputError | failure message) in input order."""
    path = getattr(store, "path_for_workers", None)
    if workers > 1 and path:
        from kg.parallel import resolved_in_workers
        yield from resolved_in_workers(records, path, workers)
        return
    known, seconds = known_documents(store, pending), article_seconds()
    prepare = _prepare_for(store)
    for record in records:
        yield record, record if isinstance(record, InputError) else extracted(record, known, prepare, seconds)


def _prepare_for(store: Store) -> Callable[[Facts], Facts | Rows]:
    """The SQLite store takes ready rows; making them per article (as workers do) turns a value
    it could not write into that article's error instead of a failed batch."""
    from kg.stores.sqlite import SQLiteStore
    if isinstance(store, SQLiteStore):
        from kg.stores.sqlite_rows import rows_of
        return rows_of
    return lambda facts: facts


def _flush(store: Store, batch: list[Facts], summary: IngestSummary, pending: dict) -> None:
    if not batch:
        return
    new_dated = new_dated_documents(store, batch)
    for result in store.upsert_many(batch):
        _tally(summary, result.status)
        summary.nodes += result.nodes
        summary.edges += result.edges
    summary.resettled += settle_documents(
        store, new_dated, lambda article: facts_for(article, known_documents(store, {})))
    batch.clear()
    pending.clear()


def _tally(summary: IngestSummary, status: str) -> None:
    """The store's `replaced` is, seen from the input, the same source changed."""
    name = "changed" if status == "replaced" else status
    setattr(summary, name, getattr(summary, name) + 1)
