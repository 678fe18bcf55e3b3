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
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}

# (curie, owl kind, super property, vi label, en label, comment): local terms the mapping adds.
MAPPING_TERMS = (
    ("kg:post", "ObjectProperty", None, "chức vụ", "post held",
     "The org:Post a membership is of (ORG relates a Membership to an organisation and a role, not to a post)."),
    ("kg:attestedOn", "DatatypeProperty", "dcterms:date", "ngày ghi nhận", "attested on",
     "The publication date of an article attesting a membership (in that article's evidence graph)."),
    ("kg:datePublishedPartial", "DatatypeProperty", None, "ngày đăng (không đủ)", "partial publication date",
     "A publication date known only to the year, month or day-of-year (schema:datePublished takes full dates)."),
    ("kg:startDatePartial", "DatatypeProperty", None, "ngày diễn ra (không đủ)", "partial start date",
     "A meeting date without a year the article fixes (schema:startDate takes full dates)."),
    ("kg:dateDocumentPartial", "DatatypeProperty", None, "ngày ban hành (không đủ)", "partial document date",
     "An issue date known only to the year or month (eli:date_document is functional, range xsd:date)."),
    ("kg:postKind", "ObjectProperty", None, "loại chức vụ", "kind of post",
     "The org:Role a post is an instance of (Bí thư, Chủ tịch, …)."),
    ("kg:inLineageOf", "ObjectProperty", None, "thuộc dòng văn bản của", "in the lineage of",
     "The transitive closure of the lineage edges (implements or applies, amends, based on, repeals, guides, "
     "summarizes), stored: ?doc kg:inLineageOf ?root answers what the + property path over them does, without walking it."),
)
# Standard terms the mapping uses for memberships, qualified usage and evidence. The ontology
# does not redeclare them (they belong to their owners); it names them in a comment.
STANDARD_TERMS = ("org:Membership", "org:member", "org:hasMembership", "org:organization", "org:role",
                  "org:Role", "org:memberDuring", "prov:Usage", "prov:qualifiedUsage", "prov:generated",
                  "prov:wasDerivedFrom", "prov:Bundle", "prov:hadPrimarySource", "oa:Annotation",
                  "oa:TextPositionSelector", "oa:TextQuoteSelector", "eli:applies", "eli:number", "eli:title_short",
                  "schema:interactionStatistic", "schema:InteractionCounter", "skos:Concept", "skos:ConceptScheme",
                  "skos:closeMatch", "void:Dataset", "dcat:Dataset")
# Full dates keep the standard property; a partial date goes to kg's own (model.yaml `partial`).
PARTIAL_DATE = {p.rdf: p.partial for n in schema().nodes.values() for p in n.properties.values() if p.partial}
# Values that are codes or numbers, not Vietnamese text: no language tag.
UNTAGGED = {"eli:number", "schema:identifier", "schema:url"}
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
    LABEL, IDENTIFIER = term("rdfs:label"), term("dcterms:identifier")
    STATEMENT, SUBJECT, PREDICATE, OBJECT = (term(f"rdf:{x}") for x in ("Statement", "subject", "predicate", "object"))
    MEMBERSHIP, MEMBER, MEMBER_DURING = term("org:Membership"), term("org:member"), term("org:memberDuring")
    POST, ATTESTED = term("kg:post"), term("kg:attestedOn")
    INTERVAL, INSTANT = term("time:Interval"), term("time:Instant")
    BEGINNING, END = term("time:hasBeginning"), term("time:hasEnd")
    USAGE, QUALIFIED_USAGE, ENTITY, HAD_ROLE = (term(f"prov:{x}") for x in ("Usage", "qualifiedUsage", "entity", "hadRole"))
    GENERATED, PRIMARY_SOURCE, BUNDLE = term("prov:generated"), term("prov:hadPrimarySource"), term("prov:Bundle")
    DERIVED_FROM = term("prov:wasDerivedFrom")
    HAS_MEMBERSHIP, ORGANIZATION, ROLE, ROLE_CLASS = (term(f"org:{x}") for x in ("hasMembership", "organization", "role", "Role"))
    POST_KIND, DOC_TYPE, APPLIES = term("kg:postKind"), term("eli:type_document"), term("eli:applies")
    NUMBER, TITLE_SHORT = term("eli:number"), term("eli:title_short")
    STATISTIC, COUNTER = term("schema:interactionStatistic"), term("schema:InteractionCounter")
    INTERACTION_TYPE, INTERACTION_COUNT, READ = (term(f"schema:{x}") for x in ("interactionType", "userInteractionCount", "ReadAction"))
    CONCEPT, SCHEME, IN_SCHEME, TOP_CONCEPT = (term(f"skos:{x}") for x in ("Concept", "ConceptScheme", "inScheme", "hasTopConcept"))
    PREF_LABEL, NOTATION, CLOSE_MATCH = term("skos:prefLabel"), term("skos:notation"), term("skos:closeMatch")
    RESOURCE_TYPE = term("eli:ResourceType")
    ATTRIBUTED_TO = term("prov:wasAttributedTo")
    ANNOTATION, BODY, TARGET, SOURCE, SELECTOR = (term(f"oa:{x}") for x in ("Annotation", "hasBody", "hasTarget", "hasSource", "hasSelector"))
    SPECIFIC, POSITION, QUOTE = term("oa:SpecificResource"), term("oa:TextPositionSelector"), term("oa:TextQuoteSelector")
    START, END_POS, EXACT = term("oa:start"), term("oa:end"), term("oa:exact")
