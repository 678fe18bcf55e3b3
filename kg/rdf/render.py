"""Rendering subject blocks as N-Triples, Turtle or JSON-LD text, chunk by chunk."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from kg.rdf.mapping import T, prefixes
from kg.rdf.triples import Block

CHUNK = 2000  # blocks per write: large enough to amortise I/O, small enough to keep memory flat


class Compactor:
    """IRI terms in a known namespace as CURIEs (`<…/org#Post>` → `org:Post`); others unchanged."""

    def __init__(self, extra: dict[str, str] | None = None):
        self.prefixes = {**prefixes(), **(extra or {})}
        spaces = sorted(self.prefixes.items(), key=lambda kv: -len(kv[1]))
        alternatives = "|".join(f"(?P<p{i}>{re.escape(ns)})" for i, (_, ns) in enumerate(spaces))
        self._names = [name for name, _ in spaces]
        self._pattern = re.compile(rf"^<(?:{alternatives})([A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)>$")
        self._cache: dict[str, str] = {}

    def iri(self, t: str) -> str:
        hit = self._cache.get(t)
        if hit is not None:
            return hit
        match = self._pattern.match(t)
        if not match:
            return t
        index = next(i for i, g in enumerate(match.groups()[:-1]) if g is not None)
        self._cache[t] = curie = f"{self._names[index]}:{match.group(match.lastindex)}"
        return curie

    def term(self, t: str) -> str:
        if t[0] == "<":
            return self.iri(t)
        if t[-1] == ">":  # typed literal: compact the datatype
            body, _, datatype = t.rpartition("^^")
            return f"{body}^^{self.iri(datatype)}"
        return t

    def header(self) -> str:
        return "".join(f"@prefix {name}: <{ns}> .\n" for name, ns in sorted(self.prefixes.items())) + "\n"


def ntriples(block: Block) -> str:
    s, pos = block
    return "".join(f"{s} {p} {o} .\n" for p, o in pos)


def turtle(block: Block, c: Compactor, indent: str = "") -> str:
    s, pos = block
    if not pos:
        return ""
    lines = [("a" if p == T.TYPE else c.iri(p)) + " " + c.term(o) for p, o in pos]
    return f"{indent}{c.iri(s)} " + f" ;\n{indent}    ".join(lines) + " .\n"


def jsonld(block: Block, c: Compactor) -> str:
    s, pos = block
    node: dict = {"@id": s[1:-1]}
    for p, o in pos:
        if p == T.TYPE:
            node.setdefault("@type", []).append(c.iri(o).strip("<>"))
        else:
            node.setdefault(c.iri(p).strip("<>"), []).append(_jsonld_value(o, c))
    return json.dumps(node, ensure_ascii=False)


def _jsonld_value(o: str, c: Compactor) -> dict:
    if o[0] == "<":
        return {"@id": o[1:-1]}
    close = o.rindex('"')
    value: dict = {"@value": json.loads(o[:close + 1])}  # N-Triples escapes are JSON escapes
    rest = o[close + 1:]
    if rest.startswith("@"):
        value["@language"] = rest[1:]
    elif rest:
        value["@type"] = c.iri(rest[2:]).strip("<>")
    return value


def chunks(blocks: Iterable[Block], render) -> Iterator[tuple[str, int]]:
    """(text, triples) per CHUNK blocks."""
    parts, count = [], 0
    for block in blocks:
        parts.append(render(block))
        count += len(block[1])
        if len(parts) >= CHUNK:
            yield "".join(parts), count
            parts, count = [], 0
    if parts:
        yield "".join(parts), count
