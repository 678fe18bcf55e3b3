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


def new_dated_documents(store: Store, batch: list[Facts]) -> set[str]:
    """Dated documents of a batch that the store does not hold yet (call before storing)."""
    dated = {node_id for facts in batch for node_id in facts.nodes if _DATED.match(node_id)}
    return {node_id for node_id in dated if store.get(node_id) is None}


def settle_documents(store: Store, new_dated: set[str], facts_for: Callable[[Article], Facts]) -> int:
    """Re-resolve the stored articles that cite the base of a newly stored dated document
    without a date. Each new dated document triggers this once, and only dateless mentions
    are redone, so the work is bounded by those mentions. Returns how many were redone."""
    redone = 0
    for base in sorted({_DATED.match(node_id).group(1) for node_id in new_dated}):
        # the batch's own articles too: one earlier in the batch may have cited the base dateless
        for article_id in sorted(_articles_citing(store, base)):
            redone += _reresolve(store, article_id, facts_for)
    return redone


def of_base(node_id: str, base: str) -> bool:
    """`doc:20-ct-tu` and `doc:20-ct-tu-2016` are of base `doc:20-ct-tu`; `doc:20-ct-tu-x` is not.
    (A string test: compiling a pattern per base costs more than the whole lookup.)"""
    if not node_id.startswith(base):
        return False
    year = node_id[len(base):]
    return not year or (len(year) == 5 and year[0] == "-" and year[1:].isdigit())


def _articles_citing(store: Store, base: str) -> set[str]:
    nodes = [n for n in store.find_ids(base) if of_base(n, base)]
    if len(nodes) < 2 and base not in nodes:
        return set()  # only the dated document itself: nothing dateless to settle
    return {edge.src.removeprefix("article:") for node_id in nodes
            for edge, _ in store.neighbours(node_id, "MENTIONS", "in") if edge.props.get("dateless")}


def _reresolve(store: Store, article_id: str, facts_for: Callable[[Article], Facts]) -> int:
    stored = store.article(article_id)
    if stored is None:
        return 0
    fields = set(Article.__dataclass_fields__)
    store.replace(facts_for(Article(**{k: v for k, v in stored.items() if k in fields})))
    return 1
