"""Shared fixtures: the seed and corpus are read from ../shared at run time, never copied."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.ingest import ingest
from kg.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "hau-giang-2021-10-04.txt"
EXPECTED = SHARED / "seed" / "expected.json"
DEV = SHARED / "corpus" / "dev.jsonl"
EXAMPLES = ROOT / "examples"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not present on this machine")
    return path


@pytest.fixture
def store(tmp_path):
    db = SQLiteStore(str(tmp_path / "kg.db"))
    yield db
    db.close()


@pytest.fixture(scope="session")
def examples_file(tmp_path_factory) -> Path:
    """The bundled examples ingested once a session; a test gets its own copy (`examples_at`)."""
    path = tmp_path_factory.mktemp("examples") / "examples.db"
    db = SQLiteStore(str(path))
    summary = ingest(db, [str(EXAMPLES)])
    assert summary.failed == 0 and summary.new == 4, summary.errors
    db.close()  # the last connection closed: the write-ahead log is folded into the file
    return path


def examples_at(examples_file: Path, path: Path) -> str:
    """A fresh store of the examples at `path`, as `kg ingest examples/ --store path` makes it."""
    shutil.copyfile(examples_file, path)
    return str(path)


@pytest.fixture
def example_store(tmp_path, examples_file):
    db = SQLiteStore(examples_at(examples_file, tmp_path / "examples.db"))
    yield db
    db.close()


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The bundled examples in an embedded store file, shared by a module's tests (the Neo4j
    modules copy it to the server)."""
    db = SQLiteStore(str(tmp_path_factory.mktemp("source") / "kg.db"))
    assert ingest(db, [str(EXAMPLES)]).new == 4
    yield db
    db.close()


@pytest.fixture
def expected_seed() -> dict:
    return json.loads(need(EXPECTED).read_text(encoding="utf-8"))


@pytest.fixture(scope="session", autouse=True)
def cli_built_once():
    """Typer's CliRunner builds the whole click command tree from the app on every `invoke`
    (~20 ms for kg's commands, some 400 times a run); no test changes the app's commands, so
    one tree per app serves the session. Each invoke still gets its own context and streams."""
    import typer.testing
    build = getattr(typer.testing, "_get_command", None)
    if build is None:  # another Typer: nothing to share
        yield
        return
    built: dict = {}
    typer.testing._get_command = lambda app: built[app] if app in built else built.setdefault(app, build(app))
    yield
    typer.testing._get_command = build


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory):
    """The session's one real Neo4j 5.26 (tests/neo4j_server.py), started on first use."""
    from tests import neo4j_server
    uri = neo4j_server.acquire(tmp_path_factory)
    yield uri
    neo4j_server.release()


def pytest_collection_modifyitems(items):
    """Every test that needs the Neo4j server is marked `neo4j` (`-m "not neo4j"` skips the
    server's start-up too)."""
    for item in items:
        if "neo4j_uri" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.neo4j)
