"""Imports go one way between named layers (issue 14): read from the source with `ast`, so an
import made inside a function counts as much as one at the top of a module."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kg", "loaders", "queries")

# Layer → the modules in it (a name covers the module and everything under it). A module in a
# layer may import its own layer and the layers listed under `SEES`, nothing else.
LAYERS = {
    "core": ["kg.errors", "kg.text", "kg.sentences", "kg.types", "kg.model", "kg.facts", "kg.graph", "kg.mentions", "kg.vocab",
             "kg.gazetteer", "kg.identity", "kg.resolver", "kg.stores", "kg.rdf", "kg.export", "kg.push",
             "kg.evaluate"],
    "loaders": ["loaders"],
    "queries": ["queries"],
    "pipeline": ["kg.ingest", "kg.parallel", "kg.settle", "kg.budget", "kg.work"],
    "cli": ["kg.cli", "kg.view"],
}
SEES = {
    "core": set(),
    "loaders": {"core"},
    "queries": {"core"},  # queries read the store; they never extract
    "pipeline": {"core", "loaders"},
    "cli": {"core", "loaders", "queries", "pipeline"},
}
EXCEPTIONS: set[tuple[str, str]] = set()  # known crossings, each with the change that removes it
KNOWN_CYCLES: set[frozenset[str]] = set()  # known cycles, each with the change that removes it


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def imported(path: Path, known: set[str]) -> set[str]:
    """The project modules `path` imports, anywhere in it (`from a.b import c` is `a.b.c` when
    that is a module, else `a.b`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        found |= {n if n in known else n.rsplit(".", 1)[0] for n in names if n.split(".")[0] in PACKAGES}
    return {n for n in found if n in known}


def layer_of(module: str) -> str | None:
    best = max(((name, layer) for layer, names in LAYERS.items() for name in names
                if module == name or module.startswith(name + ".")), key=lambda x: len(x[0]), default=None)
    return best[1] if best else None


MODULES = modules()
GRAPH = {name: imported(path, set(MODULES)) for name, path in MODULES.items()}


def test_every_module_has_a_layer():
    unplaced = [m for m in GRAPH if m not in PACKAGES and layer_of(m) is None]
    assert not unplaced, f"add these modules to LAYERS: {unplaced}"


def test_imports_go_down_the_layers():
    wrong = []
    for module, targets in GRAPH.items():
        layer = layer_of(module)
        allowed = SEES.get(layer, set()) | {layer}
        wrong += [f"{module} ({layer}) → {target} ({layer_of(target)})" for target in sorted(targets)
                  if layer_of(target) not in allowed and (module, target) not in EXCEPTIONS]
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def unit(module: str) -> str:
    """What a cycle is checked between: a module directly in `kg/`, or a package as a whole
    (kg.stores, kg.rdf, …, loaders, queries), whose modules may lean on each other."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "kg" else parts[0]


def cycles() -> set[frozenset]:
    """Groups of units that reach each other through imports (strongly connected, size > 1)."""
    edges: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        edges.setdefault(unit(module), set()).update(unit(t) for t in targets if unit(t) != unit(module))
    reach = {u: _reachable(u, edges) for u in edges}
    return {frozenset(v for v in reach[u] if u in reach.get(v, ())) | {u} for u in edges if u in reach[u]}


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_no_two_units_import_each_other():
    found = cycles()
    assert found <= KNOWN_CYCLES, f"import cycles: {sorted(map(sorted, found - KNOWN_CYCLES))}"


def test_exceptions_still_exist():
    """A crossing fixed elsewhere must leave the list, so it cannot come back unnoticed."""
    assert all(target in GRAPH[module] for module, target in EXCEPTIONS)
    assert KNOWN_CYCLES <= cycles()


def test_the_checker_sees_an_import_inside_a_function(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from loaders.extract.documents import extract_numbered\n", encoding="utf-8")
    assert imported(source, set(MODULES)) == {"loaders.extract.documents"}
