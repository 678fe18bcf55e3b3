"""`kg push`: copy an embedded (SQLite) store into Neo4j, in batches of whole articles.

A batch is one managed transaction: one `UNWIND $rows` statement (at most ROWS rows) per label
and per relationship type for the batch's articles, the nodes they claim, their claims and their
edges, read straight from the SQLite tables. So the push is

* resumable — an interrupted push leaves whole batches; a re-run skips every article whose
  content hash Neo4j already holds and writes the rest;
* idempotent — pushing twice changes nothing; an article edited since is replaced.

Nodes are written as the source holds them (merged properties, every alias) instead of being
re-merged from their claims in Neo4j after every batch: that re-merge read all claims of every
popular node (a province, 21-NQ/TW) once per batch, so a push slowed down as the graph grew.
Mid-push, a node may thus already carry what later batches' claims say. A node that articles
outside the source also claim keeps their aliases, and its properties are re-merged from all its
claims at the end. Articles in Neo4j that the source lacks are left alone.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

from kg.errors import StoreError
from kg.stores.base import Store
from kg.stores.bolt_reads import _wrap_errors
from kg.stores.neo4j_layout import ARTICLE_LABEL, CLAIMS, NODE_LABEL, label, native_date, node_map, rel_type

BATCH = 1000  # articles per transaction
ROWS = 5000  # rows per UNWIND statement
_IN = 500  # ids per SQLite `IN (…)`


def push(source: Store, target, batch: int = BATCH,
         progress: Callable[[int, int], None] | None = None) -> dict:
    """Copy `source` (a SQLite store) into `target` (a BoltStore); `progress(done, total)` after
    each committed batch. Returns what was sent, what was already there, and the rates."""
    db = _sqlite_db(source)
    present = target.article_hashes()
    order = db.execute("SELECT id, hash FROM articles ORDER BY rowid").fetchall()
    todo = [article_id for article_id, content_hash in order if present.get(article_id) != content_hash]
    foreign = sorted(set(present) - {article_id for article_id, _ in order})
    done, total = len(order) - len(todo), len(order)
    summary = {"articles": total, "skipped": done, "new": 0, "replaced": 0, "unchanged": 0,
               "nodes": 0, "claims": 0, "edges": 0}
    if progress:
        progress(done, total)
    started = time.perf_counter()
    chunks = [todo[start:start + batch] for start in range(0, len(todo), max(batch, 1))]
    # one batch commits in a worker thread while the next is read from SQLite (on this thread,
    # which owns the connection); the next commit starts only after this one has landed
    fitting = _Fitting(target)
    with ThreadPoolExecutor(max_workers=1) as writer:
        rows = batch_rows(db, chunks[0]) if chunks else None
        for index in range(len(chunks)):
            pending = writer.submit(fitting, rows)
            rows = batch_rows(db, chunks[index + 1]) if index + 1 < len(chunks) else None
            try:
                written = pending.result()
            except StoreError as exc:
                raise StoreError(f"push stopped after {done} of {total} articles, run it again to resume: "
                                 f"{exc}") from exc
            for name, count in written.items():
                summary[name] += count
            done += len(chunks[index])
            if progress:
                progress(done, total)
    if foreign:
        try:
            _commit_remerge(target, foreign)
        except StoreError as exc:
            raise StoreError(f"push stopped after {done} of {total} articles, run it again to finish: "
                             f"{exc}") from exc
    seconds = time.perf_counter() - started
    summary["seconds"] = round(seconds, 3)
    summary["target"] = target.counts()
    return summary


def rates(summary: dict) -> dict:
    """Claims, node writes (a node is written once per batch that claims it) and relationships
    (claims and edges) per second of a push."""
    seconds = summary["seconds"]
    if not seconds:
        return {"claims_per_s": 0.0, "nodes_per_s": 0.0, "relationships_per_s": 0.0}
    return {"claims_per_s": round(summary["claims"] / seconds, 1),
            "nodes_per_s": round(summary.get("nodes", 0) / seconds, 1),
            "relationships_per_s": round((summary["claims"] + summary["edges"]) / seconds, 1)}


def _sqlite_db(source: Store):
    db = getattr(source, "db", None)
    if db is None:
        raise StoreError(f"push copies an embedded (SQLite) store; {source.location} is not one")
    return db


# -- reading a batch from SQLite ------------------------------------------------------------------
def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _select(db, sql: str, ids: list[str]) -> Iterator[tuple]:
    """`sql` with `{}` standing for a list of `?`, run over `ids` in chunks."""
    for part in _chunks(ids, _IN):
        yield from db.execute(sql.format(",".join("?" * len(part))), part)


def batch_rows(db, article_ids: list[str]) -> dict:
    """The rows Neo4j needs for these articles: article, node (by type), claim and edge (by type) rows."""
    articles = {r[0]: {"id": r[0], "hash": r[1], "published": r[2], "published_date": native_date(r[2]),
                       "meta": r[3], "text": r[4]}
                for r in _select(db, "SELECT id, hash, published, meta, text FROM articles WHERE id IN ({})",
                                 article_ids)}
    claims = [{"a": a, "n": n, "p": {"props": props, "start": start, "end": end, "sentence": sentence,
                                     "extractor": extractor}}
              for a, n, props, start, end, sentence, extractor in _select(
                  db, "SELECT article_id, node_id, props, start, end, sentence, extractor FROM claims "
                      "WHERE article_id IN ({})", article_ids)]
    edges: dict[str, list[dict]] = {}
    for src, edge_type, dst, a, props, start, end, sentence, extractor in _select(
            db, "SELECT src, type, dst, article_id, props, start, end, sentence, extractor FROM edges "
                "WHERE article_id IN ({})", article_ids):
        if not extractor:  # an edge without evidence, stored as the Bolt store writes one
            start, end, sentence, extractor = 0, 0, "", ""
        edges.setdefault(edge_type, []).append({"s": src, "d": dst, "p": {
            "article_id": a, "props": props, "start": start, "end": end, "sentence": sentence,
            "extractor": extractor}})
    node_ids = sorted({c["n"] for c in claims})
    aliases: dict[str, list[str]] = {}
    for node_id, alias in _select(db, "SELECT node_id, alias FROM aliases WHERE node_id IN ({}) "
                                      "ORDER BY node_id, alias", node_ids):
        aliases.setdefault(node_id, []).append(alias)
    nodes: dict[str, list[dict]] = {}
    for node_id, node_type, name, props in _select(
            db, "SELECT id, type, name, props FROM nodes WHERE id IN ({})", node_ids):
        nodes.setdefault(node_type, []).append(node_map(node_id, node_type, name, props,
                                                        aliases.get(node_id, [])))
    return {"articles": [articles[a] for a in article_ids if a in articles], "nodes": nodes,
            "claims": claims, "edges": edges}


# -- writing it -----------------------------------------------------------------------------------
@_wrap_errors
def _commit(target, rows: dict) -> dict:
    with target.driver.session(database=target.database) as session:
        return session.execute_write(_write_batch_within_limit, target, rows)


class _OverMemoryLimit(Exception):
    """A batch over Neo4j's transaction memory limit. Raised inside the transaction function:
    the driver retries Neo4j's (transient) memory error for 30 s, though it cannot succeed."""


