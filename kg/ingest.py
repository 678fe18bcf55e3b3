"""The pipeline: reader → Article → extractors → resolver → store, in batches.

One bad file or JSONL line becomes an error in the summary; the rest of the batch lands.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.facts import Article
from kg.graph import Facts
from kg.resolver import resolve
from kg.settle import settle_documents
from kg.stores.base import Store
from loaders.extract import extract
from loaders.readers import read_jsonl, read_path, read_text_article

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
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"articles": {"new": self.new, "unchanged": self.unchanged, "replaced": self.replaced,
                             "failed": self.failed}, "nodes": self.nodes, "edges": self.edges,
                "resettled": self.resettled,
                "errors": self.errors}


def expand_inputs(inputs: Iterable[str]) -> Iterator[str | Path]:
    """Files as given, folders recursively (sorted), `-` for standard input."""
    for item in inputs:
        path = Path(item)
        if item == "-":
            yield item
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


def read_inputs(inputs: Iterable[str]) -> Iterator[Article | InputError]:
    for item in expand_inputs(inputs):
        if item == "-":
            text = sys.stdin.read()
            yield from (read_jsonl(text, "<stdin>") if text.lstrip().startswith("{")
                        else [read_text_article(text, "<stdin>", "stdin")])
        elif not item.exists():
            yield InputError(str(item), "no such file or directory")
        else:
            yield from read_path(item)


def known_documents(store: Store, pending: dict[str, None]) -> Callable[[str], list[str]]:
    def lookup(base: str) -> list[str]:
        pattern = re.compile(re.escape(base) + r"(?:-\d{4})?$")
        found = set(store.find_ids(base)) | {i for i in pending if i.startswith(base)}
        return sorted(i for i in found if pattern.match(i))
    return lookup


def facts_for(article: Article, known: Callable[[str], list[str]]) -> Facts:
    return resolve(extract(article), known)


def ingest(store: Store, inputs: Iterable[str], progress: Callable[[str], None] | None = None,
           strict: bool = False) -> IngestSummary:
    summary, batch, pending = IngestSummary(), [], {}
    known = known_documents(store, pending)
    for record in read_inputs(inputs):
        if isinstance(record, InputError):
            summary.failed += 1
            summary.errors.append(str(record))
            if strict:
                break
        else:
            facts = _facts_or_error(record, known, summary)
            if facts is not None:
                pending.update((i, None) for i in facts.nodes if i.startswith("doc:"))
                batch.append(facts)
        if progress:
            progress(getattr(record, "id", "error"))
        if len(batch) >= BATCH:
            _flush(store, batch, summary, pending)
    _flush(store, batch, summary, pending)
    return summary


def _facts_or_error(article: Article, known, summary: IngestSummary) -> Facts | None:
    """An extractor bug on one article is that article's failure, not the batch's."""
    try:
        return facts_for(article, known)
    except Exception as exc:  # noqa: BLE001 - reported per article, the batch goes on
        summary.failed += 1
        summary.errors.append(f"{article.source or article.id}: extraction failed ({type(exc).__name__}: {exc})")
        return None


def _flush(store: Store, batch: list[Facts], summary: IngestSummary, pending: dict) -> None:
    if not batch:
        return
    for result in store.upsert_many(batch):
        setattr(summary, result.status, getattr(summary, result.status) + 1)
        summary.nodes += result.nodes
        summary.edges += result.edges
    summary.resettled += settle_documents(
        store, batch, lambda article: facts_for(article, known_documents(store, {})))
    batch.clear()
    pending.clear()
