"""Persons, posts, chairs, meetings and provinces as classes of Vietnamese administrative
language: each test is a sentence composed for it (never corpus text), so a rule that passes
describes the construction, not an item."""
from __future__ import annotations

import itertools
import time

from kg.facts import Article
from kg.text import key
from loaders.extract import extract


def gold(text: str, published: str | None = "2024-03-05", context: str | None = None) -> dict:
    return extract(Article(id="t", text=text, published=published, province_context=context)).to_gold()


def posts(g: dict) -> dict[str, set[str]]:
    return {p["name"]: {key(q) for q in p["posts"]} for p in g["persons"]}


def names(g: dict) -> set[str]:
    return {p["name"] for p in g["persons"]}


# --- scale (issue 12 item 7) -----------------------------------------------------------------

_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ",
             "Ngô", "Dương", "Lý", "Đào", "Đoàn", "Trịnh", "Lâm", "Mai", "Tô", "Cao"]
_MIDDLE = ["Văn", "Thị", "Minh", "Quốc", "Hữu", "Thanh", "Đức", "Ngọc", "Xuân", "Thu"]
_GIVEN = ["An", "Bảo", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Lộc", "Nam", "Phúc", "Quân",
          "Sơn", "Tâm", "Uyên", "Vinh", "Yến", "Hùng", "Long", "Trung", "Tuấn", "Hạnh", "Hòa",
          "Hiền", "Kiên", "Linh", "Mạnh", "Nghĩa", "Phong", "Quang", "Thắng", "Toàn", "Việt",
          "Vân", "Thảo", "Tú", "Bình", "Đạt", "Hưng", "Lan", "Tài"]


def test_thousands_of_names_in_one_article_extract_in_linear_time():
    """Each name's place in the text is found once per article, not once per province mention
    and sentence (that was 83 s for 8,000 names); a guard on complexity, not a benchmark."""
    people = [" ".join(p) for p in itertools.product(_SURNAMES, _MIDDLE, _GIVEN)][:8000]
    text = "\n".join(f"Ông {name}, Phó Chủ tịch UBND tỉnh Cà Mau, chủ trì cuộc họp tại Hà Nội."
                     for name in people)
    started = time.perf_counter()
    found = extract(Article(id="many", text=text, published="2024-01-01"))
    assert time.perf_counter() - started < 20
    assert len(found.persons) == 8000
    assert {p.name for p in found.provinces} == {"Cà Mau", "Hà Nội"}
    assert len({c for m in found.meetings for c in m.chairs}) == 8000


def test_a_province_inside_a_persons_name_is_not_a_province():
    g = gold("Ông Lê Hà Nam, Giám đốc Sở Tài chính, dự họp tại tỉnh Cà Mau.")
    assert "Lê Hà Nam" in names(g)
    assert {p for p in g["provinces"]} == {"Cà Mau"}
