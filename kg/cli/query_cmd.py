"""Query commands: each parses options, calls one function in `queries`, renders the result."""
from __future__ import annotations

from typing import Annotated

import typer

import queries
from kg.cli.common import (JsonOpt, ProvinceOpt, SinceOpt, StoreOpt, UntilOpt, out, print_json, table,
                           user_errors)
from kg.model import schema
from kg.stores import open_store

app = typer.Typer()

NodeType = Annotated[str | None, typer.Option("--type", "-t", help="One of: " + ", ".join(schema().nodes))]
# Lists come a page at a time, newest (or best) first; --json carries total, limit, offset and
# truncated, so a script knows when to ask for the next page.
LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most this many.")]
OffsetOpt = Annotated[int, typer.Option("--offset", min=0, help="Skip this many first (the next page).")]


def _show(result, as_json: bool, render) -> None:
    print_json(result) if as_json else render(result)


def _of(r: dict, what: str) -> str:
    """A title's tail saying which part of the whole a page shows."""
    shown = len(r[what])
    total = r["total"] if r["total"] is not None else f"more than {r['offset'] + shown}"
    if not r["truncated"]:
        return f"{r['total']}"
    first = f"{r['offset'] + 1}–{r['offset'] + shown}" if shown else "none"
    return f"{first} of {total}; --limit/--offset for more"


@app.command("chaired")
@user_errors
def chaired_cmd(person: str, store: StoreOpt = None, province: ProvinceOpt = None, since: SinceOpt = None,
                until: UntilOpt = None, limit: LimitOpt = 50, offset: OffsetOpt = 0, as_json: JsonOpt = False) -> None:
    """Meetings a person chaired, newest first (date, province, co-chairs, source)."""
    with open_store(store, create=False, mapped=True) as db:
        result = queries.chaired(db, person, province, since, until, limit, offset)
    _show(result, as_json, lambda r: out.print(table(
        [_meeting_row(m) for m in r["meetings"]], ["date", "meeting", "province", "co_chairs", "source"],
        title=f"Meetings chaired by {r['person']['name']} ({r['person']['province'] or '?'}): {_of(r, 'meetings')}")))


def _meeting_row(m: dict) -> dict:
    province = m["province"]
    if province and m.get("province_now") and m["province_now"] != province:
        province = f"{province} (now {m['province_now']})"
    return {**m, "meeting": m["name"], "province": province,
            "source": [s["url"] or s["article"] for s in m["sources"]]}


@app.command("who-chaired")
@user_errors
def who_chaired_cmd(meeting: str, store: StoreOpt = None, province: ProvinceOpt = None,
                    since: SinceOpt = None, until: UntilOpt = None, limit: LimitOpt = 50, offset: OffsetOpt = 0,
                    contains: Annotated[bool, typer.Option(
                        "--contains", help="Every meeting whose name contains the text, even when some "
                                           "meeting is named exactly that.")] = False,
                    as_json: JsonOpt = False) -> None:
    """Meetings named by a text, newest first, with their chairs.

    A text that is a meeting's whole name (accents optional) lists the meetings of that
    name; otherwise, or with --contains, every meeting whose name contains it."""
    with open_store(store, create=False, mapped=True) as db:
        result = queries.who_chaired(db, meeting, province, since, until, limit, offset, contains)
    _show(result, as_json, lambda r: out.print(table(
        [_meeting_row(m) for m in r["meetings"]], ["date", "meeting", "province", "chairs", "source"],
        title=f"Who chaired {meeting!r} ({'named exactly' if r['match'] == 'exact' else 'name contains'}): "
              f"{_of(r, 'meetings')}")))


@app.command("meetings")
@user_errors
def meetings_cmd(store: StoreOpt = None, province: ProvinceOpt = None, since: SinceOpt = None,
                 until: UntilOpt = None, limit: LimitOpt = 50, offset: OffsetOpt = 0, as_json: JsonOpt = False) -> None:
    """Meetings in the store, newest first."""
    with open_store(store, create=False, mapped=True) as db:
        result = queries.meetings(db, province, since, until, limit, offset)
    _show(result, as_json, lambda r: out.print(table(
        [_meeting_row(m) for m in r["meetings"]], ["date", "meeting", "province", "chairs"],
        title=f"Meetings: {_of(r, 'meetings')}")))


@app.command("person")
@user_errors
def person_cmd(name: str, store: StoreOpt = None, province: ProvinceOpt = None,
               limit: Annotated[int, typer.Option("--limit", "-n", min=1,
                                                  help="Newest meetings shown per role.")] = 20,
               as_json: JsonOpt = False) -> None:
    """A person's posts over time and the meetings they chaired, spoke at or attended."""
    with open_store(store, create=False, mapped=True) as db:
        result = queries.person_profile(db, name, province, limit)
    _show(result, as_json, _render_person)


def _render_person(r: dict) -> None:
    person = r["person"]
    out.print(f"[bold]{person['name']}[/bold] ({person['province'] or '?'})  {person['id']}")
    out.print(table(_brief_sources(r["posts"]), ["post", "first", "last", "sources"], title="Posts (attested)"))
    for role, rows in r["meetings"].items():
        if rows:
            total = r["meeting_totals"][role]
            shown = f"{total}" if total <= len(rows) else f"newest {len(rows)} of {total}; --limit for more"
            out.print(table([_meeting_row(m) for m in rows], ["date", "meeting", "province"],
                            title=f"Meetings {role}: {shown}"))


