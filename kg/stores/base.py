"""The store interface: a small set of primitives every query is written against once."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kg.facts import Article, Extraction
from kg.graph import Edge, Facts, Node
from kg.stores import composed
from kg.stores.composed import Link
from kg.stores.source import Closing, GraphSource
from kg.text import ascii_key, key


@dataclass
class UpsertResult:
    status: str  # new | unchanged | replaced
    nodes: int = 0
    edges: int = 0


@dataclass(frozen=True)
class MeetingFilter:
    """Which meetings `Store.meetings_page` lists: linked to `person` by `role` (a Meeting →
    Person edge type), or named by `text` (`exact`: an alias equals it, else contains it,
    accent- and case-insensitively), or all; then held in one of `provinces` (Province ids;
    None: anywhere) and dated within `since`..`until` (ISO strings; a bound excludes meetings
    without a full date)."""
    person: str | None = None
    role: str = "CHAIRED_BY"
    text: str | None = None
    exact: bool = False
    provinces: tuple[str, ...] | None = None
    since: str | None = None
    until: str | None = None

    def dated(self, date: str | None) -> bool:
        if not (self.since or self.until):
            return True
        if not date or date.startswith("--"):
            return False
        return (not self.since or date >= self.since) and (not self.until or date <= self.until)


@dataclass
class Span:
    """One neighbour over all the claims of one edge type: the first and last value of a
    property (e.g. HOLDS `attested`) and the articles claiming it."""
    node: Node
    first: str | None
    last: str | None
    sources: list[str]


def find_key(folded_keys: Iterable[str], bare_keys: Iterable[str], text: str) -> tuple | None:
    """Where a node ranks in `find(text)` given its aliases' folded and diacritic-free keys:
    (0, "") an alias equals the text with its diacritics, (1, "") without them, (2, key) the
    smallest alias key containing it; None when none matches. Every store sorts by this, then
    by id, so their pages agree."""
    folded, bare = key(text), ascii_key(text)
    bare_keys = list(bare_keys)
    if folded in set(folded_keys):  # the diacritic-free key is a function of the folded one
        return (0, "")
    if bare in bare_keys:
        return (1, "")
    inside = [a for a in bare_keys if bare in a]
    return (2, min(inside)) if inside else None


def newest_first(node: Node) -> tuple[str, str]:
    """Sort key (use with reverse=True): latest `date` first, undated last, then id descending."""
    return (node.props.get("date") or "", node.id)


def cap_neighbours(claims: list[tuple[Edge, Node]], limit: int | None) -> tuple[list[tuple[Edge, Node]], int]:
    """(the claims to the first `limit` distinct neighbours, newest first, grouped by neighbour
    then article and type; the number of distinct neighbours)."""
    far = {other.id: other for _, other in claims}
    kept = sorted(far.values(), key=newest_first, reverse=True)[:limit]
    rank = {node.id: i for i, node in enumerate(kept)}
    chosen = [pair for pair in claims if pair[1].id in rank]
    return sorted(chosen, key=lambda p: (rank[p[1].id], p[0].article_id, p[0].type)), len(far)


class Store(Closing, ABC):
    location: str

    def graph_source(self) -> GraphSource:
        """The whole store as ordered streams (`kg.stores.source`): what every export and push read."""
        raise NotImplementedError(f"{type(self).__name__} cannot be read as a whole graph")

    @abstractmethod
    def upsert(self, facts: Facts) -> UpsertResult:
        """Store one article's facts in one transaction (replacing its older claims)."""

    def upsert_many(self, batch: Iterable[Facts]) -> list[UpsertResult]:
        return [self.upsert(facts) for facts in batch]

    def replace(self, facts: Facts) -> UpsertResult:
        """Store an article's facts again even though its text is unchanged (re-resolution)."""
        self.retract(facts.article.id)
        return self.upsert(facts)

    @abstractmethod
    def retract(self, article_id: str) -> bool:
        """Remove one article and exactly the claims only it supported."""

    def stored_hash(self, article_id: str) -> str | None:
        """The content hash of the stored article (None: not stored): an unchanged article is
        skipped before it is extracted."""
        stored = self.article(article_id)
        fields = set(Article.__dataclass_fields__)
        return Article(**{k: v for k, v in stored.items() if k in fields}).content_hash if stored else None

    # Settling (kg.settle). A store that keeps neither of these still settles, only by
    # extracting again and without surviving a crash between a batch and its settling.
    def kept_extraction(self, article_id: str) -> Extraction | None:
        """The extraction stored with an article whose facts settling may change (`Facts.extraction`)."""
        return None

    def unsettled(self) -> set[str]:
        """Document bases recorded, in the transaction that changed their dated documents, as
        not yet settled."""
        return set()

    def settled(self, bases: set[str]) -> None:
        """Clear what `unsettled` recorded for `bases`."""

    def dateless_citers(self, base: str, resolution: str) -> set[str] | None:
        """Ids of the articles citing `base` without a date whose stored facts resolved it other
        than `resolution` (`Facts.dateless`); None when the store records no resolutions."""
        return None

    @abstractmethod
    def get(self, node_id: str) -> Node | None: ...

    @abstractmethod
    def find(self, text: str, node_type: str | None = None, limit: int = 50,
             exact: bool = False) -> list[Node]:
        """Nodes whose name or an alias contains (`exact`: equals) `text`, accent-, tone- and
        case-insensitively, in `find_key` order: exact matches first (with the text's own
        diacritics before without), then by the smallest alias key containing the text; ties
        by id."""

    def find_page(self, text: str, node_type: str | None = None, limit: int = 50,
                  offset: int = 0) -> tuple[list[Node], int | None]:
        """One page of `find(text)` and how many nodes match in all, or None when the store
        did not count them (too many to count cheaply); None always means more than the page."""
        hits = self.find(text, node_type, limit=offset + limit + 1)
        return hits[offset:offset + limit], None if len(hits) > offset + limit else len(hits)

    @abstractmethod
    def find_ids(self, prefix: str) -> list[str]:
        """Ids starting with `prefix` (document candidates share a base id)."""

    @abstractmethod
    def neighbours(self, node_id: str, edge_type: str | None, direction: str = "out") -> list[tuple[Edge, Node]]:
        """Edges (one per claiming article) of a type leaving (`out`) or entering (`in`) a node."""

    def neighbours_many(self, node_ids: list[str], edge_type: str,
                        direction: str = "out") -> dict[str, list[tuple[Edge, Node]]]:
        """`neighbours` of many nodes at once (one round trip where the store can)."""
        return {node_id: self.neighbours(node_id, edge_type, direction) for node_id in node_ids}

    def neighbours_capped(self, node_ids: list[str], edge_types: list[str], direction: str,
                          limit: int | None = None) -> dict[str, tuple[list[tuple[Edge, Node]], int]]:
        """For each node: the claims of `edge_types` linking it to its first `limit` distinct
        neighbours (newest first, see `newest_first`; None: all of them), grouped by neighbour
        in that order then by article and type, and how many distinct neighbours it has.

        Lineage walks a hub (a central resolution implemented by thousands of documents) one
        level at a time with this, so a page of a level costs what the page holds."""
        found = {}
        for node_id in node_ids:
            claims = [pair for edge_type in edge_types for pair in self.neighbours(node_id, edge_type, direction)]
            found[node_id] = cap_neighbours(claims, limit)
        return found

    def edge_spans(self, node_id: str, edge_type: str, direction: str, prop: str) -> list[Span]:
        """One `Span` per neighbour across `edge_type` (first/last non-empty `prop`, claiming
        articles sorted), in neighbour id order."""
        spans: dict[str, Span] = {}
        for edge, other in self.neighbours(node_id, edge_type, direction):
            span = spans.setdefault(other.id, Span(other, None, None, []))
            value = edge.props.get(prop)
            if value:
                span.first = min(span.first or value, value)
                span.last = max(span.last or value, value)
            span.sources.append(edge.article_id)
        for span in spans.values():
            span.sources = sorted(set(span.sources))
        return sorted(spans.values(), key=lambda s: s.node.id)

    def claimed_values(self, node_id: str, prop: str) -> dict[str, list[str]]:
        """Each value of a node's `prop` that articles claim, with the ids of the articles
        claiming it (sorted), e.g. the dates sources give one document. This default knows
        only the stored value, claimed by every article citing the node; stores that keep each
        article's claim override it."""
        node = self.get(node_id)
        value = node.props.get(prop) if node else None
        if value is None:
            return {}
        citing = {e.article_id.removeprefix("article:") for e, _ in self.neighbours(node_id, "MENTIONS", "in")}
        return {value: sorted(citing)}

    def latest(self, node_id: str, edge_type: str, direction: str, prop: str) -> Node | None:
        """The neighbour across `edge_type` whose claim has the greatest `prop` (missing counts
        as empty; ties: the greatest id), e.g. a person's latest attested post."""
        claims = self.neighbours(node_id, edge_type, direction)
        best = max(claims, key=lambda c: (c[0].props.get(prop) or "", c[1].id), default=None)
        return best[1] if best else None

    def meetings_page(self, which: MeetingFilter, limit: int = 50,
                      offset: int = 0) -> tuple[list[Node], int]:
        """The meetings `which` selects, newest first (`newest_first`): one page, and how many
        there are in all. This default filters in Python; stores override it to let their
        indexes sort and count."""
        if which.person:
            found = [m for _, m in self.neighbours(which.person, which.role, "in")]
        elif which.text is not None:
            found = self.find(which.text, "Meeting", limit=2**31 - 1, exact=which.exact)
        else:
            found = list(self.iter_nodes("Meeting"))
        chosen = {m.id: m for m in found if m.type == "Meeting" and which.dated(m.props.get("date"))}
        if which.provinces is not None:
            held = self.neighbours_many(list(chosen), "HELD_IN", "out")
            chosen = {i: m for i, m in chosen.items() if any(p.id in which.provinces for _, p in held[i])}
        rows = sorted(chosen.values(), key=newest_first, reverse=True)
        return rows[offset:offset + limit], len(rows)

    def walk(self, start: str, edge_types: list[str], direction: str, depth: int) -> list[tuple[Edge, Node]]:
        """Every edge claim of `edge_types` reachable from `start` within `depth` hops, walking
        `direction` ("out" along edges, "in" against them), with the node on its far side.

        This default walks breadth-first with `neighbours`; stores override it to walk in
        fewer round trips."""
        seen, frontier, found = {start}, [start], []
        for _ in range(depth):
            following = []
            for node_id in frontier:
                for edge_type in edge_types:
                    for edge, other in self.neighbours(node_id, edge_type, direction):
                        found.append((edge, other))
                        if other.id not in seen:
                            seen.add(other.id)
                            following.append(other.id)
            frontier = following
        return found

    def adjacency(self, node_ids: list[str], edge_types: list[str],
                  hub: int | None = None) -> dict[str, list[str] | None]:
        """For each node, its distinct neighbours across `edge_types` in either direction, sorted;
        None for a node with `hub` or more of them (a path search does not pass through it)."""
        found: dict[str, set[str]] = {node_id: set() for node_id in node_ids}
        for edge_type in edge_types:
            for direction in ("out", "in"):
                for node_id, claims in self.neighbours_many(node_ids, edge_type, direction).items():
                    found[node_id] |= {other.id for _, other in claims}
        return {n: None if hub is not None and len(far) >= hub else sorted(far) for n, far in found.items()}

    # Whole questions: composed of the primitives above by default (kg.stores.composed, the
    # oracle); a store with a query language answers each in one round trip.
    def meetings_linked(self, which: MeetingFilter, limit: int = 50, offset: int = 0,
                        links: tuple[Link, ...] = (), evidence: bool = True) -> tuple[list[Node], int, dict]:
        """`meetings_page`, and for each link (edge type, direction) the page's claims across
        it, as `neighbours_many` gives them: {link: {meeting id: claims}} (without `evidence`,
        claims carry none: sentences are most of what a store reads)."""
        nodes, total = self.meetings_page(which, limit, offset)
        return nodes, total, composed.linked(self, [m.id for m in nodes], links, evidence)

    def neighbours_linked(self, node_id: str, edge_type: str, direction: str, links: tuple[Link, ...] = (),
                          same_article: bool = False, link_evidence: bool = True) -> tuple[list, dict]:
        """`neighbours`, and for each link the far nodes' claims across it: {link: {id: claims}};
        with `same_article`, only the link claims of articles that claim the way to that node;
        without `link_evidence`, the link claims carry no evidence."""
        claims = self.neighbours(node_id, edge_type, direction)
        found = composed.linked(self, [n.id for _, n in claims], links, link_evidence)
        return claims, composed.same_article(found, claims) if same_article else found

    def reach(self, start: str, edge_types: list[str], direction: str, depth: int,
              evidence: bool = True) -> dict[str, list[tuple[Edge, Node]]]:
        """Every node within `depth - 1` hops of `start` walking `direction`, breadth-first,
        with its claims of `edge_types` that way (as `neighbours_capped` with no cap); without
        `evidence`, claims carry none (a walk that shows no sentences reads far less)."""
        return composed.reach(self, start, edge_types, direction, depth, evidence)

    def shortest_chain(self, start: str, end: str, edge_types: list[str], max_hops: int | None = None,
                       hub: int | None = None) -> tuple[list[Node], list[Edge]] | None:
        """The shortest chain from `start` to `end` across `edge_types` either way, of at most
        `max_hops` (None: any), not passing through a node with `hub` or more distinct
        neighbours (None: no limit): its nodes, and for each hop the claim that comes first by
        (source, type, target, article). Among several, the one whose ids read first; None
        when there is none."""
        return composed.shortest_chain(self, start, end, edge_types, max_hops, hub)

    @abstractmethod
    def iter_nodes(self, node_type: str | None = None) -> Iterator[Node]: ...

    @abstractmethod
    def iter_edges(self, edge_type: str | None = None) -> Iterator[Edge]: ...

    @abstractmethod
    def article(self, article_id: str) -> dict | None: ...

    @abstractmethod
    def counts(self) -> dict:
        """{"articles": n, "nodes": {type: n}, "edges": {type: n}} (edges counted once per triple)."""

    def totals(self) -> tuple[int, int]:
        """(entities, distinct edges): what an ingest's growth is measured by."""
        counts = self.counts()
        return sum(counts["nodes"].values()), sum(counts["edges"].values())
