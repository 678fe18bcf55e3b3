"""Meetings: which ones match a text, and who chaired them."""
from __future__ import annotations

from kg.stores.base import Store
from queries.people import _in_window, _province_ok, meeting_summary


def who_chaired(store: Store, meeting_text: str, province: str | None = None,
                since: str | None = None, until: str | None = None) -> dict:
    """`kg who-chaired`: every meeting whose name matches, with its chairs."""
    rows = []
    for meeting in store.find(meeting_text, "Meeting", limit=500):
        summary = meeting_summary(store, meeting)
        if _in_window(summary, since, until) and _province_ok(store, meeting, province):
            rows.append(summary)
    return {"query": meeting_text, "meetings": sorted(rows, key=lambda m: (m["date"] or "", m["id"]))}


def meetings(store: Store, province: str | None = None, since: str | None = None,
             until: str | None = None, limit: int = 100) -> dict:
    """`kg meetings`: meetings in the store, newest first."""
    rows = [meeting_summary(store, m) for m in store.iter_nodes("Meeting")
            if _province_ok(store, m, province)]
    rows = [r for r in rows if _in_window(r, since, until)]
    rows.sort(key=lambda m: (m["date"] or "", m["id"]), reverse=True)
    return {"meetings": rows[:limit], "total": len(rows)}
