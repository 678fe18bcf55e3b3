"""The graph as subject blocks `(subject, [(predicate, object), …])` of N-Triples terms.

Every writer (N-Triples, Turtle, TriG, JSON-LD) renders these blocks, so the RDF a node or
edge becomes is decided here once. Blocks are produced while iterating the store, never
from one graph held in memory.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from kg.graph import Edge, Node
from kg.rdf.iri import XSD, article_iri, date_literal, iri, literal, node_iri, node_path, node_term, segment, typed_literal
from kg.rdf.mapping import ACTION_ROLE, T, mapping, term
from kg.rdf.source import SourceGroup, reader
from kg.stores.base import Store

Block = tuple[str, list[tuple[str, str]]]
_TIME_PROPERTY = {XSD + "date": "inXSDDate", XSD + "gYear": "inXSDgYear", XSD + "gYearMonth": "inXSDgYearMonth"}


def node_block(base: str, node: Node) -> Block:
    spec = mapping().node(node.type)
    pos = [(T.TYPE, spec.cls), (T.LABEL, literal(node.name))]
    for name, predicate, kind, required in spec.props:
        value = node.props.get(name)
        if value is None and required:
            value = node.name  # the display name is the required label when no claim stated one
        if value is not None and value != "":
            pos.append((predicate, typed_literal(value, kind)))
    return node_term(base, node.id), pos


def graph_blocks(store: Store, base: str, fast: bool = True) -> Iterator[Block]:
    """The whole graph: every node, then every edge once (claims by several articles merged),
    each source's edges followed by what its qualified claims add."""
    with reader(store, fast) as r:
        for node in r.nodes():
            yield node_block(base, node)
        yield from edge_blocks(base, r.by_source())


def edge_blocks(base: str, groups: Iterable[SourceGroup]) -> Iterator[Block]:
    edge_term = mapping().edge
    for src, pairs, claims in groups:
        subject = node_term(base, src)
        if pairs:
            yield subject, [(edge_term(t), node_term(base, dst)) for t, dst in pairs]
        used = set()  # one qualified usage per (document, action), however many articles claim it
        for edge in claims:
            if edge.type == "ACTS_ON":
                key = (edge.dst, edge.props.get("action"))
                if key in used:
                    continue
                used.add(key)
            yield from claim_blocks(base, edge)[1:]  # [0] is the edge triple, already in pairs


def claim_blocks(base: str, edge: Edge) -> list[Block]:
    """What one article's claim of an edge states: the edge triple, plus an org:Membership
    for HOLDS and a qualified prov:Usage for ACTS_ON."""
    subject, target = node_term(base, edge.src), node_term(base, edge.dst)
    blocks = [(subject, [(mapping().edge(edge.type), target)])]
    if edge.type == "HOLDS":
        blocks.extend(_membership(base, edge, subject, target))
    elif edge.type == "ACTS_ON" and edge.props.get("action"):
        blocks.extend(_usage(edge, subject, target))
    return blocks


def _membership(base: str, edge: Edge, person: str, post: str) -> list[Block]:
    article = edge.article_id or "unknown"
    m = iri(f"{node_iri(base, edge.src)}/holds/{node_path(edge.dst).removeprefix('post/')}/{segment(article)}")
    pos = [(T.TYPE, T.MEMBERSHIP), (T.MEMBER, person), (T.POST, post),
           (T.PRIMARY_SOURCE, iri(article_iri(base, article)))]
    if edge.props.get("attested"):
        pos.append((T.ATTESTED, date_literal(edge.props["attested"])))
    blocks = [(m, pos)]
    if edge.props.get("start") or edge.props.get("end"):
        blocks.extend(_interval(m, edge.props.get("start"), edge.props.get("end")))
        pos.append((T.MEMBER_DURING, m[:-1] + '/during>'))
    return blocks


def _interval(membership: str, start: str | None, end: str | None) -> list[Block]:
    during = membership[:-1] + "/during>"
    pos, blocks = [(T.TYPE, T.INTERVAL)], []
    for predicate, name, value in ((T.BEGINNING, "start", start), (T.END, "end", end)):
        if value:
            instant, lit = f"{during[:-1]}/{name}>", date_literal(value)
            datatype = lit.rpartition("^^<")[2].rstrip(">") if "^^<" in lit else ""
            if datatype in _TIME_PROPERTY:  # an unparseable date is left out, not mistyped
                blocks.append((instant, [(T.TYPE, T.INSTANT), (term("time:" + _TIME_PROPERTY[datatype]), lit)]))
                pos.append((predicate, instant))
    return [(during, pos), *blocks]


def _usage(edge: Edge, meeting: str, document: str) -> list[Block]:
    action = edge.props["action"]
    usage = f"{meeting[:-1]}/used/{node_path(edge.dst).removeprefix('doc/')}/{segment(action)}>"
    blocks = [(meeting, [(T.QUALIFIED_USAGE, usage)]),
              (usage, [(T.TYPE, T.USAGE), (T.ENTITY, document), (T.HAD_ROLE, term(ACTION_ROLE.format(segment(action))))])]
    if action == "adopt":  # a meeting that adopts a document is where the document came from
        blocks.append((document, [(T.GENERATED_BY, meeting)]))
    return blocks


def annotation_blocks(base: str, graph: str, edge: Edge, text: str | None) -> list[Block]:
    """Web Annotation tying one claim (as an rdf:Statement) to its exact span in the article."""
    key = hashlib.sha1(f"{edge.src} {edge.type} {edge.dst}".encode()).hexdigest()[:16]
    ann = f"<{graph}#claim-{key}"  # + "-suffix>" makes each IRI term
    body, target_iri = ann + "-statement>", ann + "-target>"
    ev = edge.evidence
    annotation = [(T.TYPE, T.ANNOTATION), (T.BODY, body), (T.TARGET, target_iri)]
    blocks = [(ann + ">", annotation),
              (body, [(T.TYPE, T.STATEMENT), (T.SUBJECT, node_term(base, edge.src)),
                      (T.PREDICATE, mapping().edge(edge.type)), (T.OBJECT, node_term(base, edge.dst))])]
    if ev is None:
        return blocks
    if ev.extractor:
        annotation.append((T.ATTRIBUTED_TO, iri(f"{base}extractor/{segment(ev.extractor)}")))
    target = [(T.TYPE, T.SPECIFIC), (T.SOURCE, node_term(base, "article:" + edge.article_id))]
    if ev.end > ev.start:
        position = ann + "-position>"
        target.append((T.SELECTOR, position))
        blocks.append((position, [(T.TYPE, T.POSITION), (T.START, _count(ev.start)), (T.END_POS, _count(ev.end))]))
    exact = text[ev.start:ev.end] if text and ev.end > ev.start else ev.sentence
    if exact:
        quote = ann + "-quote>"
        target.append((T.SELECTOR, quote))
        blocks.append((quote, [(T.TYPE, T.QUOTE), (T.EXACT, literal(exact))]))
    blocks.append((target_iri, target))
    return blocks


_COUNT = f'"^^<{XSD}nonNegativeInteger>'


def _count(n: int) -> str:
    return f'"{int(n)}{_COUNT}'
