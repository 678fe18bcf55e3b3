"""Answers an analyst can trust, copy and script (issue 16) and stored text that cannot act on
the terminal (issue 12 item 9). Articles here are composed for these tests."""
import csv
import io
import json
import os
import shlex
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from kg.cli.app import app, main
from kg.cli.common import Screen, table
from kg.stores.sqlite import SQLiteStore
from kg.graph import Node
from tests.composed import meeting, meetings_store
from tests.conftest import EXAMPLES, examples_at

runner = CliRunner()

# One article whose stored text is hostile: Rich markup, an emoji code, a terminal escape.
HOSTILE = {"id": "mk[/b]", "url": "https://baohaugiang.com.vn/mk", "published": "2024-03-06",
           "title": "Hội nghị [trực tuyến] sơ kết [/bold] quý I :flag_for_vietnam:",
           "text": "Sáng 05/3/2024, đồng chí Phạm Văn Bình, Bí thư Tỉnh ủy Hậu Giang, chủ trì Hội nghị "
                   "[trực tuyến] sơ kết [/bold] quý I \u001b[2J năm 2024. Hội nghị đã quán triệt Chỉ thị "
                   "số 33-CT/TU ngày 02/01/2024 của Ban Thường vụ Tỉnh ủy [red]."}
# Three articles dating one directive: two say 15/8/2016, one says 20/9/2016.
DATED = [("c1", "2021-05-01", "15/8/2016"), ("c2", "2021-06-01", "20/9/2016"), ("c3", "2021-07-01", "15/8/2016")]


