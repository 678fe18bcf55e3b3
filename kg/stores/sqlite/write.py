"""The SQLite store's writes: one transaction per article batch, claims in and out.

Every node and edge row is a claim by one article; a node's properties are merged from
its claims, so retracting an article removes exactly what only it said.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from contextlib import contextmanager

from kg.errors import StoreError
from kg.graph import Facts
from kg.mentions import dated_base
from kg.model import id_prefix
from kg.stores.base import UpsertResult
from kg.stores.sqlite.reads import _marks
from kg.stores.sqlite.rows import Rows, rows_of

DOCS = id_prefix("Document")  # document ids sort between DOCS and its successor
CLAIM = "node_id, article_id, props, start, end, sentence_n, extractor, name"  # as Rows.claims
EDGE_ROW = "src, type, dst, article_id, props, start, end, sentence_n, extractor"  # as Rows.edges


class SQLiteWrites:
    db = None  # the sqlite3 connection, set by SQLiteStore
    location = ""

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
            self._indexed = self._last_alias()
            yield
            self._index_aliases()
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise _write_error(self.location, exc) from exc
        except BaseException:
            self._rollback()
            raise

    def _last_alias(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(rowid), 0) FROM aliases").fetchone()[0]

    def _index_aliases(self) -> None:
        """Add the aliases inserted since the last call to the substring index. Called before
        any alias is deleted too: the index's delete trigger may only meet indexed rows."""
        self.db.execute("INSERT INTO aliases_fts(rowid, akey) SELECT rowid, akey FROM aliases WHERE rowid > ?",
                        (self._indexed,))
        self._indexed = self._last_alias()

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
        self._insert_notes(rows)
        self._add_claims(rows.node_rows, rows.claims, rows.aliases, rows.edges, rows.claimed_props)

    def _insert_notes(self, rows: Rows) -> None:
        """What an article keeps beside its claims: sentences, and what settling needs."""
        self.db.executemany("INSERT INTO sentences VALUES (?,?,?)", rows.sentences)
        if rows.kept:
            self.db.execute("INSERT INTO kept_mentions VALUES (?,?)", (rows.article_id, rows.kept))
            self.db.executemany("INSERT INTO dateless VALUES (?,?,?)", rows.dateless)

    def _add_claims(self, node_rows, claims, aliases, edges, claimed_props) -> None:
        changed = self._props_changed_by(claimed_props)
        # a node this article creates has only this claim: its props are the claim's
        self.db.executemany("INSERT OR IGNORE INTO nodes (id, type, name, props) VALUES (?,?,?,?)", node_rows)
        self.db.executemany("INSERT OR REPLACE INTO claim_rows VALUES (?,?,?,?,?,?,?,?)", claims)
        self.db.executemany("INSERT OR IGNORE INTO aliases VALUES (?,?,?,?)", aliases)
        self.db.executemany("INSERT OR REPLACE INTO edge_rows VALUES (?,?,?,?,?,?,?,?,?)", edges)
        self._refresh_props(changed)
        self._rename(self._spelled_otherwise([(row[0], row[2]) for row in node_rows]))

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
            f"SELECT node_id FROM claim_rows WHERE article_id=? AND node_id >= '{DOCS}' AND node_id < '{DOCS[:-1]};'",
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
        """Store an article's facts again, in one transaction (a crash leaves the old or the new
        claims). With its text unchanged (settling) only the rows that differ are written: a
        settled article changes a document or two, and rewriting all of it would re-read every
        busy node it names (its province, a central resolution)."""
        rows = rows_of(facts)
        with self._writing(), self._dates_watched(rows):
            stored = self.db.execute("SELECT * FROM articles WHERE id=?", (rows.article_id,)).fetchone()
            if stored == rows.article:
                self._rewrite(rows)
            else:
                self._retract(rows.article_id)
                self._insert(rows)
        return UpsertResult("replaced", len(rows.node_rows), len(rows.edges))

    def _rewrite(self, rows: Rows) -> None:
        article_id = (rows.article_id,)
        for table in ("sentences", "kept_mentions", "dateless"):
            self.db.execute(f"DELETE FROM {table} WHERE article_id=?", article_id)
        self._insert_notes(rows)
        claims = set(self.db.execute(f"SELECT {CLAIM} FROM claim_rows WHERE article_id=?", article_id))
        edges = set(self.db.execute(f"SELECT {EDGE_ROW} FROM edge_rows WHERE article_id=?", article_id))
        kept = set(rows.claims)
        self._drop_claims(rows.article_id, [(c[0], c[7], c[2]) for c in claims - kept], list(edges - set(rows.edges)))
        new = {c[0] for c in rows.claims if c not in claims}
        self._add_claims([n for n in rows.node_rows if n[0] in new], [c for c in rows.claims if c[0] in new],
                         [a for a in rows.aliases if a[0] in new], [e for e in rows.edges if e not in edges],
                         [p for p in rows.claimed_props if p[0] in new])

    def retract(self, article_id: str) -> bool:
        with self._writing(), self._dates_watched(None, article_id):
            return self._retract(article_id)

    def _retract(self, article_id: str) -> bool:
        claims = self.db.execute("SELECT node_id, name, props FROM claim_rows WHERE article_id=?", (article_id,)).fetchall()
        deleted = self.db.execute("DELETE FROM articles WHERE id=?", (article_id,)).rowcount
        for table in ("sentences", "kept_mentions", "dateless"):
            self.db.execute(f"DELETE FROM {table} WHERE article_id=?", (article_id,))
        self._drop_claims(article_id, claims, None)
        return deleted > 0

    def _drop_claims(self, article_id: str, claims: list[tuple], edges: list[tuple] | None) -> None:
        """Delete an article's `claims` (node id, name, props JSON) and `edges` (edge_rows rows;
        None: all its claims and edges go); nodes left without claims go too, and the others'
        properties and names follow the claims that remain."""
        # the node's own spelling losing a claim may lose its lead (another one's cannot)
        otherwise = set(self._spelled_otherwise([c[:2] for c in claims]))
        if edges is None:
            for table in ("claim_rows", "edge_rows"):
                self.db.execute(f"DELETE FROM {table} WHERE article_id=?", (article_id,))
        else:
            self.db.executemany("DELETE FROM claim_rows WHERE node_id=? AND article_id=?",
                                [(c[0], article_id) for c in claims])
            self.db.executemany("DELETE FROM edge_rows WHERE src=? AND type=? AND dst=? AND article_id=?",
                                [e[:4] for e in edges])
        touched = [c[0] for c in claims]
        gone = {n for n in touched if not self.db.execute("SELECT 1 FROM claim_rows WHERE node_id=? LIMIT 1", (n,)).fetchone()}
        self.db.executemany("DELETE FROM nodes WHERE id=?", [(n,) for n in gone])
        if gone:
            self._index_aliases()
            self.db.executemany("DELETE FROM aliases WHERE node_id=?", [(n,) for n in gone])
            self._indexed = self._last_alias()  # a new alias may take a deleted one's rowid
        self._refresh_props(self._may_have_given([c for c in claims if c[0] not in gone]))
        self._rename([n for n in touched if n not in otherwise and n not in gone])

    def _may_have_given(self, claims: list[tuple]) -> list[str]:
        """Nodes whose merged properties a removed claim (node id, name, props JSON) may have
        given: one that holds none of the node's current values gave none of them, so a busy
        node losing such a claim is not re-read."""
        claims = [c for c in claims if c[2] != "{}"]
        current = {}
        for chunk in range(0, len(claims), 500):
            part = [c[0] for c in claims[chunk:chunk + 500]]
            current.update(self.db.execute(f"SELECT id, props FROM nodes WHERE id IN ({_marks(part)})", part))
        return [n for n, _, props in claims if n in current and
                any(json.loads(current[n]).get(k) == v for k, v in json.loads(props).items())]


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
