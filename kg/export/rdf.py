"""RDF writers: N-Triples, Turtle, TriG and JSON-LD, all holding the same default graph.

The default graph is the merged graph (every claim once, over all articles) plus a VoID/DCAT
description of the dataset, so a query over it gives the same rows on every format and in
every SPARQL engine. TriG and JSON-LD add each article's evidence as a named graph.

All four stream: they iterate the store (kg.rdf.source) and write subject blocks in chunks, so
memory does not grow with the graph.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

from kg.errors import KgError
from kg.rdf import render
from kg.rdf.dataset import description_blocks, evidence_graphs, merged_blocks, outlets
from kg.rdf.iri import check_base, iri
from kg.rdf.jsonld import context, node_object
from kg.rdf.source import reader
from kg.stores.base import Store


@contextmanager
def _open(out: Path):
    try:
        with open(out, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
            yield fh
    except OSError as exc:
        raise KgError(f"cannot write {out}: {exc.strerror or exc}") from exc


def _write_default(fh, store: Store, base: str, fmt: str, render_block) -> int:
    """Writes the merged graph then its description; returns how many triples."""
    triples = 0
    with reader(store) as r:
        for text, count in render.chunks(merged_blocks(r, base), render_block):
            fh.write(text)
            triples += count
    described = description_blocks(base, fmt, store.counts(), triples, outlets(store))
    for text, count in render.chunks(described, render_block):
        fh.write(text)
        triples += count
    return triples


def write_ntriples(store: Store, out: Path, base_iri: str) -> dict:
    base = check_base(base_iri)
    with _open(out) as fh:
        return {"triples": _write_default(fh, store, base, "nt", render.ntriples)}


def write_turtle(store: Store, out: Path, base_iri: str) -> dict:
    base, c = check_base(base_iri), render.Compactor()
    with _open(out) as fh:
        fh.write(c.header())
        return {"triples": _write_default(fh, store, base, "turtle", lambda b: render.turtle(b, c))}


def write_trig(store: Store, out: Path, base_iri: str) -> dict:
    """The merged graph as the default graph, then each article's claims in its own named graph
    (a prov:Bundle whose primary source is the article), every claim annotated with its span."""
    base, c = check_base(base_iri), render.Compactor()
    with _open(out) as fh:
        fh.write(c.header())
        triples = _write_default(fh, store, base, "trig", lambda b: render.turtle(b, c))
        graphs, parts, size = 0, [], 0
        with reader(store) as r:
            for graph, blocks in evidence_graphs(r, base):
                body = "".join(render.turtle(b, c, "    ") for b in blocks)
                parts.append(f"{c.iri(iri(graph))} {{\n{body}}}\n")
                size += len(parts[-1])
                triples, graphs = triples + sum(len(b[1]) for b in blocks), graphs + 1
                if size >= render.CHUNK:
                    fh.write("".join(parts))
                    parts, size = [], 0
        fh.write("".join(parts))
    return {"triples": triples, "graphs": graphs}


def write_jsonld(store: Store, out: Path, base_iri: str) -> dict:
    """One document: the context, then `@graph` with the default graph's node objects and one
    graph object (`{"@id", "@graph"}`) per article's evidence."""
    base, c = check_base(base_iri), render.Compactor()
    sep = _Separator()
    with _open(out) as fh:
        terms = ",\n  ".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in context().items())
        fh.write('{"@context": {\n  ' + terms + '},\n "@graph": [\n')
        triples = _write_default(fh, store, base, "jsonld", lambda b: sep() + node_object(b, c) if b[1] else "")
        graphs = 0
        with reader(store) as r:
            for graph, blocks in evidence_graphs(r, base):
                nodes = ",\n  ".join(node_object(b, c) for b in blocks if b[1])
                fh.write(f'{sep()}{{"@id": {json.dumps(graph)}, "@graph": [\n  {nodes}]}}')
                triples, graphs = triples + sum(len(b[1]) for b in blocks), graphs + 1
        fh.write("\n]}\n")
    return {"triples": triples, "graphs": graphs}


class _Separator:
    """`""` the first time, `",\\n"` after: node objects joined without holding them."""

    def __init__(self):
        self.first = True

    def __call__(self) -> str:
        if self.first:
            self.first = False
            return ""
        return ",\n"
