"""Neo4j over Bolt: the same claim model as the SQLite store, as a property graph laid out
as `kg.stores.neo4j.layout` describes (one relationship per fact, claims from articles, native
values, labels and types from the schema only).

Writes: the id constraint and read indexes are confirmed when the store opens; a batch of
articles is one managed (retried) transaction with one `UNWIND $rows` per label and per
relationship type, parameters only. An article whose content hash is stored is skipped, a
changed one is retracted first, so re-runs are idempotent. Credentials: arguments, else
`KG_NEO4J_USER`, `KG_NEO4J_PASSWORD`, `KG_NEO4J_DATABASE`; timeouts: `kg.stores.neo4j.store`.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable

from kg.errors import StoreError
from kg.facts import Evidence
from kg.graph import Edge, Facts
from kg import model
from kg.model import conform
from kg.stores.neo4j import write
from kg.stores.base import Store, UpsertResult
from kg.stores.neo4j.questions import BoltQuestions
from kg.stores.neo4j.reads import BoltReads, _one_line, _wrap_errors
from kg.stores.neo4j.layout import (ARTICLE, NODE_LABEL, OLD_SCHEMA, article_map, claim_map, fact_rows, node_map,
                                     schema_statements)


CONNECT_TIMEOUT = 10.0  # seconds to reach the server and finish the Bolt handshake
QUERY_TIMEOUT = 120.0  # seconds a transaction may run on the server
GRACE = 5.0  # seconds past the transaction timeout before kg stops waiting for an answer


def timeouts() -> tuple[float, float]:
    """(connect, query) seconds: `KG_NEO4J_CONNECT_TIMEOUT` (default 10) bounds reaching the
    server and its handshake; `KG_NEO4J_QUERY_TIMEOUT` (default 120; 0 turns it off) is each
    transaction's server-side timeout, and kg stops waiting for an answer 5 s after it."""
    def seconds(name: str, default: float) -> float:
        try:
            return max(0.0, float(os.environ.get(name) or default))
        except ValueError:
            raise StoreError(f"{name} must be a number of seconds, not {os.environ[name]!r}") from None
    return seconds("KG_NEO4J_CONNECT_TIMEOUT", CONNECT_TIMEOUT) or CONNECT_TIMEOUT, \
        seconds("KG_NEO4J_QUERY_TIMEOUT", QUERY_TIMEOUT)


