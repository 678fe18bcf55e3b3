"""Readers: portal text files and JSON Lines crawls → `Article`.

A reader never raises for one bad record: it yields `InputError` in its place, so the
rest of a batch still lands.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.facts import Article
from kg.text import nfc

_UPDATE_LINE = re.compile(
    r"\[\s*Cập nhật vào ngày\s*\(?(\d{1,2})/(\d{1,2})/(\d{4})\)?\s*\]"
    r"(?:\s*-\s*\[\s*Số lần xem:\s*([\d.,]+)\s*\])?")
_IMAGE_LINE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp)$", re.IGNORECASE)
_FOOTER = "Các ý kiến của bạn đọc"
# The byline sits glued between the last sentence and the footer: "…2022…Kim NgânCác ý kiến".
_BYLINE = re.compile(r"([.…!?”\")]\s*)((?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s?){1,4})\s*$")

Record = Article | InputError


def read_path(path: Path) -> Iterator[Record]:
    """Read one file: JSON Lines if it looks like JSON, else portal or plain text."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield InputError(str(path), exc.strerror or str(exc))
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        yield InputError(str(path), "not UTF-8 text")
        return
    if not text.strip():
        yield InputError(str(path), "empty file")
    elif text.lstrip().startswith("{"):
        yield from read_jsonl(text, str(path))
    else:
        yield read_text_article(text, source=str(path), article_id=path.stem)


def read_jsonl(text: str, source: str) -> Iterator[Record]:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield _jsonl_record(line, source, number)


def _jsonl_record(line: str, source: str, number: int) -> Record:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(source, f"invalid JSON ({exc.msg})", number)
    if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
        return InputError(source, "record has no 'text'", number)
    article_id = str(row.get("id") or row.get("url") or f"{Path(source).stem}-{number}")
    views = row.get("views")
    return Article(
        id=article_id, text=nfc(row["text"]), title=_opt(row.get("title")), url=_opt(row.get("url")),
        published=_opt(row.get("published")), section=_opt(row.get("section")),
        views=views if isinstance(views, int) else None, author=_opt(row.get("author")),
        province_context=_opt(row.get("province_context")), source=f"{source}:{number}")


def _opt(value) -> str | None:
    return nfc(str(value)) if value not in (None, "") else None


def read_text_article(text: str, source: str, article_id: str) -> Article:
    """Portal text: section, title, update line, body, images + captions, glued byline."""
    lines = nfc(text).replace("\r\n", "\n").split("\n")
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
        article.views = int(re.sub(r"\D", "", views))


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
