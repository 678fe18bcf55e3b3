"""`kg push`: copy an embedded (SQLite) store into Neo4j, article by article, in batches.

Each article's claims are rebuilt from the SQLite tables as the `Facts` it was ingested as,
then written with `BoltStore.upsert_many` (one transaction per batch, MERGE throughout), so:

* resumable — an interrupted push leaves whole batches; a re-run skips every article whose
  content hash Neo4j already holds and writes the rest;
* idempotent — pushing twice changes nothing; an article edited since is replaced.

Articles go in ingest order (SQLite rowid) so node names and merged properties come out as
they are in the source. Articles in Neo4j that the source lacks are left alone.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import fields

from kg.errors import StoreError
from kg.facts import Article, Evidence
from kg.graph import Edge, Facts, Node, NodeClaim
from kg.stores.base import Store

BATCH = 100
_ARTICLE_FIELDS = {f.name for f in fields(Article)}


def push(source: Store, target, batch: int = BATCH,
         progress: Callable[[int, int], None] | None = None) -> dict:
    """Copy `source` (a SQLite store) into `target` (a BoltStore); `progress(done, total)` after
    each committed batch. Returns what was sent, what was already there, and the rates."""
    db = _sqlite_db(source)
    present = target.article_hashes()
    order = db.execute("SELECT id, hash FROM articles ORDER BY rowid").fetchall()
    todo = [article_id for article_id, content_hash in order if present.get(article_id) != content_hash]
    done, total = len(order) - len(todo), len(order)
    summary = {"articles": total, "skipped": done, "new": 0, "replaced": 0, "unchanged": 0,
               "claims": 0, "edges": 0}
    if progress:
        progress(done, total)
    started = time.perf_counter()
    for start in range(0, len(todo), max(batch, 1)):
        chunk = [facts_of(db, article_id) for article_id in todo[start:start + batch]]
        try:
            results = target.upsert_many(chunk)
        except StoreError as exc:
            raise StoreError(f"push stopped after {done} of {total} articles, run it again to resume: "
                             f"{exc}") from exc
        for result in results:
            summary[result.status] += 1
            summary["claims"] += result.nodes
            summary["edges"] += result.edges
        done += len(chunk)
        if progress:
            progress(done, total)
    seconds = time.perf_counter() - started
    summary["seconds"] = round(seconds, 3)
    summary["target"] = target.counts()
    return summary


def rates(summary: dict) -> dict:
    """Claims (node writes) and relationships per second of a push."""
    seconds = summary["seconds"]
    if not seconds:
        return {"claims_per_s": 0.0, "relationships_per_s": 0.0}
    return {"claims_per_s": round(summary["claims"] / seconds, 1),
            "relationships_per_s": round((summary["claims"] + summary["edges"]) / seconds, 1)}


def _sqlite_db(source: Store):
    db = getattr(source, "db", None)
    if db is None:
        raise StoreError(f"push copies an embedded (SQLite) store; {source.location} is not one")
    return db


def facts_of(db, article_id: str) -> Facts:
    """One stored article's claims, as the `Facts` that produced them."""
    meta, text = db.execute("SELECT meta, text FROM articles WHERE id=?", (article_id,)).fetchone()
    known = {k: v for k, v in json.loads(meta).items() if k in _ARTICLE_FIELDS}
    facts = Facts(Article(**{**known, "id": article_id, "text": text}))
    for node_id, node_type, name, props, start, end, sentence, extractor in db.execute(
            "SELECT n.id, n.type, n.name, c.props, c.start, c.end, c.sentence, c.extractor "
            "FROM claims c JOIN nodes n ON n.id=c.node_id WHERE c.article_id=? ORDER BY n.id", (article_id,)):
        # aliases are kept per node, not per claim: every claim carries the node's full set
        aliases = tuple(a for (a,) in db.execute(
            "SELECT alias FROM aliases WHERE node_id=? ORDER BY alias", (node_id,)) if a != name)
        facts.nodes[node_id] = NodeClaim(Node(node_id, node_type, name, json.loads(props)),
                                         Evidence(article_id, start, end, sentence, extractor), aliases)
    for src, edge_type, dst, props, start, end, sentence, extractor in db.execute(
            "SELECT src, type, dst, props, start, end, sentence, extractor FROM edges "
            "WHERE article_id=? ORDER BY src, type, dst", (article_id,)):
        evidence = Evidence(article_id, start, end, sentence, extractor) if extractor else None
        facts.edges[(src, edge_type, dst)] = Edge(src, edge_type, dst, json.loads(props), article_id, evidence)
    return facts


def iter_facts(db) -> Iterator[Facts]:
    """Every stored article's facts, in ingest order."""
    for (article_id,) in db.execute("SELECT id FROM articles ORDER BY rowid").fetchall():
        yield facts_of(db, article_id)
