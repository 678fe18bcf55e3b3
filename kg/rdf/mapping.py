"""The schema → RDF mapping: class, property and edge terms read from `schemas/model.yaml`,
plus the few terms the mapping itself needs (memberships, qualified usage, evidence).

Those extra terms are not node or edge types, so they live here, once, and the ontology
generator declares them from this module too.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kg.errors import KgError
from kg.model import schema

EXTRA_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "time": "http://www.w3.org/2006/time#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
}

# (curie, owl kind, super property, vi label, en label): local terms the mapping adds.
MAPPING_TERMS = (
    ("kg:post", "ObjectProperty", None, "chức vụ", "post held"),
    ("kg:attestedOn", "DatatypeProperty", "dcterms:date", "ngày ghi nhận", "attested on"),
)
# (curie, owl kind, vi label, en label): standard terms the mapping uses for memberships,
# qualified usage and evidence; the ontology lists them so the whole vocabulary is in one file.
STANDARD_TERMS = (
    ("org:Membership", "Class", "Quan hệ giữ chức", "Membership"),
    ("org:member", "ObjectProperty", "người giữ chức", "member"),
    ("org:memberDuring", "ObjectProperty", "trong thời gian", "member during"),
    ("prov:Usage", "Class", "Việc sử dụng văn bản", "Usage"),
    ("prov:qualifiedUsage", "ObjectProperty", "sử dụng (chi tiết)", "qualified usage"),
    ("prov:Bundle", "Class", "Nhóm khẳng định của một bài báo", "Bundle of an article's claims"),
    ("prov:hadPrimarySource", "ObjectProperty", "nguồn gốc", "had primary source"),
    ("oa:Annotation", "Class", "Chú thích bằng chứng", "Evidence annotation"),
    ("oa:TextPositionSelector", "Class", "Vị trí trong văn bản", "Text position selector"),
    ("oa:TextQuoteSelector", "Class", "Trích dẫn văn bản", "Text quote selector"),
)
ACTION_ROLE = "kg:action_{}"  # ACTS_ON's action values become prov:Role individuals


class MappingError(KgError):
    """The store holds a type the schema does not declare."""


def prefixes() -> dict[str, str]:
    return {**EXTRA_PREFIXES, **schema().prefixes}


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return prefixes()[prefix] + local


def term(curie: str) -> str:
    """A CURIE as an N-Triples IRI term."""
    return f"<{expand(curie)}>"


@dataclass(frozen=True)
class NodeMap:
    cls: str
    props: tuple[tuple[str, str, str, bool], ...]  # (name, predicate term, type, required)


@dataclass(frozen=True)
class Mapping:
    nodes: dict[str, NodeMap]
    edges: dict[str, str]

    def node(self, node_type: str) -> NodeMap:
        try:
            return self.nodes[node_type]
        except KeyError:
            raise MappingError(f"node type {node_type!r} is not declared in schemas/model.yaml") from None

    def edge(self, edge_type: str) -> str:
        try:
            return self.edges[edge_type]
        except KeyError:
            raise MappingError(f"edge type {edge_type!r} is not declared in schemas/model.yaml") from None


@lru_cache(maxsize=1)
def mapping() -> Mapping:
    s = schema()
    nodes = {name: NodeMap(term(n.rdf), tuple((p.name, term(p.rdf), p.type, p.required)
                                               for p in n.properties.values() if p.rdf))
             for name, n in s.nodes.items()}
    return Mapping(nodes, {name: term(e.rdf) for name, e in s.edges.items()})


class T:
    """Standard terms used by the writers, as N-Triples IRI terms."""
    TYPE = term("rdf:type")
    LABEL = term("rdfs:label")
    STATEMENT, SUBJECT, PREDICATE, OBJECT = (term(f"rdf:{x}") for x in ("Statement", "subject", "predicate", "object"))
    MEMBERSHIP, MEMBER, MEMBER_DURING = term("org:Membership"), term("org:member"), term("org:memberDuring")
    POST, ATTESTED = term("kg:post"), term("kg:attestedOn")
    INTERVAL, INSTANT = term("time:Interval"), term("time:Instant")
    BEGINNING, END = term("time:hasBeginning"), term("time:hasEnd")
    USAGE, QUALIFIED_USAGE, ENTITY, HAD_ROLE = (term(f"prov:{x}") for x in ("Usage", "qualifiedUsage", "entity", "hadRole"))
    GENERATED_BY, PRIMARY_SOURCE, BUNDLE = term("prov:wasGeneratedBy"), term("prov:hadPrimarySource"), term("prov:Bundle")
    ATTRIBUTED_TO = term("prov:wasAttributedTo")
    ANNOTATION, BODY, TARGET, SOURCE, SELECTOR = (term(f"oa:{x}") for x in ("Annotation", "hasBody", "hasTarget", "hasSource", "hasSelector"))
    SPECIFIC, POSITION, QUOTE = term("oa:SpecificResource"), term("oa:TextPositionSelector"), term("oa:TextQuoteSelector")
    START, END_POS, EXACT = term("oa:start"), term("oa:end"), term("oa:exact")
