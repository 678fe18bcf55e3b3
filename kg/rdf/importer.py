"""`kg import FILE`: a TriG, N-Quads or JSON-LD dataset as kg exports it, back into a store
(curated corrections: export, edit, import).

Each named evidence graph is one article's claims: its claimed edges (with the annotation's
span, quote and extractor as evidence), each membership's attestation date and each usage's
action; the default graph gives the nodes (kg's id is each node's `dcterms:identifier`) and
their properties. Every article is stored again with `replace`, so exporting after an import
writes what was imported. What no export holds is kept from the store when it has the
article (its text, author, images, source) and is otherwise left out (a claim's quote becomes
its evidence sentence; aliases are the names).
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from kg.errors import KgError
from kg.facts import Article, Evidence
from kg.graph import Facts, Node
from kg.model import parse_id, schema
from kg.rdf.load import file_format
from kg.rdf.mapping import PARTIAL_DATE, T, expand, mapping
from kg.rdf.triples import MEMBERSHIP_STATEMENTS
from kg.stores.base import Store

_XSD = "http://www.w3.org/2001/XMLSchema#"


class RdfImportError(KgError):
    """The file is not a dataset kg can import."""


def import_file(store: Store, path: Path, allow_remote_context: bool = False) -> dict:
    import pyoxigraph as ox
    fmt = getattr(ox.RdfFormat, file_format(path, allow_remote_context)[1])
    if not fmt.supports_datasets:
        raise RdfImportError(f"{path}: no evidence graphs to import (use a .trig, .nq or .jsonld export)")
    default, graphs = [], defaultdict(list)
    try:
        for q in ox.parse(path=str(path), format=fmt):  # file order: claims keep their order
            (default if isinstance(q.graph_name, ox.DefaultGraph) else graphs[q.graph_name.value]).append(q)
    except (SyntaxError, ValueError, OSError) as exc:
        raise RdfImportError(f"{path}: not valid {path.suffix[1:]}: {str(exc).splitlines()[0]}") from exc
    model = _Default(default)
    stored = []
    for quads in graphs.values():
        facts = _article_facts(model, quads)
        if facts is not None:
            _keep_what_exports_omit(store, facts)
            store.replace(facts)
            stored.append(facts.article.id)
    from kg.rdf.persist import sync
    sync(store, stored)  # as ingest does: the SPARQL store follows
    return {"articles": len(stored), "nodes": len(model.nodes)}


class _Default:
    """The default graph, read back into kg nodes."""

    def __init__(self, quads):
        self.by_subject = defaultdict(list)
        for q in quads:
            self.by_subject[q.subject.value].append((q.predicate.value, q.object))
        self.ids = {s: str(o.value) for s, pos in self.by_subject.items() for p, o in pos if p == T.IDENTIFIER[1:-1]}
        self.nodes = {iri: self._node(iri, node_id) for iri, node_id in self.ids.items()}

    def value(self, subject: str, predicate: str):
        return next((o for p, o in self.by_subject.get(subject, ()) if p == predicate), None)

    def _node(self, iri: str, node_id: str) -> Node:
        classes = {o.value for p, o in self.by_subject[iri] if p == T.TYPE[1:-1]}
        node_type = next(n for n, spec in mapping().nodes.items() if spec.cls[1:-1] in classes)
        label = self.value(iri, T.LABEL[1:-1])
        return Node(node_id, node_type, label.value if label else node_id, self._props(iri, node_type))

    def _props(self, iri: str, node_type: str) -> dict:
        props = {}
        for prop in schema().nodes[node_type].properties.values():
            if prop.rdf:
                value = self._prop(iri, prop)
                if value is not None:
                    props[prop.name] = value
        return props

    def _prop(self, iri: str, prop):
        rdf = expand(prop.rdf)
        found = self.value(iri, rdf)
        if prop.rdf == "eli:number":
            found = found or self.value(iri, T.TITLE_SHORT[1:-1])
        elif prop.rdf in PARTIAL_DATE and found is None:
            found = self.value(iri, expand(PARTIAL_DATE[prop.rdf]))
        if found is None:
            return None
        if prop.rdf == "eli:type_document":
            label = self.value(found.value, T.PREF_LABEL[1:-1])
            return label.value if label else None
        if prop.rdf == "schema:interactionStatistic":
            count = self.value(found.value, T.INTERACTION_COUNT[1:-1])
            return int(count.value) if count else None
        if prop.rdf == "kg:currentUnit":
            return self._province_name(found.value)
        if prop.type == "boolean":
            return found.value == "true"
        if prop.type == "integer" and getattr(found, "datatype", None) and found.datatype.value == _XSD + "integer":
            return int(found.value)
        return found.value

    def _province_name(self, iri: str) -> str:
        label = self.value(iri, T.LABEL[1:-1])
        if label:
            return label.value
        from kg.gazetteer import provinces
        wanted = iri.rsplit("/", 1)[1]
        return next((p.name for p in provinces() if p.slug == wanted), wanted)


def _keep_what_exports_omit(store: Store, facts: Facts) -> None:
    """An article the store already holds keeps its text, author, images and source."""
    held = store.article(facts.article.id)
    if held:
        for name in ("text", "author", "images", "province_context", "source", "encoding"):
            if held.get(name) is not None:
                setattr(facts.article, name, held[name])


def _article_facts(model: _Default, quads) -> Facts | None:
    """One evidence graph as the article's Facts (None when it names no known article)."""
    by_subject = defaultdict(list)
    for q in quads:
        by_subject[q.subject.value].append((q.predicate.value, q.object))
    graph = quads[0].graph_name.value
    source = next((o.value for p, o in by_subject.get(graph, ()) if p == T.PRIMARY_SOURCE[1:-1]), None)
    article_node = model.nodes.get(source)
    if article_node is None:
        return None
    article_id = parse_id(article_node.id)[1]["article"]
    props = article_node.props
    facts = Facts(Article(id=article_id, text="", title=props.get("title"), url=props.get("url"),
                          published=props.get("published"), section=props.get("section"), views=props.get("views")))
    evidence = _evidence(by_subject, article_id)
    edge_types = _edge_types()
    for q in quads:
        src, dst = model.nodes.get(q.subject.value), model.nodes.get(getattr(q.object, "value", ""))
        edge_type = edge_types.get(q.predicate.value)
        if src is None or dst is None or edge_type is None:
            continue
        for node in (src, dst):
            facts.add_node(Node(node.id, node.type, node.name, dict(node.props)), Evidence(article_id, 0, 0, "", "import"))
        ev = evidence.get((q.subject.value, q.predicate.value, q.object.value), Evidence(article_id, 0, 0, "", ""))
        facts.add_edge(src.id, edge_type, dst.id, ev, **_edge_props(model, by_subject, edge_type, q))
    return facts


