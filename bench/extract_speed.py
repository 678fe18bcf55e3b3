"""Extraction throughput (characters/second) on a JSONL corpus repeated N times.

    python bench/extract_speed.py ../shared/corpus/dev.jsonl --repeat 20
    python bench/extract_speed.py corpus.jsonl --stages   # microseconds per article per stage

CPU seconds are this process's own: on a shared machine they are the per-core figure.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from kg.facts import Article, Extraction
from loaders.extract import _map_evidence, extract
from loaders.extract.meetings import extract_meetings
from loaders.extract.persons import extract_persons
from loaders.extract.places import extract_organizations, extract_provinces
from loaders.extract.prepared import Prepared
from loaders.extract.relations import extract_meeting_documents, extract_relations
from loaders.extract.titles import extract_documents

# The views of the prepared article, each built once and shared by the stages after it.
VIEWS = ("folded", "sentences", "unwrapped", "unwrapped_sentences", "dashed", "dashed_sentences",
         "chain_words", "credits", "numbered", "numbered_folded", "titled")


def load(path: Path) -> list[Article]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Article(id=r["id"], text=r["text"], published=r.get("published"),
                    province_context=r.get("province_context")) for r in rows]


def throughput(articles: list[Article], repeat: int) -> dict:
    chars = sum(len(a.text) for a in articles) * repeat
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        for article in articles:
            extract(article)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return {"articles": len(articles) * repeat, "characters": chars,
            "seconds": round(seconds, 3), "chars_per_second": round(chars / seconds),
            "cpu_seconds": round(cpu, 3), "chars_per_cpu_second": round(chars / cpu),
            "articles_per_second": round(len(articles) * repeat / seconds, 1)}


def stages(articles: list[Article]) -> dict[str, float]:
    """CPU microseconds per article spent in each stage of `extract`, in its order."""
    spent: dict[str, float] = {}

    def timed(name, work):
        start = time.process_time()
        result = work()
        spent[name] = spent.get(name, 0.0) + time.process_time() - start
        return result

    for article in articles:
        doc = timed("prepare", lambda: Prepared(article))
        for view in VIEWS:
            timed(f"view {view}", lambda: getattr(doc, view))
        persons = timed("persons", lambda: extract_persons(doc))
        documents = timed("documents", lambda: extract_documents(doc))
        meetings = timed("meetings", lambda: extract_meetings(doc, persons))
        relations = timed("relations", lambda: extract_relations(doc, documents))
        timed("meeting documents", lambda: extract_meeting_documents(doc, meetings, documents, relations))
        timed("provinces", lambda: extract_provinces(doc, persons))
        timed("organizations", lambda: extract_organizations(doc))
        if doc.article is not article:
            found = Extraction(article=article, persons=persons, meetings=meetings, documents=documents)
            timed("evidence mapping", lambda: _map_evidence(found, doc))
    return {name: round(seconds * 1e6 / len(articles), 1) for name, seconds in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--stages", action="store_true", help="CPU µs per article per stage")
    args = parser.parse_args()
    articles = load(args.corpus)
    extract(articles[0])  # warm the vocabularies and compiled patterns
    print(json.dumps(stages(articles) if args.stages else throughput(articles, args.repeat)))


if __name__ == "__main__":
    main()
