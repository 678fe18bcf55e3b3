"""Who chaired what, a person's posts over time, who held a post."""
from __future__ import annotations

from kg.graph import Node
from kg.stores.base import Span, Store
from queries.resolve import node_scope, pick, scope_name
from queries.summaries import meeting_filter, meeting_page

ROLES = (("CHAIRED_BY", "chaired"), ("SPEAKER", "spoke"), ("ATTENDEE", "attended"))


def describe_person(store: Store, node: Node) -> dict:
    latest = store.latest(node.id, "HOLDS", "out", "attested")
    return {"latest_post": latest.name if latest else None}


def find_person(store: Store, name: str, province: str | None = None) -> Node:
    return pick(store, name, "Person", province, describe_person)


def chaired(store: Store, person: str, province: str | None = None, since: str | None = None,
            until: str | None = None, limit: int = 50, offset: int = 0) -> dict:
    """`kg chaired`: the meetings a person chaired, newest first, with co-chairs and sources."""
    node = find_person(store, person)
    which = meeting_filter(province, since, until, person=node.id, role="CHAIRED_BY")
    rows, info = meeting_page(store, which, limit, offset)
    for row in rows:
        row["co_chairs"] = [c for c in row.pop("chairs") if c != node.name]
    return {"person": _person_ref(node), "meetings": rows, **info}


def _person_ref(node: Node) -> dict:
    return {"id": node.id, "name": node.name, "province": scope_name(node_scope(node))}


def person_profile(store: Store, name: str, province: str | None = None, limit: int = 20) -> dict:
    """`kg person`: posts with first/last attestation and sources; meetings by role, the
    `limit` newest of each, with each role's total in `meeting_totals`."""
    node = find_person(store, name, province)
    aliases = sorted({n.name for n in store.find(node.name, "Person", exact=True) if n.id == node.id})
    roles, totals = {}, {}
    for edge_type, role in ROLES:
        roles[role], info = meeting_page(store, meeting_filter(person=node.id, role=edge_type), limit)
        totals[role] = info["total"]
    return {"person": {**_person_ref(node), "aliases": aliases}, "posts": post_timeline(store, node.id),
            "meetings": roles, "meeting_totals": totals, "limit": limit,
            "truncated": any(totals[role] > len(rows) for role, rows in roles.items())}


def post_timeline(store: Store, person_id: str) -> list[dict]:
    posts = [{"post": s.node.name, "post_id": s.node.id, **_attested(s)}
             for s in store.edge_spans(person_id, "HOLDS", "out", "attested")]
    return sorted(posts, key=lambda p: (p["first"] or "", p["post"]))


def _attested(span: Span) -> dict:
    return {"first": span.first, "last": span.last,
            "sources": sorted({a.removeprefix("article:") for a in span.sources})}


def holders(store: Store, post: str, province: str | None = None, on: str | None = None) -> dict:
    """`kg holders`: who is attested in a post, optionally around a date."""
    node = pick(store, post, "Post", province)
    people = [{**_person_ref(s.node), **_attested(s)} for s in store.edge_spans(node.id, "HOLDS", "in", "attested")]
    rows = sorted(people, key=lambda p: p["first"] or "")
    if on:
        rows = _holding_on(rows, on)
    return {"post": {"id": node.id, "name": node.name}, "on": on, "holders": rows}


def _holding_on(rows: list[dict], on: str) -> list[dict]:
    """Attested across the date, else the latest attested before it (posts change hands)."""
    spanning = [r for r in rows if r["first"] and r["first"] <= on <= (r["last"] or "")]
    if spanning:
        return spanning
    before = [r for r in rows if r["first"] and r["first"] <= on]
    return [max(before, key=lambda r: r["last"])] if before else []
