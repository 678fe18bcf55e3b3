"""The Neo4j store's answers to whole questions, each ONE Cypher query (one round trip), in
place of the composed defaults of `kg.stores.composed` (the oracle they must equal): a page of
meetings with the claims its rows show, a node's neighbours with theirs, a bounded walk, and a
shortest chain with each hop's claims. Mixed into `BoltStore` (needs `self._read`)."""
from __future__ import annotations

from kg.graph import Edge, Node
from kg.stores.base import MeetingFilter
from kg.stores import composed
from kg.stores.composed import Link, first_claim
from kg.stores.neo4j.layout import (NODE_LABEL, NODE_RETURN, SCOPE_REL, claims_of, node_from_row, node_return,
                                    rel_type, reversed_type)
from kg.stores.neo4j.reads import FACT, FACT_BARE, _meeting_source, _meeting_where, _wrap_errors, expand, unpack


def _link_calls(near: str, links: tuple[Link, ...], articles: str | None = None,
                evidence: bool = True) -> tuple[str, str]:
    """CALL subqueries collecting `near`'s claims across each link as `l0`, `l1`…, and their
    names; with `articles` (a list variable), only facts one of those articles claims."""
    shared = f" WITH e, x WHERE any(a IN e.articles WHERE a IN {articles})" if articles else ""
    imported = f"{near}, {articles}" if articles else near
    calls = "".join(f" CALL ({imported}) {{ {expand([edge_type], direction, near, 'x')}{shared} "
                    f"RETURN collect([{FACT if evidence else FACT_BARE}, {node_return('x')}]) AS l{i} }}"
                    for i, (edge_type, direction) in enumerate(links))
    return calls, "".join(f", l{i}" for i in range(len(links)))


def _by_claim(pairs: list[tuple[Edge, Node]]) -> list[tuple[Edge, Node]]:
    return sorted(pairs, key=lambda p: (p[0].article_id, p[1].id))  # as `neighbours` orders them


def _union(old: list[tuple[Edge, Node]], new: list[tuple[Edge, Node]]) -> list[tuple[Edge, Node]]:
    seen = {(e.src, e.type, e.dst, e.article_id, repr(e.props)) for e, _ in old}
    return old + [(e, n) for e, n in new if (e.src, e.type, e.dst, e.article_id, repr(e.props)) not in seen]


