"""`kg cypher`: a read-only Cypher passthrough to a Neo4j store, as `kg sparql` is for RDF.

The query runs in a transaction opened in READ access mode, so the server itself refuses a
write (`CREATE`, `SET`, `DELETE`, a writing procedure); parameters are passed as parameters.
Values come back as JSON-ready data: nodes as {id, labels, properties}, relationships as
{type, start, end, properties}, paths as their alternating nodes and relationships, temporal
values as ISO text.
"""
from __future__ import annotations

import json

from kg.errors import KgError, StoreError
from kg.stores.neo4j.reads import _wrap_errors


def parse_params(pairs: list[str]) -> dict:
    """`k=v` pairs: v as JSON when it is JSON (`n=3`, `ids=["a","b"]`, `x=null`), else as text."""
    params = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise KgError(f"--param {pair!r}: expected NAME=VALUE")
        try:
            params[name.strip()] = json.loads(text)
        except ValueError:
            params[name.strip()] = text
    return params


def cypher(store, query: str, params: dict) -> dict:
    """{"columns": [...], "rows": [[...], ...]} of a read-only query on a BoltStore."""
    if not hasattr(store, "driver"):
        raise StoreError(f"kg cypher needs a Neo4j store (--store bolt://…), not {store.location}")
    return _run(store, query, params)


@_wrap_errors
def _run(store, query: str, params: dict) -> dict:
    from neo4j import unit_of_work

    @unit_of_work(timeout=store.query_timeout or None)
    def work(tx):
        result = tx.run(query, params)
        return {"columns": list(result.keys()), "rows": [[plain(v) for v in record.values()] for record in result]}

    def run():
        with store.driver.session(database=store.database, default_access_mode="READ") as session:
            return session.execute_read(work)
    return store._bounded(run)


def plain(value):
    """A driver value as JSON-ready data."""
    from neo4j.graph import Node, Path, Relationship
    if isinstance(value, Node):
        return {"id": value.get("id"), "labels": sorted(value.labels), "properties": plain(dict(value))}
    if isinstance(value, Relationship):
        return {"type": value.type, "start": value.start_node.get("id") if value.start_node else None,
                "end": value.end_node.get("id") if value.end_node else None, "properties": plain(dict(value))}
    if isinstance(value, Path):
        items = [value.nodes[0]] + [x for rel, node in zip(value.relationships, value.nodes[1:]) for x in (rel, node)]
        return [plain(x) for x in items]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
