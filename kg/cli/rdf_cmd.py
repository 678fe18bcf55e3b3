"""`kg validate` (SHACL) and `kg sparql` over the RDF export of the store or an export file."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import JsonOpt, StoreOpt, out, print_json, table, user_errors
from kg.errors import KgError
from kg.export import DEFAULT_BASE_IRI
from kg.stores import open_store

app = typer.Typer()

BaseIriOpt = Annotated[str, typer.Option("--base-iri", help="Base of minted IRIs (as in `kg export`).")]


@app.command("validate")
@user_errors
def validate_cmd(file: Annotated[Path | None, typer.Argument(
                     help="An export (.ttl .nt .trig .jsonld .nq); default: the store, exported in memory.")] = None,
                 store: StoreOpt = None, base_iri: BaseIriOpt = DEFAULT_BASE_IRI, as_json: JsonOpt = False) -> None:
    """Check the RDF export against the SHACL shapes (schemas/shapes.ttl); exit 1 when it does not conform."""
    from kg.rdf.validate import validate
    if file is None:
        with open_store(store, create=False) as db:
            result = validate(db, None, base_iri)
    else:
        result = validate(None, file, base_iri)
    if as_json:
        print_json(result)
    else:
        out.print(f"conforms: {'yes' if result['conforms'] else 'no'} ({result['triples']} triples, "
                  f"{len(result['violations'])} violations)", markup=False, highlight=False)
        if result["violations"]:
            out.print(table(result["violations"], ["focus", "path", "constraint", "value", "message"]))
    if not result["conforms"]:
        raise typer.Exit(1)


@app.command("sparql")
@user_errors
def sparql_cmd(query: Annotated[str, typer.Argument(help="A SPARQL query, or @file.rq.")],
               file: Annotated[Path | None, typer.Option("--file", "-f", help="Query an export file instead of the store.")] = None,
               store: StoreOpt = None, base_iri: BaseIriOpt = DEFAULT_BASE_IRI, as_json: JsonOpt = False) -> None:
    """Run SPARQL over the graph (model prefixes predeclared). --json prints SPARQL 1.1 JSON results."""
    from kg.rdf.sparql import rows, sparql
    text = _query_text(query)
    if file is None:
        with open_store(store, create=False) as db:
            result = sparql(text, db, None, base_iri)
    else:
        result = sparql(text, None, file, base_iri)
    if as_json:
        print_json(result)
    else:
        out.print(table(rows(result), result.get("head", {}).get("vars")))


def _query_text(query: str) -> str:
    if not query.startswith("@"):
        return query
    try:
        return Path(query[1:]).read_text(encoding="utf-8")
    except OSError as exc:
        raise KgError(f"cannot read query file {query[1:]}: {exc.strerror or exc}") from exc
