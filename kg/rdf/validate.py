"""SHACL validation (pyshacl) of an export against `schemas/shapes.ttl`."""
from __future__ import annotations

from pathlib import Path

from kg.rdf.load import ill_typed_literals, rdflib_graph
from kg.rdf.mapping import prefixes
from kg.stores.base import Store
from schemas import SCHEMA_DIR

SHAPES_FILE = SCHEMA_DIR / "shapes.ttl"


def validate(store: Store | None = None, path: Path | None = None, base_iri: str = "https://kg.example.org/",
             allow_remote_context: bool = False) -> dict:
    """{"conforms", "triples", "violations": [{focus, path, severity, constraint, value, message}],
    "ill_typed": [rdflib's one-line note per literal its datatype rejects]}."""
    import pyshacl
    import rdflib
    with ill_typed_literals() as ill_typed:
        data = rdflib_graph(store, path, base_iri, allow_remote_context)
        shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
        conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=True)
    return {"conforms": bool(conforms), "triples": len(data), "violations": _violations(report), "ill_typed": ill_typed}


def _violations(report) -> list[dict]:
    from rdflib.namespace import RDF, SH
    rows = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        value = lambda p: report.value(result, p)  # noqa: E731
        rows.append({"focus": _short(value(SH.focusNode)), "path": _short(value(SH.resultPath)),
                     "severity": _short(value(SH.resultSeverity)),
                     "constraint": _short(value(SH.sourceConstraintComponent)),
                     "value": _short(value(SH.value)), "message": str(value(SH.resultMessage) or "")})
    return sorted(rows, key=lambda r: (r["focus"] or "", r["path"] or "", r["constraint"] or ""))


def _short(term) -> str | None:
    """Vocabulary terms as CURIEs (`sh:MinCountConstraintComponent`); data IRIs in full."""
    if term is None:
        return None
    text = str(term)
    for name, ns in prefixes().items():
        if text.startswith(ns):
            return f"{name}:{text[len(ns):]}"
    return text
