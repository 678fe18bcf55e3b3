"""Contract: the Neo4j (Bolt) store answers every query exactly as the SQLite store does.

Uses the session's one real Neo4j 5.26 (tests/neo4j_server.py, started via tests/neo4j/run-server).
Skipped when Java/Maven are missing, unless KG_REQUIRE_NEO4J=1 (then it fails).
"""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.neo4j
from typer.testing import CliRunner

import queries
from kg.cli.app import app
from kg.errors import Ambiguous, StoreError
from kg.ingest import ingest
from kg.stores.sqlite import SQLiteStore
from tests import neo4j_server
from tests.conftest import EXAMPLES
from tests.neo4j_server import PASSWORD, free_port as _free_port


def _bolt(uri):
    return neo4j_server.bolt_store(uri)


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
    "holders": lambda db: queries.holders(db, "Bí thư Tỉnh ủy", "Hậu Giang"),
    "holders_on": lambda db: queries.holders(db, "Bí thư Tỉnh ủy", "Hậu Giang", "2022-03-16"),
    "meetings": lambda db: queries.meetings(db),
    "meetings_filtered": lambda db: queries.meetings(db, "Hậu Giang", "2022-01-01", "2023-12-31", 5),
    "path": lambda db: queries.path(db, "Trần Minh Khoa", "21-NQ/TW"),
    "person": lambda db: queries.person_profile(db, "Trần Minh Khoa"),
    "lineage_up": lambda db: queries.lineage(db, "45/KH-UBND", "up"),
    "lineage_both_evidence": lambda db: queries.lineage(db, "45/KH-UBND", "both", evidence=True),
    "lineage_filtered": lambda db: queries.lineage(db, "21-NQ/TW", "down", kind="Quyết định"),
    "chaired_evidence": lambda db: queries.chaired(db, "Trần Minh Khoa", evidence=True),
    "person_evidence": lambda db: queries.person_profile(db, "Lê Thị Hồng Nhung", evidence=True),
    "document_evidence": lambda db: queries.document(db, "20-CT/TU", province="Hậu Giang", evidence=True),
    "coverage": lambda db: queries.coverage(db, "21-NQ/TW"),
    "why": lambda db: queries.why(db, "doc:hau-giang:45-kh-ubnd-2022"),
    "articles": lambda db: queries.articles(db),
    # unbounded lineage: the whole walk is one `reach` (one query on Neo4j)
    "lineage_whole": lambda db: queries.lineage(db, "21-NQ/TW", "down", 6, fanout=0, limit=0),
    "lineage_whole_both": lambda db: queries.lineage(db, "45/KH-UBND", "both", 2, fanout=0, limit=0, evidence=True),
    "path_through_hubs": lambda db: queries.path(db, "Trần Minh Khoa", "21-NQ/TW", through_hubs=True),
    "meetings_past_end": lambda db: queries.meetings(db, offset=1000),
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_query_matches_sqlite(stores, name):
    expected = QUERIES[name](stores["sqlite"])
    assert QUERIES[name](stores["bolt"]) == expected


runner = CliRunner()

