"""Shared fixtures: the seed and corpus are read from ../shared at run time, never copied."""
from __future__ import annotations

import json
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


@pytest.fixture
def example_store(tmp_path):
    db = SQLiteStore(str(tmp_path / "examples.db"))
    summary = ingest(db, [str(EXAMPLES)])
    assert summary.failed == 0, summary.errors
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