_MEMORY_ERRORS = ("MemoryPoolOutOfMemoryError", "TransactionOutOfMemoryError")


def _write_batch_within_limit(tx, target, rows: dict) -> dict:
    try:
        return _write_batch(tx, target, rows)
    except Exception as exc:
        if _over_memory_limit(exc):
            raise _OverMemoryLimit(" ".join(str(getattr(exc, "message", None) or exc).split())) from exc
        raise


def _over_memory_limit(exc: BaseException) -> bool:
    """Neo4j's memory error (its code), or a StoreError or _OverMemoryLimit made of one. At
    COMMIT the driver retries it for 30 s before it arrives as a StoreError."""
    while exc is not None:
        if isinstance(exc, _OverMemoryLimit) or str(getattr(exc, "code", None) or "").endswith(_MEMORY_ERRORS):
            return True
        exc = exc.__cause__
    return False


class _Fitting:
    """`_commit` for a batch, split in halves again and again while a part is over Neo4j's
    transaction memory limit (`kg push --batch 10000` works wherever smaller batches do); the
    size that fitted is where the next batches start, so the limit is hit a few times per push,
    not per batch. At COMMIT the driver retries Neo4j's (transient) memory error for up to
    30 s before giving up, so each such miss costs that once."""

    def __init__(self, target):
        self.target, self.fits = target, None

    def __call__(self, rows: dict) -> dict:
        ids = [a["id"] for a in rows["articles"]]
        if not self.fits or self.fits >= len(ids):
            return self._commit(rows)
        written: Counter = Counter()
        start = 0
        while start < len(ids):
            part = ids[start:start + self.fits]  # the size that fits now (a part may lower it)
            written.update(self._commit(_only(rows, set(part))))
            start += len(part)
        return dict(written)

    def _commit(self, rows: dict) -> dict:
        try:
            return _commit(self.target, rows)
        except (_OverMemoryLimit, StoreError) as exc:
            if not _over_memory_limit(exc):
                raise
            if len(rows["articles"]) < 2:
                raise StoreError(f"article {rows['articles'][0]['id'] if rows['articles'] else '?'} alone needs "
                                 f"more memory than Neo4j allows one transaction ({exc}); raise "
                                 f"db.memory.transaction.max") from exc
        self.fits = len(rows["articles"]) // 2  # smaller than any size tried before: this one failed
        return self(rows)


