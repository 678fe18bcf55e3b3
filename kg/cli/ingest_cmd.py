"""`kg ingest`, `kg extract`, `kg forget`: getting articles in (and out)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.cli.common import JsonOpt, StoreOpt, choices, err, open_for, out, print_json, table, user_errors
from kg.errors import InputError
from kg.model import id_prefix
from loaders.detect import FORMATS

# kg.ingest and the extractors load inside the commands: every other command starts faster.

app = typer.Typer()

Inputs = Annotated[list[str], typer.Argument(
    help="Files, folders (recursive) or - for stdin: portal text, HTML pages, JSON Lines; .gz too.")]
InputFormat = choices("InputFormat", FORMATS)
FormatOpt = Annotated[InputFormat | None, typer.Option(
    "--format", "-f", case_sensitive=False, help="Read every input as text, html or jsonl [default: detected from content].")]
IncludeOpt = Annotated[list[str] | None, typer.Option(
    "--include", help="Take the files in folders whose name or relative path matches this glob (repeatable) "
                      "[default: .txt .html .htm .jsonl .json .gz].")]
ExcludeOpt = Annotated[list[str] | None, typer.Option(
    "--exclude", help="Skip files in folders whose name or relative path matches this glob (repeatable).")]
OutletsOpt = Annotated[list[str] | None, typer.Option(
    "--outlets", help="Extra domain<TAB>province file mapping outlets to provinces (repeatable; "
                      "KG_OUTLETS may also name such files, joined by the path separator).")]


@app.command("ingest")
@user_errors
def ingest_cmd(ctx: typer.Context, inputs: Inputs, store: StoreOpt = None, as_json: JsonOpt = False,
               strict: Annotated[bool, typer.Option(help="Stop at the first failure.")] = False,
               fmt: FormatOpt = None, include: IncludeOpt = None, exclude: ExcludeOpt = None,
               outlets: OutletsOpt = None,
               workers: Annotated[int, typer.Option(min=1, max=64, help="Extract in this many processes.")] = 1,
               max_errors: Annotated[int, typer.Option(
                   min=0, help="Errors listed per input file; the rest are counted.")] = 20
               ) -> None:
    """Read articles, extract facts with evidence, and store them."""
    from kg.ingest import ingest
    with open_for(ctx, store) as db, _progress() as bar:
        task = bar.add_task("ingest", total=None)
        summary = ingest(db, inputs, progress=lambda _: bar.advance(task), strict=strict, fmt=fmt and str(fmt),
                         include=include or (), exclude=exclude or (), outlets=outlets or (),
                         workers=workers, max_errors=max_errors)
    for message in summary.warnings:
        err.print(f"Warning: {message}", markup=False, highlight=False)
    for message in summary.errors:
        err.print(f"Error: {message}", markup=False, highlight=False)
    if as_json:
        print_json(summary.as_dict())
    else:
        counts = summary.as_dict()["articles"]
        out.print(table([{**counts, "entities_added": summary.entities_added,
                          "edges_added": summary.edges_added}], title="Ingest"))
    if summary.failed:
        raise typer.Exit(1)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal)


@app.command("extract")
@user_errors
def extract_cmd(inputs: Inputs,
                out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Write JSON Lines here.")] = None,
                fmt: FormatOpt = None) -> None:
    """Print extracted facts as JSON Lines in the gold shape, without a store."""
    from loaders.inputs import read_inputs
    from loaders.extract import extract as extract_article
    failed = 0
    sink = open(out_file, "w", encoding="utf-8") if out_file else None
    try:
        for record in read_inputs(inputs, fmt and str(fmt)):
            if isinstance(record, InputError):
                failed += 1
                err.print(f"Error: {record}", markup=False, highlight=False)
                continue
            line = json.dumps(extract_article(record).to_gold(), ensure_ascii=False)
            (sink.write(line + "\n") if sink else typer.echo(line))
    finally:
        if sink:
            sink.close()
    if failed:
        raise typer.Exit(1)


@app.command("forget")
@user_errors
def forget_cmd(ctx: typer.Context, article: Annotated[str, typer.Argument(help="Article id (or URL).")],
               store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Remove one article and exactly the claims only it supported."""
    from kg.errors import NotFound
    from kg.ingest import forget
    with open_for(ctx, store, create=False) as db:  # forget also brings a SPARQL store beside it up to date
        target = _article_id(db, article)
        if not forget(db, target):
            raise NotFound(f"no article {article!r} in the store")
    print_json({"forgotten": target}) if as_json else out.print(f"forgot {target}")


def _article_id(db, text: str) -> str:
    """An id, the node id `search` and `why` show (`article:…`), a title, a URL, or the path
    of the file the article was read from."""
    if not db.article(text):
        text = text.removeprefix(id_prefix("Article"))
    if db.article(text):
        return text
    if (from_file := _file_article(text)) and db.article(from_file):
        return from_file
    for node in db.find(text, "Article", exact=True):
        return node.id.removeprefix(id_prefix("Article"))
    for node in db.iter_nodes("Article"):
        if node.props.get("url") == text:
            return node.id.removeprefix(id_prefix("Article"))
    return text


def _file_article(text: str) -> str | None:
    """The id `kg ingest` gave the file at this path, when `text` names one."""
    from loaders.readers import file_id
    try:
        return file_id(Path(text)) if Path(text).is_file() else None
    except (OSError, ValueError):  # no path at all (too long, a NUL inside)
        return None
