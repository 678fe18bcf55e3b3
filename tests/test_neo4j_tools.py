"""`kg push`, the Neo4j CSV and Cypher exports, and Neo4j failures, against a real Neo4j 5.26.

The session's shared server (tests/neo4j_server.py) serves most tests; the interrupted-push test
starts its own, SIGKILLs it mid-push and restarts it on the same data directory.
"""
from __future__ import annotations

import csv
import json
import re
import subprocess
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.neo4j
from typer.testing import CliRunner

from bench.neo4j_bench import write_corpus
from kg.cli.app import app
from kg.errors import StoreError
from kg.export.neo4j import ARRAY_DELIMITER, cypher_literal, cypher_string, import_args, import_files
from kg.ingest import ingest
from kg.model import schema
from kg.push import push
from kg.stores.neo4j.layout import rel_type
from kg.stores.sqlite import SQLiteStore
from tests import neo4j_server
from tests.conftest import EXAMPLES
from tests.neo4j_server import PASSWORD, ROOT, NeoServer, free_port

ADMIN = ROOT / "tests" / "neo4j" / "admin"

runner = CliRunner()
ENV = {"KG_NEO4J_USER": "neo4j", "KG_NEO4J_PASSWORD": PASSWORD, "KG_NEO4J_DATABASE": None}


@pytest.fixture
def empty_neo4j(neo4j_uri):
    neo4j_server.clear(neo4j_uri)
    return neo4j_uri



def _bolt(uri, **options):
    return neo4j_server.bolt_store(uri, **options)


def assert_same_graph(bolt, sqlite) -> None:
    assert bolt.counts() == sqlite.counts()
    assert list(bolt.iter_nodes()) == list(sqlite.iter_nodes())
    assert list(bolt.iter_edges()) == list(sqlite.iter_edges())


# -- push -------------------------------------------------------------------------------------
def test_push_copies_the_store_and_reruns_change_nothing(source, empty_neo4j):
    with _bolt(empty_neo4j) as bolt:
        seen = []
        first = push(source, bolt, batch=3, progress=lambda done, total: seen.append((done, total)))
        assert (first["new"], first["skipped"], first["articles"]) == (4, 0, 4)
        assert seen == [(0, 4), (3, 4), (4, 4)]
        assert_same_graph(bolt, source)
        for article_id in (n.id.split(":", 1)[1] for n in source.iter_nodes("Article")):
            assert bolt.article(article_id) == source.article(article_id)
        assert bolt.find("hau giang") == source.find("hau giang")
        again = push(source, bolt)
        assert (again["skipped"], again["new"]) == (4, 0)
        assert_same_graph(bolt, source)


def test_push_replaces_changed_articles_and_keeps_what_other_articles_claim(source, empty_neo4j, tmp_path):
    original = EXAMPLES / "hau-giang-2022-03-18.txt"
    text = original.read_text(encoding="utf-8")
    foreign = tmp_path / "foreign" / "not-in-the-source.txt"  # the same nodes, claimed by another article
    foreign.parent.mkdir()
    foreign.write_text(text, encoding="utf-8")
    changed = tmp_path / "edited" / EXAMPLES.name / original.name  # the same article id, one attendee fewer
    changed.parent.mkdir(parents=True)
    changed.write_text(re.sub(r"Cùng dự có[^.]*\.", "", text, count=1), encoding="utf-8")
    assert changed.read_text(encoding="utf-8") != text
    edited = SQLiteStore(str(tmp_path / "edited.db"))
    ingest(edited, [str(EXAMPLES)])
    assert ingest(edited, [str(changed)]).changed == 1
    expected = SQLiteStore(str(tmp_path / "expected.db"))
    for path in (EXAMPLES, changed, foreign):
        ingest(expected, [str(path)])
    with _bolt(empty_neo4j) as bolt:
        ingest(bolt, [str(foreign)])
        assert push(source, bolt)["new"] == 4
        again = push(edited, bolt, batch=2)
        assert (again["replaced"], again["skipped"], again["new"]) == (1, 3, 0)
        assert_same_graph(bolt, expected)
        assert bolt.find("hau giang") == expected.find("hau giang")
    edited.close()
    expected.close()


