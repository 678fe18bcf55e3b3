"""Who chaired what, a person's posts over time, who held a post."""
from __future__ import annotations

from kg.errors import Ambiguous
from kg.graph import Edge, Node
from kg.model import id_prefix
from kg.stores.base import Store
from queries.evidence import Articles, edge_source
from queries.resolve import node_scope, page, pick, scope_name
from queries.summaries import meeting_filter, meeting_page

ROLES = (("CHAIRED_BY", "chaired"), ("SPEAKER", "spoke"), ("ATTENDEE", "attended"))


def describe_person(store: Store, node: Node) -> dict:
    latest = store.latest(node.id, "HOLDS", "out", "attested")
    return {"latest_post": latest.name if latest else None}


def find_person(store: Store, name: str, province: str | None = None) -> Node:
    return pick(store, name, "Person", province, describe_person)


def chaired(store: Store, person: str, province: str | None = None, since: str | None = None,
            until: str | None = None, limit: int = 50, offset: int = 0, evidence: bool = False) -> dict:
    """`kg chaired`: the meetings a person chaired, newest first, with co-chairs and sources
    (with `evidence`, `chair_evidence`: the sentences saying they chaired it)."""
    try:
        node = find_person(store, person)
    except Ambiguous:  # the province filters meetings, and picks the person a name alone cannot
        if not province:
            raise
        node = find_person(store, person, province)
    which = meeting_filter(province, since, until, person=node.id, role="CHAIRED_BY")
    rows, info = meeting_page(store, which, limit, offset, evidence)
    for row in rows:
        row["co_chairs"] = [c for c in row["chairs"] if c != node.name]
        if evidence:
            row["chair_evidence"] = [e for e in row["chair_evidence"] if e["chair"] == node.name]
    return {"person": _person_ref(node), "meetings": rows, **info}


def _person_ref(node: Node) -> dict:
    return {"id": node.id, "name": node.name, "province": scope_name(node_scope(node))}


def person_profile(store: Store, name: str, province: str | None = None, limit: int = 20,
                   evidence: bool = False) -> dict:
    """`kg person`: posts with first/last attestation and sources; meetings by role, the
    `limit` newest of each, with each role's total in `meeting_totals`."""
    node = find_person(store, name, province)
    aliases = sorted({n.name for n in store.find(node.name, "Person", exact=True) if n.id == node.id})
    roles, totals = {}, {}
    for edge_type, role in ROLES:
        roles[role], info = meeting_page(store, meeting_filter(person=node.id, role=edge_type), limit,
                                         evidence=evidence and role == "chaired")
        totals[role] = info["total"]
    return {"person": {**_person_ref(node), "aliases": aliases}, "posts": post_timeline(store, node.id, evidence),
            "meetings": roles, "meeting_totals": totals, "limit": limit,
            "truncated": any(totals[role] > len(rows) for role, rows in roles.items())}


def post_timeline(store: Store, person_id: str, evidence: bool = False) -> list[dict]:
    by_post: dict[str, list[Edge]] = {}
    posts: dict[str, Node] = {}
    for edge, post in store.neighbours(person_id, "HOLDS", "out"):
        by_post.setdefault(post.id, []).append(edge)
        posts[post.id] = post
    dates = event_dates(store, person_id)
    rows = [{"post": posts[i].name, "post_id": i, **attested(store, edges, dates, evidence)}
            for i, edges in by_post.items()]
    return sorted(rows, key=lambda p: (p["first"] or "", p["post"]))


ROLE_LINKS = tuple((edge_type, "in") for edge_type, _ in ROLES)  # a person's meetings, by role


def event_dates(store: Store, person_id: str, linked: dict | None = None) -> dict[str, str]:
    """Article id → the date of the meeting it reports the person at (the day they were seen
    in office, often days before the article was published); full dates only. `linked`: the
    person's claims across ROLE_LINKS when already read."""
    found: dict[str, str] = {}
    for link in ROLE_LINKS:
        claims = linked[link][person_id] if linked else store.neighbours(person_id, link[0], "in")
        for edge, meeting in claims:
            date = meeting.props.get("date") or ""
            if len(date) == 10 and not date.startswith("--"):
                found.setdefault(edge.article_id, date)
    return found


def attested(store: Store, edges: list[Edge], dates: dict[str, str], evidence: bool = False) -> dict:
    """First and last attestation of one HOLDS claim set: each article dates it by the event
    it reports, else by its publication date; an article giving neither cannot date it."""
    days = [dates.get(e.article_id) or e.props.get("attested") for e in edges]
    days = [d for d in days if d and not d.startswith("--")]
    found = {"first": min(days, default=None), "last": max(days, default=None), "attestations": len(edges),
             "sources": sorted({(e.article_id or "").removeprefix(id_prefix("Article")) for e in edges})}
    if evidence:
        articles = Articles(store)
        found["evidence"] = [edge_source(articles, e) for e in sorted(edges, key=lambda e: e.article_id or "")]
    return found


def holders(store: Store, post: str, province: str | None = None, on: str | None = None,
            limit: int = 50, offset: int = 0, evidence: bool = False) -> dict:
    """`kg holders`: who is attested in a post and over which span (attestations, not terms
    of office: the store knows when someone was seen in a post, not when they left it).

    With `on`, the people attested both on or before and on or after the date; when nobody
    is, none are returned, and `nearest` names the last attested before and the first after."""
    node = pick(store, post, "Post", province)
    by_person: dict[str, list[Edge]] = {}
    people: dict[str, Node] = {}
    # a holder's meetings only date the articles that say they hold the post
    claims, linked = store.neighbours_linked(node.id, "HOLDS", "in", ROLE_LINKS, same_article=True,
                                             link_evidence=False)
    for edge, person in claims:
        by_person.setdefault(person.id, []).append(edge)
        people[person.id] = person
    rows = [{**_person_ref(people[i]), **attested(store, edges, event_dates(store, i, linked), evidence)}
            for i, edges in by_person.items()]
    rows.sort(key=lambda p: (p["first"] or "9999", p["id"]))
    nearest = None
    if on:
        rows, nearest = _attested_around(rows, on)
    shown = rows[offset:offset + limit]
    return {"post": {"id": node.id, "name": node.name}, "on": on, "holders": shown, "nearest": nearest,
            **page(len(rows), limit, offset, len(shown))}


def _attested_around(rows: list[dict], on: str) -> tuple[list[dict], dict | None]:
    spanning = [r for r in rows if r["first"] and r["first"] <= on <= r["last"]]
    if spanning:
        return spanning, None
    before = [r for r in rows if r["last"] and r["last"] < on]
    after = [r for r in rows if r["first"] and r["first"] > on]
    brief = lambda r: r and {"id": r["id"], "name": r["name"], "first": r["first"], "last": r["last"]}  # noqa: E731
    return [], {"before": brief(max(before, key=lambda r: r["last"], default=None)),
                "after": brief(min(after, key=lambda r: r["first"], default=None)),
                "undated": [brief(r) for r in rows if not r["first"]]}
