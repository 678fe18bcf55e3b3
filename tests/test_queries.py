"""Queries over the bundled example articles (composed for this project)."""
import json

import pytest
from typer.testing import CliRunner

import queries
from kg.cli.app import app
from kg.errors import Ambiguous, NotFound
from kg.model import schema
from kg.stores.base import Store
from tests.composed import CHAIR, CHILDREN, GREAT, HUB, STANDING, lineage_store, meetings_store


def test_chaired_without_diacritics(example_store):
    result = queries.chaired(example_store, "tran minh khoa")
    dates = [m["date"] for m in result["meetings"]]
    assert dates == ["2024-01-11", "2022-03-16"]  # newest first
    assert result["meetings"][0]["co_chairs"] == ["Lê Thị Hồng Nhung"]
    assert result["meetings"][1]["province"] == "Hậu Giang"
    assert (result["total"], result["truncated"]) == (2, False)


def test_chaired_filters(example_store):
    assert [m["date"] for m in queries.chaired(example_store, "Trần Minh Khoa", since="2023-01-01")["meetings"]] == ["2024-01-11"]
    assert queries.chaired(example_store, "Trần Minh Khoa", province="Ninh Bình")["meetings"] == []
    # Hậu Giang joined Cần Thơ in 2025: the new name finds the old meetings too
    assert len(queries.chaired(example_store, "Trần Minh Khoa", province="Cần Thơ")["meetings"]) == 2


def test_who_chaired(example_store):
    rows = queries.who_chaired(example_store, "giao ban")["meetings"]
    assert [(m["date"], m["chairs"]) for m in rows] == [("2024-01-11", ["Lê Thị Hồng Nhung", "Trần Minh Khoa"])]


def test_person_posts_over_time(example_store):
    result = queries.person_profile(example_store, "Lê Thị Hồng Nhung")
    posts = {p["post"]: (p["first"], p["last"]) for p in result["posts"]}
    # dated by the meetings the articles report (16/3/2022, 11/1/2024), not by publication
    assert posts["Chủ tịch Ủy ban nhân dân tỉnh Hậu Giang"] == ("2022-03-16", "2024-01-11")
    assert [m["date"] for m in result["meetings"]["chaired"]] == ["2024-01-11", "2023-08-08"]
    assert result["meeting_totals"]["chaired"] == 2 and not result["truncated"]


def test_holders_at_a_date(example_store):
    result = queries.holders(example_store, "Bí thư Tỉnh ủy Hậu Giang", on="2023-01-01")
    assert [h["name"] for h in result["holders"]] == ["Trần Minh Khoa"]


def test_doc_with_two_candidates_is_ambiguous(example_store):
    with pytest.raises(Ambiguous) as info:
        queries.document(example_store, "20-CT/TU")
    assert sorted(c["province"] for c in info.value.candidates) == ["Hậu Giang", "Ninh Bình"]
    doc = queries.document(example_store, "20-CT/TU", province="Ninh Bình")
    assert doc["date"] == "2017-05-25"
    assert [a["action"] for a in doc["acted_on_by"]] == ["disseminate"]


def test_lineage_down_three_levels_across_articles(example_store):
    result = queries.lineage(example_store, "21-NQ/TW", "down")
    edges = {(e["from"].split(":")[-1], e["rel"], e["to"].split(":")[-1]) for e in result["edges"]}
    assert edges == {("20-ct-tu-2016", "implements", "21-nq-tw-2012"),
                     ("45-kh-ubnd-2022", "implements", "20-ct-tu-2016"),
                     ("1234-qd-ubnd-2023", "amends", "45-kh-ubnd-2022")}
    assert all(e["sources"] for e in result["edges"])
    assert len(queries.lineage(example_store, "21-NQ/TW", "down", depth=1)["edges"]) == 1


def test_lineage_up(example_store):
    result = queries.lineage(example_store, "1234/QĐ-UBND", "up")
    assert [n["number"] for n in result["nodes"]] == ["1234/QĐ-UBND", "45/KH-UBND", "20-CT/TU", "21-NQ/TW"]


def test_search_and_stats(example_store):
    hits = queries.search(example_store, "tinh uy hau giang", "Organization")["results"]
    assert any(h["name"] == "Tỉnh ủy Hậu Giang" for h in hits)
    stats = queries.stats(example_store)
    assert stats["articles"] == 4 and stats["edges"]["IMPLEMENTS"] == 2 and stats["edges"]["AMENDS"] == 1


def test_unknown_person(example_store):
    with pytest.raises(NotFound):
        queries.chaired(example_store, "Người Không Có")


# -- pages, totals and cut lineages, on graphs composed in code (tests/composed.py) ----------


