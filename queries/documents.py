"""Documents: one document's record, and its lineage up and down."""
from __future__ import annotations

from collections import deque

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
            province: str | None = None) -> dict:
    """`kg lineage`: documents that implement/amend/… this one (down) or that it rests on (up).

    The store walks the lineage edges (`Store.walk`, a bounded variable-length path on
    Neo4j); here the walk is replayed breadth-first to `depth`, each document visited once,
    so a cycle cannot loop; cycles among the edges found are reported in `cycles`.
    """
    root = find_document(store, number, province)
    ways = ["in", "out"] if direction == "both" else ["in" if direction == "down" else "out"]
    adjacency: dict[tuple[str, str], list] = {}
    for way in ways:
        for edge, other in store.walk(root.id, list(schema().lineage_edges()), way, depth):
            near = edge.dst if way == "in" else edge.src
            adjacency.setdefault((near, way), []).append((edge, other))
    nodes, edges = {root.id: doc_ref(root)}, {}
    queue = deque([(root.id, 0)])
    while queue:
        current, level = queue.popleft()
        if level >= depth:
            continue
        for way in ways:
            for edge, other in adjacency.get((current, way), []):
                rel = schema().edges[edge.type].lineage
                entry = edges.setdefault((edge.src, rel, edge.dst),
                                         {"from": edge.src, "rel": rel, "to": edge.dst, "sources": []})
                if edge.article_id not in entry["sources"]:
                    entry["sources"].append(edge.article_id)
                if other.id not in nodes:
                    nodes[other.id] = doc_ref(other)
                    queue.append((other.id, level + 1))
    return {"root": root.id, "direction": direction, "depth": depth, "nodes": list(nodes.values()),
            "edges": list(edges.values()), "cycles": _cycles(edges)}


def _cycles(edges: dict) -> list[list[str]]:
    import networkx as nx  # only lineage pays for the import
    graph = nx.DiGraph([(src, dst) for src, _, dst in edges])
    return [cycle for cycle in nx.simple_cycles(graph)]
