"""The Neo4j store as a `GraphSource` (kg.stores.source): ordered streams from its graph.

Every stream pages through nodes in id order with keyset pagination (`n.id > $after ORDER BY
n.id LIMIT`), which the id constraint's index answers in order, so each page is one bounded
round trip and memory holds one page (and the facts of its nodes) at a time. Facts are unpacked
into their per-article claims (`claims_of`) and properties decoded as the store's own reads do,
so the streams equal the SQLite store's for the same facts.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.model import id_prefix, node_id as make_id
from kg.facts import Evidence
from kg.graph import Edge
from kg.stores.neo4j.layout import (ARTICLE, CLAIMS, NODE_LABEL, NODE_RETURN, article_meta, claim_props,
                                     claims_of, edge_types, label, node_from, node_from_row)
from kg.stores.neo4j.reads import FACT, _wrap_errors, expand
from kg.stores.source import GraphSource, SourceArticle, SourceClaim, SourceNode

PAGE = 1000  # nodes (or ids) per round trip
ARTICLE_PAGE = 200  # articles per round trip: each carries its text
_NODE = f"{NODE_RETURN}, n.aliases"
ARTICLES = f"n.id STARTS WITH '{id_prefix('Article')}' AND n:{ARTICLE}"


class BoltSource(GraphSource):
    def __init__(self, store):
        self.store, self.location = store, store.location

    @_wrap_errors
    def _rows(self, query: str, **params) -> list:
        return self.store._read(query, **params)

    def _scan(self, returns: str, where: str = "", ids: Iterable[str] | None = None,
              size: int = PAGE) -> Iterator[list]:
        """Rows `returns` (its first column `n.id`) of the nodes `n` matching `where`, in id
        order, a page at a time: all of them (keyset pagination), or those of `ids`."""
        if ids is not None:
            chosen = sorted(set(ids))
            for start in range(0, len(chosen), size):
                yield sorted(self._rows(f"UNWIND $ids AS id MATCH (n:{NODE_LABEL} {{id: id}}) {_where(where)} "
                                        f"RETURN {returns}", ids=chosen[start:start + size]), key=lambda r: r[0])
            return
        after = ""
        while rows := self._rows(f"MATCH (n:{NODE_LABEL}) WHERE n.id > $after {_and(where)} WITH n ORDER BY n.id "
                                 f"LIMIT $size RETURN {returns}", after=after, size=size):
            yield rows
            after = rows[-1][0]

    def nodes(self, node_type: str | None = None, ids: Iterable[str] | None = None) -> Iterator[SourceNode]:
        for rows in self._scan(_NODE, f"n:{label(node_type)}" if node_type else "", ids):
            yield from (SourceNode(node_from_row(row[:3]), tuple(sorted(row[3] or ()))) for row in rows)

    def edges(self, types: Iterable[str] | None = None,
              article_ids: Iterable[str] | None = None) -> Iterator[Edge]:
        types = list(types) if types is not None else edge_types()
        if not types:
            return
        if article_ids is not None:
            yield from self._article_edges(sorted(set(article_ids)), types)
            return
        for page in self._scan("n.id"):
            rows = self._rows(f"UNWIND $ids AS id MATCH (n:{NODE_LABEL} {{id: id}}) {expand(types, 'out')} "
                              f"RETURN {FACT}", ids=[r[0] for r in page])
            yield from _ordered(edge for r in rows for edge in claims_of(*r))

    def _article_edges(self, article_ids: list[str], types: list[str]) -> Iterator[Edge]:
        """Facts leaving the nodes these articles claim (and their own nodes), cut to their claims."""
        found: list[Edge] = []
        for start in range(0, len(article_ids), PAGE):
            part = article_ids[start:start + PAGE]
            rows = self._rows(
                f"MATCH (a:{NODE_LABEL}) WHERE a.id IN $own OPTIONAL MATCH (a)-[:{CLAIMS}]->(c:{NODE_LABEL}) "
                f"WITH collect(DISTINCT a) + collect(DISTINCT c) AS near UNWIND near AS n WITH DISTINCT n "
                f"{expand(types, 'out')} WITH DISTINCT e WHERE any(x IN e.articles WHERE x IN $ids) RETURN {FACT}",
                own=[make_id("Article", article=a) for a in part], ids=part)
            chosen = set(part)
            found += [edge for r in rows for edge in claims_of(*r) if edge.article_id in chosen]
        yield from _ordered(found)

    def articles(self, ids: Iterable[str] | None = None) -> Iterator[SourceArticle]:
        wanted = None if ids is None else [make_id("Article", article=i) for i in ids]
        for rows in self._scan("n.id, properties(n)", ARTICLES, wanted, ARTICLE_PAGE):
            for node_id, stored in rows:
                meta = article_meta(stored)
                text = meta.pop("text")
                yield SourceArticle(meta, stored["hash"], text, node_from(node_id, ARTICLE, stored).props)

    def claims(self, article_ids: Iterable[str] | None = None) -> Iterator[SourceClaim]:
        wanted = None if article_ids is None else [make_id("Article", article=i) for i in article_ids]
        for page in self._scan("n.id", ARTICLES, wanted):
            rows = self._rows(f"UNWIND $ids AS id MATCH (a:{NODE_LABEL} {{id: id}})-[c:{CLAIMS}]->(n:{NODE_LABEL}) "
                              f"RETURN a.articleId, n.id, properties(c)", ids=[r[0] for r in page])
            for article_id, node_id, stored in sorted(rows, key=lambda r: (r[0], r[1])):
                evidence = Evidence(article_id, stored.get("start"), stored.get("end"), stored.get("sentence"),
                                    stored.get("extractor"))
                yield SourceClaim(node_id, claim_props(stored), evidence)

    def article_hashes(self) -> Iterator[tuple[str, str]]:
        for rows in self._scan("n.id, n.articleId, n.hash", ARTICLES):
            yield from ((r[1], r[2]) for r in rows)


def _where(condition: str) -> str:
    return f"WHERE {condition}" if condition else ""


def _and(condition: str) -> str:
    return f"AND {condition}" if condition else ""


def _ordered(edges: Iterable[Edge]) -> list[Edge]:
    return sorted(edges, key=lambda e: (e.src, e.type, e.dst, e.article_id))
