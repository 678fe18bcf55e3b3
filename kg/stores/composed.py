"""The defaults of the Store primitives that answer a whole question (a page of meetings with
their links, a node's neighbours with theirs, a bounded walk, a shortest chain), composed of
the smaller primitives. They are the oracle: a store that answers one of these in a single
round trip (Neo4j) must give exactly what these give (tests/test_contract.py)."""
from __future__ import annotations

from dataclasses import replace

from kg.graph import Edge, Node

Link = tuple[str, str]  # (edge type, direction) of the claims fetched along with a node


def linked(store, node_ids: list[str], links: tuple[Link, ...],
           evidence: bool = True) -> dict[Link, dict[str, list[tuple[Edge, Node]]]]:
    ids = list(dict.fromkeys(node_ids))
    found = {link: store.neighbours_many(ids, link[0], link[1]) for link in links}
    return found if evidence else {link: {n: bare(c) for n, c in per.items()} for link, per in found.items()}


def same_article(found: dict, claims: list[tuple[Edge, Node]]) -> dict:
    """Each far node's linked claims cut to those of the articles claiming the link to it."""
    by = {}
    for edge, node in claims:
        by.setdefault(node.id, set()).add(edge.article_id)
    return {link: {n: [(e, o) for e, o in pairs if e.article_id in by.get(n, ())] for n, pairs in per.items()}
            for link, per in found.items()}


def bare(claims: list[tuple[Edge, Node]]) -> list[tuple[Edge, Node]]:
    """Claims without their evidence."""
    return [(replace(edge, evidence=None), node) for edge, node in claims]


def reach(store, start: str, edge_types: list[str], direction: str, depth: int,
          evidence: bool = True) -> dict[str, list[tuple[Edge, Node]]]:
    """Breadth-first, one `neighbours_capped` (no cap) per level."""
    found: dict[str, list[tuple[Edge, Node]]] = {}
    frontier = [start]
    for _ in range(depth):
        level = store.neighbours_capped(frontier, edge_types, direction)
        found.update((node_id, claims) for node_id, (claims, _) in level.items())
        frontier = list(dict.fromkeys(other.id for node_id in frontier for _, other in level[node_id][0]
                                      if other.id not in found))
        if not frontier:
            break
    return found if evidence else {node_id: bare(claims) for node_id, claims in found.items()}


def shortest_chain(store, start: str, end: str, edge_types: list[str], max_hops: int | None,
                   hub: int | None) -> tuple[list[Node], list[Edge]] | None:
    """Breadth-first with `adjacency`, one round trip per level; then each hop's first claim."""
    ids = _chain_ids(store, start, end, edge_types, max_hops, hub)
    if ids is None:
        return None
    hops = [hop_claim(store, a, b, edge_types) for a, b in zip(ids, ids[1:])]
    return [store.get(node_id) for node_id in ids], hops


def _chain_ids(store, start: str, end: str, edge_types: list[str], max_hops: int | None,
               hub: int | None) -> list[str] | None:
    if start == end:
        return [start]
    parents: list[dict[str, set[str]]] = [{start: set()}]
    seen = {start}
    while parents[-1] and end not in parents[-1] and (max_hops is None or len(parents) <= max_hops):
        frontier = sorted(parents[-1])
        near = store.adjacency(frontier, edge_types, hub)
        level: dict[str, set[str]] = {}
        for node_id in frontier:
            if near.get(node_id) is None and node_id != start:
                continue  # a hub: reached, not walked through
            far = near.get(node_id) or (store.adjacency([node_id], edge_types)[node_id] if node_id == start else [])
            for other in far:
                if other not in seen:
                    level.setdefault(other, set()).add(node_id)
        seen |= set(level)
        parents.append(level)
    return first_chain(parents, end) if end in parents[-1] else None


def first_chain(parents: list[dict[str, set[str]]], end: str) -> list[str]:
    """The chain whose ids come first, among the shortest ones the BFS levels hold."""
    on_path = [set() for _ in parents]
    on_path[-1] = {end}
    for depth in range(len(parents) - 1, 0, -1):
        on_path[depth - 1] = {p for node_id in on_path[depth] for p in parents[depth][node_id]}
    chain = [min(on_path[0])]
    for depth in range(1, len(parents)):
        chain.append(min(n for n in on_path[depth] if chain[-1] in parents[depth][n]))
    return chain


def first_claim(claims: list[Edge]) -> Edge:
    """The claim that comes first by (source, type, target, article)."""
    return min(claims, key=lambda e: (e.src, e.type, e.dst, e.article_id or ""))


def hop_claim(store, a: str, b: str, edge_types: list[str]) -> Edge:
    types = set(edge_types)
    return first_claim([edge for direction in ("out", "in") for edge, node in store.neighbours(a, None, direction)
                        if node.id == b and edge.type in types])
