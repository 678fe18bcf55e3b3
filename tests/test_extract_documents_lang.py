"""Documents and their relations as Vietnamese administrative prose states them (issue 13).

Each test is a class of wording, not an item: the sentences are composed for these tests, with
invented numbers, bodies and dates."""
from __future__ import annotations

import pytest

from kg.facts import Article
from kg.text import key
from loaders.extract import extract


def gold(text: str, published: str | None = None) -> dict:
    return extract(Article(id="t", text=text, published=published)).to_gold()


def docs(g: dict) -> dict[str, dict]:
    return {d["id"]: d for d in g["documents"]}


def rels(g: dict) -> set[tuple[str, str, str]]:
    return {(r["from"], r["rel"], r["to"]) for r in g["doc_relations"]}


# --- the page's own document as the implied subject -------------------------------------------

PLAN_PAGE = """ỦY BAN NHÂN DÂN
TỈNH LẠNG SƠN
Số: 36/KH-UBND
Lạng Sơn, ngày 04 tháng 3 năm 2024
KẾ HOẠCH
Thực hiện Kết luận số 71-KL/TW ngày 10/01/2024 của Bộ Chính trị về công tác dân vận, UBND tỉnh ban hành
Kế hoạch triển khai cụ thể như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Thực hiện Kế hoạch số 12/KH-UBND, các sở đã tổ chức tuyên truyền.
"""


def test_plan_announced_on_its_own_page_implements_what_it_names():
    r = rels(gold(PLAN_PAGE))
    assert ("36/KH-UBND", "implements", "71-KL/TW") in r
    # the body's own reporting sentence is not the page's document acting
    assert ("36/KH-UBND", "implements", "12/KH-UBND") not in r


def test_a_portal_page_titled_by_its_plan():
    text = ("Kế hoạch số 88/KH-UBND triển khai công tác dân vận năm 2024\n"
            "Thực hiện Chỉ thị số 16-CT/TU của Ban Thường vụ Tỉnh ủy, UBND tỉnh ban hành kế hoạch như sau:\n"
            "1. Mục đích.")
    assert rels(gold(text)) == {("88/KH-UBND", "implements", "16-CT/TU")}


DECISION_PAGE = """HỘI ĐỒNG NHÂN DÂN
TỈNH YÊN BÁI
Số: 08/2024/NQ-HĐND
Yên Bái, ngày 12 tháng 7 năm 2024
NGHỊ QUYẾT
Điều 1. Phạm vi áp dụng.
Điều 3. Nghị quyết này thay thế Nghị quyết số 21/2019/NQ-HĐND ngày 05 tháng 12 năm 2019 của Hội đồng nhân dân tỉnh.
"""


def test_this_document_in_an_article_of_the_page_is_the_page():
    r = rels(gold(DECISION_PAGE))
    assert ("08/2024/NQ-HĐND", "replaces", "21/2019/NQ-HĐND") in r


def test_purpose_clause_of_a_titled_party_text():
    text = ("KẾT LUẬN SỐ 205-KL/TW CỦA BAN BÍ THƯ VỀ CÔNG TÁC THANH NIÊN\n"
            "Để bảo đảm thực hiện nghiêm các nhiệm vụ nêu tại Nghị quyết số 09-NQ/TW, ngày 02/4/2022 của "
            "Bộ Chính trị, Ban Bí thư yêu cầu các cấp ủy thực hiện tốt các nội dung sau:\n"
            "1. Nâng cao nhận thức.")
    r = rels(gold(text))
    assert ("205-KL/TW", "implements", "09-NQ/TW") in r


# --- anaphora ---------------------------------------------------------------------------------

