"""Which relations a chain between two nodes may use (`Store.shortest_chain` finds it: level by
level with `adjacency` by default, one Cypher query on Neo4j, so a path costs what the levels it
explores hold, not the whole graph).

Among several shortest chains the answer is the one whose node ids, read from the start,
come first in order; on each hop the claim that comes first by (source, type, target,
article). So every store gives the same chain.
"""
from __future__ import annotations

from kg.model import schema


def relation_types() -> list[str]:
    """Edge types a chain may use: not an article's (mentioning both is not a relation)."""
    return [name for name, edge in schema().edges.items() if edge.source != "Article"]
