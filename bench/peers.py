"""Peers measured in the same run as the embedded store (bench/run.py --peers).

    python bench/peers.py neo4j --store bench/data/store-1000.db --seed 7 [--push] [--workdir /tmp]
    python bench/peers.py extraction CORPUS.jsonl [--limit 300] [--min-seconds 5]

`neo4j` puts the store's graph into a fresh Neo4j 5.26 Community (tests/neo4j/run-server): the
`neo4j-csv` export is bulk-loaded with `neo4j-admin database import full` (tests/neo4j/admin)
before the server starts, then the Bolt store creates its constraints and indexes. It checks that
Neo4j holds the same counts (and gives the same answers on a sample) as the SQLite store, then
times bench/run.py's queries with the same sampled arguments. `--push` also times `kg push` into
a second, empty server. `extraction` times our extractor and underthesea's `ner` on the same
articles (bench/ner_compare.py). Each prints one JSON object on stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUN_SERVER = ROOT / "tests" / "neo4j" / "run-server"
ADMIN = ROOT / "tests" / "neo4j" / "admin"
PASSWORD = "kg-bench-password"
START_TIMEOUT = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """tests/neo4j/run-server on HOME as a child process, for a `with` block."""

    def __init__(self, home: Path, pagecache: str, heap: str):
        self.home, self.port = Path(home), free_port()
        self.uri = f"bolt://127.0.0.1:{self.port}"
        self.env = {**os.environ, "KG_NEO4J_PASSWORD": PASSWORD, "KG_NEO4J_PAGECACHE": pagecache,
                    "KG_NEO4J_JAVA_OPTS": f"-Xms{heap} -Xmx{heap}", "KG_NEO4J_IGNORE_STDIN": "1"}
        self.env.pop("KG_NEO4J_AUTH", None)
        self.log = self.home.parent / f"{self.home.name}.log"
        self.proc: subprocess.Popen | None = None
        self.start_s = 0.0

    def __enter__(self) -> "Server":
        started = time.perf_counter()
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen([str(RUN_SERVER), str(self.port), str(self.home)], env=self.env,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, text=True)
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        if not line or line[0].strip() != f"ready {self.uri}":
            self.__exit__()
            raise RuntimeError(f"Neo4j did not start: {self.log.read_text(errors='replace')[-800:]}")
        self.start_s = time.perf_counter() - started
        return self

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(120)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)

    def store(self):
        from kg.stores.neo4j import BoltStore
        return BoltStore(self.uri, user="neo4j", password=PASSWORD)


def graph_size(bolt) -> dict:
    """Distinct Neo4j nodes (entities and articles) and relationships (claims, facts, provinces
    of documents), from the server's count store."""
    one = lambda query: bolt._read(query)[0][0]  # noqa: E731
    return {"nodes": one("MATCH (n) RETURN count(n)"), "relationships": one("MATCH ()-[r]->() RETURN count(r)")}


def rates(size: dict, seconds: float) -> dict:
    return {"nodes_per_s": round(size["nodes"] / seconds), "rels_per_s": round(size["relationships"] / seconds)}


def import_graph(sqlite, home: Path, work: Path) -> dict:
    """The store as `neo4j-csv` files, bulk-imported into a new database under `home`."""
    from kg.export.neo4j import import_args, import_files, write_csv
    csv_dir = work / "csv"
    started = time.perf_counter()
    write_csv(sqlite, csv_dir, "https://kg.example.org/")
    exported = time.perf_counter()
    nodes, rels = import_files(csv_dir)
    with open(work / "import.log", "w") as log:
        done = subprocess.run([str(ADMIN), str(home), *import_args(nodes, rels, "neo4j"),
                               "--max-off-heap-memory=2g"], cwd=csv_dir, stdin=subprocess.DEVNULL,
                              stdout=log, stderr=log)
    if done.returncode:
        raise RuntimeError(f"neo4j-admin import failed: {(work / 'import.log').read_text(errors='replace')[-800:]}")
    imported = time.perf_counter()
    shutil.rmtree(csv_dir)
    return {"export_s": round(exported - started, 2), "import_s": round(imported - exported, 2)}


def await_schema(bolt) -> None:
    with bolt.driver.session(database=bolt.database) as session:
        session.run("CALL db.awaitIndexes($seconds)", seconds=3600).consume()