def test_a_bare_type_word_refers_to_the_nearest_document_of_that_type():
    text = ("Ban Thường vụ Tỉnh ủy ban hành Chỉ thị số 14-CT/TU về phòng, chống thiên tai. Chỉ thị được ban "
            "hành nhằm thực hiện Nghị quyết số 33-NQ/TW của Ban Chấp hành Trung ương.")
    assert ("14-CT/TU", "implements", "33-NQ/TW") in rels(gold(text))
    text = ("Nghị quyết số 27-NQ/TU của Tỉnh ủy đề ra nhiều mục tiêu lớn. Ngay sau đó, UBND tỉnh ban hành "
            "Kế hoạch số 118/KH-UBND triển khai thực hiện Nghị quyết.")
    assert ("118/KH-UBND", "implements", "27-NQ/TU") in rels(gold(text))


def test_a_type_word_after_an_issuing_verb_is_a_new_document():
    text = ("Thực hiện Kế hoạch số 5/KH-UBND của UBND tỉnh, huyện tổ chức tuyên truyền. UBND huyện ban hành "
            "Kế hoạch để triển khai Nghị quyết số 3-NQ/HU của Huyện ủy.")
    assert ("5/KH-UBND", "implements", "3-NQ/HU") not in rels(gold(text))


def test_anaphora_does_not_cross_into_another_passage():
    text = ("Tỉnh ủy có Nghị quyết số 27-NQ/TU về chuyển đổi số.\n\n"
            "Tin khác\n\nUBND huyện ban hành Kế hoạch số 41/KH-UBND thực hiện Nghị quyết.")
    assert ("41/KH-UBND", "implements", "27-NQ/TU") not in rels(gold(text))


# --- grouped bases ----------------------------------------------------------------------------

def test_grouped_bases_after_a_plural_type():
    text = ("Số: 17/QĐ-UBND\nQUYẾT ĐỊNH\nCăn cứ các Nghị định của Chính phủ: số 55/2021/NĐ-CP ngày 20/5/2021 "
            "về đất đai; số 61/2023/NĐ-CP ngày 04/8/2023 về xây dựng;\nCăn cứ Thông tư số 09/2022/TT-BXD "
            "của Bộ Xây dựng;\nQUYẾT ĐỊNH:\nĐiều 1.")
    g = gold(text)
    r = rels(g)
    assert {("17/QĐ-UBND", "based_on", n) for n in ("55/2021/NĐ-CP", "61/2023/NĐ-CP", "09/2022/TT-BXD")} <= r
    assert docs(g)["61/2023/NĐ-CP"]["issuer"] == "Chính phủ"


# --- amendment wording ------------------------------------------------------------------------

def test_amending_an_article_of_a_document():
    text = "HĐND tỉnh thông qua Nghị quyết số 19/2024/NQ-HĐND sửa đổi Điều 2 Nghị quyết số 07/2021/NQ-HĐND."
    assert ("19/2024/NQ-HĐND", "amends", "07/2021/NQ-HĐND") in rels(gold(text))


@pytest.mark.parametrize("sentence, rel", [
    ("Kế hoạch số 12/KH-UBND nhằm cụ thể hóa Nghị quyết số 5/NQ-HĐND của HĐND tỉnh.", "implements"),
    ("UBND tỉnh ban hành Kế hoạch số 12/KH-UBND về việc điều chỉnh một số nội dung của "
     "Nghị quyết số 5/NQ-HĐND.", "amends"),
])
def test_other_verbs_of_implementing_and_amending(sentence, rel):
    assert rels(gold(sentence)) == {("12/KH-UBND", rel, "5/NQ-HĐND")}


def test_amending_the_rules_attached_to_a_document():
    text = ("HĐND tỉnh thông qua Nghị quyết số 10/2024/NQ-HĐND sửa đổi, bổ sung một số điều của Quy định ban "
            "hành kèm theo Nghị quyết số 5/2020/NQ-HĐND ngày 1/7/2020 của HĐND tỉnh.")
    g = gold(text)
    assert rels(g) == {("10/2024/NQ-HĐND", "amends", "5/2020/NQ-HĐND")}
    assert key(docs(g)["10/2024/NQ-HĐND"]["issuer"]) == key("Hội đồng nhân dân tỉnh")


