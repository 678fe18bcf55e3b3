"""The graph as subject blocks `(subject, [(predicate, object), …])` of N-Triples terms.

Every writer (N-Triples, Turtle, TriG, JSON-LD) and the persistent SPARQL store render these
blocks, so the RDF a node or edge becomes is decided here once. Two kinds:

- the merged graph (the default graph of every export): each node, each distinct edge once,
  one `org:Membership` per (person, post) and one `prov:Usage` per (meeting,
  document, action) over all the articles claiming them;
- one article's evidence (a named graph): what that article claims, each claim annotated
  with its text span.

A block's subject is a node IRI or a resource under it (`<node>#…`): everything about one node
comes from that node and its outgoing edges, which is what lets the persistent store replace
one node's triples when an ingest touches it.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator

from urllib.parse import quote

from kg.graph import Edge, Node
from kg.model import node_id, schema
from kg.rdf.concepts import doc_type_iri, role_iri
from kg.rdf.iri import XSD, date_literal, iri, literal, node_iri, node_path, node_term, segment, typed_literal
from kg.rdf.links import province_items, wikidata_iri
from kg.rdf.mapping import ACTION_ROLE, PARTIAL_DATE, UNTAGGED, T, mapping, term
from kg.rdf.source import SourceGroup
from kg.text import slug

Block = tuple[str, list[tuple[str, str]]]
PostInfo = Callable[[str], tuple[str | None, str | None]]  # post id → (name, organisation id)
_TIME_PROPERTY = {XSD + "date": "inXSDDate", XSD + "gYear": "inXSDgYear", XSD + "gYearMonth": "inXSDgYearMonth"}
_FULL_DATE = f"^^<{XSD}date>"
_PARTIAL = {term(k): term(v) for k, v in PARTIAL_DATE.items()}
_UNTAGGED = {term(c) for c in UNTAGGED}
_URL, _VIEWS, _CURRENT = term("schema:url"), term("schema:interactionStatistic"), term("kg:currentUnit")
_IMPLEMENTS = term("eli:ensures_implementation_of")
_SAME_AS, _IN_LINEAGE = term("owl:sameAs"), term("kg:inLineageOf")
# Party documents (`21-NQ/TW`, `20-CT/TU`, `05-KH/HU`, … `/ĐU`, `/BCSĐ`) bind Party members,
# not the public: they have no legal force, so what they implement they `eli:applies`.
MEMBERSHIP_STATEMENTS = ((T.ATTESTED, "attested"),)
_PARTY_NUMBER = re.compile(r"^\d+-[a-z]+-(tw|tu|hu|qu|tx|du|bcsd)$")  # a document id's number slug
_IRI_SAFE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\x00-\x20<>\"{}|^`\\]+$")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def rdf_as(edge_type: str) -> str | None:
    """The n-ary resource RDF writes an edge as besides its triple (model.yaml `rdf_as`)."""
    spec = schema().edges.get(edge_type)
    return spec.rdf_as if spec else None


def is_party_document(doc: str) -> bool:
    match = schema().nodes["Document"].id_pattern.match(doc)
    return bool(match and _PARTY_NUMBER.match(match["number"]))


def edge_predicate(edge_type: str, src: str) -> str:
    predicate = mapping().edge(edge_type)
    return T.APPLIES if predicate == _IMPLEMENTS and is_party_document(src) else predicate


def node_blocks(base: str, node: Node, same_as: Iterable[str] = (), lineage: Iterable[str] = ()) -> list[Block]:
    """A node's own triples; `same_as`: ids of other nodes of the same thing (kg.rdf.links);
    `lineage`: a document's ancestors (kg.rdf.lineage)."""
    spec = mapping().node(node.type)
    subject = node_term(base, node.id)
    pos = [(T.TYPE, spec.cls), (T.LABEL, literal(node.name, lang="vi")), (T.IDENTIFIER, literal(node.id))]
    extra: list[Block] = []
    for name, predicate, kind, required in spec.props:
        value = node.props.get(name)
        if value is None and required:
            value = node.name  # the display name is the required label when no claim stated one
        if value is not None and value != "":
            extra.extend(_property(base, subject, pos, predicate, kind, value))
    if node.type == "Post" and role_iri(node.name):
        pos.append((T.POST_KIND, role_iri(node.name)))
    if node.type == "Province" and node.id in province_items():
        pos.append((_SAME_AS, iri(wikidata_iri(province_items()[node.id]))))
    pos.extend((_SAME_AS, node_term(base, other)) for other in same_as)
    pos.extend((_IN_LINEAGE, node_term(base, ancestor)) for ancestor in lineage)
    return [(subject, pos), *extra]


