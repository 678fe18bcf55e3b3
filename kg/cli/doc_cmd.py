"""Documents: one document, its lineage, which provinces implement it, unresolved numbers."""
from __future__ import annotations

from typing import Annotated

import typer

import queries
from kg.cli import lineage_render
from kg.cli.common import JsonOpt, ProvinceOpt, SinceOpt, UntilOpt, choices, out, print_json, reads_store, table
from kg.cli.output import EvidenceOpt, FormatOpt, complete, emit, show_evidence
from kg.cli.query_cmd import LimitOpt, OffsetOpt

app = typer.Typer()

NumberArg = Annotated[str, typer.Argument(help="A document number (21-NQ/TW, accents optional) or a document id.",
                                          autocompletion=complete("Document"))]


@app.command("doc")
@reads_store
def doc_cmd(db, number: NumberArg, province: ProvinceOpt = None,
            limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Citing articles shown.")] = 50,
            evidence: EvidenceOpt = False, as_json: JsonOpt = False) -> None:
    """A document: type, issuer, date, meetings that acted on it, articles citing it.

    When sources date it differently, the date most of them give is shown and the conflict
    is listed with both sources."""
    result = queries.document(db, number, province, limit, evidence)
    print_json(result) if as_json else _render_doc(result, evidence)


def _render_doc(r: dict, evidence: bool) -> None:
    flag = " (conflicting sources, see below)" if r["conflicts"] else ""
    out.print(table([{**r, "date": f"{r['date'] or ''}{flag}"}], ["number", "type", "issuer", "date", "province", "id"]))
    for conflict in r["conflicts"]:
        out.print(table([{"value": v["value"], "sources": v["sources"]} for v in conflict["values"]],
                        ["value", "sources"], title=f"Conflicting {conflict['field']}: most supported first"))
    if r["acted_on_by"]:
        out.print(table(r["acted_on_by"], ["date", "meeting", "action", "article"], title="Meetings"))
    if r["relations"]:
        rows = [{**x, "other": x["document"]["number"], "other_id": x["document"]["id"]} for x in r["relations"]]
        out.print(table(rows, ["direction", "rel", "other", "other_id", "article"], title="Relations"))
    more = f" ({len(r['cited_by'])} of {r['cited_total']}; --limit for more)" \
        if r["cited_total"] > len(r["cited_by"]) else ""
    out.print("cited by" + more + ": " + (", ".join(r["cited_by"]) or "-"))
    if evidence:
        show_evidence(f"{r['number']} cited", r["evidence"])
        for item in r["relations"] + r["acted_on_by"]:
            fact = item.get("rel") and f"{item['direction']} {item['rel']} {item['document']['number']}"
            show_evidence(fact or f"{item['meeting']} {item['action'] or 'acts on'} {r['number']}", [item["evidence"]])


@app.command("unresolved")
@reads_store
def unresolved_cmd(db, limit: LimitOpt = 50, offset: OffsetOpt = 0, fmt: FormatOpt = "table",
                   as_json: JsonOpt = False) -> None:
    """Dateless document mentions that fit several known documents, left unmerged."""
    r = queries.unresolved_documents(db, limit, offset)
    emit(r, r["documents"], ["number", "type", "province", "cited_by", "id"], fmt,
         title="Unresolved document mentions", count=str(r["total"]), empty="none")


LineageFormat = choices("LineageFormat", lineage_render.FORMATS)
LineageFormatOpt = Annotated[LineageFormat, typer.Option(
    "--format", "-f", case_sensitive=False,
    help="tree, json, mermaid, dot, or one edge a row: jsonl, csv (UTF-8 with BOM) or tsv")]
Direction = choices("Direction", ("down", "up", "both"))


def walk_direction(direction: Direction | None, up: bool, down: bool, both: bool) -> str:
    """--direction, or the flags it replaced (--up, --down, --both; --up --down is both)."""
    flagged = "both" if both or (up and down) else "up" if up else "down" if down else None
    if direction and flagged and flagged != direction:
        raise typer.BadParameter(f"{direction} contradicts --{flagged}", param_hint="--direction")
    return flagged or direction or "down"


@app.command("lineage")
@reads_store
def lineage_cmd(db, number: NumberArg,
                province: Annotated[str | None, typer.Option(
                    "--province", "-p", help="Keep documents of this province (and those linking them to "
                                             "the root); also picks the root when the number is ambiguous.")] = None,
                kind: Annotated[str | None, typer.Option("--type", "-t", help="Keep documents of this type "
                                                                                "(Kế hoạch, Quyết định…).")] = None,
                since: SinceOpt = None, until: UntilOpt = None,
                direction: Annotated[Direction | None, typer.Option(
                    "--direction", case_sensitive=False, show_default=False,
                    help="down (default): what implements it; up: what it rests on; both: above and below.")] = None,
                up: Annotated[bool, typer.Option("--up", hidden=True, help="--direction up")] = False,
                down: Annotated[bool, typer.Option("--down", hidden=True, help="--direction down")] = False,
                both: Annotated[bool, typer.Option("--both", hidden=True, help="--direction both")] = False,
                depth: Annotated[int, typer.Option(min=1, max=50, help="Levels walked each way.")] = 6,
                fanout: Annotated[int, typer.Option(
                    "--fanout", min=0, help="Documents listed under each document, newest first (0: all).")] = 25,
                limit: Annotated[int, typer.Option(
                    "--limit", "-n", min=0, help="Documents listed in all (0: no bound).")] = 500,
                evidence: EvidenceOpt = False, fmt: LineageFormatOpt = "tree", as_json: JsonOpt = False) -> None:
    """Directive lineage from a document, down to what implements it or up to its bases.

    A central resolution is implemented by thousands of documents: what --fanout and --limit
    leave out is counted ("N more"; in --json, `more` and `truncated`)."""
    way = walk_direction(direction, up, down, both)
    result = queries.lineage(db, number, way, depth, province, fanout, limit, kind, since, until, evidence)
    lineage_render.render(result, fmt)


@app.command("coverage")
@reads_store
def coverage_cmd(db, number: NumberArg,
                 depth: Annotated[int, typer.Option(min=1, max=50, help="Levels walked down.")] = 6,
                 fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Which provinces have documents implementing this one (any depth), and which have none."""
    r = queries.coverage(db, number, depth)
    rows = [{**p, "documents": [f"{d['number']} ({d['date'] or 'undated'})" for d in p["documents"]]}
            for p in r["provinces"]]
    doc = r["document"]
    emit(r, rows, ["province", "count", "documents"], fmt,
         title=f"Provinces implementing {doc['number']} ({doc['id']}): {r['total']}", empty="none found")
    if fmt == "table":
        out.print(f"None found in {len(r['none_found'])}: " + (", ".join(r["none_found"]) or "-"))
