"""Lineage as a Rich tree, JSON, Mermaid or Graphviz dot (for pasting into reports)."""
from __future__ import annotations

import json

import typer
from rich.tree import Tree

from kg.cli.common import out, print_json


def render(result: dict, fmt: str) -> None:
    renderers = {"json": print_json, "tree": _tree, "mermaid": _mermaid, "dot": _dot}
    if fmt not in renderers:
        raise typer.BadParameter(f"unknown format {fmt!r} (tree, json, mermaid, dot)", param_hint="--format")
    renderers[fmt](result)


def _label(node: dict) -> str:
    bits = [node.get("type"), node.get("issuer"), node.get("date"), node.get("province")]
    return f"{node['number']} ({', '.join(b for b in bits if b)})"


def _more(result: dict) -> dict[tuple[str, str], int]:
    """(document id, "down" | "up") → how many neighbours the walk left out there."""
    return {(m["id"], m["direction"]): m["count"] for m in result.get("more", [])}


def _tree(result: dict) -> None:
    nodes = {n["id"]: n for n in result["nodes"]}
    tree = Tree(f"[bold]{_label(nodes[result['root']])}[/bold]")
    seen, more = {result["root"]}, _more(result)

    def grow(branch: Tree, node_id: str) -> None:
        for edge in result["edges"]:
            if edge["to"] == node_id and result["direction"] != "up":
                child, arrow = edge["from"], f"{edge['rel']} ←"
            elif edge["from"] == node_id and result["direction"] != "down":
                child, arrow = edge["to"], f"→ {edge['rel']}"
            else:
                continue
            label = f"{arrow} {_label(nodes[child])}  [dim]{', '.join(edge['sources'])}[/dim]"
            if child in seen:
                branch.add(label + " [red](seen above)[/red]")
                continue
            seen.add(child)
            grow(branch.add(label), child)
        for direction in ("down", "up"):
            if more.get((node_id, direction)):
                branch.add(f"[yellow]… {more[node_id, direction]} more {direction}[/yellow]")

    grow(tree, result["root"])
    out.print(tree)
    if result.get("truncated"):
        out.print(f"[yellow]Cut at {result['fanout']} per document and {result['limit']} in all: "
                  f"--fanout 0 --limit 0 lists everything.[/yellow]")
    for cycle in result["cycles"]:
        out.print(f"[red]cycle:[/red] {' → '.join(cycle)}")


def _mermaid(result: dict) -> None:
    ids = {n["id"]: f"d{i}" for i, n in enumerate(result["nodes"])}
    lines = ["graph TD"] + [f'  {ids[n["id"]]}["{_label(n)}"]' for n in result["nodes"]]
    lines += [f"  {ids[e['from']]} -->|{e['rel']}| {ids[e['to']]}" for e in result["edges"]]
    for i, ((node_id, direction), count) in enumerate(_more(result).items()):
        lines += [f'  more{i}["… {count} more {direction}"]', f"  {ids[node_id]} -.- more{i}"]
    typer.echo("\n".join(lines))


def _dot(result: dict) -> None:
    lines = ["digraph lineage {", "  rankdir=BT;"]
    lines += [f"  {json.dumps(n['id'])} [label={json.dumps(_label(n), ensure_ascii=False)}];" for n in result["nodes"]]
    lines += [f"  {json.dumps(e['from'])} -> {json.dumps(e['to'])} [label={json.dumps(e['rel'])}];"
              for e in result["edges"]]
    for i, ((node_id, direction), count) in enumerate(_more(result).items()):
        lines += [f'  "more{i}" [label="… {count} more {direction}", shape=plaintext];',
                  f'  "more{i}" -> {json.dumps(node_id)} [style=dashed, arrowhead=none];']
    typer.echo("\n".join(lines + ["}"]))
