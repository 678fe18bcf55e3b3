"""`schemas/ontology.ttl`, generated from `schemas/model.yaml` (and the mapping's own terms).

Reused standard terms are listed with kg's Vietnamese and English labels and where they are
defined; local `kg:` terms also get domain, range and the standard property they refine
(`sub_of`). The text is deterministic, so a test can compare the committed file with it.
Regenerate both files with `python -m kg.rdf.ontology`.
"""
from __future__ import annotations

from kg.model import schema
from kg.rdf.iri import literal
from kg.rdf.mapping import ACTION_ROLE, MAPPING_TERMS, STANDARD_TERMS, prefixes

ONTOLOGY_IRI = "https://kg.example.org/ontology"
XSD_OF = {"string": "xsd:string", "date": "xsd:date", "integer": "xsd:integer", "boolean": "xsd:boolean"}
HEADER = "# Generated from schemas/model.yaml by `python -m kg.rdf.ontology`; do not edit by hand.\n"


def _labels(label: dict) -> str:
    return ", ".join(literal(label[lang], lang=lang) for lang in ("vi", "en") if label.get(lang))


def _term(curie: str, kind: str, label: dict, extra: list[str] = ()) -> str:
    local = curie.startswith("kg:")
    defined = f"<{ONTOLOGY_IRI}>" if local else f"<{prefixes()[curie.partition(':')[0]]}>"
    lines = [f"a owl:{kind}", f"rdfs:label {_labels(label)}", f"rdfs:isDefinedBy {defined}"]
    lines += list(extra) if local else []
    return f"{curie} " + " ;\n    ".join(lines) + " .\n"


def _classes() -> list[str]:
    return [_term(n.rdf, "Class", n.label) for n in schema().nodes.values()]


def _edge_properties() -> list[str]:
    s, out = schema(), []
    for e in s.edges.values():
        extra = [f"rdfs:domain {s.nodes[e.source].rdf}"]
        extra += [f"rdfs:range {s.nodes[e.target].rdf}"] if e.target != "any" else []
        extra += [f"rdfs:subPropertyOf {e.sub_of}"] if e.sub_of else []
        out.append(_term(e.rdf, "ObjectProperty", e.label, extra))
    return out


def _datatype_properties() -> list[str]:
    """One declaration per property term, even when several node types use it."""
    seen: dict[str, list] = {}
    for node in schema().nodes.values():
        for p in node.properties.values():
            if p.rdf:
                seen.setdefault(p.rdf, []).append((node, p))
    out = []
    for curie, uses in seen.items():
        node, p = uses[0]
        label = {"en": p.name.replace("_", " ")}  # model.yaml gives properties no labels yet
        extra = [f"rdfs:domain {node.rdf}", f"rdfs:range {XSD_OF[p.type]}"] if len(uses) == 1 else []
        out.append(_term(curie, "DatatypeProperty", label, extra))
    return out


def _mapping_terms() -> list[str]:
    out = [_term(curie, kind, {"vi": vi, "en": en}) for curie, kind, vi, en in STANDARD_TERMS]
    for curie, kind, sub_of, vi, en in MAPPING_TERMS:
        extra = [f"rdfs:subPropertyOf {sub_of}"] if sub_of else []
        extra += ["rdfs:domain org:Membership"] + (["rdfs:range org:Post"] if kind == "ObjectProperty" else [])
        out.append(_term(curie, kind, {"vi": vi, "en": en}, extra))
    action = schema().edges["ACTS_ON"].properties["action"]
    for value in action.enum:
        out.append(f"{ACTION_ROLE.format(value)} a prov:Role, owl:NamedIndividual ;\n    "
                   f"rdfs:label {literal(value, lang='en')} ;\n    rdfs:isDefinedBy <{ONTOLOGY_IRI}> .\n")
    return out


def ontology_turtle() -> str:
    names = sorted(prefixes())
    head = HEADER + "".join(f"@prefix {n}: <{prefixes()[n]}> .\n" for n in names)
    about = (f"\n<{ONTOLOGY_IRI}> a owl:Ontology ;\n    rdfs:label {_labels({'vi': 'Đồ thị tri thức văn bản', 'en': 'kg document-reference knowledge graph'})} ;\n"
             f"    rdfs:comment {literal('Classes and properties of kg exports: W3C ORG, ELI, schema.org, PROV-O and Web Annotation terms, refined by local kg: terms where none exists.', lang='en')} .\n")
    sections = [("Classes", _classes()), ("Relations", _edge_properties()),
                ("Attributes", _datatype_properties()), ("Mapping terms", _mapping_terms())]
    body = "".join(f"\n# {title}\n" + "".join(items) for title, items in sections)
    return head + about + body


def main() -> None:
    from schemas import SCHEMA_DIR
    from kg.rdf.shapes import shapes_turtle
    (SCHEMA_DIR / "ontology.ttl").write_text(ontology_turtle(), encoding="utf-8")
    (SCHEMA_DIR / "shapes.ttl").write_text(shapes_turtle(), encoding="utf-8")


if __name__ == "__main__":
    main()
