"""Rendering subject blocks as N-Triples or Turtle text, chunk by chunk (JSON-LD: kg.rdf.jsonld)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kg.rdf.mapping import T, prefixes
from kg.rdf.triples import Block

CHUNK = 1 << 18  # characters per write: amortises I/O, and memory stays flat however big a block
_CACHED = 4096  # compacted IRIs remembered
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*\Z")  # a local name a CURIE can carry as is


class Compactor:
    """IRI terms in a known namespace as CURIEs (`<…/org#Post>` → `org:Post`); others unchanged."""

    def __init__(self, extra: dict[str, str] | None = None):
        self.prefixes = {**prefixes(), **(extra or {})}
        spaces = sorted(self.prefixes.items(), key=lambda kv: -len(kv[1]))
        self._spaces: dict[str, str] = {}
        for name, ns in spaces:
            self._spaces.setdefault(ns, name)
        # A local name holds no `/` or `#`, so a namespace ending in one is found by a dict
        # lookup; any other namespace needs the (slower) longest-prefix match.
        self._odd = [(ns, name) for name, ns in spaces if not ns.endswith(("/", "#"))]
        self._cache: dict[str, str] = {}

    def iri(self, t: str) -> str:
        hit = self._cache.get(t)
        if hit is not None:
            return hit
        cut = max(t.rfind("/"), t.rfind("#")) + 1
        name = self._spaces.get(t[1:cut])
        local = t[cut:-1]
        if name is None or not _LOCAL.match(local):
            if not self._odd:
                return t
            name, local = next(((n, t[len(ns) + 1:-1]) for ns, n in self._odd if t.startswith(ns, 1)), (None, ""))
            if name is None or not _LOCAL.match(local):
                return t
        curie = f"{name}:{local}"
        if len(self._cache) < _CACHED:  # vocabulary terms; node IRIs too if --base-iri is a prefix's
            self._cache[t] = curie
        return curie

    def term(self, t: str) -> str:
        if t[0] == "<":
            return self.iri(t)
        if t[-1] == ">":  # typed literal: compact the datatype
            cut = t.rindex("^^")
            return t[:cut + 2] + self.iri(t[cut + 2:])
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
    iri, term, a = c.iri, c.term, T.TYPE
    lines = [("a" if p == a else iri(p)) + " " + term(o) for p, o in pos]
    return f"{indent}{iri(s)} " + f" ;\n{indent}    ".join(lines) + " .\n"


def chunks(blocks: Iterable[Block], render) -> Iterator[tuple[str, int]]:
    """(text, triples) of about CHUNK characters each."""
    parts, count, size = [], 0, 0
    for block in blocks:
        text = render(block)
        parts.append(text)
        count += len(block[1])
        size += len(text)
        if size >= CHUNK:
            yield "".join(parts), count
            parts, count, size = [], 0, 0
    if parts:
        yield "".join(parts), count
