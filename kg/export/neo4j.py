"""Neo4j bulk formats: `neo4j-admin database import` CSVs and a Cypher script.

Both write the Bolt store's layout (`kg.stores.neo4j.layout`): entity and Article nodes with
native properties, CLAIMS from articles, one relationship per fact with its articles' evidence
in lists, and each scoped document's IN_PROVINCE, so the loaded database is itself a kg store
(`kg stats --store bolt://…` answers as the source does). Labels and relationship types come
only from `schema()`. They read any store through its `GraphSource` (kg.stores.source).

The script is made of small statements (about STATEMENT_CHARS of literal data each): Neo4j's
parser is slow on long literals, and a statement of 250 KB took seconds to parse.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg import types
from kg.model import id_prefix, node_id
from kg.errors import StoreError
from kg.export import neo4j_rows as read
from kg.model import schema
from kg.stores.base import Store
from kg.stores.neo4j.layout import CLAIMS, NODE_LABEL, SCOPE_REL, fact_keys, label, rel_type, schema_statements

ARRAY_DELIMITER = "\x1f"  # U+001F (unit separator): no name or alias contains it
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
STATEMENT_CHARS = 16_000  # literal text per UNWIND statement: parses in milliseconds


# -- Cypher script ----------------------------------------------------------------------------
def cypher_literal(value) -> str:
    """A Cypher literal for data: strings fully escaped, so a script line is one statement."""
    if value is None:
        return "null"
    if hasattr(value, "iso_format"):
        return f"date('{value.iso_format()}')"  # a neo4j.time.Date: digits and dashes only
    if isinstance(value, str):
        return cypher_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_identifier(k)}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise StoreError(f"cannot write {type(value).__name__} as a Cypher literal")


_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def cypher_string(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or ch in "\u2028\u2029":
            out.append(f"\\u{code:04x}")  # controls, separators, lone surrogates: never raw
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def _identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise StoreError(f"refusing property name {name!r} in a Cypher script")
    return f"`{name}`"


def _unwind(rows: Iterable[dict], tail: str) -> Iterator[str]:
    """`UNWIND [literal rows] AS r <tail>;` statements of at most about STATEMENT_CHARS each."""
    chunk, size = [], 0
    for row in rows:
        literal = cypher_literal(row)
        chunk.append(literal)
        size += len(literal)
        if size >= STATEMENT_CHARS:
            yield f"UNWIND [{', '.join(chunk)}] AS r {tail};"
            chunk, size = [], 0
    if chunk:
        yield f"UNWIND [{', '.join(chunk)}] AS r {tail};"


def cypher_statements(store: Store, written: Counter | None = None) -> Iterator[str]:
    """The script's statements; `written` counts the articles, nodes, claims and relationships."""
    written = Counter() if written is None else written
    present = store.counts()
    for _name, statement in schema_statements():
        yield statement + ";"
    with store.graph_source() as source:
        for node_type in _present(schema().nodes, present["nodes"]):
            yield from _unwind(_counted(read.nodes(source, label(node_type)), written, "nodes"),
                               f"MERGE (n:{NODE_LABEL} {{id: r.id}}) SET n = r, n:{node_type}")
        yield from _unwind(_counted(read.claims(source), written, "claims"),
                           f"MATCH (a:{NODE_LABEL} {{id: '{id_prefix('Article')}' + r.a}}) MATCH (n:{NODE_LABEL} {{id: r.n}}) "
                           f"MERGE (a)-[c:{CLAIMS}]->(n) SET c = r.p")
        for edge_type in _present(schema().edges, present["edges"]):
            keys = ", ".join(f"{k}: r.k.{k}" for k in fact_keys(edge_type))
            yield from _unwind(_counted(read.facts(source, edge_type), written, "relationships"),
                               f"MATCH (s:{NODE_LABEL} {{id: r.s}}) MATCH (d:{NODE_LABEL} {{id: r.d}}) "
                               f"MERGE (s)-[e:{rel_type(edge_type)} {{{keys}}}]->(d) SET e = r.p")
        yield from _unwind(_counted(read.scopes(source), written, "relationships"),
                           f"MATCH (s:{NODE_LABEL} {{id: r.s}}) MATCH (d:{NODE_LABEL} {{id: r.d}}) "
                           f"MERGE (s)-[:{SCOPE_REL}]->(d)")
    written["articles"] = present["articles"]


def _present(declared, counted: dict) -> list[str]:
    """The declared types the store holds, in the schema's order."""
    return [t for t in declared if counted.get(t)]


def _counted(rows: Iterable, counter: Counter, name: str) -> Iterator:
    for row in rows:
        counter[name] += 1
        yield row