def test_push_command(source, empty_neo4j):
    args = ["push", empty_neo4j, "--store", source.location, "--neo4j-user", "neo4j",
            "--neo4j-password", PASSWORD, "--neo4j-database", "neo4j", "--json"]
    first = runner.invoke(app, args, env={"KG_NEO4J_PASSWORD": "not-this-one"})
    assert first.exit_code == 0, first.stderr
    assert first.stderr == ""  # no progress bar when stderr is not a terminal
    data = json.loads(first.stdout)
    assert (data["new"], data["target"]) == (4, source.counts())
    again = runner.invoke(app, args[:-5] + ["--json"], env=ENV)  # credentials from the environment
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["skipped"] == 4


# -- failures: one line, non-zero exit ----------------------------------------------------------
def _one_line_error(result, *words) -> str:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr
    return result.stderr


def test_push_to_a_server_that_is_down(source):
    uri = f"bolt://127.0.0.1:{free_port()}"
    _one_line_error(runner.invoke(app, ["push", uri, "--store", source.location], env=ENV), "unreachable")


def test_push_with_a_wrong_password(source, neo4j_uri):
    result = runner.invoke(app, ["push", neo4j_uri, "--store", source.location, "--neo4j-password", "wrong"],
                           env=ENV)
    message = _one_line_error(result, "refused the login")
    assert "wrong" not in message


def test_push_to_a_missing_database(source, neo4j_uri):
    result = runner.invoke(app, ["push", neo4j_uri, "--store", source.location, "--neo4j-database", "nosuchdb"],
                           env=ENV)
    _one_line_error(result, "nosuchdb")


def test_push_needs_an_embedded_source_and_a_bolt_target(source, neo4j_uri, tmp_path):
    _one_line_error(runner.invoke(app, ["push", "http://x", "--store", source.location]), "not a Neo4j URI")
    _one_line_error(runner.invoke(app, ["push", neo4j_uri, "--store", str(tmp_path / "none.db")], env=ENV),
                    "store not found")


@pytest.mark.parametrize("env", [{"KG_NEO4J_PASSWORD": "wrong"}, {"KG_NEO4J_DATABASE": "nosuchdb"}])
def test_query_command_on_a_bad_bolt_store(neo4j_uri, env):
    result = runner.invoke(app, ["stats", "--store", neo4j_uri, "--json"], env={**ENV, **env})
    _one_line_error(result)
    result = runner.invoke(app, ["stats", "--store", f"neo4j://127.0.0.1:{free_port()}"], env=ENV)
    _one_line_error(result, "unreachable")


# -- Cypher script ----------------------------------------------------------------------------
TRICKY = ["plain", "", "it's", 'say "hi"', "back\\slash", "\\'", "line\nbreak\r\n\ttab", "nul\x00byte",
          "ctrl\x1b\x7f\x85", "sep\u2028\u2029", "Thủy ủy Hậu Giang", "emoji 🙂 𝔘", "; MATCH (n) DETACH DELETE n //",
          "'}]) DETACH DELETE n //", "\\u0041 stays literal", "/* not a comment */", "trailing backslash \\"]


def test_cypher_literals_round_trip_through_neo4j(neo4j_uri):
    from neo4j.time import Date
    with _bolt(neo4j_uri) as bolt, bolt.driver.session() as session:
        for text in TRICKY:
            assert "\n" not in cypher_string(text)
            assert session.run(f"RETURN {cypher_string(text)} AS v").single()["v"] == text, repr(text)
        value = {"s": "a'b", "n": 3, "f": 1.5, "b": False, "none": None, "list": ["x", "y\n"],
                 "d": Date(2021, 10, 4)}
        got = session.run(f"RETURN {cypher_literal(value)} AS v").single()["v"]
        assert got == value
    with pytest.raises(StoreError):
        cypher_literal({"bad key`": 1})


def _run_script(uri: str, path: Path) -> int:
    statements = 0
    with _bolt(uri) as bolt, bolt.driver.session() as session:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("//"):
                assert line.endswith(";")
                session.run(line[:-1]).consume()
                statements += 1
    return statements