def _write_batch(tx, target, rows: dict) -> dict:
    """One batch: replaced articles retracted first, then articles, nodes, claims, edges."""
    stored = {r["id"]: r["hash"] for r in tx.run(
        f"UNWIND $ids AS id MATCH (a:{ARTICLE_LABEL} {{id: id}}) RETURN a.id AS id, a.hash AS hash",
        ids=[a["id"] for a in rows["articles"]])}
    counts = Counter()
    fresh, touched = set(), set()
    for article in rows["articles"]:
        old = stored.get(article["id"])
        if old == article["hash"]:  # pushed meanwhile by someone else
            counts["unchanged"] += 1
            continue
        if old is not None:
            touched |= target._retract_tx(tx, article["id"], refresh=False)[1]
        counts["replaced" if old is not None else "new"] += 1
        fresh.add(article["id"])
    if len(fresh) < len(rows["articles"]):
        rows = _only(rows, fresh)
    _unwind(tx, f"CREATE (a:{ARTICLE_LABEL}) SET a = r", rows["articles"])
    for node_type, nodes in rows["nodes"].items():
        # a node that other articles in Neo4j claim keeps their aliases (after the source's)
        _unwind(tx, f"MERGE (n:{NODE_LABEL} {{id: r.id}}) ON CREATE SET n:{label(node_type)} "
                    f"WITH n, r, coalesce(n.aliases, []) AS al, coalesce(n.aliases_f, []) AS af, "
                    f"  coalesce(n.aliases_a, []) AS aa "
                    f"SET n = r, n.aliases = r.aliases + [x IN al WHERE NOT x IN r.aliases], "
                    f"  n.aliases_f = r.aliases_f + [x IN af WHERE NOT x IN r.aliases_f], "
                    f"  n.aliases_a = r.aliases_a + [x IN aa WHERE NOT x IN r.aliases_a]", nodes)
        counts["nodes"] += len(nodes)
    _unwind(tx, f"MATCH (a:{ARTICLE_LABEL} {{id: r.a}}) MATCH (n:{NODE_LABEL} {{id: r.n}}) "
                f"CREATE (a)-[c:{CLAIMS}]->(n) SET c = r.p", rows["claims"])
    counts["claims"] += len(rows["claims"])
    for edge_type, edges in rows["edges"].items():
        _write_edges(tx, edge_type, edges)
        counts["edges"] += len(edges)
    written = {n["id"] for nodes in rows["nodes"].values() for n in nodes}
    target._refresh_props(tx, sorted(touched - written))  # nodes a replaced article no longer claims
    return counts


def _write_edges(tx, edge_type: str, edges: list[dict]) -> None:
    rel = rel_type(edge_type)
    for part in _chunks(edges, ROWS):
        written = Counter({r["aid"]: r["n"] for r in tx.run(
            f"UNWIND $rows AS r MATCH (s:{NODE_LABEL} {{id: r.s}}) MATCH (d:{NODE_LABEL} {{id: r.d}}) "
            f"CREATE (s)-[e:{rel}]->(d) SET e = r.p RETURN r.p.article_id AS aid, count(e) AS n", rows=part)})
        wanted = Counter(r["p"]["article_id"] for r in part)
        if written != wanted:
            missing = wanted - written
            raise StoreError(f"article {next(iter(missing))}: {sum(missing.values())} {edge_type} "
                             f"edge(s) refer to nodes no article claims")


def _unwind(tx, tail: str, rows: list[dict]) -> None:
    for part in _chunks(rows, ROWS):
        tx.run(f"UNWIND $rows AS r {tail}", rows=part).consume()


def _only(rows: dict, fresh: set[str]) -> dict:
    """The batch without the articles that turned out to be stored already."""
    claims = [c for c in rows["claims"] if c["a"] in fresh]
    claimed = {c["n"] for c in claims}
    return {"articles": [a for a in rows["articles"] if a["id"] in fresh],
            "nodes": {t: [n for n in nodes if n["id"] in claimed] for t, nodes in rows["nodes"].items()},
            "claims": claims,
            "edges": {t: [e for e in edges if e["p"]["article_id"] in fresh] for t, edges in rows["edges"].items()}}


@_wrap_errors
def _commit_remerge(target, foreign: list[str]) -> None:
    """Nodes that articles the source lacks also claim: properties merged from all their claims."""
    with target.driver.session(database=target.database) as session:
        for part in _chunks(foreign, ROWS):
            ids = [r["id"] for r in session.run(
                f"MATCH (a:{ARTICLE_LABEL})-[:{CLAIMS}]->(n:{NODE_LABEL}) WHERE a.id IN $ids "
                f"RETURN DISTINCT n.id AS id", ids=part)]
            for chunk in _chunks(ids, ROWS):
                session.execute_write(target._refresh_props, chunk)
