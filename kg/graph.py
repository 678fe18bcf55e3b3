"""Graph facts: nodes and edges with ids, each claimed by one article with its evidence."""
from __future__ import annotations

from dataclasses import dataclass, field

from kg.facts import Article, Evidence, Extraction


@dataclass
class Node:
    id: str
    type: str
    name: str
    props: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "name": self.name, **self.props}


@dataclass
class Edge:
    src: str
    type: str
    dst: str
    props: dict = field(default_factory=dict)
    article_id: str | None = None
    evidence: Evidence | None = None

    def as_dict(self) -> dict:
        out = {"from": self.src, "type": self.type, "to": self.dst, **self.props,
               "article": self.article_id}
        if self.evidence:
            out["evidence"] = {"start": self.evidence.start, "end": self.evidence.end,
                               "sentence": self.evidence.sentence, "extractor": self.evidence.extractor}
        return out


@dataclass
class NodeClaim:
    node: Node
    evidence: Evidence
    aliases: tuple[str, ...] = ()


@dataclass
class Facts:
    """Everything one article claims, ready for a store."""
    article: Article
    nodes: dict[str, NodeClaim] = field(default_factory=dict)
    edges: dict[tuple, Edge] = field(default_factory=dict)
    # set when these facts depend on which documents are known (a dateless document mention):
    # stores keep it so that settling can resolve the article again without extracting it again
    extraction: Extraction | None = None
    # base → resolution (`kg.settle.resolution`) of each dateless document mention, as resolved
    dateless: dict[str, str] = field(default_factory=dict)

    def add_node(self, node: Node, evidence: Evidence, alias: str | None = None) -> str:
        claim = self.nodes.get(node.id)
        if claim is None:
            claim = self.nodes[node.id] = NodeClaim(node, evidence)
        else:
            for k, v in node.props.items():
                claim.node.props.setdefault(k, v)
        if alias and alias not in claim.aliases:
            claim.aliases = claim.aliases + (alias,)
        return node.id

    def add_edge(self, src: str, type_: str, dst: str, evidence: Evidence, **props) -> None:
        self.edges.setdefault((src, type_, dst), Edge(src, type_, dst, props, self.article.id, evidence))
