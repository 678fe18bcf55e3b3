"""`schemas/shapes.ttl`, generated from `schemas/model.yaml`: one SHACL node shape per class.

Node properties: required → minCount 1; every property at most once (a node's properties
are merged to one value per key); datatypes from the schema, dates as xsd:date (or gYear /
gYearMonth when only the year or month is stated, gMonthDay when the year is unknown). Edges: the target must be an IRI of the
target class. Memberships, qualified usages, bundles and evidence annotations get shapes too.
"""
from __future__ import annotations

from kg.model import schema
from kg.rdf.iri import literal
from kg.rdf.mapping import ACTION_ROLE, prefixes
from kg.rdf.ontology import XSD_OF

SHAPES = "https://kg.example.org/shapes#"
HEADER = "# Generated from schemas/model.yaml by `python -m kg.rdf.ontology`; do not edit by hand.\n"
DATE = ("sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYearMonth ] [ sh:datatype xsd:gYear ] "
        "[ sh:datatype xsd:gMonthDay ] )")


def _prop(path: str, *constraints: str, min_count: int = 0, max_count: int | None = 1) -> str:
    parts = [f"sh:path {path}"] + ([f"sh:minCount {min_count}"] if min_count else [])
    parts += [f"sh:maxCount {max_count}"] if max_count else []
    return "[ " + " ; ".join(parts + list(constraints)) + " ]"


def _datatype(kind: str) -> str:
    return DATE if kind == "date" else f"sh:datatype {XSD_OF[kind]}"


def _shape(name: str, target: str, props: list[str]) -> str:
    body = " ;\n    ".join(["a sh:NodeShape", f"sh:targetClass {target}"] + [f"sh:property {p}" for p in props])
    return f"kgsh:{name} {body} .\n"


def _node_shapes() -> list[str]:
    s, out = schema(), []
    for node in s.nodes.values():
        props = [_prop("rdfs:label", "sh:datatype xsd:string", min_count=1)]
        props += [_prop(p.rdf, _datatype(p.type), min_count=int(p.required)) for p in node.properties.values() if p.rdf]
        for e in s.edges.values():
            if e.source == node.name:
                target = "sh:nodeKind sh:IRI" if e.target == "any" else f"sh:class {s.nodes[e.target].rdf}"
                props.append(_prop(e.rdf, target, max_count=None))
        out.append(_shape(node.name, node.rdf, props))
    return out


def _mapping_shapes() -> list[str]:
    actions = " ".join(ACTION_ROLE.format(a) for a in schema().edges["ACTS_ON"].properties["action"].enum)
    article = "sh:class schema:NewsArticle"
    return [
        _shape("Membership", "org:Membership", [
            _prop("org:member", "sh:class schema:Person", min_count=1), _prop("kg:post", "sh:class org:Post", min_count=1),
            _prop("kg:attestedOn", DATE), _prop("prov:hadPrimarySource", article, min_count=1),
            _prop("org:memberDuring", "sh:class time:Interval")]),
        _shape("Usage", "prov:Usage", [_prop("prov:entity", "sh:class eli:LegalResource", min_count=1),
                                       _prop("prov:hadRole", f"sh:in ( {actions} )", min_count=1)]),
        _shape("Bundle", "prov:Bundle", [_prop("prov:hadPrimarySource", article, min_count=1)]),
        _shape("Annotation", "oa:Annotation", [_prop("oa:hasBody", "sh:class rdf:Statement", min_count=1),
                                               _prop("oa:hasTarget", "sh:class oa:SpecificResource", min_count=1)]),
        _shape("Target", "oa:SpecificResource", [_prop("oa:hasSource", article, min_count=1),
                                                 _prop("oa:hasSelector", "sh:nodeKind sh:IRI", max_count=2)]),
        _shape("TextPosition", "oa:TextPositionSelector", [
            _prop("oa:start", "sh:datatype xsd:nonNegativeInteger", min_count=1),
            _prop("oa:end", "sh:datatype xsd:nonNegativeInteger", min_count=1)]),
        _shape("TextQuote", "oa:TextQuoteSelector", [_prop("oa:exact", "sh:datatype xsd:string", "sh:minLength 1", min_count=1)]),
    ]


def shapes_turtle() -> str:
    names = {**prefixes(), "kgsh": SHAPES}
    head = HEADER + "".join(f"@prefix {n}: <{names[n]}> .\n" for n in sorted(names))
    about = f"\n<{SHAPES[:-1]}> rdfs:label {literal('kg SHACL shapes', lang='en')} .\n"
    return head + about + "\n# Node types\n" + "".join(_node_shapes()) + "\n# Memberships, usages, evidence\n" + "".join(_mapping_shapes())
