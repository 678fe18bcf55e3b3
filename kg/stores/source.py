"""A whole store read as ordered streams: the `GraphSource` every exporter and `kg push` consume.

Each store gives one (`Store.graph_source()`): the SQLite store from its tables
(`kg.stores.sqlite.source`), the Neo4j store from its graph (`kg.stores.neo4j.source`). So an
exporter is written once against these streams and works from every store, and no exporter
knows a store's layout. The order of every stream is fixed (by id), so two stores holding the
same facts stream the same items, and exports from them are equal.
"""
from __future__ import annotations

import heapq
import pickle
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby, islice
from pathlib import Path

from kg.facts import Evidence
from kg.graph import Edge, Node

RUN = 50_000  # edge claims sorted in memory at a time when a store cannot order them by article


@dataclass(frozen=True)
class SourceNode:
    """A node with every alias its claims gave (sorted; its name among them)."""
    node: Node
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class SourceArticle:
    """An article: its record (`Store.article` without the text), content hash and text, and
    the graph properties of its own node (`article:<id>`)."""
    meta: dict
    hash: str
    text: str
    props: dict

    @property
    def id(self) -> str:
        return self.meta["id"]


@dataclass(frozen=True)
class SourceClaim:
    """One article's claim of a node: the properties it gives, and where it says so."""
    node_id: str
    props: dict
    evidence: Evidence

    @property
    def article_id(self) -> str:
        return self.evidence.article_id


class Closing:
    """Closed on leaving a `with` block (stores and their streams alike)."""
    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class GraphSource(Closing, ABC):
    """A store's nodes, edge claims, articles and node claims as streams in a stable order,
    holding a bounded amount in memory whatever the store's size.

    A filter (`ids`, `types`, `article_ids`) narrows a stream and keeps its order. Use it as a
    context manager: a store may set itself up for a long scan and undo that on close."""

    @abstractmethod
    def nodes(self, node_type: str | None = None, ids: Iterable[str] | None = None) -> Iterator[SourceNode]:
        """Nodes (Article nodes too) by id."""

    @abstractmethod
    def edges(self, types: Iterable[str] | None = None,
              article_ids: Iterable[str] | None = None) -> Iterator[Edge]:
        """Edge claims (one per claiming article) by (src, type, dst, article id)."""

    @abstractmethod
    def articles(self, ids: Iterable[str] | None = None) -> Iterator[SourceArticle]:
        """Articles by id."""

    @abstractmethod
    def claims(self, article_ids: Iterable[str] | None = None) -> Iterator[SourceClaim]:
        """Node claims by (article id, node id), but an article's claim of its own node (that
        node carries what the article says of itself)."""

    def article_hashes(self) -> Iterator[tuple[str, str]]:
        """(article id, content hash) by id."""
        return ((a.id, a.hash) for a in self.articles())

    def triples(self) -> Iterator[tuple[str, str, str]]:
        """Each distinct (src, type, dst) once, in `edges` order."""
        return (triple for triple, _ in groupby((e.src, e.type, e.dst) for e in self.edges()))

    def edges_by_article(self) -> Iterator[tuple[str, list[Edge]]]:
        """Each claiming article's edge claims together, by article id, each group in `edges`
        order. This default sorts `edges` on disk in runs of RUN, then merges the runs."""
        return by_article(self.edges())


def _article_order(edge: Edge) -> tuple:
    return edge.article_id or "", edge.src, edge.type, edge.dst


def by_article(edges: Iterable[Edge], run: int = RUN) -> Iterator[tuple[str, list[Edge]]]:
    """`edges` grouped by article id (an external merge sort: at most `run` edges in memory
    plus one per run being merged); the spool files go when the iteration ends."""
    edges = iter(edges)
    with tempfile.TemporaryDirectory(prefix="kg-spool-") as work:
        runs = []
        while chunk := list(islice(edges, run)):
            chunk.sort(key=_article_order)
            path = Path(work, str(len(runs)))
            with open(path, "wb") as fh:
                pickle.dump(len(chunk), fh)
                for edge in chunk:
                    pickle.dump(edge, fh, pickle.HIGHEST_PROTOCOL)
            runs.append(path)
        merged = heapq.merge(*(_spooled(path) for path in runs), key=_article_order)
        for article_id, group in groupby(merged, key=lambda e: e.article_id or ""):
            yield article_id, list(group)


def _spooled(path: Path) -> Iterator[Edge]:
    with open(path, "rb") as fh:
        for _ in range(pickle.load(fh)):
            yield pickle.load(fh)
