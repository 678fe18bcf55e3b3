"""Neo4j over Bolt: the same claim model as the SQLite store, as a property graph.

Layout (labels and relationship types come only from `kg.model.schema()` or the fixed
names below, never from user text):

* graph nodes: `(:KgNode:<Type> {id, type, name, props, aliases, aliases_f, aliases_a, ...})`
  — `props` is the merged JSON object (the source of truth read back), `aliases_f`/`aliases_a`
  the folded / diacritic-free alias keys used by `find`; schema-declared properties are also
  copied as native values (`date` properties that are full ISO dates as Neo4j `DATE`).
* articles: `(:KgArticle {id, hash, published, published_date, meta, text})`; `published`
  stays a string (it may be `YYYY-MM` or `YYYY`), `published_date` is a `DATE` when full.
* claims: `(:KgArticle)-[:KG_CLAIMS {props, start, end, sentence, extractor}]->(:KgNode)`,
  one per (node, article).
* edges: `(:KgNode)-[:<EDGE_TYPE> {article_id, props, start, end, sentence, extractor}]->(:KgNode)`,
  one relationship per claiming article.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from functools import wraps

from kg.errors import StoreError
from kg.facts import Evidence
from kg.graph import Edge, Facts, Node
from kg.model import schema
from kg.stores.base import Store, UpsertResult
from kg.text import ascii_key, key

NODE_LABEL = "KgNode"
ARTICLE_LABEL = "KgArticle"
CLAIMS = "KG_CLAIMS"
RESERVED = {"id", "type", "name", "props", "aliases", "aliases_f", "aliases_a"}
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _node_types() -> list[str]:
    return list(schema().nodes)


def _edge_types() -> list[str]:
    return list(schema().edges)


def _label(node_type: str) -> str:
    if node_type not in schema().nodes or node_type in (NODE_LABEL, ARTICLE_LABEL):
        raise StoreError(f"unknown node type {node_type!r} (not in the schema)")
    return node_type


def _rel_type(edge_type: str) -> str:
    if edge_type not in schema().edges or edge_type == CLAIMS:
        raise StoreError(f"unknown edge type {edge_type!r} (not in the schema)")
    return edge_type


def _wrap_errors(method):
    """Driver failures during reads and writes become one-line StoreErrors."""
    @wraps(method)
    def wrapper(self, *args, **kwargs):
        from neo4j.exceptions import DriverError, Neo4jError
        try:
            return method(self, *args, **kwargs)
        except (Neo4jError, DriverError) as exc:
            raise StoreError(f"Neo4j store {self.location}: {_one_line(exc)}") from exc
    return wrapper


def _one_line(exc: Exception) -> str:
    text = str(getattr(exc, "message", None) or exc) or type(exc).__name__
    return " ".join(text.split())


def _native_date(value):
    if isinstance(value, str) and _FULL_DATE.match(value):
        from neo4j.time import Date
        try:
            return Date.from_iso_format(value)
        except ValueError:
            return None
    return None


class BoltStore(Store):
    def __init__(self, uri: str, user: str | None = None, password: str | None = None,
                 database: str | None = None):
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, ClientError, DriverError, Neo4jError, ServiceUnavailable

        self.location = uri
        user = user or os.environ.get("KG_NEO4J_USER") or "neo4j"
        password = password if password is not None else os.environ.get("KG_NEO4J_PASSWORD", "")
        self.database = database or os.environ.get("KG_NEO4J_DATABASE") or "neo4j"
        try:
            self.driver = GraphDatabase.driver(uri, auth=(user, password), notifications_min_severity="OFF")
        except (DriverError, Neo4jError, ValueError) as exc:
            raise StoreError(f"cannot open Neo4j store {uri}: {_one_line(exc)}") from exc
        try:
            self.driver.verify_connectivity()
            with self.driver.session(database=self.database) as session:
                session.run("RETURN 1").consume()
            self._create_constraints()
        except AuthError as exc:
            self.driver.close()
            raise StoreError(f"Neo4j at {uri} refused the login of user {user!r} "
                             f"(check KG_NEO4J_USER / KG_NEO4J_PASSWORD)") from exc
        except ServiceUnavailable as exc:
            self.driver.close()
            raise StoreError(f"Neo4j at {uri} is unreachable: {_one_line(exc)}") from exc
        except ClientError as exc:
            self.driver.close()
            if exc.code and "DatabaseNotFound" in exc.code:
                raise StoreError(f"Neo4j at {uri} has no database {self.database!r} "
                                 f"(set KG_NEO4J_DATABASE)") from exc
            raise StoreError(f"cannot open Neo4j store {uri}: {_one_line(exc)}") from exc
        except (DriverError, Neo4jError) as exc:
            self.driver.close()
            raise StoreError(f"cannot open Neo4j store {uri}: {_one_line(exc)}") from exc

    def _create_constraints(self) -> None:
        labels = [NODE_LABEL, ARTICLE_LABEL] + [_label(t) for t in _node_types()]
        with self.driver.session(database=self.database) as session:
            for label in labels:
                session.run(f"CREATE CONSTRAINT kg_{label.lower()}_id IF NOT EXISTS "
                            f"FOR (n:{label}) REQUIRE n.id IS UNIQUE").consume()
            for edge_type in _edge_types():
                rel = _rel_type(edge_type)
                session.run(f"CREATE INDEX kg_{rel.lower()}_article IF NOT EXISTS "
                            f"FOR ()-[r:{rel}]-() ON (r.article_id)").consume()

    def close(self) -> None:
        self.driver.close()

    def _read(self, query: str, **params) -> list:
        def work(tx):
            return list(tx.run(query, **params))
        with self.driver.session(database=self.database) as session:
            return session.execute_read(work)

    # -- writes ---------------------------------------------------------------------------
    def upsert(self, facts: Facts) -> UpsertResult:
        return self.upsert_many([facts])[0]

    @_wrap_errors
    def upsert_many(self, batch: Iterable[Facts]) -> list[UpsertResult]:
        batch = list(batch)
        if not batch:
            return []
        with self.driver.session(database=self.database) as session:
            return session.execute_write(self._upsert_batch, batch)

    def _upsert_batch(self, tx, batch: list[Facts]) -> list[UpsertResult]:
        results, touched = [], set()
        for facts in batch:
            article = facts.article
            row = tx.run(f"MATCH (a:{ARTICLE_LABEL} {{id: $id}}) RETURN a.hash AS hash",
                         id=article.id).single()
            if row and row["hash"] == article.content_hash:
                results.append(UpsertResult("unchanged"))
                continue
            status = "new"
            if row:
                _found, retracted = self._retract_tx(tx, article.id, refresh=False)
                touched |= retracted
                status = "replaced"
            self._write_article(tx, facts)
            touched |= {c.node.id for c in facts.nodes.values()}
            results.append(UpsertResult(status, len(facts.nodes), len(facts.edges)))
        self._refresh_props(tx, sorted(touched))
        return results

    def _write_article(self, tx, facts: Facts) -> None:
        article = facts.article
        tx.run(f"CREATE (a:{ARTICLE_LABEL} {{id: $id, hash: $hash, published: $published, "
               f"published_date: $published_date, meta: $meta, text: $text}})",
               id=article.id, hash=article.content_hash, published=article.published,
               published_date=_native_date(article.published),
               meta=json.dumps(article.meta(), ensure_ascii=False), text=article.text).consume()
        by_type: dict[str, list[dict]] = {}
        for claim in facts.nodes.values():
            node, ev = claim.node, claim.evidence
            aliases = list(dict.fromkeys([node.name, *claim.aliases]))
            by_type.setdefault(node.type, []).append({
                "id": node.id, "type": node.type, "name": node.name,
                "aliases": aliases,
                "f": list(dict.fromkeys(key(a) for a in aliases)),
                "a": list(dict.fromkeys(ascii_key(a) for a in aliases)),
                "props": json.dumps(node.props, ensure_ascii=False),
                "start": ev.start, "end": ev.end, "sentence": ev.sentence, "extractor": ev.extractor})
        for node_type, rows in by_type.items():
            label = _label(node_type)
            tx.run(f"MATCH (a:{ARTICLE_LABEL} {{id: $aid}}) "
                   f"UNWIND $rows AS r "
                   f"MERGE (n:{NODE_LABEL} {{id: r.id}}) "
                   f"ON CREATE SET n:{label}, n.type = r.type, n.name = r.name, n.props = '{{}}', "
                   f"  n.aliases = [], n.aliases_f = [], n.aliases_a = [] "
                   f"SET n.aliases = n.aliases + [x IN r.aliases WHERE NOT x IN n.aliases], "
                   f"  n.aliases_f = n.aliases_f + [x IN r.f WHERE NOT x IN n.aliases_f], "
                   f"  n.aliases_a = n.aliases_a + [x IN r.a WHERE NOT x IN n.aliases_a] "
                   f"MERGE (a)-[c:{CLAIMS}]->(n) "
                   f"SET c.props = r.props, c.start = r.start, c.end = r.end, "
                   f"  c.sentence = r.sentence, c.extractor = r.extractor",
                   aid=article.id, rows=rows).consume()
        edges_by_type: dict[str, list[dict]] = {}
        for edge in facts.edges.values():
            ev = edge.evidence or Evidence(edge.article_id, 0, 0, "", "")
            edges_by_type.setdefault(edge.type, []).append({
                "src": edge.src, "dst": edge.dst, "article_id": edge.article_id,
                "props": json.dumps(edge.props, ensure_ascii=False), "start": ev.start,
                "end": ev.end, "sentence": ev.sentence, "extractor": ev.extractor})
        for edge_type, rows in edges_by_type.items():
            rel = _rel_type(edge_type)
            written = tx.run(
                f"UNWIND $rows AS r "
                f"MATCH (s:{NODE_LABEL} {{id: r.src}}) MATCH (d:{NODE_LABEL} {{id: r.dst}}) "
                f"MERGE (s)-[e:{rel} {{article_id: r.article_id}}]->(d) "
                f"SET e.props = r.props, e.start = r.start, e.end = r.end, "
                f"  e.sentence = r.sentence, e.extractor = r.extractor "
                f"RETURN count(e) AS n", rows=rows).single()["n"]
            if written != len(rows):
                raise StoreError(f"article {article.id}: {len(rows) - written} {edge_type} edge(s) "
                                 f"refer to nodes the article does not claim")

    def _refresh_props(self, tx, node_ids: list[str]) -> None:
        """A node's properties: per key, the first value its claims give, oldest article first."""
        if not node_ids:
            return
        rows = tx.run(
            f"MATCH (n:{NODE_LABEL}) WHERE n.id IN $ids "
            f"MATCH (a:{ARTICLE_LABEL})-[c:{CLAIMS}]->(n) "
            f"RETURN n.id AS id, n.type AS type, n.name AS name, n.aliases AS aliases, "
            f"  n.aliases_f AS f, n.aliases_a AS a, "
            f"  collect([a.published, a.id, c.props]) AS claims", ids=node_ids)
        updates = []
        for row in rows:
            merged: dict = {}
            # SQLite orders NULL first; Neo4j would put it last, so sort here
            for _pub, _aid, props in sorted(row["claims"], key=lambda c: (c[0] is not None, c[0] or "", c[1])):
                for k, v in json.loads(props).items():
                    merged.setdefault(k, v)
            updates.append({"id": row["id"], "map": {
                **self._native_props(row["type"], merged),
                "id": row["id"], "type": row["type"], "name": row["name"],
                "props": json.dumps(merged, ensure_ascii=False),
                "aliases": row["aliases"], "aliases_f": row["f"], "aliases_a": row["a"]}})
        tx.run(f"UNWIND $rows AS r MATCH (n:{NODE_LABEL} {{id: r.id}}) SET n = r.map",
               rows=updates).consume()

    @staticmethod
    def _native_props(node_type: str, props: dict) -> dict:
        spec = schema().nodes.get(node_type)
        out = {}
        if spec is None:
            return out
        for name, prop in spec.properties.items():
            value = props.get(name)
            if name in RESERVED or value is None:
                continue
            if prop.type == "date":
                out[name] = _native_date(value) or value
            elif isinstance(value, (str, int, float, bool)):
                out[name] = value
        return out

    @_wrap_errors
    def retract(self, article_id: str) -> bool:
        with self.driver.session(database=self.database) as session:
            found, _ = session.execute_write(self._retract_tx, article_id)
        return found

    def _retract_tx(self, tx, article_id: str, refresh: bool = True) -> tuple[bool, set[str]]:
        row = tx.run(f"OPTIONAL MATCH (a:{ARTICLE_LABEL} {{id: $id}}) "
                     f"OPTIONAL MATCH (a)-[:{CLAIMS}]->(n) RETURN count(a) > 0 AS found, collect(n.id) AS ids",
                     id=article_id).single()
        if not row["found"]:
            return False, set()
        touched = set(row["ids"])
        for edge_type in _edge_types():
            rel = _rel_type(edge_type)
            tx.run(f"MATCH ()-[e:{rel} {{article_id: $id}}]->() DELETE e", id=article_id).consume()
        tx.run(f"MATCH (a:{ARTICLE_LABEL} {{id: $id}}) DETACH DELETE a", id=article_id).consume()
        orphans = {r["id"] for r in tx.run(
            f"MATCH (n:{NODE_LABEL}) WHERE n.id IN $ids AND NOT EXISTS {{ ()-[:{CLAIMS}]->(n) }} "
            f"WITH n, n.id AS id DETACH DELETE n RETURN id", ids=sorted(touched))}
        remaining = touched - orphans
        if refresh:
            self._refresh_props(tx, sorted(remaining))
        return True, remaining

    # -- reads ----------------------------------------------------------------------------
    @_wrap_errors
    def get(self, node_id: str) -> Node | None:
        rows = self._read(f"MATCH (n:{NODE_LABEL} {{id: $id}}) "
                          f"RETURN n.id, n.type, n.name, n.props", id=node_id)
        return _node(rows[0]) if rows else None

    @_wrap_errors
    def find(self, text: str, node_type: str | None = None, limit: int = 50,
             exact: bool = False) -> list[Node]:
        folded, bare = key(text), ascii_key(text)
        match = "$bare IN n.aliases_a" if exact else "any(x IN n.aliases_a WHERE x CONTAINS $bare)"
        rows = self._read(
            f"MATCH (n:{NODE_LABEL}) WHERE ($type IS NULL OR n.type = $type) AND {match} "
            f"RETURN n.id, n.type, n.name, n.props, "
            f"  CASE WHEN $folded IN n.aliases_f THEN 0 WHEN $bare IN n.aliases_a THEN 1 ELSE 2 END AS rank",
            type=node_type, bare=bare, folded=folded)
        rows.sort(key=lambda r: (r[4], r[2], r[0]))
        return [_node(r[:4]) for r in rows[:max(limit, 0)]]

    @_wrap_errors
    def find_ids(self, prefix: str) -> list[str]:
        rows = self._read(f"MATCH (n:{NODE_LABEL}) WHERE n.id STARTS WITH $prefix RETURN n.id",
                          prefix=prefix)
        return sorted(r[0] for r in rows)

    @_wrap_errors
    def neighbours(self, node_id: str, edge_type: str | None, direction: str = "out"):
        types = [_rel_type(edge_type)] if edge_type else _edge_types()
        pattern = "(n)-[e]->(m)" if direction == "out" else "(m)-[e]->(n)"
        rows = self._read(
            f"MATCH (n:{NODE_LABEL} {{id: $id}}) MATCH {pattern} WHERE type(e) IN $types "
            f"RETURN startNode(e).id, type(e), endNode(e).id, e.article_id, e.props, e.start, e.end, "
            f"  e.sentence, e.extractor, m.id, m.type, m.name, m.props",
            id=node_id, types=types)
        rows.sort(key=lambda r: (r[3], r[9]))
        return [(_edge(r[:9]), _node(r[9:])) for r in rows]

    @_wrap_errors
    def iter_nodes(self, node_type: str | None = None) -> Iterator[Node]:
        rows = self._read(f"MATCH (n:{NODE_LABEL}) WHERE $type IS NULL OR n.type = $type "
                          f"RETURN n.id, n.type, n.name, n.props", type=node_type)
        rows.sort(key=lambda r: r[0])
        return iter([_node(r) for r in rows])

    @_wrap_errors
    def iter_edges(self, edge_type: str | None = None) -> Iterator[Edge]:
        types = [_rel_type(edge_type)] if edge_type else _edge_types()
        rows = self._read(
            f"MATCH (s:{NODE_LABEL})-[e]->(d:{NODE_LABEL}) WHERE type(e) IN $types "
            f"RETURN s.id, type(e), d.id, e.article_id, e.props, e.start, e.end, e.sentence, e.extractor",
            types=types)
        rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
        return iter([_edge(r) for r in rows])

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
            types=_edge_types()), key=lambda r: r[0])}
        return {"articles": articles, "nodes": nodes, "edges": edges}


def _node(row) -> Node:
    return Node(row[0], row[1], row[2], json.loads(row[3]))


def _edge(row) -> Edge:
    evidence = Evidence(row[3], row[5], row[6], row[7], row[8]) if row[8] else None
    return Edge(row[0], row[1], row[2], json.loads(row[4]), row[3], evidence)
