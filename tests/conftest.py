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


@pytest.fixture
def expected_seed() -> dict:
    return json.loads(need(EXPECTED).read_text(encoding="utf-8"))
