"""Stable IRIs minted from node ids, and N-Triples term syntax shared by every RDF writer.

An IRI depends only on the node id and the base, so the same entity gets the same IRI in
every export and run. Ids are `type:rest`; `name@scope` becomes `scope/name` (a path reads
from wide to narrow) and `a:b` becomes `a/b`; each segment is percent-escaped, so a `/` or
any unsafe character inside an id can never fake a path step.
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from kg import types
from kg.errors import KgError

XSD = types.XSD
_UNSAFE_BASE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# N-Triples string escapes; each is also a JSON escape, which the JSON-LD writer relies on.
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
            **{c: f"\\u{c:04X}" for c in range(0x20) if c not in (9, 10, 13)}, 0x7F: "\\u007F"}


class IriError(KgError):
    """The base IRI given by the user cannot prefix an IRI."""


def check_base(base: str) -> str:
    """An absolute IRI without a fragment, ending in `/` (added when missing). Minted IRIs put
    the resources under a node after `#` (`…/person/x#holds-…`), so the base cannot have one."""
    if not _SCHEME.match(base) or _UNSAFE_BASE.search(base):
        raise IriError(f"--base-iri must be an absolute IRI without spaces or <>\"{{}}|^`\\: {base!r}")
    if "#" in base:
        raise IriError(f"--base-iri must not contain '#' (kg mints fragments under node IRIs): {base!r}")
    return base if base.endswith("/") else base + "/"


_SAFE = re.compile(r"^[A-Za-z0-9._~-]*$")


def _segment(text: str) -> str:
    return text if _SAFE.match(text) else quote(text, safe="-._~")


# Bounded caches: the hubs edges point at (provinces, posts, people) stay hot, while the long
# tail (one meeting, article or document each) passes through without memory growing with
# the store (200k entries each once cost ~150 MB on a 100k-article store).
_CACHED = 1 << 13


@lru_cache(maxsize=_CACHED)
def node_path(node_id: str) -> str:
    """`person:nghiem-xuan-thanh@hau-giang` → `person/hau-giang/nghiem-xuan-thanh`."""
    kind, sep, rest = node_id.partition(":")
    if not sep:
        return "node/" + _segment(node_id)
    if "@" in rest and ":" not in rest:
        name, _, scope = rest.rpartition("@")
        parts = [scope, name]
    else:
        parts = rest.split(":")
    return "/".join(_segment(p) for p in [kind, *parts])


def node_iri(base: str, node_id: str) -> str:
    return base + node_path(node_id)


@lru_cache(maxsize=_CACHED)
def node_term(base: str, node_id: str) -> str:
    """`<{base}{path}>`; cached because edges name the same few nodes over and over."""
    return f"<{base}{node_path(node_id)}>"


def segment(text: str) -> str:
    return _segment(text)


# -- N-Triples terms (also valid Turtle and TriG) -------------------------------------------
def iri(value: str) -> str:
    return f"<{value}>"


def literal(text: str, datatype: str | None = None, lang: str | None = None) -> str:
    body = '"' + text.translate(_ESCAPES) + '"'
    if lang:
        return f"{body}@{lang}"
    return f"{body}^^<{datatype}>" if datatype and datatype != XSD + "string" else body


def date_literal(value) -> str:
    """Full ISO dates are xsd:date; `YYYY-MM` gYearMonth; `YYYY` gYear; `--MM-DD` (no year
    known) gMonthDay; anything else stays a plain literal rather than an ill-typed date."""
    return typed_literal(value, "date")


def typed_literal(value, kind: str) -> str:
    """A property value as its schema type says (`kg.types`: string, date, integer, boolean)."""
    return literal(*types.get(kind).rdf(value))
