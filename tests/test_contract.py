"""Contract: the Neo4j (Bolt) store answers every query exactly as the SQLite store does.

Starts a real Neo4j 5.26 via tests/neo4j/run-server on a free loopback port (module scope).
Skipped when Java/Maven are missing, unless KG_REQUIRE_NEO4J=1 (then it fails).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest

import queries
from kg.errors import Ambiguous, StoreError
from kg.ingest import ingest
from kg.stores.sqlite import SQLiteStore
from tests.conftest import EXAMPLES, ROOT

RUN_SERVER = ROOT / "tests" / "neo4j" / "run-server"
PASSWORD = os.environ.get("KG_NEO4J_PASSWORD", "testpassword")
START_TIMEOUT = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unavailable(reason: str):
    if os.environ.get("KG_REQUIRE_NEO4J") == "1":
        pytest.fail(f"KG_REQUIRE_NEO4J=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def neo4j_uri(tmp_path_factory):
    if not (shutil.which("java") and shutil.which("mvn")):
        _unavailable("no Java: Neo4j contract suite skipped")
    tmp = tmp_path_factory.mktemp("neo4j")
    port = _free_port()
    env = {**os.environ, "KG_NEO4J_PASSWORD": PASSWORD}
    env.pop("KG_NEO4J_AUTH", None)
    stderr = open(tmp / "server.stderr", "w")
    started = time.monotonic()
    proc = subprocess.Popen([str(RUN_SERVER), str(port), str(tmp / "data")], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=stderr, text=True, env=env)
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    expected = f"ready bolt://127.0.0.1:{port}"
    try:
        if not line or line[0].strip() != expected:
            proc.kill()
            proc.wait(10)
            log = (tmp / "server.stderr").read_text(errors="replace")[-2000:]
            pytest.fail(f"Neo4j did not start within {START_TIMEOUT}s (got {line!r}):\n{log}")
        print(f"\nNeo4j ready in {time.monotonic() - started:.1f}s on port {port}")
        yield f"bolt://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        stderr.close()


def _bolt(uri):
    from kg.stores.bolt import BoltStore
    return BoltStore(uri, user="neo4j", password=PASSWORD)


@pytest.fixture(scope="module")
def stores(neo4j_uri, tmp_path_factory):
    """A fresh SQLite store and a cleared Neo4j store, both holding the bundled examples."""
    sqlite = SQLiteStore(str(tmp_path_factory.mktemp("sqlite") / "kg.db"))
    bolt = _bolt(neo4j_uri)
    with bolt.driver.session(database=bolt.database) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
    for db in (sqlite, bolt):
        summary = ingest(db, [str(EXAMPLES)])
        assert summary.failed == 0, summary.errors
        assert summary.new == 4
    yield {"sqlite": sqlite, "bolt": bolt}
    sqlite.close()
    bolt.close()


QUERIES = {
    "chaired": lambda db: queries.chaired(db, "Trần Minh Khoa"),
    "who_chaired": lambda db: queries.who_chaired(db, "giao ban"),
    "person_profile": lambda db: queries.person_profile(db, "Lê Thị Hồng Nhung"),
    "document": lambda db: queries.document(db, "20-CT/TU", province="Ninh Bình"),
    "lineage": lambda db: queries.lineage(db, "21-NQ/TW", "down"),
    "search": lambda db: queries.search(db, "tinh uy", None),
    "stats": lambda db: queries.stats(db),
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_query_matches_sqlite(stores, name):
    expected = QUERIES[name](stores["sqlite"])
    assert QUERIES[name](stores["bolt"]) == expected


def test_primitives_match_sqlite(stores):
    sqlite, bolt = stores["sqlite"], stores["bolt"]
    assert bolt.counts() == sqlite.counts()
    assert list(bolt.iter_nodes()) == list(sqlite.iter_nodes())
    assert list(bolt.iter_edges()) == list(sqlite.iter_edges())
    for text, exact in [("hau giang", False), ("Hậu Giang", True), ("tinh uy", False), ("x%_", False)]:
        assert bolt.find(text, exact=exact) == sqlite.find(text, exact=exact)
    assert bolt.find_ids("document:") == sorted(sqlite.find_ids("document:"))
    node = next(sqlite.iter_nodes("Person"))
    assert bolt.get(node.id) == node and bolt.get("nope") is None
    for direction in ("out", "in"):
        assert bolt.neighbours(node.id, None, direction) == sqlite.neighbours(node.id, None, direction)
    article_id = next(sqlite.iter_nodes("Article")).id.split(":", 1)[1]
    assert bolt.article(article_id) == sqlite.article(article_id)


def test_ambiguous_document(stores):
    candidates = []
    for db in (stores["sqlite"], stores["bolt"]):
        with pytest.raises(Ambiguous) as info:
            queries.document(db, "20-CT/TU")
        candidates.append(info.value.candidates)
    assert candidates[0] == candidates[1]


def test_reingest_is_idempotent(stores):
    for db in (stores["sqlite"], stores["bolt"]):
        before = db.counts()
        summary = ingest(db, [str(EXAMPLES)])
        assert (summary.new, summary.unchanged, summary.replaced, summary.failed) == (0, 4, 0, 0)
        assert db.counts() == before


def test_retract_matches_sqlite(neo4j_uri, tmp_path):
    sqlite = SQLiteStore(str(tmp_path / "kg.db"))
    bolt = _bolt(neo4j_uri)
    try:
        with bolt.driver.session(database=bolt.database) as session:
            session.run("MATCH (n) DETACH DELETE n").consume()
        for db in (sqlite, bolt):
            ingest(db, [str(EXAMPLES)])
        article_ids = sorted(n.id.split(":", 1)[1] for n in sqlite.iter_nodes("Article"))
        for article_id in article_ids[:2]:
            assert sqlite.retract(article_id) is True
            assert bolt.retract(article_id) is True
            assert bolt.counts() == sqlite.counts()
            assert list(bolt.iter_nodes()) == list(sqlite.iter_nodes())
            assert list(bolt.iter_edges()) == list(sqlite.iter_edges())
            assert bolt.article(article_id) is None
        assert bolt.retract("no-such-article") is False
        for name in ("stats", "search", "lineage"):
            assert QUERIES[name](bolt) == QUERIES[name](sqlite)
        # re-ingest after retraction: the retracted articles come back as new
        summaries = [ingest(db, [str(EXAMPLES)]) for db in (sqlite, bolt)]
        assert summaries[1].new == summaries[0].new == 2
        assert list(bolt.iter_nodes()) == list(sqlite.iter_nodes())
        assert list(bolt.iter_edges()) == list(sqlite.iter_edges())
    finally:
        sqlite.close()
        bolt.close()


def test_wrong_password_is_a_store_error(neo4j_uri):
    from kg.stores.bolt import BoltStore
    with pytest.raises(StoreError) as info:
        BoltStore(neo4j_uri, user="neo4j", password="wrong-password")
    assert "\n" not in str(info.value)


def test_closed_port_is_a_store_error(neo4j_uri):
    from kg.stores.bolt import BoltStore
    with pytest.raises(StoreError) as info:
        BoltStore(f"bolt://127.0.0.1:{_free_port()}", password=PASSWORD)
    assert "\n" not in str(info.value)


def test_missing_database_is_a_store_error(neo4j_uri):
    from kg.stores.bolt import BoltStore
    with pytest.raises(StoreError) as info:
        BoltStore(neo4j_uri, password=PASSWORD, database="nosuchdb")
    assert "nosuchdb" in str(info.value)