def test_who_chaired_prefers_the_exact_name_newest_first(store):
    meetings_store(store)
    exact = queries.who_chaired(store, "hoi nghi ban thuong vu tinh uy")
    assert exact["match"] == "exact" and [m["date"] for m in exact["meetings"]] == ["2024-03-01", "2023-05-02"]
    wider = queries.who_chaired(store, STANDING, contains=True)
    assert wider["match"] == "contains" and [m["date"] for m in wider["meetings"]] == \
        ["2024-06-01", "2024-03-01", "2023-05-02"]
    in_can_tho = queries.who_chaired(store, STANDING, province="Cần Thơ")  # Hậu Giang joined it
    assert [m["date"] for m in in_can_tho["meetings"]] == ["2024-03-01"]
    # no meeting of the exact name is left by the filter: the names containing it answer
    later = queries.who_chaired(store, STANDING, since="2024-05-01")
    assert later["match"] == "contains" and [m["date"] for m in later["meetings"]] == ["2024-06-01"]


def test_pages_report_total_and_truncation(store):
    meetings_store(store)
    first = queries.chaired(store, CHAIR.id, limit=2)
    assert [m["date"] for m in first["meetings"]] == ["2024-06-01", "2024-03-01"]
    assert (first["total"], first["limit"], first["offset"], first["truncated"]) == (4, 2, 0, True)
    rest = queries.chaired(store, CHAIR.id, limit=2, offset=2)
    assert [m["date"] for m in rest["meetings"]] == ["--05-02", None] and not rest["truncated"]
    assert queries.chaired(store, CHAIR.id, since="2024-01-01")["total"] == 2  # no year, no date: out
    everything = queries.meetings(store, limit=100)
    assert everything["total"] == 5 and not everything["truncated"]
    found = queries.search(store, "giao ban", limit=1)
    assert (len(found["results"]), found["total"], found["truncated"]) == (1, 2, True)


def test_person_profile_pages_each_role(store):
    meetings_store(store)
    result = queries.person_profile(store, CHAIR.id, limit=1)
    assert result["meeting_totals"] == {"chaired": 4, "spoke": 0, "attended": 0} and result["truncated"]
    assert [m["date"] for m in result["meetings"]["chaired"]] == ["2024-06-01"]


def _edges(result):
    return {(e["from"], e["rel"], e["to"], tuple(e["sources"])) for e in result["edges"]}


def test_lineage_cut_at_fanout_counts_what_it_left_out(store):
    lineage_store(store)
    cut = queries.lineage(store, HUB.id, "down", fanout=2)
    assert [n["id"] for n in cut["nodes"]][:3] == [HUB.id, CHILDREN[4].id, CHILDREN[3].id]  # newest first
    assert cut["truncated"] and cut["more"] == [{"id": HUB.id, "direction": "down", "count": 3}]
    assert GREAT.id in {n["id"] for n in cut["nodes"]}  # below the listed ones, the walk goes on
    small = queries.lineage(store, HUB.id, "down", limit=3)
    assert len(small["nodes"]) == 3 and small["more"][0]["count"] == 3


def test_uncut_lineage_is_the_full_breadth_first_walk(store):
    lineage_store(store)
    full = queries.lineage(store, HUB.id, "down", fanout=0, limit=0)
    assert not full["truncated"] and full["more"] == []
    assert {n["id"] for n in full["nodes"]} == {HUB.id, *(c.id for c in CHILDREN), "doc:test:7-qd", GREAT.id}
    walked = Store.walk(store, HUB.id, list(schema().lineage_edges()), "in", 6)  # the level-by-level default
    assert _edges(full) == {(e.src, schema().edges[e.type].lineage, e.dst, (e.article_id,)) for e, _ in walked}
    assert _edges(queries.lineage(store, HUB.id, "down")) == _edges(full)  # small enough: nothing cut
    both = queries.lineage(store, CHILDREN[0].id, "both", fanout=0, limit=0)
    assert sorted(both["cycles"][0]) == sorted([CHILDREN[0].id, CHILDREN[1].id])
    # "both" is the walk down plus the walk up, not a zigzag through the hub's other children
    assert {n["id"] for n in both["nodes"]} == {CHILDREN[0].id, CHILDREN[1].id, HUB.id}


runner = CliRunner()


def test_cli_pages_and_cut_lineage(tmp_path):
    from kg.stores.sqlite import SQLiteStore
    path = str(tmp_path / "kg.db")
    with SQLiteStore(path) as db:
        meetings_store(db)
        lineage_store(db)
    run = lambda *args: runner.invoke(app, [*args, "--store", path, "--json"])  # noqa: E731
    chaired = json.loads(run("chaired", CHAIR.id, "--limit", "1", "--offset", "1").stdout)
    assert (len(chaired["meetings"]), chaired["total"], chaired["truncated"]) == (1, 4, True)
    who = json.loads(run("who-chaired", STANDING, "--contains", "-n", "2").stdout)
    assert who["match"] == "contains" and who["total"] == 3 and len(who["meetings"]) == 2
    lineage = json.loads(run("lineage", HUB.id, "--fanout", "1").stdout)
    assert lineage["more"] == [{"id": HUB.id, "direction": "down", "count": 4}]
    tree = runner.invoke(app, ["lineage", HUB.id, "--fanout", "1", "--store", path])
    assert "4 more down" in tree.stdout and "--fanout 0" in tree.stdout
    bad = runner.invoke(app, ["search", "quang", "--limit", "0", "--store", path])
    assert bad.exit_code != 0
