"""Manual smoke check of tests/neo4j/run-server (not collected by pytest).

    python3 tests/neo4j/smoke.py

Starts the server on a free loopback port with a temp DATA_DIR, runs a date()
round-trip, a ~100 KB UNWIND/MERGE, a wrong-password login, then SIGTERMs it
and checks a clean exit (status 0). Prints timings.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = os.environ.get("KG_NEO4J_PASSWORD", "testpassword")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        proc = subprocess.Popen(
            [os.path.join(HERE, "run-server"), str(port), os.path.join(tmp, "db")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = proc.stdout.readline().strip()
        startup = time.monotonic() - t0
        assert line == f"ready bolt://127.0.0.1:{port}", repr(line)
        print(f"startup {startup:.1f}s: {line}")
        try:
            uri = f"bolt://127.0.0.1:{port}"
            with GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as d:
                with d.session() as s:
                    v = s.run("CREATE (n:T {d: date('2021-10-01')}) RETURN n.d").single()[0]
                    assert str(v) == "2021-10-01", v
                    rows = [{"id": i, "name": "x" * 80} for i in range(1200)]
                    size = len(repr(rows))
                    t = time.monotonic()
                    n = s.run("UNWIND $rows AS r MERGE (n:M {id: r.id}) "
                              "SET n.name = r.name RETURN count(n)", rows=rows).single()[0]
                    assert n == 1200, n
                    n = s.run("MATCH (n:M) RETURN count(n)").single()[0]
                    assert n == 1200, n
                    print(f"date ok ({v}); MERGE of {size // 1024} KB param ok "
                          f"in {time.monotonic() - t:.2f}s")
            if os.environ.get("KG_NEO4J_AUTH") != "disabled":
                try:
                    with GraphDatabase.driver(uri, auth=("neo4j", "wrong-password")) as d:
                        d.verify_connectivity()
                    raise AssertionError("wrong password accepted")
                except AuthError as e:
                    print(f"wrong password rejected: {e.code}")
        finally:
            t = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            rc = proc.wait(timeout=60)
            print(f"stopped in {time.monotonic() - t:.1f}s, exit status {rc}")
        assert rc == 0, rc
    print("smoke ok")


if __name__ == "__main__":
    sys.exit(main())
