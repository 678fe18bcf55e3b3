"""`kg validate` (SHACL), `kg sparql` and `kg import` over the RDF of the store or a file."""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import JsonOpt, StoreOpt, err, open_for, out, print_json, table, user_errors
from kg.errors import KgError
from kg.export import DEFAULT_BASE_IRI
from kg.rdf.offline import DEFAULT_TIMEOUT

app = typer.Typer()

BaseIriOpt = Annotated[str, typer.Option("--base-iri", help="Base of minted IRIs (as in `kg export`).")]
RemoteContextOpt = Annotated[bool, typer.Option("--allow-remote-context",
                                                help="Let a JSON-LD file's @context/@import fetch or read other documents.")]
OUTPUTS = ("table", "json", "csv", "tsv")


@app.command("validate")
@user_errors
def validate_cmd(ctx: typer.Context, file: Annotated[Path | None, typer.Argument(
                     help="An export (.ttl .nt .trig .jsonld .nq); default: the store, exported in memory.")] = None,
                 store: StoreOpt = None, base_iri: BaseIriOpt = DEFAULT_BASE_IRI, as_json: JsonOpt = False,
                 allow_remote_context: RemoteContextOpt = False) -> None:
    """Check the RDF export against the SHACL shapes (schemas/shapes.ttl); exit 1 when it does not conform."""
    from kg.rdf.validate import validate
    if file is None:
        with open_for(ctx, store, create=False) as db:
            result = validate(db, None, base_iri)
    else:
        result = validate(None, file, base_iri, allow_remote_context)
    for message in result.get("ill_typed", [])[:1]:
        err.print(f"warning: {file}: {len(result['ill_typed'])} ill-typed literal(s), first: {message}",
                  markup=False, highlight=False)
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
def sparql_cmd(ctx: typer.Context, query: Annotated[str, typer.Argument(help="A SPARQL query, @file.rq, or - to read it from stdin.")],
               fmt: Annotated[str, typer.Option("--format", "-f", help=" | ".join(OUTPUTS))] = "table",
               data: Annotated[Path | None, typer.Option("--data", "-d", "--file",
                                                         help="Query an export file instead of the store.")] = None,
               timeout: Annotated[float, typer.Option("--timeout", envvar="KG_SPARQL_TIMEOUT",
                                                      help="Seconds the query may run (0: no limit).")] = DEFAULT_TIMEOUT,
               allow_federated: Annotated[bool, typer.Option("--allow-federated",
                                                             help="Let SERVICE and LOAD reach other machines.")] = False,
               allow_remote_context: RemoteContextOpt = False,
               store: StoreOpt = None, base_iri: BaseIriOpt = DEFAULT_BASE_IRI, as_json: JsonOpt = False) -> None:
    """Run SPARQL over the merged graph (model prefixes predeclared); -d a TriG export also has its evidence graphs."""
    from kg.rdf.sparql import rows, sparql
    fmt, data = _format_or_data(fmt, data)
    text = _query_text(query)
    options = dict(timeout=timeout, allow_federated=allow_federated, allow_remote_context=allow_remote_context)
    if data is None:
        with open_for(ctx, store, create=False) as db:
            result = sparql(text, db, None, base_iri, **options)
    else:
        result = sparql(text, None, data, base_iri, **options)
    if as_json or fmt == "json":
        print_json(result)
    elif fmt in ("csv", "tsv"):
        _write_delimited(rows(result), result.get("head", {}).get("vars") or ["result"], "," if fmt == "csv" else "\t")
    else:
        out.print(table(rows(result), result.get("head", {}).get("vars")))


@app.command("import")
@user_errors
def import_cmd(ctx: typer.Context, file: Annotated[Path, typer.Argument(help="A dataset kg exported (.trig .nq .jsonld), edited or not.")],
               store: StoreOpt = None, allow_remote_context: RemoteContextOpt = False, as_json: JsonOpt = False) -> None:
    """Store the articles of an exported dataset again (curated corrections): export → import → export is identical."""
    from kg.rdf.importer import import_file
    with open_for(ctx, store) as db:
        result = import_file(db, file, allow_remote_context)
    print_json(result) if as_json else out.print(f"imported {result['articles']} articles ({result['nodes']} nodes)")


def _format_or_data(fmt: str, data: Path | None) -> tuple[str, Path | None]:
    """`-f` is --format, as in every other command; `-f x.trig` (what it meant before) still
    names an export file, with a note to use -d."""
    if fmt in OUTPUTS:
        return fmt, data
    from kg.rdf.load import FORMATS
    if data is None and Path(fmt).suffix.lower() in FORMATS:
        err.print(f"note: -f now means --format; use -d {fmt} for an export file", markup=False, highlight=False)
        return "table", Path(fmt)
    raise KgError(f"unknown output format {fmt!r} (one of {', '.join(OUTPUTS)})")


def _write_delimited(rows: list[dict], columns: list[str], delimiter: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row.get(c, "") for c in columns] for row in rows)
    sys.stdout.write(buffer.getvalue())


def _query_text(query: str) -> str:
    if query == "-":
        return sys.stdin.read()
    if not query.startswith("@"):
        return query
    try:
        return Path(query[1:]).read_text(encoding="utf-8")
    except OSError as exc:
        raise KgError(f"cannot read query file {query[1:]}: {exc.strerror or exc}") from exc
