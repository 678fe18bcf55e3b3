"""The embedded store: one SQLite file, WAL, one transaction per article batch.

Every node and edge row is a claim by one article; a node's properties are merged from
its claims, so retracting an article removes exactly what only it said.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import StoreError
from kg.facts import Article, Extraction
from kg.graph import Edge, Facts, Node
from kg.mentions import dated_base, restore
from kg.stores.base import Store, UpsertResult
from kg.stores.sqlite.rows import Rows, rows_of
from kg.stores.sqlite.reads import SQLiteReads, _edge, _marks, _node
from kg.stores.sqlite.schema import connect, prepare


class SQLiteStore(SQLiteReads, Store):  # name search, pages, lineage levels: reads.py
    def __init__(self, path: str, create: bool = True, mapped: bool = False):
        """`mapped`: read through a memory map (up to 2 GB), which halves heavy queries; off for
        ingest and exports, whose resident memory would otherwise grow with the store."""
        self.location = path
        if not create and path != ":memory:" and not Path(path).exists():
            raise StoreError(f"store not found: {path} (run `kg ingest` first)")
        try:
            self.db, self.writable = connect(path, busy_timeout())
            prepare(self.db, path, self.writable)
            self.db.execute("PRAGMA cache_size=-65536")  # 64 MB: indexes of a large store stay hot
            self._prepare_reads(mapped)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open store {path}: {exc}") from exc

    @property
    def path_for_workers(self) -> str | None:
        """Worker processes open their own read connection to a file store."""
        return None if self.location == ":memory:" else self.location

    def close(self) -> None:
        self.db.close()

    # -- writes ---------------------------------------------------------------------------
    def upsert(self, facts: Facts | Rows) -> UpsertResult:
        return self.upsert_many([facts])[0]

    def upsert_many(self, batch: Iterable[Facts | Rows]) -> list[UpsertResult]:
        """Facts, or the `Rows` that `rows_of` made of them (in a worker process)."""
        with self._writing():
            return [self._upsert_one(rows_of(facts)) for facts in batch]

    @contextmanager
    def _writing(self):
        """One write transaction: all of it commits, or none (a crash or error rolls back)."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            yield
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise _write_error(self.location, exc) from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def _upsert_one(self, rows: Rows) -> UpsertResult:
        row = self.db.execute("SELECT hash FROM articles WHERE id=?", (rows.article_id,)).fetchone()
        if row and row[0] == rows.content_hash:
            return UpsertResult("unchanged")
        with self._dates_watched(rows):
            if row:
                self._retract(rows.article_id)
            self._insert(rows)
        return UpsertResult("replaced" if row else "new", len(rows.node_rows), len(rows.edges))

    def _insert(self, rows: Rows) -> None:
        self.db.execute("INSERT INTO articles VALUES (?,?,?,?,?)", rows.article)
        changed = self._props_changed_by(rows.claimed_props)
        # a node this article creates has only this claim: its props are the claim's
        self.db.executemany("INSERT OR IGNORE INTO nodes (id, type, name, props) VALUES (?,?,?,?)",
                            rows.node_rows)
        self.db.executemany("INSERT INTO sentences VALUES (?,?,?)", rows.sentences)
        self.db.executemany("INSERT OR REPLACE INTO claim_rows VALUES (?,?,?,?,?,?,?,?)", rows.claims)
        self.db.executemany("INSERT OR IGNORE INTO aliases VALUES (?,?,?,?)", rows.aliases)
        self.db.executemany("INSERT OR REPLACE INTO edge_rows VALUES (?,?,?,?,?,?,?,?,?)", rows.edges)
        if rows.kept:
            self.db.execute("INSERT INTO kept_mentions VALUES (?,?)", (rows.article_id, rows.kept))
        self._refresh_props(changed)
        self._rename(self._spelled_otherwise([(row[0], row[2]) for row in rows.node_rows]))

    def _spelled_otherwise(self, spellings: list[tuple[str, str]]) -> list[str]:
        """Nodes whose name is not the spelling given for them here."""
        names = {}
        for chunk in range(0, len(spellings), 500):
            part = [node_id for node_id, _ in spellings[chunk:chunk + 500]]
            names.update(self.db.execute(f"SELECT id, name FROM nodes WHERE id IN ({_marks(part)})", part))
        return [node_id for node_id, name in spellings if node_id in names and names[node_id] != name]

    def _rename(self, node_ids: list[str]) -> None:
        """A node's name: the spelling most of its claims use, ties to the smallest, so that the
        name does not depend on which article came first (`Thuỷ`/`Thủy`, concurrent writers)."""
        for node_id in node_ids:
            self.db.execute("UPDATE nodes SET name = (SELECT name FROM claim_rows WHERE node_id = ?1 "
                            "GROUP BY name ORDER BY COUNT(*) DESC, name LIMIT 1) WHERE id = ?1", (node_id,))

    @contextmanager
    def _dates_watched(self, rows: Rows | None, article_id: str | None = None):
        """Record, in the writing transaction, the bases of documents that gain their first or
        lose their last stated date: their dateless mentions must be resolved again
        (`kg.settle`), and a crash before that leaves the record for the next writer."""
        article_id = rows.article_id if rows else article_id
        ids = set(rows.dated_documents if rows else ()) | {r[0] for r in self.db.execute(
            "SELECT node_id FROM claim_rows WHERE article_id=? AND node_id >= 'doc:' AND node_id < 'doc;'",
            (article_id,)) if dated_base(r[0])}
        before = self._dated(sorted(ids))
        yield
        changed = before ^ self._dated(sorted(ids))
        self.db.executemany("INSERT OR IGNORE INTO unsettled VALUES (?)", [(dated_base(i),) for i in changed])

    def _dated(self, ids: list[str]) -> set[str]:
        found = set()
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            found.update(r[0] for r in self.db.execute(
                f"SELECT id FROM nodes WHERE id IN ({_marks(part)}) AND json_extract(props, '$.date') IS NOT NULL",
                part))
        return found

    def _props_changed_by(self, claimed: list[tuple[str, dict]]) -> list[str]:
        """Ids of existing nodes whose merged properties a claim may change. A claim that
        repeats a node's current values cannot change them; skipping it keeps popular nodes
        (a province, 21-NQ/TW) from re-reading all their claims."""
        current = {}
        for chunk in range(0, len(claimed), 500):
            part = [node_id for node_id, _ in claimed[chunk:chunk + 500]]
            current.update(self.db.execute(
                f"SELECT id, props FROM nodes WHERE id IN ({','.join('?' * len(part))})", part))
        return [node_id for node_id, props in claimed if node_id in current and
                any(json.loads(current[node_id]).get(k) != v for k, v in props.items())]

    def _refresh_props(self, node_ids: list[str]) -> None:
        """A node's properties: per key, the first value its claims give, oldest article first."""
        for node_id in node_ids:
            merged: dict = {}
            for (props,) in self.db.execute(
                    "SELECT c.props FROM claim_rows c JOIN articles a ON a.id=c.article_id "
                    "WHERE c.node_id=? ORDER BY a.published, a.id", (node_id,)):
                for k, v in json.loads(props).items():
                    merged.setdefault(k, v)
            self.db.execute("UPDATE nodes SET props=? WHERE id=?",
                            (json.dumps(merged, ensure_ascii=False), node_id))

    def replace(self, facts: Facts) -> UpsertResult:
        """Retract and store again in one transaction: a crash leaves the old or the new claims."""
        rows = rows_of(facts)
        with self._writing(), self._dates_watched(rows):
            self._retract(rows.article_id)
            self._insert(rows)
        return UpsertResult("replaced", len(rows.node_rows), len(rows.edges))

    def retract(self, article_id: str) -> bool:
        with self._writing(), self._dates_watched(None, article_id):
            return self._retract(article_id)

    def _retract(self, article_id: str) -> bool:
        spellings = self.db.execute("SELECT node_id, name FROM claim_rows WHERE article_id=?", (article_id,)).fetchall()
        touched = [node_id for node_id, _ in spellings]
        # the node's own spelling losing a claim may lose its lead (another one's cannot)
        otherwise = set(self._spelled_otherwise(spellings))
        respell = [n for n in touched if n not in otherwise]
        deleted = self.db.execute("DELETE FROM articles WHERE id=?", (article_id,)).rowcount
        for table in ("claim_rows", "edge_rows", "sentences", "kept_mentions"):
            self.db.execute(f"DELETE FROM {table} WHERE article_id=?", (article_id,))
        orphans = [n for n in touched if not self.db.execute(
            "SELECT 1 FROM claim_rows WHERE node_id=? LIMIT 1", (n,)).fetchone()]
        for node_id in orphans:
            self.db.execute("DELETE FROM nodes WHERE id=?", (node_id,))
            self.db.execute("DELETE FROM aliases WHERE node_id=?", (node_id,))
        self._refresh_props([n for n in touched if n not in orphans])
        self._rename([n for n in respell if n not in orphans])
        return deleted > 0

    # -- settling (kg.settle) ---------------------------------------------------------------
    def stored_hash(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT hash FROM articles WHERE id=?", (article_id,)).fetchone()
        return row[0] if row else None

    def kept_extraction(self, article_id: str) -> Extraction | None:
        row = self.db.execute("SELECT body FROM kept_mentions WHERE article_id=?", (article_id,)).fetchone()
        stored = self.article(article_id) if row else None
        if stored is None:
            return None
        names = set(Article.__dataclass_fields__)
        sentences = dict(self.db.execute("SELECT n, text FROM sentences WHERE article_id=?", (article_id,)))
        return restore(row[0], Article(**{k: v for k, v in stored.items() if k in names}), sentences)

    def unsettled(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT base FROM unsettled")}

    def settled(self, bases: set[str]) -> None:
        with self._writing():
            self.db.executemany("DELETE FROM unsettled WHERE base=?", [(b,) for b in sorted(bases)])

    # -- reads ----------------------------------------------------------------------------
    def get(self, node_id: str) -> Node | None:
        row = self.db.execute("SELECT id, type, name, props FROM nodes WHERE id=?", (node_id,)).fetchone()
        return _node(row) if row else None

    def find_ids(self, prefix: str) -> list[str]:
        # A range on the primary key (not LIKE, which is case-insensitive and scans).
        rows = self.db.execute("SELECT id FROM nodes WHERE id >= ? AND id < ? ORDER BY id",
                               (prefix, prefix + "\U0010ffff"))
        return [r[0] for r in rows]

    def neighbours(self, node_id: str, edge_type: str | None, direction: str = "out"):
        near, far = ("src", "dst") if direction == "out" else ("dst", "src")
        type_clause = "AND e.type=?" if edge_type else ""
        params = [node_id] + ([edge_type] if edge_type else [])
        rows = self.db.execute(
            f"SELECT e.src, e.type, e.dst, e.article_id, e.props, e.start, e.end, e.sentence, e.extractor, "
            f"n.id, n.type, n.name, n.props FROM edges e JOIN nodes n ON n.id=e.{far} "
            f"WHERE e.{near}=? {type_clause} ORDER BY e.article_id, n.id", params)
        return [(_edge(r[:9]), _node(r[9:])) for r in rows]

    def neighbours_many(self, node_ids: list[str], edge_type: str, direction: str = "out"):
        near, far = ("src", "dst") if direction == "out" else ("dst", "src")
        found: dict[str, list] = {node_id: [] for node_id in node_ids}
        for chunk in range(0, len(node_ids), 500):
            part = node_ids[chunk:chunk + 500]
            rows = self.db.execute(
                f"SELECT e.src, e.type, e.dst, e.article_id, e.props, e.start, e.end, e.sentence, e.extractor, "
                f"n.id, n.type, n.name, n.props FROM edges e JOIN nodes n ON n.id=e.{far} "
                f"WHERE e.{near} IN ({','.join('?' * len(part))}) AND e.type=? ORDER BY e.article_id, n.id",
                [*part, edge_type])
            for r in rows:
                found[r[0] if direction == "out" else r[2]].append((_edge(r[:9]), _node(r[9:])))
        return found

    def iter_nodes(self, node_type: str | None = None) -> Iterator[Node]:
        sql, params = "SELECT id, type, name, props FROM nodes", ()
        if node_type:
            sql, params = sql + " WHERE type=?", (node_type,)
        for row in self.db.execute(sql + " ORDER BY id", params):
            yield _node(row)

    def iter_edges(self, edge_type: str | None = None) -> Iterator[Edge]:
        sql, params = "SELECT src, type, dst, article_id, props, start, end, sentence, extractor FROM edges", ()
        if edge_type:
            sql, params = sql + " WHERE type=?", (edge_type,)
        for row in self.db.execute(sql + " ORDER BY src, type, dst, article_id", params):
            yield _edge(row)

    def graph_source(self):
        from kg.stores.sqlite.source import SQLiteSource
        return SQLiteSource(self.db)

    def article(self, article_id: str) -> dict | None:
        row = self.db.execute("SELECT meta, text FROM articles WHERE id=?", (article_id,)).fetchone()
        return {**json.loads(row[0]), "text": row[1]} if row else None

    def totals(self) -> tuple[int, int]:
        # no per-type grouping: the edge count walks the primary-key index once
        nodes = self.db.execute("SELECT COUNT(*) FROM nodes").fetchone()[0]
        edges = self.db.execute("SELECT COUNT(*) FROM (SELECT 1 FROM edge_rows GROUP BY src, type, dst)").fetchone()[0]
        return nodes, edges

    def counts(self) -> dict:
        articles = self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        nodes = dict(self.db.execute("SELECT type, COUNT(*) FROM nodes GROUP BY type ORDER BY type"))
        edges = dict(self.db.execute(
            "SELECT type, COUNT(*) FROM (SELECT DISTINCT src, type, dst FROM edge_rows) GROUP BY type ORDER BY type"))
        return {"articles": articles, "nodes": nodes, "edges": edges}


def busy_timeout() -> float:
    """Seconds a writer waits for another writer's transaction: KG_BUSY_TIMEOUT, default 10."""
    try:
        return max(0.0, float(os.environ.get("KG_BUSY_TIMEOUT", "10")))
    except ValueError:
        return 10.0


def _write_error(location: str, exc: sqlite3.OperationalError) -> StoreError:
    if "locked" in str(exc) or "busy" in str(exc):
        return StoreError(f"store {location} is busy: another process is writing to it "
                          f"(waited {busy_timeout():g} s; try again, or raise KG_BUSY_TIMEOUT)")
    return StoreError(f"store {location} is unwritable: {exc}")
