"""Benchmarks at corpus scale: ingest, store size, memory, query latency, exports.

    python bench/run.py --sizes 1000 10000 100000 --workers 2 --out bench/results.json

Every measured step runs in its own process, so peak RSS is that step's alone. Results are
printed as a Markdown table and written as JSON; nothing here is a pass/fail test.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KG = [sys.executable, "-c", "from kg.cli.app import main; main()"]
QUERY_RUNS = 200


def run(cmd: list[str], **kw) -> tuple[float, int, subprocess.CompletedProcess | None]:
    """(seconds, peak RSS in MB, result) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out = proc.stdout.read().decode()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{cmd[3:]} failed: {proc.stderr.read().decode()[-500:]}")
    return seconds, usage.ru_maxrss // 1024, out


def corpus(n: int, seed: int) -> Path:
    path = HERE / "data" / f"corpus-{n}-{seed}.jsonl"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(n), "--seed", str(seed),
                        "--out", str(path)], check=True)
    return path


def ingest(path: Path, store: Path, workers: int) -> dict:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    extra = ["--workers", str(workers)] if workers > 1 else []
    seconds, rss, _ = run(KG + ["ingest", str(path), "--store", str(store), "--json"] + extra)
    n = sum(1 for _ in open(path, encoding="utf-8"))
    mb = path.stat().st_size / 1e6
    return {"workers": workers, "seconds": round(seconds, 2), "articles_per_s": round(n / seconds, 1),
            "mb_per_s": round(mb / seconds, 2), "peak_rss_mb": rss,
            "store_mb": round(store.stat().st_size / 1e6, 1)}


def percentiles(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"p50_ms": round(statistics.median(samples) * 1000, 2),
            "p95_ms": round(samples[int(len(samples) * 0.95) - 1] * 1000, 2)}


def query_latency(store_path: Path, seed: int) -> dict:
    import queries
    from kg.errors import KgError
    from kg.stores.sqlite import SQLiteStore
    rng = random.Random(seed)
    store = SQLiteStore(str(store_path), create=False)
    persons = [n for _, n in zip(range(2000), store.iter_nodes("Person"))]
    meetings = [n.name for _, n in zip(range(2000), store.iter_nodes("Meeting"))]
    docs = [n.id for _, n in zip(range(2000), store.iter_nodes("Document"))]
    directives = [d for d in docs if "-ct-tu-" in d] or docs  # provincial directives: typical lineage roots
    calls = {
        "chaired": lambda: queries.chaired(store, rng.choice(persons).id),
        "who-chaired": lambda: queries.who_chaired(store, rng.choice(meetings)),
        "person": lambda: queries.person_profile(store, rng.choice(persons).name),
        "doc": lambda: queries.document(store, rng.choice(docs)),
        "lineage": lambda: queries.lineage(store, rng.choice(directives), "both", 6),
        "lineage-hub": lambda: queries.lineage(store, "21-NQ/TW", "down", 6, province=None),
        "search": lambda: queries.search(store, rng.choice(persons).name.split()[-1], None, 20),
    }
    out = {}
    for name, call in calls.items():
        samples = []
        for _ in range(QUERY_RUNS if name != "lineage-hub" else 20):
            start = time.perf_counter()
            try:
                call()
            except KgError:
                pass  # an ambiguous sampled name is still a full query
            samples.append(time.perf_counter() - start)
        out[name] = percentiles(samples)
    out["cold_cli_help_ms"] = round(min(run(KG + ["--help"])[0] for _ in range(5)) * 1000)
    chaired = KG + ["chaired", persons[0].id, "--store", str(store_path), "--json"]
    out["cold_cli_chaired_ms"] = round(min(run(chaired)[0] for _ in range(5)) * 1000)
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
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()}, "runs": []}
    for n in args.sizes:
        path = corpus(n, args.seed)
        store = HERE / "data" / f"store-{n}.db"
        row = {"n": n, "ingest": [ingest(path, store, 1)]}
        if args.workers > 1:
            row["ingest"].append(ingest(path, store, args.workers))
        row["queries"] = query_latency(store, args.seed)
        if not args.skip_exports:
            row["exports"] = exports(store)
        results["runs"].append(row)
        print(json.dumps(row), flush=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(markdown(results))


def markdown(results: dict) -> str:
    lines = ["| N | workers | articles/s | MB/s | peak RSS MB | store MB |", "|---|---|---|---|---|---|"]
    for row in results["runs"]:
        for ing in row["ingest"]:
            lines.append(f"| {row['n']} | {ing['workers']} | {ing['articles_per_s']} | {ing['mb_per_s']} | "
                         f"{ing['peak_rss_mb']} | {ing['store_mb']} |")
    names = ["chaired", "who-chaired", "person", "doc", "lineage", "lineage-hub", "search"]
    lines += ["", "| N | " + " | ".join(f"{q} p50/p95 ms" for q in names) + " | cold help ms | cold chaired ms |",
              "|---" * (len(names) + 3) + "|"]
    for row in results["runs"]:
        q = row["queries"]
        cells = [f"{q[n]['p50_ms']}/{q[n]['p95_ms']}" for n in names]
        lines.append(f"| {row['n']} | " + " | ".join(cells) + f" | {q['cold_cli_help_ms']} | {q['cold_cli_chaired_ms']} |")
    if any("exports" in r for r in results["runs"]):
        lines += ["", "| N | format | triples | triples/s | peak RSS MB |", "|---|---|---|---|---|"]
        for row in results["runs"]:
            for fmt, e in row.get("exports", {}).items():
                lines.append(f"| {row['n']} | {fmt} | {e.get('triples')} | {e.get('triples_per_s')} | {e.get('peak_rss_mb')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
