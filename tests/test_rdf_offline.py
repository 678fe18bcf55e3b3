"""kg is offline (issue 12, item 4): SERVICE, LOAD and remote or file JSON-LD contexts are
refused unless a flag allows them, and every query has a time limit. A listener on
127.0.0.1 records any request that would have left: it must receive nothing."""
import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from typer.testing import CliRunner

from kg.cli.app import app
from kg.rdf.offline import outbound_keyword
from tests.conftest import examples_at

runner = CliRunner()
KG_CLI = [sys.executable, "-c", "from kg.cli.app import main; main()"]


@pytest.fixture
def listener():
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    hits = []

    class Record(BaseHTTPRequestHandler):
        def _record(self):
            hits.append((self.command, self.path))
            body = b'{"@context": {"name": "https://schema.org/name"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        do_GET = do_POST = _record

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Record)
    # a short poll: shutdown() waits for the loop's next look (0.5 s by default, each test)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def db(tmp_path, examples_file):
    return examples_at(examples_file, tmp_path / "kg.db")


def test_keywords_are_found_as_keywords_only():
    assert outbound_keyword("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }") == "SERVICE"
    assert outbound_keyword("select * { service silent <http://x/> { ?s ?p ?o } }") == "SERVICE"
    assert outbound_keyword("LOAD <http://x/data.ttl>") == "LOAD"
    assert outbound_keyword('SELECT ?service WHERE { ?s <http://x/SERVICE> "LOAD" ; ex:load ?service } # SERVICE') is None
    assert outbound_keyword("SELECT * { ?s ?p 'a SERVICE b' }") is None


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <{url}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x a schema:Person . SERVICE\n<{url}/sparql> { ?s ?p ?o } }",
])
def test_sparql_refuses_federated_queries(db, listener, query):
    url, hits = listener
    result = runner.invoke(app, ["sparql", query.replace("{url}", url), "--store", db])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "SERVICE" in result.stderr and "--allow-federated" in result.stderr
    time.sleep(0.2)
    assert hits == []


def test_sparql_refuses_load_even_on_an_export_file(db, listener, tmp_path):
    url, hits = listener
    assert runner.invoke(app, ["export", "-f", "nt", "-o", str(tmp_path / "x.nt"), "--store", db]).exit_code == 0
    result = runner.invoke(app, ["sparql", f"LOAD <{url}/data.ttl>", "-d", str(tmp_path / "x.nt")])
    assert result.exit_code == 1 and "LOAD" in result.stderr
    assert hits == []


def test_allow_federated_lets_service_reach_the_listener(db, listener):
    """The flag is the only way out: with it the same query does reach the listener."""
    url, hits = listener
    query = f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}"
    result = runner.invoke(app, ["sparql", query, "--store", db, "--allow-federated", "--timeout", "10"])
    assert result.exit_code == 0
    assert hits and hits[0][1].startswith("/sparql")


@pytest.mark.slow  # waits out a time limit
def test_a_query_past_its_time_limit_fails_in_one_line(db):
    """Its own process: the abandoned evaluation ends with it."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"
    started = time.monotonic()
    result = subprocess.run([*KG_CLI, "sparql", slow, "--store", db, "--timeout", "0.5"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and time.monotonic() - started < 30
    assert result.stderr.count("\n") == 1 and "0.5 s timeout" in result.stderr


@pytest.mark.parametrize("context", [
    '"{url}/context.jsonld"',
    '["{url}/context.jsonld", {{"name": "https://schema.org/name"}}]',
    '{{"@import": "{url}/context.jsonld", "name": "https://schema.org/name"}}',
    '"file:///etc/hostname"',
])
def test_validate_and_sparql_do_not_fetch_or_read_jsonld_contexts(listener, tmp_path, context):
    url, hits = listener
    doc = tmp_path / "x.jsonld"
    doc.write_text('{"@context": ' + context.format(url=url) + ', "@id": "http://x.org/a", "name": "A"}', encoding="utf-8")
    for args in (["validate", str(doc)], ["sparql", "ASK { ?s ?p ?o }", "-d", str(doc)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, args
        assert "--allow-remote-context" in result.stderr
    assert hits == []


def test_allow_remote_context_is_the_explicit_way_to_fetch_one(listener, tmp_path):
    url, hits = listener
    doc = tmp_path / "x.jsonld"
    doc.write_text(json.dumps({"@context": f"{url}/context.jsonld", "@id": "http://x.org/a", "name": "A"}), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(doc), "--allow-remote-context", "--json"])
    assert json.loads(result.stdout)["triples"] == 1 and hits