def test_cypher_script_reproduces_the_store(source, empty_neo4j, tmp_path):
    script = tmp_path / "graph.cypher"
    result = runner.invoke(app, ["export", "--format", "cypher", "--out", str(script), "--store",
                                 source.location, "--json"])
    assert result.exit_code == 0, result.stderr
    written = json.loads(result.stdout)
    lines = script.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("// ") and lines[2].startswith("CREATE CONSTRAINT kg_node_id IF NOT EXISTS")
    assert max(len(line) for line in lines) < 40_000  # small statements parse in milliseconds
    assert _run_script(empty_neo4j, script) == written["statements"]
    with _bolt(empty_neo4j) as bolt:
        assert_same_graph(bolt, source)
        article_id = next(source.iter_nodes("Article")).id.split(":", 1)[1]
        assert bolt.article(article_id) == source.article(article_id)
        _run_script(empty_neo4j, script)  # a second run merges into the same graph
        assert_same_graph(bolt, source)
        meeting = next(iter(bolt.driver.execute_query(
            "MATCH (m:Meeting) WHERE m.date IS NOT NULL RETURN m.date AS d LIMIT 1").records))
        assert type(meeting["d"]).__name__ == "Date"


# -- neo4j-admin CSV --------------------------------------------------------------------------
def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def test_neo4j_csv_files_headers_and_rows(source, tmp_path):
    out = tmp_path / "csv"
    result = runner.invoke(app, ["export", "--format", "neo4j-csv", "--out", str(out), "--store",
                                 source.location, "--json"])
    assert result.exit_code == 0, result.stderr
    counts = source.counts()
    for node_type, n in counts["nodes"].items():
        header, rows = _read_csv(out / f"nodes_{node_type}.csv")
        assert header[:2] == ["id:ID(KgNode)", ":LABEL"] and "aliases:string[]" in header
        assert len(rows) == n
        assert {r[1] for r in rows} == {f"KgNode{ARRAY_DELIMITER}{node_type}"}
        assert not any(h.startswith("props") for h in header)  # values are properties, not JSON
    assert "date:date" in _read_csv(out / "nodes_Meeting.csv")[0]
    assert "published:date" in _read_csv(out / "nodes_Article.csv")[0]
    rel_rows = 0
    for edge_type in counts["edges"]:
        rel = rel_type(edge_type)
        header, rows = _read_csv(out / f"rels_{rel}.csv")
        assert header[:3] == [":START_ID(KgNode)", ":END_ID(KgNode)", ":TYPE"] and "starts:long[]" in header
        assert {r[2] for r in rows} == {rel}
        # one row per fact, its claims in lists: distinct pairs are what counts() reports
        assert len({(r[0], r[1]) for r in rows}) == counts["edges"][edge_type]
        articles = header.index("articles:string[]")
        rel_rows += sum(len(r[articles].split(ARRAY_DELIMITER)) for r in rows)
    assert rel_rows == sum(1 for _ in source.iter_edges())
    assert "firstAttested:date" in _read_csv(out / "rels_HOLDS.csv")[0]
    header, rows = _read_csv(out / "rels_CLAIMS.csv")
    assert header[:3] == [":START_ID(KgNode)", ":END_ID(KgNode)", ":TYPE"]
    own = sum(1 for _ in source.iter_nodes("Article"))  # an article's own node has no claim link
    assert len(rows) == source.db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] - own
    files = {p.name for p in out.glob("*.csv")}
    assert files == {"rels_CLAIMS.csv", "rels_scope.csv"} | {f"nodes_{t}.csv" for t in counts["nodes"]} | \
        {f"rels_{rel_type(t)}.csv" for t in counts["edges"]}
    assert all(t in schema().nodes for t in counts["nodes"]) and all(t in schema().edges for t in counts["edges"])
    command = (out / "import.sh").read_text(encoding="utf-8")
    assert "neo4j-admin database import full" in command and "--array-delimiter=U+001F" in command
    assert all(f"={name}" in command for name in files)
    assert "neo4j-admin database import full" in (out / "README.md").read_text(encoding="utf-8")
    assert (out / "schema.cypher").read_text(encoding="utf-8").count("CREATE CONSTRAINT") == 1