def ingest(path, *inputs) -> str:
    result = runner.invoke(app, ["ingest", *map(str, inputs), "--store", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return str(path)


def kg(*args, env=None):
    return runner.invoke(app, list(args), env=env)


@pytest.fixture
def examples(tmp_path, examples_file):
    return examples_at(examples_file, tmp_path / "ex.db")


@pytest.fixture
def hostile(tmp_path):
    source = tmp_path / "hostile.jsonl"
    source.write_text(json.dumps(HOSTILE, ensure_ascii=False) + "\n", encoding="utf-8")
    return ingest(tmp_path / "hostile.db", source)


@pytest.fixture
def conflicting(tmp_path):
    lines = [json.dumps({"id": i, "published": published, "province_context": "Ninh Bình",
                         "text": f"Hội nghị quán triệt Chỉ thị số 20-CT/TU ngày {date} của Ban Thường vụ Tỉnh ủy."},
                        ensure_ascii=False) for i, published, date in DATED]
    source = tmp_path / "dated.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ingest(tmp_path / "dated.db", source)


def run_main(argv, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    captured = capsys.readouterr()
    return stop.value.code, captured.out, captured.err


# -- ids whole, pipes unwrapped -------------------------------------------------------------


def test_ids_print_whole_on_a_narrow_terminal():
    screen = Screen(file=io.StringIO(), force_terminal=True, width=40)
    ids = ["person:nguyen-van-thanh-long@thanh-hoa", "doc:hau-giang:20-ct-tu-2016"]
    screen.print(table([{"id": i, "name": "Nguyễn Văn Thành Long", "province": "Thanh Hóa"} for i in ids]))
    assert all(i in screen.file.getvalue() for i in ids)


def test_piped_output_is_never_cut_or_wrapped(examples):
    env = {"COLUMNS": "40"}
    candidates = kg("doc", "20-CT/TU", "--store", examples, env=env)
    assert "doc:hau-giang:20-ct-tu-2016" in candidates.stderr
    rows = kg("meetings", "--store", examples, env=env).stdout.splitlines()
    assert any("cuộc họp thường kỳ UBND tỉnh tháng 8" in r and "Lê Thị Hồng Nhung" in r for r in rows)
    tree = kg("lineage", "21-NQ/TW", "--store", examples, env=env).stdout
    assert "1234/QĐ-UBND (Quyết định, Ủy ban nhân dân tỉnh, 2023-08-07, Hậu Giang)" in tree
    assert "…" not in tree


# -- stored text is text ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [["meetings"], ["person", "Phạm Văn Bình"], ["search", "trực tuyến"],
                                     ["doc", "33-CT/TU"], ["who-chaired", "so ket", "--evidence"],
                                     ["chaired", "Pham Van Binh", "--evidence"], ["why", "article:mk[/b]"],
                                     ["articles"], ["lineage", "33-CT/TU"], ["search", "[/bold]"]])
def test_markup_and_escapes_in_articles_are_shown_as_text(hostile, command):
    result = kg(*command, "--store", hostile)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "MarkupError" not in result.output
    if command[0] in ("meetings", "who-chaired", "person"):
        assert "[trực tuyến] sơ kết [/bold] quý I" in result.stdout


def test_csv_and_tsv_carry_no_terminal_controls(hostile):
    for fmt in ("csv", "tsv"):
        result = kg("meetings", "--store", hostile, "-f", fmt)
        assert result.exit_code == 0 and "\x1b" not in result.stdout and "[/bold]" in result.stdout


def test_json_escapes_terminal_controls_but_keeps_the_text(hostile):
    data = json.loads(kg("meetings", "--store", hostile, "--json").stdout)
    assert "\x1b[2J" in data["meetings"][0]["name"]
    assert "\x1b" not in kg("meetings", "--store", hostile, "--json").stdout


def test_forgetting_an_article_named_with_markup_succeeds(hostile):
    result = kg("forget", "mk[/b]", "--store", hostile)
    assert result.exit_code == 0 and "forgot mk[/b]" in result.stdout
    assert json.loads(kg("stats", "--store", hostile, "--json").stdout)["articles"] == 0


def test_forget_takes_the_article_id_search_and_articles_show(examples):
    listed = json.loads(kg("articles", "--store", examples, "--json").stdout)["articles"]
    assert len(listed) == 4
    shown = next(a["article"] for a in listed if a["article"].endswith("hau-giang-2023-08-09.txt"))
    assert kg("forget", f"article:{shown}", "--store", examples).exit_code == 0
    assert len(json.loads(kg("articles", "--store", examples, "--json").stdout)["articles"]) == 3


# -- stdout carries the answer only ------------------------------------------------------------


def test_candidates_go_to_stderr_not_into_a_redirected_file(examples):
    result = kg("lineage", "20-CT/TU", "--format", "mermaid", "--store", examples)
    assert result.exit_code == 2 and result.stdout == ""
    assert "doc:ninh-binh:20-ct-tu-2017" in result.stderr


def test_lineage_both_ancestors_above_descendants_below_each_once(examples):
    tree = kg("lineage", "45/KH-UBND", "--both", "--store", examples).stdout
    lines = tree.splitlines()
    root = next(i for i, line in enumerate(lines) if line.startswith("45/KH-UBND"))
    above, below = "\n".join(lines[:root]), "\n".join(lines[root + 1:])
    assert "20-CT/TU" in above and "21-NQ/TW" in above and "1234/QĐ-UBND" in below
    assert tree.count("45/KH-UBND (Kế hoạch") == 1 and tree.count("20-CT/TU (Chỉ thị") == 1
    assert "seen above" not in tree and above.index("21-NQ/TW (") < above.index("20-CT/TU (")  # farthest first
    mermaid = kg("lineage", "45/KH-UBND", "--both", "-f", "mermaid", "--store", examples).stdout
    dot = kg("lineage", "45/KH-UBND", "--both", "-f", "dot", "--store", examples).stdout
    # both draw edges from the implementing document to the one it implements, bottom to top
    assert mermaid.splitlines()[0] == "graph BT" and "rankdir=BT" in dot


# -- filters that cannot match are errors -------------------------------------------------------


def test_unknown_province_is_an_error_with_suggestions(examples):
    result = kg("meetings", "-p", "Hau Gaing", "--store", examples)
    assert result.exit_code == 1 and "did you mean Hậu Giang" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("abbreviation, held_in", [("HCM", "TP Hồ Chí Minh"), ("TP.HCM", "TP Hồ Chí Minh"),
                                                   ("BR-VT", "Bà Rịa - Vũng Tàu"), ("TT-Huế", "Huế")])
def test_province_abbreviations_resolve(tmp_path, abbreviation, held_in):
    store = SQLiteStore(str(tmp_path / "p.db"))
    for n, (slug, name) in enumerate([("ho-chi-minh", "TP Hồ Chí Minh"), ("ba-ria-vung-tau", "Bà Rịa - Vũng Tàu"),
                                      ("hue", "Huế"), ("ha-noi", "Hà Nội")], 1):
        store.upsert(meeting(n, f"Hội nghị {n}", f"2024-0{n}-01", Node(f"province:{slug}", "Province", name), []))
    store.close()
    result = kg("meetings", "-p", abbreviation, "--store", str(tmp_path / "p.db"), "--json")
    assert result.exit_code == 0, result.output
    assert held_in in {m["province"] for m in json.loads(result.stdout)["meetings"]}
    assert "Hà Nội" not in {m["province"] for m in json.loads(result.stdout)["meetings"]}


def test_dates_iso_and_day_month_year_agree_others_are_one_line_errors(examples, capsys):
    iso = json.loads(kg("meetings", "--since", "2023-01-01", "--store", examples, "--json").stdout)
    dmy = json.loads(kg("meetings", "--since", "01/01/2023", "--store", examples, "--json").stdout)
    assert [m["date"] for m in dmy["meetings"]] == [m["date"] for m in iso["meetings"]] == ["2024-01-11", "2023-08-08"]
    for bad in ("yesterday", "2021-13-01", "31/02/2021"):
        code, out, err = run_main(["meetings", "--since", bad, "--store", examples], capsys)
        assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("Error:") and bad in err


# -- holders: attested spans, never extrapolated ----------------------------------------------------


def test_holders_on_a_date_after_every_attestation_names_no_holder(examples):
    data = json.loads(kg("holders", "Bí thư Tỉnh ủy Hậu Giang", "--on", "2035-01-01", "--store", examples, "--json").stdout)
    assert data["holders"] == [] and data["nearest"]["before"]["name"] == "Trần Minh Khoa"
    text = kg("holders", "Bí thư Tỉnh ủy Hậu Giang", "--on", "2035-01-01", "--store", examples).stdout
    assert "no one is attested" in text and "last attested 2024-01-11" in text


def test_holders_span_uses_the_event_date_the_article_gives(examples):
    data = json.loads(kg("holders", "Bí thư Tỉnh ủy Hậu Giang", "--store", examples, "--json").stdout)
    # the meeting was on 16/3/2022; the article came out on 18/3/2022
    assert (data["holders"][0]["first"], data["holders"][0]["last"]) == ("2022-03-16", "2024-01-11")
    on_the_day = json.loads(kg("holders", "Bí thư Tỉnh ủy Hậu Giang", "--on", "16/03/2022", "--store", examples,
                               "--json").stdout)
    assert [h["name"] for h in on_the_day["holders"]] == ["Trần Minh Khoa"]


# -- conflicting values are shown, not resolved silently -------------------------------------------


def test_document_dated_differently_shows_the_majority_and_the_conflict(conflicting):
    data = json.loads(kg("doc", "20-CT/TU", "--store", conflicting, "--json").stdout)
    assert data["date"] == "2016-08-15"
    values = data["conflicts"][0]["values"]
    assert [(v["value"], v["sources"]) for v in values] == [("2016-08-15", ["c1", "c3"]), ("2016-09-20", ["c2"])]
    text = kg("doc", "20-CT/TU", "--store", conflicting).stdout
    assert "conflicting" in text.lower() and "2016-09-20" in text and "c2" in text


def test_each_article_claims_its_own_date_and_a_store_without_claims_knows_only_the_stored_one(conflicting):
    from kg.stores.base import Store
    with SQLiteStore(conflicting) as db:
        doc = db.find("20-CT/TU", "Document")[0]
        assert db.claimed_values(doc.id, "date") == {"2016-08-15": ["c1", "c3"], "2016-09-20": ["c2"]}
        assert Store.claimed_values(db, doc.id, "date") == {doc.props["date"]: ["c1", "c2", "c3"]}
        assert db.claimed_values(doc.id, "no_such_prop") == {}


# -- polish ---------------------------------------------------------------------------------------------


def test_version_help_and_bare_kg(capsys):
    code, out, _ = run_main([], capsys)
    assert code == 0 and "Usage" in out and "lineage" in out
    code, out, _ = run_main(["--version"], capsys)
    assert code == 0 and out.startswith("kg ")
    code, out, _ = run_main(["lineage", "-h"], capsys)
    assert code == 0 and "--direction" in out and "--both" not in out  # the old flags work, unlisted


def test_help_never_labels_flags_bool_and_every_option_is_explained():
    commands = [c for g in app.registered_groups for c in g.typer_instance.registered_commands]
    for command in commands:
        shown = runner.invoke(app, [command.name, "--help"], env={"COLUMNS": "200"}).stdout
        assert "<bool>" not in shown, command.name
    from typer.main import get_command
    group = get_command(app)
    for name, command in group.commands.items():
        for param in command.params:
            if param.param_type_name == "option":
                assert param.help, f"kg {name} {param.opts[0]} has no help"


def test_usage_errors_are_one_line(capsys, examples):
    for argv in (["chaired"], ["meetings", "--bogus"], ["meetings", "--limit", "zero"]):
        code, out, err = run_main(argv + ["--store", examples], capsys)
        assert code == 2 and err.count("\n") == 1 and err.startswith("Error:"), argv


def test_empty_answers_say_so_and_year_less_dates_read_well(tmp_path):
    store = SQLiteStore(str(tmp_path / "m.db"))
    meetings_store(store)
    store.close()
    path = str(tmp_path / "m.db")
    none = kg("meetings", "--since", "2030-01-01", "--store", path)
    assert none.exit_code == 0 and "no meetings match" in none.stdout and "┏" not in none.stdout
    listed = kg("meetings", "--store", path).stdout
    assert "02/05 (year not given)" in listed and "--05-02" not in listed


def test_person_headings_read_as_english(examples):
    text = kg("person", "Trần Minh Khoa", "--store", examples).stdout
    assert "Meetings spoken at" in text and "Meetings spoke" not in text.replace("Meetings spoken", "")


def test_limit_pages_holders_doc_and_unresolved(examples):
    holders = json.loads(kg("holders", "Chủ tịch Ủy ban nhân dân tỉnh Hậu Giang", "-n", "1", "--store", examples,
                            "--json").stdout)
    assert len(holders["holders"]) == 1 and holders["limit"] == 1
    doc = json.loads(kg("doc", "20-CT/TU", "-p", "Hậu Giang", "-n", "1", "--store", examples, "--json").stdout)
    assert len(doc["cited_by"]) == 1 and doc["cited_total"] == 2
    unresolved = json.loads(kg("unresolved", "-n", "1", "--store", examples, "--json").stdout)
    assert {"total", "limit", "offset", "truncated"} <= set(unresolved)


# -- formats ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["meetings"], ["chaired", "Tran Minh Khoa"], ["who-chaired", "giao ban"],
                                     ["holders", "Bí thư Tỉnh ủy Hậu Giang"], ["search", "khoa"], ["stats"],
                                     ["articles"], ["unresolved"], ["coverage", "21-NQ/TW"],
                                     ["path", "Trần Minh Khoa", "21-NQ/TW"]])
