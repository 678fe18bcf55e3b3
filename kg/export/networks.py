"""GraphML and GEXF through networkx, for Gephi, yEd, Cytoscape.

Nodes carry type, name and their scalar properties; edges carry type (GEXF: label) and the
claiming article (one edge per claim, so a MultiDiGraph), read from the store's `GraphSource`.
networkx needs the whole graph in memory, so unlike the RDF writers these do not stream.
"""
from __future__ import annotations

from pathlib import Path

from kg import types
from kg.errors import KgError
from kg.model import schema
from kg.stores.base import Store


def _node_attrs(node) -> dict:
    declared = schema().nodes.get(node.type)
    kinds = {p.name: p.kind for p in declared.properties.values()} if declared else {}
    attrs = {"type": node.type, "name": node.name}
    for key, value in node.props.items():
        if value is None or isinstance(value, (list, dict)):
            continue  # GraphML and GEXF hold scalars only
        # one attribute, one type across nodes: declared integers/booleans keep their type, the rest is text
        attrs[key] = kinds.get(key, types.STRING).graphml(value)
    return attrs


def build_graph(store: Store, gexf: bool = False):
    """GEXF reserves an edge's `type` for directedness, so there the edge type is the native
    `label` (what Gephi shows) and a node's name its `label` too."""
    import networkx as nx
    graph, type_key = nx.MultiDiGraph(), "label" if gexf else "type"
    with store.graph_source() as source:
        for node in (item.node for item in source.nodes()):
            graph.add_node(node.id, **_node_attrs(node), **({"label": node.name} if gexf else {}))
        for edge in source.edges():
            graph.add_edge(edge.src, edge.dst, key=f"{edge.type}|{edge.article_id}",
                           **{type_key: edge.type}, article=edge.article_id or "")
    return graph


def _write(store: Store, out: Path, writer, gexf: bool = False) -> dict:
    graph = build_graph(store, gexf)
    try:
        writer(graph, str(out))
    except OSError as exc:
        raise KgError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}


def write_graphml(store: Store, out: Path, base_iri: str) -> dict:
    import networkx as nx
    return _write(store, out, nx.write_graphml)


def write_gexf(store: Store, out: Path, base_iri: str) -> dict:
    import networkx as nx
    return _write(store, out, nx.write_gexf, gexf=True)
