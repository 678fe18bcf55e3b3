"""The Neo4j store's reads (mixed into `BoltStore`; they need `self._read` and
`self.location`), and the wrapper that turns driver failures into one-line StoreErrors."""
from __future__ import annotations

import json
from collections.abc import Iterator
from functools import wraps

from kg.errors import StoreError
from kg.graph import Edge, Node
from kg.stores.base import cap_neighbours, find_key
from kg.stores.neo4j_layout import ARTICLE_LABEL, NODE_LABEL, edge_from_row, edge_types, node_from_row, rel_type
from kg.text import ascii_key


def _wrap_errors(method):
    """Driver failures during reads and writes become one-line StoreErrors."""
    @wraps(method)
    def wrapper(self, *args, **kwargs):
        from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable, SessionExpired
        try:
            return method(self, *args, **kwargs)
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreError(f"Neo4j at {self.location} became unreachable: {_one_line(exc)}") from exc
        except (Neo4jError, DriverError) as exc:
            raise StoreError(f"Neo4j store {self.location}: {_one_line(exc)}") from exc
    return wrapper


def _one_line(exc: Exception) -> str:
    text = str(getattr(exc, "message", None) or exc) or type(exc).__name__
    return " ".join(text.split())


class BoltReads:
    location: str

    @_wrap_errors
    def get(self, node_id: str) -> Node | None:
        rows = self._read(f"MATCH (n:{NODE_LABEL} {{id: $id}}) "
                          f"RETURN n.id, n.type, n.name, n.props", id=node_id)
        return node_from_row(rows[0]) if rows else None

    def find(self, text: str, node_type: str | None = None, limit: int = 50,
             exact: bool = False) -> list[Node]:
        return self._find_all(text, node_type, exact)[:max(limit, 0)]

    def find_page(self, text: str, node_type: str | None = None, limit: int = 50,
                  offset: int = 0) -> tuple[list[Node], int | None]:
        found = self._find_all(text, node_type, False)  # every match is read anyway: count them
        return found[offset:offset + max(limit, 0)], len(found)

    @_wrap_errors
    def _find_all(self, text: str, node_type: str | None, exact: bool) -> list[Node]:
        """Every match, in `find_key` order then id (as the SQLite store orders them)."""
        bare = ascii_key(text)
        match = "$bare IN n.aliases_a" if exact else "any(x IN n.aliases_a WHERE x CONTAINS $bare)"
        rows = self._read(
            f"MATCH (n:{NODE_LABEL}) WHERE ($type IS NULL OR n.type = $type) AND {match} "
            f"RETURN n.id, n.type, n.name, n.props, n.aliases_f, n.aliases_a", type=node_type, bare=bare)
        ranked = sorted((find_key(r[4], r[5], text), r[0], r) for r in rows)
        return [node_from_row(r[:4]) for _, _, r in ranked]

    @_wrap_errors
    def find_ids(self, prefix: str) -> list[str]:
        rows = self._read(f"MATCH (n:{NODE_LABEL}) WHERE n.id STARTS WITH $prefix RETURN n.id",
                          prefix=prefix)
        return sorted(r[0] for r in rows)

    @_wrap_errors
    def neighbours(self, node_id: str, edge_type: str | None, direction: str = "out"):
        types = [rel_type(edge_type)] if edge_type else edge_types()
        pattern = "(n)-[e]->(m)" if direction == "out" else "(m)-[e]->(n)"
        rows = self._read(
            f"MATCH (n:{NODE_LABEL} {{id: $id}}) MATCH {pattern} WHERE type(e) IN $types "
            f"RETURN startNode(e).id, type(e), endNode(e).id, e.article_id, e.props, e.start, e.end, "
            f"  e.sentence, e.extractor, m.id, m.type, m.name, m.props",
            id=node_id, types=types)
        rows.sort(key=lambda r: (r[3], r[9]))
        return [(edge_from_row(r[:9]), node_from_row(r[9:])) for r in rows]

    @_wrap_errors
    def neighbours_many(self, node_ids: list[str], edge_type: str, direction: str = "out"):
        pattern = "(n)-[e]->(m)" if direction == "out" else "(m)-[e]->(n)"
        rows = self._read(
            f"MATCH (n:{NODE_LABEL}) WHERE n.id IN $ids MATCH {pattern} WHERE type(e) = $type "
            f"RETURN n.id, startNode(e).id, type(e), endNode(e).id, e.article_id, e.props, e.start, e.end, "
            f"  e.sentence, e.extractor, m.id, m.type, m.name, m.props",
            ids=list(node_ids), type=rel_type(edge_type))
        rows.sort(key=lambda r: (r[4], r[10]))
        found: dict[str, list] = {node_id: [] for node_id in node_ids}
        for r in rows:
            found[r[0]].append((edge_from_row(r[1:10]), node_from_row(r[10:])))
        return found

    @_wrap_errors
    def neighbours_capped(self, node_ids: list[str], edge_types: list[str], direction: str,
                          limit: int | None = None) -> dict[str, tuple[list[tuple[Edge, Node]], int]]:
        """One round trip for all the nodes and types; cut here, as the Store default does."""
        pattern = "(n)-[e]->(m)" if direction == "out" else "(m)-[e]->(n)"
        rows = self._read(
            f"MATCH (n:{NODE_LABEL}) WHERE n.id IN $ids MATCH {pattern} WHERE type(e) IN $types "
            f"RETURN n.id, startNode(e).id, type(e), endNode(e).id, e.article_id, e.props, e.start, e.end, "
            f"  e.sentence, e.extractor, m.id, m.type, m.name, m.props",
            ids=list(node_ids), types=[rel_type(t) for t in edge_types])
        claims: dict[str, list] = {node_id: [] for node_id in node_ids}
        for r in rows:
            claims[r[0]].append((edge_from_row(r[1:10]), node_from_row(r[10:])))
        return {node_id: cap_neighbours(found, limit) for node_id, found in claims.items()}

    @_wrap_errors
    def walk(self, start: str, edge_types: list[str], direction: str, depth: int):
        """Two round trips: the nodes a bounded variable-length path reaches, then every
        claim of those types among them (the caller bounds depth exactly)."""
        types = [rel_type(t) for t in edge_types]
        arrow = "-[:{}*1..{}]->" if direction == "out" else "<-[:{}*1..{}]-"
        pattern = arrow.format("|".join(types), int(depth))  # names from the schema only
        reached = self._read(f"MATCH (s:{NODE_LABEL} {{id: $id}}){pattern}(x:{NODE_LABEL}) "
                             f"RETURN DISTINCT x.id", id=start)
        ids = [start] + [r[0] for r in reached]
        near, far = ("n", "m") if direction == "out" else ("m", "n")
        rows = self._read(
            f"MATCH ({near}:{NODE_LABEL})-[e]->({far}:{NODE_LABEL}) WHERE n.id IN $ids AND type(e) IN $types "
            f"RETURN startNode(e).id, type(e), endNode(e).id, e.article_id, e.props, e.start, e.end, "
            f"  e.sentence, e.extractor, m.id, m.type, m.name, m.props", ids=ids, types=types)
        found = [(edge_from_row(r[:9]), node_from_row(r[9:])) for r in rows]
        # the SQLite store's order: article, far node, then the edge itself
        return sorted(found, key=lambda p: (p[0].article_id, p[1].id, p[0].src, p[0].type, p[0].dst))

    @_wrap_errors
    def iter_nodes(self, node_type: str | None = None) -> Iterator[Node]:
        rows = self._read(f"MATCH (n:{NODE_LABEL}) WHERE $type IS NULL OR n.type = $type "
                          f"RETURN n.id, n.type, n.name, n.props", type=node_type)
        rows.sort(key=lambda r: r[0])
        return iter([node_from_row(r) for r in rows])

    @_wrap_errors
    def iter_edges(self, edge_type: str | None = None) -> Iterator[Edge]:
        types = [rel_type(edge_type)] if edge_type else edge_types()
        rows = self._read(
            f"MATCH (s:{NODE_LABEL})-[e]->(d:{NODE_LABEL}) WHERE type(e) IN $types "
            f"RETURN s.id, type(e), d.id, e.article_id, e.props, e.start, e.end, e.sentence, e.extractor",
            types=types)
        rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
        return iter([edge_from_row(r) for r in rows])

    @_wrap_errors
    def article(self, article_id: str) -> dict | None:
        rows = self._read(f"MATCH (a:{ARTICLE_LABEL} {{id: $id}}) RETURN a.meta, a.text", id=article_id)
        return {**json.loads(rows[0][0]), "text": rows[0][1]} if rows else None

    @_wrap_errors
    def counts(self) -> dict:
        articles = self._read(f"MATCH (a:{ARTICLE_LABEL}) RETURN count(a)")[0][0]
        nodes = {r[0]: r[1] for r in sorted(self._read(
            f"MATCH (n:{NODE_LABEL}) RETURN n.type, count(*)"), key=lambda r: r[0])}
        edges = {r[0]: r[1] for r in sorted(self._read(
            f"MATCH (s:{NODE_LABEL})-[e]->(d:{NODE_LABEL}) WHERE type(e) IN $types "
            f"WITH DISTINCT s.id AS s, type(e) AS t, d.id AS d RETURN t, count(*)",
            types=edge_types()), key=lambda r: r[0])}
        return {"articles": articles, "nodes": nodes, "edges": edges}
