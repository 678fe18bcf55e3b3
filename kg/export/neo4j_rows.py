"""A store's `GraphSource` read as the Neo4j layout's maps (`kg.stores.neo4j.layout`): what the
neo4j-csv and Cypher exports write and what `kg push` sends. Each map is built here only."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby

from kg.model import node_id
from kg.facts import Evidence
from kg.graph import Edge
from kg.stores.neo4j.layout import ARTICLE, article_map, claim_map, fact_dates, fact_rows, node_map
from kg.stores.source import GraphSource, SourceArticle, SourceClaim, SourceNode


def node_row(item: SourceNode) -> dict:
    node = item.node
    return node_map(node.id, node.name, node.props, list(item.aliases))


def article_row(article: SourceArticle) -> dict:
    return article_map(article.meta, article.hash, article.text, article.props)


def claim_row(claim: SourceClaim) -> dict:
    """A `(:Article)-[:CLAIMS]->(node)` row: {a: article id, n: node id, p: properties}."""
    ev = claim.evidence
    return {"a": claim.article_id, "n": claim.node_id, "p": claim_map(claim.props, ev.start, ev.end, ev.sentence,
                                                                        ev.extractor)}


def fact_claims(edges: Iterable[Edge]) -> dict[str, tuple[list[dict], list[str]]]:
    """Edge claims as `fact_rows` groups them (an edge without evidence: zeros and empty text,
    as the stores hold one)."""
    return fact_rows([(e.src, e.type, e.dst, e.article_id, e.props,
                       *_evidence(e)) for e in edges])


def _evidence(edge: Edge) -> tuple:
    ev = edge.evidence or Evidence(edge.article_id, 0, 0, "", "")
    return ev.start, ev.end, ev.sentence, ev.extractor


def nodes(source: GraphSource, node_type: str) -> Iterator[dict]:
    """The node maps of one type (Article nodes with their article record)."""
    if node_type == ARTICLE:
        return map(article_row, source.articles())
    return map(node_row, source.nodes(node_type))


def claims(source: GraphSource) -> Iterator[dict]:
    return map(claim_row, source.claims())


def facts(source: GraphSource, edge_type: str) -> Iterator[dict]:
    """One map per fact of a type: ends (Neo4j direction), key properties and all properties.
    The claims of one (src, dst) pair come together in the stream's order."""
    for _pair, group in groupby(source.edges([edge_type]), key=lambda e: (e.src, e.dst)):
        rows, _names = fact_claims(group)[edge_type]
        for row in rows:
            props = {**row["k"], **row["c"]}
            if "attested" in props:
                props.update({k: v for k, v in fact_dates(props).items() if v is not None})
            yield {"s": row["s"], "d": row["d"], "k": row["k"], "p": props}


def scopes(source: GraphSource) -> Iterator[dict]:
    """(document, province) of every document scoped to a stored province."""
    provinces = {item.node.id for item in source.nodes("Province")}
    for item in source.nodes("Document"):
        scope = item.node.props.get("scope")
        if scope is not None and node_id("Province", name=scope) in provinces:
            yield {"s": item.node.id, "d": node_id("Province", name=scope)}
