"""Shared CLI pieces: options, output (Rich for people, --json for machines), errors."""
from __future__ import annotations

import functools
import inspect
import json
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console, ConsoleDimensions
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from kg.errors import Ambiguous, KgError
from kg.stores import Store, open_store, store_location
from queries.dates import parse_date, readable

# Characters a terminal acts on (ESC sequences, C1 controls, bidi overrides, zero-width marks):
# stored text is shown, never executed. Newlines and tabs are kept (a cell folds them to spaces).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
PIPE_WIDTH = 1_000_000  # "no limit": a pipe gets whole lines


def clean(text: str) -> str:
    return _UNSAFE.sub("", text)


class Screen(Console):
    """A console for stored text. Nothing is read as markup or emoji codes (an article saying
    `[/b]` or `:flag:` is printed as written), control characters are dropped from every string
    rendered, and output that is not a terminal is never wrapped or cropped, so `grep` sees
    whole rows. On a terminal a table wider than the window is printed at its own minimum
    width (ids never cut) and the terminal wraps the long lines."""

    def __init__(self, **kwargs):
        super().__init__(soft_wrap=True, markup=False, emoji=False, highlight=False, **kwargs)
        self._widened: int | None = None

    @property
    def size(self) -> ConsoleDimensions:
        if self._widened:
            return ConsoleDimensions(self._widened, super().size.height)
        if self.is_terminal:
            return super().size
        return ConsoleDimensions(PIPE_WIDTH, 25)

    @size.setter
    def size(self, new_size) -> None:
        Console.size.fset(self, new_size)

    def render_str(self, text: str, **kwargs) -> Text:
        return super().render_str(clean(text), **kwargs)

    def print(self, *objects, **kwargs) -> None:
        if self.is_terminal and "width" not in kwargs:
            unbounded = self.options.update_width(PIPE_WIDTH)
            need = max((Measurement.get(self, unbounded, o).minimum for o in objects
                        if not isinstance(o, str)), default=0)
            if need > self.width:
                self._widened = need
        try:
            super().print(*objects, **kwargs)
        finally:
            self._widened = None


out = Screen()
err = Screen(stderr=True)


def styled(text: str, style: str) -> Text:
    """Stored text with a style of ours (never parsed as markup)."""
    return Text(clean(text), style=style)


StoreOpt = Annotated[str | None, typer.Option("--store", "-s", envvar="KG_STORE",
                                              help="SQLite file or bolt://… / neo4j://… URI [default: ./kg.db]")]
