"""Documents: one document's record, and its lineage up and down."""
from __future__ import annotations

from collections import defaultdict

from kg.errors import Ambiguous
from kg.graph import Node
from kg.text import ascii_key
from kg.model import id_prefix, schema
from kg.stores.base import Store, cap_neighbours
from queries.evidence import Articles, edge_source
from queries.resolve import page, pick, scope_name


def describe_document(store: Store, node: Node) -> dict:
    return {"date": node.props.get("date"), "issuer": node.props.get("issuer"),
            "type": node.props.get("doc_type")}


def find_document(store: Store, number: str, province: str | None = None) -> Node:
    return pick(store, number, "Document", province, describe_document)


def doc_ref(node: Node) -> dict:
    return {"id": node.id, "number": node.props.get("number", node.name), "type": node.props.get("doc_type"),
            "issuer": node.props.get("issuer"), "date": node.props.get("date"),
            "province": scope_name(node.props.get("scope"))}


def document(store: Store, number: str, province: str | None = None, limit: int = 50,
             evidence: bool = False) -> dict:
    """`kg doc`: type, issuer, date, meetings that acted on it, citing articles (the first
    `limit` by id; `cited_total` counts them all), relations. Sources that date the document
    differently are in `conflicts`: the date shown is the one most sources give."""
    node = find_document(store, number, province)
    articles = Articles(store) if evidence else None
    acted = [{"meeting": m.name, "meeting_id": m.id, "date": m.props.get("date"),
              "action": e.props.get("action"), "article": e.article_id,
              **({"evidence": edge_source(articles, e)} if articles else {})}
             for e, m in store.neighbours(node.id, "ACTS_ON", "in")]
    mentions = store.neighbours(node.id, "MENTIONS", "in")
    cited = sorted({e.article_id.removeprefix(id_prefix("Article")) for e, _ in mentions})
    relations = [{"rel": schema().edges[e.type].lineage, "direction": direction, "document": doc_ref(other),
                  "article": e.article_id, **({"evidence": edge_source(articles, e)} if articles else {})}
                 for direction in ("out", "in") for e, other in _lineage_neighbours(store, node.id, direction)]
    ref, conflicts = doc_ref(node), date_conflicts(store, node)
    if conflicts:
        ref["date"] = conflicts[0]["values"][0]["value"]
    found = {**ref, "resolved": node.props.get("resolved", True), "acted_on_by": acted,
             "cited_by": cited[:limit], "cited_total": len(cited), "relations": relations, "conflicts": conflicts}
    if articles:
        found["evidence"] = [edge_source(articles, e) for e, _ in mentions
                             if e.article_id.removeprefix(id_prefix("Article")) in set(cited[:limit])]
    return found


def date_conflicts(store: Store, node: Node) -> list[dict]:
    """[{"field": "date", "values": [{"value", "sources"}, …]}] when the citing articles date the
    document differently (most sources first; a tie keeps the stored date first); [] when they
    agree. Each article's date is the one its own claim of the document states."""
    claimed = {date: articles for date, articles in store.claimed_values(node.id, "date").items()
               if len(date) == 10}  # full dates: a month alone does not contradict a day in it
    if len(claimed) < 2:
        return []
    stored = node.props.get("date")
    values = sorted(claimed.items(), key=lambda kv: (-len(kv[1]), kv[0] != stored, kv[0]))
    return [{"field": "date", "values": [{"value": v, "sources": a} for v, a in values]}]


def unresolved_documents(store: Store, limit: int = 50, offset: int = 0) -> dict:
    """Dateless mentions that fit several known documents (or a scope with none dated)."""
    nodes = sorted((n for n in store.iter_nodes("Document") if n.props.get("resolved") is False), key=lambda n: n.id)
    rows = [{**doc_ref(n), "cited_by": sorted(e.article_id.removeprefix(id_prefix("Article"))
                                              for e, _ in store.neighbours(n.id, "MENTIONS", "in"))}
            for n in nodes[offset:offset + limit]]
    return {"documents": rows, **page(len(nodes), limit, offset, len(rows))}


def _lineage_neighbours(store: Store, node_id: str, direction: str):
    for edge_type in schema().lineage_edges():
        yield from store.neighbours(node_id, edge_type, direction)


