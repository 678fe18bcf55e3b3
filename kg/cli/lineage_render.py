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


def _tree(result: dict) -> None:
    nodes = {n["id"]: n for n in result["nodes"]}
    tree = Tree(f"[bold]{_label(nodes[result['root']])}[/bold]")
    seen = {result["root"]}

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

    grow(tree, result["root"])
    out.print(tree)
    for cycle in result["cycles"]:
        out.print(f"[red]cycle:[/red] {' → '.join(cycle)}")


def _mermaid(result: dict) -> None:
    ids = {n["id"]: f"d{i}" for i, n in enumerate(result["nodes"])}
    lines = ["graph TD"] + [f'  {ids[n["id"]]}["{_label(n)}"]' for n in result["nodes"]]
    lines += [f"  {ids[e['from']]} -->|{e['rel']}| {ids[e['to']]}" for e in result["edges"]]
    typer.echo("\n".join(lines))


def _dot(result: dict) -> None:
    lines = ["digraph lineage {", "  rankdir=BT;"]
    lines += [f"  {json.dumps(n['id'])} [label={json.dumps(_label(n), ensure_ascii=False)}];" for n in result["nodes"]]
    lines += [f"  {json.dumps(e['from'])} -> {json.dumps(e['to'])} [label={json.dumps(e['rel'])}];"
              for e in result["edges"]]
    typer.echo("\n".join(lines + ["}"]))
