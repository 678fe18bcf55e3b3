"""The seed article must extract exactly to its expected facts (read from ../shared)."""
import json

from loaders import read_path
from loaders.extract import extract
from tests.conftest import SEED, need


def _canon(rows):
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows)


def test_seed_extracts_exactly_the_gold(expected_seed):
    gold = expected_seed["gold"]
    predicted = extract(next(read_path(need(SEED)))).to_gold()
    for field in ("persons", "meetings", "documents", "doc_relations", "meeting_documents"):
        assert _canon(predicted[field]) == _canon(gold[field]), field
    assert sorted(predicted["provinces"]) == sorted(gold["provinces"])
    assert sorted(predicted["organizations"]) == sorted(gold["organizations"])


def test_seed_has_no_edge_between_the_two_documents(expected_seed):
    predicted = extract(next(read_path(need(SEED)))).to_gold()
    ids = {"20-CT/TU", "21-NQ/TW"}
    assert not [r for r in predicted["doc_relations"] if {r["from"], r["to"]} == ids]
