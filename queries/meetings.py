"""Meetings: which ones match a text, and who chaired them."""
from __future__ import annotations

from kg.stores.base import Store
from queries.summaries import meeting_filter, meeting_page


def who_chaired(store: Store, meeting_text: str, province: str | None = None, since: str | None = None,
                until: str | None = None, limit: int = 50, offset: int = 0, contains: bool = False,
                evidence: bool = False) -> dict:
    """`kg who-chaired`: meetings named by the text, newest first, with their chairs.

    Meeting names repeat (a standing committee meets every month under one name), so, as
    people and documents are picked, the meetings whose whole name is the text (accent-
    insensitively) answer when the filters leave any; otherwise, or with `contains`, every
    meeting whose name contains the text does. `match` says which rule answered."""
    for exact in ([False] if contains else [True, False]):
        which = meeting_filter(province, since, until, text=meeting_text, exact=exact)
        rows, info = meeting_page(store, which, limit, offset, evidence)
        if info["total"]:
            break
    return {"query": meeting_text, "match": "exact" if exact else "contains", "meetings": rows, **info}


def meetings(store: Store, province: str | None = None, since: str | None = None,
             until: str | None = None, limit: int = 100, offset: int = 0) -> dict:
    """`kg meetings`: meetings in the store, newest first."""
    rows, info = meeting_page(store, meeting_filter(province, since, until), limit, offset)
    return {"meetings": rows, **info}
