"""Settling rewrites only the articles whose dateless mentions now resolve otherwise (issue 15),
and a store of the layout before it (user_version 1) settles the same after its upgrade.
Articles here are composed for these tests."""
from __future__ import annotations

import sqlite3
import zlib

from kg.ingest import forget, ingest
from kg.stores.sqlite import SQLiteStore
from kg.stores.sqlite.schema import SCHEMA_VERSION
from tests.test_reliability_store import DATED_2017, DATED_2020, DATELESS, OLD_TABLES, graph, jsonl

DATED_2022 = "Ban Thường vụ Tỉnh ủy ban hành Chỉ thị số 20-CT/TU ngày 15/9/2022 về công tác cán bộ."
ARTICLES = {"a": ("a", "2019-01-01", DATELESS), "b": ("b", "2019-02-01", DATED_2017),
            "c": ("c", "2020-03-05", DATED_2020), "d": ("d", "2022-09-20", DATED_2022)}
BASE = "doc:hau-giang:20-ct-tu"


def _add(store, tmp_path, name):
    return ingest(store, [jsonl(tmp_path / f"{name}.jsonl", ARTICLES[name])])


def _watch(store):
    """Record in a temporary table each article whose rows are written or deleted from now on
    (temporary triggers: this connection only, the file unchanged)."""
    store.db.execute("CREATE TEMP TABLE IF NOT EXISTS written (article_id TEXT)")
    for table in ("claim_rows", "edge_rows", "kept_mentions", "dateless"):
        for change, row in (("INSERT", "new"), ("DELETE", "old"), ("UPDATE", "new")):
            store.db.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS w_{table}_{change} AFTER {change} ON main.{table} "
                             f"BEGIN INSERT INTO written VALUES ({row}.article_id); END")
    store.db.execute("DELETE FROM written")


def _written(store):
    return {r[0] for r in store.db.execute("SELECT article_id FROM written")}


def _mentioned(store, article_id):
    return {e.dst for e, _ in store.neighbours(f"article:{article_id}", "MENTIONS", "out")
            if e.dst.startswith(BASE)}


def test_a_dated_document_that_changes_no_resolution_leaves_the_citing_article_untouched(tmp_path):
    store = SQLiteStore(str(tmp_path / "kg.db"))
    for name in ("a", "b", "c"):
        _add(store, tmp_path, name)
    assert _mentioned(store, "a") == {BASE}  # two dated candidates: unresolved
    rows = graph(store)[1]
    _watch(store)
    summary = _add(store, tmp_path, "d")  # a third candidate: still unresolved between several
    assert summary.resettled == 0
    assert _written(store) == {"d"}
    assert {e for e in graph(store)[1] if e[3] == "a"} == {e for e in rows if e[3] == "a"}
    _watch(store)
    assert forget(store, "d") and _written(store) == {"d"}  # back to two: still unresolved


def test_a_dated_document_that_changes_a_resolution_rewrites_the_citing_article(tmp_path):
    store = SQLiteStore(str(tmp_path / "kg.db"))
    _add(store, tmp_path, "a")
    _watch(store)
    assert _add(store, tmp_path, "b").resettled == 1  # none → the one candidate
    assert _written(store) == {"a", "b"} and _mentioned(store, "a") == {f"{BASE}-2017"}
    _watch(store)
    assert _add(store, tmp_path, "c").resettled == 1  # one → several
    assert _written(store) == {"a", "c"} and _mentioned(store, "a") == {BASE}
    assert store.get(BASE).props["resolved"] is False
    forget(store, "b")  # several → the other one
    assert _mentioned(store, "a") == {f"{BASE}-2020"}


def test_settling_only_what_changed_gives_the_graph_of_a_clean_ingest(tmp_path):
    one_by_one = SQLiteStore(str(tmp_path / "kg.db"))
    for name in ("b", "a", "d", "c"):
        _add(one_by_one, tmp_path, name)
    forget(one_by_one, "c")
    clean = SQLiteStore(str(tmp_path / "clean.db"))
    ingest(clean, [jsonl(tmp_path / "all.jsonl", ARTICLES["a"], ARTICLES["b"], ARTICLES["d"])])
    assert graph(one_by_one) == graph(clean)


