"""Numbered documents: Party (`21-NQ/TW`), administrative (`1234/QĐ-UBND`), normative
(`09/2024/NĐ-CP`) and bare numbers (`Nghị quyết số 24`), with type, issuer and date
as the text states them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.facts import Article, DocumentMention
from kg.text import fold_tones, key
from kg.vocab import entries, expand
from loaders.extract.dates import LONG_FORM, parse_at
from loaders.extract.spans import evidence, sentences

EXTRACTOR = "documents.numbers"
_CODE = r"[A-ZĐ][A-Za-zĐđ]{0,9}"
PARTY_NUMBER = re.compile(rf"(?<![\w/])(\d{{1,4}}[a-z]?)\s?-\s?({_CODE})\s?/\s?({_CODE}(?:[-.]{_CODE})*)(?![\w])")
STATE_NUMBER = re.compile(
    rf"(?<![\w/])(\d{{1,5}})\s?/\s?((?:\d{{4}}\s?/\s?)?{_CODE}(?:\s?[-./]\s?{_CODE})*)(?![\w])")
_MIXED_CASE = {"ctr": "CTr", "ttg": "TTg", "ttr": "TTr", "qđi": "QĐi"}
_HEADER_BODY = re.compile(
    r"(ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|TỈNH ỦY|THÀNH ỦY|THỦ TƯỚNG CHÍNH PHỦ|VĂN PHÒNG CHÍNH PHỦ|"
    r"CHÍNH PHỦ|BỘ [A-ZĐÀ-Ỹ ]+?)((?: (?:TỈNH|THÀNH PHỐ)(?: [A-ZĐÀ-Ỹ]+){1,3}?)?)\s*(?=-|\||CỘNG|Độc)")
_ISSUER_END = re.compile(
    r"(?i)\s+(?:(?:về|v/v|quy định|phê duyệt|tiếp tục|ban hành|thực hiện|triển khai|sửa đổi|hướng dẫn|"
    r"ngày|tại|đã|cho|là|với|để|gắn|và các|và những|và (?:kế hoạch|nghị|chỉ|chương|quyết|thông|đề))"
    r"(?!\w)|năm \d)|[,;.“\"”:]|\s[-–]\s|\s\w$|$")


@dataclass(frozen=True)
class DocType:
    word: str
    codes: tuple[str, ...]


@lru_cache(maxsize=1)
def doc_types() -> list[DocType]:
    out = []
    for line in entries("doc_types.tsv"):
        word, _, codes = line.partition("\t")
        out.append(DocType(word, tuple(c for c in codes.split(",") if c)))
    return out


@lru_cache(maxsize=1)
def _type_before() -> re.Pattern:
    words = "|".join(re.escape(t.word) for t in doc_types()) + "|NĐ|NQ|CT|QĐ"
    return re.compile(rf"(?i)(?<!\w)({words})\s*(?:số\s*:?\s*)?$")


@lru_cache(maxsize=1)
def _bare_number() -> re.Pattern:
    words = "|".join(re.escape(t.word) for t in doc_types()) + "|NĐ|NQ|CT"
    return re.compile(rf"(?<!\w)((?i:{words})\s+số|{words})\s+(\d{{1,4}})(?![\d/\w]|\s?-\s?[A-Z]|\s?/)")


def canonical_number(raw: str) -> str:
    """`16 - NQ/TW` → `16-NQ/TW`, `112/2010/Nđ-CP` → `112/2010/NĐ-CP`, `09-CTr/TU` kept."""
    compact = re.sub(r"\s+", "", fold_tones(raw))
    return re.sub(r"[^\W\d_]+", lambda m: _MIXED_CASE.get(m.group(0).casefold(), m.group(0).upper()),
                  compact)


def type_for(number: str, written: str | None) -> str | None:
    if written:
        word = key(written)
        abbreviations = {"nđ": "Nghị định", "nq": "Nghị quyết", "ct": "Chỉ thị", "qđ": "Quyết định"}
        if word in abbreviations:
            return abbreviations[word]
        return next((t.word for t in doc_types() if key(t.word) == word), None)
    code = _code_of(number)
    return next((t.word for t in doc_types() if code in t.codes), None)


def _code_of(number: str) -> str:
    party = PARTY_NUMBER.fullmatch(number)
    tail = party.group(2) if party else number.split("/")[-1].split("-")[0]
    if "/TTLT/" in number:
        return "TTLT"
    if not party and re.fullmatch(r"\d+/\d{4}/QH\d*", number):
        return "QH"
    return tail


def extract_documents(article: Article) -> list[DocumentMention]:
    text = fold_tones(article.text)
    found: dict[str, DocumentMention] = {}
    for sentence in sentences(text):
        for start, end, number, written in _numbers(text, sentence.start, sentence.end):
            if number in found:
                _fill(found[number], text, end, article)
                continue
            mention = DocumentMention(number, type_for(number, written), None, None,
                                      evidence(article, sentence, start, end, EXTRACTOR))
            _fill(mention, text, end, article)
            found[number] = mention
    _header_issuer(text, found)
    return _unify_bare(list(found.values()))


def _numbers(text: str, lower: int, upper: int):
    taken: list[tuple[int, int]] = []
    for pattern in (PARTY_NUMBER, STATE_NUMBER):
        for match in pattern.finditer(text, lower, upper):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append(match.span())
            before = _type_before().search(text, max(lower, match.start() - 30), match.start())
            yield match.start(), match.end(), canonical_number(match.group(0)), \
                before.group(1) if before else None
    for match in _bare_number().finditer(text, lower, upper):
        written = re.sub(r"\s+số$", "", match.group(1))
        year_like = re.fullmatch(r"(19|20)\d\d", match.group(2)) and "số" not in match.group(1)
        if not year_like and not any(s < match.end() and match.start() < e for s, e in taken):
            yield match.start(2), match.end(2), match.group(2), written


def _fill(mention: DocumentMention, text: str, end: int, article: Article) -> None:
    """Date and issuer stated right after the number: `… ngày 22/11/2012 của Bộ Chính trị`."""
    pos = end
    gap = re.match(r"[\s,]*(?:ban hành\s+|ký\s+)?(?:ngày\s+|,\s*)?", text[pos:pos + 30])
    parsed = parse_at(text, pos + gap.end(), None) if "ngày" in gap.group(0) else None
    if not parsed:
        long_form = LONG_FORM.match(text, pos + len(text[pos:pos + 3]) - len(text[pos:pos + 3].lstrip()))
        parsed = (parse_at(text, long_form.start(), None)) if long_form else None
    if parsed and parsed[0][0] != "-":
        mention.date = mention.date or parsed[0]
        pos = parsed[1]
    issuer = re.match(r"[\s,]*(?:của|giữa)\s+", text[pos:pos + 12])
    if issuer and mention.issuer is None:
        mention.issuer = _issuer_text(text, pos + issuer.end())


def _issuer_text(text: str, start: int) -> str | None:
    stop = _ISSUER_END.search(text, start, min(len(text), start + 120))
    raw = text[start:stop.start() if stop else start + 120].strip()
    raw = re.sub(r"\s*\(\s*$", "", raw)
    return expand(raw) if raw and raw[0].isupper() else None


def _header_issuer(text: str, found: dict[str, DocumentMention]) -> None:
    """Legal pages: `ỦY BAN NHÂN DÂN | TỈNH AN GIANG | … Số: 1994/QĐ-UBND | An Giang, ngày …`."""
    for mention in found.values():
        start, end = mention.evidence.start, mention.evidence.end
        if not re.search(r"Số\s*:\s*$", text[max(0, start - 12):start]):
            continue
        head = " ".join(text[max(0, start - 400):start].split())
        body = _HEADER_BODY.search(head)
        if body and mention.issuer is None:
            mention.issuer = expand(_sentence_case(body.group(1) + body.group(2)))
        window = " ".join(text[max(0, start - 200):end + 120].split())
        dated = LONG_FORM.search(window)
        if dated and mention.date is None:
            mention.date = parse_at(window, dated.start(), None)[0]


def _sentence_case(upper: str) -> str:
    """`ỦY BAN NHÂN DÂN TỈNH AN GIANG` → `Ủy ban nhân dân tỉnh An Giang`."""
    words = upper.lower().split()
    place = next((i for i, w in enumerate(words) if w in ("tỉnh", "phố") and i), None)
    cap = [w.capitalize() if place is not None and i > place else w for i, w in enumerate(words)]
    cap[0] = cap[0].capitalize()
    return " ".join(cap).replace("chính phủ", "Chính phủ")


def _unify_bare(mentions: list[DocumentMention]) -> list[DocumentMention]:
    """A bare `CT 1792` next to `1792/CT-TTg` in one article is that document."""
    full = {m.id.split("/")[0].split("-")[0]: m for m in mentions if not m.id.isdigit()}
    return [m for m in mentions if not (m.id.isdigit() and m.id in full)]
