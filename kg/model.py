"""The type system, loaded once from `schemas/model.yaml` and validated loudly.

Everything that names a node or edge type (stores, exporters, the CLI's --type choices)
asks this module instead of spelling types again; node ids are made and read by `node_id` /
`parse_id` from each type's declared slug and id pattern, and `conform` is the one check
both stores run on what they are given to write.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from kg import types
from kg.errors import KgError
from schemas import MODEL_FILE

PROPERTY_TYPES = set(types.DECLARED)
RDF_FORMS = {"membership", "usage"}  # edges RDF also writes as an n-ary resource


class SchemaError(ValueError):
    """The schema file is not a valid kg type definition."""


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    rdf: str | None = None
    required: bool = False
    enum: tuple[str, ...] = ()
    partial: str | None = None  # the RDF property of a partial date

    @property
    def kind(self) -> types.PropertyType:
        return types.get(self.type)


@dataclass(frozen=True)
class NodeType:
    name: str
    slug: str
    rdf: str
    label: dict
    properties: dict[str, Property]
    id: str = "{id}"  # the id after `slug:`, `{key}`s to fill, `[…]` optional
    id_keys: dict[str, str] = field(default_factory=dict)  # key → regex (default: any text)

    @property
    def id_pattern(self) -> re.Pattern:
        return _id_pattern(self.slug, self.id, tuple(sorted(self.id_keys.items())))


@dataclass(frozen=True)
class EdgeType:
    name: str
    source: str
    target: str
    rdf: str
    label: dict
    sub_of: str | None = None
    lineage: str | None = None
    properties: dict[str, Property] = field(default_factory=dict)
    rdf_as: str | None = None  # membership | usage


@dataclass(frozen=True)
class Schema:
    prefixes: dict[str, str]
    nodes: dict[str, NodeType]
    edges: dict[str, EdgeType]

    def lineage_edges(self) -> dict[str, str]:
        """Edge type → lineage relation name (`IMPLEMENTS` → `implements`)."""
        return {e.name: e.lineage for e in self.edges.values() if e.lineage}

    def edge_for_relation(self, rel: str) -> str:
        for name, lineage in self.lineage_edges().items():
            if lineage == rel:
                return name
        raise SchemaError(f"unknown document relation {rel!r}")

    def expand(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        if prefix not in self.prefixes:
            raise SchemaError(f"unknown prefix in {curie!r}")
        return self.prefixes[prefix] + local


def _properties(raw: dict | None, owner: str) -> dict[str, Property]:
    props = {}
    for name, spec in (raw or {}).items():
        if spec.get("type") not in PROPERTY_TYPES:
            raise SchemaError(f"{owner}.{name}: type must be one of {sorted(PROPERTY_TYPES)}")
        props[name] = Property(name, spec["type"], spec.get("rdf"), bool(spec.get("required")),
                               tuple(spec.get("enum", ())), spec.get("partial"))
    return props


def parse_schema(raw: dict) -> Schema:
    try:
        nodes = {name: NodeType(name, spec["slug"], spec["rdf"], spec["label"],
                                _properties(spec.get("properties"), name), spec.get("id", "{id}"),
                                dict(spec.get("id_keys", {})))
                 for name, spec in raw["nodes"].items()}
        edges = {name: EdgeType(name, spec["source"], spec["target"], spec["rdf"], spec["label"],
                                spec.get("sub_of"), spec.get("lineage"),
                                _properties(spec.get("properties"), name), spec.get("rdf_as"))
                 for name, spec in raw["edges"].items()}
    except (KeyError, TypeError, AttributeError) as exc:
        raise SchemaError(f"schema definition incomplete: missing {exc}") from exc
    for edge in edges.values():
        for end in (edge.source, edge.target):
            if end != "any" and end not in nodes:
                raise SchemaError(f"edge {edge.name} refers to unknown node type {end!r}")
        if edge.rdf_as and edge.rdf_as not in RDF_FORMS:
            raise SchemaError(f"edge {edge.name}: rdf_as must be one of {sorted(RDF_FORMS)}")
    slugs = [n.slug for n in nodes.values()]
    if len(set(slugs)) != len(slugs):
        raise SchemaError(f"two node types share an id slug: {sorted(slugs)}")
    for node in nodes.values():
        try:
            node.id_pattern
        except re.error as exc:
            raise SchemaError(f"node {node.name}: bad id pattern {node.id!r}: {exc}") from exc
    return Schema(dict(raw.get("prefixes", {})), nodes, edges)


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML that refuses a key given twice in one mapping (PyYAML keeps the last silently, so a
    type declared twice would lose its first declaration without a word)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            name = self.construct_object(key_node, deep=deep)
            if name in seen:
                raise SchemaError(f"{MODEL_FILE.name}:{key_node.start_mark.line + 1}: {name!r} is declared twice")
            seen.add(name)
        return super().construct_mapping(node, deep)


def load_schema_text(text: str) -> Schema:
    return parse_schema(yaml.load(text, Loader=_UniqueKeyLoader))  # noqa: S506 - a SafeLoader subclass


@lru_cache(maxsize=1)
def schema() -> Schema:
    return load_schema_text(MODEL_FILE.read_text(encoding="utf-8"))


# -- node ids ---------------------------------------------------------------------------------
_TOKEN = re.compile(r"(\{\w+\}|\[|\])")


@lru_cache(maxsize=None)
def _id_pattern(slug: str, template: str, keys: tuple[tuple[str, str], ...]) -> re.Pattern:
    """`{name}@{scope}` → `^person:(?P<name>.+?)@(?P<scope>.+?)$`; `[…]` becomes an optional group."""
    patterns, out = dict(keys), []
    for token in _TOKEN.split(template):
        if token.startswith("{"):
            out.append(f"(?P<{token[1:-1]}>{patterns.get(token[1:-1], '.+?')})")
        else:
            out.append({"[": "(?:", "]": ")?"}.get(token, re.escape(token)))
    return re.compile(f"^{re.escape(slug)}:{''.join(out)}$", re.DOTALL)


def node_id(node_type: str, **key) -> str:
    """`node_id("Person", name="tran-minh-khoa", scope="hau-giang")` → `person:tran-minh-khoa@hau-giang`.
    An optional `[…]` part is written only when its keys are given (not None)."""
    spec = schema().nodes[node_type]
    out: list[str] = []
    part: list[str] | None = None  # the optional part being read; None outside one
    for token in _TOKEN.split(spec.id):
        if token == "[":
            part = []
        elif token == "]":
            out.extend(part if None not in part else [])
            part = None
        else:
            value = key.get(token[1:-1]) if token.startswith("{") else token
            if value is None and part is None:
                raise SchemaError(f"a {node_type} id needs {token[1:-1]!r}")
            (out if part is None else part).append(value if value is None else str(value))
    return f"{spec.slug}:{''.join(out)}"


def id_prefix(node_type: str) -> str:
    """`article:` — what every id of the type starts with."""
    return schema().nodes[node_type].slug + ":"


def type_of_id(node_id: str) -> str | None:
    """The node type whose slug begins the id (None: no declared slug)."""
    return _by_slug().get(node_id.partition(":")[0])


def parse_id(node_id: str) -> tuple[str, dict[str, str]]:
    """`doc:hau-giang:20-ct-tu-2016` → ("Document", {scope, number, year}); a missing optional
    key is None. Raises SchemaError for an id no declared type makes."""
    node_type = type_of_id(node_id)
    match = schema().nodes[node_type].id_pattern.match(node_id) if node_type else None
    if match is None:
        raise SchemaError(f"{node_id!r} is not a node id of schemas/model.yaml")
    return node_type, match.groupdict()


@lru_cache(maxsize=1)
def _by_slug() -> dict[str, str]:
    return {n.slug: n.name for n in schema().nodes.values()}


# -- conformance ------------------------------------------------------------------------------
class NonConforming(KgError):
    """Facts a store was given to write that schemas/model.yaml does not allow."""


def conform(facts):
    """The facts, if schemas/model.yaml allows them. Raises NonConforming, naming the fact, for a
    node or edge of an undeclared type, a property its type does not declare (or of the wrong
    kind, or outside its values), or an edge whose ends are not of the declared types. Both
    stores call it before writing anything."""
    s, where = schema(), f"article {facts.article.id}"
    node_types = {}
    for claim in facts.nodes.values():
        node = claim.node
        spec = s.nodes.get(node.type)
        if spec is None:
            raise NonConforming(f"{where}: node {node.id}: unknown node type {node.type!r}")
        if not spec.id_pattern.match(node.id):
            raise NonConforming(f"{where}: node {node.id}: not an id of a {node.type} ({spec.slug}:{spec.id})")
        _check_props(f"{where}: node {node.id}", spec.properties, node.props)
        node_types[node.id] = node.type
    for edge in facts.edges.values():
        spec = s.edges.get(edge.type)
        fact = f"{where}: edge {edge.src} {edge.type} {edge.dst}"
        if spec is None:
            raise NonConforming(f"{fact}: unknown edge type {edge.type!r}")
        for end, wanted in ((edge.src, spec.source), (edge.dst, spec.target)):
            found = node_types.get(end) or type_of_id(end)
            if wanted != "any" and found != wanted or found is None:
                raise NonConforming(f"{fact}: {end} is {'a ' + found if found else 'no node'}, "
                                    f"{edge.type} needs {'a node' if wanted == 'any' else 'a ' + wanted}")
        _check_props(fact, spec.properties, edge.props)
    return facts


def _check_props(fact: str, declared: dict[str, Property], props: dict) -> None:
    for name, value in props.items():
        prop = declared.get(name)
        if prop is None:
            raise NonConforming(f"{fact}: property {name!r} is not declared in schemas/model.yaml")
        if value is None:
            continue  # no value: as if absent
        if not prop.kind.accepts(value):
            raise NonConforming(f"{fact}: property {name!r} is {prop.type}, not {type(value).__name__} {value!r}")
        if prop.enum and value not in prop.enum:
            raise NonConforming(f"{fact}: property {name!r} is one of {', '.join(prop.enum)}, not {value!r}")
