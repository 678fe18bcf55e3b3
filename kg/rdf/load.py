"""Loading the graph for `validate` and `sparql`: the current store exported in memory, or an
export file read back (format from the file extension)."""
from __future__ import annotations

from pathlib import Path

from kg.errors import KgError
from kg.stores.base import Store

# extension → (rdflib format, pyoxigraph RdfFormat attribute)
FORMATS = {".nt": ("nt", "N_TRIPLES"), ".ttl": ("turtle", "TURTLE"), ".trig": ("trig", "TRIG"),
           ".jsonld": ("json-ld", "JSON_LD"), ".json": ("json-ld", "JSON_LD"), ".nq": ("nquads", "N_QUADS")}


class RdfInputError(KgError):
    """An RDF file cannot be read."""


def file_format(path: Path) -> tuple[str, str]:
    if not path.exists():
        raise RdfInputError(f"{path}: no such file")
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise RdfInputError(f"{path}: unknown RDF format (use one of {', '.join(FORMATS)})") from None


def rdflib_graph(store: Store | None, path: Path | None, base_iri: str):
    """One rdflib Graph: a dataset file's named graphs are merged (shapes apply to the union)."""
    import rdflib
    from kg.export.rdf import ntriples_chunks
    graph = rdflib.Graph()
    if path is None:
        for text, _ in ntriples_chunks(store, base_iri):  # whole lines: each chunk parses alone
            graph.parse(data=text, format="nt")
        return graph
    fmt = file_format(path)[0]
    try:
        if fmt in ("trig", "nquads"):
            dataset = rdflib.Dataset()
            dataset.parse(path, format=fmt)
            for s, p, o, _ in dataset.quads():
                graph.add((s, p, o))
        else:
            graph.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific types
        raise RdfInputError(f"{path}: not valid {fmt}: {_first_line(exc)}") from exc
    return graph


def oxigraph_store(store: Store | None, path: Path | None, base_iri: str):
    """An in-memory pyoxigraph Store, loaded chunk by chunk from the N-Triples export."""
    import pyoxigraph as ox
    from kg.export.rdf import ntriples_chunks
    db = ox.Store()
    if path is None:
        for text, _ in ntriples_chunks(store, base_iri):
            db.load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return db
    fmt = getattr(ox.RdfFormat, file_format(path)[1])
    try:
        db.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        raise RdfInputError(f"{path}: not valid {path.suffix[1:]}: {_first_line(exc)}") from exc
    return db


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
