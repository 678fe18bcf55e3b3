"""What the RDF writers read from a store, in the order they need it and in bounded memory.

Writers need two views of the edges: grouped by source node (each distinct triple once, plus
the claims of qualified edges that add nodes of their own), and grouped by claiming article
(TriG's named graphs). Any `Store` gives both through `iter_edges`; the SQLite store gets a
faster path on the connection it already has:

- distinct `(src, type, dst)` come from a scan of the edges' primary-key index alone (no row
  lookups, no JSON, no sort, no dedupe set), and only HOLDS/ACTS_ON claims are read in full;
- claims by article come from the `edges(article_id)` index instead of a sorted spool;
- the connection's page cache is lowered and memory-mapped I/O turned off for the export (both
  restored after): a one-pass scan gains nothing from a 64 MB cache or a mapping of the whole
  file, and either would make peak memory grow with the store (a mapped page counts as the
  process's resident memory once read).

Memory held is one source's or one article's edges at a time, whatever the store's size.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import groupby
from operator import attrgetter, itemgetter

from kg.facts import Evidence
from kg.graph import Edge
from kg.model import schema
from kg.stores.base import Store

QUALIFIED = tuple(sorted(n for n, e in schema().edges.items() if e.rdf_as))  # every claim adds nodes (usage, membership)
EXPORT_CACHE_KIB = 8192  # SQLite page cache while exporting (the store opens with 64 MB)
# While exporting: a small page cache, and no memory-mapped reads (every page of the store a
# one-pass scan touches would stay mapped, and count as the process's memory, up to mmap_size).
_PRAGMAS = {"cache_size": -EXPORT_CACHE_KIB, "mmap_size": 0}
_PAIR = itemgetter(1, 2)  # (type, dst) of a (src, type, dst) row
_COLUMNS = "src, type, dst, article_id, props, start, end, sentence, extractor"

# (source node id, distinct (edge type, target id) in order, claims of QUALIFIED edge types)
SourceGroup = tuple[str, list[tuple[str, str]], list[Edge]]


class Reader:
    """Any store, through the `Store` interface."""

    def __init__(self, store: Store):
        self.store = store
        self._posts: dict | None = None

    def nodes(self):
        return self.store.iter_nodes()

    def by_source(self) -> Iterator[SourceGroup]:
        # Stores yield edges sorted by source, so one group per source; if one did not, a
        # subject would only be repeated in the output, never the graph changed.
        for src, group in groupby(self.store.iter_edges(), key=attrgetter("src")):
            pairs, seen, claims = [], set(), []
            for edge in group:
                pair = (edge.type, edge.dst)
                if pair not in seen:
                    seen.add(pair)
                    pairs.append(pair)
                if edge.type in QUALIFIED:
                    claims.append(edge)
            yield src, pairs, claims

    def by_article(self) -> Iterator[tuple[str, Iterator[Edge]]]:
        """Each article's claims together, via a temporary on-disk table (deleted on close)."""
        db = sqlite3.connect("")
        try:
            db.execute(f"CREATE TABLE e ({_COLUMNS})")
            db.executemany("INSERT INTO e VALUES (?,?,?,?,?,?,?,?,?)", map(_spool_row, self.store.iter_edges()))
            rows = db.execute(f"SELECT {_COLUMNS} FROM e ORDER BY article_id, rowid")
            for article_id, group in groupby(rows, key=itemgetter(3)):
                yield article_id, map(_spooled_edge, group)
        finally:
            db.close()

    def article_text(self, article_id: str) -> str | None:
        return (self.store.article(article_id) or {}).get("text")

    def post_info(self, post_id: str) -> tuple[str | None, str | None]:
        """(name, organisation id) of a post, for its memberships."""
        if self._posts is None:
            orgs = {e.src: e.dst for e in self.store.iter_edges("POST_IN")}
            self._posts = {n.id: (n.name, orgs.get(n.id)) for n in self.store.iter_nodes("Post")}
        return self._posts.get(post_id, (None, None))

    def close(self) -> None:
        pass


