"""Readers: portal text, HTML pages and JSON Lines crawls (plain or gzip) → `Article`.

A reader never raises for one bad record: it yields `InputError` in its place, so the
rest of a batch still lands. Files are streamed: a JSONL file is read line by line and no
single article (a text/HTML file, one JSONL line) may exceed `max_article_bytes()`.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kg.errors import InputError
from kg.facts import Article
from kg.text import nfc
from loaders.detect import (FORMATS, Unreadable, binary_kind, decode, limit_text, magic_kind, max_article_bytes,
                            peek, sniff, text_codec, without_surrogates)
from loaders.html import outlet_province, read_html_article

_UPDATE_LINE = re.compile(
    r"\[\s*Cập nhật vào ngày\s*\(?(\d{1,2})/(\d{1,2})/(\d{4})\)?\s*\]"
    r"(?:\s*-\s*\[\s*Số lần xem:\s*([\d.,]+)\s*\])?")
_IMAGE_LINE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp)$", re.IGNORECASE)
_FOOTER = "Các ý kiến của bạn đọc"
# The byline sits glued between the last sentence and the footer: "…2022…Kim NgânCác ý kiến".
_BYLINE = re.compile(r"([.…!?”\")]\s*)((?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s?){1,4})\s*$")
_STREAM_ERRORS = (OSError, EOFError, zlib.error)  # gzip.BadGzipFile is an OSError

Record = Article | InputError


def file_id(path: Path, root: Path | None = None) -> str:
    """The id of an article read from a file without a URL: its path relative to the current
    folder, so `kg ingest site` and `kg ingest site/a/index.txt` agree; outside the current
    folder, its path under the input `root` (a folder named on the command line, else the
    file's own folder), the root's name first."""
    absolute, here = Path(os.path.abspath(path)), Path.cwd()
    if absolute.is_relative_to(here) and absolute != here:
        return absolute.relative_to(here).as_posix()
    base = Path(os.path.abspath(root if root is not None else absolute.parent))
    return absolute.relative_to(base.parent).as_posix()


def read_path(path: Path, fmt: str | None = None, article_id: str | None = "") -> Iterator[Record]:
    """Read one file (gzip or not); the format comes from its content unless `fmt` says.
    `article_id` is the id of an article without a URL ("" → `file_id(path)`; None → a hash
    of its content, for a FIFO)."""
    try:
        stream = open(path, "rb")
    except OSError as exc:
        yield InputError(str(path), _os_reason(exc))
        return
    with stream:
        yield from read_stream(stream, str(path), file_id(path) if article_id == "" else article_id, fmt)


def read_stream(stream: BinaryIO, source: str, article_id: str | None, fmt: str | None = None) -> Iterator[Record]:
    """One input stream: a text or HTML article, or JSON Lines of articles (the line number
    after `article_id` identifies a line without id or url; without `article_id`, a hash of
    the content identifies an article, as for stdin)."""
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    try:
        head, stream = peek(stream)
        if not head.strip(b" \t\r\n\xef\xbb\xbf"):
            yield InputError(source, "empty file")
            return
        fmt = fmt or sniff(head)
        # in JSON Lines a NUL is one line's problem (that line's decode rejects it)
        binary = magic_kind(head) if fmt == "jsonl" else binary_kind(head)
        if binary:
            yield InputError(source, binary)
        elif fmt == "jsonl":
            yield from _jsonl_stream(stream, source, text_codec(head), article_id)
        else:
            yield _identified(_one_article(stream, source, article_id, fmt))
    except _STREAM_ERRORS as exc:
        yield InputError(source, _os_reason(exc))


def _one_article(stream: BinaryIO, source: str, article_id: str | None, fmt: str) -> Record:
    cap = max_article_bytes()
    raw = stream.read(cap + 1)
    if len(raw) > cap:
        return InputError(source, f"file is larger than {limit_text()}, the limit for one article "
                                  "(KG_MAX_ARTICLE_MB raises it)")
    try:
        text, encoding = decode(raw, html=fmt == "html")
    except Unreadable as exc:
        return InputError(source, str(exc))
    if not text.strip():
        return InputError(source, "empty file")
    if fmt == "html":
        return read_html_article(text, source, article_id or "", encoding=encoding)
    article = read_text_article(text, source=source, article_id=article_id or "")
    article.encoding = encoding
    return article


def _identified(record: Record) -> Record:
    """An article that has no id yet (stdin, a FIFO) is identified by its text."""
    if isinstance(record, Article) and not record.id:
        record.id = "sha256:" + hashlib.sha256(record.text.encode("utf-8")).hexdigest()[:32]
    return record


def read_jsonl(text: str, source: str, article_id: str | None = None) -> Iterator[Record]:
    """JSON Lines already in memory (kept for callers that have a string)."""
    yield from _jsonl_stream(io.BytesIO(without_surrogates(text).encode("utf-8")), source, None, article_id)


def _jsonl_stream(stream: BinaryIO, source: str, codec: str | None, article_id: str | None) -> Iterator[Record]:
    wide = codec if codec and codec.startswith(("utf-16", "utf-32")) else None
    if wide:  # rare: re-encode through a text stream, line by line
        stream = _reencoded(stream, wide)
    cap, number = max_article_bytes(), 0
    while line := stream.readline(cap + 1):
        number += 1
        if len(line) > cap and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the over-long line without holding it
            yield InputError(source, f"line is longer than {limit_text()}, the limit for one article", number)
        elif line.strip():
            line_id = f"{article_id}:{number}" if article_id else None
            yield _identified(_jsonl_line(line, source, number, wide, line_id))


def _reencoded(stream: BinaryIO, codec: str) -> BinaryIO:
    text = io.TextIOWrapper(stream, encoding=codec, errors="replace", newline="")
    return io.BufferedReader(_Utf8Lines(text), buffer_size=1 << 16)


class _Utf8Lines(io.RawIOBase):
    def __init__(self, text: io.TextIOBase):
        self.text, self.pending = text, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            chunk = self.text.read(1 << 14)
            if not chunk:
                return 0
            self.pending = chunk.encode("utf-8")
        n = min(len(buffer), len(self.pending))
        buffer[:n], self.pending = self.pending[:n], self.pending[n:]
        return n


def _jsonl_line(raw: bytes, source: str, number: int, codec: str | None, line_id: str | None) -> Record:
    try:
        line, encoding = decode(raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw)
    except Unreadable as exc:
        return InputError(source, str(exc), number)
    record = _jsonl_record(line, source, number, line_id)
    if isinstance(record, Article):
        record.encoding = record.encoding or codec or encoding
    return record


def _jsonl_record(line: str, source: str, number: int, line_id: str | None) -> Record:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        ended = line.endswith("\n") and exc.pos < len(line.rstrip())
        hint = "" if ended else "; the line ends mid-record (truncated?)"
        return InputError(source, f"invalid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno}{hint})",
                          number)
    except RecursionError:
        return InputError(source, "invalid JSON (nested too deeply)", number)
    if not isinstance(row, dict):
        return InputError(source, f"record is a JSON {type(row).__name__}, not an object", number)
    given = _opt(row.get("id"))  # kept as given; else the url, else the line (or the text's hash)
    text, html = row.get("text"), row.get("html")
    if (not isinstance(text, str) or not text.strip()) and isinstance(html, str) and html.strip():
        return _jsonl_html(row, html, source, number, given or line_id)
    if not isinstance(text, str) or not text.strip():
        return InputError(source, "record has no 'text'" if text in (None, "") or isinstance(text, str)
                          else f"'text' is a JSON {type(text).__name__}, not a string", number)
    views = row.get("views")
    article = Article(
        id=given or _opt(row.get("url")) or line_id or "", text=nfc(without_surrogates(text)),
        title=_opt(row.get("title")), url=_opt(row.get("url")),
        published=_opt(row.get("published")), section=_opt(row.get("section")),
        views=views if isinstance(views, int) and not isinstance(views, bool) and 0 <= views < 1 << 63 else None,
        author=_opt(row.get("author")), province_context=_opt(row.get("province_context")),
        source=f"{source}:{number}")
    if not article.province_context and article.url:
        article.province_context = outlet_province(article.url)
    return article


def _jsonl_html(row: dict, html: str, source: str, number: int, article_id: str | None) -> Record:
    """A crawl line carrying the page itself (`html`, and usually `url`) instead of `text`;
    an `id` given wins over the page's URL, which wins over the line."""
    article = read_html_article(html, f"{source}:{number}", article_id or "", url=_opt(row.get("url")))
    if isinstance(article, InputError):
        return InputError(source, article.reason, number)
    article.id = _opt(row.get("id")) or article.id
    for name in ("title", "published", "section", "author", "province_context"):
        setattr(article, name, _opt(row.get(name)) or getattr(article, name))
    return article


def _opt(value) -> str | None:
    return nfc(without_surrogates(str(value))) if value not in (None, "") else None


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied (cannot read the file)"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, (EOFError, zlib.error)) or "gzip" in str(exc).lower() or "compressed" in str(exc).lower():
        return f"corrupt or truncated gzip data ({exc})"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def read_text_article(text: str, source: str, article_id: str) -> Article:
    """Portal text: section, title, update line, body, images + captions, glued byline."""
    lines = nfc(without_surrogates(text)).replace("\r\n", "\n").split("\n")
    header = next((i for i, line in enumerate(lines[:8]) if _UPDATE_LINE.search(line)), None)
    article = Article(id=article_id, text="", source=source)
    if header is not None:
        _read_header(article, lines[:header], _UPDATE_LINE.search(lines[header]))
        body = lines[header + 1:]
    else:
        article.title = next((line.strip() for line in lines if line.strip()), None)
        body = lines
    body = _take_images(article, body)
    body_text = _take_byline(article, "\n".join(body).strip())
    article.text = f"{article.title}\n\n{body_text}" if header is not None else body_text
    return article


def _read_header(article: Article, head: list[str], update: re.Match) -> None:
    head = [line.strip() for line in head if line.strip()]
    article.title = head[-1] if head else None
    article.section = head[-2] if len(head) > 1 else None
    day, month, year, views = update.groups()
    article.published = f"{year}-{int(month):02d}-{int(day):02d}"
    if views:
        article.views = int(re.sub(r"\D", "", views)[:15])  # a count, not a 64-bit overflow in a store


def _take_images(article: Article, body: list[str]) -> list[str]:
    kept, pending = [], None
    for line in body:
        stripped = line.strip()
        if _IMAGE_LINE.match(stripped):
            pending = {"file": stripped, "caption": None}
            article.images.append(pending)
            continue  # the file name is page furniture, not text
        if pending is not None and stripped:
            pending["caption"], pending = stripped, None
        kept.append(line)
    return kept


def _take_byline(article: Article, body: str) -> str:
    """The portal glues the byline to its footer; without the footer there is no byline."""
    if _FOOTER not in body:
        return body
    body = body[:body.rindex(_FOOTER)]
    match = _BYLINE.search(body)
    if match:
        article.author = match.group(2).strip()
        body = body[:match.start(2)]
    return body.rstrip()
