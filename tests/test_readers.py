from pathlib import Path

from kg.errors import InputError
from loaders.readers import read_path, read_text_article

PORTAL = """Tin trong tỉnh
Hội nghị sơ kết công tác quý I

[ Cập nhật vào ngày (05/04/2023) ] - [ Số lần xem: 1.024 ]

Sáng ngày 03/4, đồng chí Trần Minh Khoa, Bí thư Tỉnh ủy chủ trì hội nghị.

0405-hoinghi.jpg
Đồng chí Trần Minh Khoa phát biểu tại hội nghị

Hội nghị kết thúc lúc 11 giờ cùng ngày.…Ngọc HânCác ý kiến của bạn đọc"""


def test_portal_text_header_images_and_glued_byline():
    article = read_text_article(PORTAL, "x.txt", "x")
    assert article.section == "Tin trong tỉnh"
    assert article.title == "Hội nghị sơ kết công tác quý I"
    assert article.published == "2023-04-05"
    assert article.views == 1024
    assert article.author == "Ngọc Hân"
    assert article.images == [{"file": "0405-hoinghi.jpg", "caption": "Đồng chí Trần Minh Khoa phát biểu tại hội nghị"}]
    assert "Ngọc Hân" not in article.text and "Các ý kiến" not in article.text
    assert article.text.startswith("Hội nghị sơ kết công tác quý I\n\nSáng ngày 03/4")


def test_seed_metadata(expected_seed):
    from tests.conftest import SEED
    article = next(read_path(SEED))
    meta = expected_seed["article"]
    assert (article.section, article.title, article.published, article.views, article.author) == \
        (meta["section"], meta["title"], meta["published"], meta["views"], meta["author"])
    assert article.images == meta["images"]


def test_jsonl_keeps_ids_ignores_extra_fields_and_reports_bad_lines(tmp_path: Path):
    path = tmp_path / "crawl.jsonl"
    path.write_text('{"id": "a1", "text": "Nội dung", "published": "2022-01-02", "extra": 1}\n'
                    '{"id": "a2", "text": \n'
                    '{"id": "a3", "title": "không có nội dung"}\n'
                    '{"id": "a4", "text": "Bài thứ tư", "province_context": "Cần Thơ"}\n', encoding="utf-8")
    records = list(read_path(path))
    assert [r.id for r in records if not isinstance(r, InputError)] == ["a1", "a4"]
    errors = [r for r in records if isinstance(r, InputError)]
    assert [(e.line, e.reason.split(" (")[0]) for e in errors] == [(2, "invalid JSON"), (3, "record has no 'text'")]
    assert str(errors[0]).startswith(f"{path}:2: ")


def test_unreadable_inputs_are_errors_not_exceptions(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81\x00")
    assert isinstance(next(read_path(empty)), InputError)
    assert isinstance(next(read_path(binary)), InputError)
    assert isinstance(next(read_path(tmp_path / "missing.txt")), InputError)


def test_article_json_schema_accepts_what_the_reader_reads():
    import json
    from schemas import SCHEMA_DIR
    schema = json.loads((SCHEMA_DIR / "article.schema.json").read_text(encoding="utf-8"))
    assert schema["required"] == ["text"]
    from kg.facts import Article
    assert {"id", "url", "published", "title", "text", "province_context"} <= set(schema["properties"])
    assert set(schema["properties"]) - {"html"} <= set(Article.__dataclass_fields__)
