"""Invisible and look-alike characters must not cut or invent names and numbers (composed texts)."""
from __future__ import annotations

import pytest

from kg.facts import Article
from kg.text import clean_text
from loaders.extract import extract

CHAIR = "Sáng 3/5, đồng chí Lê Quốc Thành, Bí thư Tỉnh ủy, chủ trì hội nghị sơ kết công tác quý I."
NUMBER = "Ban Thường vụ Tỉnh ủy ban hành Chỉ thị số 33-CT/TU ngày 10/3/2021 về công tác cán bộ."


def _article(text: str) -> Article:
    return Article(id="composed", text=text, published="2021-05-03")


@pytest.mark.parametrize("mark", ["\u00a0", "\u200b", "\u202e", "\u200d", "\ufeff", "\u00ad", "\u2060"])
def test_a_format_character_inside_a_name_keeps_the_person_and_the_chair(mark):
    text = CHAIR.replace("Quốc Thành", "Quốc Th" + mark + "ành") if mark != "\u00a0" \
        else CHAIR.replace("Quốc Thành", "Quốc\u00a0Thành")
    found = extract(_article(text))
    names = [p.name for p in found.persons]
    assert names == ["Lê Quốc Thành"]
    assert [m.chairs for m in found.meetings] == [["Lê Quốc Thành"]]
    person = found.persons[0]
    # evidence lies on the article's own text, format character included
    written = text[person.evidence.start:person.evidence.end]
    assert written.replace("\u00a0", " ").replace(mark, "") == "Lê Quốc Thành"
    assert person.evidence.sentence in text


@pytest.mark.parametrize("written", ["33-\u0421T/TU", "33\u00ad-CT/TU", "33\u2013CT/TU", "33-CT\u200f/TU",
                                     "\uff13\uff13-CT/TU", "33-\u0421\u0422/\u0422U"])
def test_look_alike_and_invisible_characters_in_a_number_give_the_one_document(written):
    text = NUMBER.replace("33-CT/TU", written)
    found = extract(_article(text))
    assert [d.id for d in found.documents] == ["33-CT/TU"]
    doc = found.documents[0]
    assert doc.date == "2021-03-10"
    assert text[doc.evidence.start:doc.evidence.end] == written


def test_clean_text_leaves_ordinary_text_alone_and_maps_offsets():
    plain = "Hà Nội – Huế, ngày 2/9: Bí thư Tỉnh ủy phát biểu."
    assert clean_text(plain) == (plain, None)
    cleaned, positions = clean_text("ab\u200bc\u00add")
    assert cleaned == "abcd"
    assert positions == [0, 1, 3, 5, 6]
