"""RDF writers: N-Triples, Turtle, TriG (one named graph per article) and JSON-LD.

All four stream: they iterate the store and write subject blocks in chunks, so memory does
not grow with the graph. TriG needs each article's claims together while stores give edges
by source, so it first spools edges to a temporary on-disk SQLite table sorted by article.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import groupby
from pathlib import Path

from kg.errors import KgError
from kg.facts import Evidence
from kg.graph import Edge
from kg.rdf import render
from kg.rdf.iri import article_iri, check_base, claims_graph_iri, iri
from kg.rdf.mapping import T
from kg.rdf.triples import annotation_blocks, claim_blocks, graph_blocks, node_block
from kg.stores.base import Store


@contextmanager
def _open(out: Path):
    try:
        with open(out, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
            yield fh
    except OSError as exc:
        raise KgError(f"cannot write {out}: {exc.strerror or exc}") from exc


def ntriples_chunks(store: Store, base_iri: str) -> Iterator[tuple[str, int]]:
    """The whole graph as N-Triples text chunks (also what `validate` and `sparql` load)."""
    return render.chunks(graph_blocks(store, check_base(base_iri)), render.ntriples)


def write_ntriples(store: Store, out: Path, base_iri: str) -> dict:
    triples = 0
    with _open(out) as fh:
        for text, count in ntriples_chunks(store, base_iri):
            fh.write(text)
            triples += count
    return {"triples": triples}


def write_turtle(store: Store, out: Path, base_iri: str) -> dict:
    base, c, triples = check_base(base_iri), render.Compactor(), 0
    with _open(out) as fh:
        fh.write(c.header())
        for text, count in render.chunks(graph_blocks(store, base), lambda b: render.turtle(b, c)):
            fh.write(text)
            triples += count
    return {"triples": triples}


def write_jsonld(store: Store, out: Path, base_iri: str) -> dict:
    base, c, triples, first = check_base(base_iri), render.Compactor(), 0, True
    with _open(out) as fh:
        fh.write('{"@context": ' + json.dumps(c.prefixes) + ',\n "@graph": [\n')
        for text, count in render.chunks(graph_blocks(store, base), lambda b: render.jsonld(b, c) + ",\n"):
            fh.write(("" if first else ",\n") + text[:-2])
            first, triples = False, triples + count
        fh.write("\n]}\n")
    return {"triples": triples}


def write_trig(store: Store, out: Path, base_iri: str) -> dict:
    """Nodes in the default graph; each article's claims in its own named graph (a prov:Bundle
    whose primary source is the article), every claim annotated with its text span."""
    base, c = check_base(base_iri), render.Compactor()
    triples = graphs = 0
    with _open(out) as fh, _spool_by_article(store) as claims:
        fh.write(c.header())
        for text, count in render.chunks((node_block(base, n) for n in store.iter_nodes()),
                                         lambda b: render.turtle(b, c)):
            fh.write(text)
            triples += count
        for article_id, edges in claims:
            text, count = _article_graph(store, base, article_id, edges, c)
            fh.write(text)
            triples, graphs = triples + count, graphs + 1
    return {"triples": triples, "graphs": graphs}


def _article_graph(store: Store, base: str, article_id: str, edges, c: render.Compactor) -> tuple[str, int]:
    graph = claims_graph_iri(base, article_id)
    article = store.article(article_id) or {}
    bundle = (iri(graph), [(T.TYPE, T.BUNDLE), (T.PRIMARY_SOURCE, iri(article_iri(base, article_id)))])
    blocks = []
    for edge in edges:
        blocks.extend(claim_blocks(base, edge))
        blocks.extend(annotation_blocks(base, graph, edge, article.get("text")))
    body = "".join(render.turtle(b, c, "    ") for b in blocks)
    return render.turtle(bundle, c) + f"{c.iri(iri(graph))} {{\n{body}}}\n", 2 + sum(len(b[1]) for b in blocks)


@contextmanager
def _spool_by_article(store: Store):
    """Edges regrouped by article through a temporary on-disk table (deleted on close)."""
    db = sqlite3.connect("")
    try:
        db.execute("CREATE TABLE e (article TEXT, src TEXT, type TEXT, dst TEXT, props TEXT, "
                   "start INT, end INT, sentence TEXT, extractor TEXT)")
        db.executemany("INSERT INTO e VALUES (?,?,?,?,?,?,?,?,?)", (_row(e) for e in store.iter_edges()))
        rows = db.execute("SELECT * FROM e ORDER BY article, rowid")
        yield ((article, (_edge(r) for r in group)) for article, group in groupby(rows, key=lambda r: r[0]))
    finally:
        db.close()


def _row(edge: Edge) -> tuple:
    ev = edge.evidence
    return (edge.article_id or "unknown", edge.src, edge.type, edge.dst, json.dumps(edge.props, ensure_ascii=False),
            ev.start if ev else None, ev.end if ev else None, ev.sentence if ev else None, ev.extractor if ev else None)


def _edge(row: tuple) -> Edge:
    evidence = Evidence(row[0], row[5], row[6], row[7] or "", row[8] or "") if row[5] is not None else None
    return Edge(row[1], row[2], row[3], json.loads(row[4]), row[0], evidence)
