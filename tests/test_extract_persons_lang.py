"""Persons, posts, chairs, meetings and provinces as classes of Vietnamese administrative
language: each test is a sentence composed for it (never corpus text), so a rule that passes
describes the construction, not an item."""
from __future__ import annotations

import itertools
import time

import pytest

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


@pytest.mark.slow  # a growth rate, measured on large inputs
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


# --- by-lines, photo credits, author lines and signers ---------------------------------------

def credits(text: str) -> dict[str, str]:
    found = extract(Article(id="c", text=text, published="2024-03-05"))
    return {p.name: p.credit for p in found.persons if p.credit}


def test_labelled_photo_credits():
    assert credits("Quang cảnh hội nghị. Ảnh: Minh Khang\nTiếp đó, hội nghị thảo luận.") == {"Minh Khang": "photo"}
    assert credits("Đại biểu dự lễ (Ảnh: Thu Hà/TTXVN).") == {"Thu Hà": "photo"}
    assert credits("Đại biểu dự lễ. Ảnh VGP/Quang Hiếu\n\nBuổi lễ kết thúc.") == {"Quang Hiếu": "photo"}
    assert credits("Đại biểu dự lễ. Ảnh: Bảo Ngọc - TTXVN\n") == {"Bảo Ngọc": "photo"}


def test_agency_slash_and_reporter_prefix():
    assert credits("Thu Hà/TTXVN\nSáng 5/3, hội nghị khai mạc.") == {"Thu Hà": "author"}
    found = gold("PV Hòa Bình/VOV Tây Bắc cho biết tỉnh Sơn La đã họp.")
    assert "Hòa Bình" in names(found) and set(found["provinces"]) == {"Sơn La"}


def test_author_lines_alone_at_the_end_of_a_story():
    text = "Hội nghị kết thúc tốt đẹp.\n\nHoài Thu – Minh Khang\n\nChia sẻ bài viết"
    assert credits(text) == {"Hoài Thu": "author", "Minh Khang": "author"}
    assert credits("Hội nghị kết thúc.\nHải Yến (tổng hợp)") == {"Hải Yến": "author"}
    assert credits("Hội nghị kết thúc./.\n\nHữu Tâm- Kim Chi") == {"Hữu Tâm": "author", "Kim Chi": "author"}
    assert credits("Tỉnh hoàn thành chỉ tiêu.\nTin, ảnh: Bảo Trâm") == {"Bảo Trâm": "author"}
    assert credits("Bài học kinh nghiệm.\nThS. Lê Thị Hoa") == {"Lê Thị Hoa": "author"}


def test_capitals_are_title_cased_and_headings_in_capitals_are_no_one():
    assert credits("Các đơn vị hoàn thành nhiệm vụ.\nMINH KHANG") == {"Minh Khang": "author"}
    assert credits("Các đơn vị hoàn thành nhiệm vụ.\nKẾT QUẢ THỰC HIỆN\nNăm nay tỉnh đạt 9 chỉ tiêu.") == {}
    assert credits("Các đơn vị hoàn thành nhiệm vụ.\n\nTIN MỚI\n\nVIDEO LIÊN QUAN") == {}


def test_signers():
    assert credits("Cơ quan ban hành: Ủy ban nhân dân tỉnh Người ký: Lâm Văn Tòng\nNgày ban hành") \
        == {"Lâm Văn Tòng": "signer"}


def test_initials_agencies_and_outlets_are_no_one():
    text = ("Đại biểu dự lễ. Ảnh: T.H\nQuang cảnh. Ảnh: BTC\nQuang cảnh. Ảnh: Báo Hà Giang\n"
            "Tỉnh họp.\nCTV\nHội nghị kết thúc.\nHà Giang\n")
    assert credits(text) == {}
    assert "Hà Giang" in gold(text)["provinces"]


def test_credits_are_the_articles_authors_in_the_graph():
    from kg.resolver import resolve
    found = extract(Article(id="a", text="Ông Lò Văn Páo, Chủ tịch UBND xã, phát biểu.\nẢnh: Minh Khang\n"
                                         "Hội nghị kết thúc.\n\nHoài Thu"))
    facts = resolve(found)
    authored = {(e.dst, e.props["role"]) for e in facts.edges.values() if e.type == "AUTHORED_BY"}
    persons = {c.node.name: c.node.id for c in facts.nodes.values() if c.node.type == "Person"}
    assert authored == {(persons["Minh Khang"], "photo"), (persons["Hoài Thu"], "author")}


