"""The shortest chain of relations between two nodes, found level by level with the store's
`adjacency` primitive (one round trip per level on either store), so a path costs what the
levels it explores hold, not the whole graph.

Among several shortest chains the answer is the one whose node ids, read from the start,
come first in order; on each hop the claim that comes first by (source, type, target,
article). So every store gives the same chain.
"""
from __future__ import annotations

from kg.graph import Edge
from kg.model import schema
from kg.stores.base import Store


def relation_types() -> list[str]:
    """Edge types a chain may use: not an article's (mentioning both is not a relation)."""
    return [name for name, edge in schema().edges.items() if edge.source != "Article"]


def shortest_chain(store: Store, start: str, end: str, max_hops: int | None = None,
                   hub: int | None = None) -> list[str] | None:
    """Node ids from `start` to `end`, or None when no chain of at most `max_hops` (None:
    any length) avoids nodes with `hub` or more neighbours (None: no limit) on its way."""
    if start == end:
        return [start]
    parents: list[dict[str, set[str]]] = [{start: set()}]
    seen, types = {start}, relation_types()
    while parents[-1] and end not in parents[-1] and (max_hops is None or len(parents) <= max_hops):
        frontier = sorted(parents[-1])
        near = store.adjacency(frontier, types, hub)
        level: dict[str, set[str]] = {}
        for node_id in frontier:
            if near.get(node_id) is None and node_id != start:
                continue  # a hub: reached, not walked through
            far = near.get(node_id) or (store.adjacency([node_id], types)[node_id] if node_id == start else [])
            for other in far:
                if other not in seen:
                    level.setdefault(other, set()).add(node_id)
        seen |= set(level)
        parents.append(level)
    return _first_chain(parents, end) if end in parents[-1] else None


def _first_chain(parents: list[dict[str, set[str]]], end: str) -> list[str]:
    """The chain whose ids come first, among the shortest ones the BFS levels hold."""
    on_path = [set() for _ in parents]
    on_path[-1] = {end}
    for depth in range(len(parents) - 1, 0, -1):
        on_path[depth - 1] = {p for node_id in on_path[depth] for p in parents[depth][node_id]}
    chain = [min(on_path[0])]
    for depth in range(1, len(parents)):
        chain.append(min(n for n in on_path[depth] if chain[-1] in parents[depth][n]))
    return chain


def hop_claim(store: Store, a: str, b: str) -> Edge:
    """The claim linking `a` and `b` that comes first by (source, type, target, article)."""
    claims = [edge for direction, other in (("out", b), ("in", b))
              for edge, node in store.neighbours(a, None, direction) if node.id == other
              and edge.type in set(relation_types())]
    return min(claims, key=lambda e: (e.src, e.type, e.dst, e.article_id or ""))
