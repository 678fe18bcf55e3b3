"""RDF writers: N-Triples, Turtle, TriG (one named graph per article) and JSON-LD.

All four stream: they iterate the store (kg.rdf.source) and write subject blocks in chunks, so
memory does not grow with the graph. TriG needs each article's claims together; the SQLite
store reads them by its article index, any other store through a temporary on-disk table.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import KgError
from kg.rdf import render
from kg.rdf.iri import article_iri, check_base, claims_graph_iri, iri
from kg.rdf.mapping import T
from kg.rdf.source import reader
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
    with _open(out) as fh, reader(store) as r:
        fh.write(c.header())
        for text, count in render.chunks((node_block(base, n) for n in r.nodes()), lambda b: render.turtle(b, c)):
            fh.write(text)
            triples += count
        parts, size = [], 0
        for article_id, edges in r.by_article():
            text, count = _article_graph(base, article_id, edges, r.article_text(article_id), c)
            parts.append(text)
            size += len(text)
            triples, graphs = triples + count, graphs + 1
            if size >= render.CHUNK:
                fh.write("".join(parts))
                parts, size = [], 0
        fh.write("".join(parts))
    return {"triples": triples, "graphs": graphs}


def _article_graph(base: str, article_id: str, edges, text: str | None, c: render.Compactor) -> tuple[str, int]:
    graph = claims_graph_iri(base, article_id)
    bundle = (iri(graph), [(T.TYPE, T.BUNDLE), (T.PRIMARY_SOURCE, iri(article_iri(base, article_id)))])
    blocks = []
    for edge in edges:
        blocks.extend(claim_blocks(base, edge))
        blocks.extend(annotation_blocks(base, graph, edge, text))
    body = "".join(render.turtle(b, c, "    ") for b in blocks)
    return render.turtle(bundle, c) + f"{c.iri(iri(graph))} {{\n{body}}}\n", 2 + sum(len(b[1]) for b in blocks)
