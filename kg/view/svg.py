"""A layered graph as SVG: rows of boxes top to bottom, edges between them, each node and edge
a link to its evidence on the same page."""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 210, 58, 24, 70, 20
PALETTE = ["#dbeafe", "#dcfce7", "#fef3c7", "#fce7f3", "#ede9fe", "#cffafe", "#fee2e2", "#e0e7ff", "#f5f5f4"]


@dataclass
class Box:
    key: str
    lines: list[str]  # first line bold (a number or name), then details such as dates
    group: str = ""  # boxes of one group share a colour (a province, a role)
    evidence: str | None = None  # anchor of its evidence on the page


@dataclass
class Link:
    src: str
    dst: str
    label: str
    evidence: str | None = None


@dataclass
class Layout:
    rows: list[list[Box]]
    links: list[Link] = field(default_factory=list)


def render(layout: Layout) -> str:
    width = MARGIN * 2 + max((len(r) for r in layout.rows), default=1) * (BOX_W + GAP_X)
    height = MARGIN * 2 + len(layout.rows) * (BOX_H + GAP_Y)
    where, colours = _positions(layout, width), colours_of(layout)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>']
    parts += [_link(link, where) for link in layout.links if link.src in where and link.dst in where]
    parts += [_box(box, where[box.key], colours[box.group]) for row in layout.rows for box in row]
    return "\n".join(parts + ["</svg>"])


def _positions(layout: Layout, width: int) -> dict[str, tuple[int, int]]:
    where = {}
    for r, row in enumerate(layout.rows):
        left = (width - len(row) * (BOX_W + GAP_X) + GAP_X) // 2
        for c, box in enumerate(row):
            where[box.key] = (left + c * (BOX_W + GAP_X), MARGIN + r * (BOX_H + GAP_Y))
    return where


def colours_of(layout: Layout) -> dict[str, str]:
    groups = sorted({box.group for row in layout.rows for box in row})
    return {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}


def _anchor(target: str | None, inner: str, css: str, title: str) -> str:
    body = f'<g class="{css}"><title>{escape(title)}</title>{inner}</g>'
    return f'<a href="#{escape(target)}">{body}</a>' if target else body


def _box(box: Box, at: tuple[int, int], colour: str) -> str:
    x, y = at
    weights = ['font-weight="bold"'] + [""] * 2
    text = "".join(f'<tspan x="{x + 8}" dy="{16 if i else 18}" {weights[i]}>{escape(_fit(line))}</tspan>'
                   for i, line in enumerate(box.lines[:3]))
    inner = (f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{colour}" stroke="#444"/>'
             f'<text x="{x + 8}" y="{y}" font-size="12">{text}</text>')
    return _anchor(box.evidence, inner, "node", " — ".join(box.lines))


def _link(link: Link, where: dict) -> str:
    (x1, y1), (x2, y2) = where[link.src], where[link.dst]
    start = (x1 + BOX_W // 2, y1 if y1 > y2 else y1 + BOX_H)
    end = (x2 + BOX_W // 2, y2 + BOX_H if y1 > y2 else y2)
    mid = ((start[0] + end[0]) // 2, (start[1] + end[1]) // 2)
    inner = (f'<line x1="{start[0]}" y1="{start[1]}" x2="{end[0]}" y2="{end[1]}" stroke="#555" '
             f'stroke-width="1.5" marker-end="url(#arrow)"/>'
             f'<text x="{mid[0] + 4}" y="{mid[1]}" font-size="11" fill="#333">{escape(link.label)}</text>')
    return _anchor(link.evidence, inner, "edge", link.label)


def _fit(line: str, room: int = 30) -> str:
    return line if len(line) <= room else line[:room - 1] + "…"