def test_guidance_on_matters_of_a_document():
    text = ("Hướng dẫn số 26-HD/BTCTW của Ban Tổ chức Trung ương hướng dẫn một số vấn đề cụ thể thực hiện "
            "Quy định số 114-QĐ/TW.")
    assert rels(gold(text)) == {("26-HD/BTCTW", "guides", "114-QĐ/TW")}


def test_an_action_programme_is_its_number_not_a_title():
    text = ("Ban Thường vụ Tỉnh ủy ban hành Chương trình hành động số 12-CTr/TU thực hiện Nghị quyết số "
            "19-NQ/TW của Ban Chấp hành Trung ương.")
    g = gold(text)
    assert rels(g) == {("12-CTr/TU", "implements", "19-NQ/TW")}
    assert docs(g)["12-CTr/TU"]["issuer"] == "Ban Thường vụ Tỉnh ủy"


def test_passive_amendment_points_from_the_amending_document():
    text = ("Căn cứ Nghị định số 34/2016/NĐ-CP ngày 14/5/2016 của Chính phủ đã được sửa đổi, bổ sung tại "
            "Nghị định số 154/2020/NĐ-CP ngày 31/12/2020 của Chính phủ;")
    r = rels(gold(text))
    assert ("154/2020/NĐ-CP", "amends", "34/2016/NĐ-CP") in r
    assert ("34/2016/NĐ-CP", "amends", "154/2020/NĐ-CP") not in r


def test_review_named_in_a_document_title_summarizes():
    text = ("Hội nghị quán triệt Thông báo số 88-TB/TW ngày 02/6/2023 của Ban Bí thư về sơ kết 5 năm thực "
            "hiện Chỉ thị số 24-CT/TW của Ban Bí thư khóa XII.")
    r = rels(gold(text))
    assert ("88-TB/TW", "summarizes", "24-CT/TW") in r
    text = "Kết luận số 301-KL/TW của Bộ Chính trị về tổng kết Nghị quyết số 44-NQ/TW được ban hành."
    assert ("301-KL/TW", "summarizes", "44-NQ/TW") in rels(gold(text))


def test_a_plan_organising_a_review_summarizes():
    text = "UBND tỉnh ban hành Kế hoạch số 77/KH-UBND tổng kết 10 năm thực hiện Chỉ thị số 40-CT/TW của Ban Bí thư."
    assert rels(gold(text)) == {("77/KH-UBND", "summarizes", "40-CT/TW")}


def test_a_meeting_reviewing_a_document_is_no_relation():
    text = "Hội nghị sơ kết 3 năm thực hiện Chỉ thị số 24-CT/TW của Ban Bí thư, theo Kế hoạch số 5/KH-UBND."
    assert rels(gold(text)) == set()


# --- coordination -----------------------------------------------------------------------------

def test_fronted_list_joined_by_semicolon_with_the_verb_co():
    text = ("Thực hiện Chỉ thị số 45-CT/TW của Bộ Chính trị về đại hội; Kết luận số 62-KL/TW của Ban Bí thư "
            "về nhân sự, tổ chức các hội nghị và lấy ý kiến, ngày 12/8/2024 Ban Tổ chức Trung ương có "
            "Hướng dẫn số 19-HD/BTCTW về công tác chuẩn bị.")
    g = gold(text)
    assert {("19-HD/BTCTW", "implements", "45-CT/TW"), ("19-HD/BTCTW", "implements", "62-KL/TW")} <= rels(g)
    d = docs(g)["19-HD/BTCTW"]
    assert (d["issuer"], d["date"], d["type"]) == ("Ban Tổ chức Trung ương", "2024-08-12", "Hướng dẫn")