# The row tables as user_version 1 wrote them (with a rowid), and no `dateless` table.
VERSION_1 = OLD_TABLES + """
CREATE TRIGGER aliases_fts_delete AFTER DELETE ON aliases BEGIN
    INSERT INTO aliases_fts(aliases_fts, rowid, akey) VALUES ('delete', old.rowid, old.akey); END;
CREATE TABLE sentences (article_id TEXT NOT NULL, n INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (article_id, n)) WITHOUT ROWID;
CREATE TABLE claim_rows (node_id TEXT NOT NULL, article_id TEXT NOT NULL, props TEXT NOT NULL,
    start INTEGER, end INTEGER, sentence_n INTEGER, extractor TEXT, name TEXT NOT NULL,
    PRIMARY KEY (node_id, article_id));
CREATE INDEX claim_rows_article ON claim_rows(article_id);
CREATE TABLE edge_rows (src TEXT NOT NULL, type TEXT NOT NULL, dst TEXT NOT NULL,
    article_id TEXT NOT NULL, props TEXT NOT NULL, start INTEGER, end INTEGER, sentence_n INTEGER,
    extractor TEXT, PRIMARY KEY (src, type, dst, article_id));
CREATE INDEX edge_rows_article ON edge_rows(article_id);
CREATE TABLE kept_mentions (article_id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE unsettled (base TEXT PRIMARY KEY);
CREATE VIEW claims AS SELECT c.node_id, c.article_id, c.props, c.start, c.end,
    s.text AS sentence, c.extractor FROM claim_rows c
    LEFT JOIN sentences s ON s.article_id = c.article_id AND s.n = c.sentence_n;
CREATE VIEW edges AS SELECT e.src, e.type, e.dst, e.article_id, e.props, e.start, e.end,
    s.text AS sentence, e.extractor FROM edge_rows e
    LEFT JOIN sentences s ON s.article_id = e.article_id AND s.n = e.sentence_n;
PRAGMA user_version = 1;
"""


def _as_version_1(source: SQLiteStore, path) -> None:
    db = sqlite3.connect(path)
    db.executescript(VERSION_1)
    db.execute("ATTACH ? AS new", (source.location,))
    for table in ("articles", "nodes", "aliases", "sentences", "claim_rows", "edge_rows"):
        db.execute(f"INSERT INTO main.{table} SELECT * FROM new.{table}")
    kept = db.execute("SELECT article_id, body FROM new.kept_mentions").fetchall()
    db.executemany("INSERT INTO main.kept_mentions VALUES (?,?)",  # version 1 kept plain JSON text
                   [(i, zlib.decompress(body).decode("utf-8")) for i, body in kept])
    db.commit()
    db.close()


def test_a_version_1_store_is_upgraded_and_settles_its_old_mentions(tmp_path):
    current = SQLiteStore(str(tmp_path / "kg.db"))
    _add(current, tmp_path, "a")
    old = tmp_path / "old.db"
    _as_version_1(current, old)
    upgraded = SQLiteStore(str(old))
    assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert graph(upgraded) == graph(current)
    assert upgraded.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # what the old mention resolved to is unknown: the first settling of its base rewrites it
    assert upgraded.dateless_citers(BASE, f"{BASE}-2017") == {"a"}
    for store in (current, upgraded):
        assert _add(store, tmp_path, "b").resettled == 1
    assert graph(upgraded) == graph(current)
    assert _mentioned(upgraded, "a") == {f"{BASE}-2017"}


def test_forget_brings_the_sparql_store_up_to_date_with_the_articles_it_resettles(tmp_path):
    """Forgetting the only article that dated a directive moves the mentions citing it back to
    the bare number: the SPARQL store beside the file must follow those articles too."""
    from kg.rdf.sparql import sparql
    from tests.test_sparql_store import _fresh, _on_disk
    store = SQLiteStore(str(tmp_path / "kg.db"))
    ingest(store, [jsonl(tmp_path / "ab.jsonl", ARTICLES["a"], ARTICLES["b"])])
    assert _mentioned(store, "a") == {f"{BASE}-2017"}
    assert sparql("ASK { ?d ?p ?o }", store)["boolean"]  # builds the store beside the file
    assert forget(store, "b")
    assert _mentioned(store, "a") == {BASE}
    assert _on_disk(store) == _fresh(store)


def test_aliases_indexed_per_transaction_keep_the_substring_index_whole(tmp_path):
    """New aliases enter the trigram index once per write transaction, and before any alias
    is deleted; after ingests, rewrites and forgets the index matches the aliases exactly."""
    store = SQLiteStore(str(tmp_path / "kg.db"))
    ingest(store, [jsonl(tmp_path / "ab.jsonl", ARTICLES["a"], ARTICLES["b"])])
    for name in ("c", "d"):
        _add(store, tmp_path, name)
    forget(store, "b")
    forget(store, "d")
    _add(store, tmp_path, "b")
    forget(store, "a")
    store.db.execute("INSERT INTO aliases_fts(aliases_fts, rank) VALUES ('integrity-check', 1)")
    indexed = store.db.execute("SELECT COUNT(*) FROM aliases_fts").fetchone()[0]
    assert indexed == store.db.execute("SELECT COUNT(*) FROM aliases").fetchone()[0]
    assert [n.id for n in store.find("20-ct/t", "Document")] == [f"{BASE}-2017", f"{BASE}-2020"]
