"""Meeting rows shared by `chaired`, `who-chaired`, `meetings` and `person`, built for a list
of meetings at once (a handful of store round trips, not several per meeting)."""
from __future__ import annotations

from kg.graph import Node
from kg.stores.base import Store
from queries.resolve import in_province


def meeting_summaries(store: Store, meetings: list[Node]) -> list[dict]:
    unique = list({m.id: m for m in meetings}.values())
    ids = [m.id for m in unique]
    held = store.neighbours_many(ids, "HELD_IN", "out")
    reports = store.neighbours_many(ids, "REPORTS", "in")
    chairs = store.neighbours_many(ids, "CHAIRED_BY", "out")
    return [_row(m, held[m.id], reports[m.id], chairs[m.id]) for m in unique]


def _row(meeting: Node, held, reports, chairs) -> dict:
    province = held[0][1] if held else None
    articles = {a.id: a for _, a in reports}
    return {"id": meeting.id, "name": meeting.name, "date": meeting.props.get("date"),
            "province": province.name if province else None,
            "province_now": province.props.get("current") if province else None,
            "province_id": province.id if province else None,
            "chairs": sorted({n.name for _, n in chairs}),
            "sources": [{"article": a.id.removeprefix("article:"), "url": a.props.get("url"),
                         "title": a.props.get("title"), "published": a.props.get("published")}
                        for _, a in sorted(articles.items())]}


def keep(row: dict, province: str | None, since: str | None, until: str | None) -> bool:
    """Province by old or new name; dates by ISO order (a date without a year is unknown)."""
    if province and not (row["province_id"] and in_province(row["province_id"].removeprefix("province:"), province)):
        return False
    if not (since or until):
        return True
    date = row["date"]
    if not date or date.startswith("--"):
        return False
    return (not since or date >= since) and (not until or date <= until)
