"""Numbered documents: Party (`21-NQ/TW`), administrative (`1234/QĐ-UBND`), normative
(`09/2024/NĐ-CP`) and bare numbers (`Nghị quyết số 24`), with type, issuer and date
as the text states them. Unnumbered, titled documents are in `titles.py`.
Hard-wrapped lines of legal pages are joined first (`spans.unwrap`), so a number
broken over two lines is still one mention."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from functools import lru_cache

from kg.facts import DocumentMention
from kg.gazetteer import find_mentions
from kg.text import fold_tones, key
from kg.vocab import entries, expand
from loaders.extract.dates import LONG_FORM, parse_at
from loaders.extract.spans import Sentence, evidence, word_finditer

if TYPE_CHECKING:
    from loaders.extract.prepared import Prepared

EXTRACTOR = "documents.numbers"
_CODE = r"[A-ZĐ][A-Za-zĐđ]{0,9}"
_PARTY = rf"(\d{{1,4}}[a-z]?)\s?-\s?({_CODE})\s?/\s?({_CODE}(?:[-.]{_CODE})*)(?![\w])"
_STATE = rf"(\d{{1,5}})\s?/\s?((?:\d{{4}}\s?/\s?)?{_CODE}(?:\s?[-./]\s?{_CODE})*)(?![\w])"
PARTY_NUMBER, STATE_NUMBER = (re.compile(r"(?<![\w/])" + p) for p in (_PARTY, _STATE))
# The same numbers for scanning: the `not_after` check of `word_finditer` replaces the lookbehind.
_SCANS = (re.compile(_PARTY), re.compile(_STATE))
_NUMBER_GLUE = re.compile(r"[\w/]")
_MIXED_CASE = {"ctr": "CTr", "ttg": "TTg", "ttr": "TTr", "qđi": "QĐi"}
_HEADER_BODY = re.compile(
    r"(ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|TỈNH ỦY|THÀNH ỦY|THỦ TƯỚNG CHÍNH PHỦ|VĂN PHÒNG CHÍNH PHỦ|"
    r"CHÍNH PHỦ|BỘ [A-ZĐÀ-Ỹ ]+?)((?:\s+(?:TỈNH|THÀNH PHỐ)(?:\s+[A-ZĐÀ-Ỹ]+){1,3}?)?)\s*(?=-|\||CỘNG|Độc)")
_LOCAL_BODY = re.compile(r"^(?:Ủy ban nhân dân|Hội đồng nhân dân)$")
_DATELINE = re.compile(r"(?:\||\n|^)\s*([A-ZĐÀ-Ỹ][^\W\d_]*(?:\s+[A-ZĐÀ-Ỹ][^\W\d_]*){0,3})\s*,\s*ngày\s+\d")
_ISSUER_END = re.compile(
    r"(?i)\s+(?:(?:về|v/v|quy định|phê duyệt|tiếp tục|ban hành|thực hiện|triển khai|sửa đổi|hướng dẫn|"
    r"ngày|tại|đã|cho|là|với|để|gắn|giao|ký|quyết định|chỉ đạo|yêu cầu|bổ nhiệm|điều động|công nhận|"
    r"chuẩn y|phân công|đồng ý|chấp thuận|nêu rõ|xác định|đề ra|có|"
    r"và các|và những|và (?:kế hoạch|nghị|chỉ|chương|quyết|thông|đề))"
    r"(?!\w)|năm \d)|[,;“\"”:]|\.(?!\w)|\s[-–]\s|\s\w$|$")
# Words that open an issuer written without "của" right after a date or as a clause subject.
_ISSUER_HEAD = re.compile(
    r"(?:Hội nghị (?:lần thứ|Trung ương)|Ban Chấp hành|Ban Thường vụ|Ban Bí thư|Bộ Chính trị|"
    r"Chính phủ|Thủ tướng|Quốc hội|Ủy ban Thường vụ Quốc hội|Ủy ban nhân dân|UBND|Hội đồng nhân dân|HĐND|"
    r"Tỉnh ủy|Thành ủy|Huyện ủy|Bộ trưởng|Bộ [A-ZĐ]|Sở [A-ZĐ]|Chủ tịch|Văn phòng|Ban [A-ZĐ]|Ủy ban [A-ZĐ])")
_PLAN_TYPES = ("Chương trình", "Kế hoạch", "Đề án")


@dataclass(frozen=True)
class DocType:
    word: str
    codes: tuple[str, ...]


@dataclass
class Occurrence:
    """One mention of a document in the (unwrapped, tone-folded) text."""
    type_start: int  # where its type word starts (== start when none is written)
    start: int
    end: int
    id: str
    written: str | None  # the type word as written
    numbered: bool


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
    return re.compile(rf"(?i)(?<![^\W\d_])({words})\s*(?:số\s*(?:hiệu\s*)?:?\s*)?$")


@lru_cache(maxsize=1)
def type_word_alternation() -> str:
    return "|".join(re.escape(t.word) for t in doc_types())


# A bare number (`Chỉ thị 15`, `Quyết định số 1234`) is found from its digits back to its type
# word: a scan for a leading case-insensitive word list is slow, short numbers are quick to find.
_SHORT_NUMBER = re.compile(r"\s(\d{1,4})(?![\d/\w]|\s?-\s?[A-Z]|\s?/)")
_BARE_REACH = 80  # the type word, "số" and the spaces before the digits fit in this


@lru_cache(maxsize=1)
def _bare_type_before() -> re.Pattern:
    words = "|".join(re.escape(t.word) for t in doc_types()) + "|NĐ|NQ|CT"
    return re.compile(rf"(?<![^\W\d_])((?i:{words})\s+số|{words})\s+$")


def _bare_numbers(text: str, lower: int, upper: int):
    """(start, end, number, type word as written) of each bare number in text[lower:upper]."""
    for digits in _SHORT_NUMBER.finditer(text, lower, upper):
        start = digits.start(1)
        typed = _bare_type_before().search(text, max(lower, start - _BARE_REACH), start)
        if typed:
            yield start, digits.end(1), digits.group(1), typed.group(1)


@lru_cache(maxsize=4096)
def canonical_number(raw: str) -> str:
    """`16 - NQ/TW` → `16-NQ/TW`, `112/2010/Nđ-CP` → `112/2010/NĐ-CP`, `09-CTr/TU` kept."""
    compact = re.sub(r"\s+", "", fold_tones(raw))
    return re.sub(r"[^\W\d_]+", lambda m: _MIXED_CASE.get(m.group(0).casefold(), m.group(0).upper()),
                  compact)


_ABBREVIATED = {"nđ": "Nghị định", "nq": "Nghị quyết", "ct": "Chỉ thị", "qđ": "Quyết định"}


@lru_cache(maxsize=1)
def _types_by_word_and_code() -> tuple[dict[str, str], dict[str, str]]:
    by_word, by_code = dict(_ABBREVIATED), {}
    for t in doc_types():
        by_word.setdefault(key(t.word), t.word)
        for code in t.codes:
            by_code.setdefault(code, t.word)  # the first type listing a code wins
    return by_word, by_code


def type_for(number: str, written: str | None) -> str | None:
    by_word, by_code = _types_by_word_and_code()
    return (written and by_word.get(key(written))) or by_code.get(_code_of(number))


def _code_of(number: str) -> str:
    party = PARTY_NUMBER.fullmatch(number)
    tail = party.group(2) if party else re.split(r"[-.]", number.split("/")[-1])[0]
    if "/TTLT/" in number:
        return "TTLT"
    if not party and re.fullmatch(r"\d+/\d{4}/QH\d*", number):
        return "QH"
    return tail


def extract_numbered(doc: "Prepared") -> list[DocumentMention]:
    article, text = doc.article, doc.unwrapped
    found: dict[str, DocumentMention] = {}
    for sentence in doc.unwrapped_sentences:
        for start, end, number, written in _numbers(text, sentence.start, sentence.end):
            if number in found:
                _fill(found[number], text, start, end)
                continue
            mention = DocumentMention(number, type_for(number, written), None, None,
                                      evidence(article, sentence, start, end, EXTRACTOR))
            _fill(mention, text, start, end)
            mention.date = mention.date or _signed_date(text, start, article.year)
            found[number] = mention
    _header_issuer(text, found)
    return _unify_bare(list(found.values()))


class _Spans:
    """Non-overlapping spans with a logarithmic overlap test (inputs can be huge)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def _numbers(text: str, lower: int, upper: int):
    taken = _Spans()
    for pattern in _SCANS:
        for match in word_finditer(pattern, text, lower, upper, _NUMBER_GLUE):
            if taken.overlaps(*match.span()):
                continue
            taken.add(*match.span())
            before = _type_before().search(text, max(lower, match.start() - 30), match.start())
            yield match.start(), match.end(), canonical_number(match.group(0)), \
                before.group(1) if before else None
    for start, end, number, typed in _bare_numbers(text, lower, upper):
        written = re.sub(r"\s+số$", "", typed)
        year_like = re.fullmatch(r"(19|20)\d\d", number) and "số" not in typed
        if not year_like and not taken.overlaps(start, end):
            yield start, end, number, written


