"""Turning what a user typed into one entity, or a list of candidates."""
from __future__ import annotations

import re
from difflib import get_close_matches
from functools import lru_cache

from kg.errors import Ambiguous, NotFound
from kg.gazetteer import Province, lookup, provinces
from kg.graph import Node
from kg.model import node_id
from kg.stores.base import Store
from kg.text import ascii_key
from kg.vocab import expand


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


@lru_cache(maxsize=256)
def province_named(text: str) -> Province:
    """The province a user means: any written form the gazetteer knows, else an abbreviation
    the maintained `vietnamadminunits` parser resolves (HCM, TT-Huế); NotFound naming the
    nearest names otherwise."""
    found = lookup(text) or _parsed(text)
    if found is None:
        raise NotFound(f"unknown province {text!r}{did_you_mean(text, [p.name for p in provinces()])}")
    return found


def _parsed(text: str) -> Province | None:
    from vietnamadminunits import ParseMode, parse_address
    try:
        code = parse_address(text, mode=ParseMode.LEGACY, level=1).province_code
    except Exception:  # noqa: BLE001 - the parser raises on text it cannot place
        return None
    same = [p for p in provinces() if p.code == code]
    # the unit as it is now also matches what it was (in_province compares `current` too)
    return min(same, key=lambda p: p.legacy) if same else None


def did_you_mean(text: str, names: list[str], folded=ascii_key) -> str:
    """"; did you mean A, B?" for the names nearest `text` (compared as `folded` makes them:
    accents and case aside by default), or ""."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(folded(name), name)
    near = get_close_matches(folded(text), list(by_key), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(by_key[k] for k in near)}?" if near else ""


def _number_key(text: str) -> str:
    """A document number as letters and digits from its first digit: `Nghị quyết 21-nq-tw`,
    `21 NQ TW` and `21-NQ/TW` all read 21nqtw."""
    bare = re.sub(r"[^0-9a-z]", "", ascii_key(text))
    first = re.search(r"\d", bare)
    return bare[first.start():] if first else bare


def in_province(scope: str | None, wanted: str | None) -> bool:
    """A scope matches a province query by its own name or by the 2025 unit it joined."""
    if not wanted:
        return True
    target = province_named(wanted)
    if scope is None:
        return False
    own = next((p for p in provinces() if p.slug == scope), None)
    return own is not None and _same_or_joined(own, target)


def _same_or_joined(own: Province, target: Province) -> bool:
    """`own` is the province asked for, joined it in 2025, or is it under another name (a
    renamed unit keeps its code: Thừa Thiên Huế is Huế)."""
    return own.name == target.name or own.current == target.name or own.code == target.code


def province_ids(wanted: str | None) -> tuple[str, ...] | None:
    """The Province node ids a `--province` means (as `in_province`: the province itself, or
    every unit that joined it in 2025); None when no province was asked for."""
    if not wanted:
        return None
    target = province_named(wanted)
    return tuple(node_id("Province", name=p.slug) for p in provinces() if _same_or_joined(p, target))


def page(total: int | None, limit: int, offset: int, shown: int) -> dict:
    """How a paginated answer reports itself: `total` None means uncounted (and more exist)."""
    return {"total": total, "limit": limit, "offset": offset,
            "truncated": total is None or offset + shown < total}


def pick(store: Store, text: str, node_type: str, province: str | None = None,
         describe=lambda store, node: {}) -> Node:
    """The one node of `node_type` that `text` names (or its id); Ambiguous lists candidates."""
    if province:
        province_named(province)  # an unknown province is an error even when nothing matches
    by_id = store.get(text) if ":" in text else None
    if by_id is not None and by_id.type == node_type:
        return by_id
    def matching(written: str, exact: bool) -> list[Node]:
        return [n for n in store.find(written, node_type, limit=200, exact=exact)
                if in_province(node_scope(n), province)]
    # posts and organisations are stored with abbreviations expanded (UBND, HĐND, BTV…)
    forms = list(dict.fromkeys([text, expand(text)] if node_type in ("Post", "Organization") else [text]))
    candidates = next((found for exact in (True, False) for form in forms if (found := matching(form, exact))), [])
    if not candidates:
        where = f" in {province}" if province else ""
        raise NotFound(f"no {node_type.lower()} matches {text!r}{where}{_near(store, text, node_type)}")
    if len(candidates) > 1:
        raise Ambiguous(text, [{"id": n.id, "name": n.name, "province": scope_name(node_scope(n)),
                                **describe(store, n)} for n in candidates[:20]])
    return candidates[0]


def _near(store: Store, text: str, node_type: str) -> str:
    """Did-you-mean for a name or number that matches nothing: stored names sharing a word
    with it (for numbers: the leading digits), nearest first."""
    digits = re.search(r"\d+", text)
    words = [digits.group(0)] if digits else [w for w in ascii_key(text).split() if len(w) > 1][:4]
    names = sorted({n.name for word in words for n in store.find(word, node_type, limit=50)})
    return did_you_mean(text, names, _number_key if digits else ascii_key)