def same_answers(sqlite, bolt, args: dict, per_query: int) -> dict:
    """For the first `per_query` sampled arguments of each query: do both stores answer alike?"""
    from bench.run import QUERIES
    from kg.errors import KgError

    def answer(store, name, arg):
        try:
            return QUERIES[name](store, arg)
        except KgError as exc:
            return f"error: {exc}"
    checked = [(name, arg) for name, values in args.items() for arg in values[:per_query]]
    differ = [f"{name}({arg})" for name, arg in checked if answer(sqlite, name, arg) != answer(bolt, name, arg)]
    return {"checked": len(checked), "same": len(checked) - len(differ), "differ_sample": differ[:5]}


def neo4j_peer(store_path: Path, seed: int, work: Path, push_too: bool, pagecache: str, heap: str,
               query_budget: float) -> dict:
    from bench.cypher_peer import side_by_side
    from bench.run import query_args, time_queries
    from kg.stores.sqlite import SQLiteStore
    started = time.perf_counter()
    sqlite = SQLiteStore(str(store_path), create=False, mapped=True)
    out: dict = {"pagecache": pagecache, "heap": heap}
    load = import_graph(sqlite, work / "imported", work)
    with Server(work / "imported", pagecache, heap) as server:
        schema_started = time.perf_counter()
        bolt = server.store()  # creates the constraints and edge indexes
        await_schema(bolt)
        load.update(start_s=round(server.start_s, 2), schema_s=round(time.perf_counter() - schema_started, 2))
        out["graph"] = size = graph_size(bolt)
        load["total_s"] = round(load["export_s"] + load["import_s"] + load["schema_s"], 2)
        out["import"] = {**load, **rates(size, load["import_s"]),
                         "end_to_end": rates(size, load["total_s"])}
        out["same_counts"] = bolt.counts() == sqlite.counts()
        args = query_args(sqlite, seed)
        out["same_answers"] = same_answers(sqlite, bolt, args, 5)
        out["queries"] = time_queries(bolt, args, budget_s=query_budget)
        out["side_by_side"] = side_by_side(sqlite, bolt, seed)
        bolt.close()
    shutil.rmtree(work / "imported")
    if push_too:
        out["push"] = push_peer(sqlite, size, work / "pushed", pagecache, heap)
    sqlite.close()
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out


def push_peer(sqlite, size: dict, home: Path, pagecache: str, heap: str) -> dict:
    """`kg push` of the whole store into an empty server: distinct nodes and relationships a second."""
    from kg.push import BATCH, push, rates as push_rates
    with Server(home, pagecache, heap) as server:
        with server.store() as bolt:
            result = push(sqlite, bolt)
            same = result["target"] == sqlite.counts()
            written = graph_size(bolt)
    shutil.rmtree(home)
    return {"batch": BATCH, "seconds": result["seconds"], "graph": written, **rates(written, result["seconds"]),
            **push_rates(result), "same_counts": same}


def extraction_peer(corpus: Path, limit: int, min_seconds: float) -> dict:
    """Characters/second of our extractor and of underthesea `ner` on the same articles."""
    from bench.ner_compare import read_articles, throughput
    articles = read_articles(corpus, limit)
    return {"sample": str(corpus), **throughput(articles, min_seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="peer", required=True)
    neo = sub.add_parser("neo4j")
    neo.add_argument("--store", type=Path, required=True)
    neo.add_argument("--seed", type=int, default=7)
    neo.add_argument("--push", action="store_true", help="also time `kg push` into an empty server")
    neo.add_argument("--workdir", type=Path, default=None, help="scratch space (default: a temp dir)")
    neo.add_argument("--pagecache", default="1g")
    neo.add_argument("--heap", default="1g")
    neo.add_argument("--query-budget", type=float, default=60.0,
                     help="seconds per query after which timing stops (at least 20 runs)")
    ext = sub.add_parser("extraction")
    ext.add_argument("corpus", type=Path)
    ext.add_argument("--limit", type=int, default=300)
    ext.add_argument("--min-seconds", type=float, default=5.0)
    args = parser.parse_args()
    if args.peer == "extraction":
        report = extraction_peer(args.corpus, args.limit, args.min_seconds)
    else:
        with tempfile.TemporaryDirectory(prefix="kg-peers-", dir=args.workdir) as tmp:
            report = neo4j_peer(args.store, args.seed, Path(tmp), args.push, args.pagecache, args.heap,
                                args.query_budget)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