# --- provinces -------------------------------------------------------------------------------

def test_legacy_province_names_in_every_spelling():
    for written in ["Thừa Thiên Huế", "Thừa Thiên - Huế", "Thừa Thiên-Huế", "TT-Huế", "TT Huế"]:
        g = gold(f"Ông Lưu Văn Tâm, Bí thư Tỉnh ủy {written}, dự họp.", published="2022-05-01")
        assert g["provinces"] == ["Thừa Thiên Huế"], written
    assert gold("Thành phố Huế tổ chức hội nghị.", published="2025-06-01")["provinces"] == ["Huế"]


def test_outlet_province_only_when_the_text_names_none():
    text = "Ban Thường vụ Tỉnh ủy Hà Nam họp; Bí thư Tỉnh ủy chủ trì."
    assert gold(text, context="Ninh Bình")["provinces"] == ["Hà Nam"]
    assert gold("Ban Thường vụ Tỉnh ủy họp.", context="Ninh Bình")["provinces"] == ["Ninh Bình"]


# --- posts: abbreviations --------------------------------------------------------------------

def test_more_abbreviations_in_posts():
    g = gold("Bà Vi Thị Hằng, Chủ nhiệm UBKT Tỉnh ủy; ông Lục Văn Sinh, Chủ tịch UBMTTQ Việt Nam tỉnh; "
             "ông Hà Văn Kiên, Phó Chủ tịch Thường trực HDND tỉnh; ông Đàm Văn Tú, Phó Chủ tịch QH dự.")
    p = posts(g)
    assert p["Vi Thị Hằng"] == {key("Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy")}
    assert p["Lục Văn Sinh"] == {key("Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh")}
    assert p["Hà Văn Kiên"] == {key("Phó Chủ tịch Thường trực Hội đồng nhân dân tỉnh")}
    assert p["Đàm Văn Tú"] == {key("Phó Chủ tịch Quốc hội")}


# --- persons: names of minorities and rarer family names --------------------------------------

def test_central_highlands_and_rarer_family_names():
    g = gold("Ông Y Minh Niê, Phó Bí thư Tỉnh ủy; bà H'Lan Êban, Phó Chủ tịch UBND tỉnh; "
             "ông Y Sơn Krông Niê Kdăm, Chủ tịch HĐND tỉnh; ông Ksor Hoan, Giám đốc Sở Y tế và "
             "ông Rah Lan Thắng, Bí thư Huyện ủy dự họp. Phó Chủ tịch Quốc hội Uông Minh Đạo phát biểu.")
    p = posts(g)
    assert p["Y Minh Niê"] == {key("Phó Bí thư Tỉnh ủy")}
    assert p["H'Lan Êban"] == {key("Phó Chủ tịch Ủy ban nhân dân tỉnh")}
    assert p["Y Sơn Krông Niê Kdăm"] == {key("Chủ tịch Hội đồng nhân dân tỉnh")}
    assert p["Ksor Hoan"] == {key("Giám đốc Sở Y tế")}
    assert p["Rah Lan Thắng"] == {key("Bí thư Huyện ủy")}
    assert p["Uông Minh Đạo"] == {key("Phó Chủ tịch Quốc hội")}


def test_a_minority_name_does_not_swallow_a_place_after_a_name():
    g = gold("Ông Vi Văn Tám, Phó Chủ tịch UBND tỉnh Lạng Sơn dự họp.")
    assert posts(g) == {"Vi Văn Tám": {key("Phó Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn")}}


# --- meetings: the chair on the meeting the sentence is about, with its date ---------------

def chair_days(g: dict) -> set[tuple[str, str | None]]:
    return {(c, m["date"]) for m in g["meetings"] for c in m["chairs"]}


def test_the_ledes_date_holds_for_the_meeting_reported_after_it():
    g = gold("Ngày 19 - 12, UBND tỉnh họp phiên thường kỳ tháng 12. Ông Hà Văn Phúc, Chủ tịch UBND tỉnh "
             "chủ trì phiên họp.", published=None)
    assert chair_days(g) == {("Hà Văn Phúc", "--12-19")}
    g = gold("(ABC) Ngày 17 – 9, UBND tỉnh họp. Ông Hà Văn Phúc, Chủ tịch UBND tỉnh chủ trì cuộc họp.", None)
    assert chair_days(g) == {("Hà Văn Phúc", "--09-17")}


