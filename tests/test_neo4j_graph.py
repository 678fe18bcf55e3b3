"""The graph a Neo4j user opens, on the real Neo4j 5.26: its model (native values, one relationship
per fact, verbs, a document's province), its indexes (checked with EXPLAIN), `kg cypher`,
`kg push --prune`, and the client's timeouts against a silent and a hung server.
"""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest

pytestmark = pytest.mark.neo4j
from typer.testing import CliRunner

import queries
from kg.cli.app import app
from kg.errors import StoreError
from kg.ingest import ingest
from kg.push import push
from kg.stores.sqlite import SQLiteStore
from tests import neo4j_server
from tests.conftest import EXAMPLES
from tests.neo4j_server import PASSWORD

runner = CliRunner()
ENV = {"KG_NEO4J_USER": "neo4j", "KG_NEO4J_PASSWORD": PASSWORD, "KG_NEO4J_DATABASE": None}


def _bolt(uri):
    return neo4j_server.bolt_store(uri)



@pytest.fixture(scope="module")
def pushed(neo4j_uri, source):
    """The examples pushed into an emptied server; yields an open BoltStore."""
    neo4j_server.clear(neo4j_uri)
    bolt = _bolt(neo4j_uri)
    push(source, bolt)
    yield bolt
    bolt.close()


def _one(bolt, query: str, **params):
    return bolt.driver.execute_query(query, params, database_=bolt.database).records


# -- the graph model ---------------------------------------------------------------------------
def test_values_are_native_properties_not_json(pushed):
    texts = _one(pushed, "MATCH (n) UNWIND keys(n) AS k WITH n[k] AS v WHERE v IS :: STRING AND v STARTS WITH '{' "
                         "RETURN count(*) AS n")
    assert texts[0]["n"] == 0
    rel_texts = _one(pushed, "MATCH ()-[r]->() UNWIND keys(r) AS k WITH r[k] AS v "
                             "WHERE v IS :: STRING AND v STARTS WITH '{' RETURN count(*) AS n")
    assert rel_texts[0]["n"] == 0
    # one type per property: a meeting's date is a DATE or absent (partial dates apart)
    kinds = _one(pushed, "MATCH (m:Meeting) WHERE m.date IS NOT NULL RETURN m.date IS :: DATE AS ok")
    assert kinds and all(r["ok"] for r in kinds)
    holds = _one(pushed, "MATCH (:Person)-[h:HOLDS]->(:Post) RETURN h.firstAttested AS first, h.lastAttested AS last, "
                         "h.attested AS attested, h.articles AS articles")
    assert holds and all(type(r["first"]).__name__ == "Date" and r["first"] <= r["last"] for r in holds)
    assert all(len(r["attested"]) == len(r["articles"]) for r in holds)
    actions = _one(pushed, "MATCH (:Meeting)-[a:ACTS_ON]->(:Document) RETURN a.action AS action")
    assert actions and all(isinstance(r["action"], str) for r in actions)
    scopes = _one(pushed, "MATCH (d:Document) RETURN d.scope AS scope")
    assert scopes and all(isinstance(r["scope"], str) for r in scopes)


def test_one_relationship_per_fact_with_its_articles(pushed, source):
    repeated = _one(pushed, "MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, r.action AS act, count(*) AS n "
                            "WHERE n > 1 RETURN count(*) AS n")
    assert repeated[0]["n"] == 0
    claims = _one(pushed, "MATCH ()-[r]->() WHERE r.articles IS NOT NULL "
                          "RETURN sum(size(r.articles)) AS claims, count(r) AS facts")[0]
    assert claims["claims"] == sum(1 for _ in source.iter_edges())
    assert claims["facts"] < claims["claims"]  # some facts have several supporting articles


def test_labels_types_and_the_document_province(pushed):
    labels = {r["l"] for r in _one(pushed, "MATCH (n) UNWIND labels(n) AS l RETURN DISTINCT l")}
    assert "KgArticle" not in labels and "Article" in labels
    types = {r["t"] for r in _one(pushed, "MATCH ()-[r]->() RETURN DISTINCT type(r) AS t")}
    assert {"SPOKE_AT", "ATTENDED", "CLAIMS"} <= types and not {"SPEAKER", "ATTENDEE", "KG_CLAIMS"} & types
    assert _one(pushed, "MATCH (p)-[:SPOKE_AT|ATTENDED]->(m) RETURN count(*) AS n, "
                        "all(x IN collect(p) WHERE x:Person) AS persons")[0]["persons"]
    missing = _one(pushed, "MATCH (d:Document), (p:Province) WHERE p.id = 'province:' + d.scope "
                           "AND NOT (d)-[:IN_PROVINCE]->(p) RETURN count(*) AS n")
    linked = _one(pushed, "MATCH (:Document)-[:IN_PROVINCE]->(:Province) RETURN count(*) AS n")
    assert missing[0]["n"] == 0 and linked[0]["n"] > 0
    # claims are provenance: no fact relationship points at an article
    assert _one(pushed, "MATCH ()-[r]->(:Article) RETURN count(r) AS n")[0]["n"] == 0


