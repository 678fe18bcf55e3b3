"""The pipeline: reader → Article → extractors → resolver → store, in batches.

One bad file or JSONL line becomes an error in the summary; the rest of the batch lands.
"""
from __future__ import annotations

import fnmatch
import gc
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.facts import Article
from kg.graph import Facts
from kg.rdf.persist import sync as sync_sparql_store
from kg.resolver import resolve
from kg.settle import new_dated_documents, of_base, settle_documents
from kg.stores.base import Store
from loaders.extract import extract
from loaders.html import use_outlet_files
from loaders.readers import read_path, read_stream

BATCH = 200


@dataclass
class IngestSummary:
    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    failed: int = 0
    resettled: int = 0
    nodes: int = 0
    edges: int = 0
    entities_added: int = 0
    edges_added: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"articles": {"new": self.new, "unchanged": self.unchanged, "replaced": self.replaced,
                             "failed": self.failed}, "nodes": self.nodes, "edges": self.edges,
                "added": {"entities": self.entities_added, "edges": self.edges_added},
                "resettled": self.resettled,
                "errors": self.errors}


def expand_inputs(inputs: Iterable[str], include: Iterable[str] = (),
                  exclude: Iterable[str] = ()) -> Iterator[str | Path | InputError]:
    """Files as given, folders recursively (sorted; hidden entries skipped; `include`/`exclude`
    globs match a file's name or its path under the folder), `-` for standard input."""
    include, exclude = list(include), list(exclude)
    for item in inputs:
        path = Path(item)
        if item == "-":
            yield item
        elif path.is_dir():
            yield from _walk(path, include, exclude)
        else:
            yield path


def _walk(root: Path, include: list[str], exclude: list[str]) -> Iterator[Path | InputError]:
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            if name.startswith(".") or (include and not _matches(rel, name, include)) \
                    or _matches(rel, name, exclude):
                continue
            yield path
        while errors:
            exc = errors.pop(0)
            yield InputError(str(exc.filename or root), "permission denied (cannot list the folder)"
                             if isinstance(exc, PermissionError) else exc.strerror or str(exc))


def _matches(rel: str, name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)


def read_inputs(inputs: Iterable[str], fmt: str | None = None, include: Iterable[str] = (),
                exclude: Iterable[str] = ()) -> Iterator[Article | InputError]:
    """Every article (or error) from files, folders and `-`; `fmt` overrides content sniffing."""
    for item in expand_inputs(inputs, include, exclude):
        if isinstance(item, InputError):
            yield item
        elif item == "-":
            stdin = getattr(sys.stdin, "buffer", None)
            if stdin is None:  # a text-only stdin (embedding, tests)
                stdin = io.BytesIO(sys.stdin.read().encode("utf-8"))
            yield from read_stream(stdin, "<stdin>", "stdin", fmt)
        elif not item.exists():
            yield InputError(str(item), "no such file or directory")
        else:
            yield from read_path(item, fmt)


def known_documents(store: Store, pending: dict[str, None]) -> Callable[[str], list[str]]:
    def lookup(base: str) -> list[str]:
        found = set(store.find_ids(base)) | {i for i in pending if i.startswith(base)}
        return sorted(i for i in found if of_base(i, base))
    return lookup


def facts_for(article: Article, known: Callable[[str], list[str]]) -> Facts:
    return resolve(extract(article), known)


def ingest(store: Store, inputs: Iterable[str], progress: Callable[[str], None] | None = None,
           strict: bool = False, fmt: str | None = None, include: Iterable[str] = (),
           exclude: Iterable[str] = (), outlets: Iterable[str] = (), workers: int = 1) -> IngestSummary:
    """Read, extract and store; each batch of BATCH articles is one transaction, so a crash
    keeps whole batches. `strict` stops at the first failure (earlier articles are kept).
    `workers` > 1 extracts in that many processes (SQLite stores)."""
    with _fewer_collections():
        return _ingest(store, inputs, progress, strict, fmt, include, exclude, outlets, workers)


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
            workers: int) -> IngestSummary:
    summary, batch, pending = IngestSummary(), [], {}
    use_outlet_files(list(outlets))
    before = _totals(store)
    records = read_inputs(inputs, fmt, include, exclude)
    for record, outcome in _outcomes(store, records, pending, workers):
        if isinstance(outcome, (InputError, str)):
            summary.failed += 1
            summary.errors.append(str(outcome))
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
    known = known_documents(store, pending)
    for record in records:
        yield record, record if isinstance(record, InputError) else _facts_or_error(record, known)


def _facts_or_error(article: Article, known) -> Facts | str:
    """An extractor bug on one article is that article's failure, not the batch's."""
    try:
        return facts_for(article, known)
    except Exception as exc:  # noqa: BLE001 - reported per article, the batch goes on
        return f"{article.source or article.id}: extraction failed ({type(exc).__name__}: {exc})"


def _flush(store: Store, batch: list[Facts], summary: IngestSummary, pending: dict) -> None:
    if not batch:
        return
    new_dated = new_dated_documents(store, batch)
    for result in store.upsert_many(batch):
        setattr(summary, result.status, getattr(summary, result.status) + 1)
        summary.nodes += result.nodes
        summary.edges += result.edges
    summary.resettled += settle_documents(
        store, new_dated, lambda article: facts_for(article, known_documents(store, {})))
    sync_sparql_store(store, batch)
    batch.clear()
    pending.clear()