def test_relative_days_and_day_ranges():
    g = gold("Chiều hôm qua, ông Lê Văn Hậu, Phó Chủ tịch UBND tỉnh chủ trì buổi họp với các sở.",
             published="2023-03-01")
    assert chair_days(g) == {("Lê Văn Hậu", "2023-02-28")}
    g = gold("Trong hai ngày 26 - 27/3, Thủ tướng Lê Minh Quý chủ trì phiên họp Chính phủ thường kỳ.", None)
    assert chair_days(g) == {("Lê Minh Quý", "--03-26")}
    g = gold("Sáng nay 14/10, Tổng Bí thư Lê Văn Cần chủ trì Hội nghị toàn quốc về vùng Tây Nguyên.", None)
    assert chair_days(g) == {("Lê Văn Cần", "--10-14")}


def test_a_documents_date_is_not_the_meetings():
    g = gold("Thủ tướng Phan Văn Hòa chủ trì phiên họp Chính phủ. Trong phiên họp này, Chính phủ triển khai "
             "thông báo kết luận số 01 của Bộ Chính trị ngày 12/4/2021. Phiên họp diễn ra trong cả ngày 15/4.",
             None)
    assert chair_days(g) == {("Phan Văn Hòa", "--04-15")}


def test_another_day_is_another_meeting():
    text = ("Sáng ngày 3/1, Bộ tổ chức Hội nghị tổng kết năm 2023.\n"
            "Chiều nay (2/1), ông Trần Văn Lực, Chủ tịch UBND tỉnh chủ trì cuộc họp với các sở.")
    assert chair_days(gold(text, None)) == {("Trần Văn Lực", "--01-02")}


def test_meeting_names_stop_before_the_verb():
    g = gold("Đại hội sẽ chính thức khai mạc vào ngày 12/10. Cuộc họp cũng thông qua quy chế. "
             "Kỳ họp thứ 15 (kỳ họp chuyên đề) kết thúc.", None)
    assert all(key(m["name"]) in {key("Đại hội"), key("Cuộc họp"), key("Kỳ họp thứ 15")} for m in g["meetings"])


# --- posts: where a post starts and stops ----------------------------------------------------

def test_a_hyphen_without_spaces_opens_the_post():
    assert posts(gold("Ông Trần Văn Nam-Phó Bí thư Tỉnh ủy phát biểu.")) == {"Trần Văn Nam": {key("Phó Bí thư Tỉnh ủy")}}


def test_the_title_glued_to_the_name_is_not_hidden_by_an_earlier_one():
    g = gold("Chủ tịch nước đến thăm và làm việc với Bí thư Tỉnh ủy Lê Văn Tài.")
    assert posts(g) == {"Lê Văn Tài": {key("Bí thư Tỉnh ủy")}}


def test_posts_stop_at_the_verb_that_follows():
    for verb in ["cho rằng cần đẩy mạnh", "công bố hai nghị quyết", "giao Sở Nội vụ soạn thảo"]:
        g = gold(f"Ông Trần Văn Nam, Phó Chủ nhiệm Văn phòng Quốc hội {verb}.")
        assert posts(g) == {"Trần Văn Nam": {key("Phó Chủ nhiệm Văn phòng Quốc hội")}}, verb


def test_posts_run_on_through_an_organisations_name():
    g = gold("Ông Trần Văn Nam, Thường trực Tiểu ban Văn kiện Đại hội XIV của Đảng phát biểu.")
    assert posts(g) == {"Trần Văn Nam": {key("Thường trực Tiểu ban Văn kiện Đại hội XIV của Đảng")}}


def test_du_khuyet_and_tiep_tuc_giu_chuc_are_no_attendance():
    g = gold("Bà Võ Thị Xuân, Ủy viên dự khuyết Ban Chấp hành Trung ương Đảng phát biểu. "
             "Ông Lê Văn Tài tiếp tục giữ chức Bí thư Tỉnh ủy.")
    assert posts(g) == {"Võ Thị Xuân": {key("Ủy viên dự khuyết Ban Chấp hành Trung ương Đảng")},
                        "Lê Văn Tài": {key("Bí thư Tỉnh ủy")}}
    assert all(not m["attendees"] for m in g["meetings"])


# --- posts: group titles and assignments distributed over lists -------------------------------

