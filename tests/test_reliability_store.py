"""The SQLite store under hostile input and hostile files (issue 12): storage linear in an
article, settling that needs no extraction and follows forgetting, read-only, newer and
damaged stores. Articles here are composed for these tests."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg.ingest
import kg.work
from kg.errors import StoreError
from kg.ingest import forget, ingest
from kg.stores.sqlite import SQLiteStore
from kg.stores.sqlite.schema import SCHEMA_VERSION
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
KG = [sys.executable, "-c", "from kg.cli.app import main; main()"]

# A dateless mention of a Hậu Giang directive, the directive dated, and a second one of that number.
DATELESS = ("Ban Thường vụ Tỉnh ủy tổ chức hội nghị sơ kết 5 năm thực hiện Chỉ thị số 20-CT/TU của "
            "Ban Thường vụ Tỉnh ủy về công tác dân vận. Kế hoạch số 77/KH-UBND ngày 03/5/2018 của UBND "
            "tỉnh triển khai Chỉ thị số 20-CT/TU của Ban Thường vụ Tỉnh ủy.")
DATED_2017 = "Ngày 12/4/2017, Ban Thường vụ Tỉnh ủy ban hành Chỉ thị số 20-CT/TU ngày 12/4/2017 về công tác dân vận."
DATED_2020 = "Ban Thường vụ Tỉnh ủy ban hành Chỉ thị số 20-CT/TU ngày 02/3/2020 về chuyển đổi số."


def jsonl(path: Path, *articles: tuple[str, str, str]) -> str:
    path.write_text("".join(json.dumps({"id": i, "published": p, "province_context": "Hậu Giang", "text": t},
                                       ensure_ascii=False) + "\n" for i, p, t in articles), encoding="utf-8")
    return str(path)


def numbers_article(count: int) -> tuple[str, str, str]:
    listed = ", ".join(f"{n}/QĐ-UBND" for n in range(1, count + 1))
    return ("list", "2024-01-05", f"Ủy ban nhân dân tỉnh đã ban hành các Quyết định số {listed} trong năm qua.")


def graph(store) -> tuple[set, set]:
    nodes = {(n.id, n.type, n.name, json.dumps(n.props, sort_keys=True)) for n in store.iter_nodes()}
    edges = {(e.src, e.type, e.dst, e.article_id, json.dumps(e.props, sort_keys=True)) for e in store.iter_edges()}
    return nodes, edges


def store_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


# -- item 1: one article costs storage linear in its size ----------------------------------------
@pytest.mark.slow  # a growth rate, measured on large inputs
def test_one_sentence_listing_thousands_of_numbers_is_stored_in_linear_space(tmp_path):
    sizes = {}
    for count in (500, 2000):
        source = jsonl(tmp_path / f"list{count}.jsonl", numbers_article(count))
        path = tmp_path / f"kg{count}.db"
        store = SQLiteStore(str(path))
        assert ingest(store, [source]).new == 1
        sentence = numbers_article(count)[2]
        assert store.db.execute("SELECT COUNT(*) FROM sentences WHERE text=?", (sentence,)).fetchone()[0] == 1
        store.close()
        sizes[count] = store_bytes(path), len(sentence.encode("utf-8"))
    stored, text = sizes[2000]
    # about 1 KB per document named (node, claim, edge, aliases, indexes); a copy of the
    # sentence per claim (the old layout) made it 2,000 × 27 KB
    assert stored < 100 * text, sizes
    assert stored / sizes[500][0] < 5, sizes  # 4× the numbers: linear is ~4×, quadratic ~16×


def test_every_reader_gets_each_claims_sentence_back(example_store):
    db = example_store.db
    expected = {(e.src, e.type, e.dst, e.article_id): e.evidence.sentence for e in example_store.iter_edges()
                if e.evidence}
    assert expected and any(expected.values())
    # the `edges`/`claims` views that RDF, Neo4j export and push read keep their columns
    viewed = {tuple(r[:4]): r[4] for r in db.execute("SELECT src, type, dst, article_id, sentence FROM edges")}
    assert all(viewed[k] == v for k, v in expected.items())
    from kg.push import batch_rows
    with example_store.graph_source() as graph:
        pushed = batch_rows(graph, [r[0] for r in db.execute("SELECT id FROM articles")])
    # one Neo4j relationship per fact, with its claims' articles and sentences as aligned lists
    # (the Neo4j layout may turn a relation around, so compare per article)
    pushed_sentences = {(article, sentence) for facts, _ in pushed["facts"].values() for f in facts
                        for article, sentence in zip(f["c"]["articles"], f["c"]["sentences"])}
    assert pushed_sentences == {(a.removeprefix("article:"), v) for (_, _, _, a), v in expected.items()}
    claims = db.execute("SELECT COUNT(*), COUNT(sentence) FROM claims").fetchone()
    assert claims[0] == claims[1] > 0
    stored = db.execute("SELECT COUNT(*) FROM claim_rows").fetchone()[0]
    distinct = db.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
    assert distinct < stored  # claims share their sentences


def test_an_article_over_the_fact_limit_fails_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_MAX_ARTICLE_FACTS", "300")
    source = jsonl(tmp_path / "in.jsonl", numbers_article(400), ("ok", "2024-01-06", DATED_2017))
    store = SQLiteStore(str(tmp_path / "kg.db"))
    summary = ingest(store, [source])
    assert (summary.new, summary.failed) == (1, 1)
    assert len(summary.errors) == 1 and "in.jsonl:1" in summary.errors[0] and "KG_MAX_ARTICLE_FACTS" in summary.errors[0]
    assert store.article("ok") and not store.article("list")


# The tables every older layout shares (articles, nodes, aliases and their trigram index).
OLD_TABLES = """
CREATE TABLE articles (id TEXT PRIMARY KEY, hash TEXT NOT NULL, published TEXT, meta TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE nodes (id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, props TEXT NOT NULL DEFAULT '{}');
CREATE TABLE aliases (node_id TEXT NOT NULL, alias TEXT NOT NULL, fkey TEXT NOT NULL, akey TEXT NOT NULL,
    PRIMARY KEY (node_id, alias));
CREATE VIRTUAL TABLE aliases_fts USING fts5(akey, content='aliases', tokenize='trigram');
CREATE TRIGGER aliases_fts_insert AFTER INSERT ON aliases BEGIN
    INSERT INTO aliases_fts(rowid, akey) VALUES (new.rowid, new.akey); END;
"""
OLD_LAYOUT = OLD_TABLES + """
CREATE TABLE claims (node_id TEXT NOT NULL, article_id TEXT NOT NULL, props TEXT NOT NULL,
    start INTEGER, end INTEGER, sentence TEXT, extractor TEXT, PRIMARY KEY (node_id, article_id));
CREATE INDEX claims_article ON claims(article_id);
CREATE TABLE edges (src TEXT NOT NULL, type TEXT NOT NULL, dst TEXT NOT NULL, article_id TEXT NOT NULL,
    props TEXT NOT NULL, start INTEGER, end INTEGER, sentence TEXT, extractor TEXT,
    PRIMARY KEY (src, type, dst, article_id));
CREATE INDEX edges_article ON edges(article_id);
CREATE INDEX edges_dst_src ON edges(dst, type, src);
"""


def test_a_store_of_the_old_layout_is_upgraded_in_place(example_store, tmp_path):
    """A store written before sentences were shared (user_version 0): its first writer moves the
    sentences into their table and every read gives what it gave."""
    old = tmp_path / "old.db"
    db = sqlite3.connect(old)
    db.executescript(OLD_LAYOUT)
    db.execute("ATTACH ? AS new", (example_store.location,))
    for table in ("articles", "nodes", "aliases", "claims", "edges"):
        db.execute(f"INSERT INTO main.{table} SELECT * FROM new.{table}")
    db.commit()
    db.close()
    upgraded = SQLiteStore(str(old))
    assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert graph(upgraded) == graph(example_store)
    assert [e.evidence for e in upgraded.iter_edges()] == [e.evidence for e in example_store.iter_edges()]
    assert upgraded.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# -- items 8, 12 and issue 15: settling ------------------------------------------------------------
def test_forget_gives_back_the_graph_of_a_clean_ingest_without_the_article(tmp_path):
    a = ("a", "2019-01-01", DATELESS)
    b = ("b", "2019-02-01", DATED_2017)
    store = SQLiteStore(str(tmp_path / "kg.db"))
    ingest(store, [jsonl(tmp_path / "a.jsonl", a)])
    ingest(store, [jsonl(tmp_path / "b.jsonl", b)])
    assert store.get("doc:hau-giang:20-ct-tu-2017") is not None  # a's mention joined b's directive
    assert forget(store, "b")
    clean = SQLiteStore(str(tmp_path / "clean.db"))
    ingest(clean, [jsonl(tmp_path / "a.jsonl", a)])
    assert graph(store) == graph(clean)
    assert store.get("doc:hau-giang:20-ct-tu-2017") is None
    assert not store.unsettled()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from(["a", "b", "c", "-a", "-b", "-c"]), min_size=1, max_size=8))
def test_any_ingests_and_forgets_give_the_graph_of_a_clean_ingest(tmp_path, steps):
    articles = {"a": ("a", "2019-01-01", DATELESS), "b": ("b", "2019-02-01", DATED_2017),
                "c": ("c", "2020-03-05", DATED_2020)}
    for name in ("kg.db", "clean.db"):
        for leftover in tmp_path.glob(name + "*"):
            leftover.unlink()
    store, held = SQLiteStore(str(tmp_path / "kg.db")), []
    for step in steps:
        if step.startswith("-"):
            forget(store, step[1:])
            held = [h for h in held if h != step[1:]]
        else:
            ingest(store, [jsonl(tmp_path / f"{step}.jsonl", articles[step])])
            held = [h for h in held if h != step] + [step]
    clean = SQLiteStore(str(tmp_path / "clean.db"))
    for name in held:
        ingest(clean, [jsonl(tmp_path / f"{name}.jsonl", articles[name])])
    try:
        assert graph(store) == graph(clean), steps
    finally:
        store.close()
        clean.close()


def test_forget_through_the_cli_resettles(tmp_path):
    db = str(tmp_path / "kg.db")
    source = jsonl(tmp_path / "ab.jsonl", ("a", "2019-01-01", DATELESS), ("b", "2019-02-01", DATED_2017),
                   ("c", "2020-03-05", DATED_2020))
    store = SQLiteStore(db)
    ingest(store, [source])
    assert store.get("doc:hau-giang:20-ct-tu")  # two dated candidates: the mention stays unresolved
    store.close()
    done = subprocess.run(KG + ["forget", "c", "--store", db], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    store = SQLiteStore(db)
    mentions = {e.dst for e, _ in store.neighbours("article:a", "MENTIONS", "out")}
    assert "doc:hau-giang:20-ct-tu-2017" in mentions and store.get("doc:hau-giang:20-ct-tu") is None


def test_settling_resolves_again_without_extracting_again(tmp_path, monkeypatch):
    extracted = []
    real = kg.work.extract
    for module in (kg.work, kg.ingest):  # ingest's own extract is settling's fallback
        monkeypatch.setattr(module, "extract", lambda article: extracted.append(article.id) or real(article))
    store = SQLiteStore(str(tmp_path / "kg.db"))
    ingest(store, [jsonl(tmp_path / "a.jsonl", ("a", "2019-01-01", DATELESS))])
    summary = ingest(store, [jsonl(tmp_path / "b.jsonl", ("b", "2019-02-01", DATED_2017))])
    assert summary.resettled == 1
    assert extracted == ["a", "b"]  # a was resolved again from what the store kept
    implements = {(e.src, e.dst) for e in store.iter_edges("IMPLEMENTS")}
    assert implements == {("doc:hau-giang:77-kh-ubnd-2018", "doc:hau-giang:20-ct-tu-2017")}


def test_reingesting_stored_articles_extracts_nothing(tmp_path, monkeypatch):
    store = SQLiteStore(str(tmp_path / "kg.db"))
    assert ingest(store, [str(EXAMPLES)]).new == 4
    extracted = []
    for module in (kg.work, kg.ingest):
        monkeypatch.setattr(module, "extract", lambda article: extracted.append(article.id))
    summary = ingest(store, [str(EXAMPLES)])
    assert (summary.unchanged, summary.failed, extracted) == (4, 0, [])


# -- item 14: names that do not depend on arrival order ---------------------------------------------
OLD_MARK = "Sáng ngày {d}/5, đồng chí Võ Thị Thuỷ, Phó Chủ tịch UBND tỉnh chủ trì hội nghị về công tác dân vận."
NEW_MARK = "Chiều {d}/5, đồng chí Võ Thị Thủy, Phó Chủ tịch UBND tỉnh chủ trì cuộc họp về chuyển đổi số."


@pytest.mark.parametrize("spellings, shown", [((OLD_MARK, NEW_MARK, NEW_MARK), "Võ Thị Thủy"),
                                              ((OLD_MARK, OLD_MARK, NEW_MARK), "Võ Thị Thuỷ"),
                                              ((OLD_MARK, NEW_MARK), "Võ Thị Thuỷ")])
def test_a_name_is_its_most_claimed_spelling_whatever_the_order(tmp_path, spellings, shown):
    """Tone marks placed two ways: the node shows the spelling most articles use (a tie: the
    smaller string), in every arrival order, and again after the deciding article is forgotten."""
    from itertools import permutations
    articles = [(f"t{i}", "2024-05-06", text.format(d=i + 2)) for i, text in enumerate(spellings)]
    for n, order in enumerate(permutations(articles)):
        store = SQLiteStore(str(tmp_path / f"kg{n}.db"))
        for article in order:  # one writer after another, as concurrent writers interleave
            ingest(store, [jsonl(tmp_path / f"{article[0]}.jsonl", article)])
        assert [p.name for p in store.iter_nodes("Person")] == [shown], order
        store.close()
    if len(articles) == 3:  # forget one of the majority: a tie, which the smaller spelling wins
        store = SQLiteStore(str(tmp_path / "kg0.db"))
        forget(store, next(i for i, _, text in articles if shown in text))
        assert [p.name for p in store.iter_nodes("Person")] == [min("Võ Thị Thuỷ", "Võ Thị Thủy")]
        store.close()


# -- item 10: read-only, newer and damaged stores --------------------------------------------------
def _run_without_override(args: list[str]) -> subprocess.CompletedProcess:
    """Root writes anything: drop the capability to override file modes, so that they apply to
    the child as they do to users."""
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: file modes cannot be made to apply")
        prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
    return subprocess.run(prefix + KG + args, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("locked", ["file", "folder"])
def test_a_read_only_store_can_be_queried(tmp_path, locked):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "kg.db"
    store = SQLiteStore(str(db))
    ingest(store, [str(EXAMPLES)])
    stored = store.db.execute("SELECT id FROM articles LIMIT 1").fetchone()[0]
    store.close()
    os.chmod(tmp_path, 0o755)
    db.chmod(0o444)
    if locked == "folder":
        folder.chmod(0o555)
    else:
        folder.chmod(0o777)
    try:
        stats = _run_without_override(["stats", "--store", str(db), "--json"])
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)["articles"] == 4
        write = _run_without_override(["forget", stored, "--store", str(db)])
        assert write.returncode == 1 and len(write.stderr.strip().splitlines()) == 1, write.stderr
        assert "internal error" not in write.stderr
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)


def test_a_store_from_a_newer_kg_is_refused_with_one_line(tmp_path):
    db = tmp_path / "kg.db"
    SQLiteStore(str(db)).close()
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreError, match="newer kg.*upgrade kg"):
        SQLiteStore(str(db))
    done = subprocess.run(KG + ["stats", "--store", str(db)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1 and done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert "upgrade kg" in done.stderr


def test_a_damaged_store_gives_one_line(tmp_path):
    db = tmp_path / "kg.db"
    store = SQLiteStore(str(db))
    ingest(store, [str(EXAMPLES)])
    store.close()
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(page * 3, len(data) - page, page * 2):  # every other page past the schema
        data[offset:offset + page] = bytes([0x5A]) * page
    db.write_bytes(bytes(data))
    for command in (["stats"], ["search", "tinh uy"], ["meetings"], ["export", "-f", "nt", "-o", str(tmp_path / "x.nt")]):
        done = subprocess.run(KG + command + ["--store", str(db)], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode != 0, command
        assert len(done.stderr.strip().splitlines()) == 1 and "internal error" not in done.stderr, done.stderr


# -- item 14: a push batch over Neo4j's transaction memory limit ------------------------------------
@pytest.mark.neo4j
@pytest.mark.slow  # a server of its own, started with a lowered transaction memory limit
def test_push_splits_a_batch_over_the_transaction_memory_limit(tmp_path, monkeypatch):
    """With one transaction allowed 4 MiB, `--batch 10000` of 120 articles must still land, whole
    (it stopped at 0 of N, and advised a re-run that failed the same way)."""
    from tests.neo4j_server import NeoServer, require_java
    from tests.test_ingest_robustness import generated
    from tests.test_neo4j_tools import _bolt, assert_same_graph
    from kg.push import push
    require_java()
    store = SQLiteStore(str(tmp_path / "kg.db"))
    assert ingest(store, [str(generated(tmp_path / "gen.jsonl", 120))]).new == 120
    monkeypatch.setenv("KG_NEO4J_TX_MAX", "4m")
    server = NeoServer(tmp_path / "neo4j" / "data").start()
    try:
        with _bolt(server.uri, retry_seconds=1) as bolt:
            result = push(store, bolt, batch=10_000)
            assert (result["new"], result["skipped"]) == (120, 0)
            assert_same_graph(bolt, store)
    finally:
        server.stop()
        store.close()
