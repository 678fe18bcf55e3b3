"""Crash safety: SIGKILL a real `kg ingest` at random moments, many times.

After every kill the store must open, pass `PRAGMA integrity_check`, and hold exactly the
batches committed before the kill: every stored article with all of its claims and edges
(the same ones a clean ingest gives), nothing for articles not stored. Running the same
ingest again must finish the rest with no duplicates (each kill after the first resumes the
previous killed run; a store that got complete is started afresh). KG_CRASH_KILLS sets the
number of kills.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # kills processes at random moments, many times

from kg.ingest import BATCH, ingest
from kg.stores.sqlite import SQLiteStore
from tests.test_ingest_robustness import generated

ROOT = Path(__file__).resolve().parents[1]
KG = [sys.executable, "-c", "from kg.cli.app import main; main()"]
ARTICLES = 1200
KILLS = int(os.environ.get("KG_CRASH_KILLS", "12"))


def snapshot(path: str) -> tuple[list[str], dict[str, set], dict[str, set]]:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name='articles'").fetchone():
            return [], {}, {}  # killed before the store's tables were made (a loaded machine)
        articles = [r[0] for r in db.execute("SELECT id FROM articles ORDER BY id")]
        claims, edges = {}, {}
        for node, article in db.execute("SELECT node_id, article_id FROM claims"):
            claims.setdefault(article, set()).add(node)
        for src, kind, dst, article in db.execute("SELECT src, type, dst, article_id FROM edges"):
            edges.setdefault(article, set()).add((src, kind, dst))
        orphans = db.execute("SELECT COUNT(*) FROM nodes WHERE id NOT IN (SELECT node_id FROM claims)").fetchone()[0]
        assert orphans == 0
    finally:
        db.close()
    return articles, claims, edges


def test_sigkill_at_random_moments_keeps_whole_batches_and_resumes(tmp_path):
    source = generated(tmp_path / "gen.jsonl", ARTICLES)
    order = [json.loads(line)["id"] for line in source.read_text(encoding="utf-8").splitlines()]
    reference = SQLiteStore(str(tmp_path / "ref.db"))
    assert ingest(reference, [str(source)]).new == ARTICLES
    reference.close()
    _, ref_claims, ref_edges = snapshot(str(tmp_path / "ref.db"))

    db = str(tmp_path / "kg.db")
    rng = random.Random(20240601)
    stored_counts = []
    for _ in range(KILLS):
        if stored_counts and stored_counts[-1] == ARTICLES:  # a run finished before its kill: start over
            for leftover in Path(tmp_path).glob("kg.db*"):
                leftover.unlink()
        run = subprocess.Popen(KG + ["ingest", str(source), "--store", db], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.0))
        run.send_signal(signal.SIGKILL)
        run.wait()
        articles, claims, edges = snapshot(db)
        # batches are committed in input order, whole: the store holds a prefix of BATCH multiples
        assert len(articles) % BATCH == 0 or len(articles) == ARTICLES, len(articles)
        assert articles == sorted(order[:len(articles)])
        assert set(claims) == set(articles) and set(edges) <= set(articles)
        for article in articles:
            assert claims[article] == ref_claims[article] and edges.get(article, set()) == ref_edges.get(article, set())
        stored_counts.append(len(articles))

    done = subprocess.run(KG + ["ingest", str(source), "--store", db, "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)["articles"]
    assert counts["new"] + counts["unchanged"] == ARTICLES and counts["failed"] == counts["changed"] == 0
    articles, claims, edges = snapshot(db)
    assert articles == sorted(order) and claims == ref_claims and edges == ref_edges
    print("articles stored at each kill:", stored_counts)
    assert any(0 < n < ARTICLES for n in stored_counts), stored_counts  # some kills landed mid-ingest


# -- a kill between a batch's commit and its settling, and during forget (issue 12, items 8, 12) ---
# Composed articles that settle: dateless mentions of a Hậu Giang directive and two dated ones.
DATELESS = ("Ban Thường vụ Tỉnh ủy tổ chức hội nghị sơ kết thực hiện Chỉ thị số 20-CT/TU của Ban Thường vụ "
            "Tỉnh ủy về công tác dân vận.")
DATED = {"2017": "Ngày 12/4/2017, Ban Thường vụ Tỉnh ủy ban hành Chỉ thị số 20-CT/TU ngày 12/4/2017 về dân vận.",
         "2020": "Ban Thường vụ Tỉnh ủy ban hành Chỉ thị số 20-CT/TU ngày 02/3/2020 về chuyển đổi số."}
# Runs kg with one store method made to SIGKILL the process: after the original ran (its
# transaction committed), or after it ran N times.
KILLING = """
import os, signal, sys
from kg.stores.sqlite import SQLiteStore
name, after = sys.argv[1], int(sys.argv[2])
original, calls = getattr(SQLiteStore, name), []
def killing(self, *args, **kwargs):
    result = original(self, *args, **kwargs)
    calls.append(1)
    if len(calls) >= after:
        os.kill(os.getpid(), signal.SIGKILL)
    return result