class SQLiteReader(Reader):
    """The SQLite store, read with its own connection and table layout."""

    def __init__(self, store: Store, db: sqlite3.Connection, edge):
        super().__init__(store)
        self.db, self._edge = db, edge
        self._post_cache: dict[str, tuple] = {}
        self._saved = {name: db.execute(f"PRAGMA {name}").fetchone()[0] for name in _PRAGMAS}
        for name, value in _PRAGMAS.items():
            db.execute(f"PRAGMA {name}={value}")

    def by_source(self) -> Iterator[SourceGroup]:
        # Ordered by the whole primary key, so SQLite walks that index alone, without sorting
        # (a GROUP BY here may pick a smaller index and sort all of it); repeats are adjacent.
        edges = self.db.execute("SELECT src, type, dst FROM edges ORDER BY src, type, dst, article_id")
        qualified = self.db.execute(f"SELECT {_COLUMNS} FROM edges WHERE type IN ({','.join('?' * len(QUALIFIED))}) "
                                    "ORDER BY src, type, dst, article_id", QUALIFIED)
        claims = ((src, list(group)) for src, group in groupby(map(self._edge, qualified), key=attrgetter("src")))
        pending = next(claims, None)
        for src, rows in groupby(edges, key=itemgetter(0)):
            while pending is not None and pending[0] < src:  # unreachable: a claim's edge is distinct too
                yield pending[0], [], pending[1]
                pending = next(claims, None)
            mine = []
            if pending is not None and pending[0] == src:
                mine, pending = pending[1], next(claims, None)
            yield src, [pair for pair, _ in groupby(rows, key=_PAIR)], mine
        while pending is not None:
            yield pending[0], [], pending[1]
            pending = next(claims, None)

    def by_article(self) -> Iterator[tuple[str, Iterator[Edge]]]:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM edges ORDER BY article_id")
        for article_id, group in groupby(rows, key=itemgetter(3)):
            yield article_id or "unknown", map(self._edge, group)

    def article_text(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT text FROM articles WHERE id=?", (article_id,)).fetchone()
        return row[0] if row else None

    def post_info(self, post_id: str) -> tuple[str | None, str | None]:
        hit = self._post_cache.get(post_id)
        if hit is None:
            name = self.db.execute("SELECT name FROM nodes WHERE id=?", (post_id,)).fetchone()
            org = self.db.execute("SELECT dst FROM edges WHERE src=? AND type='POST_IN' ORDER BY dst LIMIT 1",
                                  (post_id,)).fetchone()
            hit = (name[0] if name else None, org[0] if org else None)
            if len(self._post_cache) < 1 << 16:
                self._post_cache[post_id] = hit
        return hit

    # -- what the persistent SPARQL store re-reads after an ingest --------------------------
    def source_group(self, src: str) -> SourceGroup:
        """One node's outgoing edges, as `by_source` gives them."""
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM edges WHERE src=? ORDER BY src, type, dst, article_id", (src,))
        pairs, claims = [], []
        for edge in map(self._edge, rows):
            if not pairs or pairs[-1] != (edge.type, edge.dst):
                pairs.append((edge.type, edge.dst))
            if edge.type in QUALIFIED:
                claims.append(edge)
        return src, pairs, claims

    def article_edges(self, article_id: str) -> list[Edge]:
        return list(map(self._edge, self.db.execute(f"SELECT {_COLUMNS} FROM edges WHERE article_id=?", (article_id,))))

    def dateless_citers(self, base: str) -> list[str]:
        """Articles citing a document of this base (`doc:scope:20-ct-tu`) without its date."""
        rows = self.db.execute("SELECT DISTINCT dst, article_id FROM edges WHERE dst >= ? AND dst <= ? AND type='MENTIONS' "
                               "AND json_extract(props, '$.dateless')", (base, base + "-9999"))
        return sorted({a for dst, a in rows if dst == base or (len(dst) == len(base) + 5 and dst[len(base)] == "-")})

    def holders(self, post_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT src FROM edges WHERE dst=? AND type='HOLDS'", (post_id,))]

    def close(self) -> None:
        try:
            for name, value in self._saved.items():
                self.db.execute(f"PRAGMA {name}={int(value)}")
        except sqlite3.ProgrammingError:
            pass  # the store was closed first


def _sqlite_reader(store: Store) -> SQLiteReader | None:
    """The fast path when the store is the SQLite store with the edges table it had when this was
    written; any other layout falls back to the `Store` interface rather than failing."""
    try:
        from kg.stores.sqlite import SQLiteStore
        from kg.stores.sqlite.reads import _edge as edge_from_row  # the store's own row → Edge
    except ImportError:
        return None
    db = getattr(store, "db", None)
    if not isinstance(store, SQLiteStore) or not isinstance(db, sqlite3.Connection):
        return None
    try:
        columns = {row[1] for row in db.execute("PRAGMA table_info(edges)")}
        has_text = "text" in {row[1] for row in db.execute("PRAGMA table_info(articles)")}
    except sqlite3.Error:
        return None
    if not (set(_COLUMNS.split(", ")) <= columns and has_text):
        return None
    return SQLiteReader(store, db, edge_from_row)


@contextmanager
def reader(store: Store, fast: bool = True):
    """A `Reader` for the store (`fast=False` forces the generic `Store` path, for tests)."""
    r = (_sqlite_reader(store) if fast else None) or Reader(store)
    try:
        yield r
    finally:
        r.close()


def _spool_row(edge: Edge) -> tuple:
    ev = edge.evidence
    return (edge.src, edge.type, edge.dst, edge.article_id or "unknown", json.dumps(edge.props, ensure_ascii=False),
            ev.start if ev else None, ev.end if ev else None, ev.sentence if ev else None, ev.extractor if ev else None)


def _spooled_edge(row: tuple) -> Edge:
    evidence = Evidence(row[3], row[5], row[6], row[7] or "", row[8] or "") if row[5] is not None else None
    return Edge(row[0], row[1], row[2], json.loads(row[4]), row[3], evidence)