# Neo4j credentials: the options win (`kg --neo4j-password … CMD`, kept in the context object),
# else KG_NEO4J_USER / KG_NEO4J_PASSWORD / KG_NEO4J_DATABASE, read by the Bolt store itself.
Neo4jUserOpt = Annotated[str | None, typer.Option("--neo4j-user", help="Neo4j user [env KG_NEO4J_USER, default neo4j]")]
Neo4jPasswordOpt = Annotated[str | None, typer.Option("--neo4j-password", help="Neo4j password [env KG_NEO4J_PASSWORD]")]
Neo4jDatabaseOpt = Annotated[str | None, typer.Option("--neo4j-database",
                                                      help="Neo4j database [env KG_NEO4J_DATABASE, default neo4j]")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table (same as --format json).")]
ProvinceOpt = Annotated[str | None, typer.Option(
    "--province", "-p", help="Province, old or new name, accents optional (HCM, BR-VT, TT-Huế too).")]


def choices(name: str, values: Iterable[str]) -> type[StrEnum]:
    """An option's choices from a format registry: Typer checks and lists them, and each
    member is the registry's own string."""
    return StrEnum(name, {value: value for value in values})


def credentials(ctx: typer.Context | None) -> dict:
    """The Neo4j user, password and database given to `kg` itself (None: not given)."""
    root = ctx.find_root() if ctx is not None else None
    return dict(root.obj) if root is not None and isinstance(root.obj, dict) else {}


def open_for(ctx: typer.Context | None, location: str | None, **options) -> Store:
    """`open_store` with the credentials of the context (a bolt:// or neo4j:// store uses them)."""
    return open_store(location, **{**credentials(ctx), **options})


def reads_store(fn: Callable) -> Callable:
    """A query command as `fn(db, **options)`: the command takes `--store` (after its
    arguments) in place of `db`, opens that store for reading with the context's credentials,
    runs `fn` (which asks `queries` and renders), and turns errors into one `Error:` line.
    `--json` is `--format json` where a command has both."""
    signature = inspect.signature(fn, eval_str=True)
    db, *rest = signature.parameters.values()
    if db.name != "db":
        raise TypeError(f"{fn.__name__}: the first parameter of a query command is `db`")
    at = max((i + 1 for i, p in enumerate(rest) if _is_argument(p)), default=0)
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params = [inspect.Parameter("ctx", kind, annotation=typer.Context), *rest[:at],
              inspect.Parameter("store", kind, annotation=StoreOpt, default=None), *rest[at:]]

    @functools.wraps(fn)
    def command(ctx: typer.Context, store: str | None = None, **options):
        if options.get("as_json") and "fmt" in options:
            options["fmt"] = "json"
        with open_for(ctx, store, create=False, mapped=True) as db:
            return fn(db, **options)

    command.__signature__ = signature.replace(parameters=params)
    command.__annotations__ = {p.name: p.annotation for p in params}
    return user_errors(command)


def _is_argument(param: inspect.Parameter) -> bool:
    """A positional argument: declared one, or (Typer's rule) a parameter without a default."""
    return param.default is inspect.Parameter.empty or any(isinstance(m, typer.models.ArgumentInfo) for m in getattr(param.annotation, "__metadata__", ()))


def _date_bound(end: bool) -> Callable[[str | None], str | None]:
    def parse(value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return parse_date(value, end=end)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    return parse


_DATE_HELP = "YYYY-MM-DD or dd/mm/yyyy (YYYY-MM and YYYY too)"
SinceOpt = Annotated[str | None, typer.Option("--since", callback=_date_bound(end=False),
                                              help=f"From this date: {_DATE_HELP}.")]
UntilOpt = Annotated[str | None, typer.Option("--until", callback=_date_bound(end=True),
                                              help=f"Up to this date: {_DATE_HELP}.")]
OnOpt = Annotated[str | None, typer.Option("--on", callback=_date_bound(end=False), help=f"On this date: {_DATE_HELP}.")]


def user_errors(fn: Callable) -> Callable:
    """Library errors become one `Error: …` line on stderr and a non-zero exit, never a traceback.
    Candidates of an ambiguous name go to stderr as a table (stdout may be a file being
    written), or to stdout as JSON when JSON was asked for."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Ambiguous as exc:
            if kwargs.get("as_json") or kwargs.get("fmt") in ("json", "jsonl"):
                print_json({"error": "ambiguous", "query": exc.query, "candidates": exc.candidates})
            else:
                err.print(table(exc.candidates, title="Candidates"))
            err.print(f"Error: {exc}; pass an id or --province")
            raise typer.Exit(exc.exit_code) from None
        except KgError as exc:
            if kwargs.get("as_json") or kwargs.get("fmt") in ("json", "jsonl"):
                print_json({"error": type(exc).__name__.lower(), "message": str(exc)})
            err.print(f"Error: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except sqlite3.DatabaseError as exc:  # a damaged page is found when a query reads it
            where = store_location(kwargs.get("store"))
            err.print(f"Error: cannot read store {where}: {exc} (restore it from a copy, or re-ingest)")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("Error: interrupted")
            raise typer.Exit(130) from None
    return wrapper


# JSON keeps stored text faithfully; characters a terminal would act on are \u-escaped
# (json.dumps escapes C0 itself, not C1 controls or bidi overrides).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def json_text(data, indent: int | None = 2) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(data) -> None:
    sys.stdout.write(json_text(data) + "\n")


HEADINGS = {"co_chairs": "co-chairs", "first": "first attested", "last": "last attested"}
DATE_COLUMNS = {"date", "first", "last", "published", "on"}
ID_COLUMNS = {"id", "article", "source", "sources", "post_id", "province_id", "meeting_id"}


def table(rows: list[dict], columns: list[str] | None = None, title: str | None = None) -> Table:
    """A Rich table of stored text; id columns never wrap (an id is copied whole)."""
    columns = columns or (list(rows[0]) if rows else [])
    grid = Table(title=title, show_lines=False)
    for column in columns:
        whole = column in ID_COLUMNS or column.endswith("_id")
        grid.add_column(HEADINGS.get(column, column.replace("_", " ")), no_wrap=whole,
                        overflow="ignore" if whole else "fold")
    for row in rows:
        grid.add_row(*[cell(readable(row.get(c)) if c in DATE_COLUMNS else row.get(c)) for c in columns])
    return grid


def cell(value) -> str:
    """One value as table text: lists joined, a source by its article, stored text on one line."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return value.get("article") or value.get("name") or json.dumps(value, ensure_ascii=False)
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)
