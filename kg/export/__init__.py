"""Exporters: one registry of formats, each a writer in its own module, loaded on use.

A writer is `write(store, out: Path, base_iri: str) -> dict` and returns what it wrote
(counts), so the CLI can report it. Heavy libraries load only with their format.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from kg.errors import KgError
from kg.stores.base import Store

DEFAULT_BASE_IRI = "https://kg.example.org/"

# format → (module, function, what --out names: a file or a directory)
FORMATS: dict[str, tuple[str, str, str]] = {
    "turtle": ("kg.export.rdf", "write_turtle", "file"),
    "nt": ("kg.export.rdf", "write_ntriples", "file"),
    "trig": ("kg.export.rdf", "write_trig", "file"),
    "jsonld": ("kg.export.rdf", "write_jsonld", "file"),
    "graphml": ("kg.export.networks", "write_graphml", "file"),
    "gexf": ("kg.export.networks", "write_gexf", "file"),
    "neo4j-csv": ("kg.export.neo4j", "write_csv", "directory"),
    "cypher": ("kg.export.neo4j", "write_cypher", "file"),
}


def export(store: Store, fmt: str, out: Path, base_iri: str = DEFAULT_BASE_IRI) -> dict:
    if fmt not in FORMATS:
        raise KgError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    module, function, _ = FORMATS[fmt]
    writer = getattr(importlib.import_module(module), function)
    return writer(store, out, base_iri)
