"""Which provinces implement a central document, and which show nothing yet."""
from __future__ import annotations

from kg.gazetteer import provinces
from kg.stores.base import Store
from queries.documents import lineage


def coverage(store: Store, number: str, depth: int = 6) -> dict:
    """`kg coverage`: every document below `number` in its lineage, grouped by the province
    that issued it (as the province is now, after the 2025 reorganisation, old names noted),
    and the provinces where no such document was found."""
    tree = lineage(store, number, "down", depth, fanout=0, limit=0)
    now = {p.name: p.current for p in provinces()}
    by_province: dict[str, list[dict]] = {}
    for doc in tree["nodes"]:
        if doc["id"] != tree["root"] and doc.get("province") in now:
            by_province.setdefault(now[doc["province"]], []).append(doc)
    rows = [{"province": name, "count": len(by_province.get(name, [])),
             "documents": sorted(by_province.get(name, []), key=lambda d: (d["date"] or "", d["number"]))}
            for name in sorted({p.current for p in provinces()})]
    covered = [r for r in rows if r["count"]]
    root = next(n for n in tree["nodes"] if n["id"] == tree["root"])
    return {"document": root, "provinces": sorted(covered, key=lambda r: -r["count"]),
            "none_found": [r["province"] for r in rows if not r["count"]],
            "total": len(covered)}