class BoltQuestions:
    @_wrap_errors
    def meetings_linked(self, which: MeetingFilter, limit: int = 50, offset: int = 0,
                        links: tuple[Link, ...] = (), evidence: bool = True) -> tuple[list[Node], int, dict]:
        """The page as `meetings_page` selects it, and each meeting's links, in one query."""
        source, params = _meeting_source(which)
        where, more = _meeting_where(which)
        calls, names = _link_calls("n", links, evidence=evidence)
        rows = self._read(
            f"{source} WITH DISTINCT n {where} "
            f"WITH n ORDER BY coalesce(toString(n.date), n.datePartial, '') DESC, n.id DESC "
            f"WITH collect(n) AS found WITH size(found) AS total, found[$offset..$offset + $limit] AS page "
            f"UNWIND CASE WHEN page = [] THEN [null] ELSE range(0, size(page) - 1) END AS i "
            f"WITH total, i, page[i] AS n{calls} "
            f"RETURN total, i, CASE WHEN n IS NULL THEN null ELSE [{NODE_RETURN}] END{names}",
            **params, **more, offset=max(offset, 0), limit=max(limit, 0))
        total = rows[0][0] if rows else 0
        rows = sorted((r for r in rows if r[2] is not None), key=lambda r: r[1])
        nodes = [node_from_row(r[2]) for r in rows]
        found = {link: {} for link in links}
        for node, r in zip(nodes, rows):
            for i, link in enumerate(links):
                found[link][node.id] = _by_claim(unpack(r[3 + i]))
        return nodes, total, found

    @_wrap_errors
    def neighbours_linked(self, node_id: str, edge_type: str, direction: str, links: tuple[Link, ...] = (),
                          same_article: bool = False, link_evidence: bool = True) -> tuple[list, dict]:
        calls, names = _link_calls("m", links, "articles" if same_article else None, link_evidence)
        rows = self._read(f"MATCH (n:{NODE_LABEL} {{id: $id}}) {expand([edge_type], direction)} "
                          f"WITH e, m, e.articles AS articles{calls} RETURN {FACT}, {node_return('m')}{names}",
                          id=node_id)
        claims = _by_claim(unpack([r[:7] for r in rows]))
        found = {link: {} for link in links}
        for r in rows:  # a far node reached by several facts: its links are read once per fact
            for i, link in enumerate(links):
                found[link][r[4]] = _by_claim(_union(found[link].get(r[4], []), unpack(r[7 + i])))
        if same_article:
            found = composed.same_article(found, claims)
        return claims, found

    @_wrap_errors
    def reach(self, start: str, edge_types: list[str], direction: str, depth: int,
              evidence: bool = True) -> dict[str, list[tuple[Edge, Node]]]:
        """The nodes a bounded variable-length path reaches (a pruning breadth-first expand),
        then their claims, in one query."""
        rels = [rel_type(t) for t in edge_types]
        if depth < 1 or SCOPE_REL in rels or any(reversed_type(t) for t in edge_types):
            from kg.stores.base import Store
            return Store.reach(self, start, edge_types, direction, depth, evidence)
        arrow = f"-[:{'|'.join(rels)}*1..{int(depth) - 1}]->" if direction == "out" \
            else f"<-[:{'|'.join(rels)}*1..{int(depth) - 1}]-"
        near = (f"CALL {{ WITH s MATCH (s){arrow}(x:{NODE_LABEL}) RETURN DISTINCT x "
                f"UNION WITH s RETURN s AS x }}") if depth > 1 else "WITH s, s AS x"
        rows = self._read(f"MATCH (s:{NODE_LABEL} {{id: $id}}) {near} "
                          f"CALL (x) {{ {expand(edge_types, direction, 'x', 'm')} "
                          f"RETURN collect([{FACT if evidence else FACT_BARE}, {node_return('m')}]) AS claims }} "
                          f"RETURN x.id, claims", id=start)
        return {r[0]: _by_claim(unpack(r[1])) for r in rows}

    @_wrap_errors
    def shortest_chain(self, start: str, end: str, edge_types: list[str], max_hops: int | None = None,
                       hub: int | None = None) -> tuple[list[Node], list[Edge]] | None:
        """`allShortestPaths` avoiding hubs (but at the ends), the first by ids, and the claims
        between each pair of its nodes, in one query."""
        if start == end:
            node = self.get(start)
            return ([node], []) if node else None
        if max_hops is not None and max_hops < 1:
            return None
        rels = "|".join(rel_type(t) for t in edge_types)
        hops = f"*..{int(max_hops)}" if max_hops is not None else "*"
        small = (f"$hub IS NULL OR n = a OR n = b OR COUNT {{ (n)-[:{rels}]-() }} < $hub OR "
                 f"COUNT {{ MATCH (n)-[r:{rels}]-(y) WHERE r.articles IS NOT NULL RETURN DISTINCT y }} < $hub")
        rows = self._read(
            f"MATCH (a:{NODE_LABEL} {{id: $start}}), (b:{NODE_LABEL} {{id: $end}}) "
            f"MATCH p = allShortestPaths((a)-[:{rels}{hops}]-(b)) "
            f"WHERE all(r IN relationships(p) WHERE r.articles IS NOT NULL) AND all(n IN nodes(p) WHERE {small}) "
            f"WITH nodes(p) AS chain ORDER BY [n IN chain | n.id] LIMIT 1 "
            f"UNWIND range(0, size(chain) - 2) AS i WITH chain, i, chain[i] AS n, chain[i + 1] AS m "
            f"CALL (n, m) {{ MATCH (n)-[e:{rels}]-(m) WHERE e.articles IS NOT NULL "
            f"RETURN collect([{FACT}]) AS claims }} "
            f"WITH chain, i, claims ORDER BY i "
            f"RETURN [n IN chain | [{NODE_RETURN}]], collect(claims)", start=start, end=end, hub=hub)
        if not rows:
            return None
        hops_found = [first_claim([edge for fact in claims for edge in claims_of(*fact)]) for claims in rows[0][1]]
        return [node_from_row(r) for r in rows[0][0]], hops_found

