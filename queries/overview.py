"""Search, counts, and the shortest chain between two entities."""
from __future__ import annotations

from kg.errors import NotFound
from kg.stores.base import Store
from queries.resolve import node_scope, page, scope_name


def search(store: Store, text: str, node_type: str | None = None, limit: int = 50, offset: int = 0) -> dict:
    """`kg search`: accent-insensitive match on names and aliases, best first (`Store.find`
    order). `total` is None when so many aliases match that the store did not count them."""
    hits, total = store.find_page(text, node_type, limit, offset)
    return {"query": text, "results": [{"id": n.id, "type": n.type, "name": n.name,
                                        "province": scope_name(node_scope(n))} for n in hits],
            **page(total, limit, offset, len(hits))}


def stats(store: Store) -> dict:
    return store.counts()


def path(store: Store, source: str, target: str, max_hops: int | None = None, hub: int | None = None) -> dict:
    """`kg path`: the shortest chain of relations between two entities, each hop with evidence
    (`queries.paths`: at most `max_hops`, not through nodes with `hub` or more neighbours).

    Articles are left out of the graph walked: "both mentioned in one article" is not a relation.
    """
    from queries.paths import hop_claim, shortest_chain
    start, end = _one(store, source), _one(store, target)
    ids = shortest_chain(store, start.id, end.id, max_hops, hub)
    if ids is None:
        raise NotFound(f"no chain of relations between {start.name!r} and {end.name!r}")
    hops = []
    for a, b in zip(ids, ids[1:]):
        claim = hop_claim(store, a, b)
        hops.append({"from": claim.src, "type": claim.type, "to": claim.dst, "article": claim.article_id,
                     "sentence": claim.evidence.sentence if claim.evidence else None})
    return {"from": start.id, "to": end.id, "nodes": [{"id": i, "name": store.get(i).name} for i in ids],
            "hops": hops}


def _one(store: Store, text: str):
    node = store.get(text)
    if node:
        return node
    from queries.resolve import pick
    hits = store.find(text, None, limit=20, exact=True) or store.find(text, None, limit=20)
    hits = [h for h in hits if h.type != "Article"]
    if len(hits) == 1:
        return hits[0]
    types = {h.type for h in hits}
    return pick(store, text, types.pop() if len(types) == 1 else "Person")
