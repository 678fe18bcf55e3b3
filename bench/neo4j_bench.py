"""Neo4j next to the embedded store on one synthetic corpus: push throughput and query latency.

    python bench/neo4j_bench.py --articles 400            # starts its own Neo4j (tests/neo4j/run-server)
    python bench/neo4j_bench.py --uri bolt://127.0.0.1:7687 --articles 400   # an existing, EMPTIED server

Prints a JSON report: ingest and push rates (nodes, claims, relationships per second; the first
push meets a cold server, `neo4j_push_warm` repeats it into the emptied database) and p50/p95
in-process latency of chaired, who_chaired, person, doc, lineage and search on both stores.
Not a test: numbers depend on the machine. For Neo4j on the very stores bench/run.py ingests
(bulk-imported, same queries and sampled arguments), see bench/peers.py (`bench/run.py --peers`).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLES = ["Văn", "Thị", "Minh", "Quốc", "Thanh", "Hồng", "Đức", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Khoa", "Lan", "Long", "Mai", "Nam", "Phúc", "Sơn",
         "Tâm", "Thảo", "Trung", "Tuấn", "Vinh"]
PROVINCES = ["Hậu Giang", "Cần Thơ", "Sóc Trăng", "Bạc Liêu", "Cà Mau", "Kiên Giang", "An Giang",
             "Vĩnh Long", "Trà Vinh", "Bến Tre", "Ninh Bình", "Nam Định"]
POSTS = ["Bí thư Tỉnh ủy", "Phó Bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh", "Phó Chủ tịch UBND tỉnh",
         "Chủ tịch HĐND tỉnh", "Trưởng Ban Tuyên giáo Tỉnh ủy"]
TOPICS = ["công tác y tế", "chuyển đổi số", "phát triển nông nghiệp", "cải cách hành chính",
          "xây dựng nông thôn mới", "công tác dân vận", "bảo hiểm xã hội", "phòng, chống tham nhũng"]
MEETINGS = ["Hội nghị Ban Thường vụ Tỉnh ủy", "Hội nghị Ban Chấp hành Đảng bộ tỉnh", "cuộc họp thường kỳ UBND tỉnh",
            "Hội nghị sơ kết", "Hội nghị giao ban"]


def synthetic_articles(count: int, seed: int = 7) -> list[dict]:
    """`count` JSONL article records composed from simple Vietnamese sentences, reproducibly."""
    rng = random.Random(seed)
    people = {p: [f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}" for _ in POSTS]
              for p in PROVINCES}
    records = []
    for i in range(count):
        province = rng.choice(PROVINCES)
        year, month, day = rng.choice([2019, 2020, 2021, 2022, 2023]), rng.randint(1, 12), rng.randint(1, 28)
        chair, other = rng.sample(range(len(POSTS)), 2)
        topic, meeting = rng.choice(TOPICS), rng.choice(MEETINGS)
        directive = f"{rng.randint(1, 40)}-CT/TU"
        plan = f"{rng.randint(1, 300)}/KH-UBND"
        sentences = [
            f"Sáng ngày {day}/{month}, đồng chí {people[province][chair]}, {POSTS[chair]} {province} chủ trì "
            f"{meeting} về {topic}.",
            f"Cùng dự có đồng chí {people[province][other]}, {POSTS[other]}.",
            f"Hội nghị đã sơ kết việc thực hiện Chỉ thị số {directive} ngày {rng.randint(1, 28)}/"
            f"{rng.randint(1, 12)}/{year - 2} của Ban Thường vụ Tỉnh ủy thực hiện Nghị quyết số 21-NQ/TW "
            f"ngày 22/11/2012 của Bộ Chính trị.",
            f"Tại hội nghị, các đại biểu đã thảo luận Kế hoạch số {plan} ngày {day}/{month}/{year} của UBND "
            f"tỉnh triển khai thực hiện Chỉ thị số {directive}.",
            f"Phát biểu kết luận, đồng chí {people[province][chair]} yêu cầu các sở, ngành khẩn trương "
            f"hoàn thành các chỉ tiêu về {topic}.",
        ]
        records.append({"id": f"syn-{i:05d}", "title": f"{meeting} về {topic}", "province_context": province,
                        "published": f"{year}-{month:02d}-{day:02d}", "url": f"https://example.vn/syn/{i}",
                        "text": " ".join(sentences)})
    return records


def write_corpus(path: Path, count: int, seed: int = 7) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in synthetic_articles(count, seed)),
                    encoding="utf-8")
    return path


def _latency(store, calls: dict, repeat: int) -> dict:
    out = {}
    for name, call in calls.items():
        call(store)  # warm caches and query plans
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            call(store)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        out[name] = {"p50_ms": round(statistics.median(times), 2),
                     "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2)}
    return out


def _query_calls(sqlite) -> dict:
    import queries
    person = next(n.name for n in sqlite.iter_nodes("Person"))
    meeting = "giao ban"
    return {
        "chaired": lambda db: queries.chaired(db, person),
        "who_chaired": lambda db: queries.who_chaired(db, meeting),
        "person": lambda db: queries.person_profile(db, person),
        "doc": lambda db: queries.document(db, "21-NQ/TW"),
        "lineage": lambda db: queries.lineage(db, "21-NQ/TW", "down"),
        "search": lambda db: queries.search(db, "tinh uy", None),
    }


def run(uri: str, articles: int, batch: int, repeat: int, workdir: Path) -> dict:
    from kg.ingest import ingest
    from kg.push import push
    from kg.stores.neo4j import BoltStore
    from kg.stores.sqlite import SQLiteStore

    corpus = write_corpus(workdir / "synthetic.jsonl", articles)
    sqlite = SQLiteStore(str(workdir / "kg.db"))
    started = time.perf_counter()
    summary = ingest(sqlite, [str(corpus)])
    ingest_s = time.perf_counter() - started
    counts = sqlite.counts()
    nodes, edges = sum(counts["nodes"].values()), summary.edges
    bolt = BoltStore(uri)
    with bolt.driver.session(database=bolt.database) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
    pushed = push(sqlite, bolt, batch=batch)
    assert bolt.counts() == counts, "push did not reproduce the source counts"
    started = time.perf_counter()
    again = push(sqlite, bolt, batch=batch)
    rerun_s = time.perf_counter() - started
    with bolt.driver.session(database=bolt.database) as session:  # again, on a warmed-up server
        session.run("MATCH (n) DETACH DELETE n").consume()
    warm = push(sqlite, bolt, batch=batch)
    relationships = pushed["claims"] + pushed["facts"]  # CLAIMS + one relationship per fact
    report = {
        "corpus": {"articles": counts["articles"], "nodes": nodes, "claims": pushed["claims"],
                   "edges": edges},
        "sqlite_ingest": {"seconds": round(ingest_s, 2), "articles_per_s": round(articles / ingest_s, 1)},
        "neo4j_push": {"batch": batch, "seconds": pushed["seconds"],
                       "articles_per_s": round(articles / pushed["seconds"], 1),
                       "nodes_per_s": round(nodes / pushed["seconds"], 1),
                       "claims_per_s": round(pushed["claims"] / pushed["seconds"], 1),
                       "relationships_per_s": round(relationships / pushed["seconds"], 1),
                       "rerun_seconds": round(rerun_s, 2), "rerun_skipped": again["skipped"]},
        "neo4j_push_warm": {"seconds": warm["seconds"], "articles_per_s": round(articles / warm["seconds"], 1),
                            "nodes_per_s": round(nodes / warm["seconds"], 1),
                            "relationships_per_s": round(relationships / warm["seconds"], 1)},
    }
    calls = _query_calls(sqlite)
    report["latency_ms"] = {"sqlite": _latency(sqlite, calls, repeat), "neo4j": _latency(bolt, calls, repeat)}
    sqlite.close()
    bolt.close()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uri", help="an existing server (it is emptied!); default: start one")
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = None
        if not args.uri:
            from tests.neo4j_server import PASSWORD, NeoServer
            import os
            os.environ.setdefault("KG_NEO4J_PASSWORD", PASSWORD)
            server = NeoServer(Path(tmp) / "neo4j" / "data").start()
        try:
            report = run(args.uri or server.uri, args.articles, args.batch, args.repeat, Path(tmp))
        finally:
            if server:
                server.stop()
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