def _fill(mention: DocumentMention, text: str, start: int, end: int) -> None:
    """Date and issuer stated around the number: `… ngày 22/11/2012 của Bộ Chính trị`,
    `… của Bộ Chính trị ngày 12/4/2021`, `… do Bộ trưởng Bộ Tài chính ban hành`,
    `theo đề nghị của X tại Tờ trình số …`, `X ký ban hành Quyết định số …`."""
    pos = end
    pos = _date_after(mention, text, pos)
    issuer = re.match(r"[\s,]*(?:của|giữa)\s+", text[pos:pos + 12])
    if issuer:
        if mention.issuer is None:
            mention.issuer = _issuer_text(text, pos + issuer.end())
        stop = _ISSUER_END.search(text, pos + issuer.end(), min(len(text), pos + issuer.end() + 120))
        if stop and mention.date is None:
            _date_after(mention, text, stop.start(), need_word=True)
    elif pos > end and mention.issuer is None:
        head = re.match(r"[\s,]*(?=" + _ISSUER_HEAD.pattern + ")", text[pos:pos + 40])
        if head:
            mention.issuer = _issuer_text(text, pos + head.end())
    if mention.issuer is None:
        mention.issuer = _issuer_around(text, start, end)


def _date_after(mention: DocumentMention, text: str, pos: int, need_word: bool = False) -> int:
    gap = re.match(r"[\s,]*(?:ban hành\s+|ký\s+)?(?=ngày\s)" if need_word else
                   r"[\s,]*(?:ban hành\s+|ký\s+)?(?=ngày\s|\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{4})",
                   text[pos:pos + 30])
    if not gap:
        return pos
    at = pos + gap.end()
    parsed = parse_at(text, at, None)
    if not parsed and text.startswith("ngày", at):
        after_word = re.match(r"ngày\s*", text[at:at + 10])
        parsed = parse_at(text, at + after_word.end(), None)
    if parsed and parsed[0][0] != "-":
        mention.date = mention.date or parsed[0]
        return parsed[1]
    return pos


