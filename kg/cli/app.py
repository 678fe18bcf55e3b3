"""The `kg` command: one Typer app joined from one sub-app per command module."""
from __future__ import annotations

import os
import sys

import typer

from kg.cli import eval_cmd, export_cmd, ingest_cmd, neo4j_cmd, query_cmd, rdf_cmd, serve_cmd
from kg.cli.common import Neo4jDatabaseOpt, Neo4jPasswordOpt, Neo4jUserOpt

app = typer.Typer(name="kg", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Vietnamese government and Party news → a document-reference knowledge graph.")
for module in (ingest_cmd, query_cmd, export_cmd, eval_cmd, neo4j_cmd, rdf_cmd):
    app.add_typer(module.app)
app.add_typer(serve_cmd.app)


@app.callback()
def credentials(user: Neo4jUserOpt = None, password: Neo4jPasswordOpt = None,
                database: Neo4jDatabaseOpt = None) -> None:
    """Neo4j credentials for any command with a bolt:// or neo4j:// --store
    (`kg --neo4j-password … chaired …`); the KG_NEO4J_* variables are the same thing."""
    for name, value in (("KG_NEO4J_USER", user), ("KG_NEO4J_PASSWORD", password),
                        ("KG_NEO4J_DATABASE", database)):
        if value is not None:
            os.environ[name] = value


def main() -> None:
    """Entry point: an unexpected failure is one line too (KG_DEBUG=1 shows the traceback)."""
    try:
        app(standalone_mode=True)
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("KG_DEBUG"):
            raise
        sys.stderr.write(f"Error: internal error: {type(exc).__name__}: {exc} (KG_DEBUG=1 for details)\n")
        sys.exit(1)