def _property(base: str, subject: str, pos: list, predicate: str, kind: str, value) -> list[Block]:
    """Appends the property's triple to `pos`; returns blocks of resources it needs."""
    if predicate == T.NUMBER:  # a printed number, or the short title of an unnumbered law
        pos.append((T.NUMBER if any(c.isdigit() for c in str(value)) else T.TITLE_SHORT, literal(str(value))))
    elif predicate == T.DOC_TYPE:
        concept = doc_type_iri(str(value))
        pos.extend([(T.DOC_TYPE, concept)] if concept else [])
    elif predicate == _URL:  # an IRI: characters an IRI cannot hold are percent-encoded
        url = quote(str(value), safe=_URL_SAFE)
        pos.extend([(_URL, iri(url))] if _IRI_SAFE.match(url) else [])
    elif predicate == _CURRENT:
        pos.append((_CURRENT, node_term(base, node_id("Province", name=slug(str(value).removeprefix("TP "))))))
    elif predicate == _VIEWS:
        counter = subject[:-1] + "#views>"
        pos.append((_VIEWS, counter))
        return [(counter, [(T.TYPE, T.COUNTER), (T.INTERACTION_TYPE, T.READ),
                           (T.INTERACTION_COUNT, typed_literal(value, "integer"))])]
    elif kind == "date":
        lit = date_literal(value)
        pos.append((predicate if lit.endswith(_FULL_DATE) or predicate not in _PARTIAL else _PARTIAL[predicate], lit))
    elif kind == "string" and predicate not in _UNTAGGED:
        pos.append((predicate, literal(str(value), lang="vi")))
    else:
        pos.append((predicate, typed_literal(value, kind)))
    return []


def edge_blocks(base: str, groups: Iterable[SourceGroup], post_info: PostInfo) -> Iterator[Block]:
    """Each source's distinct edges, then its memberships and usages over all claims."""
    for src, pairs, claims in groups:
        yield from source_blocks(base, src, pairs, claims, post_info)


def source_blocks(base: str, src: str, pairs, claims: list[Edge], post_info: PostInfo) -> list[Block]:
    subject = node_term(base, src)
    blocks = [(subject, [(edge_predicate(t, src), node_term(base, dst)) for t, dst in pairs])] if pairs else []
    holds = [e for e in claims if rdf_as(e.type) == "membership"]
    if holds:
        blocks.extend(_memberships(base, subject, holds, post_info))
    usages = sorted({(e.dst, e.props["action"]) for e in claims if rdf_as(e.type) == "usage" and e.props.get("action")})
    for doc, action in usages:
        blocks.extend(_usage(base, subject, doc, action))
    return blocks


def membership_term(person: str, edge: Edge) -> str:
    """One membership per (person, post)."""
    return f"{person[:-1]}#holds-{node_path(edge.dst).removeprefix('post/')}>"


def _memberships(base: str, person: str, holds: list[Edge], post_info: PostInfo) -> list[Block]:
    grouped: dict[str, list[Edge]] = {}
    for edge in holds:
        grouped.setdefault(membership_term(person, edge), []).append(edge)
    blocks, links = [], []
    for m, edges in grouped.items():
        links.append((T.HAS_MEMBERSHIP, m))
        blocks.extend(_membership(base, m, person, edges, post_info))
    return [(person, links), *blocks]


def _membership(base: str, m: str, person: str, edges: list[Edge], post_info: PostInfo) -> list[Block]:
    post = edges[0].dst
    name, org = post_info(post)
    pos = [(T.TYPE, T.MEMBERSHIP), (T.MEMBER, person), (T.POST, node_term(base, post))]
    pos += [(T.ORGANIZATION, node_term(base, org))] if org else []
    pos += [(T.ROLE, role_iri(name))] if name and role_iri(name) else []
    pos += [(T.DERIVED_FROM, node_term(base, node_id("Article", article=a))) for a in sorted({e.article_id or "unknown" for e in edges})]
    # The interval runs from the first to the last attestation.
    attested = sorted(str(e.props["attested"]) for e in edges if e.props.get("attested"))
    interval = _interval(m, attested[0], attested[-1]) if attested else []
    if interval:
        pos.append((T.MEMBER_DURING, interval[0][0]))
    return [(m, pos), *interval]