def write_cypher(store: Store, out_file: Path, base_iri: str) -> dict:
    """A Cypher script: the schema, then small UNWIND/MERGE statements, one per line."""
    statements, written = 0, Counter()
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with open(out_file, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("// kg graph for Neo4j 5: one statement per line (cypher-shell -f FILE, or kg's README: "
                 f"{out_file.name})\n// Re-running it is harmless (MERGE).\n")
        for statement in cypher_statements(store, written):
            fh.write(statement + "\n")
            statements += 1
    return {"statements": statements, **_totals(written)}


def _totals(written: Counter) -> dict:
    return {name: written[name] for name in ("articles", "nodes", "claims", "relationships")}


# -- neo4j-admin CSV --------------------------------------------------------------------------
def _kind(value) -> str:
    """The neo4j-admin type of a value ("" for text)."""
    return types.of_value(value).csv


def _column_type(kinds: set[str]) -> str:
    """The neo4j-admin type of a column whose values are of `kinds` ("" for text)."""
    if kinds <= {"long", "double"} and "double" in kinds:
        return "double"
    if kinds and all(k.endswith("[]") for k in kinds):
        inner = {k[:-2] for k in kinds} - {""}
        return (inner.pop() if len(inner) == 1 else "string") + "[]"
    return kinds.pop() if len(kinds) == 1 else ""


def _plain(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return str(value).replace(ARRAY_DELIMITER, " ")


def _cell(value) -> str:
    """One CSV field. Text is always quoted, so that `""` (an empty string) and an empty field
    (no value: the property is absent) stay apart, as neo4j-admin reads them."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)) or hasattr(value, "iso_format"):
        return repr(value) if isinstance(value, float) else _plain(value)
    if isinstance(value, list):
        value = ARRAY_DELIMITER.join(_plain(v) for v in value)
    return '"' + str(value).replace('"', '""') + '"'


def _table(path: Path, fixed: list[str], records, written: Counter, counted: str) -> list[str]:
    """A CSV of the maps `records()` yields (called twice: the header needs every column,
    and millions of claims should not sit in memory): the `fixed` fields (`key=header`),
    then one typed column per other property."""
    fixed_keys = [f.split("=")[0] for f in fixed]
    kinds: dict[str, set[str]] = {}
    for record in records():
        for k, v in record.items():
            if k not in fixed_keys and v is not None:
                kinds.setdefault(k, set()).add(_kind(v))
    names = sorted(kinds)
    header = [f.split("=")[1] for f in fixed] + [f"{n}:{t}" if (t := _column_type(kinds[n])) else n for n in names]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")  # names and types only: nothing to quote
        for record in records():
            fh.write(",".join(_cell(record.get(k)) for k in fixed_keys + names) + "\n")
            written[counted] += 1
    return header


# -- LOAD CSV script --------------------------------------------------------------------------
def _value(header: str) -> tuple[str, str]:
    """(property name, Cypher reading it from `row`) for a typed CSV header."""
    name, _, kind = header.partition(":")
    _identifier(name)
    field = f"row.`{header}`"
    items = f"split({field}, '\\u001f')"
    convert = {"long": f"toInteger({field})", "double": f"toFloat({field})", "boolean": f"toBoolean({field})",
               "date": f"date({field})", "string[]": items, "long[]": f"[v IN {items} | toInteger(v)]",
               "boolean[]": f"[v IN {items} | toBoolean(v)]", "date[]": f"[v IN {items} | date(v)]"}
    return name, convert.get(kind, field)


def _load_statement(name: str, header: list[str]) -> str:
    """One LOAD CSV statement (a few hundred characters: it parses in milliseconds) for a file."""
    sets = ", ".join(f"x.{prop} = {read}" for prop, read in (_value(h) for h in header[3 if header[2] == ":TYPE"
                                                                                        else 2:]))
    if name.startswith("nodes_"):
        node_type = label(name[len("nodes_"):-len(".csv")])
        body = f"MERGE (x:{NODE_LABEL} {{id: row.`{header[0]}`}}) SET x:{node_type}, {sets}"
    else:
        rel = {"rels_scope.csv": SCOPE_REL}.get(name) or name[len("rels_"):-len(".csv")]
        if rel not in {CLAIMS, *(rel_type(t) for t in schema().edges)}:
            raise StoreError(f"unknown relationship file {name}")
        keys = ", ".join(f"{k}: row.{k}" for t in schema().edges if rel_type(t) == rel for k in fact_keys(t))
        body = (f"MATCH (s:{NODE_LABEL} {{id: row.`{header[0]}`}}) MATCH (d:{NODE_LABEL} {{id: row.`{header[1]}`}}) "
                f"MERGE (s)-[x:{rel}{' {' + keys + '}' if keys else ''}]->(d)" + (f" SET {sets}" if sets else ""))
    return (f"LOAD CSV WITH HEADERS FROM 'file:///{name}' AS row "
            f"CALL {{ WITH row {body} }} IN TRANSACTIONS OF 2000 ROWS;")


def _write_load_script(out_dir: Path, headers: dict[str, list[str]]) -> None:
    lines = [statement + ";" for _name, statement in schema_statements()]
    lines += [_load_statement(name, header) for name, header in headers.items()]
    (out_dir / "load.cypher").write_text(
        "// Load these CSVs into a running Neo4j 5 without neo4j-admin or APOC: copy them into the server's\n"
        "// import directory, then run each line (auto-commit: cypher-shell, Neo4j Browser, session.run).\n"
        + "".join(line + "\n" for line in lines), encoding="utf-8")


def write_csv(store: Store, out_dir: Path, base_iri: str) -> dict:
    """One nodes file per label, one relationships file per type, the schema and import.sh."""
    out_dir, written, present = Path(out_dir), Counter(), store.counts()
    out_dir.mkdir(parents=True, exist_ok=True)
    headers: dict[str, list[str]] = {}
    ends = ["s=:START_ID(KgNode)", "d=:END_ID(KgNode)", "t=:TYPE"]
    with store.graph_source() as source:
        for node_type in _present(schema().nodes, present["nodes"]):
            nodes = lambda t=label(node_type): ({**n, ":LABEL": [NODE_LABEL, t]} for n in read.nodes(source, t))  # noqa: E731
            headers[f"nodes_{node_type}.csv"] = _table(out_dir / f"nodes_{node_type}.csv",
                                                       [f"id=id:ID({NODE_LABEL})", ":LABEL=:LABEL"], nodes, written, "nodes")
        claims = lambda: ({"s": node_id("Article", article=c['a']), "d": c["n"], "t": CLAIMS, **c["p"]} for c in read.claims(source))  # noqa: E731
        headers[f"rels_{CLAIMS}.csv"] = _table(out_dir / f"rels_{CLAIMS}.csv", ends, claims, written, "claims")
        for edge_type in _present(schema().edges, present["edges"]):
            name = f"rels_{rel_type(edge_type)}.csv"
            facts = lambda t=edge_type: ({"s": f["s"], "d": f["d"], "t": rel_type(t), **f["p"]}  # noqa: E731
                                         for f in read.facts(source, t))
            headers[name] = _table(out_dir / name, ends, facts, written, "relationships")
        if next(read.scopes(source), None):
            scopes = lambda: ({**link, "t": SCOPE_REL} for link in read.scopes(source))  # noqa: E731
            headers["rels_scope.csv"] = _table(out_dir / "rels_scope.csv", ends, scopes, written, "relationships")
    written["articles"] = present["articles"]
    names = list(headers)
    _write_scripts(out_dir, [n for n in names if n.startswith("nodes_")], [n for n in names if n.startswith("rels_")])
    _write_load_script(out_dir, headers)
    return {"files": len(headers), **_totals(written)}


def import_args(node_files: list[str], rel_files: list[str], database: str) -> list[str]:
    """`neo4j-admin` arguments loading these files into `database` (which comes first: after the
    file options it would be taken for one more relationships file)."""
    return (["database", "import", "full", database, "--overwrite-destination", "--multiline-fields=true",
             "--array-delimiter=U+001F"] + [f"--nodes={f}" for f in node_files]
            + [f"--relationships={f}" for f in rel_files])


def import_files(out_dir: Path) -> tuple[list[str], list[str]]:
    """(node files, relationship files) of a `write_csv` directory."""
    names = sorted(p.name for p in Path(out_dir).glob("*.csv"))
    return [n for n in names if n.startswith("nodes_")], [n for n in names if n.startswith("rels_")]


def import_command(node_files: list[str], rel_files: list[str], database: str = '"$DATABASE"') -> str:
    return " ".join(["neo4j-admin", *import_args(node_files, rel_files, database)])


def _write_scripts(out_dir: Path, node_files: list[str], rel_files: list[str]) -> None:
    (out_dir / "schema.cypher").write_text(
        "".join(statement + ";\n" for _name, statement in schema_statements()), encoding="utf-8")
    command = import_command(node_files, rel_files)
    script = out_dir / "import.sh"
    script.write_text(
        "#!/bin/sh\n# Load these CSVs into an offline Neo4j 5 (the database is replaced), then, with the\n"
        "# server running, create the id constraint and indexes of schema.cypher (or open it with kg once).\n"
        "set -eu\ncd \"$(dirname \"$0\")\"\nDATABASE=\"${1:-neo4j}\"\n" + command + "\n", encoding="utf-8")
    script.chmod(0o755)
    (out_dir / "README.md").write_text(
        "# kg graph as neo4j-admin import CSVs\n\nWith the Neo4j server stopped (`./import.sh [DATABASE]` does "
        "the same):\n\n    " + import_command(node_files, rel_files, "neo4j") + "\n\nThen start the server and "
        "create the schema: run the statements of `schema.cypher` (Neo4j Browser, any driver), or run any kg "
        "command with `--store bolt://…` once.\nArrays (aliases, evidence lists, labels) are separated by U+001F; "
        "`date` columns hold full ISO dates only (partial ones are in `…Partial` text columns).\n", encoding="utf-8")
