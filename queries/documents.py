"""Documents: one document's record, and its lineage up and down."""
from __future__ import annotations

from collections import defaultdict

from kg.graph import Node
from kg.model import schema
from kg.stores.base import Store
from queries.resolve import pick, scope_name


def describe_document(store: Store, node: Node) -> dict:
    return {"date": node.props.get("date"), "issuer": node.props.get("issuer"),
            "type": node.props.get("doc_type")}


def find_document(store: Store, number: str, province: str | None = None) -> Node:
    return pick(store, number, "Document", province, describe_document)


def doc_ref(node: Node) -> dict:
    return {"id": node.id, "number": node.props.get("number", node.name), "type": node.props.get("doc_type"),
            "issuer": node.props.get("issuer"), "date": node.props.get("date"),
            "province": scope_name(node.props.get("scope"))}


def document(store: Store, number: str, province: str | None = None) -> dict:
    """`kg doc`: type, issuer, date, meetings that acted on it, citing articles, relations."""
    node = find_document(store, number, province)
    acted = [{"meeting": m.name, "meeting_id": m.id, "date": m.props.get("date"),
              "action": e.props.get("action"), "article": e.article_id}
             for e, m in store.neighbours(node.id, "ACTS_ON", "in")]
    cited = sorted({e.article_id.removeprefix("article:") for e, _ in store.neighbours(node.id, "MENTIONS", "in")})
    relations = [{"rel": schema().edges[e.type].lineage, "direction": direction, "document": doc_ref(other),
                  "article": e.article_id}
                 for direction in ("out", "in") for e, other in _lineage_neighbours(store, node.id, direction)]
    return {**doc_ref(node), "resolved": node.props.get("resolved", True), "acted_on_by": acted,
            "cited_by": cited, "relations": relations}


def unresolved_documents(store: Store) -> dict:
    """Dateless mentions that fit several known documents (or a scope with none dated)."""
    rows = [{**doc_ref(n), "cited_by": sorted(e.article_id.removeprefix("article:")
                                              for e, _ in store.neighbours(n.id, "MENTIONS", "in"))}
            for n in store.iter_nodes("Document") if n.props.get("resolved") is False]
    return {"documents": rows}


def _lineage_neighbours(store: Store, node_id: str, direction: str):
    for edge_type in schema().lineage_edges():
        yield from store.neighbours(node_id, edge_type, direction)


def lineage(store: Store, number: str, direction: str = "down", depth: int = 6,
            province: str | None = None, fanout: int = 25, limit: int = 500) -> dict:
    """`kg lineage`: documents that implement/amend/… this one (down) or that it rests on (up);
    `both` is the two walks together.

    Each walk is breadth-first to `depth`, each document visited once (a cycle cannot loop;
    cycles among the edges found are reported in `cycles`), one store round trip per level.
    A central resolution is implemented by thousands of documents, so each document lists at
    most `fanout` neighbours (newest first) and the answer at most `limit` documents (0: no
    bound); `more` counts, per document and direction, the neighbours left out."""
    root = find_document(store, number, province)
    found = {"nodes": {root.id: doc_ref(root)}, "edges": {}, "more": {}}
    for way in (["in", "out"] if direction == "both" else ["in" if direction == "down" else "out"]):
        _walk(store, root.id, way, depth, fanout or None, limit, found)
    more = [{"id": node_id, "direction": "down" if way == "in" else "up", "count": count}
            for (node_id, way), count in found["more"].items()]
    return {"root": root.id, "direction": direction, "depth": depth, "fanout": fanout, "limit": limit,
            "nodes": list(found["nodes"].values()), "edges": list(found["edges"].values()),
            "cycles": _cycles(found["edges"]), "truncated": bool(more), "more": more}


def _walk(store: Store, root: str, way: str, depth: int, fanout: int | None, limit: int, found: dict) -> None:
    seen, frontier = {root}, [root]
    for _ in range(depth):
        reached: list[str] = []
        for near, (claims, count) in store.neighbours_capped(frontier, _lineage_types(), way, fanout).items():
            shown = set()
            for edge, other in claims:
                if _take(edge, other, limit, found, seen, reached):
                    shown.add(other.id)
            if count > len(shown):
                found["more"][(near, way)] = count - len(shown)
        frontier = reached
        if not frontier:
            return


def _take(edge, other, limit: int, found: dict, seen: set, reached: list) -> bool:
    """Record one claim unless its far document would pass `limit`; whether it was recorded."""
    nodes = found["nodes"]
    if other.id not in nodes and limit and len(nodes) >= limit:
        return False
    nodes.setdefault(other.id, doc_ref(other))
    if other.id not in seen:
        seen.add(other.id)
        reached.append(other.id)
    rel = schema().edges[edge.type].lineage
    entry = found["edges"].setdefault((edge.src, rel, edge.dst),
                                      {"from": edge.src, "rel": rel, "to": edge.dst, "sources": []})
    if edge.article_id not in entry["sources"]:
        entry["sources"].append(edge.article_id)
    return True


def _lineage_types() -> list[str]:
    return list(schema().lineage_edges())


def _cycles(edges: dict) -> list[list[str]]:
    """Cycles among the edges found. Documents on no cycle are trimmed first (again and again,
    those left without an incoming or an outgoing edge), so networkx sees only the cyclic core
    (the complete lineage of a hub has tens of thousands of edges and a handful of cycles)."""
    succ: dict[str, set] = defaultdict(set)
    pred: dict[str, set] = defaultdict(set)
    for src, _, dst in edges:
        succ[src].add(dst)
        pred[dst].add(src)
    alive = set(succ) | set(pred)
    doomed = [n for n in alive if not succ[n] or not pred[n]]
    while doomed:
        node = doomed.pop()
        if node not in alive:
            continue
        alive.discard(node)
        for other, links in [(m, pred) for m in succ[node]] + [(m, succ) for m in pred[node]]:
            links[other].discard(node)
            if other in alive and not links[other]:
                doomed.append(other)
    if not alive:
        return []
    import networkx as nx  # only a lineage with a cycle pays for the import
    graph = nx.DiGraph([(src, dst) for src, _, dst in edges if src in alive and dst in alive])
    return [cycle for cycle in nx.simple_cycles(graph)]
