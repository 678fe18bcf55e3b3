"""The three pages `kg view` writes: a lineage, a person's neighbourhood, a document. Each is
laid out as rows (what rests above, the subject, what hangs below) with an evidence list."""
from __future__ import annotations

from html import escape

from queries.dates import readable
from kg.view.svg import Box, Layout, Link, colours_of, render

STYLE = """body{font-family:system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}
svg a:hover rect{stroke-width:3}.ev{margin:6px 0 14px;padding:6px 10px;border-left:3px solid #999}
.ev:target{background:#fff7d6;border-color:#d97706}.where{color:#555;font-size:13px}mark{background:#fde68a}
.legend span{display:inline-block;padding:2px 8px;margin:2px;border-radius:4px}"""


class Evidence:
    """The page's evidence list: each node or edge gets an anchor and its quoted sources."""

    def __init__(self):
        self.items: list[tuple[str, str, list[dict]]] = []

    def add(self, fact: str, sources: list[dict]) -> str:
        anchor = f"ev-{len(self.items) + 1}"
        self.items.append((anchor, fact, sources))
        return anchor

    def html(self) -> str:
        return "\n".join(f'<div class="ev" id="{a}"><b>{escape(fact)}</b>{"".join(_quote(s) for s in sources)}</div>'
                         for a, fact, sources in self.items)


def _quote(source: dict) -> str:
    sentence, span = source.get("sentence") or "", source.get("span")
    if span:
        quoted = f"{escape(sentence[:span[0]])}<mark>{escape(sentence[span[0]:span[1]])}</mark>{escape(sentence[span[1]:])}"
    else:
        quoted = escape(sentence)
    where = " · ".join(escape(str(v)) for v in (source.get("article"), source.get("outlet"), source.get("published")) if v)
    url = source.get("url")
    link = f' · <a href="{escape(url)}" rel="noreferrer">{escape(url)}</a>' if url else ""
    return f'<div class="where">{where}{link}</div><blockquote class="quote">{quoted}</blockquote>'


def page(title: str, layout: Layout, evidence: Evidence) -> str:
    keys = "".join(f'<span style="background:{colour}">{escape(group)}</span>'
                   for group, colour in colours_of(layout).items() if group)
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">'
            f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1><div class=\"legend\">{keys}</div>"
            f"{render(layout)}<h2>Evidence</h2>{evidence.html()}</body></html>\n")


def _doc_box(doc: dict, evidence: str | None = None) -> Box:
    return Box(doc["id"], [doc["number"], ", ".join(b for b in (doc.get("type"), readable(doc.get("date"))) if b),
                           doc.get("province") or ""], doc.get("province") or "", evidence)


def lineage_page(result: dict) -> str:
    """Rows by distance from the root: what it rests on above, what implements it below."""
    level = _levels(result)
    rows: dict[int, list[Box]] = {}
    evidence = Evidence()
    nodes = {n["id"]: n for n in result["nodes"]}
    for node_id, depth in sorted(level.items(), key=lambda kv: (kv[1], nodes[kv[0]].get("province") or "",
                                                                nodes[kv[0]].get("date") or "")):
        rows.setdefault(depth, []).append(_doc_box(nodes[node_id]))
    links = []
    for edge in result["edges"]:
        fact = f"{nodes[edge['from']]['number']} {edge['rel']} {nodes[edge['to']]['number']}"
        links.append(Link(edge["from"], edge["to"], edge["rel"], evidence.add(fact, edge.get("evidence", []))))
    for box in (b for row in rows.values() for b in row):
        box.evidence = next((lk.evidence for lk in links if box.key in (lk.src, lk.dst)), None)
    root = nodes[result["root"]]
    return page(f"Lineage of {root['number']} ({root['id']})", Layout([rows[k] for k in sorted(rows)], links),
                evidence)