setattr(SQLiteStore, name, killing)
from kg.cli.app import main
sys.argv = ["kg"] + sys.argv[3:]
main()
"""


def _articles(path: Path, *rows: tuple[str, str, str]) -> str:
    path.write_text("".join(json.dumps({"id": i, "published": p, "province_context": "Hậu Giang", "text": t},
                                       ensure_ascii=False) + "\n" for i, p, t in rows), encoding="utf-8")
    return str(path)


def _killed(method: str, after: int, *args: str) -> None:
    run = subprocess.run([sys.executable, "-c", KILLING, method, str(after), *args], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr


def _graph(path: str) -> tuple[set, set]:
    store = SQLiteStore(path)
    try:
        nodes = {(n.id, json.dumps(n.props, sort_keys=True)) for n in store.iter_nodes()}
        return nodes, {(e.src, e.type, e.dst, e.article_id) for e in store.iter_edges()}
    finally:
        store.close()


def _clean(tmp_path: Path, *sources: str) -> tuple[set, set]:
    path = str(tmp_path / "clean.db")
    store = SQLiteStore(path)
    for source in sources:  # one batch each, as the store under test got them
        ingest(store, [source])
    store.close()
    return _graph(path)


def test_kill_between_a_batch_commit_and_settling_is_settled_by_the_next_writer(tmp_path):
    db = str(tmp_path / "kg.db")
    first = _articles(tmp_path / "a.jsonl", ("a1", "2019-01-01", DATELESS), ("a2", "2019-01-02", DATELESS))
    second = _articles(tmp_path / "b.jsonl", ("b", "2019-02-01", DATED["2017"]))
    store = SQLiteStore(db)
    ingest(store, [first])
    store.close()
    _killed("upsert_many", 1, "ingest", second, "--store", db)
    expected = _clean(tmp_path, first, second)
    assert _graph(db) != expected  # committed, not settled: the mentions still point at the bare number
    done = subprocess.run(KG + ["ingest", second, "--store", db, "--json"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["articles"]["unchanged"] == 1
    assert _graph(db) == expected


@pytest.mark.parametrize("method, after", [("retract", 1), ("replace", 1)])
def test_kill_during_forget_is_finished_by_the_next_writer(tmp_path, method, after):
    """Killed once the article is retracted, or once one of the two dateless mentions is
    resolved again: running forget again leaves the graph of a clean ingest without it."""
    db = str(tmp_path / "kg.db")
    mentions = _articles(tmp_path / "a.jsonl", ("a1", "2019-01-01", DATELESS), ("a2", "2019-01-02", DATELESS))
    kept = _articles(tmp_path / "b.jsonl", ("b", "2019-02-01", DATED["2017"]))
    gone = _articles(tmp_path / "c.jsonl", ("c", "2020-03-05", DATED["2020"]))
    store = SQLiteStore(db)
    for source in (mentions, kept, gone):
        ingest(store, [source])
    store.close()
    _killed(method, after, "forget", "c", "--store", db)
    snapshot(db)  # whole transactions only
    subprocess.run(KG + ["forget", "c", "--store", db], cwd=ROOT, capture_output=True, text=True)
    assert _graph(db) == _clean(tmp_path, mentions, kept)


# -- kills during export and push (issue 12, "done means") ------------------------------------------
EXPORT_KILLS = int(os.environ.get("KG_CRASH_EXPORT_KILLS", "6"))


def test_sigkill_during_export_leaves_the_old_file_or_the_whole_new_one(tmp_path):
    source = generated(tmp_path / "gen.jsonl", 600)
    db = str(tmp_path / "kg.db")
    store = SQLiteStore(db)
    ingest(store, [str(source)])
    store.close()
    out = tmp_path / "kg.nt"
    done = subprocess.run(KG + ["export", "-f", "nt", "-o", str(out), "--store", db], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    whole = out.read_bytes()
    old = b"<urn:x:old> <urn:x:p> <urn:x:o> .\n"
    rng = random.Random(20240602)
    for _ in range(EXPORT_KILLS):
        out.write_bytes(old)
        before = _beside(out)
        run = subprocess.Popen(KG + ["export", "-f", "nt", "-o", str(out), "--store", db], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # once writing has begun (the target or a file beside it changed), a little later
        while run.poll() is None and out.stat().st_size == len(old) and _beside(out) == before:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.1))
        run.send_signal(signal.SIGKILL)
        run.wait()
        assert out.read_bytes() in (old, whole)


def _beside(out: Path) -> set[Path]:
    """Files in the output's folder, but the store's (its WAL files come and go with readers)."""
    return {p for p in out.parent.iterdir() if not p.name.startswith("kg.db")}


PUSH_KILLS = int(os.environ.get("KG_CRASH_PUSH_KILLS", "5"))


def test_sigkill_during_push_leaves_whole_batches_and_a_rerun_completes(tmp_path, neo4j_uri):
    from tests import neo4j_server
    from tests.test_neo4j_tools import _bolt, assert_same_graph
    neo4j_server.clear(neo4j_uri)
    source = generated(tmp_path / "gen.jsonl", 400)
    db = str(tmp_path / "kg.db")
    store = SQLiteStore(db)
    ingest(store, [str(source)])
    env = {**os.environ, "KG_NEO4J_USER": "neo4j", "KG_NEO4J_PASSWORD": neo4j_server.PASSWORD}
    push = KG + ["push", neo4j_uri, "--store", db, "--batch", "20"]
    rng, landed = random.Random(20240603), []
    with _bolt(neo4j_uri) as bolt:
        for _ in range(PUSH_KILLS):
            start = bolt.counts()["articles"]
            run = subprocess.Popen(push, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while run.poll() is None and bolt.counts()["articles"] == start:  # until its first batch lands
                time.sleep(0.02)
            time.sleep(rng.uniform(0, 0.3))
            run.send_signal(signal.SIGKILL)
            run.wait()
            landed.append(bolt.counts()["articles"])
            assert landed[-1] % 20 == 0 or landed[-1] == 400, landed  # whole batches only
        done = subprocess.run(push, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert_same_graph(bolt, store)
    store.close()
    print("articles in Neo4j at each kill:", landed)
