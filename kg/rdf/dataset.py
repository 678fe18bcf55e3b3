"""What an export holds, as subject blocks: the merged graph (the default graph), each
article's evidence (named graphs), and a VoID + DCAT description of the dataset.

The merged graph starts with kg's concept schemes (document types, kinds of post), so every
`eli:type_document` and `org:role` points to a concept the file itself describes.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import urlsplit

from kg.rdf.concepts import scheme_blocks
from kg.rdf.iri import XSD, iri, literal
from kg.rdf.lineage import source_closure
from kg.rdf.links import same_persons
from kg.rdf.mapping import T, expand, mapping, term
from kg.rdf.source import Reader
from kg.rdf.triples import Block, article_graph_iri, edge_blocks, evidence_blocks, node_blocks

LICENSE_ENV = "KG_LICENSE"  # the licence IRI (or text) the publisher sets for the dataset
MEDIA_TYPES = {"nt": "application/n-triples", "turtle": "text/turtle", "trig": "application/trig",
               "jsonld": "application/ld+json"}


def merged_blocks(r: Reader, base: str) -> Iterator[Block]:
    """The default graph: concept schemes, every node, then every source's edges."""
    yield from scheme_blocks()
    persons = same_persons((e.src, e.dst) for e in r.source.edges(types=["HOLDS"]))
    lineage = source_closure(r.source)
    for node in r.nodes():
        yield from node_blocks(base, node, persons.get(node.id, ()), lineage.get(node.id, ()))
    yield from edge_blocks(base, r.by_source(), r.post_info)


def evidence_graphs(r: Reader, base: str) -> Iterator[tuple[str, list[Block]]]:
    """(graph IRI, blocks) for each article with claims."""
    for article_id, edges in r.by_article():
        graph = article_graph_iri(base, article_id)
        yield graph, evidence_blocks(base, graph, article_id, edges, r.article_text(article_id))


@lru_cache(maxsize=1)
def kg_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("kg")
    except PackageNotFoundError:
        return "0+unknown"


def ontology_version_iri() -> str:
    from kg.rdf.ontology import ONTOLOGY_IRI
    return f"{ONTOLOGY_IRI}/{kg_version()}"


def description_blocks(base: str, fmt: str, counts: dict, triples: int, outlets: list[str]) -> list[Block]:
    """VoID + DCAT: triple and entity counts, one class partition per node type, the
    distribution this file is, the kg and ontology versions, the licence, the outlets."""
    ds, dist = iri(base + "dataset"), iri(f"{base}dataset#{fmt}")
    n = lambda v: literal(str(int(v)), XSD + "integer")  # noqa: E731
    pos = [(T.TYPE, term("void:Dataset")), (T.TYPE, term("dcat:Dataset")),
           (term("dcterms:title"), literal("Đồ thị tri thức văn bản", lang="vi")),
           (term("void:triples"), n(triples)), (term("void:entities"), n(sum(counts.get("nodes", {}).values()))),
           (term("void:vocabulary"), iri(expand("kg:")[:-1])), (term("dcterms:conformsTo"), iri(ontology_version_iri())),
           (term("owl:versionInfo"), literal(f"kg {kg_version()}")), (term("dcat:distribution"), dist)]
    licence = os.environ.get(LICENSE_ENV, "").strip()
    if licence:
        pos.append((term("dcterms:license"), iri(licence) if "://" in licence and " " not in licence else literal(licence)))
    pos += [(term("dcterms:source"), iri(o)) for o in outlets]
    blocks = [(ds, pos), (dist, [(T.TYPE, term("dcat:Distribution")), (term("dcat:mediaType"), literal(MEDIA_TYPES[fmt])),
                                (term("dcterms:format"), literal(MEDIA_TYPES[fmt]))])]
    for node_type, count in sorted(counts.get("nodes", {}).items()):
        part = iri(f"{base}dataset#class-{node_type}")
        pos.append((term("void:classPartition"), part))
        blocks.append((part, [(term("void:class"), mapping().node(node_type).cls), (term("void:entities"), n(count))]))
    return blocks


def outlets(store) -> list[str]:
    """The outlets (scheme and host of article URLs) the dataset was read from."""
    hosts = set()
    for node in store.iter_nodes("Article"):
        url = str(node.props.get("url") or "")
        parts = urlsplit(url) if "://" in url else None
        if parts and parts.scheme in ("http", "https") and parts.hostname:
            hosts.add(f"{parts.scheme}://{parts.hostname}/")
    return sorted(hosts)


def ntriples_chunks(store, base_iri: str) -> Iterator[tuple[str, int]]:
    """The merged graph as N-Triples text chunks, each whole lines (what `validate` loads)."""
    from kg.rdf import render
    from kg.rdf.iri import check_base
    from kg.rdf.source import reader
    base = check_base(base_iri)
    with reader(store) as r:
        yield from render.chunks(merged_blocks(r, base), render.ntriples)