def _interval(membership: str, start: str | None, end: str | None) -> list[Block]:
    during = membership[:-1] + "-during>"
    pos, blocks = [(T.TYPE, T.INTERVAL)], []
    for predicate, name, value in ((T.BEGINNING, "start", start), (T.END, "end", end)):
        lit = date_literal(value) if value else ""
        datatype = lit.rpartition("^^<")[2].rstrip(">") if "^^<" in lit else ""
        if datatype in _TIME_PROPERTY:  # an unparseable date is left out, not mistyped
            instant = f"{during[:-1]}-{name}>"
            blocks.append((instant, [(T.TYPE, T.INSTANT), (term("time:" + _TIME_PROPERTY[datatype]), lit)]))
            pos.append((predicate, instant))
    return [(during, pos), *blocks] if blocks else []


def usage_term(meeting: str, doc: str, action: str) -> str:
    return f"{meeting[:-1]}#used-{node_path(doc).removeprefix('doc/')}-{segment(action)}>"


def _usage(base: str, meeting: str, doc: str, action: str) -> list[Block]:
    usage, document = usage_term(meeting, doc, action), node_term(base, doc)
    pos = [(T.QUALIFIED_USAGE, usage)]
    if action == "adopt":  # a meeting that adopts a document is the activity it came from
        pos.append((T.GENERATED, document))
    return [(meeting, pos),
            (usage, [(T.TYPE, T.USAGE), (T.ENTITY, document), (T.HAD_ROLE, term(ACTION_ROLE.format(segment(action))))])]


# -- one article's evidence ------------------------------------------------------------------
def evidence_blocks(base: str, graph: str, article_id: str, edges: Iterable[Edge], text: str | None) -> list[Block]:
    """The named graph of one article: a prov:Bundle whose primary source is the article, each
    claimed edge, the attestation of each membership, and an annotation per claim."""
    article = node_term(base, node_id("Article", article=article_id))
    blocks = [(iri(graph), [(T.TYPE, T.BUNDLE), (T.PRIMARY_SOURCE, article)])]
    for edge in edges:
        subject = node_term(base, edge.src)
        blocks.append((subject, [(edge_predicate(edge.type, edge.src), node_term(base, edge.dst))]))
        if rdf_as(edge.type) == "membership":  # what this article says of the membership: when
            said = [(p, date_literal(edge.props[k])) for p, k in MEMBERSHIP_STATEMENTS if edge.props.get(k)]
            blocks.extend([(membership_term(subject, edge), said)] if said else [])
        if rdf_as(edge.type) == "usage" and edge.props.get("action"):  # the action this article states
            blocks.append((subject, [(T.QUALIFIED_USAGE, usage_term(subject, edge.dst, edge.props["action"]))]))
        blocks.extend(annotation_blocks(base, graph, edge, text))
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
                      (T.PREDICATE, edge_predicate(edge.type, edge.src)), (T.OBJECT, node_term(base, edge.dst))])]
    if ev is None:
        return blocks
    if ev.extractor:
        annotation.append((T.ATTRIBUTED_TO, iri(f"{base}extractor/{segment(ev.extractor)}")))
    target = [(T.TYPE, T.SPECIFIC), (T.SOURCE, node_term(base, node_id("Article", article=edge.article_id)))]
    if ev.end > ev.start:
        position = ann + "-position>"
        target.append((T.SELECTOR, position))
        blocks.append((position, [(T.TYPE, T.POSITION), (T.START, _offset(ev.start)), (T.END_POS, _offset(ev.end))]))
    exact = text[ev.start:ev.end] if text and ev.end > ev.start else ev.sentence
    if exact:
        quote = ann + "-quote>"
        target.append((T.SELECTOR, quote))
        blocks.append((quote, [(T.TYPE, T.QUOTE), (T.EXACT, literal(exact))]))
    blocks.append((target_iri, target))
    return blocks


# xsd:integer (with a minInclusive 0 shape): what every store gives back, so a round-trip conforms.
_OFFSET = f'"^^<{XSD}integer>'


def _offset(n: int) -> str:
    return f'"{int(n)}{_OFFSET}'


def article_graph_iri(base: str, article_id: str) -> str:
    """The named graph holding one article's claims."""
    return node_iri(base, node_id("Article", article=article_id)) + "/claims"