def test_every_list_query_speaks_every_format(examples, command):
    as_json = json.loads(kg(*command, "--store", examples, "--format", "json").stdout)
    assert isinstance(as_json, dict)
    lines = kg(*command, "--store", examples, "--format", "jsonl").stdout.splitlines()
    assert all(isinstance(json.loads(line), dict) for line in lines)
    raw = kg(*command, "--store", examples, "--format", "csv").stdout
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw.removeprefix("\ufeff"))))
    tsv = list(csv.reader(io.StringIO(kg(*command, "--store", examples, "-f", "tsv").stdout), dialect="excel-tab"))
    assert len(rows) == len(lines) + 1 == len(tsv) and rows[0] == tsv[0]


def test_lineage_edges_as_rows(examples):
    rows = list(csv.DictReader(io.StringIO(kg("lineage", "21-NQ/TW", "-f", "csv", "--store", examples)
                                           .stdout.removeprefix("\ufeff"))))
    assert {(r["from_number"], r["rel"], r["to_number"]) for r in rows} == {
        ("20-CT/TU", "implements", "21-NQ/TW"), ("45/KH-UBND", "implements", "20-CT/TU"),
        ("1234/QĐ-UBND", "amends", "45/KH-UBND")}


def test_not_found_answers_json_too(examples):
    result = kg("chaired", "Người Không Có", "--store", examples, "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["error"] == "notfound"


def test_did_you_mean_for_numbers_and_names(examples):
    for written in ("Nghị quyết 21-NQ/TW", "21-nq-tw", "21 NQ TW"):
        assert "did you mean 21-NQ/TW" in kg("doc", written, "--store", examples).stderr, written
    assert "did you mean Trần Minh Khoa" in kg("person", "Tran Minh Khao", "--store", examples).stderr


# -- the README's examples run on the bundled examples -------------------------------------------------


def readme_examples() -> list[str]:
    text = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    block = text.split("## Using it", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.startswith("kg ")]


def test_every_readme_example_runs_and_prints_something(tmp_path, monkeypatch, capsys):
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_STORE", raising=False)
    lines = readme_examples()
    assert len(lines) >= 20
    for line in lines:
        code, out, err = run_main(shlex.split(line, comments=True)[1:], capsys)
        assert code == 0 and out.strip(), f"{line}\n{err}"


def test_shell_completion_offers_numbers_and_names_from_the_store(examples):
    def complete(*words):
        env = {**os.environ, "KG_STORE": examples, "_KG_COMPLETE": "complete_bash",
               "COMP_WORDS": " ".join(["kg", *words]), "COMP_CWORD": str(len(words))}
        run = subprocess.run([sys.executable, "-c", "from kg.cli.app import main; main()"], env=env,
                             capture_output=True, text=True, timeout=60)
        return run.stdout.split("\n")
    assert "20-CT/TU" in complete("lineage", "20") and "21-NQ/TW" in complete("doc", "21")
    assert "Trần Minh Khoa" in complete("person", "Trần")


# -- evidence, lineage for analysts, why, path -------------------------------------------------------------


def test_chair_evidence_is_the_chu_tri_sentence_with_the_name_marked(examples):
    data = json.loads(kg("chaired", "Tran Minh Khoa", "--evidence", "--store", examples, "--json").stdout)
    for row in data["meetings"]:
        (source,) = row["chair_evidence"]
        start, end = source["span"]
        assert "chủ trì" in source["sentence"] and source["sentence"][start:end] == "Trần Minh Khoa"
        assert source["article"] and source["published"]
    piped = kg("chaired", "Tran Minh Khoa", "--evidence", "--store", examples).stdout
    assert "đồng chí [Trần Minh Khoa], Bí thư Tỉnh ủy" in piped and "example.org" in piped


@pytest.mark.parametrize("command", [["holders", "Bí thư Tỉnh ủy Hậu Giang"], ["person", "Lê Thị Hồng Nhung"],
                                     ["doc", "45/KH-UBND"], ["lineage", "45/KH-UBND", "--both"],
                                     ["path", "Trần Minh Khoa", "21-NQ/TW"], ["who-chaired", "giao ban"]])
def test_evidence_marks_the_claimed_words_in_each_quoted_sentence(examples, command):
    text = kg(*command, "--evidence", "--store", examples).stdout
    quotes = [line.strip() for line in text.splitlines() if line.startswith("      ")]
    assert quotes and any("[" in q and "]" in q for q in quotes)


def test_lineage_filters_the_tree_not_the_root(examples):
    plans = json.loads(kg("lineage", "21-NQ/TW", "--type", "Quyet dinh", "--store", examples, "--json").stdout)
    kept = {n["number"]: n.get("via") for n in plans["nodes"]}
    assert kept == {"21-NQ/TW": False, "20-CT/TU": True, "45/KH-UBND": True, "1234/QĐ-UBND": False}
    elsewhere = json.loads(kg("lineage", "21-NQ/TW", "-p", "Ninh Bình", "--store", examples, "--json").stdout)
    assert elsewhere["root"] == "doc:central:21-nq-tw-2012" and elsewhere["edges"] == []
    recent = json.loads(kg("lineage", "21-NQ/TW", "--since", "2023-01-01", "--store", examples, "--json").stdout)
    assert {n["number"] for n in recent["nodes"] if not n.get("via")} == {"21-NQ/TW", "1234/QĐ-UBND"}


def test_coverage_lists_provinces_with_and_without_implementing_documents(examples):
    data = json.loads(kg("coverage", "21-NQ/TW", "--store", examples, "--json").stdout)
    assert [(p["province"], p["count"]) for p in data["provinces"]] == [("Cần Thơ", 3)]
    assert "Ninh Bình" in data["none_found"] and "Cần Thơ" not in data["none_found"]
    text = kg("coverage", "21-NQ/TW", "--store", examples).stdout
    assert "45/KH-UBND (2022-03-02)" in text and "None found in" in text


def test_why_lists_every_claim_with_its_sentence(examples):
    data = json.loads(kg("why", "doc:hau-giang:45-kh-ubnd-2022", "--store", examples, "--json").stdout)
    types = {c["type"] for c in data["claims"]}
    assert {"MENTIONS", "IMPLEMENTS", "AMENDS"} <= types and all(c["sentence"] for c in data["claims"])
    between = json.loads(kg("why", "doc:hau-giang:45-kh-ubnd-2022", "doc:hau-giang:1234-qd-ubnd-2023",
                            "--store", examples, "--json").stdout)
    assert [c["type"] for c in between["claims"]] == ["AMENDS"]


def test_path_avoids_hubs_unless_asked(example_store):
    import queries
    from kg.errors import NotFound
    through = queries.path(example_store, "Trần Minh Khoa", "21-NQ/TW", through_hubs=True, hub_degree=1)
    assert len(through["hops"]) >= 2  # every node inside a chain has two links at least
    with pytest.raises(NotFound, match="avoiding hubs"):
        queries.path(example_store, "Trần Minh Khoa", "21-NQ/TW", hub_degree=1)


def test_path_respects_max_hops(examples):
    short = kg("path", "Trần Minh Khoa", "21-NQ/TW", "--max-hops", "1", "--store", examples)
    assert short.exit_code == 1 and "--max-hops 1" in short.stderr
