"""SPARQL over the graph in process: pyoxigraph loaded from the N-Triples export.

Results as the W3C "SPARQL 1.1 Query Results JSON Format": SELECT → {"head": {"vars"},
"results": {"bindings": [{var: {"type", "value", "datatype"?, "xml:lang"?}}]}}; ASK →
{"head": {}, "boolean"}; CONSTRUCT/DESCRIBE → the same bindings shape over vars s, p, o.
The model's prefixes (kg, org, eli, schema, prov, oa, skos, xsd, rdf, rdfs, …) are predeclared.
"""
from __future__ import annotations

from pathlib import Path

from kg.errors import KgError
from kg.rdf.load import oxigraph_store
from kg.rdf.mapping import prefixes
from kg.stores.base import Store


class QueryError(KgError):
    """The SPARQL query cannot be parsed or evaluated."""


def sparql(query: str, store: Store | None = None, path: Path | None = None,
           base_iri: str = "https://kg.example.org/") -> dict:
    import pyoxigraph as ox
    db = oxigraph_store(store, path, base_iri)
    try:
        # a TriG file keeps claims in named graphs; query them together with the default graph
        result = db.query(query, prefixes=prefixes(), use_default_graph_as_union=path is not None)
        if isinstance(result, ox.QueryBoolean):
            return {"head": {}, "boolean": bool(result)}
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            rows = [{n: _term(s[n]) for n in names if s[n] is not None} for s in result]
            return {"head": {"vars": names}, "results": {"bindings": rows}}
        rows = [{"s": _term(t.subject), "p": _term(t.predicate), "o": _term(t.object)} for t in result]
        return {"head": {"vars": ["s", "p", "o"]}, "results": {"bindings": rows}}
    except (SyntaxError, OSError, ValueError) as exc:
        raise QueryError(f"SPARQL: {(str(exc).splitlines() or ['invalid query'])[0]}") from exc


def _term(term) -> dict:
    import pyoxigraph as ox
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def rows(result: dict) -> list[dict]:
    """Plain {var: value} rows for a table."""
    if "boolean" in result:
        return [{"result": "yes" if result["boolean"] else "no"}]
    return [{k: v["value"] for k, v in row.items()} for row in result["results"]["bindings"]]