def _issuer_text(text: str, start: int) -> str | None:
    stop = _ISSUER_END.search(text, start, min(len(text), start + 120))
    raw = text[start:stop.start() if stop else start + 120].strip()
    raw = re.sub(r"\s*\(\s*$", "", raw)
    return expand(" ".join(raw.split())) if raw and raw[0].isupper() else None


def _type_start(text: str, start: int, lower: int = 0) -> int:
    before = _type_before().search(text, max(lower, start - 30), start)
    return before.start() if before else start


def _issuer_around(text: str, start: int, end: int) -> str | None:
    type_start = _type_start(text, start)
    before = text[max(0, type_start - 160):type_start]
    proposal = re.search(r"(?i)đề nghị của\s+([^;.\n]{3,120}?)\s+tại\s*$", before)
    if proposal and proposal.group(1)[0].isupper() and len(proposal.group(1).split()) <= 20:
        return expand(" ".join(proposal.group(1).split()))
    subject = _signer(before)
    if subject and re.match(_ISSUER_HEAD.pattern, subject):
        return _issuer_text(subject + " ", 0)
    if re.search(r"(?i)(?:tại|theo)\s*$", before):
        after = re.match(r"\s*,\s*(?=" + _ISSUER_HEAD.pattern + ")", text[end:end + 40])
        if after:
            return _issuer_text(text, end + after.end())
    by = re.match(r"[^;.\n]{0,200}?\s+do\s+((?:" + _ISSUER_HEAD.pattern + r")[^;.\n]{0,80}?)\s+ban hành(?!\w)",
                  text[end:end + 300])
    if by:
        return _issuer_text(by.group(1) + " ", 0)
    return None


