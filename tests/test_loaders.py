"""Readers: HTML pages, encodings, format sniffing, gzip, stdin, folders and outlets.

All fixtures are composed here (no text copied from ../shared).
"""
from __future__ import annotations

import gzip
import io
import json
import unicodedata
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.gazetteer import lookup
from kg.ingest import ingest
from loaders.inputs import expand_inputs, read_inputs
from loaders.html import OUTLETS, outlet_province, use_outlet_files
from loaders.readers import read_path, read_stream

BODY = ("Sáng ngày 12/5, đồng chí Lê Văn An, Phó Chủ tịch UBND tỉnh chủ trì hội nghị triển khai "
        "Kế hoạch số 45/KH-UBND về phát triển nông nghiệp bền vững trên địa bàn tỉnh.")
MORE = ("Theo báo cáo, trong năm qua toàn tỉnh đã chuyển đổi hơn 2.000 héc-ta đất lúa kém hiệu quả "
        "sang trồng cây ăn trái và nuôi thủy sản, mang lại thu nhập cao hơn cho người dân.")
TITLE = "Hội nghị triển khai kế hoạch phát triển nông nghiệp"
CAPTION = "Đồng chí Lê Văn An phát biểu chỉ đạo hội nghị"

PAGE = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{TITLE} - Báo Hậu Giang</title>
<link rel="canonical" href="https://baohaugiang.com.vn/chinh-tri/hoi-nghi-123.html">
<meta property="og:title" content="{TITLE}">
<meta property="article:published_time" content="2023-05-12T08:30:00+07:00">
<meta property="article:section" content="Chính trị">
<meta name="author" content="Minh Tâm">
</head><body>
<nav><a href="/">Trang chủ</a> <a href="/chinh-tri">Chính trị</a> <a href="/kinh-te">Kinh tế</a></nav>
<article><h1>{TITLE}</h1>
<div class="meta">Cập nhật: 12/05/2023 - Lượt xem: 2.345</div>
<p>{BODY}</p>
<figure><img src="/images/2023/hoinghi.jpg" alt="Quang cảnh"><figcaption>{CAPTION}</figcaption></figure>
<p>{MORE}</p>
</article>
<footer>Bản quyền thuộc về tòa soạn. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</footer>
</body></html>"""

# A provincial-portal layout: no canonical link, the "saved from" mark, the image caption in a table row.
PORTAL_PAGE = f"""<!-- saved from url=(0052)https://sotp.haugiang.gov.vn/tin-tuc/hoi-nghi-45.html -->
<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">
<title>{TITLE}</title></head><body>
<div id="menu"><ul><li>Giới thiệu</li><li>Tin tức</li><li>Văn bản</li></ul></div>
<div class="content"><h2>{TITLE}</h2>
<p>{BODY}</p>
<table class="image"><tr><td><img src="anh/hn45.jpg"></td></tr><tr><td>{CAPTION}</td></tr></table>
<p>{MORE}</p><p>[ Số lần xem: 1.024 ]</p></div>
</body></html>"""

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Windows-1258 as legacy editors wrote it: base letters precomposed, tone marks combining."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
                   + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


def one(path: Path, **kw):
    records = list(read_path(path, **kw))
    assert len(records) == 1, records
    return records[0]


def test_html_article_metadata_images_and_province(tmp_path):
    page = tmp_path / "hoi-nghi.html"
    page.write_text(PAGE, encoding="utf-8")
    article = one(page)
    assert not isinstance(article, InputError), article
    assert (article.id, article.title, article.published, article.author, article.section, article.views) == \
        ("https://baohaugiang.com.vn/chinh-tri/hoi-nghi-123.html", TITLE, "2023-05-12", "Minh Tâm", "Chính trị", 2345)
    assert article.url == "https://baohaugiang.com.vn/chinh-tri/hoi-nghi-123.html"
    assert article.province_context == "Hậu Giang"
    assert article.images == [{"file": "hoinghi.jpg", "caption": CAPTION, "src": "/images/2023/hoinghi.jpg"}]
    assert article.text.startswith(f"{TITLE}\n\n{BODY}") and MORE in article.text
    assert "Trang chủ" not in article.text and "Bản quyền" not in article.text  # boilerplate dropped
    assert article.encoding == "utf-8"


def test_portal_page_in_windows_1258_with_saved_from_url(tmp_path):
    page = tmp_path / "portal.htm"
    page.write_bytes(cp1258(PORTAL_PAGE))
    article = one(page)
    assert not isinstance(article, InputError), article
    assert article.encoding == "cp1258"
    assert article.url.startswith("https://sotp.haugiang.gov.vn/")
    assert article.province_context == "Hậu Giang"  # a subdomain of haugiang.gov.vn
    assert article.views == 1024 and article.images[0]["caption"] == CAPTION
    assert BODY in article.text and unicodedata.is_normalized("NFC", article.text)


def test_html_without_article_body_is_one_error(tmp_path):
    page = tmp_path / "menu.html"
    page.write_text("<html><head><title>Trang chủ</title></head><body><nav><a href='/'>Trang chủ</a>"
                    "<a href='/tin'>Tin tức</a></nav></body></html>", encoding="utf-8")
    error = one(page)
    assert isinstance(error, InputError) and "no article body" in str(error) and str(page) in str(error)


@pytest.mark.parametrize("encode, expected", [
    (lambda s: s.encode("utf-8"), "utf-8"),
    (lambda s: s.encode("utf-8-sig"), "utf-8-sig"),
    (lambda s: s.encode("utf-16"), "utf-16"),
    (lambda s: unicodedata.normalize("NFD", s).encode("utf-8"), "utf-8"),
    (cp1258, "cp1258"),
])
def test_encodings_decode_to_nfc_and_are_recorded(tmp_path, store, encode, expected):
    path = tmp_path / "bai.txt"
    path.write_bytes(encode(f"{TITLE}\n\n{BODY}\n{MORE}"))
    article = one(path)
    assert article.encoding == expected
    assert article.text == f"{TITLE}\n\n{BODY}\n{MORE}"  # NFC, whatever the bytes were
    assert ingest(store, [str(path)]).failed == 0
    assert store.article(f"{tmp_path.name}/bai.txt")["encoding"] == expected


def test_jsonl_lines_in_utf16_and_legacy_encoding(tmp_path):
    rows = [{"id": "u1", "text": BODY}, {"id": "u2", "text": MORE}]
    utf16 = tmp_path / "crawl16.jsonl"
    utf16.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-16"))
    assert [(a.id, a.text, a.encoding) for a in read_path(utf16)] == [("u1", BODY, "utf-16"), ("u2", MORE, "utf-16")]
    legacy = tmp_path / "legacy.jsonl"
    legacy.write_bytes(b"\n".join(cp1258(json.dumps(r, ensure_ascii=False)) for r in rows) + b"\n")
    assert [(a.text, a.encoding) for a in read_path(legacy)] == [(BODY, "cp1258"), (MORE, "cp1258")]


def test_format_is_sniffed_from_content_and_can_be_forced(tmp_path):
    odd = tmp_path / "page.txt"  # an HTML page with a misleading name
    odd.write_text(PAGE, encoding="utf-8")
    assert one(odd).title == TITLE and "<p>" not in one(odd).text
    forced = one(odd, fmt="text")
    assert "<p>" in forced.text
    jsonl = tmp_path / "crawl.dat"
    jsonl.write_text(json.dumps({"id": "c1", "text": BODY}, ensure_ascii=False), encoding="utf-8")
    assert one(jsonl).id == "c1"


def test_gzip_is_recognised_by_content(tmp_path):
    rows = "".join(json.dumps({"id": f"z{i}", "text": BODY}, ensure_ascii=False) + "\n" for i in range(3))
    (tmp_path / "crawl.jsonl.gz").write_bytes(gzip.compress(rows.encode("utf-8")))
    (tmp_path / "page.bin").write_bytes(gzip.compress(PAGE.encode("utf-8")))
    (tmp_path / "cut.jsonl.gz").write_bytes(gzip.compress(rows.encode("utf-8"))[:-12])
    assert [a.id for a in read_path(tmp_path / "crawl.jsonl.gz")] == ["z0", "z1", "z2"]
    assert one(tmp_path / "page.bin").title == TITLE
    error = list(read_path(tmp_path / "cut.jsonl.gz"))[-1]
    assert isinstance(error, InputError) and "gzip" in error.reason


def test_jsonl_html_field_uses_the_url_for_the_outlet():
    line = json.dumps({"id": "h1", "url": "https://www.baoninhbinh.org.vn/a-1.html", "html": PAGE.replace(
        '<link rel="canonical" href="https://baohaugiang.com.vn/chinh-tri/hoi-nghi-123.html">', "")},
        ensure_ascii=False)
    [article] = read_stream(io.BytesIO(line.encode("utf-8")), "crawl.jsonl", "crawl")
    assert article.id == "h1" and article.province_context == "Ninh Bình" and article.source == "crawl.jsonl:1"


def test_outlets_file_resolves_and_user_file_extends_it(tmp_path, monkeypatch):
    for line in OUTLETS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert lookup(line.split("\t")[1]), line  # every province is a known one
    assert outlet_province("http://haugiang.gov.vn/x") == outlet_province("baohaugiang.com.vn") == "Hậu Giang"
    assert outlet_province("https://example.org/a") is None
    extra = tmp_path / "mine.tsv"
    extra.write_text("# mine\nexample.org\tCần Thơ\nhaugiang.gov.vn\tCần Thơ\n", encoding="utf-8")
    monkeypatch.setenv("KG_OUTLETS", str(extra))
    assert outlet_province("https://news.example.org/a") == "Cần Thơ"
    assert outlet_province("https://haugiang.gov.vn/") == "Cần Thơ"  # user lines win
    monkeypatch.delenv("KG_OUTLETS")
    use_outlet_files([str(extra)])
    try:
        assert outlet_province("example.org") == "Cần Thơ"
    finally:
        use_outlet_files([])


def test_folders_recurse_with_include_and_exclude(tmp_path):
    for name in ("a/one.html", "a/b/two.jsonl", "a/b/skip.tmp", "a/.hidden/x.txt", "a/drafts/three.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    root = str(tmp_path / "a")
    names = lambda **kw: [p.relative_to(tmp_path / "a").as_posix() for p in expand_inputs([root], **kw)
                          if isinstance(p, Path)]
    assert names() == ["one.html", "b/two.jsonl", "drafts/three.txt"]  # article formats only
    assert names(include=["*"]) == ["one.html", "b/skip.tmp", "b/two.jsonl", "drafts/three.txt"]
    assert names(exclude=["*.tmp", "drafts/*"]) == ["one.html", "b/two.jsonl"]
    assert names(include=["*.html", "b/*.jsonl"]) == ["one.html", "b/two.jsonl"]


def test_stdin_is_sniffed_too(monkeypatch):
    data = (json.dumps({"id": "s1", "text": BODY}, ensure_ascii=False) + "\n").encode("utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(data))))
    assert [a.id for a in read_inputs(["-"])] == ["s1"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(PAGE.encode("utf-8"))))
    [article] = read_inputs(["-"])
    assert article.id == "https://baohaugiang.com.vn/chinh-tri/hoi-nghi-123.html" and article.title == TITLE


SITE_BODY = "<p>" + "Sáng 2/3, Ủy ban nhân dân tỉnh tổ chức hội nghị triển khai nhiệm vụ năm 2025 với các sở, ngành. " * 3 + "</p>"


@pytest.mark.parametrize("head, province", [
    ("<title>Hội nghị triển khai nhiệm vụ - Cổng thông tin điện tử tỉnh Hà Tĩnh</title>", "Hà Tĩnh"),
    ('<meta property="og:site_name" content="Báo Nghệ An điện tử">', "Nghệ An"),
    ("<title>Hội nghị tại Hà Tĩnh - Báo Nhân Dân</title>", None),  # the article's title is no site name
    ("<title>Hội nghị | Đài Phát thanh và Truyền hình Hà Tĩnh và Nghệ An</title>", None),
])
def test_a_saved_page_of_an_unknown_domain_takes_its_province_from_the_site_name(head, province):
    from loaders.html import read_html_article
    html = f"<html><head>{head}</head><body><article><h1>Hội nghị triển khai nhiệm vụ</h1>{SITE_BODY}</article></body></html>"
    assert read_html_article(html, "page.html", "page").province_context == province
