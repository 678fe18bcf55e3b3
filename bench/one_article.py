"""Store cost of one article that lists N document numbers in one sentence (issue 12, item 1).

    python bench/one_article.py 4000 [--kg PATH_TO_A_KG_CHECKOUT]

Writes the article as JSONL, runs `kg ingest` on it into a fresh store in a child process and
prints the article's size, the store's size (file plus WAL), the time, and the child's peak RSS.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def article(numbers: int) -> dict:
    listed = ", ".join(f"{n}/QĐ-UBND" for n in range(1, numbers + 1))
    text = (f"Ủy ban nhân dân tỉnh Hậu Giang đã ban hành các Quyết định số {listed} trong năm qua.\n"
            "Đồng chí Trần Văn Bình, Chủ tịch UBND tỉnh chủ trì hội nghị tổng kết.")
    return {"id": "bomb", "published": "2024-01-05", "province_context": "Hậu Giang", "text": text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("numbers", type=int)
    parser.add_argument("--kg", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source, store = Path(tmp, "bomb.jsonl"), Path(tmp, "kg.db")
        source.write_text(json.dumps(article(args.numbers), ensure_ascii=False) + "\n", encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", "from kg.cli.app import main; main()", "ingest",
                               str(source), "--store", str(store), "--json"], cwd=args.kg,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - started
        sizes = {p.name: p.stat().st_size for p in Path(tmp).glob("kg.db*")}
        print(json.dumps({"numbers": args.numbers, "article_bytes": source.stat().st_size,
                          "store_bytes": sum(sizes.values()), "files": sizes, "seconds": round(seconds, 2),
                          "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
                          "exit": done.returncode, "stderr": done.stderr.strip()[-300:]}))


if __name__ == "__main__":
    main()
