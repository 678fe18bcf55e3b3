"""What the RDF writers read from a store, in the order they need it and in bounded memory: the
store's `GraphSource` (kg.stores.source), so every RDF format works from every store.

Writers need two views of the edges: grouped by source node (each distinct triple once, plus
the claims of qualified edges, which add nodes of their own), and grouped by claiming article
(TriG's named graphs). The first merges `triples()` (on SQLite an index-only scan: no row
lookups, no JSON) with the `edges()` of the qualified types; the second is `edges_by_article()`.
Point lookups (an article's text, a post's name and organisation, what the persistent SPARQL
store re-reads after an ingest) go through the `Store` interface.

Memory held is one source's or one article's edges at a time, whatever the store's size.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import groupby
from operator import attrgetter, itemgetter

from kg.graph import Edge
from kg.model import schema
from kg.stores.base import Store
from kg.stores.source import GraphSource

QUALIFIED = tuple(sorted(n for n, e in schema().edges.items() if e.rdf_as))  # every claim adds nodes (usage, membership)
_POSTS_CACHED = 1 << 16

# (source node id, distinct (edge type, target id) in order, claims of QUALIFIED edge types)
SourceGroup = tuple[str, list[tuple[str, str]], list[Edge]]


class Reader:
    def __init__(self, store: Store, source: GraphSource):
        self.store, self.source = store, source
        self._posts: dict[str, tuple] = {}

    def nodes(self):
        return (item.node for item in self.source.nodes())

    def by_source(self) -> Iterator[SourceGroup]:
        claims = ((src, list(group)) for src, group in groupby(self.source.edges(QUALIFIED), key=attrgetter("src")))
        pending = next(claims, None)
        for src, triples in groupby(self.source.triples(), key=itemgetter(0)):
            while pending is not None and pending[0] < src:  # unreachable: a claim's triple is streamed too
                yield pending[0], [], pending[1]
                pending = next(claims, None)
            mine = []
            if pending is not None and pending[0] == src:
                mine, pending = pending[1], next(claims, None)
            yield src, [(edge_type, dst) for _, edge_type, dst in triples], mine
        while pending is not None:
            yield pending[0], [], pending[1]
            pending = next(claims, None)

    def by_article(self) -> Iterator[tuple[str, list[Edge]]]:
        return self.source.edges_by_article()

    def article_text(self, article_id: str) -> str | None:
        return (self.store.article(article_id) or {}).get("text")

    def post_info(self, post_id: str) -> tuple[str | None, str | None]:
        """(name, organisation id) of a post, for its memberships."""
        hit = self._posts.get(post_id)
        if hit is None:
            post = self.store.get(post_id)
            orgs = [other.id for _, other in self.store.neighbours(post_id, "POST_IN", "out")]
            hit = (post.name if post else None, min(orgs, default=None))
            if len(self._posts) < _POSTS_CACHED:
                self._posts[post_id] = hit
        return hit

    # -- what the persistent SPARQL store re-reads after an ingest --------------------------
    def source_group(self, src: str) -> SourceGroup:
        """One node's outgoing edges, as `by_source` gives them."""
        edges = sorted((edge for edge, _ in self.store.neighbours(src, None, "out")),
                       key=lambda e: (e.type, e.dst, e.article_id))
        pairs = [pair for pair, _ in groupby((e.type, e.dst) for e in edges)]
        return src, pairs, [e for e in edges if e.type in QUALIFIED]

    def article_edges(self, article_id: str) -> list[Edge]:
        return list(self.source.edges(article_ids=[article_id]))

    def holders(self, post_id: str) -> list[str]:
        return sorted({edge.src for edge, _ in self.store.neighbours(post_id, "HOLDS", "in")})


@contextmanager
def reader(store: Store):
    """A `Reader` over the store's `GraphSource` (closed after)."""
    with store.graph_source() as source:
        yield Reader(store, source)
