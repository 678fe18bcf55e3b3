"""Finding things: search, counts, stored articles, why the graph says something, paths."""
from __future__ import annotations

from typing import Annotated

import typer

import queries
from kg.cli.common import JsonOpt, StoreOpt, print_json, user_errors
from kg.cli.output import EvidenceOpt, FormatOpt, chosen, emit, show_evidence
from kg.cli.query_cmd import LimitOpt, OffsetOpt, of
from kg.model import schema
from kg.stores import open_store

app = typer.Typer()

NodeType = Annotated[str | None, typer.Option("--type", "-t", help="One of: " + ", ".join(schema().nodes))]


@app.command("search")
@user_errors
def search_cmd(text: str, store: StoreOpt = None, node_type: NodeType = None, limit: LimitOpt = 50,
               offset: OffsetOpt = 0, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Find entities by name, without diacritics or across tone-mark placement.

    Exact names first, then by the matching name in alphabetical order. When very many names
    match, the total is not counted (--json: total null, truncated true)."""
    fmt = chosen(fmt, as_json)
    if node_type and node_type not in schema().nodes:
        raise typer.BadParameter(f"unknown type {node_type!r}", param_hint="--type")
    with open_store(store, create=False, mapped=True) as db:
        r = queries.search(db, text, node_type, limit, offset)
    emit(r, r["results"], ["type", "name", "province", "id"], fmt, title=f"{text!r}", count=of(r, "results"),
         empty="nothing matches")


@app.command("stats")
@user_errors
def stats_cmd(store: StoreOpt = None, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Counts of articles, nodes and edges by type."""
    fmt = chosen(fmt, as_json)
    with open_store(store, create=False, mapped=True) as db:
        r = queries.stats(db)
    rows = [{"kind": "node", "type": t, "count": n} for t, n in r["nodes"].items()] + \
           [{"kind": "edge", "type": t, "count": n} for t, n in r["edges"].items()]
    emit(r, rows, ["kind", "type", "count"], fmt, title=f"{r['articles']} articles", empty="the store is empty")


@app.command("articles")
@user_errors
def articles_cmd(store: StoreOpt = None, limit: LimitOpt = 50, offset: OffsetOpt = 0, fmt: FormatOpt = "table",
                 as_json: JsonOpt = False) -> None:
    """The stored articles, newest first (the ids `kg forget` takes)."""
    fmt = chosen(fmt, as_json)
    with open_store(store, create=False, mapped=True) as db:
        r = queries.articles(db, limit, offset)
    emit(r, r["articles"], ["published", "article", "outlet", "title", "url"], fmt,
         title="Articles", count=of(r, "articles"), empty="none stored")


@app.command("why")
@user_errors
def why_cmd(node: Annotated[str, typer.Argument(help="A node id (as search shows it), or a name.")],
            other: Annotated[str | None, typer.Argument(help="A second node: only the relations between the two.")] = None,
            store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Every claim behind a node (or the relations between two): article and sentence."""
    with open_store(store, create=False, mapped=True) as db:
        r = queries.why(db, node, other)
    if as_json:
        return print_json(r)
    from kg.cli.common import out, styled
    out.print(styled(f"{r['node']['name']} ({r['node']['type']})  {r['node']['id']}: {r['total']} claims", "bold"))
    for claim in r["claims"]:
        show_evidence(f"{claim['from']} {claim['type']} {claim['to']}", [claim])


@app.command("path")
@user_errors
def path_cmd(source: str, target: str, store: StoreOpt = None,
             max_hops: Annotated[int, typer.Option("--max-hops", min=1, help="Longest chain accepted.")] = 6,
             through_hubs: Annotated[bool, typer.Option(
                 "--through-hubs", help="Also walk through hubs: nodes with over 50 links.")] = False,
             evidence: EvidenceOpt = False, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """The shortest chain of relations between two entities, each hop with its evidence."""
    fmt = chosen(fmt, as_json)
    with open_store(store, create=False, mapped=True) as db:
        r = queries.path(db, source, target, max_hops, through_hubs, evidence=evidence)
    emit(r, r["hops"], ["from", "type", "to", "article", "sentence"], fmt,
         title=f"{len(r['hops'])} hops: " + " → ".join(n["name"] for n in r["nodes"]), empty="no hops",
         evidence=(lambda h: [(f"{h['from']} {h['type']} {h['to']}", [h["evidence"]])]) if evidence else None)
