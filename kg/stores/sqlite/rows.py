"""One article's facts as the rows the SQLite store writes.

`rows_of` runs wherever the facts are made: under `kg ingest --workers` that is a worker
process, so the single writer only runs the inserts, and what crosses between processes is
plain tuples of strings and numbers (cheap to pickle), not nested dataclasses.

Each distinct evidence sentence is one `sentences` row; claims and edges carry its number.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from kg.graph import Edge, Facts
from kg.mentions import dated_base, keep
from kg.model import conform
from kg.text import ascii_key, key


@dataclass
class Rows:
    article: tuple  # (id, content hash, published, meta JSON, text)
    sentences: list[tuple]  # (article id, number, text)
    node_rows: list[tuple]  # (id, type, name, props JSON): inserted if the node is new
    claims: list[tuple]  # (node id, article id, props JSON, start, end, sentence number, extractor, name)
    aliases: list[tuple]  # (node id, alias, key, diacritic-free key)
    edges: list[tuple]  # the edge_rows table's columns
    claimed_props: list[tuple[str, dict]]  # (node id, props) of claims that set properties
    kept: bytes | None = None  # the extraction settling re-resolves (kg.mentions), if it may need to
    dateless: list[tuple] = ()  # (base, article id, resolution) of each dateless document mention

    @property
    def article_id(self) -> str:
        return self.article[0]

    @property
    def content_hash(self) -> str:
        return self.article[1]

    @property
    def nodes(self) -> list[str]:
        """The ids of the nodes claimed (what `Facts.nodes` iterates as)."""
        return [row[0] for row in self.node_rows]

    @property
    def dated_documents(self) -> list[str]:
        """Documents with a year in their id that this article claims."""
        return [row[0] for row in self.node_rows if dated_base(row[0])]

    @property
    def size(self) -> int:
        """Claims and edges: what the per-article limit counts."""
        return len(self.claims) + len(self.edges)


def rows_of(facts: Facts | Rows) -> Rows:
    if isinstance(facts, Rows):
        return facts
    article, claims = conform(facts).article, list(facts.nodes.values())
    numbers: dict[str, int] = {}

    def number(sentence: str) -> int:
        return numbers.setdefault(sentence, len(numbers))

    props = [_json(c.node.props) for c in claims]
    rows = Rows(
        article=(article.id, article.content_hash, article.published,
                 json.dumps(article.meta(), ensure_ascii=False), article.text),
        sentences=[],
        node_rows=[(c.node.id, c.node.type, c.node.name, p) for c, p in zip(claims, props)],
        claims=[(c.node.id, article.id, p, c.evidence.start, c.evidence.end, number(c.evidence.sentence),
                 c.evidence.extractor, c.node.name) for c, p in zip(claims, props)],
        aliases=[(c.node.id, alias, key(alias), ascii_key(alias))
                 for c in claims for alias in {c.node.name, *c.aliases}],
        edges=[_edge_row(edge, number) for edge in facts.edges.values()],
        claimed_props=[(c.node.id, c.node.props) for c in claims if c.node.props],
        kept=keep(facts.extraction, number) if facts.extraction else None,
        dateless=[(base, article.id, found) for base, found in sorted(facts.dateless.items())])
    rows.sentences = [(article.id, n, text) for text, n in numbers.items()]
    return rows


def _json(props: dict) -> str:
    return json.dumps(props, ensure_ascii=False) if props else "{}"  # most claims have none


def _edge_row(edge: Edge, number) -> tuple:
    ev = edge.evidence
    return (edge.src, edge.type, edge.dst, edge.article_id, _json(edge.props),
            *((ev.start, ev.end, number(ev.sentence), ev.extractor) if ev else (0, 0, number(""), "")))
