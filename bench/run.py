"""Benchmarks at corpus scale: ingest, store size, memory, query latency, exports, and peers.

    python bench/run.py --sizes 1000 10000 100000 --workers 2 --out bench/results.json
    python bench/run.py --corpora realtext --sizes 1000 10000 --ingest-only   # ingest alone

Two corpora, reported side by side, the real-text one first (`--corpora`):
* `realtext`: articles of 3-5 KB stitched from the real excerpts of ../shared/corpus by
  ../shared/bench/realtext.py: the speed that counts, since real news is long and irregular;
* `template`: bench/generate.py's short regular articles (what earlier results measured).

Every measured step runs in its own process, so peak RSS is that step's alone. Results are
printed as Markdown tables and written as JSON; nothing here is a pass/fail test.

Peers (`--peers`, the default; `--no-peers` skips them), in the same run (bench/peers.py):
* Neo4j 5.26 over Bolt on the same graph: the store just ingested is exported as `neo4j-csv`,
  bulk-loaded with `neo4j-admin database import full` into a fresh server, checked to hold the
  same counts, and asked the same queries with the same sampled arguments; p50/p95 and the ratio
  Neo4j/SQLite. Up to `--push-max` articles, `kg push` into an empty server is timed as well.
  Needs Java 17 and Maven (tests/neo4j); without them the peer reports an error and the run goes on.
* underthesea's `ner` (optional, `pip install underthesea`) against our extractor, characters per
  second on the same articles: the shared dev corpus when present, and the synthetic corpus.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import queries

HERE = Path(__file__).resolve().parent
# The child reports its own high-water RSS (VmHWM) at exit: the kernel's ru_maxrss of a child
# also counts the parent's pages it had between fork and exec, i.e. this bench's own size.
_REPORT_HWM = """
import atexit, os
def _hwm():
    with open("/proc/self/status") as status, open(os.environ["KG_BENCH_HWM"], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM")))
if os.environ.get("KG_BENCH_HWM"):
    atexit.register(_hwm)
from kg.cli.app import main
main()
"""
KG = [sys.executable, "-c", _REPORT_HWM]
QUERY_RUNS = 200


def run(cmd: list[str], **kw) -> tuple[float, int, str]:
    """(seconds, peak RSS in MB of the process itself, stdout) of one `kg` child process
    (with `--workers`, the parent's: each worker is a fork of it)."""
    with tempfile.NamedTemporaryFile("r", suffix=".hwm") as hwm:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={**os.environ, "KG_BENCH_HWM": hwm.name}, **kw)
        out, errors = proc.communicate()
        seconds = time.perf_counter() - start
        if proc.returncode:
            raise RuntimeError(f"{cmd[3:]} failed: {errors.decode()[-500:]}")
        return seconds, int(hwm.read() or 0) // 1024, out.decode()


REALTEXT = HERE.parent.parent / "shared" / "bench" / "realtext.py"


def corpus(n: int, seed: int, kind: str = "template") -> Path:
    """The corpus of `n` articles of `kind` (made once, kept in bench/data)."""
    path = HERE / "data" / (f"corpus-{n}-{seed}.jsonl" if kind == "template" else f"{kind}-{n}-{seed}.jsonl")
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        make = [str(REALTEXT), str(n), str(path), str(seed)] if kind == "realtext" else \
            [str(HERE / "generate.py"), str(n), "--seed", str(seed), "--out", str(path)]
        subprocess.run([sys.executable, *make], check=True)
    return path


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished children and their reaped workers."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest(path: Path, store: Path, workers: int) -> dict:
    """Wall time, CPU time (all processes) and the machine's load around it: on a shared
    machine wall time alone says more about the neighbours than about kg."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    extra = ["--workers", str(workers)] if workers > 1 else []
    load = os.getloadavg()[0]
    cpu = _children_cpu()
    seconds, rss, _ = run(KG + ["ingest", str(path), "--store", str(store), "--json"] + extra)
    cpu = _children_cpu() - cpu
    n = sum(1 for _ in open(path, encoding="utf-8"))
    mb = path.stat().st_size / 1e6
    return {"workers": workers, "seconds": round(seconds, 2), "articles_per_s": round(n / seconds, 1),
            "cpu_s": round(cpu, 1), "articles_per_cpu_s": round(n / cpu, 1),
            "mb_per_s": round(mb / seconds, 2), "peak_rss_mb": rss,
            "store_mb": round(store.stat().st_size / 1e6, 1),
            "load_before_after": [round(load, 1), round(os.getloadavg()[0], 1)]}


def percentiles(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"p50_ms": round(statistics.median(samples) * 1000, 2),
            "p95_ms": round(samples[int(len(samples) * 0.95) - 1] * 1000, 2)}


QUERIES = {  # the bench queries, each called with one sampled argument
    "chaired": lambda store, person_id: queries.chaired(store, person_id),
    "who-chaired": lambda store, meeting: queries.who_chaired(store, meeting),
    "person": lambda store, name: queries.person_profile(store, name),
    "doc": lambda store, doc_id: queries.document(store, doc_id),
    "lineage": lambda store, doc_id: queries.lineage(store, doc_id, "both", 6),
    "lineage-hub": lambda store, number: queries.lineage(store, number, "down", 6, province=None),
    "search": lambda store, text: queries.search(store, text, None, 20),
}


def query_args(store, seed: int) -> dict[str, list[str]]:
    """Each query's arguments, sampled from the store with `seed` (the same for every store)."""
    rng = random.Random(seed)
    persons = [n for _, n in zip(range(2000), store.iter_nodes("Person"))]
    meetings = [n.name for _, n in zip(range(2000), store.iter_nodes("Meeting"))]
    docs = [n.id for _, n in zip(range(2000), store.iter_nodes("Document"))]
    directives = [d for d in docs if "-ct-tu-" in d] or docs  # provincial directives: typical lineage roots
    draws = {"chaired": lambda: rng.choice(persons).id, "who-chaired": lambda: rng.choice(meetings),
             "person": lambda: rng.choice(persons).name, "doc": lambda: rng.choice(docs),
             "lineage": lambda: rng.choice(directives), "lineage-hub": lambda: "21-NQ/TW",
             "search": lambda: rng.choice(persons).name.split()[-1]}
    return {name: [draw() for _ in range(QUERY_RUNS if name != "lineage-hub" else 20)]
            for name, draw in draws.items()}


def time_queries(store, args: dict[str, list[str]], warmup: int = 3, budget_s: float | None = None) -> dict:
    """p50/p95 of each query over its arguments, after `warmup` untimed calls; with `budget_s`,
    a query stops after that many seconds once it has 20 samples (`runs` says how many)."""
    from kg.errors import KgError
    out = {}
    for name, values in args.items():
        call = QUERIES[name]
        samples: list[float] = []
        began = time.perf_counter()
        for index, value in enumerate(values[:warmup] + values):
            start = time.perf_counter()
            try:
                call(store, value)
            except KgError:
                pass  # an ambiguous sampled name is still a full query
            if index >= warmup:
                samples.append(time.perf_counter() - start)
                if budget_s and len(samples) >= 20 and time.perf_counter() - began > budget_s:
                    break
        out[name] = {**percentiles(samples), "runs": len(samples)}
    return out


def query_latency(store_path: Path, seed: int) -> dict:
    from kg.stores.sqlite import SQLiteStore
    store = SQLiteStore(str(store_path), create=False, mapped=True)  # as the query commands open it
    args = query_args(store, seed)
    out = time_queries(store, args)
    out["cold_cli_help_ms"] = round(min(run(KG + ["--help"])[0] for _ in range(5)) * 1000)
    chaired = KG + ["chaired", args["chaired"][0], "--store", str(store_path), "--json"]
    out["cold_cli_chaired_ms"] = round(min(run(chaired)[0] for _ in range(5)) * 1000)
    store.close()
    return out


def neo4j_peer(store: Path, n: int, args) -> dict:
    """The same graph and queries on Neo4j (bench/peers.py neo4j, a child process)."""
    cmd = [sys.executable, str(HERE / "peers.py"), "neo4j", "--store", str(store), "--seed", str(args.seed),
           "--pagecache", args.neo4j_pagecache, "--heap", args.neo4j_heap,
           "--query-budget", str(args.peer_query_budget)] + (["--push"] if n <= args.push_max else [])
    if args.workdir:
        cmd += ["--workdir", str(args.workdir)]
    try:
        seconds, text = run_peer(cmd)
    except RuntimeError as exc:
        return {"error": str(exc)[-500:]}
    return {**json.loads(text), "wall_s": round(seconds, 1)}


def run_peer(cmd: list[str]) -> tuple[float, str]:
    """(seconds, stdout) of a peer child; its stderr is read as it goes (it may be long)."""
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd[1:4])} failed: {done.stderr[-800:]}")
    return time.perf_counter() - start, done.stdout