def test_fronted_basis_in_a_news_sentence():
    text = ("Căn cứ Quyết định số 120/QĐ-TTg ngày 5/2/2024 của Thủ tướng Chính phủ, UBND tỉnh ban hành "
            "Quyết định số 33/QĐ-UBND về quy hoạch.")
    assert rels(gold(text)) == {("33/QĐ-UBND", "based_on", "120/QĐ-TTg")}


def test_a_plan_cannot_implement_a_later_document():
    text = ("Thực hiện Kết luận số 50-KL/TW ngày 10/3/2015 của Ban Bí thư, Kế hoạch số 31-KH/TU ngày "
            "02/5/2016 của Tỉnh ủy thực hiện Kết luận số 50-KL/TW của Ban Bí thư và Kết luận số 77-KL/TU "
            "ngày 08/9/2018 của Ban Thường vụ Tỉnh ủy, công tác dân vận có chuyển biến.")
    r = rels(gold(text))
    assert ("31-KH/TU", "implements", "50-KL/TW") in r
    assert ("31-KH/TU", "implements", "77-KL/TU") not in r


def test_and_closing_an_outer_list_is_no_second_target():
    text = ("Các cấp ủy đã quán triệt Kết luận số 50-KL/TW của Ban Bí thư, Kế hoạch số 31-KH/TU của Tỉnh ủy "
            "thực hiện Kết luận số 50-KL/TW của Ban Bí thư và Kết luận số 77-KL/TU của Ban Thường vụ Tỉnh ủy.")
    assert rels(gold(text)) == {("31-KH/TU", "implements", "50-KL/TW")}
    text = "Kế hoạch số 31-KH/TU thực hiện Kết luận số 50-KL/TW và Kết luận số 77-KL/TU của Tỉnh ủy."
    assert rels(gold(text)) == {("31-KH/TU", "implements", "50-KL/TW"), ("31-KH/TU", "implements", "77-KL/TU")}


def test_issuer_and_date_shared_by_coordinated_documents():
    text = ("Quán triệt Nghị quyết số 21-NQ/TW, Nghị quyết số 22-NQ/TW, ngày 30-10-2022, của Hội nghị "
            "Trung ương 7 khóa XIII về công tác tổ chức.")
    d = docs(gold(text))
    for n in ("21-NQ/TW", "22-NQ/TW"):
        assert (d[n]["issuer"], d[n]["date"]) == ("Hội nghị Trung ương 7 khóa XIII", "2022-10-30")
    text = "Thực hiện Chỉ thị số 08-CT/TW và Kết luận số 19-KL/TW của Ban Bí thư về cải cách hành chính."
    d = docs(gold(text))
    assert d["08-CT/TW"]["issuer"] == d["19-KL/TW"]["issuer"] == "Ban Bí thư"


# --- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("written, number, type_", [
    ("Quyết định số 42 QĐ/TWĐTN", "42-QĐ/TWĐTN", "Quyết định"),
    ("Nghị quyết số 118/2024 của Quốc hội", "118/2024", "Nghị quyết"),
    ("Chỉ thị số 07-CT/TƯ của Ban Bí thư", "07-CT/TƯ", "Chỉ thị"),
    ("Thông báo số 312-TB của Bộ Chính trị", "312-TB", "Thông báo"),
    ("Công điện khẩn số 12 - CĐ/TU", "12-CĐ/TU", "Công điện"),
    ("Nghị quyết số 16 – NQ/TW", "16-NQ/TW", "Nghị quyết"),
    ("Công điện số 1190/CĐ-TTg", "1190/CĐ-TTg", "Công điện"),
    ("văn bản số 5521/UBND-KT", "5521/UBND-KT", "Văn bản"),
])
def test_number_forms(written, number, type_):
    d = docs(gold(f"Ngày 3/4/2024, Tỉnh ủy đã triển khai {written} tới các chi bộ."))
    assert number in d and d[number]["type"] == type_


def test_a_count_after_a_type_word_is_not_a_number():
    g = gold("Xã thực hiện tốt Quy chế 3 công khai và Chương trình 2 mục tiêu trong năm 2024.")
    assert not [x for x in docs(g) if x[:1].isdigit()]


