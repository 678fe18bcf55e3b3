"""Loading the graph for `validate` and `sparql`: the current store exported in memory, or an
export file read back (format from the file extension).

A JSON-LD file is checked first: a context naming another document (remote or `file:`) is
refused unless allowed, so reading a file never fetches anything.
"""
from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from pathlib import Path

from kg.errors import KgError
from kg.rdf.offline import check_jsonld
from kg.stores.base import Store

# extension → (rdflib format, pyoxigraph RdfFormat attribute)
FORMATS = {".nt": ("nt", "N_TRIPLES"), ".ttl": ("turtle", "TURTLE"), ".trig": ("trig", "TRIG"),
           ".jsonld": ("json-ld", "JSON_LD"), ".json": ("json-ld", "JSON_LD"), ".nq": ("nquads", "N_QUADS")}


class RdfInputError(KgError):
    """An RDF file cannot be read."""


def file_format(path: Path, allow_remote_context: bool = False) -> tuple[str, str]:
    if not path.exists():
        raise RdfInputError(f"{path}: no such file")
    try:
        fmt = FORMATS[path.suffix.lower()]
    except KeyError:
        raise RdfInputError(f"{path}: unknown RDF format (use one of {', '.join(FORMATS)})") from None
    if fmt[0] == "json-ld":
        check_jsonld(path, allow_remote_context)
    return fmt


class _IllTyped(logging.Handler):
    """rdflib logs a traceback for each literal its datatype cannot parse; kg keeps one line."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = re.search(r"Datatype=(\S+?),", record.getMessage())
        self.messages.append(f"a literal that is not a valid {found.group(1) if found else 'value of its datatype'}")


@contextmanager
def ill_typed_literals():
    """Collects (instead of printing) rdflib's ill-typed-literal warnings meanwhile."""
    logger, handler = logging.getLogger("rdflib.term"), _IllTyped()
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved


def rdflib_graph(store: Store | None, path: Path | None, base_iri: str, allow_remote_context: bool = False):
    """One rdflib Graph: a dataset file's graphs are merged, so evidence shapes apply too."""
    import rdflib
    from kg.rdf.dataset import ntriples_chunks
    graph = rdflib.Graph()
    if path is None:
        for text, _ in ntriples_chunks(store, base_iri):  # whole lines: each chunk parses alone
            graph.parse(data=text, format="nt")
        return graph
    fmt = file_format(path, allow_remote_context)[0]
    try:
        if fmt in ("trig", "nquads", "json-ld"):
            dataset = rdflib.Dataset()
            dataset.parse(path, format=fmt)
            for s, p, o, _ in dataset.quads():
                graph.add((s, p, o))
        else:
            graph.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific types
        raise RdfInputError(f"{path}: not valid {fmt}: {_first_line(exc)}") from exc
    return graph


def oxigraph_store(store: Store | None, path: Path | None, base_iri: str, allow_remote_context: bool = False):
    """An in-memory pyoxigraph Store: the export of `store` (default graph and evidence graphs),
    or the file's dataset as written (its default graph stays the default graph)."""
    import pyoxigraph as ox
    db = ox.Store()
    if path is None:
        from kg.rdf.persist import load_dataset
        load_dataset(db, store, base_iri)
        return db
    fmt = getattr(ox.RdfFormat, file_format(path, allow_remote_context)[1])
    try:
        db.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        raise RdfInputError(f"{path}: not valid {path.suffix[1:]}: {_first_line(exc)}") from exc
    return db


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
