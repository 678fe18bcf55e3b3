"""Neo4j bulk formats: `neo4j-admin database import` CSVs and a cypher-shell script.

Both reproduce the Bolt store's layout (see `kg.stores.neo4j_layout`): `(:KgNode:<Type>)` nodes,
`(:KgArticle)` articles, `KG_CLAIMS` claims and one relationship per claiming article, so the
loaded database is itself a kg store (`kg stats --store bolt://…` answers as the source does).
Labels and relationship types come only from `schema()`; they are checked again before use.
They read the embedded (SQLite) store, which keeps claims and aliases per article.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import StoreError
from kg.model import schema
from kg.stores.base import Store
from kg.stores.neo4j_layout import ARTICLE_LABEL, CLAIMS, NODE_LABEL, RESERVED, label, rel_type, schema_statements
from kg.text import ascii_key, key

ARRAY_DELIMITER = "\x1f"  # U+001F (unit separator): no name or alias contains it
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
STATEMENT_CHARS = 256_000  # one UNWIND statement holds at most about this much literal text


class _Date(str):
    """A full ISO date, written as a Neo4j DATE (`date('…')` or a `:date` column)."""


# -- reading the embedded store ---------------------------------------------------------------
def _db(store: Store):
    db = getattr(store, "db", None)
    if db is None:
        raise StoreError(f"Neo4j export reads an embedded (SQLite) store; {store.location} is not one")
    return db


def _date_or_text(value):
    return _Date(value) if isinstance(value, str) and _FULL_DATE.match(value) else value


def _articles(db) -> Iterator[dict]:
    for id_, hash_, published, meta, text in db.execute(
            "SELECT id, hash, published, meta, text FROM articles ORDER BY rowid"):
        full = _date_or_text(published)
        yield {"id": id_, "hash": hash_, "published": published,
               "published_date": full if isinstance(full, _Date) else None, "meta": meta, "text": text}


def _nodes(store: Store, db, node_type: str) -> Iterator[dict]:
    aliases: dict[str, list[str]] = {}
    for node_id, alias in db.execute("SELECT a.node_id, a.alias FROM aliases a JOIN nodes n ON n.id=a.node_id "
                                     "WHERE n.type=? ORDER BY a.node_id, a.alias", (node_type,)):
        aliases.setdefault(node_id, []).append(alias)
    spec = schema().nodes[node_type]
    for node in store.iter_nodes(node_type):
        names = list(dict.fromkeys([node.name, *aliases.get(node.id, [])]))
        native = {name: _date_or_text(node.props[name]) if prop.type == "date" else node.props[name]
                  for name, prop in spec.properties.items()
                  if name not in RESERVED and isinstance(node.props.get(name), (str, int, float, bool))}
        yield {**native, "id": node.id, "type": node.type, "name": node.name,
               "props": json.dumps(node.props, ensure_ascii=False), "aliases": names,
               "aliases_f": list(dict.fromkeys(key(a) for a in names)),
               "aliases_a": list(dict.fromkeys(ascii_key(a) for a in names))}


def _claims(db) -> Iterator[dict]:
    for article_id, node_id, props, start, end, sentence, extractor in db.execute(
            "SELECT article_id, node_id, props, start, end, sentence, extractor FROM claims "
            "ORDER BY article_id, node_id"):
        yield {"a": article_id, "n": node_id, "p": {"props": props, "start": start, "end": end,
                                                     "sentence": sentence, "extractor": extractor}}


def _edges(db, edge_type: str) -> Iterator[dict]:
    for src, dst, article_id, props, start, end, sentence, extractor in db.execute(
            "SELECT src, dst, article_id, props, start, end, sentence, extractor FROM edges WHERE type=? "
            "ORDER BY src, dst, article_id", (edge_type,)):
        yield {"s": src, "d": dst, "p": {"article_id": article_id, "props": props, "start": start,
                                          "end": end, "sentence": sentence, "extractor": extractor}}


def _node_types(db) -> list[str]:
    return [label(t) for t in schema().nodes
            if db.execute("SELECT 1 FROM nodes WHERE type=? LIMIT 1", (t,)).fetchone()]


def _edge_types(db) -> list[str]:
    return [rel_type(t) for t in schema().edges
            if db.execute("SELECT 1 FROM edges WHERE type=? LIMIT 1", (t,)).fetchone()]


# -- Cypher script ----------------------------------------------------------------------------
def cypher_literal(value) -> str:
    """A Cypher literal for data: strings fully escaped, so a script line is one statement."""
    if value is None:
        return "null"
    if isinstance(value, _Date):
        return f"date('{value}')"  # matched the full-date pattern: digits and dashes only
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


def _unwind(rows: Iterator[dict], tail: str) -> Iterator[str]:
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


def cypher_statements(store: Store) -> Iterator[str]:
    db = _db(store)
    for _name, statement in schema_statements():
        yield statement + ";"
    yield from _unwind(_articles(db), f"MERGE (a:{ARTICLE_LABEL} {{id: r.id}}) SET a = r")
    for node_type in _node_types(db):
        yield from _unwind(_nodes(store, db, node_type), f"MERGE (n:{NODE_LABEL} {{id: r.id}}) SET n = r, n:{node_type}")
    yield from _unwind(_claims(db), f"MATCH (a:{ARTICLE_LABEL} {{id: r.a}}) MATCH (n:{NODE_LABEL} {{id: r.n}}) "
                                    f"MERGE (a)-[c:{CLAIMS}]->(n) SET c = r.p")
    for rel in _edge_types(db):
        yield from _unwind(_edges(db, rel), f"MATCH (s:{NODE_LABEL} {{id: r.s}}) MATCH (d:{NODE_LABEL} {{id: r.d}}) "
                                            f"MERGE (s)-[e:{rel} {{article_id: r.p.article_id}}]->(d) SET e = r.p")


def write_cypher(store: Store, out_file: Path, base_iri: str) -> dict:
    """A cypher-shell script: constraints, then batched UNWIND/MERGE, one statement per line."""
    statements = 0
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with open(out_file, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("// kg graph for Neo4j 5: cypher-shell -u neo4j -p PASSWORD -d neo4j -f "
                 f"{out_file.name}\n// Re-running it is harmless (MERGE); one statement per line.\n")
        for statement in cypher_statements(store):
            fh.write(statement + "\n")
            statements += 1
    return {"statements": statements, **_counts(store)}


def _counts(store: Store) -> dict:
    db = _db(store)
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    return {"articles": one("SELECT COUNT(*) FROM articles"), "nodes": one("SELECT COUNT(*) FROM nodes"),
            "claims": one("SELECT COUNT(*) FROM claims"), "relationships": one("SELECT COUNT(*) FROM edges")}


# -- neo4j-admin CSV --------------------------------------------------------------------------
def _column(name: str, values: list) -> tuple[str, str]:
    """A typed header (`date:date`, `views:long`, …): the type every present value fits."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, _Date) for v in present):
        return name, f"{name}:date"
    if present and all(isinstance(v, bool) for v in present):
        return name, f"{name}:boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return name, f"{name}:long"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return name, f"{name}:double"
    return name, name


