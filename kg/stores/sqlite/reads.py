"""The SQLite store's reads that let the database sort, count and cut (so a query costs what
it returns, not what the store holds): name search, meeting pages, lineage levels, spans.

Mixed into `SQLiteStore`; it needs only `self.db`.
"""
from __future__ import annotations

import json

from kg.facts import Evidence
from kg.graph import Edge, Node
from kg.model import schema
from kg.stores.base import MeetingFilter, Span, cap_neighbours
from kg.text import ascii_key, key

# Claims and edges are read through the `claims`/`edges` views where the evidence sentence is
# needed, and from their tables (`claim_rows`/`edge_rows`) otherwise (see schema.py).
# Indexes for reads: alias keys in order (find's dense walk), nodes by type and date (meetings
# and documents newest first), who points at a node (covering: counts and ids without reading
# edge rows). Each also serves what a narrower index used to (dropped: one less to keep up on
# ingest), and the primary key (src, type, …) serves lookups by source. An old store gets them
# on its first open (the 100k-article bench store, 2.6M edge rows: about 12 s once); a
# read-only file works without them, only slower.
READ_INDEXES = """
DROP INDEX IF EXISTS edges_src;
DROP INDEX IF EXISTS edges_dst;
DROP INDEX IF EXISTS aliases_akey;
DROP INDEX IF EXISTS nodes_type;
CREATE INDEX IF NOT EXISTS aliases_akey_node ON aliases(akey, node_id);
CREATE INDEX IF NOT EXISTS nodes_type_date ON nodes(type, COALESCE(json_extract(props, '$.date'), ''), id);
CREATE INDEX IF NOT EXISTS edges_dst_src ON edge_rows(dst, type, src);
"""
# More alias matches than this and `find` stops sorting all of them: it walks the alias keys
# in order (the index above) and stops after the page, leaving the total uncounted.
DENSE = 1000
# A node with at least this many neighbours is a hub: `neighbours_capped` reads only its newest.
HUB = 1000
EDGE = "e.src, e.type, e.dst, e.article_id, e.props, e.start, e.end, e.sentence, e.extractor"
NODE = "n.id, n.type, n.name, n.props"
DATE = "COALESCE(json_extract(n.props, '$.date'), '')"  # the expression nodes_type_date holds


