"""Turning what a user typed into one entity, or a list of candidates."""
from __future__ import annotations

from kg.errors import Ambiguous, NotFound
from kg.gazetteer import lookup, provinces
from kg.graph import Node
from kg.stores.base import Store


def scope_name(scope: str | None) -> str | None:
    if not scope or scope in ("central", "unknown"):
        return {"central": "Trung ương"}.get(scope or "", None)
    match = next((p for p in provinces() if p.slug == scope), None)
    return match.name if match else scope


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