class BoltStore(BoltQuestions, BoltReads, Store):  # lookups, neighbours, walks: reads.py; whole questions: questions.py
    def __init__(self, uri: str, user: str | None = None, password: str | None = None,
                 database: str | None = None, retry_seconds: float | None = None):
        """Credentials and database come from the arguments, else `KG_NEO4J_USER` (default
        `neo4j`), `KG_NEO4J_PASSWORD`, `KG_NEO4J_DATABASE` (default `neo4j`). `retry_seconds`
        bounds how long a managed transaction is retried on transient failures (driver default 30).
        Timeouts: see `timeouts()`."""
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, ClientError, DriverError, Neo4jError, ServiceUnavailable

        # the driver logs retries as warnings; without a handler Python would print them on
        # stderr, and the CLI promises one line per error (an application may still add one)
        logging.getLogger("neo4j").addHandler(logging.NullHandler())
        self.location = uri
        user = user or os.environ.get("KG_NEO4J_USER") or "neo4j"
        password = password if password is not None else os.environ.get("KG_NEO4J_PASSWORD", "")
        self.database = database or os.environ.get("KG_NEO4J_DATABASE") or "neo4j"
        self.connect_timeout, self.query_timeout = timeouts()
        config = {"max_transaction_retry_time": retry_seconds} if retry_seconds is not None else {}
        self._hung = False
        try:
            self.driver = GraphDatabase.driver(uri, auth=(user, password), notifications_min_severity="OFF",
                                               connection_timeout=self.connect_timeout,
                                               connection_acquisition_timeout=self.connect_timeout, **config)
        except (DriverError, Neo4jError, ValueError) as exc:
            raise StoreError(f"cannot open Neo4j store {uri}: {_one_line(exc)}") from exc
        try:
            self._bounded(self._open)
        except AuthError as exc:
            self.close()
            raise StoreError(f"Neo4j at {uri} refused the login of user {user!r} "
                             f"(check KG_NEO4J_USER / KG_NEO4J_PASSWORD)") from exc
        except ServiceUnavailable as exc:
            self.close()
            raise StoreError(f"Neo4j at {uri} is unreachable within {self.connect_timeout:g} s "
                             f"(KG_NEO4J_CONNECT_TIMEOUT): {_one_line(exc)}") from exc
        except ClientError as exc:
            self.close()
            if exc.code and "DatabaseNotFound" in exc.code:
                raise StoreError(f"Neo4j at {uri} has no database {self.database!r} "
                                 f"(set KG_NEO4J_DATABASE)") from exc
            raise StoreError(f"cannot open Neo4j store {uri}: {_one_line(exc)}") from exc
        except (DriverError, Neo4jError) as exc:
            self.close()
            raise StoreError(f"cannot open Neo4j store {uri}: {_one_line(exc)}") from exc
        except StoreError:
            self.close()
            raise

    def _open(self) -> None:
        self.driver.verify_connectivity()
        with self.driver.session(database=self.database) as session:
            session.run("RETURN 1").consume()
        self._create_constraints()

    def _bounded(self, call, *args):
        """`call(*args)`, given up (a one-line StoreError) when the server has not answered
        within the query timeout and a grace period: the driver has no read timeout of its
        own, and a hung server would otherwise keep kg waiting forever. The call runs on a
        daemon thread, so an abandoned one does not keep the process alive."""
        limit = self.query_timeout + GRACE if self.query_timeout else None
        if limit is None:
            return call(*args)
        box: dict = {}

        def run():
            try:
                box["value"] = call(*args)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                box["error"] = exc
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(limit)
        if worker.is_alive():
            self._hung = True
            raise StoreError(f"Neo4j at {self.location} did not answer within {limit:g} s "
                             f"(KG_NEO4J_QUERY_TIMEOUT={self.query_timeout:g})")
        if "error" in box:
            raise box["error"]
        return box["value"]

    @_wrap_errors
    def write(self, work, *args):
        """`work(tx, *args)` in one managed write transaction, with the transaction timeout."""
        from neo4j import unit_of_work

        def run():
            with self.driver.session(database=self.database) as session:
                return session.execute_write(unit_of_work(timeout=self.query_timeout or None)(work), *args)
        return self._bounded(run)

    def _create_constraints(self) -> None:
        """The id constraint and read indexes before any write; only missing ones are created,
        and those of kg's earlier layout (one id constraint per label) are dropped."""
        with self.driver.session(database=self.database) as session:
            constraints = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name RETURN name")}
            indexes = {r["name"] for r in session.run("SHOW INDEXES YIELD name RETURN name")}
            for name in sorted(constraints | indexes):
                if OLD_SCHEMA.match(name):
                    kind = "CONSTRAINT" if name in constraints else "INDEX"
                    session.run(f"DROP {kind} {name} IF EXISTS").consume()  # a name the pattern vetted
            for name, statement in schema_statements():
                if name not in constraints | indexes:
                    session.run(statement).consume()

    def close(self) -> None:
        if self._hung:  # closing would wait on the connection the hung call holds
            return
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
        return self._bounded(self._read_now, query, params)

    def _read_now(self, query: str, params: dict) -> list:
        """A read as one auto-commit query on a kept session: queries call the primitives many
        times, and this is one round trip instead of three (about 1.7 ms instead of 5 per call).
        Retried once on a new connection when the failure is retryable (connection lost)."""
        from neo4j import Query
        for attempt in (1, 2):
            try:
                if getattr(self, "_session", None) is None:
                    self._session = self.driver.session(database=self.database,
                                                        default_access_mode="READ")
                return list(self._session.run(Query(query, timeout=self.query_timeout or None), **params))
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
        batch = [conform(facts) for facts in batch]
        if not batch:
            return []
        return self.write(self._upsert_batch, batch)

    def _upsert_batch(self, tx, batch: list[Facts]) -> list[UpsertResult]:
        """The whole batch in one transaction, with one UNWIND per label and per type."""
        results: list[UpsertResult | None] = [None] * len(batch)
        touched: set[str] = set()
        for segment in _segments(batch):
            stored = write.stored_hashes(tx, [facts.article.id for _, facts in segment])
            fresh = []
            for index, facts in segment:
                old = stored.get(facts.article.id)
                if old == facts.article.content_hash:
                    results[index] = UpsertResult("unchanged")
                    continue
                if old is not None:
                    touched |= write.retract_article(tx, facts.article.id)[1]
                results[index] = UpsertResult("replaced" if old is not None else "new",
                                              len(facts.nodes), len(facts.edges))
                fresh.append(facts)
            changed, created = self._write_articles(tx, fresh)
            touched |= changed
            write.link_scopes(tx, sorted(created), sorted(created))
        write.refresh_nodes(tx, sorted(touched))
        write.link_scopes(tx, sorted(touched), [])
        return results

    def _write_articles(self, tx, batch: list[Facts]) -> tuple[set[str], set[str]]:
        """Articles not stored before (or just retracted); returns the ids of nodes whose merged
        properties their claims may change, and of the nodes created."""
        if not batch:
            return set(), set()
        write.write_articles(tx, [article_map(f.article.meta(), f.article.content_hash, f.article.text,
                                              f.nodes[model.node_id(ARTICLE, article=f.article.id)].node.props
                                              if model.node_id(ARTICLE, article=f.article.id) in f.nodes else {}) for f in batch])
        by_type: dict[str, list[dict]] = {}
        claims, created = [], set()
        for facts in batch:
            for claim in facts.nodes.values():
                if claim.node.id == model.node_id(ARTICLE, article=facts.article.id):
                    continue
                node, ev = claim.node, claim.evidence
                by_type.setdefault(node.type, []).append(node_map(node.id, node.name, node.props, list(claim.aliases)))
                claims.append({"a": facts.article.id, "n": node.id,
                               "p": claim_map(node.props, ev.start, ev.end, ev.sentence, ev.extractor)})
        for node_type, rows in by_type.items():
            created |= write.merge_nodes(tx, node_type, rows, replace=False)
        write.write_claims(tx, claims)
        edges = [_claim_row(edge) for facts in batch for edge in facts.edges.values()]
        for edge_type, (rows, names) in fact_rows(edges).items():
            write.write_facts(tx, edge_type, rows, names)
        claimed = [(c["n"], c["p"]) for c in claims if len(c["p"]) > 4]  # claims that set properties
        return self._props_changed_by(tx, claimed, created), created

    def _props_changed_by(self, tx, claimed: list[tuple[str, dict]], created: set[str]) -> set[str]:
        """Nodes whose merged properties a claim may change: a claim that repeats a node's
        current values cannot, and skipping it keeps popular nodes (a province, 21-NQ/TW) from
        re-reading all their claims. A node created here is re-merged when claimed twice."""
        current = {r[0]: r[1] for r in write.unwind(
            tx, f"MATCH (n:{NODE_LABEL} {{id: r}}) RETURN n.id, n{{.*, searchText: null}}",
            sorted({node_id for node_id, _ in claimed}))}
        changed = {node_id for node_id in created if sum(1 for n, _ in claimed if n == node_id) > 1}
        for node_id, props in claimed:
            now = current.get(node_id, {})
            if node_id not in created and any(now.get(k) != v for k, v in props.items()
                                              if k not in ("start", "end", "sentence", "extractor")):
                changed.add(node_id)
        return changed

    @_wrap_errors
    def article_hashes(self) -> dict[str, str]:
        """Article id → content hash of every stored article (what `push` can skip)."""
        return {r[0]: r[1] for r in self._read(f"MATCH (a:{ARTICLE}) RETURN a.articleId, a.hash")}

    def graph_source(self):
        from kg.stores.neo4j.source import BoltSource
        return BoltSource(self)

    @_wrap_errors
    def retract(self, article_id: str) -> bool:
        return self.write(self._retract_tx, article_id)

    @staticmethod
    def _retract_tx(tx, article_id: str) -> bool:
        found, remaining = write.retract_article(tx, article_id)
        write.refresh_nodes(tx, sorted(remaining))
        write.link_scopes(tx, sorted(remaining), [])
        return found


def _claim_row(edge: Edge) -> tuple:
    """An edge claim as `fact_rows` takes it (no evidence: zeros and empty text, as SQLite stores it)."""
    ev = edge.evidence or Evidence(edge.article_id, 0, 0, "", "")
    return (edge.src, edge.type, edge.dst, edge.article_id, edge.props, ev.start, ev.end, ev.sentence, ev.extractor)


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
