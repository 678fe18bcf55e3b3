"""The `kg` command: one Typer app joined from one sub-app per command module."""
from __future__ import annotations

import functools
import os
import sys
from typing import Annotated

import typer
from typer import core as typer_core

from kg.cli import (cypher_cmd, doc_cmd, eval_cmd, export_cmd, find_cmd, ingest_cmd, neo4j_cmd, query_cmd,
                    rdf_cmd, serve_cmd, view_cmd)
from kg.cli.common import Neo4jDatabaseOpt, Neo4jPasswordOpt, Neo4jUserOpt, err

app = typer.Typer(name="kg", add_completion=True, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Vietnamese government and Party news → a document-reference knowledge graph.")
for module in (ingest_cmd, query_cmd, doc_cmd, find_cmd, export_cmd, eval_cmd, neo4j_cmd, rdf_cmd, cypher_cmd):
    app.add_typer(module.app)
app.add_typer(view_cmd.app, name="view")
app.add_typer(serve_cmd.app)


def _flag_type(display):
    """Typer labels on/off flags `<bool>` in help, as if they took a value: show nothing."""
    def display_type_rich(self, ctx):
        return None if getattr(self, "is_flag", False) else display(self, ctx)
    return display_type_rich


if hasattr(typer_core.TyperOption, "display_type_rich"):
    typer_core.TyperOption.display_type_rich = _flag_type(typer_core.TyperOption.display_type_rich)


def _kg_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("kg")
    except PackageNotFoundError:
        return "unknown"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"kg {_kg_version()}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def credentials(ctx: typer.Context, user: Neo4jUserOpt = None, password: Neo4jPasswordOpt = None,
                database: Neo4jDatabaseOpt = None,
                _version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                                       help="Print kg's version and exit.")] = False) -> None:
    """Neo4j credentials for any command with a bolt:// or neo4j:// --store
    (`kg --neo4j-password … chaired …`); the KG_NEO4J_* variables are the same thing."""
    if ctx.invoked_subcommand is None:  # `kg` alone: the help, as a success
        typer.echo(ctx.get_help())
        raise typer.Exit()
    # every command opens its store with these (kg.cli.common.open_for); the environment is
    # left alone, so nothing else in the process (or a child) sees the password
    ctx.obj = {"user": user, "password": password, "database": database}


@functools.cache
def click_command():
    """The click command Typer builds from `app` (once: building it reads every command)."""
    return typer.main.get_command(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point. A usage error is one line (`Error: …`, exit 2) naming the command's help;
    an unexpected failure is one line too (KG_DEBUG=1 shows the traceback)."""
    usage_error = typer.BadParameter.__mro__[1]  # click's UsageError, vendored or not
    try:
        code = click_command().main(args=argv, prog_name="kg", standalone_mode=False)
    except usage_error as exc:
        where = exc.ctx.command_path if exc.ctx else "kg"
        err.print(f"Error: {' '.join(exc.format_message().split())} (see {where} --help)")
        code = exc.exit_code
    except typer.Abort:
        err.print("Error: interrupted")
        code = 130
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("KG_DEBUG"):
            raise
        err.print(f"Error: internal error: {type(exc).__name__}: {exc} (KG_DEBUG=1 for details)")
        code = 1
    sys.exit(code if isinstance(code, int) else 0)
