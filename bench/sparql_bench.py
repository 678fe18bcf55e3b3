"""The persistent SPARQL store and endpoint at scale, and kg's RDF writers next to pyoxigraph's.

    python bench/generate.py 10000 --seed 1 --out /tmp/g10k.jsonl
    kg ingest /tmp/g10k.jsonl --store /tmp/g10k.db
    python bench/sparql_bench.py /tmp/g10k.db --out bench/sparql_results.json

Measures, in one run on one store: building the store beside SQLite (`kg.db.oxigraph/`);
a point query over HTTP to `kg serve --sparql` (p50/p95 of N requests, each a different
meeting's chairs); the README's lineage property path from the most implemented document
(`+` over every lineage edge), the stored closure `kg:inLineageOf` that answers it, and an
explicit 6-step path; and export rates
(triples/s) of kg's N-Triples and Turtle writers next to pyoxigraph's own serialiser of the
same default graph (`Store.dump`).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from kg.export import export
from kg.rdf.iri import node_iri
from kg.rdf.mapping import prefixes
from kg.rdf.persist import build, store_path
from kg.stores.sqlite import SQLiteStore

BASE = "https://kg.example.org/"
STEP = "(eli:ensures_implementation_of|eli:applies|eli:amends|eli:based_on|eli:repeals|kg:guides|kg:summarizes)"
LINEAGE = f"""SELECT DISTINCT ?doc WHERE {{ ?doc {STEP}+ <{{root}}> }}"""
CLOSURE = "SELECT ?doc WHERE { ?doc kg:inLineageOf <{root}> }"  # the stored closure (kg.rdf.lineage)
SIX = f"SELECT DISTINCT ?doc WHERE {{ ?doc {STEP}?/{STEP}?/{STEP}?/{STEP}?/{STEP}?/{STEP} <{{root}}> }}"
POINT = "SELECT ?name WHERE {{ <{meeting}> kg:chairedBy/schema:name ?name }}"


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


def serve(db_path: Path):
    proc = subprocess.Popen([sys.executable, "-c", "from kg.cli.app import main; main()", "serve", "--sparql",
                             "--port", "0", "--store", str(db_path)], stderr=subprocess.PIPE, text=True)
    url = re.search(r"(http://\S+/sparql)", proc.stderr.readline()).group(1)
    return proc, url


def http_query(url: str, query: str) -> dict:
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def endpoint_latencies(store: SQLiteStore, url: str, n: int) -> dict:
    meetings = [r[0] for r in store.db.execute("SELECT id FROM nodes WHERE type='Meeting'")]
    picked = random.Random(1).sample(meetings, min(n, len(meetings)))
    times = []
    for meeting in picked:
        seconds, _ = timed(lambda: http_query(url, POINT.format(meeting=node_iri(BASE, meeting))))
        times.append(seconds * 1000)
    times.sort()
    return {"requests": len(times), "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2), "max_ms": round(times[-1], 2)}


def lineage_latencies(store: SQLiteStore, url: str, graph) -> dict:
    """From the most implemented document (a central resolution: its whole descendance) and
    from the most implemented provincial one (what a province's lineage question looks like):
    over HTTP (the client parsing the JSON included), and the query alone in process."""
    out = {}
    for name, where in (("central_root", "dst LIKE 'doc:central:%'"), ("provincial_root", "dst NOT LIKE 'doc:central:%'")):
        root = store.db.execute(f"SELECT dst, COUNT(*) FROM edges WHERE type='IMPLEMENTS' AND {where} "
                                "GROUP BY dst ORDER BY 2 DESC LIMIT 1").fetchone()[0]
        out[name] = {"root": root}
        for path, query in (("closure", CLOSURE), ("plus", LINEAGE), ("six_steps", SIX)):
            text = query.replace("{root}", node_iri(BASE, root))
            runs = [timed(lambda: http_query(url, text)) for _ in range(5)]
            alone = [timed(lambda: sum(1 for _ in graph.query(text, prefixes=prefixes())))[0] for _ in range(5)]
            out[name][path] = {"ms_median": round(statistics.median(s for s, _ in runs) * 1000, 1),
                               "in_process_ms_median": round(statistics.median(alone) * 1000, 1),
                               "documents": len(runs[0][1]["results"]["bindings"])}
    return out


def export_rates(store: SQLiteStore, graph_path: Path, tmp: Path) -> dict:
    out = {}
    for fmt, suffix in (("nt", "nt"), ("turtle", "ttl")):
        seconds, result = timed(lambda: export(store, fmt, tmp / f"kg.{suffix}", BASE))
        out[f"kg_{fmt}"] = {"triples": result["triples"], "seconds": round(seconds, 2),
                            "triples_per_s": round(result["triples"] / seconds)}
    db = ox.Store.read_only(str(graph_path))
    for fmt, oxformat in (("nt", ox.RdfFormat.N_TRIPLES), ("turtle", ox.RdfFormat.TURTLE)):
        seconds, _ = timed(lambda: db.dump(str(tmp / f"ox.{fmt}"), format=oxformat, from_graph=ox.DefaultGraph(),
                                           **({"prefixes": prefixes()} if fmt == "turtle" else {})))
        triples = out["kg_nt"]["triples"]
        out[f"pyoxigraph_{fmt}"] = {"seconds": round(seconds, 2), "triples_per_s": round(triples / seconds)}
    for fmt in ("nt", "turtle"):
        out[f"ratio_{fmt}"] = round(out[f"kg_{fmt}"]["seconds"] / out[f"pyoxigraph_{fmt}"]["seconds"], 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("store", type=Path)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    store = SQLiteStore(str(args.store), create=False)
    articles = store.counts()["articles"]
    seconds, _ = timed(lambda: build(store, store_path(store), BASE))
    results = {"articles": articles, "build_store_s": round(seconds, 1)}
    proc, url = serve(args.store)
    try:
        http_query(url, "ASK { ?s ?p ?o }")  # warm
        results["point_query_http"] = endpoint_latencies(store, url, args.requests)
        results["lineage_http"] = lineage_latencies(store, url, ox.Store.read_only(str(store_path(store))))
    finally:
        proc.terminate()
        proc.wait()
    with tempfile.TemporaryDirectory() as tmp:
        results["export"] = export_rates(store, store_path(store), Path(tmp))
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