def _edge_types() -> dict[str, str]:
    """Predicate IRI → edge type (a Party document's eli:applies is IMPLEMENTS too)."""
    return {**{t[1:-1]: name for name, t in mapping().edges.items()}, T.APPLIES[1:-1]: "IMPLEMENTS"}


def _evidence(by_subject, article_id: str) -> dict[tuple, Evidence]:
    """(subject, predicate, object) of each annotated claim → its evidence."""
    out = {}
    for ann, pos in by_subject.items():
        values = dict(pos)
        body, target = values.get(T.BODY[1:-1]), values.get(T.TARGET[1:-1])
        if body is None or target is None:
            continue
        statement = dict(by_subject.get(body.value, ()))
        key = tuple(statement[t[1:-1]].value for t in (T.SUBJECT, T.PREDICATE, T.OBJECT))
        start = end = 0
        quote, extractor = "", ""
        for p, selector in by_subject.get(target.value, ()):
            if p != T.SELECTOR[1:-1]:
                continue
            sel = dict(by_subject.get(selector.value, ()))
            if T.START[1:-1] in sel:
                start, end = int(sel[T.START[1:-1]].value), int(sel[T.END_POS[1:-1]].value)
            if T.EXACT[1:-1] in sel:
                quote = sel[T.EXACT[1:-1]].value
        if T.ATTRIBUTED_TO[1:-1] in values:
            extractor = values[T.ATTRIBUTED_TO[1:-1]].value.rsplit("/", 1)[1]
        out[key] = Evidence(article_id, start, end, quote, _unquote(extractor))
    return out


def _edge_props(model: _Default, by_subject, edge_type: str, q) -> dict:
    if schema().edges[edge_type].rdf_as == "membership":
        for m, pos in by_subject.items():
            post = model.value(m, T.POST[1:-1]) if m.startswith(q.subject.value + "#holds-") else None
            if post is not None and post.value == q.object.value:
                said = dict(pos)
                return {k: said[p[1:-1]].value for p, k in MEMBERSHIP_STATEMENTS if p[1:-1] in said}
    if schema().edges[edge_type].rdf_as == "usage":
        for p, usage in by_subject.get(q.subject.value, ()):
            if p == T.QUALIFIED_USAGE[1:-1] and model.value(usage.value, T.ENTITY[1:-1]).value == q.object.value:
                role = model.value(usage.value, T.HAD_ROLE[1:-1]).value
                return {"action": role.rsplit("action_", 1)[1]}
    return {}


def _unquote(text: str) -> str:
    from urllib.parse import unquote
    return unquote(text)