COMMANDS = {
    "chaired": ["chaired", "Trần Minh Khoa"],
    "who-chaired": ["who-chaired", "giao ban", "--since", "2020-01-01"],
    "meetings": ["meetings", "--province", "Hậu Giang"],
    "person": ["person", "Lê Thị Hồng Nhung"],
    "holders": ["holders", "Bí thư Tỉnh ủy", "--province", "Hậu Giang"],
    "doc": ["doc", "20-CT/TU", "--province", "Ninh Bình"],
    "doc-ambiguous": ["doc", "20-CT/TU"],
    "lineage": ["lineage", "21-NQ/TW", "--down"],
    "search": ["search", "tinh uy"],
    "stats": ["stats"],
    "path": ["path", "Trần Minh Khoa", "21-NQ/TW"],
    "coverage": ["coverage", "21-NQ/TW"],
    "why": ["why", "person:tran-minh-khoa@hau-giang"],
    "articles": ["articles"],
    "unresolved": ["unresolved"],
    "holders-evidence": ["holders", "Bí thư Tỉnh ủy Hậu Giang", "--evidence"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_cli_command_matches_sqlite(stores, neo4j_uri, name):
    """Every query command, run with `--store bolt://…` (credentials from the environment)."""
    env = {"KG_NEO4J_USER": "neo4j", "KG_NEO4J_PASSWORD": PASSWORD, "KG_NEO4J_DATABASE": "neo4j"}
    results = [runner.invoke(app, [*COMMANDS[name], "--store", location, "--json"], env=env)
               for location in (stores["sqlite"].location, neo4j_uri)]
    assert results[1].exit_code == results[0].exit_code, results[1].stderr
    assert json.loads(results[1].stdout) == json.loads(results[0].stdout)
    assert results[1].stderr == results[0].stderr


def test_global_credential_options(stores, neo4j_uri):
    """`kg --neo4j-password … COMMAND --store bolt://…` works without the environment."""
    env = {"KG_NEO4J_USER": "", "KG_NEO4J_PASSWORD": "", "KG_NEO4J_DATABASE": ""}
    ok = runner.invoke(app, ["--neo4j-user", "neo4j", "--neo4j-password", PASSWORD, "stats", "--store", neo4j_uri,
                             "--json"], env=env)
    assert ok.exit_code == 0 and json.loads(ok.stdout) == stores["sqlite"].counts()
    bad = runner.invoke(app, ["--neo4j-password", "not-the-password", "stats", "--store", neo4j_uri], env=env)
    assert bad.exit_code == 1 and bad.stderr.startswith("Error:") and bad.stderr.count("\n") == 1


def test_walk_matches_sqlite(stores):
    from kg.model import schema
    types = list(schema().lineage_edges())
    root = stores["sqlite"].find("21-NQ/TW", "Document", exact=True)[0].id
    for direction in ("in", "out"):
        assert stores["bolt"].walk(root, types, direction, 6) == stores["sqlite"].walk(root, types, direction, 6)


def test_primitives_match_sqlite(stores):
    sqlite, bolt = stores["sqlite"], stores["bolt"]
    assert bolt.counts() == sqlite.counts()
    assert list(bolt.iter_nodes()) == list(sqlite.iter_nodes())
    assert list(bolt.iter_edges()) == list(sqlite.iter_edges())
    for text, exact in [("hau giang", False), ("Hậu Giang", True), ("tinh uy", False), ("x%_", False)]:
        assert bolt.find(text, exact=exact) == sqlite.find(text, exact=exact)
    documents = sorted(sqlite.find_ids("doc:"))
    assert documents and bolt.find_ids("doc:") == documents  # ids of documents start with doc:
    node = next(sqlite.iter_nodes("Person"))
    assert bolt.get(node.id) == node and bolt.get("nope") is None
    for direction in ("out", "in"):
        assert bolt.neighbours(node.id, None, direction) == sqlite.neighbours(node.id, None, direction)
    article_id = next(sqlite.iter_nodes("Article")).id.split(":", 1)[1]
    assert bolt.article(article_id) == sqlite.article(article_id)


def test_each_articles_claimed_values_match_sqlite(stores):
    """`kg doc`'s date conflicts read each article's own claim: Bolt from its CLAIMS links."""
    sqlite, bolt = stores["sqlite"], stores["bolt"]
    claimed = {d: sqlite.claimed_values(d, "date") for d in sqlite.find_ids("doc:")}
    assert any(claimed.values())  # the examples date some documents
    assert {d: bolt.claimed_values(d, "date") for d in claimed} == claimed
    person = next(sqlite.iter_nodes("Person")).id
    assert bolt.claimed_values(person, "name") == sqlite.claimed_values(person, "name")


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
        assert (summary.new, summary.unchanged, summary.changed, summary.failed) == (0, 4, 0, 0)
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
    from kg.stores.neo4j import BoltStore
    with pytest.raises(StoreError) as info:
        BoltStore(neo4j_uri, user="neo4j", password="wrong-password")
    assert "\n" not in str(info.value)


def test_closed_port_is_a_store_error(neo4j_uri):
    from kg.stores.neo4j import BoltStore
    with pytest.raises(StoreError) as info:
        BoltStore(f"bolt://127.0.0.1:{_free_port()}", password=PASSWORD)
    assert "\n" not in str(info.value)


def test_missing_database_is_a_store_error(neo4j_uri):
    from kg.stores.neo4j import BoltStore
    with pytest.raises(StoreError) as info:
        BoltStore(neo4j_uri, password=PASSWORD, database="nosuchdb")
    assert "nosuchdb" in str(info.value)


def test_neighbours_many_matches_sqlite(stores):
    ids = [n.id for n in stores["sqlite"].iter_nodes("Meeting")]
    for edge_type, direction in (("CHAIRED_BY", "out"), ("REPORTS", "in"), ("HELD_IN", "out")):
        assert stores["bolt"].neighbours_many(ids, edge_type, direction) == \
            stores["sqlite"].neighbours_many(ids, edge_type, direction)


def test_whole_questions_match_the_composed_defaults(stores):
    """The one-query answers of the Neo4j store equal the defaults composed of smaller
    primitives (kg.stores.composed), on every document, person and pair tried."""
    from kg.model import schema
    from kg.stores.base import MeetingFilter
    from queries.paths import relation_types
    sqlite, bolt = stores["sqlite"], stores["bolt"]
    types = list(schema().lineage_edges())
    documents = [n.id for n in sqlite.iter_nodes("Document")]
    for doc in documents:
        for direction, depth in [("in", 1), ("in", 3), ("out", 2), ("out", 6)]:
            for evidence in (True, False):
                assert bolt.reach(doc, types, direction, depth, evidence) == \
                    sqlite.reach(doc, types, direction, depth, evidence), doc
    people = [n.id for n in sqlite.iter_nodes("Person")]
    ends = people[:6] + documents[:4] + [n.id for n in sqlite.iter_nodes("Province")][:2]
    for start in ends[:6]:
        for end in ends:
            for hops, hub in [(6, None), (6, 3), (2, 2), (1, None), (0, None)]:
                found = bolt.shortest_chain(start, end, relation_types(), hops, hub)
                assert found == sqlite.shortest_chain(start, end, relation_types(), hops, hub), (start, end, hops, hub)
    links = (("HELD_IN", "out"), ("REPORTS", "in"), ("CHAIRED_BY", "out"), ("SPEAKER", "out"))
    for which in [MeetingFilter(), MeetingFilter(person=people[0]), MeetingFilter(text="giao ban")]:
        for limit, offset, evidence in [(3, 0, True), (2, 1, False), (50, 0, True), (50, 0, False), (5, 500, True)]:
            assert bolt.meetings_linked(which, limit, offset, links, evidence) == \
                sqlite.meetings_linked(which, limit, offset, links, evidence)
    roles = (("CHAIRED_BY", "in"), ("SPEAKER", "in"), ("ATTENDEE", "in"))
    for post in [n.id for n in sqlite.iter_nodes("Post")]:
        for same, evidence in [(False, True), (True, True), (True, False)]:
            assert bolt.neighbours_linked(post, "HOLDS", "in", roles, same, evidence) == \
                sqlite.neighbours_linked(post, "HOLDS", "in", roles, same, evidence)
    assert any(sqlite.reach(doc, types, "in", 3) for doc in documents)  # the walks above were not all empty
    assert any(sqlite.shortest_chain(a, b, relation_types(), 6, None) for a in ends[:6] for b in ends if a != b)


def test_each_command_is_one_query_after_naming_its_subject(stores):
    """On Neo4j a command reads its subject (by id or name) and then answers in ONE query:
    a round trip costs more than the work of most answers."""
    bolt, sqlite = stores["bolt"], stores["sqlite"]
    person = sqlite.find("Trần Minh Khoa", "Person", exact=True)[0].id
    post = sqlite.find("Bí thư Tỉnh ủy Hậu Giang", "Post", exact=True)[0].id
    resolution = sqlite.find("21-NQ/TW", "Document", exact=True)[0].id
    asked = {
        "meetings": (lambda: queries.meetings(bolt, "Hậu Giang"), 1),
        "chaired": (lambda: queries.chaired(bolt, person), 2),
        "holders": (lambda: queries.holders(bolt, post), 2),
        "lineage": (lambda: queries.lineage(bolt, "21-NQ/TW", "down", 6, fanout=0, limit=0), 2),
        "path": (lambda: queries.path(bolt, person, resolution), 3),
    }
    reads = []
    read_now = bolt._read_now
    bolt._read_now = lambda query, params: (reads.append(query), read_now(query, params))[1]
    try:
        for name, (ask, trips) in asked.items():
            reads.clear()
            ask()
            assert len(reads) == trips, (name, reads)
    finally:
        del bolt._read_now