def _levels(result: dict) -> dict[str, int]:
    """Root 0; what it rests on -1, -2 …; what implements it 1, 2 …. A document is placed one
    row beyond the farthest of its neighbours on the root's side (longest path), so that no
    edge runs along a row; a cycle stops moving after as many rounds as there are documents."""
    level = _first_reach(result)
    for _ in range(len(level)):
        moved = False
        for edge in result["edges"]:
            src, dst = edge["from"], edge["to"]
            if src in level and dst in level and level[dst] >= 0 and 0 < level[src] <= level[dst]:
                level[src], moved = level[dst] + 1, True
            if src in level and dst in level and level[src] <= 0 and level[src] <= level[dst] < 0:
                level[dst], moved = level[src] - 1, True
        if not moved:
            break
    return level


def _first_reach(result: dict) -> dict[str, int]:
    level, frontier = {result["root"]: 0}, [result["root"]]
    while frontier:
        step = []
        for node in frontier:
            for edge in result["edges"]:
                if edge["to"] == node and edge["from"] not in level and level[node] >= 0:
                    level[edge["from"]] = level[node] + 1
                    step.append(edge["from"])
                if edge["from"] == node and edge["to"] not in level and level[node] <= 0:
                    level[edge["to"]] = level[node] - 1
                    step.append(edge["to"])
        frontier = step
    return level


def person_page(profile: dict) -> str:
    """Posts over time above the person, the meetings they took part in below (by role)."""
    person, evidence, links = profile["person"], Evidence(), []
    posts = []
    for post in profile["posts"]:
        anchor = evidence.add(f"{person['name']}: {post['post']} ({post['first']} – {post['last']})",
                              post.get("evidence", []))
        posts.append(Box(post["post_id"], [post["post"], f"{post['first']} – {post['last']}",
                                           f"{post['attestations']} attestations"], "post", anchor))
        links.append(Link(person["id"], post["post_id"], "holds", anchor))
    meetings = []
    for role, rows in profile["meetings"].items():
        for m in rows:
            sources = [e for e in m.get("chair_evidence", []) if e["chair"] == person["name"]] or \
                [{**s, "sentence": s.get("title")} for s in m["sources"]]
            anchor = evidence.add(f"{person['name']} {role} {m['name']} ({m['date'] or 'undated'})", sources)
            meetings.append(Box(f"{role}:{m['id']}", [m["name"], readable(m["date"]) or "undated", role], role, anchor))
            links.append(Link(f"{role}:{m['id']}", person["id"], role, anchor))
    me = Box(person["id"], [person["name"], person["province"] or "", person["id"]], "person")
    return page(f"{person['name']} ({person['id']})", Layout([r for r in (posts, [me], meetings) if r], links),
                evidence)


def doc_page(doc: dict) -> str:
    """The documents it rests on above it; below, those implementing it and the meetings acting on it."""
    evidence, links, above, below = Evidence(), [], [], []
    for rel in doc["relations"]:
        other = rel["document"]
        anchor = evidence.add(f"{doc['number']} {rel['direction']} {rel['rel']} {other['number']}", [rel["evidence"]])
        if rel["direction"] == "out":
            above.append(_doc_box(other, anchor))
            links.append(Link(doc["id"], other["id"], rel["rel"], anchor))
        else:
            below.append(_doc_box(other, anchor))
            links.append(Link(other["id"], doc["id"], rel["rel"], anchor))
    for act in doc["acted_on_by"]:
        anchor = evidence.add(f"{act['meeting']} {act['action'] or 'acts on'} {doc['number']}", [act["evidence"]])
        below.append(Box(act["meeting_id"], [act["meeting"], readable(act["date"]) or "undated", act["action"] or ""],
                         "meeting", anchor))
        links.append(Link(act["meeting_id"], doc["id"], act["action"] or "acts on", anchor))
    cited = evidence.add(f"{doc['number']} cited by {doc['cited_total']} articles", doc.get("evidence", []))
    me = _doc_box(doc, cited)
    return page(f"{doc['number']} ({doc['id']})", Layout([r for r in (above, [me], below) if r], links), evidence)
