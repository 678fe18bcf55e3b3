"""The Neo4j store's reads (mixed into `BoltStore`; they need `self._read` and `self.location`),
and the wrapper that turns driver failures into one-line StoreErrors.

Each primitive is one Cypher round trip that lets the indexes find the start (the id
constraint, the `searchText` text index, label and date indexes) and returns one row per fact;
the per-article claims are unpacked here (`claims_of`), in the SQLite store's order.
"""
from __future__ import annotations

from collections.abc import Iterator
from functools import wraps

from kg import model
from kg.errors import StoreError
from kg.graph import Edge, Node
from kg.stores.base import MeetingFilter, cap_neighbours, find_key
from kg.stores.neo4j.layout import (ARTICLE, CLAIMS, NODE_LABEL, NODE_RETURN, SCOPE_REL, article_meta, claim_props, claims_of,
                                     edge_types, fact_keys, label, node_from_row, node_return, node_types, rel_type,
                                     reversed_type)
from kg.text import ascii_key

FACT = "startNode(e).id, type(e), endNode(e).id, properties(e)"
# a fact without its evidence lists (claims read back with no Evidence): what a walk that shows
# no sentences needs, and most of a fact's bytes left on the server
FACT_BARE = "startNode(e).id, type(e), endNode(e).id, e{.*, starts: null, ends: null, sentences: null, extractors: null}"


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


def expand(types: list[str], direction: str, near: str = "n", far: str = "m") -> str:
    """A pattern (as a subquery when it needs two) binding `e` and `{far}` to the facts of kg
    edge `types` leaving (`out`) or entering (`in`) `{near}` in kg's direction; derived
    relationships (a document's province) are left out."""
    groups = {True: [rel_type(t) for t in types if reversed_type(t)],
              False: [rel_type(t) for t in types if not reversed_type(t)]}
    parts = []
    for turned, rels in groups.items():
        if not rels:
            continue
        outward = (direction == "out") != turned
        arrow = f"-[e:{'|'.join(rels)}]->" if outward else f"<-[e:{'|'.join(rels)}]-"
        derived = " WHERE e.articles IS NOT NULL" if SCOPE_REL in rels else ""
        parts.append(f"MATCH ({near}){arrow}({far}:{NODE_LABEL}){derived}")
    if len(parts) == 1:
        return parts[0]
    return "CALL { " + " UNION ALL ".join(f"WITH {near} {p} RETURN e, {far}" for p in parts) + " }"


def unpack(rows, offset: int = 0) -> list[tuple[Edge, Node]]:
    """(claim, far node) pairs of rows holding FACT at `offset` and NODE_RETURN after it."""
    out = []
    for r in rows:
        node = node_from_row(r[offset + 4:offset + 7])
        out += [(edge, node) for edge in claims_of(*r[offset:offset + 4])]
    return out


