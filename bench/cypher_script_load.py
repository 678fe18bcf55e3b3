"""How long the self-contained `kg export --format cypher` script takes to load into Neo4j.

    python bench/cypher_script_load.py STORE.db                 # starts its own Neo4j (tests/neo4j/run-server)
    python bench/cypher_script_load.py STORE.db --uri bolt://…  # an existing, EMPTIED server

Exports the store as a Cypher script, then runs it statement by statement over one driver
session (as cypher-shell does) and prints a JSON report: script size, statements, the longest
statement, seconds to export and to load, and the slowest statements. Not a test: numbers depend
on the machine (state its load beside them).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def load(uri: str, script: Path, limit: int | None = None) -> dict:
    from tests import neo4j_server
    slowest: list[tuple[float, int]] = []
    started = time.perf_counter()
    with neo4j_server.bolt_store(uri) as bolt, bolt.driver.session(database=bolt.database) as session:
        lines = [line for line in script.read_text(encoding="utf-8").splitlines() if line and not line.startswith("//")]
        for line in lines[:limit]:
            began = time.perf_counter()
            session.run(line[:-1]).consume()
            slowest = sorted([*slowest, (time.perf_counter() - began, len(line))], reverse=True)[:5]
        counts = bolt.counts()
    return {"load_s": round(time.perf_counter() - started, 2), "loaded": counts, "statements_run": len(lines[:limit]),
            "slowest": [{"s": round(s, 3), "chars": n} for s, n in slowest]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("store")
    parser.add_argument("--uri")
    parser.add_argument("--statements", type=int, help="run only the first N statements (a sample)")
    args = parser.parse_args()
    from kg.export import export
    from kg.stores.sqlite import SQLiteStore
    from tests.neo4j_server import NeoServer
    with tempfile.TemporaryDirectory(prefix="kg-cypher-load-") as work:
        script = Path(work, "graph.cypher")
        began = time.perf_counter()
        with SQLiteStore(args.store, create=False) as store:
            written = export(store, "cypher", script)
        report = {"export_s": round(time.perf_counter() - began, 2), **written,
                  "bytes": script.stat().st_size,
                  "longest_statement": max(len(line) for line in script.read_text(encoding="utf-8").splitlines())}
        server = None if args.uri else NeoServer(Path(work, "neo4j", "data")).start()
        try:
            report.update(load(args.uri or server.uri, script, args.statements))
        finally:
            if server:
                server.stop()
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
