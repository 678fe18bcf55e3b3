"""Unnumbered documents identified by a title, and the relations their titles state:
  - laws:                      `Luật Tổ chức Chính quyền địa phương`, `Luật sửa đổi, bổ sung … của Luật A và Luật B`
  - congress resolutions:      `Nghị quyết Đại hội đại biểu Đảng bộ tỉnh … lần thứ X, nhiệm kỳ 2020-2025`
  - plans implementing a text: `Chương trình thực hiện Nghị quyết số 27-NQ/TW`, `Đề án … theo Nghị quyết số 18`
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from kg.facts import DocumentMention
from kg.text import key
from loaders.extract.documents import Occurrence, type_word_alternation, extract_numbered
from loaders.extract.spans import at_word_start, evidence, word_finditer

if TYPE_CHECKING:
    from loaders.extract.prepared import Prepared


def extract_documents(doc: "Prepared") -> list[DocumentMention]:
    """Numbered documents, then titled ones not already found."""
    mentions = extract_numbered(doc)
    article = doc.article
    seen = {m.id for m in mentions}
    all_sentences = doc.unwrapped_sentences
    starts = [s.start for s in all_sentences]
    for occ in doc.titled[0]:
        if occ.id not in seen and all_sentences:
            seen.add(occ.id)
            sentence = all_sentences[max(0, bisect.bisect_right(starts, occ.start) - 1)]
            mentions.append(DocumentMention(occ.id, occ.written, None, None,
                                            evidence(article, sentence, occ.type_start, occ.end,
                                                     "documents.titles")))
    return mentions


# The patterns scanned over the whole text must start a word (no letter before them); that is
# checked by `word_finditer`, not by a leading lookbehind, which makes a scan ~20× slower.
_LETTER = re.compile(r"[^\W\d_]")
_LAW_STOP = re.compile(
    r"(?i)\s+(?:ngày|năm|số|về|đã|được|có|này|nay|quy định|do|của|thì|sẽ|là|tại|để|nhằm|trong|với|theo|khi|"
    r"từ|đến|hướng dẫn|sửa đổi|cũng|nêu|đang|vừa|không|phải|cần|chưa|mới|vẫn)(?!\w)|"
    r"\s+và (?=luật|bộ luật|nghị|quyết|thông|chỉ|kế|chương|đề án|các|những)|\s*[,;:.()“”\"\n|]|\s+[-–]\s|$")
_LAW_OPEN = re.compile(r"Luật\s+(?!sư(?!\w))(?=[^\W\d_])")
_LAW_CONTEXT = re.compile(r"(?i)(?:\d|căn cứ|thi hành|hướng dẫn|của|theo|và|^|\n|[-–•;]|sửa đổi, bổ sung)\s*$")
_AMENDING_LAW = re.compile(r"Luật sửa đổi,? bổ sung (?:một số điều (?:của )?)?(?=Luật\s)")
_CONGRESS_RESOLUTION = re.compile(
    r"Nghị quyết Đại hội(?: (?:đại biểu|toàn quốc|lần thứ|Đảng bộ|tỉnh|thành phố|huyện|"
    r"[A-ZĐ][^\W\d_]*|[IVXL]+(?!\w)|\d{1,2}(?!\w)))+"
    r"(?: của Đảng(?! bộ))?(?:,? \(nhiệm kỳ \d{4}\s?[-–]\s?\d{4}\)|, nhiệm kỳ \d{4}\s?[-–]\s?\d{4})?")
_PLAN = re.compile(
    r"(Chương trình|Kế hoạch|Đề án|chương trình|kế hoạch|đề án)"
    r"((?: [^\s,;:.“”\"()|]+){0,14}?) (?:triển khai thực hiện|tiếp tục thực hiện|thực hiện) ")
_PLAN_OF = re.compile(r"(Chương trình|Kế hoạch|Đề án|Quy chế)((?: [a-zà-ỹđ]+){1,6}) của ")
_CHARTER = re.compile(r"Điều lệ Đảng(?! bộ)(?: Cộng sản Việt Nam)?")
_PLAN_BY = re.compile(
    r"(Chương trình|Kế hoạch|Đề án)((?: [^\s;:.“”\"()|]+){1,30}?),? theo ")


def _law_title(text: str, start: int) -> int | None:
    """End of the title of `Luật …` opening at start (after `Luật `), or None."""
    stop = _LAW_STOP.search(text, start, min(len(text), start + 160))
    end = stop.start() if stop else min(len(text), start + 160)
    words = text[start:end].split()
    if len(words) > 14:
        return None
    if words and re.fullmatch(r"(?:19|20)\d\d", words[-1]) is None and len(words) < 2:
        return None
    return end if words else None


def titled(text: str, numbered) -> tuple[list[Occurrence], list[tuple[str, str, str]]]:
    """Unnumbered documents identified by a title, each once per occurrence with ids unified,
    and the (source, rel, target) their titles state (`Chương trình thực hiện Nghị quyết …`);
    `numbered` are the numbered occurrences of the same text."""
    occurrences: list[Occurrence] = []
    relations: list[tuple[str, str, str]] = []
    ids: list[str] = []

    def register(type_start: int, end: int, written: str) -> Occurrence:
        raw = " ".join(text[type_start:end].split())
        occ = Occurrence(type_start, type_start, end, _unify_title(ids, raw, written), written, False)
        occurrences.append(occ)
        return occ

    for match in _AMENDING_LAW.finditer(text):
        if _draft_before(text, match.start()):
            continue
        targets, pos = [], match.end()
        while text.startswith("Luật ", pos):
            end = _law_title(text, pos + 5)
            if end is None:
                break
            targets.append((pos, end))
            more = re.match(r" và (?=Luật )", text[end:end + 12])
            if not more:
                break
            pos = end + more.end()
        if targets:
            source = register(match.start(), targets[-1][1], "Luật")
            for start, end in targets:
                target = register(start, end, "Luật")
                relations.append((source.id, "amends", target.id))
    numbered_laws = {o.type_start for o in numbered if o.written == "Luật"}
    for match in word_finditer(_LAW_OPEN, text, not_after=_LETTER):
        if any(o.type_start == match.start() for o in occurrences) or _draft_before(text, match.start()) \
                or match.start() in numbered_laws:
            continue
        if text.startswith("sửa đổi", match.end()):
            continue
        end = _law_title(text, match.end())
        if end is None:
            continue
        first = text[match.end():end].split()[0]
        if not first[0].isupper() and not _LAW_CONTEXT.search(text[max(0, match.start() - 20):match.start()]):
            continue
        register(match.start(), end, "Luật")
    for match in word_finditer(_CONGRESS_RESOLUTION, text, not_after=_LETTER):
        if len(match.group(0).split()) >= 5 and not _draft_before(text, match.start()) \
                and not text.startswith(" các cấp", match.end()):
            register(match.start(), match.end(), "Nghị quyết")
    targets = sorted([*numbered, *occurrences], key=lambda o: o.type_start)
    by_start = {}
    for occ in targets:
        by_start.setdefault(occ.type_start, occ)
    for match in word_finditer(_PLAN, text, not_after=_LETTER):
        target = by_start.get(match.end())
        title = match.group(2)
        if target is None or not _plan_title_ok(text, match, title):
            continue
        if match.group(1)[0].islower() and not re.match(r" của [A-ZĐ]", title):
            continue
        plan = register(match.start(), target.end, match.group(1).capitalize())
        rel = "summarizes" if re.search(r"(?<!\w)(?:tổng kết|sơ kết)(?!\w)", title) else "implements"
        relations.append((plan.id, rel, target.id))
    for match in word_finditer(_PLAN_OF, text, not_after=_LETTER):
        org = _org_at(text, match.end())
        if org and re.match(r"\s*(?:[,;.]|và\s|$)", text[org:org + 4]) and _plan_title_ok(text, match, match.group(2)):
            register(match.start(), org, match.group(1))
    for match in word_finditer(_CHARTER, text, not_after=_LETTER):
        register(match.start(), match.end(), "Điều lệ")
    for match in word_finditer(_PLAN_BY, text, not_after=_LETTER):
        target = by_start.get(match.end())
        title = match.group(2)
        if target is None or not _plan_title_ok(text, match, title) or not title[1:2].islower():
            continue
        plan = register(match.start(), match.start() + len(match.group(1)) + len(title.rstrip(",")),
                        match.group(1))
        relations.append((plan.id, "implements", target.id))
    return occurrences, relations


def _org_at(text: str, pos: int) -> int | None:
    """End of the organisation name starting at pos (`Ban Chấp hành Đảng bộ tỉnh`, `Chính phủ`)."""
    from loaders.extract.places import _org_regexes
    if not at_word_start(text, pos):
        return None
    ends = [m.end() for p in _org_regexes() for m in [p.match(text, pos)] if m]
    return max(ends) if ends else None


@lru_cache(maxsize=1)
def _not_a_title() -> re.Pattern:
    """A title naming a number (`Chương trình hành động số 12-CTr/TU`: a numbered document) or
    another document type is no plan's title."""
    return re.compile(rf"^\s*(?:số|\d)|(?<!\w)(?:số\s*\d|(?:{type_word_alternation()})(?!\w))")


def _plan_title_ok(text: str, match: re.Match, title: str) -> bool:
    if _not_a_title().search(title):
        return False
    return not re.search(r"(?i)(?:dự thảo|các|những|mỗi|từng)\s*$", text[max(0, match.start() - 12):match.start()])


def _draft_before(text: str, pos: int) -> bool:
    return re.search(r"(?i)(?:dự thảo|dự án)\s*$", text[max(0, pos - 12):pos]) is not None


def _unify_title(ids: list[str], raw: str, written: str) -> str:
    """`Luật X` after `Luật X 2015`, or a resolution without its province name after the full
    one, is the same document: reuse the first id."""
    tokens = key(raw).replace(",", " ").replace("(", " ").replace(")", " ").split()
    for existing in ids:
        other = key(existing).replace(",", " ").replace("(", " ").replace(")", " ").split()
        if other == tokens:
            return existing
        short, long_ = sorted((tokens, other), key=len)
        if len(short) >= 4 and len(long_) - len(short) <= 2 and short[:2] == long_[:2] \
                and _subsequence(short, long_):
            return existing
    ids.append(raw)
    return raw


def _subsequence(short: list[str], long_: list[str]) -> bool:
    it = iter(long_)
    return all(any(word == other for other in it) for word in short)
