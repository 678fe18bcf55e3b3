"""The store interface: a small set of primitives every query is written against once."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kg.graph import Edge, Facts, Node


@dataclass
class UpsertResult:
    status: str  # new | unchanged | replaced
    nodes: int = 0
    edges: int = 0


class Store(ABC):
    location: str

    @abstractmethod
    def upsert(self, facts: Facts) -> UpsertResult:
        """Store one article's facts in one transaction (replacing its older claims)."""

    def upsert_many(self, batch: Iterable[Facts]) -> list[UpsertResult]:
        return [self.upsert(facts) for facts in batch]

    def replace(self, facts: Facts) -> UpsertResult:
        """Store an article's facts again even though its text is unchanged (re-resolution)."""
        self.retract(facts.article.id)
        return self.upsert(facts)

    @abstractmethod
    def retract(self, article_id: str) -> bool:
        """Remove one article and exactly the claims only it supported."""

    @abstractmethod
    def get(self, node_id: str) -> Node | None: ...

    @abstractmethod
    def find(self, text: str, node_type: str | None = None, limit: int = 50,
             exact: bool = False) -> list[Node]:
        """Nodes whose name or an alias contains (`exact`: equals) `text`, accent-, tone- and
        case-insensitively; exact matches first."""

    @abstractmethod
    def find_ids(self, prefix: str) -> list[str]:
        """Ids starting with `prefix` (document candidates share a base id)."""

    @abstractmethod
    def neighbours(self, node_id: str, edge_type: str | None, direction: str = "out") -> list[tuple[Edge, Node]]:
        """Edges (one per claiming article) of a type leaving (`out`) or entering (`in`) a node."""

    def neighbours_many(self, node_ids: list[str], edge_type: str,
                        direction: str = "out") -> dict[str, list[tuple[Edge, Node]]]:
        """`neighbours` of many nodes at once (one round trip where the store can)."""
        return {node_id: self.neighbours(node_id, edge_type, direction) for node_id in node_ids}

    def walk(self, start: str, edge_types: list[str], direction: str, depth: int) -> list[tuple[Edge, Node]]:
        """Every edge claim of `edge_types` reachable from `start` within `depth` hops, walking
        `direction` ("out" along edges, "in" against them), with the node on its far side.

        This default walks breadth-first with `neighbours`; stores override it to walk in
        fewer round trips."""
        seen, frontier, found = {start}, [start], []
        for _ in range(depth):
            following = []
            for node_id in frontier:
                for edge_type in edge_types:
                    for edge, other in self.neighbours(node_id, edge_type, direction):
                        found.append((edge, other))
                        if other.id not in seen:
                            seen.add(other.id)
                            following.append(other.id)
            frontier = following
        return found

    @abstractmethod
    def iter_nodes(self, node_type: str | None = None) -> Iterator[Node]: ...

    @abstractmethod
    def iter_edges(self, edge_type: str | None = None) -> Iterator[Edge]: ...

    @abstractmethod
    def article(self, article_id: str) -> dict | None: ...

    @abstractmethod
    def counts(self) -> dict:
        """{"articles": n, "nodes": {type: n}, "edges": {type: n}} (edges counted once per triple)."""

    def totals(self) -> tuple[int, int]:
        """(entities, distinct edges): what an ingest's growth is measured by."""
        counts = self.counts()
        return sum(counts["nodes"].values()), sum(counts["edges"].values())

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
