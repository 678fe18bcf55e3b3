"""`kg serve --sparql`: a read-only SPARQL 1.1 Protocol endpoint on 127.0.0.1."""
from __future__ import annotations

import sys
from typing import Annotated

import typer

from kg.cli.common import StoreOpt, open_for, user_errors
from kg.errors import KgError
from kg.export import DEFAULT_BASE_IRI
from kg.rdf.offline import DEFAULT_TIMEOUT

app = typer.Typer()


@app.command("serve")
@user_errors
def serve_cmd(ctx: typer.Context, sparql: Annotated[bool, typer.Option("--sparql", help="Serve the store over the SPARQL 1.1 Protocol.")] = False,
              port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free port).")] = 7878,
              timeout: Annotated[float, typer.Option("--timeout", help="Seconds a query may run.")] = DEFAULT_TIMEOUT,
              allow_federated: Annotated[bool, typer.Option("--allow-federated",
                                                            help="Let SERVICE and LOAD reach other machines.")] = False,
              store: StoreOpt = None,
              base_iri: Annotated[str, typer.Option("--base-iri", help="Base of minted IRIs.")] = DEFAULT_BASE_IRI) -> None:
    """Serve the graph at http://127.0.0.1:PORT/sparql (read-only; Ctrl-C stops it)."""
    from kg.rdf.endpoint import make_server
    from kg.rdf.live import LiveStore
    from kg.rdf.persist import open_for_query, store_path
    if not sparql:
        raise KgError("nothing to serve: pass --sparql")
    with open_for(ctx, store, create=False) as db:
        built, path = open_for_query(db, base_iri), store_path(db)  # built first when missing or stale
    if built is None:
        raise KgError("kg serve --sparql needs a SQLite store (its SPARQL store sits beside it)")
    del built  # served read-only and reopened on change: an ingest meanwhile syncs it in place
    try:
        server = make_server(LiveStore(path), port, timeout, allow_federated)
    except OSError as exc:
        raise KgError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from exc
    sys.stderr.write(f"SPARQL endpoint: http://127.0.0.1:{server.server_address[1]}/sparql\n")
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