class BoltReads:
    location: str

    @_wrap_errors
    def get(self, node_id: str) -> Node | None:
        rows = self._read(f"MATCH (n:{NODE_LABEL} {{id: $id}}) RETURN {NODE_RETURN}", id=node_id)
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
        """Every match, in `find_key` order then id (as the SQLite store orders them); the text
        index on `searchText` finds the candidates."""
        typed = f" AND n:{label(node_type)}" if node_type else ""
        whole = " AND $bare IN split(n.searchText, '\\n')" if exact else ""
        rows = self._read(f"MATCH (n:{NODE_LABEL}) WHERE n.searchText CONTAINS $bare{typed}{whole} "
                          f"RETURN {NODE_RETURN}, n.aliasKeys, split(n.searchText, '\\n')", bare=ascii_key(text))
        ranked = sorted((find_key(r[3], r[4], text), r[0], r) for r in rows)
        return [node_from_row(r[:3]) for rank, _, r in ranked if rank is not None]

    @_wrap_errors
    def find_ids(self, prefix: str) -> list[str]:
        rows = self._read(f"MATCH (n:{NODE_LABEL}) WHERE n.id STARTS WITH $prefix RETURN n.id", prefix=prefix)
        return sorted(r[0] for r in rows)

    @_wrap_errors
    def neighbours(self, node_id: str, edge_type: str | None, direction: str = "out"):
        types = [edge_type] if edge_type else edge_types()
        rows = self._read(f"MATCH (n:{NODE_LABEL} {{id: $id}}) {expand(types, direction)} "
                          f"RETURN {FACT}, {node_return('m')}", id=node_id)
        return sorted(unpack(rows), key=lambda p: (p[0].article_id, p[1].id))

    def _claims_at(self, node_ids: list[str], types: list[str], direction: str) -> dict[str, list]:
        rows = self._read(f"UNWIND $ids AS id MATCH (n:{NODE_LABEL} {{id: id}}) {expand(types, direction)} "
                          f"RETURN id, {FACT}, {node_return('m')}", ids=list(node_ids))
        found: dict[str, list] = {node_id: [] for node_id in node_ids}
        for r in rows:
            found[r[0]] += unpack([r], 1)
        return found

    @_wrap_errors
    def neighbours_many(self, node_ids: list[str], edge_type: str, direction: str = "out"):
        found = self._claims_at(node_ids, [edge_type], direction)
        return {n: sorted(claims, key=lambda p: (p[0].article_id, p[1].id)) for n, claims in found.items()}

    @_wrap_errors
    def neighbours_capped(self, node_ids: list[str], edge_types: list[str], direction: str,
                          limit: int | None = None) -> dict[str, tuple[list[tuple[Edge, Node]], int]]:
        """One round trip for all the nodes and types; cut here, as the Store default does."""
        found = self._claims_at(node_ids, edge_types, direction)
        return {node_id: cap_neighbours(claims, limit) for node_id, claims in found.items()}

    @_wrap_errors
    def walk(self, start: str, edge_types: list[str], direction: str, depth: int):
        """Two round trips: the nodes a bounded variable-length path reaches, then every claim
        of those types leaving them (the caller bounds depth exactly)."""
        if depth < 1:
            return []
        if any(reversed_type(t) for t in edge_types):
            from kg.stores.base import Store
            return Store.walk(self, start, edge_types, direction, depth)
        rels = "|".join(rel_type(t) for t in edge_types)  # names from the schema only
        arrow = f"-[:{rels}*1..{int(depth) - 1}]->" if direction == "out" else f"<-[:{rels}*1..{int(depth) - 1}]-"
        reached = self._read(f"MATCH (s:{NODE_LABEL} {{id: $id}}){arrow}(x:{NODE_LABEL}) RETURN DISTINCT x.id",
                             id=start) if depth > 1 else []
        ids = [start] + [r[0] for r in reached]
        found = [pair for claims in self._claims_at(ids, edge_types, direction).values() for pair in claims]
        # the SQLite store's order: article, far node, then the edge itself
        return sorted(found, key=lambda p: (p[0].article_id, p[1].id, p[0].src, p[0].type, p[0].dst))

    @_wrap_errors
    def adjacency(self, node_ids: list[str], edge_types: list[str],
                  hub: int | None = None) -> dict[str, list[str] | None]:
        """One round trip per call; a hub is told by its degree (constant time in Neo4j's
        relationship groups), its distinct neighbours counted only when the degree passes."""
        rels = "|".join(rel_type(t) for t in edge_types)
        rows = self._read(
            f"UNWIND $ids AS id MATCH (n:{NODE_LABEL} {{id: id}}) "
            f"WITH id, n, $hub IS NOT NULL AND COUNT {{ (n)-[:{rels}]-() }} >= $hub AS big "
            f"WITH id, n, big AND COUNT {{ MATCH (n)-[e:{rels}]-(x) WHERE e.articles IS NOT NULL "
            f"  RETURN DISTINCT x }} >= $hub AS hub "
            f"OPTIONAL MATCH (n)-[e:{rels}]-(m:{NODE_LABEL}) WHERE NOT hub AND e.articles IS NOT NULL "
            f"RETURN id, hub, collect(DISTINCT m.id)", ids=list(node_ids), hub=hub)
        found = {r[0]: None if r[1] else sorted(r[2]) for r in rows}
        return {node_id: found.get(node_id, []) for node_id in node_ids}

    @_wrap_errors
    def meetings_page(self, which: MeetingFilter, limit: int = 50, offset: int = 0) -> tuple[list[Node], int]:
        """One round trip: the selected meetings (from the person, the text index or the
        provinces' HELD_IN), filtered, sorted newest first, counted and cut."""
        source, params = _meeting_source(which)
        where, more = _meeting_where(which)
        rows = self._read(
            f"{source} WITH DISTINCT n {where} "
            f"WITH n ORDER BY coalesce(toString(n.date), n.datePartial, '') DESC, n.id DESC "
            f"WITH collect(n) AS found "
            f"RETURN size(found), [n IN found[$offset..$offset + $limit] | [{NODE_RETURN}]]",
            **params, **more, offset=max(offset, 0), limit=max(limit, 0))
        return [node_from_row(r) for r in rows[0][1]], rows[0][0]

    @_wrap_errors
    def iter_nodes(self, node_type: str | None = None) -> Iterator[Node]:
        rows = self._read(f"MATCH (n:{label(node_type) if node_type else NODE_LABEL}) RETURN {NODE_RETURN}")
        return iter(sorted((node_from_row(r) for r in rows), key=lambda n: n.id))

    @_wrap_errors
    def iter_edges(self, edge_type: str | None = None) -> Iterator[Edge]:
        types = [edge_type] if edge_type else edge_types()
        rels = "|".join(rel_type(t) for t in types)
        rows = self._read(f"MATCH ()-[e:{rels}]->() WHERE e.articles IS NOT NULL RETURN {FACT}")
        edges = [edge for r in rows for edge in claims_of(*r)]
        return iter(sorted(edges, key=lambda e: (e.src, e.type, e.dst, e.article_id)))

    @_wrap_errors
    def article(self, article_id: str) -> dict | None:
        rows = self._read(f"MATCH (a:{NODE_LABEL} {{id: '{model.id_prefix(ARTICLE)}' + $id}}) WHERE a:{ARTICLE} "
                          f"RETURN properties(a)", id=article_id)
        return article_meta(rows[0][0]) if rows else None

    @_wrap_errors
    def claimed_values(self, node_id: str, prop: str) -> dict[str, list[str]]:
        """Each article's own claim of the node (its CLAIMS relationship), grouped by value."""
        rows = self._read(f"MATCH (a:{ARTICLE})-[c:{CLAIMS}]->(:{NODE_LABEL} {{id: $id}}) "
                          f"RETURN a.id, properties(c)", id=node_id)
        values: dict[str, list[str]] = {}
        for article, stored in rows:
            value = claim_props(stored).get(prop)
            if value is not None:
                values.setdefault(str(value), []).append(model.parse_id(article)[1]["article"])
        return {value: sorted(articles) for value, articles in sorted(values.items())}

    @_wrap_errors
    def counts(self) -> dict:
        """From Neo4j's count store (constant time), but for facts told apart by a key property
        (ACTS_ON actions), counted per node pair as kg counts edges."""
        articles = self._read(f"MATCH (a:{ARTICLE}) RETURN count(a)")[0][0]
        nodes = {}
        for node_type in sorted(node_types()):
            nodes[node_type] = self._read(f"MATCH (n:{label(node_type)}) RETURN count(n)")[0][0]
        edges = {}
        for edge_type in sorted(edge_types()):
            rel = rel_type(edge_type)
            if fact_keys(edge_type):
                n = self._read(f"MATCH (s)-[e:{rel}]->(d) RETURN count(DISTINCT [elementId(s), elementId(d)])")[0][0]
            else:
                n = self._read(f"MATCH ()-[e:{rel}]->() RETURN count(e)")[0][0]
            if rel == SCOPE_REL:
                n -= self._read(f"MATCH (:Document)-[e:{rel}]->() RETURN count(e)")[0][0]
            if n:
                edges[edge_type] = n
        return {"articles": articles, "nodes": {k: v for k, v in nodes.items() if v}, "edges": edges}


