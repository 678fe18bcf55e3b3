"""`schemas/ontology.ttl`, generated from `schemas/model.yaml` (and the mapping's own terms).

kg declares only what it owns: its `kg:` classes and properties (with labels, domain, range
and the standard property each refines) and its concept schemes (document types, kinds of
post). Standard terms (ORG, ELI, schema.org, PROV-O, SKOS, Web Annotation) are used as their
owners define them and are not redeclared: the ontology names them in `rdfs:comment`s only.
The text is deterministic, so a test can compare the committed file with it. Regenerate
both files with `python -m kg.rdf.ontology`.
"""
from __future__ import annotations

from kg.model import schema
from kg.rdf.concepts import scheme_blocks
from kg.rdf.iri import literal
from kg.rdf.mapping import ACTION_ROLE, MAPPING_TERMS, PARTIAL_DATE, STANDARD_TERMS, prefixes
from kg.rdf.render import Compactor, turtle

ONTOLOGY_IRI = "https://kg.example.org/ontology"
HEADER = "# Generated from schemas/model.yaml by `python -m kg.rdf.ontology`; do not edit by hand.\n"
# Which ELI property a document's IMPLEMENTS edge becomes, and why (written into the ontology).
IMPLEMENTS_CHOICE = (
    "IMPLEMENTS is eli:ensures_implementation_of when the implementing document is a state legal act "
    "(administrative `123/QĐ-UBND`, normative `09/2024/NĐ-CP`): it gives the other legal force. A Party "
    "document (`20-CT/TU`, `21-NQ/TW`, numbers whose issuer code is TW, TU, HU, QU, TX, ĐU or BCSĐ) has no "
    "legal force over the public, so what it implements it eli:applies.")
OBJECT_RANGES = {"kg:currentUnit": "schema:AdministrativeArea"}


def _labels(label: dict) -> str:
    return ", ".join(literal(label[lang], lang=lang) for lang in ("vi", "en") if label.get(lang))


def _term(curie: str, kind: str, label: dict, extra: list[str] = ()) -> str:
    lines = [f"a owl:{kind}", f"rdfs:label {_labels(label)}", f"rdfs:isDefinedBy <{ONTOLOGY_IRI}>", *extra]
    return f"{curie} " + " ;\n    ".join(lines) + " .\n"


def _edge_properties() -> list[str]:
    s, out = schema(), []
    for e in s.edges.values():
        if not e.rdf.startswith("kg:"):
            continue
        extra = [f"rdfs:domain {s.nodes[e.source].rdf}"]
        extra += [f"rdfs:range {s.nodes[e.target].rdf}"] if e.target != "any" else []
        extra += [f"rdfs:subPropertyOf {e.sub_of}"] if e.sub_of else []
        out.append(_term(e.rdf, "ObjectProperty", e.label, extra))
    return out


def _node_properties() -> list[str]:
    out = []
    for node in schema().nodes.values():
        for p in node.properties.values():
            if not (p.rdf or "").startswith("kg:"):
                continue
            label = {"en": p.name.replace("_", " ")}  # model.yaml gives properties no labels yet
            if p.rdf in OBJECT_RANGES:
                out.append(_term(p.rdf, "ObjectProperty", label, [f"rdfs:domain {node.rdf}", f"rdfs:range {OBJECT_RANGES[p.rdf]}"]))
            else:
                out.append(_term(p.rdf, "DatatypeProperty", label, [f"rdfs:domain {node.rdf}", f"rdfs:range {p.kind.xsd}"]))
    return out


def _mapping_terms() -> list[str]:
    out = []
    for curie, kind, sub_of, vi, en, comment in MAPPING_TERMS:
        extra = [f"rdfs:subPropertyOf {sub_of}"] if sub_of else []
        extra.append(f"rdfs:comment {literal(comment, lang='en')}")
        out.append(_term(curie, kind, {"vi": vi, "en": en}, extra))
    for value in usage_actions():
        out.append(f"{ACTION_ROLE.format(value)} a prov:Role, owl:NamedIndividual ;\n    "
                   f"rdfs:label {literal(value, lang='en')} ;\n    rdfs:isDefinedBy <{ONTOLOGY_IRI}> .\n")
    return out


def usage_actions() -> tuple[str, ...]:
    """The declared actions of the edges RDF writes as a prov:Usage (ACTS_ON): each a prov:Role."""
    return tuple(a for e in schema().edges.values() if e.rdf_as == "usage" for a in e.properties["action"].enum)


def _about() -> str:
    from kg.rdf.dataset import kg_version, ontology_version_iri
    used = "Standard terms used as their owners define them (not redeclared here): " + ", ".join(
        sorted({*STANDARD_TERMS, *(n.rdf for n in schema().nodes.values()), *(e.rdf for e in schema().edges.values()
                                                                            if not e.rdf.startswith("kg:"))}))
    partial = "Full dates use the standard property; a date known only in part uses kg's own: " + ", ".join(
        f"{k} → {v}" for k, v in PARTIAL_DATE.items())
    comments = ", ".join(literal(c, lang="en") for c in (
        "Classes and properties of kg exports: W3C ORG, ELI, schema.org, PROV-O, SKOS and Web Annotation terms, "
        "refined by local kg: terms where none exists.", IMPLEMENTS_CHOICE, partial, used))
    return (f"\n<{ONTOLOGY_IRI}> a owl:Ontology ;\n    owl:versionIRI <{ontology_version_iri()}> ;\n"
            f"    owl:versionInfo {literal(kg_version())} ;\n"
            f"    rdfs:label {_labels({'vi': 'Đồ thị tri thức văn bản', 'en': 'kg document-reference knowledge graph'})} ;\n"
            f"    rdfs:comment {comments} .\n")


def ontology_turtle() -> str:
    names = sorted(prefixes())
    head = HEADER + "".join(f"@prefix {n}: <{prefixes()[n]}> .\n" for n in names)
    c = Compactor()
    sections = [("Relations", _edge_properties()), ("Attributes", _node_properties()),
                ("Mapping terms", _mapping_terms()),
                ("Concept schemes: document types and kinds of post", [turtle(b, c) for b in scheme_blocks()])]
    body = "".join(f"\n# {title}\n" + "".join(items) for title, items in sections)
    return head + _about() + body


def main() -> None:
    from schemas import SCHEMA_DIR
    from kg.rdf.shapes import shapes_turtle
    (SCHEMA_DIR / "ontology.ttl").write_text(ontology_turtle(), encoding="utf-8")
    (SCHEMA_DIR / "shapes.ttl").write_text(shapes_turtle(), encoding="utf-8")


if __name__ == "__main__":
    main()
