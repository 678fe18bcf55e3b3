"""kg is offline: what a SPARQL query or a JSON-LD file may make it fetch, and for how long a
query may run.

pyoxigraph evaluates `SERVICE <http://…>` by sending the request itself (and `SERVICE SILENT`
hides a failure), and rdflib's JSON-LD parser fetches a remote `@context` or `@import` and
reads `file:///` contexts from disk. Both are refused unless the user passes an explicit flag.
"""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path

from kg.errors import KgError

DEFAULT_TIMEOUT = 30.0  # seconds a query may run (`--timeout`, `KG_SPARQL_TIMEOUT`)
# Strings, IRIs and comments hide keywords; they are blanked before looking for one. An IRI
# `<…>` has no space; `<` followed by a space or `=` is a comparison.
_NOT_CODE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                       r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
# A keyword, not part of a prefixed name (`ex:load`), a variable (`?service`) or a longer word.
_KEYWORD = re.compile(r"(?<![\w:?$.-])(SERVICE|LOAD)(?![\w:.-])", re.IGNORECASE)


class OfflineError(KgError):
    """A query or file would make kg reach outside the machine."""


class QueryTimeout(KgError):
    """A SPARQL query ran past its time limit."""


def outbound_keyword(query: str) -> str | None:
    """`SERVICE` or `LOAD` when the query uses one as a keyword, else None."""
    found = _KEYWORD.search(_NOT_CODE.sub(" ", query))
    return found.group(1).upper() if found else None


def check_query(query: str, allow_federated: bool = False) -> None:
    keyword = outbound_keyword(query)
    if keyword and not allow_federated:
        raise OfflineError(f"SPARQL: {keyword} would reach outside the machine; kg is offline "
                           "(pass --allow-federated to allow it)")


def run_with_timeout(work, timeout: float | None):
    """`work()` in a thread, waited for at most `timeout` seconds (pyoxigraph releases the GIL
    while evaluating, and offers no cancellation: a query past its time is abandoned)."""
    if not timeout or timeout <= 0:
        return work()
    box: dict = {}

    def run():
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc
    thread = threading.Thread(target=run, name="kg-sparql", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryTimeout(f"SPARQL: query ran past the {timeout:g} s timeout (--timeout to change it)")
    if "error" in box:
        raise box["error"]
    return box["value"]


def remote_contexts(document) -> list[str]:
    """Every `@context` or `@import` in a JSON-LD document that names another document."""
    found, stack = [], [document]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key in ("@context", "@import"):
                    found.extend(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
                stack.append(value)
    return found


def check_jsonld(path: Path, allow_remote: bool = False) -> None:
    """Refuse a JSON-LD file whose contexts name other documents (http, https, file, relative)."""
    if allow_remote:
        return
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise OfflineError(f"{path}: not valid JSON-LD: {str(exc).splitlines()[0]}") from exc
    names = remote_contexts(document)
    if names:
        raise OfflineError(f"{path}: context {names[0]!r} is another document; kg does not fetch or read it "
                           "(pass --allow-remote-context to allow it)")
