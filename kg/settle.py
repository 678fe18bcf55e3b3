"""Keeping yearless document mentions resolved as documents arrive, in any order.

A mention like "Chỉ thị số 20-CT/TU của Ban Thường vụ Tỉnh ủy" (no date) joins the one
known document it can only be. When a dated document of the same base arrives later, the
articles that mentioned the base are resolved again against what is now known, so the
graph ends the same whichever order the articles came in: joined when one candidate
exists, an unresolved node when there are none or several.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from kg.facts import Article
from kg.graph import Facts
from kg.stores.base import Store

_DATED = re.compile(r"^(doc:.+)-(\d{4})$")


def settle_documents(store: Store, batch: list[Facts], facts_for: Callable[[Article], Facts]) -> int:
    """Re-resolve stored articles whose yearless mentions a batch's dated documents affect.

    Returns how many articles were resolved again.
    """
    redone = 0
    for base in _dated_bases(batch):
        # the batch's own articles too: one earlier in the batch may have cited the base dateless
        for article_id in sorted(_articles_citing(store, base)):
            redone += _reresolve(store, article_id, facts_for)
    return redone


def _dated_bases(batch: list[Facts]) -> set[str]:
    return {m.group(1) for facts in batch for node_id in facts.nodes if (m := _DATED.match(node_id))}


def _articles_citing(store: Store, base: str) -> set[str]:
    pattern = re.compile(re.escape(base) + r"(?:-\d{4})?$")
    nodes = [n for n in store.find_ids(base) if pattern.match(n)]
    if len(nodes) < 2 and base not in nodes:
        return set()  # only the dated document itself: nothing yearless to settle
    return {edge.src.removeprefix("article:") for node_id in nodes
            for edge, _ in store.neighbours(node_id, "MENTIONS", "in")}


def _reresolve(store: Store, article_id: str, facts_for: Callable[[Article], Facts]) -> int:
    stored = store.article(article_id)
    if stored is None:
        return 0
    fields = set(Article.__dataclass_fields__)
    article = Article(**{k: v for k, v in stored.items() if k in fields})
    facts = facts_for(article)
    before = {n.id for _, n in store.neighbours(f"article:{article_id}", "MENTIONS", "out")}
    after = {dst for (src, kind, dst) in facts.edges if kind == "MENTIONS"}
    if before == after:
        return 0
    store.replace(facts)
    return 1
