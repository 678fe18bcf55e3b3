"""Queries over the bundled example articles (composed for this project)."""
import pytest

import queries
from kg.errors import Ambiguous, NotFound


def test_chaired_without_diacritics(example_store):
    result = queries.chaired(example_store, "tran minh khoa")
    dates = [m["date"] for m in result["meetings"]]
    assert dates == ["2022-03-16", "2024-01-11"]
    assert result["meetings"][1]["co_chairs"] == ["Lê Thị Hồng Nhung"]
    assert result["meetings"][0]["province"] == "Hậu Giang"


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
    assert posts["Chủ tịch Ủy ban nhân dân tỉnh Hậu Giang"] == ("2022-03-18", "2024-01-12")
    assert [m["date"] for m in result["meetings"]["chaired"]] == ["2023-08-08", "2024-01-11"]


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
