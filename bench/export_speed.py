"""Export throughput (triples/s) and peak memory per format on a large synthetic store.

    python bench/export_speed.py --articles 12000            # ≈1M N-Triples triples
    python bench/export_speed.py --articles 3000 --formats nt turtle

The store is synthesised from Facts (no extraction) and cached in --db. Each format runs in
its own child process, so its peak RSS (getrusage ru_maxrss) is its own; comparing two store
sizes shows whether memory grows with the store.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from kg.facts import Article, Evidence
from kg.graph import Facts, Node

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = "Chiều ngày 16/3, đồng chí Trần Minh Khoa, Bí thư Tỉnh ủy, chủ trì hội nghị triển khai Chỉ thị số 20-CT/TU."


def synthetic_facts(i: int, provinces: int = 60) -> Facts:
    """One article's worth of nodes and edges, shaped like the resolver's output."""
    p, year = f"tinh-{i % provinces}", 2000 + i % 25
    article = Article(id=f"a{i}", text=SENTENCE * 3, title=f"Hội nghị số {i}", published=f"{year}-03-18",
                      section="Tin trong tỉnh", views=i % 997)
    facts, ev = Facts(article), Evidence(article.id, 16, 40, SENTENCE, "bench")
    add = lambda id_, type_, name, **props: facts.add_node(Node(id_, type_, name, props), ev)  # noqa: E731
    add(f"article:a{i}", "Article", article.title, title=article.title, published=article.published,
        section=article.section, views=article.views)
    add(f"province:{p}", "Province", f"Tỉnh {i % provinces}", code=str(i % provinces))
    org = add(f"org:tinh-uy@{p}", "Organization", f"Tỉnh ủy {p}")
    meeting = add(f"meeting:a{i}:1", "Meeting", f"Hội nghị {i}", date=f"{year}-03-16")
    docs = [add(f"doc:{p}:{n}-ct-tu-{year}", "Document", f"{n}-CT/TU", number=f"{n}-CT/TU", doc_type="Chỉ thị",
                issuer="Ban Thường vụ Tỉnh ủy", date=f"{year}-0{1 + n % 9}-20", resolved=True)
            for n in (i % 500, i % 500 + 500)]
    for k in range(3):
        person = add(f"person:nguoi-{i % 4000}-{k}@{p}", "Person", f"Người {i % 4000} {k}")
        post = add(f"post:chuc-vu-{k}@{p}", "Post", f"Chức vụ {k} {p}")
        facts.add_edge(person, "HOLDS", post, ev, attested=article.published)
        facts.add_edge(post, "POST_IN", org, ev)
        facts.add_edge(meeting, "CHAIRED_BY" if k == 0 else "ATTENDEE", person, ev)
        facts.add_edge(f"article:a{i}", "MENTIONS", person, ev)
    facts.add_edge(meeting, "HELD_IN", f"province:{p}", ev)
    facts.add_edge(meeting, "ACTS_ON", docs[0], ev, action="review")
    facts.add_edge(docs[0], "IMPLEMENTS", docs[1], ev)
    facts.add_edge(f"article:a{i}", "REPORTS", meeting, ev)
    facts.add_edge(org, "IN_PROVINCE", f"province:{p}", ev)
    for doc in docs:
        facts.add_edge(doc, "ISSUED_BY", org, ev)
        facts.add_edge(f"article:a{i}", "MENTIONS", doc, ev)
    return facts


def build(db_path: Path, articles: int) -> None:
    from kg.stores.sqlite import SQLiteStore
    with SQLiteStore(str(db_path)) as store:
        done = store.counts()["articles"]
        for start in range(done, articles, 1000):
            store.upsert_many(synthetic_facts(i) for i in range(start, min(start + 1000, articles)))


def measure(db_path: Path, fmt: str, out_dir: Path) -> dict:
    """Run in a child: export once, report triples/s and peak RSS."""
    from kg.export import FORMATS, export
    from kg.stores.sqlite import SQLiteStore
    import kg.export.rdf, kg.export.networks  # noqa: F401,E401 — imports are not export time
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with SQLiteStore(str(db_path), create=False) as store:
        start = time.perf_counter()
        result = export(store, fmt, out_dir / f"bench.{fmt}")
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    units = result.get("triples") or result.get("edges", 0) + result.get("nodes", 0)
    return {"format": fmt, **result, "seconds": round(seconds, 2), "per_second": int(units / seconds),
            "peak_rss_mb": round(peak / 1024), "rss_growth_mb": round((peak - base_rss) / 1024),
            "streams": FORMATS[fmt][0] == "kg.export.rdf"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=12000)
    parser.add_argument("--formats", nargs="+", default=["nt", "turtle", "jsonld", "trig", "graphml", "gexf"])
    parser.add_argument("--db", type=Path, default=None, help="store cache [default: /tmp/kg-bench-<articles>.db]")
    parser.add_argument("--out-dir", type=Path, default=Path("/tmp"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    db = args.db or Path(f"/tmp/kg-bench-{args.articles}.db")
    if args.child:
        print(json.dumps(measure(db, args.child, args.out_dir)))
        return
    start = time.perf_counter()
    build(db, args.articles)
    print(f"store: {args.articles} articles in {db} ({time.perf_counter() - start:.1f}s to build/reuse)", file=sys.stderr)
    for fmt in args.formats:
        child = subprocess.run([sys.executable, __file__, "--articles", str(args.articles), "--db", str(db),
                                "--out-dir", str(args.out_dir), "--child", fmt],
                               capture_output=True, text=True, cwd=ROOT, check=True)
        print(child.stdout.strip())


if __name__ == "__main__":
    main()