def test_group_titles_over_a_list():
    g = gold("Dự có các Ủy viên Trung ương Đảng: Lê Văn Tài, Bí thư Tỉnh ủy; Trần Văn Nam, Chủ tịch UBND tỉnh.")
    member = key("Ủy viên Trung ương Đảng")
    assert posts(g) == {"Lê Văn Tài": {member, key("Bí thư Tỉnh ủy")},
                        "Trần Văn Nam": {member, key("Chủ tịch Ủy ban nhân dân tỉnh")}}
    g = gold("Các Phó Chủ tịch HĐND tỉnh Lê Văn Tài và Trần Văn Nam dự họp.")
    assert posts(g) == {n: {key("Phó Chủ tịch Hội đồng nhân dân tỉnh")} for n in ("Lê Văn Tài", "Trần Văn Nam")}
    g = gold("Các phó bí thư gồm: ông Lê Văn Tài, Phó Bí thư Thường trực; ông Trần Văn Nam.")
    assert key("phó bí thư gồm") not in {q for v in posts(g).values() for q in v}


def test_each_post_of_a_dismissal_goes_to_its_own_person():
    g = gold("HĐND tỉnh miễn nhiệm chức danh Phó Chủ tịch UBND tỉnh đối với ông Lê Văn Tài; "
             "Ủy viên UBND tỉnh đối với ông Trần Văn Nam.")
    assert posts(g) == {"Lê Văn Tài": {key("Phó Chủ tịch Ủy ban nhân dân tỉnh")},
                        "Trần Văn Nam": {key("Ủy viên Ủy ban nhân dân tỉnh")}}


# --- chairs ------------------------------------------------------------------------------------

def test_chaired_and_run_by():
    g = gold("Hội nghị diễn ra dưới sự chủ trì, điều hành của ông Lê Văn Tài, Chủ tịch HĐND tỉnh.")
    assert {c for m in g["meetings"] for c in m["chairs"]} == {"Lê Văn Tài"}


def test_plural_title_chairs_are_all_chairs():
    g = gold("Các Phó Chủ tịch UBND tỉnh Hồ Văn Mừng và Lê Thị Thu chủ trì hội nghị.")
    assert {c for m in g["meetings"] for c in m["chairs"]} == {"Hồ Văn Mừng", "Lê Thị Thu"}


def test_a_body_tasked_to_lead_is_no_chair():
    for text in ["Ông Lê Văn Tài, Chủ tịch UBND tỉnh giao Sở Nội vụ chủ trì, phối hợp với các sở liên quan.",
                 "Ông Lê Văn Tài đề nghị Sở Tài chính chủ trì tham mưu phương án."]:
        assert not [c for m in gold(text)["meetings"] for c in m["chairs"]], text


# --- persons: names in capitals, signers of legal texts --------------------------------------

def test_names_in_capitals_are_title_cased():
    g = gold("ÔNG NGUYỄN VĂN TÀI, Chủ tịch UBND tỉnh phát biểu. Bà LÊ THỊ QUỲNH VÂN, Bí thư Tỉnh ủy dự.")
    assert posts(g) == {"Nguyễn Văn Tài": {key("Chủ tịch Ủy ban nhân dân tỉnh")},
                        "Lê Thị Quỳnh Vân": {key("Bí thư Tỉnh ủy")}}


def test_an_organisation_named_after_a_person_is_no_person():
    g = gold("BAN BÍ THƯ TRUNG ƯƠNG ĐOÀN TNCS HỒ CHÍ MINH ban hành quy định.")
    assert names(g) == set()


def test_the_signer_of_a_legal_text():
    assert credits("TM. BAN THƯỜNG VỤ\nBÍ THƯ (đã ký) Lê Văn Hùng BAN CHẤP HÀNH") == {"Lê Văn Hùng": "signer"}


def test_a_steering_committee_for_prevention_and_control_is_one_name():
    g = gold("Ông Trần Văn Nam, Trưởng Ban Chỉ đạo phòng, chống dịch Covid-19 tỉnh phát biểu.")
    assert posts(g) == {"Trần Văn Nam": {key("Trưởng Ban Chỉ đạo phòng, chống dịch Covid-19 tỉnh")}}


def test_a_name_right_after_a_places_name():
    g = gold("Sáng 3/4, tại huyện Cao Lãnh Lê Tám, Bí thư Huyện ủy dự họp. Đoàn đến xã Tân Phú Trần Thị Hoa, "
             "Chủ tịch UBND xã báo cáo. Đường Lê Văn Tám và phố Trần Hưng Đạo được sửa.")
    assert posts(g) == {"Lê Tám": {key("Bí thư Huyện ủy")}, "Trần Thị Hoa": {key("Chủ tịch Ủy ban nhân dân xã")}}
