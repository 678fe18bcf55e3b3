"""Extraction throughput (characters/second) on a JSONL corpus repeated N times.

    python bench/extract_speed.py ../shared/corpus/dev.jsonl --repeat 20
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from kg.facts import Article
from loaders.extract import extract


def load(path: Path) -> list[Article]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Article(id=r["id"], text=r["text"], published=r.get("published"),
                    province_context=r.get("province_context")) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    articles = load(args.corpus)
    extract(articles[0])  # warm the vocabularies and compiled patterns
    chars = sum(len(a.text) for a in articles) * args.repeat
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(args.repeat):
        for article in articles:
            extract(article)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    # CPU time is this process's own: on a shared machine it is the per-core figure.
    print(json.dumps({"articles": len(articles) * args.repeat, "characters": chars,
                      "seconds": round(seconds, 3), "chars_per_second": round(chars / seconds),
                      "cpu_seconds": round(cpu, 3), "chars_per_cpu_second": round(chars / cpu),
                      "articles_per_second": round(len(articles) * args.repeat / seconds, 1)}))


if __name__ == "__main__":
    main()
