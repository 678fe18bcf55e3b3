"""JSON-LD a web developer reads as JSON: a real `@context` (short terms, `@vocab`, type
coercion, `@language: vi`), so a node is `{"name": "Trần Minh Khoa", "holds": "https://…"}`
rather than a page of `@value` objects.

Terms are generated from the mapping: every node property and edge of `schemas/model.yaml`
and the mapping's own terms get their local name; object properties coerce to `@id`, dates
(full dates only: partial ones use kg's own property) to `xsd:date`, numbers and booleans to
their type, codes to no language. A value the coercion does not describe is written as a
full value object, so the graph is exactly the N-Triples one.
"""
from __future__ import annotations

from functools import lru_cache
from json.encoder import encode_basestring as _json

from kg.model import schema
from kg.rdf.iri import XSD
from kg.rdf.mapping import PARTIAL_DATE, UNTAGGED, T, expand, prefixes
from kg.rdf.render import Compactor
from kg.rdf.triples import Block

_VOCAB = "https://schema.org/"
_OBJECT_TERMS = ("org:member", "org:hasMembership", "org:organization", "org:role", "org:memberDuring", "kg:post",
                 "kg:postKind", "kg:currentUnit", "eli:type_document", "eli:applies", "prov:wasDerivedFrom",
                 "prov:qualifiedUsage", "prov:entity", "prov:hadRole", "prov:generated", "prov:hadPrimarySource",
                 "schema:interactionStatistic", "schema:interactionType", "schema:url", "skos:inScheme",
                 "skos:closeMatch", "time:hasBeginning", "time:hasEnd", "oa:hasBody", "oa:hasTarget",
                 "oa:hasSource", "oa:hasSelector", "rdf:subject", "rdf:predicate", "rdf:object")
_TYPED = {"integer": XSD + "integer", "boolean": XSD + "boolean", "date": XSD + "date"}


@lru_cache(maxsize=1)
def terms() -> dict[str, tuple[str, dict]]:
    """Full predicate IRI → (term name, its definition in the context)."""
    found: dict[str, dict] = {}
    s = schema()
    for e in s.edges.values():
        found[e.rdf] = {"@type": "@id"}
    for node in s.nodes.values():
        for p in node.properties.values():
            if p.rdf and p.rdf not in found:
                found[p.rdf] = _datatype_term(p.rdf, p.type)
    for curie in _OBJECT_TERMS:
        found[curie] = {"@type": "@id"}
    found.update({"rdfs:label": {}, "skos:prefLabel": {}, "eli:number": {"@language": None},
                  "eli:title_short": {"@language": None}, "oa:exact": {"@language": None},
                  "schema:userInteractionCount": {"@type": "xsd:integer"}, "oa:start": {"@type": "xsd:integer"},
                  "oa:end": {"@type": "xsd:integer"}, "kg:attestedOn": {}, "skos:notation": {"@language": None}})
    names: dict[str, list[str]] = {}
    for curie in found:
        names.setdefault(curie.partition(":")[2], []).append(curie)
    out = {}
    for curie, definition in found.items():
        local = curie.partition(":")[2]
        name = local if len(names[local]) == 1 else curie.replace(":", "_")  # `prov_entity` beside `x_entity`
        out[expand(curie)] = (name, {"@id": curie, **definition})
    return out


def _datatype_term(curie: str, kind: str) -> dict:
    if kind == "string":
        return {"@language": None} if curie in UNTAGGED else {}
    if kind == "date":
        return {"@type": "xsd:date"} if curie in PARTIAL_DATE else {}
    return {"@type": "xsd:" + kind}


def context() -> dict:
    ctx = {"@vocab": _VOCAB, "@language": "vi", **{n: ns for n, ns in sorted(prefixes().items())}}
    for name, definition in sorted(terms().values()):
        ctx[name] = definition if len(definition) > 1 else definition["@id"]
    return ctx


def node_object(block: Block, c: Compactor) -> str:
    """One node object, written directly as JSON text (no dict, no json.dumps per node)."""
    s, pos = block
    types, props = [], {}
    known = terms()
    for p, o in pos:
        if p == T.TYPE:
            types.append(_json(c.iri(o).strip("<>")))
            continue
        hit = known.get(p[1:-1])
        key = _json(hit[0]) if hit else _json(c.iri(p).strip("<>"))
        props.setdefault(key, []).append(_value(o, hit[1] if hit else None, c))
    parts = ['{"@id": ' + _json(s[1:-1])]
    if types:
        parts.append('"@type": [' + ", ".join(types) + "]")
    parts.extend(key + ": [" + ", ".join(values) + "]" for key, values in props.items())
    return ", ".join(parts) + "}"


def _value(o: str, definition: dict | None, c: Compactor) -> str:
    if o[0] == "<":
        if definition and definition.get("@type") == "@id":
            return _json(o[1:-1])
        return '{"@id": ' + _json(o[1:-1]) + "}"
    close = o.rindex('"')
    value, rest = o[:close + 1], o[close + 1:]  # an N-Triples string is a JSON string: same escapes
    if definition is not None:
        coerced = definition.get("@type")
        if rest == "@vi" and not coerced and "@language" not in definition:
            return value  # the context's default language
        if not rest and not coerced and definition.get("@language", "") is None:
            return value
        if coerced and rest.startswith("^^") and rest[3:-1] == expand(coerced):
            return value
    if not rest:
        return '{"@value": ' + value + "}"
    if rest[0] == "@":
        return '{"@value": ' + value + ', "@language": ' + _json(rest[1:]) + "}"
    return '{"@value": ' + value + ', "@type": ' + _json(c.iri(rest[2:]).strip("<>")) + "}"