@app.command("holders")
@user_errors
def holders_cmd(post: str, store: StoreOpt = None, province: ProvinceOpt = None,
                on: Annotated[str | None, typer.Option("--on", help="Date (YYYY-MM-DD).")] = None,
                as_json: JsonOpt = False) -> None:
    """Who held a post (e.g. "Bí thư Tỉnh ủy Hậu Giang"), optionally at a date."""
    with open_store(store, create=False, mapped=True) as db:
        result = queries.holders(db, post, province, on)
    _show(result, as_json, lambda r: out.print(table(_brief_sources(r["holders"]), ["name", "first", "last", "sources"],
                                                     title=r["post"]["name"])))


def _brief_sources(rows: list[dict], keep: int = 5) -> list[dict]:
    """A busy post is attested by thousands of articles: the table names a few and counts
    the rest (--json lists them all)."""
    return [{**r, "sources": r["sources"] if len(r["sources"]) <= keep else
             [*r["sources"][:keep], f"… {len(r['sources']) - keep} more"]} for r in rows]


@app.command("doc")
@user_errors
def doc_cmd(number: str, store: StoreOpt = None, province: ProvinceOpt = None, as_json: JsonOpt = False) -> None:
    """A document: type, issuer, date, meetings that acted on it, articles citing it."""
    with open_store(store, create=False, mapped=True) as db:
        result = queries.document(db, number, province)
    _show(result, as_json, _render_doc)


def _render_doc(r: dict) -> None:
    out.print(table([r], ["number", "type", "issuer", "date", "province", "id"]))
    if r["acted_on_by"]:
        out.print(table(r["acted_on_by"], ["date", "meeting", "action", "article"], title="Meetings"))
    if r["relations"]:
        rows = [{**x, "other": x["document"]["number"]} for x in r["relations"]]
        out.print(table(rows, ["direction", "rel", "other", "article"], title="Relations"))
    out.print("cited by: " + (", ".join(r["cited_by"]) or "-"))


@app.command("unresolved")
@user_errors
def unresolved_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Dateless document mentions that fit several known documents, left unmerged."""
    with open_store(store, create=False, mapped=True) as db:
        result = queries.unresolved_documents(db)
    _show(result, as_json, lambda r: out.print(table(r["documents"], ["number", "type", "province", "cited_by", "id"],
                                                     title="Unresolved document mentions")))


Format = Annotated[str, typer.Option("--format", "-f", help="tree, json, mermaid or dot")]


@app.command("lineage")
@user_errors
def lineage_cmd(number: str, store: StoreOpt = None, province: ProvinceOpt = None,
                up: Annotated[bool, typer.Option("--up", help="Walk to what it rests on.")] = False,
                down: Annotated[bool, typer.Option("--down", help="Walk to what implements it (default).")] = False,
                both: Annotated[bool, typer.Option("--both")] = False,
                depth: Annotated[int, typer.Option(min=1, max=50)] = 6,
                fanout: Annotated[int, typer.Option(
                    "--fanout", min=0, help="Documents listed under each document, newest first (0: all).")] = 25,
                limit: Annotated[int, typer.Option(
                    "--limit", "-n", min=0, help="Documents listed in all (0: no bound).")] = 500,
                fmt: Format = "tree", as_json: JsonOpt = False) -> None:
    """Directive lineage from a document, down to what implements it or up to its bases.

    A central resolution is implemented by thousands of documents: what --fanout and --limit
    leave out is counted ("N more"; in --json, `more` and `truncated`)."""
    from kg.cli.lineage_render import render
    direction = "both" if both or (up and down) else "up" if up else "down"
    with open_store(store, create=False, mapped=True) as db:
        result = queries.lineage(db, number, direction, depth, province, fanout, limit)
    render(result, "json" if as_json else fmt)


@app.command("search")
@user_errors
def search_cmd(text: str, store: StoreOpt = None, node_type: NodeType = None, limit: LimitOpt = 50,
               offset: OffsetOpt = 0, as_json: JsonOpt = False) -> None:
    """Find entities by name, without diacritics or across tone-mark placement.

    Exact names first, then by the matching name in alphabetical order. When very many names
    match, the total is not counted (--json: total null, truncated true)."""
    if node_type and node_type not in schema().nodes:
        raise typer.BadParameter(f"unknown type {node_type!r}", param_hint="--type")
    with open_store(store, create=False, mapped=True) as db:
        result = queries.search(db, text, node_type, limit, offset)
    _show(result, as_json, lambda r: out.print(table(r["results"], ["type", "name", "province", "id"],
                                                     title=f"{text!r}: {_of(r, 'results')}")))


@app.command("stats")
@user_errors
def stats_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Counts of articles, nodes and edges by type."""
    with open_store(store, create=False, mapped=True) as db:
        result = queries.stats(db)
    rows = [{"kind": "node", "type": t, "count": n} for t, n in result["nodes"].items()] + \
           [{"kind": "edge", "type": t, "count": n} for t, n in result["edges"].items()]
    _show(result, as_json, lambda r: out.print(table(rows, title=f"{r['articles']} articles")))


@app.command("path")
@user_errors
def path_cmd(source: str, target: str, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """The shortest chain of relations between two entities, each hop with its evidence."""
    with open_store(store, create=False, mapped=True) as db:
        result = queries.path(db, source, target)
    _show(result, as_json, lambda r: out.print(table(r["hops"], ["from", "type", "to", "article", "sentence"])))
