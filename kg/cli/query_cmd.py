"""Meetings and people: each command (`reads_store`) calls one function in `queries` and renders it."""
from __future__ import annotations

from typing import Annotated

import typer

import queries
from kg.cli.common import JsonOpt, OnOpt, ProvinceOpt, SinceOpt, UntilOpt, out, print_json, reads_store, styled, table
from kg.cli.output import EvidenceOpt, FormatOpt, complete, emit, show_evidence

app = typer.Typer()

# Lists come a page at a time, newest (or best) first; --json carries total, limit, offset and
# truncated, so a script knows when to ask for the next page.
LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most this many.")]
OffsetOpt = Annotated[int, typer.Option("--offset", min=0, help="Skip this many first (the next page).")]
PersonArg = Annotated[str, typer.Argument(help="A name (accents optional) or a person id.",
                                          autocompletion=complete("Person"))]


def of(r: dict, what: str) -> str:
    """A title's tail saying which part of the whole a page shows."""
    shown = len(r[what])
    total = r["total"] if r["total"] is not None else f"more than {r['offset'] + shown}"
    if not r["truncated"]:
        return f"{r['total']}"
    first = f"{r['offset'] + 1}–{r['offset'] + shown}" if shown else "none"
    return f"{first} of {total}; --limit/--offset for more"


def meeting_row(m: dict) -> dict:
    province = m["province"]
    if province and m.get("province_now") and m["province_now"] != province:
        province = f"{province} (now {m['province_now']})"
    return {**m, "meeting": m["name"], "province": province,
            "source": [s["url"] or s["article"] for s in m["sources"]]}


def chair_facts(row: dict) -> list[tuple[str, list[dict]]]:
    by_chair: dict[str, list[dict]] = {}
    for source in row.get("chair_evidence", []):
        by_chair.setdefault(source["chair"], []).append(source)
    return [(f"{chair} chaired {row['name']} ({row['date'] or 'undated'})", sources)
            for chair, sources in by_chair.items()]


