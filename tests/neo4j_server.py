"""One real Neo4j 5.26 per test session (tests/neo4j/run-server), shared by the Neo4j test modules.

A fixture defined in one module and imported into two would start two servers (pytest makes one
FixtureDef per module), so the server lives here, reference-counted: the first `acquire` starts
it, the last `release` stops it. `NeoServer` also serves tests that need a server of their own
(one they kill and restart on the same data directory).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN_SERVER = ROOT / "tests" / "neo4j" / "run-server"
PASSWORD = os.environ.get("KG_NEO4J_PASSWORD", "testpassword")
START_TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_java() -> None:
    if shutil.which("java") and shutil.which("mvn"):
        return
    reason = "no Java: Neo4j tests skipped"
    if os.environ.get("KG_REQUIRE_NEO4J") == "1":
        pytest.fail(f"KG_REQUIRE_NEO4J=1 but {reason}")
    pytest.skip(reason)


class NeoServer:
    """`run-server PORT DATA_DIR` as a child process; `start` waits for its ready line."""

    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir, self.port = Path(data_dir), port or free_port()
        self.uri = f"bolt://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = self.data_dir.parent / f"{self.data_dir.name}.stderr"

    def start(self) -> "NeoServer":
        env = {**os.environ, "KG_NEO4J_PASSWORD": PASSWORD}
        env.pop("KG_NEO4J_AUTH", None)
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "a") as stderr:
            self.proc = subprocess.Popen([str(RUN_SERVER), str(self.port), str(self.data_dir)],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                                         text=True, env=env)
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        if not line or line[0].strip() != f"ready {self.uri}":
            self.kill()
            tail = self.log.read_text(errors="replace")[-2000:]
            pytest.fail(f"Neo4j did not start within {START_TIMEOUT}s (got {line!r}):\n{tail}")
        return self

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as a crash or an OOM kill would be."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


_shared: dict = {"server": None, "users": 0}


def acquire(tmp_path_factory) -> str:
    """The session's server URI, starting it on first use."""
    require_java()
    if _shared["server"] is None:
        started = time.monotonic()
        _shared["server"] = NeoServer(tmp_path_factory.mktemp("neo4j") / "data").start()
        print(f"\nNeo4j ready in {time.monotonic() - started:.1f}s at {_shared['server'].uri}")
    _shared["users"] += 1
    return _shared["server"].uri


def release() -> None:
    _shared["users"] -= 1
    if _shared["users"] <= 0 and _shared["server"] is not None:
        _shared["server"].stop()
        _shared["server"] = None


def clear(uri: str) -> None:
    """Empty the database (Community has one user database, so tests take turns)."""
    from neo4j import GraphDatabase
    with GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as driver, driver.session() as session:
        session.run("MATCH (n) DETACH DELETE n").consume()


def bolt_store(uri: str, **options):
    """A BoltStore on the test server, as the test user."""
    from kg.stores.neo4j import BoltStore
    return BoltStore(uri, user="neo4j", password=PASSWORD, **options)