def _meeting_source(which: MeetingFilter) -> tuple[str, dict]:
    """The meetings to start from, as a MATCH binding `n`."""
    if which.person:
        return (f"MATCH (p:{NODE_LABEL} {{id: $person}}) "
                f"{expand([which.role], 'in', 'p', 'n')} WITH n WHERE n:Meeting", {"person": which.person})
    if which.provinces is not None:
        return (f"MATCH (p:{NODE_LABEL}) WHERE p.id IN $provinces AND p:Province MATCH (n:Meeting)-[:HELD_IN]->(p)",
                {"provinces": list(which.provinces)})
    if which.text is None:
        return "MATCH (n:Meeting)", {}
    whole = " AND $bare IN split(n.searchText, '\\n')" if which.exact else ""
    return (f"MATCH (n:{NODE_LABEL}) WHERE n.searchText CONTAINS $bare AND n:Meeting{whole}",
            {"bare": ascii_key(which.text)})


def _meeting_where(which: MeetingFilter) -> tuple[str, dict]:
    """As `MeetingFilter.dated`: with a bound, a meeting needs a date with a year."""
    clauses, params = [], {}
    day = "coalesce(toString(n.date), n.datePartial)"
    if which.since or which.until:
        clauses.append(f"{day} IS NOT NULL AND NOT {day} STARTS WITH '--'")
    if which.since:
        clauses.append(f"{day} >= $since")
        params["since"] = which.since
    if which.until:
        clauses.append(f"{day} <= $until")
        params["until"] = which.until
    if which.provinces is not None and (which.person or which.text is not None):
        clauses.append("EXISTS { MATCH (n)-[:HELD_IN]->(p:Province) WHERE p.id IN $provinces }")
        params["provinces"] = list(which.provinces)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