@app.command("chaired")
@reads_store
def chaired_cmd(db, person: PersonArg, province: ProvinceOpt = None, since: SinceOpt = None,
                until: UntilOpt = None, limit: LimitOpt = 50, offset: OffsetOpt = 0, evidence: EvidenceOpt = False,
                fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Meetings a person chaired, newest first (date, province, co-chairs, source)."""
    r = queries.chaired(db, person, province, since, until, limit, offset, evidence)
    emit(r, [meeting_row(m) for m in r["meetings"]], ["date", "meeting", "province", "co_chairs", "source"], fmt,
         title=f"Meetings chaired by {r['person']['name']} ({r['person']['province'] or '?'}) "
               f"{r['person']['id']}", count=of(r, "meetings"),
         empty="no meetings match", evidence=chair_facts if evidence else None)


@app.command("who-chaired")
@reads_store
def who_chaired_cmd(db, meeting: str, province: ProvinceOpt = None,
                    since: SinceOpt = None, until: UntilOpt = None, limit: LimitOpt = 50, offset: OffsetOpt = 0,
                    contains: Annotated[bool, typer.Option(
                        "--contains", help="Every meeting whose name contains the text, even when some "
                                           "meeting is named exactly that.")] = False,
                    evidence: EvidenceOpt = False, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Meetings named by a text, newest first, with their chairs.

    A text that is a meeting's whole name (accents optional) lists the meetings of that
    name; otherwise, or with --contains, every meeting whose name contains it."""
    r = queries.who_chaired(db, meeting, province, since, until, limit, offset, contains, evidence)
    how = "named exactly" if r["match"] == "exact" else "name contains"
    emit(r, [meeting_row(m) for m in r["meetings"]], ["date", "meeting", "province", "chairs", "source"], fmt,
         title=f"Who chaired {meeting!r} ({how})", count=of(r, "meetings"), empty="no meetings match",
         evidence=chair_facts if evidence else None)


@app.command("meetings")
@reads_store
def meetings_cmd(db, province: ProvinceOpt = None, since: SinceOpt = None,
                 until: UntilOpt = None, limit: LimitOpt = 50, offset: OffsetOpt = 0, fmt: FormatOpt = "table",
                 as_json: JsonOpt = False) -> None:
    """Meetings in the store, newest first."""
    r = queries.meetings(db, province, since, until, limit, offset)
    emit(r, [meeting_row(m) for m in r["meetings"]], ["date", "meeting", "province", "chairs", "id"], fmt,
         title="Meetings", count=of(r, "meetings"), empty="no meetings match")


@app.command("person")
@reads_store
def person_cmd(db, name: PersonArg, province: ProvinceOpt = None,
               limit: Annotated[int, typer.Option("--limit", "-n", min=1,
                                                  help="Newest meetings shown per role.")] = 20,
               evidence: EvidenceOpt = False, as_json: JsonOpt = False) -> None:
    """A person's posts over time and the meetings they chaired, spoke at or attended."""
    result = queries.person_profile(db, name, province, limit, evidence)
    print_json(result) if as_json else _render_person(result, evidence)


ROLE_HEADINGS = {"chaired": "Meetings chaired", "spoke": "Meetings spoken at", "attended": "Meetings attended"}


def _render_person(r: dict, evidence: bool) -> None:
    person = r["person"]
    out.print(styled(f"{person['name']} ({person['province'] or '?'})  {person['id']}", "bold"))
    out.print(table(brief_sources(r["posts"]), ["post", "first", "last", "sources"],
                    title="Posts (first and last attested; not terms of office)"))
    for post in r["posts"] if evidence else []:
        show_evidence(f"{person['name']}: {post['post']}", post["evidence"])
    for role, rows in r["meetings"].items():
        total = r["meeting_totals"][role]
        if not rows:
            continue
        shown = f"{total}" if total <= len(rows) else f"newest {len(rows)} of {total}; --limit for more"
        out.print(table([meeting_row(m) for m in rows], ["date", "meeting", "province"],
                        title=f"{ROLE_HEADINGS[role]}: {shown}"))
        for row in rows if evidence else []:
            for fact, sources in chair_facts({**row, "chair_evidence": [
                    e for e in row.get("chair_evidence", []) if e["chair"] == person["name"]]}):
                show_evidence(fact, sources)


@app.command("holders")
@reads_store
def holders_cmd(db, post: Annotated[str, typer.Argument(help='A post, e.g. "Bí thư Tỉnh ủy Hậu Giang", or its id.',
                                                    autocompletion=complete("Post"))],
                province: ProvinceOpt = None, on: OnOpt = None,
                limit: LimitOpt = 50, offset: OffsetOpt = 0, evidence: EvidenceOpt = False,
                fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Who is attested in a post and over which span, optionally around a date.

    Dates are those of the events the articles report (else their publication): the span is
    when someone was seen in the post, not their term of office."""
    r = queries.holders(db, post, province, on, limit, offset, evidence)
    rows = brief_sources(r["holders"])
    title = r["post"]["name"] + (f", attested around {on}" if on else "")
    emit(r, rows, ["name", "first", "last", "attestations", "sources"], fmt, title=title,
         count=of(r, "holders"),
         empty=_nobody(r), evidence=(lambda h: [(f"{h['name']}: {r['post']['name']}", h["evidence"])])
         if evidence else None)


def _nobody(r: dict) -> str:
    near = r.get("nearest") or {}
    bits = [f"last attested before: {near['before']['name']} (last attested {near['before']['last']})"
            if near.get("before") else "", f"first attested after: {near['after']['name']} "
            f"(first attested {near['after']['first']})" if near.get("after") else "",
            "undated, so not placed: " + ", ".join(u["name"] for u in near["undated"]) if near.get("undated") else ""]
    return "; ".join(["no one is attested", *[b for b in bits if b]])


def brief_sources(rows: list[dict], keep: int = 5) -> list[dict]:
    """A busy post is attested by thousands of articles: the table names a few and counts
    the rest (--json lists them all)."""
    return [{**r, "sources": r["sources"] if len(r["sources"]) <= keep else
             [*r["sources"][:keep], f"… {len(r['sources']) - keep} more"]} for r in rows]
