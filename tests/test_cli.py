"""The CLI through Typer's CliRunner: exit codes, JSON shapes, one-line errors."""
import json

import pytest
from typer.testing import CliRunner

from kg.cli.app import app
from tests.conftest import EXAMPLES, SEED, need

runner = CliRunner()


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "cli.db")
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", path, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["articles"]["new"] == 4
    return path


def test_every_command_has_help():
    for command in app.registered_commands + [c for g in app.registered_groups for c in g.typer_instance.registered_commands]:
        name = command.name
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, name


def test_stats_json_shape(db):
    data = json.loads(runner.invoke(app, ["stats", "--store", db, "--json"]).stdout)
    assert set(data) == {"articles", "nodes", "edges"} and data["nodes"]["Person"] >= 4


def test_lineage_json_shape(db):
    result = runner.invoke(app, ["lineage", "21-NQ/TW", "--down", "--store", db, "--json"])
    data = json.loads(result.stdout)
    assert set(data) >= {"root", "nodes", "edges"}
    assert set(data["nodes"][0]) == {"id", "number", "type", "issuer", "date", "province"}
    assert {e["rel"] for e in data["edges"]} == {"implements", "amends"}


def test_lineage_tree_mermaid_and_dot(db):
    tree = runner.invoke(app, ["lineage", "21-NQ/TW", "--store", db])
    assert tree.exit_code == 0 and "implements" in tree.stdout and "1234/QĐ-UBND" in tree.stdout
    mermaid = runner.invoke(app, ["lineage", "21-NQ/TW", "--store", db, "--format", "mermaid"]).stdout
    assert mermaid.startswith("graph BT") and "-->|amends|" in mermaid
    dot = runner.invoke(app, ["lineage", "21-NQ/TW", "--store", db, "--format", "dot"]).stdout
    assert dot.startswith("digraph") and '[label="implements"]' in dot


def test_ambiguous_document_lists_candidates_and_exits_2(db):
    result = runner.invoke(app, ["doc", "20-CT/TU", "--store", db, "--json"])
    assert result.exit_code == 2
    assert len(json.loads(result.stdout)["candidates"]) == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error:")


def test_chaired_accepts_name_without_diacritics(db):
    data = json.loads(runner.invoke(app, ["chaired", "Tran Minh Khoa", "--store", db, "--json"]).stdout)
    assert data["person"]["name"] == "Trần Minh Khoa" and len(data["meetings"]) == 2


def test_errors_are_one_line_without_traceback(tmp_path, db):
    missing = runner.invoke(app, ["stats", "--store", str(tmp_path / "nope.db")])
    assert missing.exit_code == 1 and missing.stderr.startswith("Error: store not found")
    unknown = runner.invoke(app, ["doc", "99-XX/YY", "--store", db])
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    broken = runner.invoke(app, ["stats", "--store", str(garbage)])
    assert broken.exit_code == 1 and broken.stderr.startswith("Error:")


def test_ingest_reports_each_failure_and_stores_the_rest(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "g1", "text": "Đồng chí Trần Minh Khoa, Bí thư Tỉnh ủy chủ trì hội nghị."}\n'
                    "{broken\n", encoding="utf-8")
    path = str(tmp_path / "x.db")
    result = runner.invoke(app, ["ingest", str(good), str(tmp_path / "missing.txt"), "--store", path, "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["articles"] == {"new": 1, "unchanged": 0, "changed": 0, "failed": 2}
    assert "good.jsonl:2" in result.stderr and "missing.txt" in result.stderr


def test_extract_seed_prints_one_gold_line(expected_seed):
    result = runner.invoke(app, ["extract", str(need(SEED))])
    lines = result.stdout.strip().splitlines()
    assert result.exit_code == 0 and len(lines) == 1
    data = json.loads(lines[0])
    assert {d["id"] for d in data["documents"]} == {"21-NQ/TW", "20-CT/TU"} and data["doc_relations"] == []


def test_extract_jsonl_keeps_ids(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "x-1", "text": "Chỉ thị số 05-CT/TW của Bộ Chính trị."}\n'
                      '{"id": "x-2", "text": "Kế hoạch số 12/KH-UBND ngày 01/02/2020."}\n', encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    assert runner.invoke(app, ["extract", str(source), "--out", str(out)]).exit_code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["x-1", "x-2"]
    assert rows[1]["documents"][0] == {"id": "12/KH-UBND", "type": "Kế hoạch", "issuer": None, "date": "2020-02-01"}


def test_forget(db):
    result = runner.invoke(app, ["forget", "examples/hau-giang-2023-08-09.txt", "--store", db])
    assert result.exit_code == 0
    data = json.loads(runner.invoke(app, ["stats", "--store", db, "--json"]).stdout)
    assert data["articles"] == 3 and "AMENDS" not in data["edges"]