def test_load_csv_script_builds_the_same_graph_on_a_running_server(source, empty_neo4j, tmp_path):
    """load.cypher (next to the CSVs): short LOAD CSV statements, no neo4j-admin, no APOC. A
    server reads `file:///x.csv` from its import directory; the test server has none (embedded),
    so the script's URLs are pointed at the export directory."""
    out = tmp_path / "csv"
    assert runner.invoke(app, ["export", "--format", "neo4j-csv", "--out", str(out), "--store",
                               source.location]).exit_code == 0
    with _bolt(empty_neo4j) as bolt, bolt.driver.session(database=bolt.database) as session:
        lines = [line for line in (out / "load.cypher").read_text(encoding="utf-8").splitlines()
                 if line and not line.startswith("//")]
        assert max(len(line) for line in lines) < 2000
        for line in lines:
            session.run(line[:-1].replace("'file:///", f"'file://{out}/")).consume()
        assert_same_graph(bolt, source)
        assert bolt.find("hau giang") == source.find("hau giang")


def test_neo4j_csv_imports_into_the_same_graph(source, tmp_path):
    """neo4j-admin (tests/neo4j/admin) loads the CSVs offline; the server then holds the store."""
    neo4j_server.require_java()
    out = tmp_path / "csv"
    result = runner.invoke(app, ["export", "--format", "neo4j-csv", "--out", str(out), "--store", source.location])
    assert result.exit_code == 0, result.stderr
    nodes, rels = import_files(out)
    home = tmp_path / "imported"
    log = tmp_path / "import.log"
    with open(log, "w") as fh:
        done = subprocess.run([str(ADMIN), str(home), *import_args(nodes, rels, "neo4j")], cwd=out,
                              stdin=subprocess.DEVNULL, stdout=fh, stderr=fh)
    assert done.returncode == 0, log.read_text(errors="replace")[-2000:]
    server = NeoServer(home).start()
    try:
        with _bolt(server.uri) as bolt:  # opening it creates the constraints and indexes
            assert_same_graph(bolt, source)
            article_id = next(source.iter_nodes("Article")).id.split(":", 1)[1]
            assert bolt.article(article_id) == source.article(article_id)
            assert bolt.find("hau giang") == source.find("hau giang")
            assert push(source, bolt)["skipped"] == 4  # an imported graph is a pushed graph
            dates = bolt.driver.execute_query("MATCH (m:Meeting) WHERE m.date IS NOT NULL RETURN m.date AS d")
            assert dates.records and all(type(r["d"]).__name__ == "Date" for r in dates.records)
    finally:
        server.stop()


# -- an interrupted push ----------------------------------------------------------------------
def test_interrupted_push_resumes_to_the_same_graph(tmp_path, neo4j_uri):
    corpus = write_corpus(tmp_path / "synthetic.jsonl", 240)
    sqlite = SQLiteStore(str(tmp_path / "big.db"))
    assert ingest(sqlite, [str(corpus)]).new == 240
    batch = 20
    server = NeoServer(tmp_path / "own" / "data").start()
    try:
        bolt = _bolt(server.uri, retry_seconds=1)

        def kill_during_a_later_batch(done, total):
            if done == 100:  # five batches committed: kill while the next ones are in flight
                threading.Timer(0.05, server.kill).start()

        with pytest.raises(StoreError) as info:
            push(sqlite, bolt, batch=batch, progress=kill_during_a_later_batch)
        assert "\n" not in str(info.value) and "run it again to resume" in str(info.value)
        bolt.close()
        server = NeoServer(server.data_dir).start()  # same data directory, recovered
        with _bolt(server.uri) as bolt:
            landed = bolt.counts()["articles"]
            assert 100 <= landed < 240 and landed % batch == 0  # whole batches only
            resumed = push(sqlite, bolt, batch=batch)
            assert resumed["skipped"] == landed and resumed["new"] == 240 - landed
            assert_same_graph(bolt, sqlite)
            interrupted = (bolt.counts(), list(bolt.iter_nodes()), list(bolt.iter_edges()))
    finally:
        server.stop()
    neo4j_server.clear(neo4j_uri)  # and the same as one uninterrupted push
    with _bolt(neo4j_uri) as bolt:
        push(sqlite, bolt, batch=batch)
        assert (bolt.counts(), list(bolt.iter_nodes()), list(bolt.iter_edges())) == interrupted
    sqlite.close()
