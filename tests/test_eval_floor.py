"""Extraction may not silently get worse: `kg eval` on both gold sets stays at or above the
floor in tests/eval_floor.json (raise the floor when extraction improves)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluate import evaluate, part_of
from loaders.extract import extract

from conftest import SHARED, need

FLOOR = json.loads((Path(__file__).parent / "eval_floor.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(FLOOR))
def test_every_category_stays_at_or_above_its_floor(name):
    gold = need(SHARED / "corpus" / f"{name}.jsonl")
    report = evaluate(gold, lambda article: extract(article).to_gold()).as_dict()
    measured = {c: s["f1"] for c, s in report["categories"].items()}
    measured.update({k: v for k, v in report["documents"].items() if v is not None})
    below = {c: (measured.get(c), floor) for c, floor in FLOOR[name].items() if measured.get(c, 0) < floor}
    assert not below, f"{name}: below the floor (measured, floor): {below}"


def test_the_develop_check_split_is_fixed_by_the_id_and_about_70_30():
    ids = [f"x-{i:04d}" for i in range(1000)]
    parts = [part_of(i) for i in ids]
    assert parts == [part_of(i) for i in ids]
    assert 0.6 < parts.count("develop") / len(ids) < 0.8
