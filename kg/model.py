"""The type system, loaded once from `schemas/model.yaml` and validated loudly.

Everything that names a node or edge type (stores, exporters, the CLI's --type choices)
asks this module instead of spelling types again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from schemas import MODEL_FILE

PROPERTY_TYPES = {"string", "date", "integer", "boolean"}


class SchemaError(ValueError):
    """The schema file is not a valid kg type definition."""


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    rdf: str | None = None
    required: bool = False
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class NodeType:
    name: str
    slug: str
    rdf: str
    label: dict
    properties: dict[str, Property]


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
                               tuple(spec.get("enum", ())))
    return props


def parse_schema(raw: dict) -> Schema:
    try:
        nodes = {name: NodeType(name, spec["slug"], spec["rdf"], spec["label"],
                                _properties(spec.get("properties"), name))
                 for name, spec in raw["nodes"].items()}
        edges = {name: EdgeType(name, spec["source"], spec["target"], spec["rdf"], spec["label"],
                                spec.get("sub_of"), spec.get("lineage"),
                                _properties(spec.get("properties"), name))
                 for name, spec in raw["edges"].items()}
    except (KeyError, TypeError, AttributeError) as exc:
        raise SchemaError(f"schema definition incomplete: missing {exc}") from exc
    for edge in edges.values():
        for end in (edge.source, edge.target):
            if end != "any" and end not in nodes:
                raise SchemaError(f"edge {edge.name} refers to unknown node type {end!r}")
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
