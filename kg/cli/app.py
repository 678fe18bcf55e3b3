"""The `kg` command: one Typer app joined from one sub-app per command module."""
from __future__ import annotations

import typer

from kg.cli import eval_cmd, ingest_cmd, query_cmd

app = typer.Typer(name="kg", no_args_is_help=True, add_completion=False,
                  help="Vietnamese government and Party news → a document-reference knowledge graph.")
for module in (ingest_cmd, query_cmd, eval_cmd):
    app.add_typer(module.app)


def main() -> None:
    app()