def test_schema_has_one_id_constraint_and_search_indexes(pushed):
    constraints = [r["name"] for r in _one(pushed, "SHOW CONSTRAINTS YIELD name RETURN name")]
    assert constraints == ["kg_node_id"]
    indexes = {r["name"]: r["type"] for r in _one(pushed, "SHOW INDEXES YIELD name, type RETURN name, type")}
    assert indexes["kg_aliases"] == "FULLTEXT" and indexes["kg_search"] == "TEXT"
    assert indexes["kg_document_number"] == indexes["kg_meeting_date"] == "RANGE"
    found = _one(pushed, "CALL db.index.fulltext.queryNodes('kg_aliases', 'Hậu Giang') YIELD node "
                         "RETURN node.id AS id")
    assert "province:hau-giang" in {r["id"] for r in found}


# -- every query of a command uses an index ------------------------------------------------------
SCANS = {"NodeByLabelScan", "AllNodesScan", "DirectedAllRelationshipsScan", "UndirectedAllRelationshipsScan",
         "DirectedRelationshipTypeScan", "UndirectedRelationshipTypeScan"}
COMMANDS = [
    lambda db: queries.chaired(db, "Trần Minh Khoa"),
    lambda db: queries.who_chaired(db, "giao ban"),
    lambda db: queries.person_profile(db, "Lê Thị Hồng Nhung"),
    lambda db: queries.document(db, "20-CT/TU", province="Ninh Bình"),
    lambda db: queries.lineage(db, "21-NQ/TW", "down"),
    lambda db: queries.lineage(db, "45/KH-UBND", "up"),
    lambda db: queries.lineage(db, "21-NQ/TW", "both", 6, fanout=0, limit=0),  # one walk per way
    lambda db: queries.search(db, "tinh uy", None),
    lambda db: queries.holders(db, "Bí thư Tỉnh ủy", "Hậu Giang", "2022-03-16"),
    lambda db: queries.meetings(db, "Hậu Giang", "2022-01-01", "2023-12-31", 5),
    lambda db: queries.path(db, "Trần Minh Khoa", "21-NQ/TW"),
]


def _operators(plan) -> set[str]:
    return {plan["operatorType"].split("@")[0]} | {op for child in plan.get("children", []) for op in _operators(child)}


def test_each_store_query_of_a_command_starts_from_an_index(pushed):
    sent = []
    read_now = pushed._read_now
    pushed._read_now = lambda query, params: sent.append((query, params)) or read_now(query, params)
    try:
        for command in COMMANDS:
            command(pushed)
    finally:
        del pushed._read_now
    assert len({q for q, _ in sent}) >= 8
    with pushed.driver.session(database=pushed.database) as session:
        for query, params in {q: (q, p) for q, p in sent}.values():
            plan = session.run("EXPLAIN " + query, params).consume().plan
            operators = _operators(plan)
            assert not operators & SCANS, (query, operators)
            assert any("Index" in op or "ById" in op for op in operators), (query, operators)


# -- kg cypher ------------------------------------------------------------------------------------
def test_cypher_command_reads_with_parameters(pushed, neo4j_uri):
    result = runner.invoke(app, ["cypher", "MATCH (m:Meeting)-[:CHAIRED_BY]->(p:Person {name: $name}) "
                                 "RETURN m.name AS meeting, m.date AS date ORDER BY date", "--param",
                                 "name=Trần Minh Khoa", "--store", neo4j_uri, "--json"], env=ENV)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["columns"] == ["meeting", "date"]
    expected = queries.chaired(pushed, "Trần Minh Khoa")["meetings"]
    assert sorted(r[0] for r in data["rows"]) == sorted(m["name"] for m in expected)
    assert all(isinstance(r[1], str) for r in data["rows"])  # dates as ISO text
    nodes = runner.invoke(app, ["cypher", "MATCH (n:Province) RETURN n LIMIT $n", "--param", "n=1",
                                "--store", neo4j_uri, "--json"], env=ENV)
    assert json.loads(nodes.stdout)["rows"][0][0]["labels"] == ["KgNode", "Province"]


@pytest.mark.parametrize("query, words", [
    ("CREATE (n:Intruder) RETURN n", ["read access mode"]),
    ("MATCH (n:Meeting) DETACH DELETE n", ["read access mode"]),
    ("MATCH (n RETURN n", ["Invalid input"]),
])
def test_cypher_command_refuses_writes_and_reports_errors_in_one_line(pushed, neo4j_uri, query, words):
    before = pushed.counts()
    result = runner.invoke(app, ["cypher", query, "--store", neo4j_uri], env=ENV)
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert all(w in result.stderr for w in words), result.stderr
    assert pushed.counts() == before


