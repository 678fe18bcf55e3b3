"""Keeping yearless document mentions resolved as documents arrive and go, in any order.

A mention like "Chỉ thị số 20-CT/TU của Ban Thường vụ Tỉnh ủy" (no date) joins the one
known dated document it can only be. When a dated document of the same base arrives, or the
last article that dated it is forgotten, the articles that mentioned the base without a date
are resolved again against what is now known, so the graph ends the same whichever order the
articles came and went in: joined when one candidate exists, an unresolved node when there
are none or several.

Resolving again does not extract again: a store keeps the extraction of every article with a
dateless mention (`Store.kept_extraction`). A store also records which bases are unsettled in
the transaction that changed them (`Store.unsettled`), so settling cut short by a crash is
finished by the next writer.

An article's facts depend on the known documents only through each dateless base's
`resolution` (its one candidate, none, or several), which the store records per article and
base (`Store.dateless_citers`). Settling rewrites only the articles whose recorded resolution
differs from the current one: a third dated `20-CT/TU` of a province changes nothing for the
articles already unresolved between two, so they are not written again.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from kg.facts import Article, Extraction
from kg.graph import Facts
from kg.mentions import dated_base
from kg.model import node_id, parse_id, type_of_id
from kg.resolver import KnownDocuments, resolve
from kg.stores.base import Store

Extract = Callable[[Article], Extraction]  # for stores that keep no extraction


def known_documents(store: Store, pending: Iterable[str] = ()) -> KnownDocuments:
    """Base id → the dated documents of that base: stored ones that some article states a date
    for (a document only dateless mentions still point at is not evidence of itself), and the
    `pending` ones of a batch not stored yet."""
    def lookup(base: str) -> list[str]:
        stored = {i for i in store.find_ids(base) if of_base(i, base) and _dated(store, i)}
        return sorted(stored | {i for i in pending if of_base(i, base)})
    return lookup


def _dated(store: Store, nid: str) -> bool:
    node = store.get(nid)
    return bool(node and node.props.get("date"))


def dated_in(facts: Facts) -> list[str]:
    """The documents these facts state a date for (what `known_documents` takes as pending)."""
    return [i for i, claim in facts.nodes.items() if type_of_id(i) == "Document" and claim.node.props.get("date")]


def new_dated_bases(store: Store, batch: list[Facts]) -> set[str]:
    """Bases of the dated documents of a batch that the store does not hold yet (call before
    storing the batch)."""
    dated = {nid for facts in batch for nid in facts.nodes if dated_base(nid)}
    return {dated_base(nid) for nid in dated if store.get(nid) is None}


def mentioned_bases(store: Store, article_id: str) -> set[str]:
    """Bases of the dated documents an article mentions (call before forgetting it)."""
    return {base for _, node in store.neighbours(node_id("Article", article=article_id), "MENTIONS", "out")
            if (base := dated_base(node.id))}


def resolution(base: str, candidates: list[str]) -> str:
    """What a dateless mention of `base` becomes among `candidates` (as `kg.resolver` decides):
    the one candidate's id, "" for none (its own node, resolved) or "*" for several (its own
    node, unresolved). Facts differ between two sets of known documents only where this does."""
    others = [c for c in candidates if c != base]
    return others[0] if len(others) == 1 else ("*" if others else "")


def resolved(extraction: Extraction, known: KnownDocuments) -> Facts:
    """`resolve`, recording each dateless base's resolution in `Facts.dateless` (stores keep it,
    so that settling can tell which articles a change of known documents changes)."""
    seen: dict[str, str] = {}

    def recording(base: str) -> list[str]:
        candidates = known(base)
        seen[base] = resolution(base, candidates)
        return candidates

    facts = resolve(extraction, recording)
    facts.dateless = seen
    return facts


def settle(store: Store, bases: set[str], extract: Extract) -> list[str]:
    """Resolve again every stored article that cites one of `bases`, or of the bases the store
    recorded as unsettled, without a date and now resolves otherwise; each article once.
    Returns the ids of the articles redone."""
    bases = set(bases) | store.unsettled()
    if not bases:
        return []
    known = known_documents(store)
    articles = sorted({a for base in sorted(bases) for a in _stale(store, base, known)})
    redone = [a for a in articles if _reresolve(store, a, known, extract)]
    store.settled(bases)
    return redone


def _stale(store: Store, base: str, known: KnownDocuments) -> set[str]:
    """Articles citing `base` without a date whose facts the current known documents change
    (a store that records no resolutions: all of them)."""
    found = store.dateless_citers(base, resolution(base, known(base)))
    return _articles_citing(store, base) if found is None else found


def of_base(nid: str, base: str) -> bool:
    """`doc:20-ct-tu` and `doc:20-ct-tu-2016` are of base `doc:20-ct-tu`; `doc:20-ct-tu-x` is not.
    (A string test: compiling a pattern per base costs more than the whole lookup.)"""
    if not nid.startswith(base):
        return False
    year = nid[len(base):]
    return not year or (len(year) == 5 and year[0] == "-" and year[1:].isdigit())


def _articles_citing(store: Store, base: str) -> set[str]:
    nodes = [n for n in store.find_ids(base) if of_base(n, base)]
    return {parse_id(edge.src)[1]["article"] for nid in nodes
            for edge, _ in store.neighbours(nid, "MENTIONS", "in") if edge.props.get("dateless")}


def _reresolve(store: Store, article_id: str, known: KnownDocuments, extract: Extract) -> bool:
    extraction = store.kept_extraction(article_id)
    if extraction is None:  # a store that keeps none, or an article stored before it did
        stored = store.article(article_id)
        if stored is None:
            return False
        fields = set(Article.__dataclass_fields__)
        extraction = extract(Article(**{k: v for k, v in stored.items() if k in fields}))
    store.replace(resolved(extraction, known))
    return True
