"""Meeting rows shared by `chaired`, `who-chaired`, `meetings` and `person`, built for one page
of meetings at once (a handful of store round trips, not several per meeting)."""
from __future__ import annotations

from kg.graph import Node
from kg.model import id_prefix
from kg.stores.base import MeetingFilter, Store
from queries.evidence import Articles, chair_source
from queries.resolve import page, province_ids


def meeting_filter(province: str | None = None, since: str | None = None, until: str | None = None,
                   **which) -> MeetingFilter:
    return MeetingFilter(provinces=province_ids(province), since=since, until=until, **which)


def meeting_page(store: Store, which: MeetingFilter, limit: int, offset: int = 0,
                 evidence: bool = False) -> tuple[list[dict], dict]:
    """(summaries of one page of meetings, newest first; the page's total/limit/offset/truncated)."""
    nodes, total, links = store.meetings_linked(which, limit, offset, LINKS, evidence)
    rows = meeting_summaries(store, nodes, links, evidence)
    return rows, page(total, limit, offset, len(rows))


LINKS = (("HELD_IN", "out"), ("REPORTS", "in"), ("CHAIRED_BY", "out"))  # what a meeting's row shows


def meeting_summaries(store: Store, meetings: list[Node], links: dict, evidence: bool = False) -> list[dict]:
    """One row per meeting, from its claims across LINKS; with `evidence`, `chair_evidence`
    gives each chair the sentence saying they chaired it."""
    unique = list({m.id: m for m in meetings}.values())
    held, reports, chairs = (links[link] for link in LINKS)
    rows = [_row(m, held[m.id], reports[m.id], chairs[m.id]) for m in unique]
    if evidence:
        articles = Articles(store)
        for row in rows:
            row["chair_evidence"] = [{"chair": person.name, **chair_source(articles, edge, _names(store, person))}
                                     for edge, person in chairs[row["id"]]]
    return rows


def _names(store: Store, person: Node) -> list[str]:
    """The ways an article may write a person: every alias, longest first."""
    aliases = {n.name for n in store.find(person.name, "Person", exact=True) if n.id == person.id}
    return sorted(aliases | {person.name}, key=len, reverse=True)


def _row(meeting: Node, held, reports, chairs) -> dict:
    province = held[0][1] if held else None
    articles = {a.id: a for _, a in reports}
    return {"id": meeting.id, "name": meeting.name, "date": meeting.props.get("date"),
            "province": province.name if province else None,
            "province_now": province.props.get("current") if province else None,
            "province_id": province.id if province else None,
            "chairs": sorted({n.name for _, n in chairs}),
            "sources": [{"article": a.id.removeprefix(id_prefix("Article")), "url": a.props.get("url"),
                         "title": a.props.get("title"), "published": a.props.get("published")}
                        for _, a in sorted(articles.items())]}