_SIGN_VERB = re.compile(r"(?:,\s*)?(?<!\w)(?:đã\s+)?(?:ký\s+ban hành|ký|ban hành)\s*$")


def _signer(before: str) -> str | None:
    """The subject of `X (đã) ký ban hành` right before a document; `A, Chủ tịch …, ký` → the post."""
    verb = _SIGN_VERB.search(before)
    if not verb:
        return None
    pieces = re.split(r"[,;\n]|\.\s", before[:verb.start()])
    return pieces[-1].strip() or None


def _signed_date(text: str, start: int, year: int | None) -> str | None:
    """`Ngày 18.12, ông A, Chủ tịch …, ký ban hành Quyết định số …`: the signing date."""
    type_start = _type_start(text, start)
    floor = max(0, type_start - 300)
    line_start = max(floor - 1, text.rfind("\n", floor, type_start), text.rfind(". ", floor, type_start)) + 1
    before = text[line_start:type_start]
    if not _SIGN_VERB.search(before):
        return None
    dated = re.search(r"(?i)(?<!\w)ngày\s+", before)
    if dated:
        parsed = parse_at(before, dated.end(), year) or parse_at(before, dated.start(), year)
        if parsed and parsed[0][0] != "-":
            return parsed[0]
    return None


def _header_issuer(text: str, found: dict[str, DocumentMention]) -> None:
    """Legal pages: `ỦY BAN NHÂN DÂN | TỈNH AN GIANG | … Số: 1994/QĐ-UBND | An Giang, ngày …`."""
    headers = []
    for header in re.finditer(r"Số\s*:[ \t]*", text):
        for pattern in (PARTY_NUMBER, STATE_NUMBER):
            number = pattern.match(text, header.end())
            if number:
                headers.append((canonical_number(number.group(0)), number.start(), number.end()))
                break
    for number, start, end in headers:
        mention = found.get(number)
        if mention is None:
            continue
        head = " ".join(text[max(0, start - 400):start].split())
        body = _HEADER_BODY.search(head)
        if body and (mention.issuer is None or mention.evidence.start != start):
            issuer = expand(_sentence_case(body.group(1) + body.group(2)))
            if _LOCAL_BODY.match(issuer):
                place = _DATELINE.search(text, end, end + 120)
                mentions = find_mentions(place.group(1)) if place else []
                if mentions:
                    issuer += " tỉnh " + " ".join(place.group(1).split())
            mention.issuer = issuer
        window = " ".join(text[max(0, start - 200):end + 120].split())
        dated = LONG_FORM.search(window)
        if dated:
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


# --- occurrences (numbered and titled) for relations ------------------------------------------

def numbered_occurrences(text: str, split: tuple[Sentence, ...]) -> tuple[Occurrence, ...]:
    """Every numbered mention in `text`, whose sentences are `split`."""
    out = []
    for sentence in split:
        for start, end, number, written in _numbers(text, sentence.start, sentence.end):
            out.append(Occurrence(_type_start(text, start, sentence.start), start, end, number,
                                  written, True))
    return tuple(out)