# --- issuers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, number, issuer", [
    ("UBND thành phố Hải Phòng vừa ban hành Kế hoạch số 120/KH-UBND về du lịch.", "120/KH-UBND",
     "Ủy ban nhân dân thành phố Hải Phòng"),
    ("Ban Thường vụ Tỉnh ủy cùng UBND tỉnh chỉ đạo thực hiện Chỉ thị số 09-CT/TU.", "09-CT/TU", None),
    ("Văn phòng Tỉnh ủy cho biết: Ban Thường vụ Tỉnh ủy Hà Giang đã ban hành Công văn số 911-CV/TU.",
     "911-CV/TU", "Ban Thường vụ Tỉnh ủy Hà Giang"),
    ("Ngày 2/10, UBND tỉnh có văn bản số 3120/UBND-NC gửi các sở.", "3120/UBND-NC", "Ủy ban nhân dân tỉnh"),
    ("Căn cứ Nghị định số 63/2014/NĐ-CP ngày 26/6/2014 của chính phủ quy định chi tiết.", "63/2014/NĐ-CP",
     "Chính phủ"),
    ("Theo Quyết định số 16/QĐ-UBND của Chủ tịch UBND tỉnh Hà Nam\nThời gian qua các sở đã làm tốt, nay tiếp tục.",
     "16/QĐ-UBND", "Chủ tịch Ủy ban nhân dân tỉnh Hà Nam"),
    ("Xét đề nghị của Sở Tư pháp tại Tờ trình số 7/TTr-STP ngày 1/2/2024 và đề nghị của Giám đốc Sở Nội vụ "
     "tại Tờ trình số 15/TTr-SNV ngày 3/2/2024.", "15/TTr-SNV", "Giám đốc Sở Nội vụ"),
    ("Căn cứ Quyết định số 21-QĐ/BCĐ ngày 3/8/2021 của Trưởng Ban Chỉ đạo phòng, chống thiên tai tỉnh Nam "
     "Định về thành lập tổ công tác;", "21-QĐ/BCĐ", "Trưởng Ban Chỉ đạo phòng, chống thiên tai tỉnh Nam Định"),
    ("Thực hiện Kết luận số 33-KL/TW ngày 4/2/2025 của Bộ Chính trị, Ban Bí thư về bộ máy.", "33-KL/TW",
     "Bộ Chính trị, Ban Bí thư"),
    ("Thực hiện Kết luận số 34-KL/TW của Bộ Chính trị, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch số 7-KH/TU.",
     "34-KL/TW", "Bộ Chính trị"),
    ("Thủ tướng Chính phủ Lê Văn Quang vừa ký Công điện số 12/CĐ-TTg về ứng phó bão.", "12/CĐ-TTg",
     "Thủ tướng Chính phủ"),
    ("Chủ tịch UBND tỉnh Hà Tĩnh Võ Minh Hải đã ký ban hành Quyết định số 15/QĐ-UBND.", "15/QĐ-UBND",
     "Chủ tịch Ủy ban nhân dân tỉnh Hà Tĩnh"),
    ("UBND tỉnh Lâm Đồng ban hành Quyết định số 5/QĐ-UBND.", "5/QĐ-UBND", "Ủy ban nhân dân tỉnh Lâm Đồng"),
    ("UBND huyện Hoàng Su Phì ban hành Quyết định số 6/QĐ-UBND.", "6/QĐ-UBND",
     "Ủy ban nhân dân huyện Hoàng Su Phì"),
    ("Quán triệt Nghị quyết số 60-NQ/TW Hội nghị lần thứ 9 Ban Chấp hành Trung ương Đảng khóa XIII về "
     "chính sách.", "60-NQ/TW", "Hội nghị lần thứ 9 Ban Chấp hành Trung ương Đảng khóa XIII"),
])
def test_issuer_spans_stop_where_the_subject_ends(sentence, number, issuer):
    d = docs(gold(sentence))[number]
    assert d["issuer"] == issuer or key(d["issuer"] or "") == key(issuer or "")


