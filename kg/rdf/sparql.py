"""SPARQL over the graph in process, with pyoxigraph: the persistent store beside a SQLite
store (kg.rdf.persist), or an export file loaded in memory.

Queries read the default graph, which every export format holds the same: the merged graph.
An export file's named graphs (TriG, JSON-LD: each article's evidence) are reached with `GRAPH`.
Results as the W3C "SPARQL 1.1 Query Results JSON Format": SELECT → {"head": {"vars"},
"results": {"bindings": [{var: {"type", "value", "datatype"?, "xml:lang"?}}]}}; ASK →
{"head": {}, "boolean"}; CONSTRUCT/DESCRIBE → the same bindings shape over vars s, p, o.
The model's prefixes (kg, org, eli, schema, prov, oa, skos, xsd, rdf, rdfs, …) are predeclared.
Nothing leaves the machine: SERVICE and LOAD are refused (kg.rdf.offline) and every query
has a time limit.
"""
from __future__ import annotations

from pathlib import Path

from kg.errors import KgError
from kg.rdf.offline import DEFAULT_TIMEOUT, check_query, run_with_timeout
from kg.rdf.mapping import prefixes
from kg.stores.base import Store


class QueryError(KgError):
    """The SPARQL query cannot be parsed or evaluated."""


def sparql(query: str, store: Store | None = None, path: Path | None = None,
           base_iri: str = "https://kg.example.org/", timeout: float | None = DEFAULT_TIMEOUT,
           allow_federated: bool = False, allow_remote_context: bool = False) -> dict:
    check_query(query, allow_federated)
    db = graph_store(store, path, base_iri, allow_remote_context)
    return run_with_timeout(lambda: evaluate(db, query), timeout)


def graph_store(store: Store | None, path: Path | None, base_iri: str, allow_remote_context: bool = False):
    """The pyoxigraph store a query runs on: the file's, else the persistent store of a
    SQLite store, else the store exported in memory."""
    from kg.rdf.load import oxigraph_store
    if path is None:
        from kg.rdf.persist import open_for_query
        persistent = open_for_query(store, base_iri)
        if persistent is not None:
            return persistent
    return oxigraph_store(store, path, base_iri, allow_remote_context)


def raw_query(db, query: str):
    """pyoxigraph's own result object (the endpoint serialises it), errors as QueryError."""
    try:
        return db.query(query, prefixes=prefixes())
    except (SyntaxError, OSError, ValueError) as exc:
        raise QueryError(f"SPARQL: {(str(exc).splitlines() or ['invalid query'])[0]}") from exc


def evaluate(db, query: str) -> dict:
    import pyoxigraph as ox
    result = raw_query(db, query)
    try:
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