def ratios(sqlite: dict, neo4j: dict) -> dict:
    """Neo4j over SQLite, per query, at p50 and p95."""
    out = {}
    for name, q in neo4j.items():
        if isinstance(sqlite.get(name), dict):
            out[name] = {f"{p}_ratio": round(q[f"{p}_ms"] / max(sqlite[name][f"{p}_ms"], 0.01), 1)
                         for p in ("p50", "p95")}
    return out


def extraction_peers(args) -> dict:
    """Our extractor against underthesea `ner` on the same articles (bench/peers.py extraction)."""
    samples = {"dev": HERE.parent.parent / "shared" / "corpus" / "dev.jsonl",
               **{kind: corpus(args.sizes[0], args.seed, kind) for kind in args.corpora}}
    out = {}
    for label, path in samples.items():
        if not path.exists():
            continue
        cmd = [sys.executable, str(HERE / "peers.py"), "extraction", str(path), "--limit", "300"]
        try:
            out[label] = json.loads(run_peer(cmd)[1])
        except RuntimeError as exc:
            out[label] = {"error": str(exc)[-300:]}
    return out


def exports(store: Path) -> dict:
    from kg.export import FORMATS
    out = {}
    for fmt in ("nt", "turtle", "trig", "jsonld"):
        if fmt not in FORMATS:
            continue
        target = store.with_suffix(f".{fmt}")
        try:
            seconds, rss, text = run(KG + ["export", "--format", fmt, "--out", str(target), "--store", str(store),
                                           "--json"])
        except RuntimeError as exc:
            out[fmt] = {"error": str(exc)[:200]}
            continue
        triples = json.loads(text).get("triples")
        out[fmt] = {"seconds": round(seconds, 2), "peak_rss_mb": rss, "triples": triples,
                    "triples_per_s": round(triples / seconds) if triples else None,
                    "mb": round(target.stat().st_size / 1e6, 1)}
        target.unlink(missing_ok=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpora", nargs="+", default=["realtext", "template"], choices=["realtext", "template"])
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument("--ingest-only", action="store_true",
                        help="time only `kg ingest` (no queries, exports or peers)")
    parser.add_argument("--store-dir", type=Path, default=HERE / "data", help="where the stores are ingested")
    parser.add_argument("--peers", action=argparse.BooleanOptionalAction, default=True,
                        help="Neo4j and underthesea peers in the same run (default on)")
    parser.add_argument("--push-max", type=int, default=10000,
                        help="also time `kg push` for sizes up to this many articles")
    parser.add_argument("--neo4j-pagecache", default="1g")
    parser.add_argument("--neo4j-heap", default="1g")
    parser.add_argument("--peer-query-budget", type=float, default=60.0,
                        help="seconds per Neo4j query after which timing stops (at least 20 runs)")
    parser.add_argument("--workdir", type=Path, help="scratch space for the Neo4j peer (default: the temp dir)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()}, "runs": []}
    args.store_dir.mkdir(parents=True, exist_ok=True)
    for kind in args.corpora:
        for n in args.sizes:
            results["runs"].append(measure(args, kind, n))
    if args.peers and not args.ingest_only:
        results["peers"] = {"extraction": extraction_peers(args)}
        print(json.dumps(results["peers"]), flush=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(markdown(results))


def measure(args, kind: str, n: int) -> dict:
    path = corpus(n, args.seed, kind)
    store = args.store_dir / f"store-{kind}-{n}.db"
    row = {"corpus": kind, "n": n, "ingest": [ingest(path, store, 1)]}
    if args.workers > 1:
        row["ingest"].append(ingest(path, store, args.workers))
    if args.ingest_only:
        print(json.dumps(row), flush=True)
        return row
    row["queries"] = query_latency(store, args.seed)
    if not args.skip_exports:
        row["exports"] = exports(store)
    if args.peers:
        neo4j = neo4j_peer(store, n, args)
        if "queries" in neo4j:
            neo4j["ratio"] = ratios(row["queries"], neo4j["queries"])
        row["peers"] = {"neo4j": neo4j}
    print(json.dumps(row), flush=True)
    return row


def markdown(results: dict) -> str:
    lines = ["| corpus | N | workers | articles/s | articles per CPU s | MB/s | peak RSS MB | store MB | load |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in results["runs"]:
        for ing in row["ingest"]:
            lines.append(f"| {row.get('corpus', 'template')} | {row['n']} | {ing['workers']} | {ing['articles_per_s']} | "
                         f"{ing.get('articles_per_cpu_s', '–')} | {ing['mb_per_s']} | {ing['peak_rss_mb']} | {ing['store_mb']} | "
                         f"{ing.get('load_before_after', '–')} |")
    if all("queries" not in row for row in results["runs"]):
        return "\n".join(lines)
    names = ["chaired", "who-chaired", "person", "doc", "lineage", "lineage-hub", "search"]
    lines += ["", "| corpus | N | " + " | ".join(f"{q} p50/p95 ms" for q in names) + " | cold help ms | cold chaired ms |",
              "|---" * (len(names) + 4) + "|"]
    for row in results["runs"]:
        q = row["queries"]
        cells = [f"{q[n]['p50_ms']}/{q[n]['p95_ms']}" for n in names]
        lines.append(f"| {row.get('corpus', 'template')} | {row['n']} | " + " | ".join(cells) + f" | {q['cold_cli_help_ms']} | {q['cold_cli_chaired_ms']} |")
    if any("exports" in r for r in results["runs"]):
        lines += ["", "| N | format | triples | triples/s | peak RSS MB |", "|---|---|---|---|---|"]
        for row in results["runs"]:
            for fmt, e in row.get("exports", {}).items():
                lines.append(f"| {row['n']} | {fmt} | {e.get('triples')} | {e.get('triples_per_s')} | {e.get('peak_rss_mb')} |")
    return "\n".join(lines + peers_markdown(results))


def peers_markdown(results: dict) -> list[str]:
    lines = []
    runs = [(row["n"], row["queries"], row["peers"]["neo4j"]) for row in results["runs"] if "peers" in row]
    if runs:
        lines += ["", "| N | query | SQLite p50/p95 ms | Neo4j p50/p95 ms (runs) | Neo4j/SQLite p50 | p95 |",
                  "|---|---|---|---|---|---|"]
        for n, sqlite, neo in runs:
            if "error" in neo:
                lines.append(f"| {n} | Neo4j peer failed: {neo['error'][-120:]!r} | | | | |")
                continue
            for name, q in neo["queries"].items():
                r = neo["ratio"].get(name, {})
                lines.append(f"| {n} | {name} | {sqlite[name]['p50_ms']}/{sqlite[name]['p95_ms']} | "
                             f"{q['p50_ms']}/{q['p95_ms']} ({q['runs']}) | {r.get('p50_ratio')}× | {r.get('p95_ratio')}× |")
        lines += ["", "| N | nodes | rels | import s | import nodes/s | import rels/s | export+import+schema s | "
                  "push s | push nodes/s | push rels/s | same counts | same answers | peer s |",
                  "|---" * 13 + "|"]
        for n, _, neo in runs:
            if "error" in neo:
                continue
            imp, push = neo["import"], neo.get("push", {})
            same = neo["same_answers"]
            lines.append(f"| {n} | {neo['graph']['nodes']} | {neo['graph']['relationships']} | {imp['import_s']} | "
                         f"{imp['nodes_per_s']} | {imp['rels_per_s']} | {imp['total_s']} | {push.get('seconds', '–')} | "
                         f"{push.get('nodes_per_s', '–')} | {push.get('rels_per_s', '–')} | "
                         f"{neo['same_counts'] and push.get('same_counts', True)} | {same['same']}/{same['checked']} | "
                         f"{neo['wall_s']} |")
    extraction = results.get("peers", {}).get("extraction", {})
    if extraction:
        lines += ["", "| sample | articles | characters | ours chars/s | underthesea ner chars/s | ours/ner |",
                  "|---|---|---|---|---|---|"]
        for label, e in extraction.items():
            if "error" in e:
                lines.append(f"| {label} | failed: {e['error'][-120:]!r} | | | | |")
                continue
            lines.append(f"| {label} | {e['articles']} | {e['characters']} | {e['rules_extract']['chars_per_second']} | "
                         f"{e['underthesea_ner']['chars_per_second']} | {e['ratio_rules_over_ner']}× |")
    return lines


if __name__ == "__main__":
    main()
