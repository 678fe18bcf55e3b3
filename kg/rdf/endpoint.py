"""`kg serve --sparql`: the persistent store over the SPARQL 1.1 Protocol, on 127.0.0.1 only.

GET `?query=` and POST (`application/sparql-query`, or a form with `query=`) on `/sparql`;
results negotiated from `Accept`: SPARQL JSON (default), XML, CSV or TSV for SELECT and ASK,
Turtle (default) or N-Triples for CONSTRUCT and DESCRIBE. Read-only: SPARQL Update (an
`update=` form, `application/sparql-update`) is refused with 403, and so are SERVICE and LOAD
(kg is offline); a query past the time limit gets 503 with one line saying so.
"""
from __future__ import annotations

from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from kg.errors import KgError
from kg.rdf.offline import OfflineError, QueryTimeout, check_query, run_with_timeout
from kg.rdf.sparql import raw_query

HOST = "127.0.0.1"
PATHS = ("/sparql", "/")
MAX_BODY = 1 << 20  # a query larger than 1 MiB is refused rather than read
RESULTS = {"application/sparql-results+json": "JSON", "application/json": "JSON",
           "application/sparql-results+xml": "XML", "application/xml": "XML", "text/xml": "XML",
           "text/csv": "CSV", "text/tab-separated-values": "TSV"}
GRAPHS = {"text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES", "text/plain": "N_TRIPLES"}
CONTENT_TYPE = {"JSON": "application/sparql-results+json", "XML": "application/sparql-results+xml",
                "CSV": "text/csv", "TSV": "text/tab-separated-values", "TURTLE": "text/turtle",
                "N_TRIPLES": "application/n-triples"}


class Refused(KgError):
    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


def negotiate(accept: str | None, table: dict[str, str], default: str) -> str:
    """The format of the first acceptable media type (by q, then order), else the default."""
    ranked = []
    for i, part in enumerate((accept or "").split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = next((float(p[2:]) for p in params if p.startswith("q=") and _number(p[2:])), 1.0)
        ranked.append((-q, i, media.lower()))
    for q, _, media in sorted(ranked):
        if q < 0 and media in table:
            return table[media]
    return default


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def answer(db, query: str, accept: str | None, timeout: float | None, allow_federated: bool = False) -> tuple[str, bytes]:
    """(content type, body) for one query, or Refused."""
    try:
        check_query(query, allow_federated)
    except OfflineError as exc:
        raise Refused(HTTPStatus.FORBIDDEN, str(exc)) from exc

    def run():
        import pyoxigraph as ox
        result = raw_query(db, query)
        if isinstance(result, ox.QueryTriples):
            fmt = negotiate(accept, GRAPHS, "TURTLE")
            return fmt, result.serialize(format=getattr(ox.RdfFormat, fmt))
        fmt = negotiate(accept, RESULTS, "JSON")
        return fmt, result.serialize(format=getattr(ox.QueryResultsFormat, fmt))
    try:
        fmt, body = run_with_timeout(run, timeout)
    except QueryTimeout as exc:
        raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, str(exc)) from exc
    except KgError as exc:
        raise Refused(HTTPStatus.BAD_REQUEST, str(exc)) from exc
    return CONTENT_TYPE[fmt], body


def make_server(db, port: int = 0, timeout: float | None = 30.0, allow_federated: bool = False) -> ThreadingHTTPServer:
    """A server bound to 127.0.0.1 (port 0: any free port); `serve_forever()` runs it."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-sparql"

        def do_GET(self):
            url = urlsplit(self.path)
            self._handle(url.path, parse_qs(url.query))

        def do_POST(self):
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self._fail(Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query larger than 1 MiB"))
            body = self.rfile.read(length).decode("utf-8", "replace")
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if kind == "application/sparql-query":
                return self._handle(url.path, {"query": [body]})
            if kind == "application/sparql-update":
                return self._handle(url.path, {"update": [body]})
            self._handle(url.path, {**parse_qs(url.query), **parse_qs(body)})

        def _handle(self, path: str, params: dict):
            try:
                if path not in PATHS:
                    raise Refused(HTTPStatus.NOT_FOUND, f"no endpoint at {path} (use /sparql)")
                if "update" in params:
                    raise Refused(HTTPStatus.FORBIDDEN, "SPARQL Update refused: this endpoint is read-only")
                if len(params.get("query", [])) != 1:
                    raise Refused(HTTPStatus.BAD_REQUEST, "give exactly one query parameter")
                kind, body = answer(db, params["query"][0], self.headers.get("Accept"), timeout, allow_federated)
            except Refused as exc:
                return self._fail(exc)
            self._send(HTTPStatus.OK, kind, body)

        def _fail(self, exc: Refused):
            self._send(exc.status, "text/plain; charset=utf-8", (str(exc) + "\n").encode("utf-8"))

        def _send(self, status, kind: str, body: bytes):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # nothing below the CLI prints
            pass

    server = ThreadingHTTPServer((HOST, port), Handler)
    server.daemon_threads = True
    return server
