"""Shared CLI pieces: options, output (Rich for people, --json for machines), errors."""
from __future__ import annotations

import functools
import json
import sqlite3
import sys
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kg.errors import Ambiguous, KgError
from kg.stores import store_location

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

StoreOpt = Annotated[str | None, typer.Option("--store", "-s", envvar="KG_STORE",
                                              help="SQLite file or bolt://… / neo4j://… URI [default: ./kg.db]")]
# Neo4j credentials: the options win, else KG_NEO4J_USER / KG_NEO4J_PASSWORD / KG_NEO4J_DATABASE
# (the environment is all the query commands read for a bolt:// or neo4j:// --store).
Neo4jUserOpt = Annotated[str | None, typer.Option("--neo4j-user", help="Neo4j user [env KG_NEO4J_USER, default neo4j]")]
Neo4jPasswordOpt = Annotated[str | None, typer.Option("--neo4j-password", help="Neo4j password [env KG_NEO4J_PASSWORD]")]
Neo4jDatabaseOpt = Annotated[str | None, typer.Option("--neo4j-database",
                                                      help="Neo4j database [env KG_NEO4J_DATABASE, default neo4j]")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ProvinceOpt = Annotated[str | None, typer.Option("--province", "-p", help="Province, old or new name.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="From date (YYYY-MM-DD).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="To date (YYYY-MM-DD).")]


def user_errors(fn: Callable) -> Callable:
    """Library errors become one `Error: …` line on stderr and a non-zero exit, never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Ambiguous as exc:
            if kwargs.get("as_json"):
                print_json({"error": "ambiguous", "query": exc.query, "candidates": exc.candidates})
            else:
                out.print(table(exc.candidates, title="Candidates"))
            err.print(f"Error: {exc}; pass an id or --province", markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except KgError as exc:
            err.print(f"Error: {exc}", markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except sqlite3.DatabaseError as exc:  # a damaged page is found when a query reads it
            where = store_location(kwargs.get("store"))
            err.print(f"Error: cannot read store {where}: {exc} (restore it from a copy, or re-ingest)",
                      markup=False, highlight=False)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("Error: interrupted", markup=False)
            raise typer.Exit(130) from None
    return wrapper


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def table(rows: list[dict], columns: list[str] | None = None, title: str | None = None) -> Table:
    columns = columns or (list(rows[0]) if rows else [])
    grid = Table(title=title, show_lines=False)
    for column in columns:
        grid.add_column(column.replace("_", " "))
    for row in rows:
        grid.add_row(*[_cell(row.get(c)) for c in columns])
    return grid


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return value.get("article") or value.get("name") or json.dumps(value, ensure_ascii=False)
    return str(value)
