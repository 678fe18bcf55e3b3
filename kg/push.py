"""`kg push`: copy a store (the embedded SQLite file, or another Neo4j) into Neo4j, in batches of
whole articles.

A batch is one managed transaction: one `UNWIND $rows` statement (at most ROWS rows) per label
and per relationship type for the batch's articles, the nodes they claim, their claims and their
facts, read through the source's `GraphSource` and written by `kg.stores.neo4j.write` (the Bolt
store's own writer). So the push is

* resumable — an interrupted push leaves whole batches; a re-run skips every article whose
  content hash Neo4j already holds and writes the rest;
* idempotent — pushing twice changes nothing; an article edited since is replaced;
* pruning, when asked — articles Neo4j holds and the source no longer does are retracted.

Nodes are written as the source holds them (merged properties, every alias) instead of being
re-merged from their claims in Neo4j after every batch: that re-merge read all claims of every
popular node (a province, 21-NQ/TW) once per batch, so a push slowed down as the graph grew.
Mid-push, a node may thus already carry what later batches' claims say. A node that articles
outside the source also claim keeps their aliases, and its properties are re-merged from all its
claims at the end.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from kg import model
from kg.errors import StoreError
from kg.export.neo4j_rows import article_row, claim_row, fact_claims, node_row
from kg.stores.base import Store
from kg.stores.neo4j import write
from kg.stores.neo4j.layout import ARTICLE, CLAIMS, NODE_LABEL
from kg.stores.neo4j.write import ROWS, chunks
from kg.stores.source import GraphSource

BATCH = 1000  # articles per transaction
PRUNE = 200  # articles retracted per transaction


def push(source: Store, target, batch: int = BATCH, progress: Callable[[int, int], None] | None = None,
         prune: bool = False) -> dict:
    """Copy `source` (any store, read through its `GraphSource`) into `target` (a BoltStore);
    `progress(done, total)` after each committed batch; `prune`: retract the articles the source
    lacks. Returns what was sent, what was already there, the distinct nodes and relationships
    written, and the seconds."""
    if source.location == target.location:
        raise StoreError(f"push copies a store into another one; {source.location} is both")
    present = target.article_hashes()
    with source.graph_source() as graph:
        order = list(graph.article_hashes())
        todo = [article_id for article_id, content_hash in order if present.get(article_id) != content_hash]
        foreign = sorted(set(present) - {article_id for article_id, _ in order})
        summary = {"articles": len(order), "skipped": len(order) - len(todo), "new": 0, "replaced": 0,
                   "unchanged": 0, "pruned": 0, "claims": 0}
        started = time.perf_counter()
        written = _send(graph, target, todo, batch, summary, progress)
    total = summary["articles"]
    try:
        if foreign and prune:
            summary["pruned"] = _prune(target, foreign)
        elif foreign:
            _remerge(target, foreign)
    except StoreError as exc:
        raise StoreError(f"push stopped after {total} of {total} articles, run it again to finish: "
                         f"{exc}") from exc
    summary.update(nodes=len(written["nodes"]), facts=len(written["facts"]),
                   seconds=round(time.perf_counter() - started, 3), target=target.counts())
    return summary


def _send(graph: GraphSource, target, todo: list[str], batch: int, summary: dict,
          progress: Callable[[int, int], None] | None) -> dict:
    """The articles of `todo`, `batch` per transaction, counted into `summary`; returns the
    distinct nodes and facts written."""
    done, total = summary["skipped"], summary["articles"]
    written = {"nodes": set(), "facts": set()}
    if progress:
        progress(done, total)
    chunks = [todo[start:start + batch] for start in range(0, len(todo), max(batch, 1))]
    # one batch commits in a worker thread while the next is read from the source (on this
    # thread, which owns its connection); the next commit starts only after this one has landed
    fitting = _Fitting(target)
    with ThreadPoolExecutor(max_workers=1) as writer:
        rows = batch_rows(graph, chunks[0]) if chunks else None
        for index in range(len(chunks)):
            pending = writer.submit(fitting, rows)
            _note_written(written, rows)
            rows = batch_rows(graph, chunks[index + 1]) if index + 1 < len(chunks) else None
            try:
                counts = pending.result()
            except StoreError as exc:
                raise StoreError(f"push stopped after {done} of {total} articles, run it again to resume: "
                                 f"{exc}") from exc
            for name, count in counts.items():
                summary[name] += count
            done += len(chunks[index])
            if progress:
                progress(done, total)
    return written


def rates(summary: dict) -> dict:
    """Distinct nodes, and distinct relationships (claims and facts), written per second."""
    seconds = summary["seconds"]
    relationships = summary["claims"] + summary["facts"]
    if not seconds:
        return {"nodes_per_s": 0.0, "relationships_per_s": 0.0}
    return {"nodes_per_s": round(summary["nodes"] / seconds, 1),
            "relationships_per_s": round(relationships / seconds, 1)}


def _note_written(written: dict, rows: dict) -> None:
    written["nodes"] |= {n["id"] for nodes in rows["nodes"].values() for n in nodes}
    written["nodes"] |= {a["id"] for a in rows["articles"]}
    written["facts"] |= {(t, f["s"], f["d"], tuple(sorted(f["k"].items())))
                         for t, (facts, _) in rows["facts"].items() for f in facts}


# -- reading a batch ------------------------------------------------------------------------------
def batch_rows(graph: GraphSource, article_ids: list[str]) -> dict:
    """The rows Neo4j needs for these articles: article nodes, entity nodes (by type), claims
    and facts (by edge type, with the names of their per-claim lists)."""
    claims = [claim_row(c) for c in graph.claims(article_ids)]
    nodes: dict[str, list[dict]] = {}
    for item in graph.nodes(ids={c["n"] for c in claims}):
        nodes.setdefault(item.node.type, []).append(node_row(item))
    articles = {a.id: article_row(a) for a in graph.articles(article_ids)}
    return {"articles": [articles[a] for a in article_ids if a in articles], "nodes": nodes, "claims": claims,
            "facts": fact_claims(graph.edges(article_ids=article_ids))}


# -- writing it -----------------------------------------------------------------------------------
class _OverMemoryLimit(Exception):
    """A batch over Neo4j's transaction memory limit. Raised inside the transaction function:
    the driver retries Neo4j's (transient) memory error for 30 s, though it cannot succeed."""


