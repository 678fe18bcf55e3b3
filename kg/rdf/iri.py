"""Stable IRIs minted from node ids, and N-Triples term syntax shared by every RDF writer.

An IRI depends only on the node id and the base, so the same entity gets the same IRI in
every export and run. Ids are `type:rest`; `name@scope` becomes `scope/name` (a path reads
from wide to narrow) and `a:b` becomes `a/b`; each segment is percent-escaped, so a `/` or
any unsafe character inside an id can never fake a path step.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from urllib.parse import quote

from kg.errors import KgError

XSD = "http://www.w3.org/2001/XMLSchema#"
_UNSAFE_BASE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# N-Triples string escapes; each is also a JSON escape, which the JSON-LD writer relies on.
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
            **{c: f"\\u{c:04X}" for c in range(0x20) if c not in (9, 10, 13)}, 0x7F: "\\u007F"}
_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_MONTH_DAY = re.compile(r"^--(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")  # a day whose year is unknown


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


def date_literal(value: str) -> str:
    """Full ISO dates are xsd:date; `YYYY-MM` gYearMonth; `YYYY` gYear; `--MM-DD` (no year
    known) gMonthDay; anything else stays a plain literal rather than an ill-typed date."""
    value = str(value)
    if _YEAR.match(value):
        return literal(value, XSD + "gYear")
    if _YEAR_MONTH.match(value):
        return literal(value, XSD + "gYearMonth")
    if _MONTH_DAY.match(value):
        return literal(value, XSD + "gMonthDay")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return literal(value)
    return literal(value, XSD + "date") if len(value) == 10 else literal(value)


def typed_literal(value, kind: str) -> str:
    """A property value as its schema type says (`string`, `date`, `integer`, `boolean`)."""
    if kind == "date":
        return date_literal(value)
    if kind == "boolean":
        return literal("true" if value in (True, "true", 1) else "false", XSD + "boolean")
    if kind == "integer" and not isinstance(value, bool):
        try:
            return literal(str(int(value)), XSD + "integer")
        except (TypeError, ValueError):
            pass  # not a number: kept as text, so SHACL reports it instead of the export failing
    return literal(str(value))
