"""The embedded store: one SQLite file, WAL, one transaction per article batch (writes:
write.py; name search, pages, lineage levels: reads.py).
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from kg.errors import StoreError
from kg.facts import Article, Extraction
from kg.graph import Edge, Node
from kg.mentions import restore
from kg.stores.base import Store
from kg.stores.sqlite.reads import SQLiteReads, _edge, _node
from kg.stores.sqlite.schema import connect, prepare
from kg.stores.sqlite.write import SQLiteWrites, busy_timeout


class SQLiteStore(SQLiteWrites, SQLiteReads, Store):
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

    def dateless_citers(self, base: str, resolution: str) -> set[str]:
        return {r[0] for r in self.db.execute(
            "SELECT article_id FROM dateless WHERE base=? AND resolution IS NOT ?", (base, resolution))}

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