def lineage(store: Store, number: str, direction: str = "down", depth: int = 6,
            province: str | None = None, fanout: int = 25, limit: int = 500, kind: str | None = None,
            since: str | None = None, until: str | None = None, evidence: bool = False) -> dict:
    """`kg lineage`: documents that implement/amend/… this one (down) or that it rests on (up);
    `both` is the two walks together.

    Each walk is breadth-first to `depth`, each document visited once (a cycle cannot loop;
    cycles among the edges found are reported in `cycles`), one store round trip per level.
    A central resolution is implemented by thousands of documents, so each document lists at
    most `fanout` neighbours (newest first) and the answer at most `limit` documents (0: no
    bound); `more` counts, per document and direction, the neighbours left out.

    `province`, `kind` (document type) and `since`/`until` filter the tree, not the root (the
    province picks the root only when the number alone is ambiguous): the documents that
    match are kept with the documents linking them to the root (`via` true), and the whole
    lineage is walked so that no match is cut by `fanout` or `limit`."""
    try:
        root = find_document(store, number)
    except Ambiguous:
        if not province:
            raise
        root = find_document(store, number, province)
    wanted = _doc_filter(province, kind, since, until)
    if wanted:
        fanout, limit = 0, 0
    found = {"nodes": {root.id: doc_ref(root)}, "edges": {}, "more": {}, "claims": {}}
    for way in (["in", "out"] if direction == "both" else ["in" if direction == "down" else "out"]):
        _walk(store, root.id, way, depth, fanout or None, limit, found, evidence)
    more = [{"id": node_id, "direction": "down" if way == "in" else "up", "count": count}
            for (node_id, way), count in found["more"].items()]
    nodes, edges = found["nodes"], found["edges"]
    if wanted:
        nodes, edges = _filtered(root.id, nodes, edges, wanted)
    if evidence:
        articles = Articles(store)
        for key, edge in edges.items():
            edge["evidence"] = [edge_source(articles, claim) for claim in found["claims"][key]]
    return {"root": root.id, "direction": direction, "depth": depth, "fanout": fanout, "limit": limit,
            "filters": {"province": province, "type": kind, "since": since, "until": until},
            "nodes": list(nodes.values()), "edges": list(edges.values()),
            "cycles": _cycles(edges), "truncated": bool(more), "more": more}


def _doc_filter(province, kind, since, until):
    """A test on a document's summary, or None when nothing filters."""
    if not (province or kind or since or until):
        return None
    from queries.resolve import province_named
    target = province_named(province) if province else None
    kind_key = ascii_key(kind) if kind else None

    def matches(doc: dict) -> bool:
        if target and doc.get("province") not in (target.name, *_old_names(target.name)):
            return False
        if kind_key and ascii_key(doc.get("type") or "") != kind_key:
            return False
        date = doc.get("date") or ""
        if (since or until) and (len(date) < 4 or date.startswith("--")):
            return False
        return (not since or date >= since) and (not until or date <= until)
    return matches


def _old_names(current: str) -> list[str]:
    from kg.gazetteer import provinces
    return [p.name for p in provinces() if p.current == current]


def _filtered(root: str, nodes: dict, edges: dict, wanted) -> tuple[dict, dict]:
    """The matching documents, and those on a chain from them to the root (`via`)."""
    near: dict[str, set] = defaultdict(set)
    for src, _, dst in edges:
        near[src].add(dst)
        near[dst].add(src)
    keep, frontier = {root}, [n for n in nodes if n != root and wanted(nodes[n])]
    keep.update(frontier)
    depth = _levels(root, near)
    while frontier:  # climb from each match towards the root, one level nearer at a time
        step = []
        for node in frontier:
            for other in near[node]:
                if other not in keep and depth.get(other, 1 << 30) < depth.get(node, 0):
                    keep.add(other)
                    step.append(other)
        frontier = step
    kept = {n: {**doc, "via": not wanted(doc) and n != root} for n, doc in nodes.items() if n in keep}
    return kept, {k: e for k, e in edges.items() if k[0] in keep and k[2] in keep}


def _levels(root: str, near: dict) -> dict[str, int]:
    level, frontier = {root: 0}, [root]
    while frontier:
        step = [o for n in frontier for o in near[n] if o not in level]
        for o in step:
            level.setdefault(o, level[frontier[0]] + 1)
        frontier = list(dict.fromkeys(step))
    return level


def _walk(store: Store, root: str, way: str, depth: int, fanout: int | None, limit: int, found: dict,
          evidence: bool = False) -> None:
    # unbounded, the walk visits every document within depth: read them all in one store call
    known = store.reach(root, _lineage_types(), way, depth, evidence) if fanout is None and not limit else None
    seen, frontier = {root}, [root]
    for _ in range(depth):
        reached: list[str] = []
        level = ({n: cap_neighbours(known.get(n, []), None) for n in frontier} if known is not None
                 else store.neighbours_capped(frontier, _lineage_types(), way, fanout))
        for near, (claims, count) in level.items():
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
    found["claims"].setdefault((edge.src, rel, edge.dst), []).append(edge)
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