def test_cypher_command_needs_a_neo4j_store(source):
    result = runner.invoke(app, ["cypher", "MATCH (n) RETURN n", "--store", source.location])
    assert result.exit_code == 1 and "needs a Neo4j store" in result.stderr
    bad = runner.invoke(app, ["cypher", "RETURN 1", "--param", "novalue", "--store", source.location])
    assert bad.exit_code == 1 and "NAME=VALUE" in bad.stderr


# -- push --prune ---------------------------------------------------------------------------------
def test_push_prune_removes_articles_forgotten_locally(neo4j_uri, tmp_path):
    local = SQLiteStore(str(tmp_path / "kg.db"))
    ingest(local, [str(EXAMPLES)])
    neo4j_server.clear(neo4j_uri)
    with _bolt(neo4j_uri) as bolt:
        push(local, bolt)
        gone = sorted(n.id.split(":", 1)[1] for n in local.iter_nodes("Article"))[0]
        assert local.retract(gone)
        kept = push(local, bolt)
        assert kept["pruned"] == 0 and bolt.article(gone) is not None  # without --prune it stays
        args = ["push", neo4j_uri, "--store", local.location, "--prune", "--json"]
        result = runner.invoke(app, args, env=ENV)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["pruned"] == 1
        assert bolt.article(gone) is None
        assert bolt.counts() == local.counts()
        assert list(bolt.iter_nodes()) == list(local.iter_nodes())
        assert list(bolt.iter_edges()) == list(local.iter_edges())
    local.close()


# -- timeouts -------------------------------------------------------------------------------------
class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never answers."""
    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


class FreezingProxy(SilentServer):
    """Forwards to a real server until `frozen` is set; then it swallows what the client sends."""
    def __init__(self, target_port: int):
        self.target_port = target_port
        self.frozen = threading.Event()
        super().__init__()

    def _accept(self):
        while True:
            try:
                client = self.sock.accept()[0]
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self.held += [client, server]
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client), daemon=True).start()

    def _pipe(self, source, target):
        try:
            while data := source.recv(65536):
                if not self.frozen.is_set():
                    target.sendall(data)
        except OSError:
            return


def test_a_server_that_never_answers_fails_within_the_connect_timeout():
    silent = SilentServer()
    try:
        started = time.monotonic()
        result = runner.invoke(app, ["stats", "--store", f"bolt://127.0.0.1:{silent.port}"],
                               env={**ENV, "KG_NEO4J_CONNECT_TIMEOUT": "2"})
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "KG_NEO4J_CONNECT_TIMEOUT" in result.stderr
    assert elapsed < 10


def test_a_query_past_the_query_timeout_is_stopped_by_the_server(pushed, neo4j_uri):
    started = time.monotonic()
    result = runner.invoke(app, ["cypher", "UNWIND range(1, 2000000000) AS x RETURN count(x)",
                                 "--store", neo4j_uri], env={**ENV, "KG_NEO4J_QUERY_TIMEOUT": "1"})
    assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.stderr
    assert time.monotonic() - started < 30


def test_a_server_that_hangs_mid_query_fails_within_the_query_timeout(pushed, neo4j_uri, monkeypatch):
    from kg.stores.neo4j import GRACE, BoltStore
    proxy = FreezingProxy(int(neo4j_uri.rsplit(":", 1)[1]))
    monkeypatch.setenv("KG_NEO4J_QUERY_TIMEOUT", "1")
    try:
        bolt = BoltStore(f"bolt://127.0.0.1:{proxy.port}", user="neo4j", password=PASSWORD)
        assert bolt.get("province:hau-giang") is not None
        proxy.frozen.set()
        started = time.monotonic()
        with pytest.raises(StoreError) as info:
            bolt.get("province:hau-giang")
        assert time.monotonic() - started < 1 + GRACE + 3
        assert "did not answer" in str(info.value) and "\n" not in str(info.value)
        bolt.close()  # returns: it does not wait on the hung connection
    finally:
        proxy.close()


# -- the README's recipes -------------------------------------------------------------------------
def readme_recipes() -> list[str]:
    import re
    from tests.neo4j_server import ROOT
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```cypher\n(.*?)```", text, flags=re.S)


def test_the_readme_has_five_cypher_recipes():
    assert len(readme_recipes()) == 5


@pytest.mark.parametrize("index", range(5))
def test_readme_recipe_runs_on_the_pushed_graph(pushed, neo4j_uri, index):
    recipe = readme_recipes()[index]
    result = runner.invoke(app, ["cypher", recipe, "--store", neo4j_uri, "--json"], env=ENV)
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert rows, recipe
    if "shortestPath" in recipe:
        assert rows[0][0][0] == "Trần Minh Khoa" and rows[0][0][-1] == "21-NQ/TW"
    if "length(path) AS depth" in recipe:
        lineage = queries.lineage(pushed, "21-NQ/TW", "down", 6, fanout=0, limit=0)
        assert {r[0] for r in rows} == {n["number"] for n in lineage["nodes"][1:]}
