"""The embedded (SQLite) store read as the Neo4j layout's maps, for the neo4j-csv and Cypher exports."""
from __future__ import annotations

import json
from collections.abc import Iterator

from kg import model
from kg.errors import StoreError
from kg.model import schema
from kg.push import edge_claims, node_claims
from kg.stores.base import Store
from kg.stores.neo4j.layout import ARTICLE, article_map, claim_map, fact_dates, fact_rows, label, node_map


def db_of(store: Store):
    db = getattr(store, "db", None)
    if db is None:
        raise StoreError(f"Neo4j export reads an embedded (SQLite) store; {store.location} is not one")
    return db


def _aliases(db, node_type: str) -> dict[str, list[str]]:
    aliases: dict[str, list[str]] = {}
    for node_id, alias in db.execute("SELECT a.node_id, a.alias FROM aliases a JOIN nodes n ON n.id=a.node_id "
                                     "WHERE n.type=? ORDER BY a.node_id, a.alias", (node_type,)):
        aliases.setdefault(node_id, []).append(alias)
    return aliases


def nodes(db, node_type: str) -> Iterator[dict]:
    """The node maps of one type (Article nodes with their article record)."""
    if node_type == ARTICLE:
        for meta, content_hash, text, props in db.execute(
                f"SELECT a.meta, a.hash, a.text, n.props FROM articles a JOIN nodes n ON n.id = '{model.id_prefix('Article')}' || a.id "
                "ORDER BY n.id"):
            yield article_map(json.loads(meta), content_hash, text, json.loads(props))
        return
    aliases = _aliases(db, node_type)
    for node_id, name, props in db.execute("SELECT id, name, props FROM nodes WHERE type=? ORDER BY id", (node_type,)):
        yield node_map(node_id, name, json.loads(props), aliases.get(node_id, []))


def claims(db) -> Iterator[dict]:
    for node_id, article_id, props, start, end, sentence, extractor in node_claims(db):
        if node_id != model.node_id("Article", article=article_id):  # an article's own node carries what it says
            yield {"a": article_id, "n": node_id, "p": claim_map(json.loads(props), start, end, sentence, extractor)}


def facts(db, edge_type: str) -> Iterator[dict]:
    """One map per fact of a type: ends (Neo4j direction), key properties and all properties."""
    group: list[tuple] = []
    for claim in edge_claims(db, edge_type=edge_type):
        if group and (claim[0], claim[2]) != (group[0][0], group[0][2]):
            yield from _fact_maps(edge_type, group)
            group = []
        group.append(claim)
    if group:
        yield from _fact_maps(edge_type, group)


def _fact_maps(edge_type: str, claims: list[tuple]) -> Iterator[dict]:
    rows, _names = fact_rows(claims)[edge_type]
    for row in rows:
        props = {**row["k"], **row["c"]}
        if "attested" in props:
            props.update({k: v for k, v in fact_dates(props).items() if v is not None})
        yield {"s": row["s"], "d": row["d"], "k": row["k"], "p": props}


def scopes(db) -> Iterator[dict]:
    """(document, province) of every document scoped to a stored province."""
    for doc, province in db.execute(
            f"SELECT d.id, p.id FROM nodes d JOIN nodes p ON p.id = '{model.id_prefix('Province')}' || json_extract(d.props, '$.scope') "
            "WHERE d.type = 'Document' AND p.type = 'Province' ORDER BY d.id"):
        yield {"s": doc, "d": province}


def node_types(db) -> list[str]:
    return [label(t) for t in schema().nodes
            if db.execute("SELECT 1 FROM nodes WHERE type=? LIMIT 1", (t,)).fetchone()]


def edge_types(db) -> list[str]:
    return [t for t in schema().edges if db.execute("SELECT 1 FROM edges WHERE type=? LIMIT 1", (t,)).fetchone()]


def counts(store: Store) -> dict:
    db = db_of(store)
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    return {"articles": one("SELECT COUNT(*) FROM articles"), "nodes": one("SELECT COUNT(*) FROM nodes"),
            "claims": one("SELECT COUNT(*) FROM claims"), "relationships": one("SELECT COUNT(*) FROM edges")}
