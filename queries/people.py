"""Who chaired what, a person's posts over time, who held a post."""
from __future__ import annotations

from kg.graph import Node
from kg.stores.base import Store
from queries.resolve import node_scope, pick, scope_name
from queries.summaries import keep, meeting_summaries


def describe_person(store: Store, node: Node) -> dict:
    posts = sorted(store.neighbours(node.id, "HOLDS", "out"), key=lambda p: p[0].props.get("attested") or "")
    return {"latest_post": posts[-1][1].name if posts else None}


def find_person(store: Store, name: str, province: str | None = None) -> Node:
    return pick(store, name, "Person", province, describe_person)


def chaired(store: Store, person: str, province: str | None = None, since: str | None = None,
            until: str | None = None) -> dict:
    """`kg chaired`: the meetings a person chaired, with co-chairs and sources."""
    node = find_person(store, person)
    rows = meeting_summaries(store, [m for _, m in store.neighbours(node.id, "CHAIRED_BY", "in")])
    meetings = []
    for row in rows:
        if keep(row, province, since, until):
            row["co_chairs"] = [c for c in row.pop("chairs") if c != node.name]
            meetings.append(row)
    return {"person": _person_ref(node), "meetings": sorted(meetings, key=lambda m: m["date"] or "")}


def _person_ref(node: Node) -> dict:
    return {"id": node.id, "name": node.name, "province": scope_name(node_scope(node))}


def person_profile(store: Store, name: str, province: str | None = None) -> dict:
    """`kg person`: posts with first/last attestation and sources, meetings by role."""
    node = find_person(store, name, province)
    aliases = sorted({n.name for n in store.find(node.name, "Person", exact=True) if n.id == node.id})
    roles = {}
    for edge_type, role in (("CHAIRED_BY", "chaired"), ("SPEAKER", "spoke"), ("ATTENDEE", "attended")):
        meetings = [m for _, m in store.neighbours(node.id, edge_type, "in")]
        roles[role] = sorted(meeting_summaries(store, meetings), key=lambda m: m["date"] or "")
    return {"person": {**_person_ref(node), "aliases": aliases}, "posts": post_timeline(store, node.id),
            "meetings": roles}


def post_timeline(store: Store, person_id: str) -> list[dict]:
    posts: dict[str, dict] = {}
    for edge, post in store.neighbours(person_id, "HOLDS", "out"):
        _attest(posts.setdefault(post.id, {"post": post.name, "post_id": post.id, "first": None,
                                           "last": None, "sources": []}), edge)
    return sorted(posts.values(), key=lambda p: (p["first"] or "", p["post"]))


def _attest(entry: dict, edge) -> None:
    """Widen an entry's first/last attestation with one HOLDS edge and note its source."""
    attested = edge.props.get("attested")
    if attested:
        entry["first"] = min(filter(None, [entry["first"], attested]))
        entry["last"] = max(filter(None, [entry["last"], attested]))
    entry["sources"] = sorted(set(entry["sources"]) | {edge.article_id.removeprefix("article:")})


def holders(store: Store, post: str, province: str | None = None, on: str | None = None) -> dict:
    """`kg holders`: who is attested in a post, optionally around a date."""
    node = pick(store, post, "Post", province)
    people: dict[str, dict] = {}
    for edge, person in store.neighbours(node.id, "HOLDS", "in"):
        _attest(people.setdefault(person.id, {**_person_ref(person), "first": None, "last": None,
                                              "sources": []}), edge)
    rows = sorted(people.values(), key=lambda p: p["first"] or "")
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
