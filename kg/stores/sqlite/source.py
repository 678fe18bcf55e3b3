"""The SQLite store as a `GraphSource` (kg.stores.source): ordered streams from its tables.

Every stream walks an index in the order it promises (nodes and aliases by id, edge claims by
their primary key, claims and articles by article), so nothing is sorted or held whole; a
filtered stream reads its ids in chunks. While a source is open the connection's page cache is
lowered and memory-mapped reads turned off (both restored on close): a one-pass scan gains
nothing from a 64 MB cache or a mapping of the file, and either would make peak memory grow with
the store (a mapped page counts as the process's resident memory once read).
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

from kg.model import id_prefix
from kg.facts import Evidence
from kg.graph import Edge, Node
from kg.stores.source import GraphSource, SourceArticle, SourceClaim, SourceNode
from kg.stores.sqlite.reads import _edge, _marks

EXPORT_CACHE_KIB = 8192  # SQLite page cache while a source is open (the store opens with 64 MB)
_PRAGMAS = {"cache_size": -EXPORT_CACHE_KIB, "mmap_size": 0}
_IN = 500  # ids per `IN (…)`
EDGE = "src, type, dst, article_id, props, start, end, sentence, extractor"
EDGE_ORDER = "ORDER BY src, type, dst, article_id"

ARTICLE = id_prefix("Article")  # an article's own node id: this prefix and the article id


class SQLiteSource(GraphSource):
    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self._saved = {name: db.execute(f"PRAGMA {name}").fetchone()[0] for name in _PRAGMAS}
        for name, value in _PRAGMAS.items():
            db.execute(f"PRAGMA {name}={value}")

    def close(self) -> None:
        try:
            for name, value in self._saved.items():
                self.db.execute(f"PRAGMA {name}={int(value)}")
        except sqlite3.ProgrammingError:
            pass  # the store was closed first

    def nodes(self, node_type: str | None = None, ids: Iterable[str] | None = None) -> Iterator[SourceNode]:
        typed, params = ("AND n.type = ?", [node_type]) if node_type else ("", [])
        if ids is None:
            rows = self.db.execute(f"SELECT n.id, n.type, n.name, n.props FROM nodes n WHERE 1 {typed} ORDER BY n.id",
                                   params)
            aliases = self.db.execute(f"SELECT a.node_id, a.alias FROM aliases a JOIN nodes n ON n.id = a.node_id "
                                      f"WHERE 1 {typed} ORDER BY a.node_id, a.alias", params)
            yield from _with_aliases(rows, aliases)
            return
        for part in _chunks(sorted(set(ids))):
            rows = self.db.execute(f"SELECT n.id, n.type, n.name, n.props FROM nodes n "
                                   f"WHERE n.id IN ({_marks(part)}) {typed} ORDER BY n.id", [*part, *params])
            aliases = self.db.execute(f"SELECT node_id, alias FROM aliases WHERE node_id IN ({_marks(part)}) "
                                      f"ORDER BY node_id, alias", part)
            yield from _with_aliases(rows.fetchall(), aliases.fetchall())

    def edges(self, types: Iterable[str] | None = None,
              article_ids: Iterable[str] | None = None) -> Iterator[Edge]:
        types = list(types) if types is not None else None
        typed = f"AND type IN ({_marks(types)})" if types is not None else ""
        if article_ids is None:
            yield from map(_edge_of, self.db.execute(f"SELECT {EDGE} FROM edges WHERE 1 {typed} {EDGE_ORDER}",
                                                  types or []))
            return
        found = []  # as many as the articles asked for claim: sorted here
        for part in _chunks(sorted(set(article_ids))):
            found += self.db.execute(f"SELECT {EDGE} FROM edges WHERE article_id IN ({_marks(part)}) {typed}",
                                     [*part, *(types or [])]).fetchall()
        yield from map(_edge_of, sorted(found, key=itemgetter(0, 1, 2, 3)))

    def articles(self, ids: Iterable[str] | None = None) -> Iterator[SourceArticle]:
        sql = ("SELECT a.meta, a.hash, a.text, n.props FROM articles a "
               "LEFT JOIN nodes n ON n.id = '" + ARTICLE + "' || a.id {} ORDER BY a.id")
        parts = [None] if ids is None else _chunks(sorted(set(ids)))
        for part in parts:
            where = "" if part is None else f"WHERE a.id IN ({_marks(part)})"
            for meta, content_hash, text, props in self.db.execute(sql.format(where), part or []):
                yield SourceArticle(json.loads(meta), content_hash, text, _props(props or "{}"))

    def claims(self, article_ids: Iterable[str] | None = None) -> Iterator[SourceClaim]:
        sql = ("SELECT node_id, article_id, props, start, end, sentence, extractor FROM claims "
               "WHERE node_id <> '" + ARTICLE + "' || article_id {} ORDER BY article_id, node_id")
        parts = [None] if article_ids is None else _chunks(sorted(set(article_ids)))
        for part in parts:
            where = "" if part is None else f"AND article_id IN ({_marks(part)})"
            for node_id, article_id, props, start, end, sentence, extractor in self.db.execute(
                    sql.format(where), part or []):
                yield SourceClaim(node_id, _props(props), Evidence(article_id, start, end, sentence, extractor))

    def article_hashes(self) -> Iterator[tuple[str, str]]:
        return iter(self.db.execute("SELECT id, hash FROM articles ORDER BY id"))

    def triples(self) -> Iterator[tuple[str, str, str]]:
        # ordered by the whole primary key, SQLite walks that index alone (no row lookups, no
        # JSON, no sort); repeats (one per claiming article) are adjacent
        rows = self.db.execute(f"SELECT src, type, dst FROM edge_rows {EDGE_ORDER}")
        return (triple for triple, _ in groupby(rows))

    def edges_by_article(self) -> Iterator[tuple[str, list[Edge]]]:
        # the article index hands claims over by article; each article's few are sorted here
        rows = self.db.execute(f"SELECT {EDGE} FROM edges ORDER BY article_id")
        for article_id, group in groupby(rows, key=itemgetter(3)):
            yield article_id, [_edge_of(r) for r in sorted(group, key=itemgetter(0, 1, 2))]


def _with_aliases(rows: Iterable[tuple], aliases: Iterable[tuple]) -> Iterator[SourceNode]:
    """Node rows joined with their alias rows, both ordered by node id."""
    grouped = groupby(aliases, key=itemgetter(0))
    pending = next(grouped, None)
    for row in rows:
        while pending is not None and pending[0] < row[0]:
            pending = next(grouped, None)
        mine = ()
        if pending is not None and pending[0] == row[0]:
            mine = tuple(alias for _, alias in pending[1])
            pending = next(grouped, None)
        yield SourceNode(Node(row[0], row[1], row[2], _props(row[3])), mine)


# Properties come with their keys sorted, as the Neo4j store gives them: the same facts then
# export to the same bytes from either store.
def _props(stored: str) -> dict:
    return dict(sorted(json.loads(stored).items()))


def _edge_of(row) -> Edge:
    edge = _edge(row)
    edge.props = dict(sorted(edge.props.items()))
    return edge


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), _IN):
        yield ids[start:start + _IN]
