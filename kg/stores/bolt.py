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

Writes: constraints are confirmed when the store opens; a batch of articles is one managed
(retried) transaction with one `UNWIND $rows` per label and per relationship type, parameters
only. An article whose content hash is stored is skipped, a changed one is retracted first, so
re-runs are idempotent. Credentials: arguments, else `KG_NEO4J_USER`, `KG_NEO4J_PASSWORD`,
`KG_NEO4J_DATABASE` (how every `--store bolt://…` command gets them).
"""
from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterable

from kg.errors import StoreError
from kg.graph import Facts
from kg.stores.base import Store, UpsertResult
from kg.stores.bolt_reads import BoltReads, _one_line, _wrap_errors
from kg.stores.neo4j_layout import (ARTICLE_LABEL, CLAIMS, NODE_LABEL, article_row, claim_row, edge_row,
                                     edge_types, label, native_props, rel_type, schema_statements)


class BoltStore(BoltReads, Store):  # lookups, neighbours, walks, iteration: bolt_reads
    def __init__(self, uri: str, user: str | None = None, password: str | None = None,
                 database: str | None = None, retry_seconds: float | None = None):
        """Credentials and database come from the arguments, else `KG_NEO4J_USER` (default
        `neo4j`), `KG_NEO4J_PASSWORD`, `KG_NEO4J_DATABASE` (default `neo4j`). `retry_seconds`
        bounds how long a managed transaction is retried on transient failures (driver default 30)."""
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, ClientError, DriverError, Neo4jError, ServiceUnavailable

        # the driver logs retries as warnings; without a handler Python would print them on
        # stderr, and the CLI promises one line per error (an application may still add one)
        logging.getLogger("neo4j").addHandler(logging.NullHandler())
        self.location = uri
        user = user or os.environ.get("KG_NEO4J_USER") or "neo4j"
        password = password if password is not None else os.environ.get("KG_NEO4J_PASSWORD", "")
        self.database = database or os.environ.get("KG_NEO4J_DATABASE") or "neo4j"
        config = {"max_transaction_retry_time": retry_seconds} if retry_seconds is not None else {}
        try:
            self.driver = GraphDatabase.driver(uri, auth=(user, password), notifications_min_severity="OFF",
                                               **config)
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
        """Uniqueness constraints (and edge indexes) before any write; only missing ones are created."""
        with self.driver.session(database=self.database) as session:
            have = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name RETURN name")}
            have |= {r["name"] for r in session.run("SHOW INDEXES YIELD name RETURN name")}
            for name, statement in schema_statements():
                if name not in have:
                    session.run(statement).consume()

    def close(self) -> None:
        self._drop_session()
        self.driver.close()

    def _drop_session(self) -> None:
        session, self._session = getattr(self, "_session", None), None
        if session is not None:
            try:
                session.close()
            except Exception:  # noqa: BLE001 - the connection is being thrown away anyway
                pass

    def _read(self, query: str, **params) -> list:
        """A read as one auto-commit query on a kept session: queries call the primitives many
        times, and this is one round trip instead of three (about 1.7 ms instead of 5 per call).
        Retried once on a new connection when the failure is retryable (connection lost)."""
        for attempt in (1, 2):
            try:
                if getattr(self, "_session", None) is None:
                    self._session = self.driver.session(database=self.database)
                return list(self._session.run(query, **params))
            except Exception as exc:
                self._drop_session()
                if attempt == 2 or not getattr(exc, "is_retryable", lambda: False)():
                    raise
        raise AssertionError("unreachable")

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
        """The whole batch in one transaction, with one UNWIND per label and per type."""
        results: list[UpsertResult | None] = [None] * len(batch)
        touched: set[str] = set()
        for segment in _segments(batch):
            ids = [facts.article.id for _, facts in segment]
            stored = {r["id"]: r["hash"] for r in tx.run(
                f"UNWIND $ids AS id MATCH (a:{ARTICLE_LABEL} {{id: id}}) RETURN a.id AS id, a.hash AS hash",
                ids=ids)}
            fresh = []
            for index, facts in segment:
                old = stored.get(facts.article.id)
                if old == facts.article.content_hash:
                    results[index] = UpsertResult("unchanged")
                    continue
                if old is not None:
                    touched |= self._retract_tx(tx, facts.article.id, refresh=False)[1]
                results[index] = UpsertResult("replaced" if old is not None else "new",
                                              len(facts.nodes), len(facts.edges))
                fresh.append(facts)
            self._write_articles(tx, fresh)
            touched |= {node_id for facts in fresh for node_id in facts.nodes}
        self._refresh_props(tx, sorted(touched))
        return results

    def _write_articles(self, tx, batch: list[Facts]) -> None:
        """Articles not stored before (or just retracted): their claims and edges hang off a node
        this transaction creates, so they are CREATEd; nodes shared between articles are MERGEd."""
        if not batch:
            return
        tx.run(f"UNWIND $rows AS r CREATE (a:{ARTICLE_LABEL}) SET a = r",
               rows=[article_row(facts.article) for facts in batch]).consume()
        by_type: dict[str, list[dict]] = {}
        for facts in batch:
            for claim in facts.nodes.values():
                by_type.setdefault(claim.node.type, []).append(claim_row(facts.article.id, claim))
        for node_type, rows in by_type.items():
            type_label = label(node_type)
            tx.run(f"UNWIND $rows AS r "
                   f"MATCH (a:{ARTICLE_LABEL} {{id: r.aid}}) "
                   f"MERGE (n:{NODE_LABEL} {{id: r.id}}) "
                   f"ON CREATE SET n:{type_label}, n.type = r.type, n.name = r.name, n.props = '{{}}', "
                   f"  n.aliases = [], n.aliases_f = [], n.aliases_a = [] "
                   f"SET n.aliases = n.aliases + [x IN r.aliases WHERE NOT x IN n.aliases], "
                   f"  n.aliases_f = n.aliases_f + [x IN r.f WHERE NOT x IN n.aliases_f], "
                   f"  n.aliases_a = n.aliases_a + [x IN r.a WHERE NOT x IN n.aliases_a] "
                   f"CREATE (a)-[c:{CLAIMS}]->(n) SET c = r.claim", rows=rows).consume()
        edges_by_type: dict[str, list[dict]] = {}
        for facts in batch:
            for edge in facts.edges.values():
                edges_by_type.setdefault(edge.type, []).append(edge_row(edge))
        for edge_type, rows in edges_by_type.items():
            rel = rel_type(edge_type)
            written = Counter({r["aid"]: r["n"] for r in tx.run(
                f"UNWIND $rows AS r "
                f"MATCH (s:{NODE_LABEL} {{id: r.src}}) MATCH (d:{NODE_LABEL} {{id: r.dst}}) "
                f"CREATE (s)-[e:{rel}]->(d) SET e = r.rel "
                f"RETURN r.rel.article_id AS aid, count(e) AS n", rows=rows)})
            wanted = Counter(r["rel"]["article_id"] for r in rows)
            if written != wanted:
                article_id = next(iter(wanted - written))
                raise StoreError(f"article {article_id}: {sum((wanted - written).values())} {edge_type} "
                                 f"edge(s) refer to nodes the article does not claim")

    @_wrap_errors
    def article_hashes(self) -> dict[str, str]:
        """Article id → content hash of every stored article (what `push` can skip)."""
        return {r[0]: r[1] for r in self._read(f"MATCH (a:{ARTICLE_LABEL}) RETURN a.id, a.hash")}

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
        return native_props(node_type, props)

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
        for edge_type in edge_types():
            rel = rel_type(edge_type)
            tx.run(f"MATCH ()-[e:{rel} {{article_id: $id}}]->() DELETE e", id=article_id).consume()
        tx.run(f"MATCH (a:{ARTICLE_LABEL} {{id: $id}}) DETACH DELETE a", id=article_id).consume()
        orphans = {r["id"] for r in tx.run(
            f"MATCH (n:{NODE_LABEL}) WHERE n.id IN $ids AND NOT EXISTS {{ ()-[:{CLAIMS}]->(n) }} "
            f"WITH n, n.id AS id DETACH DELETE n RETURN id", ids=sorted(touched))}
        remaining = touched - orphans
        if refresh:
            self._refresh_props(tx, sorted(remaining))
        return True, remaining


def _segments(batch: list[Facts]) -> list[list[tuple[int, Facts]]]:
    """Runs of the batch without a repeated article id: a repeat must see its predecessor written."""
    segments: list[list[tuple[int, Facts]]] = [[]]
    seen: set[str] = set()
    for index, facts in enumerate(batch):
        if facts.article.id in seen:
            segments.append([])
            seen.clear()
        seen.add(facts.article.id)
        segments[-1].append((index, facts))
    return segments
