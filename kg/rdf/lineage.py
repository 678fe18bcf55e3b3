"""`kg:inLineageOf`: the transitive closure of the lineage edges, as triples.

A lineage `+` property path from a central resolution walks tens of thousands of documents,
and pyoxigraph (RocksDB) pays one index seek per document and per predicate of the path:
768 ms for 43,809 documents on a 100k-article store. The closure is small (a document has a
handful of ancestors: a chain is central → provincial → plan → amendment), so it is stored:
`?doc kg:inLineageOf <root>` reads one index range instead of walking.

`?doc kg:inLineageOf ?root` holds exactly when `?doc (p1|…|pn)+ ?root` does over every edge the
model marks as lineage (implements / applies, amends, based on, repeals, guides, summarizes).
A document's closure triples have the document as subject, like everything about a node, so
the persistent store rewrites them with the document; when a document's ancestors change, the
documents below it are rewritten too (`propagate`).
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from kg.model import schema
from kg.rdf.mapping import term

IN_LINEAGE = term("kg:inLineageOf")
MAX_DEPTH = 64  # far beyond any chain; bounds a walk through a cycle


@lru_cache(maxsize=1)
def lineage_types() -> tuple[str, ...]:
    return tuple(sorted(schema().lineage_edges()))


def closure(edges: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Document → its ancestors (sorted), from (source, target) lineage edges."""
    up: dict[str, set[str]] = {}
    for src, dst in edges:
        up.setdefault(src, set()).add(dst)
    out: dict[str, list[str]] = {}
    for doc in up:
        seen, stack = set(), list(up[doc])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(up.get(node, ()))
        out[doc] = sorted(seen)  # the document itself only when a cycle leads back, as with `+`
    return out


def source_closure(source) -> dict[str, list[str]]:
    """The closure of a store's lineage edges, read from its GraphSource stream."""
    return closure((e.src, e.dst) for e in source.edges(types=sorted(lineage_types())))


def ancestors(store, doc: str) -> list[str]:
    return sorted({n.id for _, n in store.walk(doc, list(lineage_types()), "out", MAX_DEPTH)})


def descendants(store, doc: str) -> list[str]:
    return sorted({n.id for _, n in store.walk(doc, list(lineage_types()), "in", MAX_DEPTH)})


def stored(db, subject: str) -> set[str]:
    """The `kg:inLineageOf` objects a pyoxigraph store holds for `<subject>`."""
    import pyoxigraph as ox
    pattern = (ox.NamedNode(subject[1:-1]), ox.NamedNode(IN_LINEAGE[1:-1]), None, ox.DefaultGraph())
    return {f"<{q.object.value}>" for q in db.quads_for_pattern(*pattern)}


def propagate(db, store, base: str, changed: Iterable[str], done: set[str]) -> None:
    """Rewrites the closure triples of every document below a document whose ancestors changed."""
    import pyoxigraph as ox
    from kg.rdf.iri import node_term
    below = {d for doc in changed for d in descendants(store, doc)} - done
    predicate = ox.NamedNode(IN_LINEAGE[1:-1])
    for doc in sorted(below):
        subject = ox.NamedNode(node_term(base, doc)[1:-1])
        for quad in list(db.quads_for_pattern(subject, predicate, None, ox.DefaultGraph())):
            db.remove(quad)
        db.extend(ox.Quad(subject, predicate, ox.NamedNode(node_term(base, a)[1:-1])) for a in ancestors(store, doc))
