"""The pipeline: reader → Article → extractors → resolver → store, in batches.

One bad file or JSONL line becomes an error in the summary; the rest of the batch lands.
"""
from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from kg.budget import article_seconds
from kg.errors import InputError
from kg.facts import Article
from kg.graph import Facts
from kg.model import conform, type_of_id
from kg.parallel import resolved_in_workers
from kg.rdf.persist import sync as sync_sparql_store
from kg.settle import dated_in, known_documents, mentioned_bases, new_dated_bases, settle
from kg.stores.base import Store
from kg.stores.sqlite.rows import Rows
from kg.work import Unchanged, extracted, unchanged_in
from loaders.detect import max_article_bytes, positive_setting
from loaders.extract import extract
from loaders.html import use_outlet_files
from loaders.inputs import Skipped, read_inputs

BATCH = 200
MAX_ERRORS = 20  # reported per input file; the rest are counted
# Claims and edges one article may write (KG_MAX_ARTICLE_FACTS): an article naming 4,000
# documents writes about 12,000; more than this is that article's failure, not a full disk.
MAX_FACTS = 50_000


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
    summary.resettled += _settle(store, set())  # what a killed run left unsettled
    records = read_inputs(inputs, fmt, include, exclude)
    for record, outcome in _outcomes(store, records, pending, workers):
        outcome = _within_limit(record, outcome)
        if isinstance(outcome, Skipped):
            warnings.add("", str(outcome))
            continue
        if isinstance(outcome, Unchanged):
            summary.unchanged += 1
        elif isinstance(outcome, (InputError, str)):
            summary.failed += 1
            errors.add(_file_of(record), str(outcome))
        else:
            pending.update((i, None) for i in _dated_documents(outcome))
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
        yield from resolved_in_workers(records, path, workers)
        return
    known, seconds = known_documents(store, pending), article_seconds()
    prepare = _prepare_for(store)
    for record in records:
        if isinstance(record, InputError):
            yield record, record
        elif unchanged_in(store, record):
            yield record, Unchanged()
        else:
            yield record, extracted(record, known, prepare, seconds)


def _within_limit(record, outcome):
    """The outcome, or that article's failure when it would write more than the limit."""
    if isinstance(outcome, Rows):
        size = outcome.size
    elif isinstance(outcome, Facts):
        size = len(outcome.nodes) + len(outcome.edges)
    else:
        return outcome
    limit = max_facts()
    if size <= limit:
        return outcome
    return (f"{record.source or record.id}: {size} claims and edges, more than one article may write "
            f"({limit}, KG_MAX_ARTICLE_FACTS); not stored")


def max_facts() -> int:
    """KG_MAX_ARTICLE_FACTS, default 50,000; a bad value is the user's one-line error."""
    return max(1, int(positive_setting("KG_MAX_ARTICLE_FACTS", MAX_FACTS, "claims and edges")))


def _dated_documents(outcome: Facts | Rows) -> list[str]:
    if isinstance(outcome, Rows):
        return [i for i, props in outcome.claimed_props if type_of_id(i) == "Document" and props.get("date")]
    return dated_in(outcome)


def _prepare_for(store: Store) -> Callable[[Facts], Facts | Rows]:
    """The SQLite store takes ready rows; making them per article (as workers do) turns a value
    it could not write into that article's error instead of a failed batch."""
    from kg.stores.sqlite import SQLiteStore
    if isinstance(store, SQLiteStore):
        from kg.stores.sqlite.rows import rows_of
        return rows_of
    return conform  # the facts, or that article's error


def _flush(store: Store, batch: list[Facts], summary: IngestSummary, pending: dict) -> None:
    if not batch:
        return
    bases = new_dated_bases(store, batch)
    for result in store.upsert_many(batch):
        _tally(summary, result.status)
        summary.nodes += result.nodes
        summary.edges += result.edges
    summary.resettled += _settle(store, bases, batch)
    batch.clear()
    pending.clear()


def _tally(summary: IngestSummary, status: str) -> None:
    """The store's `replaced` is, seen from the input, the same source changed."""
    name = "changed" if status == "replaced" else status
    setattr(summary, name, getattr(summary, name) + 1)


def forget(store: Store, article_id: str) -> bool:
    """Retract one article, then resolve again the dateless mentions of the documents it dated
    (a year only it gave goes with it). False when the store does not hold the article."""
    bases = mentioned_bases(store, article_id)
    found = store.retract(article_id)
    _settle(store, bases, [article_id])  # also what a killed forget left unsettled
    return found


def _settle(store: Store, bases: set[str], written: list = ()) -> int:
    """Settle, then bring a SPARQL store beside the file (if any) up to date with the articles
    just `written` (their Facts, Rows or ids) and those settling rewrote. Returns how many
    settling rewrote."""
    redone = settle(store, bases, extract)
    if written or redone:
        sync_sparql_store(store, [*written, *redone])
    return len(redone)
