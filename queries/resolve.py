"""Turning what a user typed into one entity, or a list of candidates."""
from __future__ import annotations

from functools import lru_cache

from kg.errors import Ambiguous, NotFound
from kg.gazetteer import lookup, provinces
from kg.graph import Node
from kg.stores.base import Store


@lru_cache(maxsize=1)
def _province_names() -> dict[str, str]:
    # lineage names the province of every document it lists: a dict, not a scan per call
    return {p.slug: p.name for p in provinces()}


def scope_name(scope: str | None) -> str | None:
    if not scope or scope in ("central", "unknown"):
        return {"central": "Trung ương"}.get(scope or "", None)
    return _province_names().get(scope, scope)


def node_scope(node: Node) -> str | None:
    if "@" in node.id:
        return node.id.rsplit("@", 1)[1]
    if node.type == "Document":
        return node.props.get("scope")
    return None


def in_province(scope: str | None, wanted: str | None) -> bool:
    """A scope matches a province query by its own name or by the 2025 unit it joined."""
    if not wanted:
        return True
    target = lookup(wanted)
    if target is None or scope is None:
        return False
    own = next((p for p in provinces() if p.slug == scope), None)
    return own is not None and (own.name == target.name or own.current == target.name)


def province_ids(wanted: str | None) -> tuple[str, ...] | None:
    """The Province node ids a `--province` means (as `in_province`: the province itself, or
    every unit that joined it in 2025); None when no province was asked for."""
    if not wanted:
        return None
    target = lookup(wanted)
    if target is None:
        return ()
    return tuple(f"province:{p.slug}" for p in provinces() if p.name == target.name or p.current == target.name)


def page(total: int | None, limit: int, offset: int, shown: int) -> dict:
    """How a paginated answer reports itself: `total` None means uncounted (and more exist)."""
    return {"total": total, "limit": limit, "offset": offset,
            "truncated": total is None or offset + shown < total}


def pick(store: Store, text: str, node_type: str, province: str | None = None,
         describe=lambda store, node: {}) -> Node:
    """The one node of `node_type` that `text` names (or its id); Ambiguous lists candidates."""
    by_id = store.get(text) if ":" in text else None
    if by_id is not None and by_id.type == node_type:
        return by_id
    def matching(exact: bool) -> list[Node]:
        return [n for n in store.find(text, node_type, limit=200, exact=exact)
                if in_province(node_scope(n), province)]
    candidates = matching(exact=True) or matching(exact=False)
    if not candidates:
        where = f" in {province}" if province else ""
        raise NotFound(f"no {node_type.lower()} matches {text!r}{where}")
    if len(candidates) > 1:
        raise Ambiguous(text, [{"id": n.id, "name": n.name, "province": scope_name(node_scope(n)),
                                **describe(store, n)} for n in candidates[:20]])
    return candidates[0]
