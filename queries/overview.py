"""Search, counts, stored articles, the claims behind a node, and the shortest chain between two
entities."""
from __future__ import annotations

from kg.errors import NotFound
from kg.model import id_prefix
from kg.stores.base import Store
from queries.evidence import Articles, article_ref, edge_source
from queries.resolve import node_scope, page, pick, scope_name


def search(store: Store, text: str, node_type: str | None = None, limit: int = 50, offset: int = 0) -> dict:
    """`kg search`: accent-insensitive match on names and aliases, best first (`Store.find`
    order). `total` is None when so many aliases match that the store did not count them."""
    hits, total = store.find_page(text, node_type, limit, offset)
    return {"query": text, "results": [{"id": n.id, "type": n.type, "name": n.name,
                                        "province": scope_name(node_scope(n))} for n in hits],
            **page(total, limit, offset, len(hits))}


def stats(store: Store) -> dict:
    return store.counts()


def articles(store: Store, limit: int = 50, offset: int = 0) -> dict:
    """`kg articles`: the stored articles, newest published first."""
    nodes = sorted(store.iter_nodes("Article"), key=lambda n: (n.props.get("published") or "", n.id), reverse=True)
    rows = [article_ref(store.article(n.id.removeprefix(id_prefix("Article"))) or n.props, n.id.removeprefix(id_prefix("Article")))
            for n in nodes[offset:offset + limit]]
    return {"articles": rows, **page(len(nodes), limit, offset, len(rows))}


def why(store: Store, node_id: str, other: str | None = None) -> dict:
    """`kg why`: every claim behind a node (the articles mentioning it, and each relation it
    takes part in) or, with `other`, behind the relations between the two nodes; each claim
    with its article and sentence."""
    node = _one(store, node_id)
    far = _one(store, other) if other else None
    sources = Articles(store)
    claims = []
    for direction in ("out", "in"):
        for edge, neighbour in store.neighbours(node.id, None, direction):
            if far is not None and neighbour.id != far.id:
                continue
            claims.append({"from": edge.src, "type": edge.type, "to": edge.dst,
                           "other": {"id": neighbour.id, "type": neighbour.type, "name": neighbour.name},
                           **edge_source(sources, edge)})
    claims.sort(key=lambda c: (c["type"] != "MENTIONS", c["type"], c["article"], c["from"], c["to"]))
    return {"node": {"id": node.id, "type": node.type, "name": node.name, **node.props},
            "other": far and {"id": far.id, "type": far.type, "name": far.name},
            "claims": claims, "total": len(claims)}


def path(store: Store, source: str, target: str, max_hops: int = 6, through_hubs: bool = False,
         hub_degree: int = 50, evidence: bool = False) -> dict:
    """`kg path`: the shortest chain of relations between two entities, each hop with evidence,
    found level by level (`queries.paths`), so it costs what the levels explored hold.

    Articles are left out of the graph walked ("both mentioned in one article" is not a
    relation), and so are hubs, unless `through_hubs`: a node linked to more than
    `hub_degree` others (a busy province, a central resolution) joins almost anything to
    anything. A chain longer than `max_hops` is not an answer."""
    from queries.paths import relation_types
    start, end = _one(store, source), _one(store, target)
    chain = store.shortest_chain(start.id, end.id, relation_types(), max_hops,
                                 None if through_hubs else hub_degree + 1)
    if chain is None:
        hint = "" if through_hubs else " avoiding hubs (--through-hubs to allow them)"
        raise NotFound(f"no chain of relations between {start.name!r} and {end.name!r} within "
                       f"--max-hops {max_hops}{hint}")
    articles = Articles(store)
    hops = []
    for claim in chain[1]:
        hops.append({"from": claim.src, "type": claim.type, "to": claim.dst, "article": claim.article_id,
                     "sentence": claim.evidence.sentence if claim.evidence else None,
                     **({"evidence": edge_source(articles, claim)} if evidence else {})})
    return {"from": start.id, "to": end.id, "nodes": [{"id": n.id, "name": n.name} for n in chain[0]],
            "hops": hops}


def _one(store: Store, text: str):
    node = store.get(text)
    if node:
        return node
    hits = store.find(text, None, limit=20, exact=True) or store.find(text, None, limit=20)
    hits = [h for h in hits if h.type != "Article"]
    if len(hits) == 1:
        return hits[0]
    types = {h.type for h in hits}
    return pick(store, text, types.pop() if len(types) == 1 else "Person")
