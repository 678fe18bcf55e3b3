"""`kg export`: the whole graph in RDF, network or Neo4j formats."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import JsonOpt, StoreOpt, choices, err, open_for, out, print_json, table, user_errors
from kg.export import ALIASES, DEFAULT_BASE_IRI, FORMATS, export, export_to_stream, format_name

app = typer.Typer()
ExportFormat = choices("ExportFormat", [*FORMATS, *ALIASES])  # an alias names the format it stands for


@app.command("export")
@user_errors
def export_cmd(ctx: typer.Context,
               fmt: Annotated[ExportFormat, typer.Option("--format", "-f", case_sensitive=False,
                                                        help=f"The format ({', '.join(ALIASES)}: aliases).")],
               out_path: Annotated[Path, typer.Option(
                   "--out", "-o", help="File (folder for neo4j-csv; missing folders are made); - for stdout.")],
               store: StoreOpt = None,
               base_iri: Annotated[str, typer.Option("--base-iri", help="Base of minted IRIs.")] = DEFAULT_BASE_IRI,
               force: Annotated[bool, typer.Option("--force", help="Replace an existing neo4j-csv folder.")] = False,
               as_json: JsonOpt = False) -> None:
    """Write the whole graph as Turtle, N-Triples, TriG, JSON-LD, GraphML, GEXF, Neo4j CSV or Cypher."""
    fmt = format_name(fmt)
    to_stdout = str(out_path) == "-"
    with open_for(ctx, store, create=False) as db:
        if to_stdout:
            result = export_to_stream(db, fmt, sys.stdout.buffer, base_iri)
            sys.stdout.flush()
        else:
            result = export(db, fmt, out_path, base_iri, force=force)
    report = {"format": fmt, "out": "-" if to_stdout else str(out_path), **result}
    if to_stdout:  # stdout carries the graph: the report goes to stderr
        err.print_json(data=result) if as_json else err.print(table([report]))
    elif as_json:
        print_json(result)
    else:
        out.print(table([report]))