_MEMORY_ERRORS = ("MemoryPoolOutOfMemoryError", "TransactionOutOfMemoryError")


def _write_batch_within_limit(tx, rows: dict) -> dict:
    try:
        return _write_batch(tx, rows)
    except Exception as exc:
        if _over_memory_limit(exc):
            raise _OverMemoryLimit(" ".join(str(getattr(exc, "message", None) or exc).split())) from exc
        raise


def _over_memory_limit(exc: BaseException | None) -> bool:
    """Neo4j's memory error (its code), or an error made of one. At COMMIT the driver retries
    it for 30 s before it arrives."""
    while exc is not None:
        if isinstance(exc, _OverMemoryLimit) or str(getattr(exc, "code", None) or "").endswith(_MEMORY_ERRORS):
            return True
        exc = exc.__cause__
    return False


class _Fitting:
    """One batch written, split in halves again and again while a part is over Neo4j's
    transaction memory limit (`kg push --batch 10000` works wherever smaller batches do); the
    size that fitted is where the next batches start, so the limit is hit a few times per push,
    not per batch."""

    def __init__(self, target):
        self.target, self.fits = target, None

    def __call__(self, rows: dict) -> dict:
        ids = [a["articleId"] for a in rows["articles"]]
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
            return self.target.write(_write_batch_within_limit, rows)
        except Exception as exc:
            if not _over_memory_limit(exc):
                raise
            if len(rows["articles"]) < 2:
                first = rows["articles"][0]["articleId"] if rows["articles"] else "?"
                raise StoreError(f"article {first} alone needs more memory than Neo4j allows one "
                                 f"transaction ({exc}); raise db.memory.transaction.max") from exc
        self.fits = len(rows["articles"]) // 2  # smaller than any size tried before: this one failed
        return self(rows)


