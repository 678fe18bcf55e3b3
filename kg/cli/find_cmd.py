"""Finding things: search, counts, stored articles, why the graph says something, paths."""
from __future__ import annotations

from typing import Annotated

import typer

import queries
from kg.cli.common import JsonOpt, choices, out, print_json, reads_store, styled
from kg.cli.output import EvidenceOpt, FormatOpt, emit, show_evidence
from kg.cli.query_cmd import LimitOpt, OffsetOpt, of
from kg.model import schema

app = typer.Typer()

NodeType = Annotated[choices("NodeType", schema().nodes) | None, typer.Option("--type", "-t", help="A node type.")]


@app.command("search")
@reads_store
def search_cmd(db, text: str, node_type: NodeType = None, limit: LimitOpt = 50,
               offset: OffsetOpt = 0, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Find entities by name, without diacritics or across tone-mark placement.

    Exact names first, then by the matching name in alphabetical order. When very many names
    match, the total is not counted (--json: total null, truncated true)."""
    r = queries.search(db, text, node_type, limit, offset)
    emit(r, r["results"], ["type", "name", "province", "id"], fmt, title=f"{text!r}", count=of(r, "results"),
         empty="nothing matches")


@app.command("stats")
@reads_store
def stats_cmd(db, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Counts of articles, nodes and edges by type."""
    r = queries.stats(db)
    rows = [{"kind": "node", "type": t, "count": n} for t, n in r["nodes"].items()] + \
           [{"kind": "edge", "type": t, "count": n} for t, n in r["edges"].items()]
    emit(r, rows, ["kind", "type", "count"], fmt, title=f"{r['articles']} articles", empty="the store is empty")


@app.command("articles")
@reads_store
def articles_cmd(db, limit: LimitOpt = 50, offset: OffsetOpt = 0, fmt: FormatOpt = "table",
                 as_json: JsonOpt = False) -> None:
    """The stored articles, newest first (the ids `kg forget` takes)."""
    r = queries.articles(db, limit, offset)
    emit(r, r["articles"], ["published", "article", "outlet", "title", "url"], fmt,
         title="Articles", count=of(r, "articles"), empty="none stored")


@app.command("why")
@reads_store
def why_cmd(db, node: Annotated[str, typer.Argument(help="A node id (as search shows it), or a name.")],
            other: Annotated[str | None, typer.Argument(help="A second node: only the relations between the two.")] = None,
            as_json: JsonOpt = False) -> None:
    """Every claim behind a node (or the relations between two): article and sentence."""
    r = queries.why(db, node, other)
    if as_json:
        return print_json(r)
    out.print(styled(f"{r['node']['name']} ({r['node']['type']})  {r['node']['id']}: {r['total']} claims", "bold"))
    for claim in r["claims"]:
        show_evidence(f"{claim['from']} {claim['type']} {claim['to']}", [claim])


@app.command("path")
@reads_store
def path_cmd(db, source: str, target: str,
             max_hops: Annotated[int, typer.Option("--max-hops", min=1, help="Longest chain accepted.")] = 6,
             through_hubs: Annotated[bool, typer.Option(
                 "--through-hubs", help="Also walk through hubs: nodes with over 50 links.")] = False,
             evidence: EvidenceOpt = False, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """The shortest chain of relations between two entities, each hop with its evidence."""
    r = queries.path(db, source, target, max_hops, through_hubs, evidence=evidence)
    emit(r, r["hops"], ["from", "type", "to", "article", "sentence"], fmt,
         title=f"{len(r['hops'])} hops: " + " → ".join(n["name"] for n in r["nodes"]), empty="no hops",
         evidence=(lambda h: [(f"{h['from']} {h['type']} {h['to']}", [h["evidence"]])]) if evidence else None)
