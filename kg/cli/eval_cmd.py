"""`kg eval`: precision, recall and F1 of extraction against a gold file."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import JsonOpt, out, print_json, styled, table, user_errors

app = typer.Typer()


@app.command("eval")
@user_errors
def eval_cmd(gold: Annotated[Path, typer.Argument(help="Gold JSON Lines (corpus format).")],
             as_json: JsonOpt = False,
             errors: Annotated[bool, typer.Option("--errors", help="List false positives/negatives per article.")] = False,
             part: Annotated[str, typer.Option("--part", help="all | develop (≈70 % of items, by id hash) | check (the rest).")] = "all",
             ) -> None:
    """Score the extractors on a gold file: P/R/F1 per category, document field accuracy."""
    from kg.evaluate import PARTS, evaluate
    from loaders.extract import extract
    if part not in PARTS:
        raise typer.BadParameter(f"--part must be one of {', '.join(PARTS)}, not {part!r}")
    report = evaluate(gold, lambda article: extract(article).to_gold(), part).as_dict(with_errors=errors)
    if as_json:
        print_json(report)
        return
    rows = [{"category": c, **s} for c, s in report["categories"].items()]
    out.print(table(rows, ["category", "precision", "recall", "f1", "tp", "fp", "fn"],
                    title=f"{report['items']} items"))
    out.print(table([report["documents"]], title="Matched documents"))
    for item in report.get("errors", []):
        out.print(styled(item["id"], "bold"))  # an article id is stored text, never markup
        for category, detail in item.items():
            if category != "id":
                out.print(f"  {category}: {detail}", markup=False, highlight=False)
