"""How a query's answer reaches the user: a table, JSON, JSON Lines, CSV or TSV; the evidence
under each fact; and shell completion of names and numbers from the store."""
from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from typing import Annotated

import typer
from rich.text import Text

from kg.cli.common import DATE_COLUMNS, cell, choices, clean, credentials, json_text, out, print_json, styled, table
from queries.dates import readable

FORMATS = ("table", "json", "jsonl", "csv", "tsv")  # every list answer's formats
ListFormat = choices("ListFormat", FORMATS)
FormatOpt = Annotated[ListFormat, typer.Option(
    "--format", "-f", case_sensitive=False,
    help="table, json, jsonl (one row a line), csv (UTF-8 with BOM, for spreadsheets) or tsv.")]
EvidenceOpt = Annotated[bool, typer.Option(
    "--evidence", "-e", help="Under each fact, the article (id, outlet, date, URL) and the sentence, span marked.")]


def emit(result: dict, rows: list[dict], columns: list[str], fmt: str, *, title: str, empty: str, count: str = "",
         evidence: Callable[[dict], list[tuple[str, list[dict]]]] | None = None) -> None:
    """Print one list answer. JSON is the whole answer; JSON Lines, CSV and TSV one row a line
    (the table's columns); a table is titled "title: count", and says "title: empty" rather
    than showing only headers. With
    `evidence` (row → [(fact, sources)]), each row's facts follow the table with their sources."""
    if fmt == "json":
        print_json(result)
    elif fmt == "jsonl":
        for row in rows:
            sys.stdout.write(json_text(row, indent=None) + "\n")
    elif fmt in ("csv", "tsv"):
        _delimited(rows, columns, fmt)
    elif not rows:
        out.print(f"{title}: {empty}")
    else:
        out.print(table(rows, columns, title=f"{title}: {count}" if count else title))
        if evidence:
            for row in rows:
                for fact, sources in evidence(row):
                    show_evidence(fact, sources)


def _delimited(rows: list[dict], columns: list[str], fmt: str) -> None:
    if fmt == "csv":
        sys.stdout.write("\ufeff")  # a spreadsheet opens UTF-8 (Vietnamese) only with the BOM
    writer = csv.writer(sys.stdout, dialect="excel" if fmt == "csv" else "excel-tab", lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_flat(readable(row.get(c)) if c in DATE_COLUMNS else row.get(c)) for c in columns])


def _flat(value) -> str:
    if isinstance(value, list):
        return "; ".join(_flat(v) for v in value)
    return clean(cell(value))


def show_evidence(fact: str, sources: list[dict]) -> None:
    """A fact, then each source: article id · outlet · date · URL, and the sentence with the
    claimed words marked (bold on a terminal, [in brackets] in a pipe)."""
    out.print(styled(f"• {cell(fact)}", "bold"))
    if not sources:
        out.print("    (no source sentence stored)")
    for source in sources:
        where = " · ".join(cell(v) for v in (source.get("article"), source.get("outlet"),
                                             source.get("published"), source.get("url")) if v)
        out.print(styled(f"    {where}", "dim"))
        out.print(Text("      ").append(quote(source.get("sentence") or "", source.get("span"))))


def quote(sentence: str, span: list[int] | None) -> Text:
    if not span:
        return Text(_line(sentence))
    start, end = span
    before, words, after = (_line(part) for part in (sentence[:start], sentence[start:end], sentence[end:]))
    if not out.is_terminal:
        return Text(f"{before}[{words}]{after}")
    return Text.assemble(before, (words, "bold reverse"), after)


def _line(text: str) -> str:
    return clean(text.replace("\n", " ").replace("\t", " "))


def complete(node_type: str | None) -> Callable:
    """Shell completion from the store: names (and document numbers) starting the way the
    word being typed does, accents optional. Silent when there is no store."""
    def names(ctx: typer.Context, incomplete: str) -> list[str]:
        import os
        from kg.stores import open_store
        location = ctx.params.get("store") or os.environ.get("KG_STORE") or "kg.db"
        if len(incomplete) < 2 or ("://" not in location and not os.path.exists(location)):
            return []
        try:
            with open_store(location, create=False, mapped=True, **credentials(ctx)) as db:
                found = [n.props.get("number", n.name) for n in db.find(incomplete, node_type, limit=30)]
        except Exception:  # noqa: BLE001 - completion must never break the shell
            return []
        return list(dict.fromkeys(found))
    return names