def _cell(value) -> str:
    """One CSV field. Text is always quoted, so that `""` (an empty string) and an empty field
    (no value: the property is absent) stay apart, as neo4j-admin reads them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, list):
        value = ARRAY_DELIMITER.join(str(v).replace(ARRAY_DELIMITER, " ") for v in value)
    return '"' + str(value).replace('"', '""') + '"'


def _write_csv(path: Path, header: list[str], rows: Iterable[list]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")  # names and types only: nothing to quote
        for row in rows:
            fh.write(",".join(_cell(v) for v in row) + "\n")
            count += 1
    return count


def write_csv(store: Store, out_dir: Path, base_iri: str) -> dict:
    """One nodes file per label, one relationships file per type, constraints and import.sh."""
    db, out_dir = _db(store), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    node_files, rel_files, rows = [], [], {}
    fixed = [("id", f"id:ID({ARTICLE_LABEL})"), ("label", ":LABEL"), ("hash", "hash"), ("published", "published"),
             ("published_date", "published_date:date"), ("meta", "meta"), ("text", "text")]
    articles = ({**a, "label": ARTICLE_LABEL} for a in _articles(db))
    rows["articles.csv"] = _table(out_dir / "articles.csv", fixed, articles)
    node_files.append("articles.csv")
    for node_type in _node_types(db):
        nodes = [{**n, "label": [NODE_LABEL, node_type]} for n in _nodes(store, db, node_type)]
        native = [_column(p, [n.get(p) for n in nodes]) for p in schema().nodes[node_type].properties
                  if p not in RESERVED and any(p in n for n in nodes)]
        columns = [("id", f"id:ID({NODE_LABEL})"), ("label", ":LABEL"), ("type", "type"), ("name", "name"),
                   ("props", "props"), ("aliases", "aliases:string[]"), ("aliases_f", "aliases_f:string[]"),
                   ("aliases_a", "aliases_a:string[]"), *native]
        name = f"nodes_{node_type}.csv"
        rows[name] = _table(out_dir / name, columns, nodes)
        node_files.append(name)
    evidence = [("props", "props"), ("start", "start:long"), ("end", "end:long"), ("sentence", "sentence"),
                ("extractor", "extractor")]
    claims = ({"s": c["a"], "d": c["n"], "t": CLAIMS, **c["p"]} for c in _claims(db))  # streamed: millions
    rows[f"rels_{CLAIMS}.csv"] = _table(out_dir / f"rels_{CLAIMS}.csv", [
        ("s", f":START_ID({ARTICLE_LABEL})"), ("d", f":END_ID({NODE_LABEL})"), ("t", ":TYPE"), *evidence], claims)
    rel_files.append(f"rels_{CLAIMS}.csv")
    for rel in _edge_types(db):
        edges = ({"s": e["s"], "d": e["d"], "t": rel, **e["p"]} for e in _edges(db, rel))
        name = f"rels_{rel}.csv"
        rows[name] = _table(out_dir / name, [("s", f":START_ID({NODE_LABEL})"), ("d", f":END_ID({NODE_LABEL})"),
                                             ("t", ":TYPE"), ("article_id", "article_id"), *evidence], edges)
        rel_files.append(name)
    _write_scripts(out_dir, node_files, rel_files)
    return {"files": len(rows), "rows": sum(rows.values()), **_counts(store)}


def _table(path: Path, columns: list[tuple[str, str]], records: Iterable[dict]) -> int:
    return _write_csv(path, [header for _, header in columns], ([r.get(k) for k, _ in columns] for r in records))


def import_args(node_files: list[str], rel_files: list[str], database: str) -> list[str]:
    """`neo4j-admin` arguments loading these files into `database` (which comes first: after the
    file options it would be taken for one more relationships file)."""
    return (["database", "import", "full", database, "--overwrite-destination", "--multiline-fields=true",
             "--array-delimiter=U+001F"] + [f"--nodes={f}" for f in node_files]
            + [f"--relationships={f}" for f in rel_files])


def import_files(out_dir: Path) -> tuple[list[str], list[str]]:
    """(node files, relationship files) of a `write_csv` directory."""
    names = sorted(p.name for p in Path(out_dir).glob("*.csv"))
    return ([n for n in names if n == "articles.csv" or n.startswith("nodes_")],
            [n for n in names if n.startswith("rels_")])


def import_command(node_files: list[str], rel_files: list[str], database: str = '"$DATABASE"') -> str:
    return " ".join(["neo4j-admin", *import_args(node_files, rel_files, database)])


def _write_scripts(out_dir: Path, node_files: list[str], rel_files: list[str]) -> None:
    (out_dir / "constraints.cypher").write_text(
        "".join(statement + ";\n" for _name, statement in schema_statements()), encoding="utf-8")
    command = import_command(node_files, rel_files)
    script = out_dir / "import.sh"
    script.write_text(
        "#!/bin/sh\n# Load these CSVs into an offline Neo4j 5 (the database is replaced), then, with the\n"
        "# server running, create the constraints: cypher-shell -d \"$DATABASE\" -f constraints.cypher\n"
        "set -eu\ncd \"$(dirname \"$0\")\"\nDATABASE=\"${1:-neo4j}\"\n" + command + "\n", encoding="utf-8")
    script.chmod(0o755)
    (out_dir / "README.md").write_text(
        "# kg graph as neo4j-admin import CSVs\n\nWith the Neo4j server stopped (`./import.sh [DATABASE]` does "
        "the same):\n\n    " + import_command(node_files, rel_files, "neo4j") + "\n\nThen start the server and "
        "run `cypher-shell -d neo4j -f constraints.cypher`.\nArrays (aliases, labels) are separated by U+001F; "
        "`date` columns hold full ISO dates only.\n", encoding="utf-8")
