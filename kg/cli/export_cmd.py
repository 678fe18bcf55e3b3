"""`kg export`: the whole graph in RDF, network or Neo4j formats."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import JsonOpt, StoreOpt, out, print_json, table, user_errors
from kg.export import DEFAULT_BASE_IRI, FORMATS, export
from kg.stores import open_store

app = typer.Typer()


@app.command("export")
@user_errors
def export_cmd(fmt: Annotated[str, typer.Option("--format", "-f", help=" | ".join(FORMATS))],
               out_path: Annotated[Path, typer.Option("--out", "-o", help="File (directory for neo4j-csv).")],
               store: StoreOpt = None,
               base_iri: Annotated[str, typer.Option("--base-iri", help="Base of minted IRIs.")] = DEFAULT_BASE_IRI,
               as_json: JsonOpt = False) -> None:
    """Write the whole graph as Turtle, N-Triples, TriG, JSON-LD, GraphML, GEXF, Neo4j CSV or Cypher."""
    with open_store(store, create=False) as db:
        result = export(db, fmt, out_path, base_iri)
    print_json(result) if as_json else out.print(table([{"format": fmt, "out": str(out_path), **result}]))
