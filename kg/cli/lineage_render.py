"""Lineage as a Rich tree, JSON, Mermaid or Graphviz dot (for pasting into reports).

Every picture has the same orientation: what a document rests on above it, what implements
it below (Mermaid `graph BT` and dot `rankdir=BT`, edges pointing from the implementing
document up to the one it implements)."""
from __future__ import annotations

import json

import typer
from rich.text import Text
from rich.tree import Tree

from kg.cli.common import cell, clean, out, print_json, styled
from kg.cli.output import emit, show_evidence
from queries.dates import readable


def render(result: dict, fmt: str) -> None:
    if fmt in EDGE_ROWS:  # one edge a row, for scripts and spreadsheets
        return emit(result, _edge_rows(result), ["from_number", "rel", "to_number", "from", "to", "sources"], fmt,
                    title="", empty="")
    RENDERERS[fmt](result)


def _edge_rows(result: dict) -> list[dict]:
    numbers = {n["id"]: n["number"] for n in result["nodes"]}
    return [{**e, "from_number": numbers[e["from"]], "to_number": numbers[e["to"]]} for e in result["edges"]]


def _label(node: dict) -> str:
    bits = [node.get("type"), node.get("issuer"), readable(node.get("date")), node.get("province")]
    via = " — links a match to the root" if node.get("via") else ""
    details = ", ".join(b for b in bits if b)
    return clean(cell(f"{node['number']} ({details}){via}"))


def _more(result: dict) -> dict[tuple[str, str], int]:
    """(document id, "down" | "up") → how many neighbours the walk left out there."""
    return {(m["id"], m["direction"]): m["count"] for m in result.get("more", [])}


def _descendants(result: dict) -> Tree | None:
    """What implements the root, as a tree below it, each document once: a document reached
    again is named, not repeated."""
    nodes, more = {n["id"]: n for n in result["nodes"]}, _more(result)
    tree, seen = Tree(styled("what implements it (below)", "italic")), {result["root"]}

    def grow(branch: Tree, node_id: str) -> None:
        for edge in (e for e in result["edges"] if e["to"] == node_id):
            child, arrow = edge["from"], f"{edge['rel']} ←"
            if child in seen:
                branch.add(Text(f"{arrow} {nodes[child]['number']} (listed above)", "dim"))
                continue
            seen.add(child)
            label = Text(f"{arrow} {_label(nodes[child])}  ").append(clean(", ".join(edge["sources"])), "dim")
            grow(branch.add(label), child)
        if more.get((node_id, "down")):
            branch.add(styled(f"… {more[node_id, 'down']} more down", "yellow"))

    grow(tree, result["root"])
    return tree if tree.children else None


def _ancestors(result: dict) -> Text | None:
    """What the root rests on, farthest first, so that reading down the page leads to the
    root: each document once (at its nearest distance), with what rests on it."""
    level, frontier = {result["root"]: 0}, [result["root"]]
    while frontier:
        step = []
        for edge in (e for e in result["edges"] if e["from"] in frontier and e["to"] not in level):
            level[edge["to"]] = level[edge["from"]] - 1
            step.append(edge["to"])
        frontier = step
    above = sorted((n for n in level if level[n] < 0), key=lambda n: (level[n], n))
    if not above:
        return None
    nodes, more = {n["id"]: n for n in result["nodes"]}, _more(result)
    lines = Text("what it rests on (above, farthest first)\n", "italic")
    for node_id in above:
        resting = [f"{nodes[e['from']]['number']} {e['rel'].replace('_', ' ')} it" for e in result["edges"]
                   if e["to"] == node_id and e["from"] in level]
        lines.append(f"{_label(nodes[node_id])}\n")
        lines.append(f"  ↓ {'; '.join(resting)}\n", "dim")
        if more.get((node_id, "up")):
            lines.append(f"  … {more[node_id, 'up']} more up\n", "yellow")
    lines.rstrip()
    return lines


def _tree(result: dict) -> None:
    root = next(n for n in result["nodes"] if n["id"] == result["root"])
    up = _ancestors(result) if result["direction"] != "down" else None
    down = _descendants(result) if result["direction"] != "up" else None
    if up:
        out.print(up)
    out.print(styled(_label(root), "bold"))
    if down:
        out.print(down)
    if not (up or down):
        out.print(f"no {'documents' if result['direction'] == 'both' else result['direction'] + 'ward documents'} "
                  f"found{' that match the filters' if any((result.get('filters') or {}).values()) else ''}")
    if result.get("truncated"):
        out.print(styled(f"Cut at {result['fanout']} per document and {result['limit']} in all: "
                         f"--fanout 0 --limit 0 lists everything.", "yellow"))
    for cycle in result["cycles"]:
        out.print(Text("cycle: ", "red").append(clean(" → ".join(cycle))))
    for edge in result["edges"] if result["edges"] and "evidence" in result["edges"][0] else []:
        nodes = {n["id"]: n["number"] for n in result["nodes"]}
        show_evidence(f"{nodes[edge['from']]} {edge['rel']} {nodes[edge['to']]}", edge["evidence"])


def _mermaid(result: dict) -> None:
    ids = {n["id"]: f"d{i}" for i, n in enumerate(result["nodes"])}
    lines = ["graph BT"] + [f'  {ids[n["id"]]}["{_mermaid_text(_label(n))}"]' for n in result["nodes"]]
    lines += [f"  {ids[e['from']]} -->|{e['rel']}| {ids[e['to']]}" for e in result["edges"]]
    for i, ((node_id, direction), count) in enumerate(_more(result).items()):
        lines += [f'  more{i}["… {count} more {direction}"]', f"  {ids[node_id]} -.- more{i}"]
    typer.echo("\n".join(lines))


def _mermaid_text(text: str) -> str:
    """Mermaid labels cannot hold a raw double quote; its entity code can."""
    return text.replace('"', "#quot;")


def _dot(result: dict) -> None:
    lines = ["digraph lineage {", "  rankdir=BT;"]
    lines += [f"  {json.dumps(n['id'])} [label={json.dumps(_label(n), ensure_ascii=False)}];" for n in result["nodes"]]
    lines += [f"  {json.dumps(e['from'])} -> {json.dumps(e['to'])} [label={json.dumps(e['rel'])}];"
              for e in result["edges"]]
    for i, ((node_id, direction), count) in enumerate(_more(result).items()):
        lines += [f'  "more{i}" [label="… {count} more {direction}", shape=plaintext];',
                  f'  "more{i}" -> {json.dumps(node_id)} [style=dashed, arrowhead=none];']
    typer.echo("\n".join(lines + ["}"]))


RENDERERS = {"tree": _tree, "json": print_json, "mermaid": _mermaid, "dot": _dot}
EDGE_ROWS = ("jsonl", "csv", "tsv")
FORMATS = (*RENDERERS, *EDGE_ROWS)  # the lineage's --format choices
