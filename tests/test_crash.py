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
