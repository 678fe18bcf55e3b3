"""`kg push`: copy the embedded store to a Neo4j server over Bolt."""
from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.cli.common import (JsonOpt, Neo4jDatabaseOpt, Neo4jPasswordOpt, Neo4jUserOpt, StoreOpt, credentials, err,
                           out, print_json, table, user_errors)
from kg.errors import KgError
from kg.stores import open_store

app = typer.Typer()

BOLT_SCHEMES = ("bolt", "neo4j", "bolt+s", "neo4j+s", "bolt+ssc", "neo4j+ssc")


@app.command("push")
@user_errors
def push_cmd(ctx: typer.Context, uri: Annotated[str, typer.Argument(help="bolt://host:port or neo4j://host:port")],
             store: StoreOpt = None, user: Neo4jUserOpt = None, password: Neo4jPasswordOpt = None,
             database: Neo4jDatabaseOpt = None,
             batch: Annotated[int, typer.Option(min=1, max=10_000, help="Articles per transaction.")] = 100,
             prune: Annotated[bool, typer.Option("--prune", help="Also remove from Neo4j the articles the "
                                                 "embedded store no longer holds (kg forget).")] = False,
             as_json: JsonOpt = False) -> None:
    """Copy the embedded store (--store, default ./kg.db) to Neo4j: batched, resumable, idempotent."""
    from kg.push import push, rates
    if uri.split("://")[0] not in BOLT_SCHEMES:
        raise KgError(f"not a Neo4j URI: {uri!r} (bolt://… or neo4j://…)")
    if store and store.split("://")[0] in BOLT_SCHEMES:
        raise KgError(f"--store must be an embedded store file, not {store!r}")
    with open_store(store, create=False) as source, \
            open_store(uri, **_login(ctx, user, password, database)) as target, _progress() as bar:
        task = bar.add_task("push", total=None)
        result = push(source, target, batch, progress=lambda done, total: bar.update(task, completed=done,
                                                                                        total=total),
                      prune=prune)
    if as_json:
        print_json({**result, **rates(result)})
        return
    counts = {k: result[k] for k in ("articles", "skipped", "new", "replaced", "unchanged", "pruned", "nodes",
                                     "claims", "facts")}
    out.print(table([{**counts, "seconds": result["seconds"], **rates(result)}], title=f"Push to {uri}"))


def _login(ctx: typer.Context, user: str | None, password: str | None, database: str | None) -> dict:
    """push's own options, else those given to `kg` itself (else the Bolt store reads KG_NEO4J_*)."""
    given = credentials(ctx)
    return {"user": user or given.get("user"), "password": password if password is not None else given.get("password"),
            "database": database or given.get("database")}


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal)
