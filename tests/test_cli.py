"""The CLI through Typer's CliRunner: exit codes, JSON shapes, one-line errors."""
import json

import pytest
from typer.testing import CliRunner

from kg.cli.app import app
from tests.conftest import SEED, examples_at, need

runner = CliRunner()


@pytest.fixture
def db(tmp_path, examples_file):
    return examples_at(examples_file, tmp_path / "cli.db")


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


# -- one way to say each thing (issue 14: a thin CLI) ----------------------------------------------

def test_direction_and_the_old_flags_give_the_same_answer(db):
    for direction, flags in (("down", ["--down"]), ("up", ["--up"]), ("both", ["--both"]), ("both", ["--up", "--down"])):
        for fmt in ("json", "tree", "csv"):
            new = runner.invoke(app, ["lineage", "45/KH-UBND", "--direction", direction, "-f", fmt, "--store", db])
            old = runner.invoke(app, ["lineage", "45/KH-UBND", *flags, "-f", fmt, "--store", db])
            assert new.exit_code == old.exit_code == 0 and new.stdout == old.stdout, (direction, fmt)
    default = runner.invoke(app, ["lineage", "45/KH-UBND", "--store", db, "--json"]).stdout
    assert json.loads(default)["direction"] == "down"
    both = json.loads(runner.invoke(app, ["lineage", "45/KH-UBND", "--direction", "BOTH", "--store", db, "--json"]).stdout)
    assert both["direction"] == "both" and len(both["nodes"]) > 1
    clash = runner.invoke(app, ["lineage", "45/KH-UBND", "--direction", "up", "--down", "--store", db])
    assert clash.exit_code == 2


LIST_COMMANDS = [["chaired", "Tran Minh Khoa"], ["who-chaired", "giao ban"], ["meetings"], ["holders", "Bí thư Tỉnh ủy Hậu Giang"],
                 ["unresolved"], ["coverage", "21-NQ/TW"], ["search", "khoa"], ["stats"], ["articles"],
                 ["path", "Trần Minh Khoa", "21-NQ/TW"]]


@pytest.mark.parametrize("command", LIST_COMMANDS, ids=lambda c: c[0])
def test_every_list_checks_its_format_one_way(db, command):
    """One set of choices (kg.cli.output.FORMATS), any case; --json is --format json."""
    from kg.cli.app import main
    shouted = runner.invoke(app, [*command, "--store", db, "-f", "CSV"])
    assert shouted.exit_code == 0 and shouted.stdout.startswith("\ufeff"), command
    as_json = runner.invoke(app, [*command, "--store", db, "--json"]).stdout
    assert runner.invoke(app, [*command, "--store", db, "-f", "json"]).stdout == as_json
    with pytest.raises(SystemExit) as stop:
        main([*command, "--store", db, "-f", "yaml"])
    assert stop.value.code == 2


def test_a_bad_format_is_one_line_naming_the_choices(db, capsys):
    from kg.cli.app import main
    for args in (["meetings", "-f", "yaml"], ["lineage", "21-NQ/TW", "-f", "yaml"], ["export", "-f", "yaml", "-o", "x"]):
        with pytest.raises(SystemExit) as stop:
            main([*args, "--store", db])
        err = capsys.readouterr().err
        assert stop.value.code == 2 and err.count("\n") == 1 and err.startswith("Error:") and "'yaml'" in err
    assert "tsv" in err or "turtle" in err


def test_every_query_takes_store_and_json(db):
    """The commands `reads_store` makes: --store after the arguments, --json, a JSON answer."""
    queries = [*LIST_COMMANDS, ["person", "Tran Minh Khoa"], ["doc", "45/KH-UBND"], ["lineage", "21-NQ/TW"],
               ["why", "doc:hau-giang:45-kh-ubnd-2022"]]
    for command in queries:
        result = runner.invoke(app, [*command, "--store", db, "--json"])
        assert result.exit_code == 0 and isinstance(json.loads(result.stdout), dict), command
    missing = runner.invoke(app, ["stats", "--store", db + ".absent", "--json"])
    assert missing.exit_code != 0 and missing.stderr.startswith("Error:") and missing.stderr.count("\n") == 1


def test_neo4j_credentials_travel_in_the_context_not_the_environment(db, monkeypatch, capsys):
    """`kg --neo4j-password …` reaches the command's store through the context object; the
    process environment (inherited by every child process) never holds the password."""
    import os
    import typer
    from typer.main import get_command
    from kg.cli.app import main
    from kg.cli.common import credentials
    for name in ("KG_NEO4J_USER", "KG_NEO4J_PASSWORD", "KG_NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit) as stop:
        main(["--neo4j-user", "reader", "--neo4j-password", "s3cret", "stats", "--store", db, "--json"])
    assert stop.value.code == 0 and json.loads(capsys.readouterr().out)["articles"] == 4
    assert not {"KG_NEO4J_USER", "KG_NEO4J_PASSWORD", "KG_NEO4J_DATABASE"} & set(os.environ)
    group = get_command(app)
    root = typer.Context(group, obj={"user": "reader", "password": "s3cret", "database": None})
    child = typer.Context(group.get_command(root, "stats"), parent=root)
    assert credentials(child) == {"user": "reader", "password": "s3cret", "database": None}
    assert credentials(None) == {}