def _write_batch(tx, rows: dict) -> dict:
    """One batch: replaced articles retracted first, then articles, nodes, claims, facts."""
    stored = write.stored_hashes(tx, [a["articleId"] for a in rows["articles"]])
    counts = Counter()
    fresh, touched = set(), set()
    for article in rows["articles"]:
        old = stored.get(article["articleId"])
        if old == article["hash"]:  # pushed meanwhile by someone else
            counts["unchanged"] += 1
            continue
        if old is not None:
            touched |= write.retract_article(tx, article["articleId"])[1]
        counts["replaced" if old is not None else "new"] += 1
        fresh.add(article["articleId"])
    if len(fresh) < len(rows["articles"]):
        rows = _only(rows, fresh)
    write.write_articles(tx, rows["articles"])
    created: set[str] = set()
    for node_type, nodes in rows["nodes"].items():
        created |= write.merge_nodes(tx, node_type, nodes, replace=True)
    write.write_claims(tx, rows["claims"])
    counts["claims"] += len(rows["claims"])
    for edge_type, (facts, names) in rows["facts"].items():
        write.write_facts(tx, edge_type, facts, names)
    ids = {n["id"] for nodes in rows["nodes"].values() for n in nodes}
    write.refresh_nodes(tx, sorted(touched - ids))  # nodes a replaced article no longer claims
    write.link_scopes(tx, sorted(ids | touched), sorted(created))
    return counts


def _only(rows: dict, fresh: set[str]) -> dict:
    """The batch without the articles that turned out to be stored already."""
    claims = [c for c in rows["claims"] if c["a"] in fresh]
    claimed = {c["n"] for c in claims}
    facts = {}
    for edge_type, (found, names) in rows["facts"].items():
        kept = [_fact_of(f, fresh) for f in found]
        facts[edge_type] = ([f for f in kept if f], names)
    return {"articles": [a for a in rows["articles"] if a["articleId"] in fresh],
            "nodes": {t: [n for n in nodes if n["id"] in claimed] for t, nodes in rows["nodes"].items()},
            "claims": claims, "facts": facts}


def _fact_of(fact: dict, fresh: set[str]) -> dict | None:
    """A fact row with only the claims of `fresh` articles (None: none left)."""
    keep = [i for i, a in enumerate(fact["c"]["articles"]) if a in fresh]
    if not keep:
        return None
    return {**fact, "c": {name: [values[i] for i in keep] for name, values in fact["c"].items()}}


def _remerge(target, foreign: list[str]) -> None:
    """Nodes that articles the source lacks also claim: properties merged from all their claims."""
    for part in chunks(foreign, ROWS):
        ids = [r[0] for r in target._read(
            f"MATCH (a:{ARTICLE})-[:{CLAIMS}]->(n:{NODE_LABEL}) WHERE a.articleId IN $ids RETURN DISTINCT n.id",
            ids=part)]
        for chunk in chunks(ids, ROWS):
            target.write(write.refresh_nodes, chunk)


def _prune(target, foreign: list[str]) -> int:
    """Retract the articles the source no longer holds, PRUNE per transaction."""
    for part in chunks(foreign, PRUNE):
        target.write(_retract_all, part)
    return len(foreign)


def _retract_all(tx, article_ids: list[str]) -> None:
    touched: set[str] = set()
    for article_id in article_ids:
        touched = (touched | write.retract_article(tx, article_id)[1]) - {model.node_id("Article", article=article_id)}
    remaining = sorted(r[0] for r in tx.run(f"MATCH (n:{NODE_LABEL}) WHERE n.id IN $ids RETURN n.id",
                                            ids=sorted(touched)))
    write.refresh_nodes(tx, remaining)
    write.link_scopes(tx, remaining, [])