class SQLiteReads:
    db = None  # the sqlite3 connection, set by SQLiteStore

    def _prepare_reads(self, mapped: bool) -> None:
        import sqlite3
        if mapped:  # reads hop between rows all over a large file: mapped pages skip a read()
            self.db.execute(f"PRAGMA mmap_size={2**31}")  # and a copy per page (capped at 2 GB)
        try:
            self.db.executescript(READ_INDEXES)
        except sqlite3.OperationalError:
            pass  # read-only or busy: every read stays correct, only slower

    # -- names ----------------------------------------------------------------------------
    def find(self, text: str, node_type: str | None = None, limit: int = 50,
             exact: bool = False) -> list[Node]:
        if exact:
            return self._nodes(self._exact_ids(text, node_type)[:max(limit, 0)])
        return self.find_page(text, node_type, limit)[0]

    def find_page(self, text: str, node_type: str | None = None, limit: int = 50,
                  offset: int = 0) -> tuple[list[Node], int | None]:
        exact = self._exact_ids(text, node_type)
        end = offset + max(limit, 0)
        inside, count = self._containing_ids(ascii_key(text), node_type, set(exact), end + 1 - len(exact))
        total = None if count is None else len(exact) + count
        return self._nodes((exact + inside)[offset:end]), total

    def _exact_ids(self, text: str, node_type: str | None) -> list[str]:
        """Ids with an alias equal to `text`: with its diacritics first, then without; by id."""
        join, params = _type_join(node_type)
        rows = self.db.execute(
            f"SELECT a.node_id, MAX(a.fkey = ?) AS own FROM aliases a {join} WHERE a.akey = ? "
            f"GROUP BY a.node_id ORDER BY own DESC, a.node_id", [key(text), *params, ascii_key(text)])
        return [r[0] for r in rows]

    def _containing_ids(self, bare: str, node_type: str | None, skip: set[str],
                        need: int) -> tuple[list[str], int | None]:
        """Ids (not in `skip`) with an alias key containing `bare`, by their smallest such key
        then id: all of them and their count when few aliases match, else the first `need`
        and None (counting a common syllable's tens of thousands of aliases would cost more
        than the page)."""
        phrase = '"' + bare.replace('"', '""') + '"'  # trigram index: a quoted phrase is a substring match
        if len(bare) >= 3 and self.db.execute(  # the index alone says whether few aliases match
                "SELECT COUNT(*) FROM (SELECT 1 FROM aliases_fts WHERE aliases_fts MATCH ? LIMIT ?)",
                [phrase, DENSE + 1]).fetchone()[0] <= DENSE:
            ids = self._few_containing(phrase, node_type, skip)
            return ids, len(ids)
        return self._first_containing(bare, node_type, skip, max(need, 1))

    def _few_containing(self, phrase: str, node_type: str | None, skip: set[str]) -> list[str]:
        join, params = _type_join(node_type)
        best: dict[str, str] = {}
        for akey, node_id in self.db.execute(
                f"SELECT a.akey, a.node_id FROM aliases_fts f JOIN aliases a ON a.rowid = f.rowid {join} "
                f"WHERE aliases_fts MATCH ?", [*params, phrase]):
            if node_id not in skip and (node_id not in best or akey < best[node_id]):
                best[node_id] = akey
        return sorted(best, key=lambda i: (best[i], i))

    def _first_containing(self, bare: str, node_type: str | None, skip: set[str],
                          need: int) -> tuple[list[str], int | None]:
        """Walk aliases_akey_node in (key, id) order: a node first met is at its smallest key."""
        join, params = _type_join(node_type)
        cursor = self.db.execute(
            f"SELECT a.node_id FROM aliases a {join} WHERE instr(a.akey, ?) > 0 ORDER BY a.akey, a.node_id",
            [*params, bare])
        ids, seen = [], set(skip)
        for (node_id,) in cursor:
            if node_id not in seen:
                seen.add(node_id)
                ids.append(node_id)
                if len(ids) >= need:
                    cursor.close()
                    return ids, None
        return ids, len(ids)

    def _nodes(self, ids: list[str]) -> list[Node]:
        """The nodes of `ids`, in that order."""
        found: dict[str, Node] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            for row in self.db.execute(f"SELECT id, type, name, props FROM nodes WHERE id IN ({_marks(part)})", part):
                found[row[0]] = _node(row)
        return [found[i] for i in ids if i in found]

    # -- meetings -------------------------------------------------------------------------
    def meetings_page(self, which: MeetingFilter, limit: int = 50,
                      offset: int = 0) -> tuple[list[Node], int]:
        source, params = _meeting_source(which)
        where, more = _meeting_where(which)
        sql, args = f"FROM {source} WHERE n.type = 'Meeting' {where}", [*params, *more]
        order = f"ORDER BY {DATE} DESC, n.id DESC LIMIT ? OFFSET ?"
        total = None
        if which.person or which.text is not None:
            # a selected set: sort its ids and dates once, counting them in the same pass
            rows = self.db.execute(f"SELECT n.id, COUNT(*) OVER () {sql} {order}",
                                   [*args, max(limit, 0), max(offset, 0)]).fetchall()
            total = rows[0][1] if rows else None
        else:  # every meeting: nodes_type_date hands them over newest first
            rows = self.db.execute(f"SELECT n.id {sql} {order}", [*args, max(limit, 0), max(offset, 0)]).fetchall()
        if total is None:
            total = self.db.execute(f"SELECT COUNT(*) {sql}", args).fetchone()[0]
        return self._nodes([r[0] for r in rows]), total

    # -- neighbourhoods -------------------------------------------------------------------
    def neighbours_capped(self, node_ids: list[str], edge_types: list[str], direction: str,
                          limit: int | None = None) -> dict[str, tuple[list[tuple[Edge, Node]], int]]:
        """Counts come from the edge indexes alone. A node with thousands of neighbours (a
        central resolution) gets its newest `limit` from the date index, reading only those;
        the others' claims are all read and cut here."""
        ways = ("src", "dst") if direction == "out" else ("dst", "src")
        totals = self._far_counts(node_ids, edge_types, *ways)
        far_type = _far_type(edge_types, direction)
        hubs = [n for n in node_ids if limit is not None and far_type and totals.get(n, 0) >= HUB]
        claims = self._claims([n for n in node_ids if totals.get(n) and n not in hubs], edge_types, *ways)
        for hub in hubs:
            claims.update(self._claims([hub], edge_types, *ways,
                                       only=self._newest_far(hub, edge_types, *ways, far_type, limit)))
        return {n: (cap_neighbours(claims.get(n, []), limit)[0], totals.get(n, 0)) for n in node_ids}

    def _far_counts(self, node_ids: list[str], edge_types: list[str], near: str, far: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for chunk in range(0, len(node_ids), 400):
            part = node_ids[chunk:chunk + 400]
            counts.update(self.db.execute(
                f"SELECT {near}, COUNT(DISTINCT {far}) FROM edge_rows WHERE {near} IN ({_marks(part)}) "
                f"AND type IN ({_marks(edge_types)}) GROUP BY {near}", [*part, *edge_types]))
        return counts

    def _newest_far(self, node_id: str, edge_types: list[str], near: str, far: str, far_type: str,
                    limit: int) -> list[str]:
        # `+n.id` keeps the planner off the id index: it walks nodes_type_date newest first and
        # stops after `limit` neighbours instead of reading and sorting all of them
        rows = self.db.execute(
            f"SELECT n.id FROM nodes n WHERE n.type = ? AND +n.id IN (SELECT {far} FROM edge_rows "
            f"WHERE {near} = ? AND type IN ({_marks(edge_types)})) ORDER BY {DATE} DESC, n.id DESC LIMIT ?",
            [far_type, node_id, *edge_types, limit])
        return [r[0] for r in rows]

    def _claims(self, node_ids: list[str], edge_types: list[str], near: str, far: str,
                only: list[str] | None = None) -> dict[str, list[tuple[Edge, Node]]]:
        """Claims of `edge_types` at each node (to the `only` neighbours, if given)."""
        found: dict[str, list] = {}
        extra = f"AND e.{far} IN ({_marks(only)})" if only is not None else ""
        for chunk in range(0, len(node_ids), 400):
            part = node_ids[chunk:chunk + 400]
            rows = self.db.execute(
                f"SELECT {EDGE}, {NODE} FROM edges e JOIN nodes n ON n.id = e.{far} "
                f"WHERE e.{near} IN ({_marks(part)}) AND e.type IN ({_marks(edge_types)}) {extra}",
                [*part, *edge_types, *(only or [])])
            for r in rows:
                found.setdefault(r[0] if near == "src" else r[2], []).append((_edge(r[:9]), _node(r[9:])))
        return found

    def walk(self, start: str, edge_types: list[str], direction: str, depth: int):
        """One recursive query: the nodes within `depth` - 1 hops, then every claim leaving them."""
        if depth < 1:
            return []
        near, far = ("src", "dst") if direction == "out" else ("dst", "src")
        types = _marks(edge_types)
        rows = self.db.execute(
            f"WITH RECURSIVE reach(id, hops) AS (SELECT ?, 0 UNION "
            f"  SELECT e.{far}, r.hops + 1 FROM reach r JOIN edge_rows e ON e.{near} = r.id AND e.type IN ({types}) "
            f"  WHERE r.hops < ? - 1) "
            f"SELECT {EDGE}, {NODE} FROM (SELECT DISTINCT id FROM reach) x "
            f"JOIN edges e ON e.{near} = x.id AND e.type IN ({types}) JOIN nodes n ON n.id = e.{far} "
            f"ORDER BY e.article_id, n.id, e.src, e.type, e.dst",
            [start, *edge_types, depth, *edge_types])
        return [(_edge(r[:9]), _node(r[9:])) for r in rows]

    def latest(self, node_id: str, edge_type: str, direction: str, prop: str) -> Node | None:
        near, far = ("src", "dst") if direction == "out" else ("dst", "src")
        row = self.db.execute(
            f"SELECT {far} FROM edge_rows WHERE {near} = ? AND type = ? "
            f"ORDER BY COALESCE(json_extract(props, '$.' || ?), '') DESC, {far} DESC LIMIT 1",
            (node_id, edge_type, prop)).fetchone()
        return self.get(row[0]) if row else None

    def claimed_values(self, node_id: str, prop: str) -> dict[str, list[str]]:
        rows = self.db.execute(
            "SELECT v, json_group_array(article_id) FROM (SELECT json_extract(props, '$.' || ?) AS v, article_id "
            "FROM claim_rows WHERE node_id = ? ORDER BY article_id) WHERE v IS NOT NULL GROUP BY v ORDER BY v",
            (prop, node_id))
        return {value: json.loads(articles) for value, articles in rows}

    def edge_spans(self, node_id: str, edge_type: str, direction: str, prop: str) -> list[Span]:
        near, far = ("src", "dst") if direction == "out" else ("dst", "src")
        rows = self.db.execute(
            f"SELECT {NODE}, MIN(x.v), MAX(x.v), json_group_array(DISTINCT x.article_id) "
            f"FROM (SELECT e.{far} AS far, NULLIF(json_extract(e.props, '$.' || ?), '') AS v, e.article_id "
            f"      FROM edge_rows e WHERE e.{near} = ? AND e.type = ?) x "
            f"JOIN nodes n ON n.id = x.far GROUP BY n.id ORDER BY n.id", (prop, node_id, edge_type))
        return [Span(_node(r[:4]), r[4], r[5], sorted(json.loads(r[6]))) for r in rows]


def _meeting_source(which: MeetingFilter) -> tuple[str, list]:
    """The meetings to start from, as a FROM clause ending in `nodes n`. A selected set comes
    first in a CROSS JOIN, which SQLite keeps as the outer loop: the planner would otherwise
    walk every meeting by date and test each one."""
    if which.person:
        ids, params = "SELECT DISTINCT src AS id FROM edge_rows WHERE dst = ? AND type = ?", [which.person, which.role]
    elif which.text is None:
        return "nodes n", []
    elif which.exact:
        ids, params = "SELECT DISTINCT node_id AS id FROM aliases WHERE akey = ?", [ascii_key(which.text)]
    elif len(ascii_key(which.text)) >= 3:
        ids = ("SELECT DISTINCT a.node_id AS id FROM aliases_fts f JOIN aliases a ON a.rowid = f.rowid "
               "WHERE aliases_fts MATCH ?")
        params = ['"' + ascii_key(which.text).replace('"', '""') + '"']
    else:
        ids, params = "SELECT DISTINCT node_id AS id FROM aliases WHERE instr(akey, ?) > 0", [ascii_key(which.text)]
    return f"({ids}) m CROSS JOIN nodes n ON n.id = m.id", params


def _meeting_where(which: MeetingFilter) -> tuple[str, list]:
    clauses, params = [], []
    if which.since or which.until:  # as MeetingFilter.dated: no date, or no year, is out
        clauses.append(f"{DATE} <> '' AND substr({DATE}, 1, 2) <> '--'")
    if which.since:
        clauses.append(f"{DATE} >= ?")
        params.append(which.since)
    if which.until:
        clauses.append(f"{DATE} <= ?")
        params.append(which.until)
    if which.provinces is not None:
        clauses.append(f"EXISTS (SELECT 1 FROM edge_rows h WHERE h.src = n.id AND h.type = 'HELD_IN' "
                       f"AND h.dst IN ({_marks(which.provinces)}))")
        params += list(which.provinces)
    return "".join(f" AND {c}" for c in clauses), params


def _far_type(edge_types: list[str], direction: str) -> str | None:
    """The one node type at the far end of all `edge_types` (None if they differ)."""
    ends = {getattr(schema().edges[t], "source" if direction == "in" else "target") for t in edge_types}
    return ends.pop() if len(ends) == 1 else None


def _type_join(node_type: str | None) -> tuple[str, list]:
    return ("JOIN nodes n ON n.id = a.node_id AND n.type = ?", [node_type]) if node_type else ("", [])


def _marks(values) -> str:
    return ",".join("?" * len(values))


def _node(row) -> Node:
    return Node(row[0], row[1], row[2], json.loads(row[3]))


def _edge(row) -> Edge:
    evidence = Evidence(row[3], row[5], row[6], row[7], row[8]) if row[8] else None
    return Edge(row[0], row[1], row[2], json.loads(row[4]), row[3], evidence)
