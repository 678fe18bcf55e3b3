"""How kg's graph is laid out in Neo4j, shared by the Bolt store and the Neo4j exporters.

`(:KgNode:<Type> {id, type, name, props, aliases…})` nodes, `(:KgArticle)` articles,
`(:KgArticle)-[:KG_CLAIMS]->(:KgNode)` claims, one schema relationship per claiming article.
Labels and relationship types only ever come from the schema, checked here.
"""
from __future__ import annotations

import json
import re

from kg.errors import StoreError
from kg.facts import Evidence
from kg.graph import Edge, Node
from kg.model import schema
from kg.text import ascii_key, key

NODE_LABEL = "KgNode"
ARTICLE_LABEL = "KgArticle"
CLAIMS = "KG_CLAIMS"
RESERVED = {"id", "type", "name", "props", "aliases", "aliases_f", "aliases_a"}
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def node_types() -> list[str]:
    return list(schema().nodes)


def edge_types() -> list[str]:
    return list(schema().edges)


def label(node_type: str) -> str:
    if node_type not in schema().nodes or node_type in (NODE_LABEL, ARTICLE_LABEL):
        raise StoreError(f"unknown node type {node_type!r} (not in the schema)")
    return node_type


def rel_type(edge_type: str) -> str:
    if edge_type not in schema().edges or edge_type == CLAIMS:
        raise StoreError(f"unknown edge type {edge_type!r} (not in the schema)")
    return edge_type


def native_date(value):
    if isinstance(value, str) and _FULL_DATE.match(value):
        from neo4j.time import Date
        try:
            return Date.from_iso_format(value)
        except ValueError:
            return None
    return None


def schema_statements() -> list[tuple[str, str]]:
    """(name, statement) for every uniqueness constraint and edge index, labels from schema()."""
    out = []
    for each in [NODE_LABEL, ARTICLE_LABEL] + [label(t) for t in node_types()]:
        name = f"kg_{each.lower()}_id"
        out.append((name, f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{each}) REQUIRE n.id IS UNIQUE"))
    for edge_type in edge_types():
        rel = rel_type(edge_type)
        name = f"kg_{rel.lower()}_article"
        out.append((name, f"CREATE INDEX {name} IF NOT EXISTS FOR ()-[r:{rel}]-() ON (r.article_id)"))
    return out


def article_row(article) -> dict:
    """The `KgArticle` node's properties."""
    return {"id": article.id, "hash": article.content_hash, "published": article.published,
            "published_date": native_date(article.published),
            "meta": json.dumps(article.meta(), ensure_ascii=False), "text": article.text}


def claim_row(article_id: str, claim) -> dict:
    """One node claim: the node's identity and alias keys, and the `KG_CLAIMS` properties."""
    node, ev = claim.node, claim.evidence
    aliases = list(dict.fromkeys([node.name, *claim.aliases]))
    return {"aid": article_id, "id": node.id, "type": node.type, "name": node.name, "aliases": aliases,
            "f": list(dict.fromkeys(key(a) for a in aliases)),
            "a": list(dict.fromkeys(ascii_key(a) for a in aliases)),
            "claim": {"props": json.dumps(node.props, ensure_ascii=False), "start": ev.start,
                      "end": ev.end, "sentence": ev.sentence, "extractor": ev.extractor}}


def edge_row(edge: Edge) -> dict:
    """One edge claim: its ends and the relationship's properties."""
    ev = edge.evidence or Evidence(edge.article_id, 0, 0, "", "")
    return {"src": edge.src, "dst": edge.dst,
            "rel": {"article_id": edge.article_id, "props": json.dumps(edge.props, ensure_ascii=False),
                    "start": ev.start, "end": ev.end, "sentence": ev.sentence, "extractor": ev.extractor}}


def native_props(node_type: str, props: dict) -> dict:
    """Schema-declared properties copied as native values (full ISO dates as `DATE`)."""
    spec = schema().nodes.get(node_type)
    out = {}
    if spec is None:
        return out
    for name, prop in spec.properties.items():
        value = props.get(name)
        if name in RESERVED or value is None:
            continue
        if prop.type == "date":
            out[name] = native_date(value) or value
        elif isinstance(value, (str, int, float, bool)):
            out[name] = value
    return out


def node_map(node_id: str, node_type: str, name: str, props: str, aliases: list[str]) -> dict:
    """Every property of a `KgNode`: `props` is the merged JSON text, `aliases` all its names."""
    aliases = list(dict.fromkeys([name, *aliases]))
    return {**native_props(node_type, json.loads(props)), "id": node_id, "type": node_type, "name": name,
            "props": props, "aliases": aliases, "aliases_f": list(dict.fromkeys(key(a) for a in aliases)),
            "aliases_a": list(dict.fromkeys(ascii_key(a) for a in aliases))}


def node_from_row(row) -> Node:
    return Node(row[0], row[1], row[2], json.loads(row[3]))


def edge_from_row(row) -> Edge:
    evidence = Evidence(row[3], row[5], row[6], row[7], row[8]) if row[8] else None
    return Edge(row[0], row[1], row[2], json.loads(row[4]), row[3], evidence)
