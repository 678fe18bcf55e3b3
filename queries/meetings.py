"""Meetings: which ones match a text, and who chaired them."""
from __future__ import annotations

from kg.stores.base import Store
from queries.summaries import keep, meeting_summaries


def who_chaired(store: Store, meeting_text: str, province: str | None = None,
                since: str | None = None, until: str | None = None) -> dict:
    """`kg who-chaired`: every meeting whose name matches, with its chairs."""
    rows = [row for row in meeting_summaries(store, store.find(meeting_text, "Meeting", limit=500))
            if keep(row, province, since, until)]
    return {"query": meeting_text, "meetings": sorted(rows, key=lambda m: (m["date"] or "", m["id"]))}


def meetings(store: Store, province: str | None = None, since: str | None = None,
             until: str | None = None, limit: int = 100) -> dict:
    """`kg meetings`: meetings in the store, newest first."""
    rows = [row for row in meeting_summaries(store, list(store.iter_nodes("Meeting")))
            if keep(row, province, since, until)]
    rows.sort(key=lambda m: (m["date"] or "", m["id"]), reverse=True)
    return {"meetings": rows[:limit], "total": len(rows)}
