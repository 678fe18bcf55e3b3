"""`schemas/shapes.ttl`, generated from `schemas/model.yaml`: one SHACL node shape per class.

Node properties: required → minCount 1; every property at most once (a node's properties
are merged to one value per key); text tagged `@vi` (codes and numbers plain), full dates as
xsd:date, partial ones in kg's own property as gYear / gYearMonth / gMonthDay. Edges: the
target must be an IRI of the target class. Memberships, usages, the dataset description and
the evidence graphs (bundles, annotations, selectors) get shapes too. Offsets are xsd:integer
with minInclusive 0: that is what any store gives back, so a round-trip still conforms.
"""
from __future__ import annotations

from kg import types
from kg.model import schema
from kg.rdf.iri import literal
from kg.rdf.mapping import ACTION_ROLE, UNTAGGED, prefixes
from kg.rdf.ontology import usage_actions

SHAPES = "https://kg.example.org/shapes#"
HEADER = "# Generated from schemas/model.yaml by `python -m kg.rdf.ontology`; do not edit by hand.\n"
PARTIAL = types.PARTIAL_DATE.shacl
TEXT = "sh:datatype rdf:langString"
# Properties whose value is a resource rather than a literal, and what it must be.
RESOURCE = {"eli:type_document": "sh:class eli:ResourceType", "schema:url": "sh:nodeKind sh:IRI",
            "schema:interactionStatistic": "sh:class schema:InteractionCounter", "kg:currentUnit": "sh:nodeKind sh:IRI"}


def _prop(path: str, *constraints: str, min_count: int = 0, max_count: int | None = 1) -> str:
    parts = [f"sh:path {path}"] + ([f"sh:minCount {min_count}"] if min_count else [])
    parts += [f"sh:maxCount {max_count}"] if max_count else []
    return "[ " + " ; ".join(parts + list(constraints)) + " ]"


def _shape(name: str, target: str, props: list[str], extra: list[str] = ()) -> str:
    body = " ;\n    ".join(["a sh:NodeShape", f"sh:targetClass {target}", *extra] + [f"sh:property {p}" for p in props])
    return f"kgsh:{name} {body} .\n"


def _property_shapes(p) -> list[str]:
    if p.rdf in RESOURCE:
        return [_prop(p.rdf, RESOURCE[p.rdf])]
    if p.rdf == "eli:number":  # a number, or the short title of an unnumbered law (one of them)
        return [_prop("eli:number", "sh:datatype xsd:string"), _prop("eli:title_short", "sh:datatype xsd:string")]
    tagged = p.kind is types.STRING and p.rdf not in UNTAGGED  # Vietnamese text: rdf:langString
    shapes = [_prop(p.rdf, TEXT if tagged else p.kind.shacl, min_count=int(p.required))]
    return shapes + ([_prop(p.partial, types.PARTIAL_DATE.shacl)] if p.partial else [])


def _node_shapes() -> list[str]:
    s, out = schema(), []
    for node in s.nodes.values():
        props, extra = [_prop("rdfs:label", TEXT, min_count=1)], []
        for p in node.properties.values():
            if p.rdf:
                props += _property_shapes(p)
                if p.rdf == "eli:number" and p.required:
                    extra.append("sh:or ( [ sh:path eli:number ; sh:minCount 1 ] [ sh:path eli:title_short ; sh:minCount 1 ] )")
        for e in s.edges.values():
            if e.source == node.name:
                target = "sh:nodeKind sh:IRI" if e.target == "any" else f"sh:class {s.nodes[e.target].rdf}"
                props.append(_prop(e.rdf, target, max_count=None))
                if e.rdf == "eli:ensures_implementation_of":
                    props.append(_prop("eli:applies", target, max_count=None))
        if node.name == "Post":
            props.append(_prop("kg:postKind", "sh:class org:Role"))
        out.append(_shape(node.name, node.rdf, props, extra))
    return out


def _mapping_shapes() -> list[str]:
    actions = " ".join(ACTION_ROLE.format(a) for a in usage_actions())
    article, integer = "sh:class schema:NewsArticle", "sh:datatype xsd:integer"
    return [
        _shape("Membership", "org:Membership", [
            _prop("org:member", "sh:class schema:Person", min_count=1), _prop("kg:post", "sh:class org:Post", min_count=1),
            _prop("org:organization", "sh:class org:Organization"), _prop("org:role", "sh:class org:Role"),
            _prop("prov:wasDerivedFrom", article, min_count=1, max_count=None),
            _prop("kg:attestedOn", "sh:or ( [ sh:datatype xsd:date ] " + PARTIAL[8:], max_count=None),
            _prop("org:memberDuring", "sh:class time:Interval")]),
        _shape("Usage", "prov:Usage", [_prop("prov:entity", "sh:class eli:LegalResource", min_count=1),
                                       _prop("prov:hadRole", f"sh:in ( {actions} )", min_count=1)]),
        _shape("Views", "schema:InteractionCounter", [_prop("schema:userInteractionCount", integer, "sh:minInclusive 0", min_count=1)]),
        _shape("Concept", "eli:ResourceType", [_prop("skos:inScheme", "sh:class skos:ConceptScheme", min_count=1),
                                              _prop("skos:prefLabel", TEXT, min_count=1)]),
        _shape("Dataset", "void:Dataset", [_prop("void:triples", integer, "sh:minInclusive 0", min_count=1),
                                           _prop("dcat:distribution", "sh:class dcat:Distribution", min_count=1)]),
        _shape("Bundle", "prov:Bundle", [_prop("prov:hadPrimarySource", "sh:nodeKind sh:IRI", min_count=1)]),
        _shape("Annotation", "oa:Annotation", [_prop("oa:hasBody", "sh:class rdf:Statement", min_count=1),
                                               _prop("oa:hasTarget", "sh:class oa:SpecificResource", min_count=1)]),
        _shape("Target", "oa:SpecificResource", [_prop("oa:hasSource", "sh:nodeKind sh:IRI", min_count=1),
                                                 _prop("oa:hasSelector", "sh:nodeKind sh:IRI", max_count=2)]),
        _shape("TextPosition", "oa:TextPositionSelector", [
            _prop("oa:start", integer, "sh:minInclusive 0", min_count=1),
            _prop("oa:end", integer, "sh:minInclusive 0", min_count=1)]),
        _shape("TextQuote", "oa:TextQuoteSelector", [_prop("oa:exact", "sh:datatype xsd:string", "sh:minLength 1", min_count=1)]),
    ]


def shapes_turtle() -> str:
    names = {**prefixes(), "kgsh": SHAPES}
    head = HEADER + "".join(f"@prefix {n}: <{names[n]}> .\n" for n in sorted(names))
    about = f"\n<{SHAPES[:-1]}> rdfs:label {literal('kg SHACL shapes', lang='en')} .\n"
    return head + about + "\n# Node types\n" + "".join(_node_shapes()) + "\n# Memberships, usages, dataset, evidence\n" + "".join(_mapping_shapes())