# --- dates ------------------------------------------------------------------------------------

def test_a_date_in_brackets_after_the_number():
    d = docs(gold("Tỉnh ủy triển khai Kết luận số 15-KL/TW (ngày 5/3/2024) của Bộ Chính trị."))["15-KL/TW"]
    assert (d["date"], d["issuer"]) == ("2024-03-05", "Bộ Chính trị")


def test_a_year_less_issue_date_stays_year_less():
    d = docs(gold("Ngày 14/9, Ban Thường vụ Thành ủy ban hành Chỉ thị số 22-CT/TU về trật tự đô thị."))
    assert d["22-CT/TU"]["date"] == "--09-14"


def test_a_year_less_issue_date_takes_the_year_of_the_report():
    text = "Ngày 14/9, Ban Thường vụ Thành ủy ban hành Chỉ thị số 22-CT/TU về trật tự đô thị."
    assert docs(gold(text, "2023-09-16"))["22-CT/TU"]["date"] == "2023-09-14"
    # a day after the report's own date is not the same year's
    assert docs(gold(text, "2023-02-01"))["22-CT/TU"]["date"] == "--09-14"


def test_a_year_less_date_right_after_the_number():
    text = "Thực hiện Chỉ thị số 05-CT/TU ngày 29/7 của Ban Thường vụ Tỉnh ủy, các xã ra quân."
    assert docs(gold(text))["05-CT/TU"]["date"] == "--07-29"
    assert docs(gold(text, "2024-08-10"))["05-CT/TU"]["date"] == "2024-07-29"
    # after a comma the day may open the next clause
    text = "Thực hiện Chỉ thị số 05-CT/TU, ngày 29/7, Ban Thường vụ Huyện ủy tổ chức hội nghị."
    assert docs(gold(text))["05-CT/TU"]["date"] is None


def test_an_announcement_just_made_gives_no_issue_date():
    d = docs(gold("Ngày 14/9, UBND tỉnh vừa ban hành Quyết định số 901/QĐ-UBND về giá đất."))
    assert d["901/QĐ-UBND"]["date"] is None


# --- a law cited by its title and number ------------------------------------------------------

LAW_PREAMBLE = """ỦY BAN NHÂN DÂN
TỈNH TUYÊN QUANG
Số: 15/2025/QĐ-UBND
Tuyên Quang, ngày 20 tháng 8 năm 2025
QUYẾT ĐỊNH
Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;
Căn cứ Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15 được sửa đổi, bổ sung bởi Luật số 87/2025/QH15;
Căn cứ Nghị quyết số 1667/NQ-UBTVQH15 ngày 16 tháng 6 năm 2025 của Ủy ban Thường vụ Quốc hội;
QUYẾT ĐỊNH:
Điều 1.
"""


def test_a_numbered_law_is_one_document_with_its_legislature_in_the_number():
    g = gold(LAW_PREAMBLE)
    d = docs(g)
    assert d["72/2025/QH15"]["type"] == d["64/2025/QH15"]["type"] == "Luật"
    assert d["1667/NQ-UBTVQH15"]["issuer"] == "Ủy ban Thường vụ Quốc hội"
    assert d["15/2025/QĐ-UBND"]["issuer"] == "Ủy ban nhân dân tỉnh Tuyên Quang"
    assert not [x for x in d if x.startswith("Luật")]  # the title is the numbered law's, not another
    assert rels(g) == {("15/2025/QĐ-UBND", "based_on", "72/2025/QH15"),
                       ("15/2025/QĐ-UBND", "based_on", "64/2025/QH15"),
                       ("15/2025/QĐ-UBND", "based_on", "1667/NQ-UBTVQH15"),
                       ("87/2025/QH15", "amends", "64/2025/QH15")}
