"""Time and peak memory of ingesting a .gz of bad JSON Lines (issue 12, item 6).

    python bench/bad_lines.py --lines 200000 2000000

Each run is `kg ingest` in its own process; its peak RSS is the child's own VmHWM. With the error
list bounded per file, memory stays flat as bad lines grow and stderr holds 21 lines.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEASURED = ("import atexit, os; atexit.register(lambda: open(os.environ['RSS_OUT'], 'w').write("
            "[l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])); "
            "from kg.cli.app import main; main()")


def run(lines: int, work: Path) -> dict:
    source = work / f"bad-{lines}.jsonl.gz"
    with gzip.open(source, "wb", compresslevel=9) as out:
        for _ in range(lines // 10_000):
            out.write(b"{not json\n" * 10_000)
    rss, db = work / "rss", work / f"kg-{lines}.db"
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", MEASURED, "ingest", str(source), "--store", str(db)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "RSS_OUT": str(rss)})
    return {"bad_lines": lines, "gz_bytes": source.stat().st_size, "seconds": round(time.monotonic() - started, 1),
            "peak_rss_mb": round(int(rss.read_text()) / 1024, 1), "stderr_lines": len(done.stderr.splitlines()),
            "exit": done.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[200_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        for lines in args.lines:
            print(json.dumps(run(lines, Path(work))))


if __name__ == "__main__":
    main()
