"""`kg cypher`: read-only Cypher on a Neo4j store."""
from __future__ import annotations

from typing import Annotated

import typer

from kg.cli.common import JsonOpt, StoreOpt, open_for, out, print_json, table, user_errors

app = typer.Typer()


@app.command("cypher")
@user_errors
def cypher_cmd(ctx: typer.Context, query: Annotated[str, typer.Argument(help="A Cypher query (read-only), or @file.cypher.")],
               param: Annotated[list[str] | None, typer.Option(
                   "--param", help="NAME=VALUE, repeatable; VALUE is read as JSON when it is JSON, else as text.")] = None,
               store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Run a read-only Cypher query on a Neo4j store (--store bolt://…); the server refuses writes."""
    from kg.cli.rdf_cmd import _query_text
    from kg.stores.neo4j.cypher import cypher, parse_params
    params = parse_params(param or [])
    with open_for(ctx, store, create=False) as db:
        result = cypher(db, _query_text(query), params)
    if as_json:
        print_json(result)
        return
    out.print(table([dict(zip(result["columns"], row)) for row in result["rows"]], result["columns"]))
