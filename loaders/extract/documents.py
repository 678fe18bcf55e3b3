"""Numbered documents: Party (`21-NQ/TW`), administrative (`1234/QĐ-UBND`), normative
(`09/2024/NĐ-CP`) and bare numbers (`Nghị quyết số 24`), with their type. Issuer and date as
the text states them are in `issuers.py`; unnumbered, titled documents in `titles.py`.
Hard-wrapped lines of legal pages are joined first (`spans.unwrap`), so a number
broken over two lines is still one mention.

Besides the regular forms, a number right after a type word (or `số`) may be written with a
space for its hyphen (`số 57 QĐ/TWĐTN`), without its slash part (`số 210-TB`), or as
number/year without a code (`Nghị quyết số 145/2025`); these forms are taken only there,
where nothing else can be meant. A count after a type word is not a number (`Quy chế 3 công
khai`)."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from functools import lru_cache

from kg.facts import DocumentMention
from kg.text import fold_tones, key
from kg.vocab import DATA_DIR, entries, keyed_entries
from loaders.extract.dates import in_report_year
from loaders.extract.spans import Sentence, evidence, word_finditer

if TYPE_CHECKING:
    from loaders.extract.prepared import Prepared

EXTRACTOR = "documents.numbers"
_CODE = r"[A-ZĐƯ][A-Za-zĐđƯư]{0,9}"
_PARTY = rf"(\d{{1,4}}[a-z]?)\s?[-–]\s?({_CODE})\s?/\s?({_CODE}(?:[-.]{_CODE})*)(?![\w])"
# A state code may end in a legislature's term (`72/2025/QH15`, `1667/NQ-UBTVQH15`).
_STATE = rf"(\d{{1,5}})\s?/\s?((?:\d{{4}}\s?/\s?)?{_CODE}(?:\s?[-./]\s?{_CODE})*(?:(?<=QH)\d{{1,2}})?)(?![\w])"
PARTY_NUMBER, STATE_NUMBER = (re.compile(r"(?<![\w/])" + p) for p in (_PARTY, _STATE))
# The same numbers for scanning: the `not_after` check of `word_finditer` replaces the lookbehind.
_SCANS = (re.compile(_PARTY), re.compile(_STATE))
# Irregular forms, taken only right after a type word or `số` (see the module's docstring).
_IRREGULAR = re.compile(
    rf"(?P<spaced>(\d{{1,4}})\s([A-ZĐƯ]{{1,6}})\s?/\s?({_CODE}(?:[-.]{_CODE})*)(?![\w]))"
    r"|(?P<no_slash>(\d{1,4})\s?[-–]\s?([A-ZĐƯ]{2,6})(?![\w/]|\s?/))"
    r"|(?P<year>(\d{1,5})/((?:19|20)\d\d)(?![\w/]))")
_NUMBER_GLUE = re.compile(r"[\w/]")
_DIGIT = re.compile(r"\d")  # every irregular number opens with one: the scan jumps to them
_MIXED_CASE = {"ctr": "CTr", "ttg": "TTg", "ttr": "TTr", "qđi": "QĐi"}
_SO = re.compile(r"(?<!\w)số\s*:?\s*$")
# After a number written without "số", a lowercase word that is none of these makes it a count.
_COUNTED = re.compile(
    r"\s+(?!(?:của|về|ngày|và|đã|được|năm|do|tại|khóa|này|nhằm|với|thì|sẽ|là|có|cũng|tiếp|đến|"
    r"trong|ban|nêu|đề|quy|vừa|mới|hướng|đang|nay|trên|cho|yêu|chỉ|tháng|nhấn|xác|gồm|theo)(?!\w))"
    r"[a-zà-ỹđ]")
_NAMED_LAW = re.compile(r"(?<![^\W\d_])(?:Bộ luật|Luật|Pháp lệnh)\s+[^\W\d_][^;:,.\n]{2,110}?\s+số\s*$")
_MENTIONS_READ = 8  # a document's issuer and date are stated at its first mentions, if at all
_PLAN_TYPES = ("Chương trình", "Kế hoạch", "Đề án")
# A qualifier between type word and number: `Công điện khẩn số …`, `Chương trình hành động số …`.
_QUALIFIER = r"(?:khẩn|hỏa tốc|hành động)"


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
    return re.compile(rf"(?i)(?<![^\W\d_])({words})(?:\s+{_QUALIFIER})?\s*(?:số\s*(?:hiệu\s*)?:?\s*)?$")


@lru_cache(maxsize=1)
def type_word_alternation() -> str:
    return "|".join(re.escape(t.word) for t in doc_types())


# A bare number (`Chỉ thị 15`, `Quyết định số 1234`) is found from its digits back to its type
# word: a scan for a leading case-insensitive word list is slow, short numbers are quick to find.
_SHORT_NUMBER = re.compile(r"\s(\d{1,4})(?![\d/\w]|\s?[-–]\s?[A-Z]|\s?/)")
_BARE_REACH = 80  # the type word, "số" and the spaces before the digits fit in this


@lru_cache(maxsize=1)
def _bare_type_before() -> re.Pattern:
    words = "|".join(re.escape(t.word) for t in doc_types()) + "|NĐ|NQ|CT"
    return re.compile(rf"(?<![^\W\d_])((?i:{words})(?:\s+{_QUALIFIER})?\s+số|{words})\s+$")


@lru_cache(maxsize=1)
def _bare_endings() -> tuple[str, ...]:
    """What the text before a bare number must end with (case folded) for `_bare_type_before`
    to match there: a cheap test that spares most of its searches."""
    return tuple({"số", "nđ", "nq", "ct", *(t.word.casefold() for t in doc_types())})


def _bare_numbers(text: str, lower: int, upper: int):
    """(start, end, number, type word as written) of each bare number in text[lower:upper]."""
    for digits in _SHORT_NUMBER.finditer(text, lower, upper):
        start = digits.start(1)
        window = max(lower, start - _BARE_REACH)
        if not text[window:start].rstrip().casefold().endswith(_bare_endings()):
            continue
        typed = _bare_type_before().search(text, window, start)
        if typed:
            yield start, digits.end(1), digits.group(1), typed.group(1)


@lru_cache(maxsize=4096)
def canonical_number(raw: str) -> str:
    """`16 - NQ/TW` → `16-NQ/TW`, `112/2010/Nđ-CP` → `112/2010/NĐ-CP`, `09-CTr/TU` kept."""
    compact = re.sub(r"\s+", "", fold_tones(raw)).replace("–", "-")
    return re.sub(r"[^\W\d_]+", lambda m: _MIXED_CASE.get(m.group(0).casefold(), m.group(0).upper()),
                  compact)


@lru_cache(maxsize=1)
def _types_by_word_and_code() -> tuple[dict[str, str], dict[str, str]]:
    known = {t.word for t in doc_types()}
    abbreviated = keyed_entries(DATA_DIR / "doc_type_abbreviations.tsv", known, "document type")
    by_word, by_code = {key(short): word for word, short in abbreviated}, {}
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
    """Each numbered document once, typed, with what the text states around its mentions."""
    # (a local import: issuers reads numbers with this module's patterns)
    from loaders.extract.issuers import fill, header_issuer, share_in_lists, signed_date
    article, text = doc.article, doc.unwrapped
    split = doc.unwrapped_sentences
    starts = [s.start for s in split]
    found: dict[str, DocumentMention] = {}
    seen: dict[str, int] = {}
    for occ in doc.numbered:
        mention = found.get(occ.id)
        if mention is None:
            sentence = split[bisect.bisect_right(starts, occ.start) - 1]
            mention = DocumentMention(occ.id, type_for(occ.id, occ.written), None, None,
                                      evidence(article, sentence, occ.start, occ.end, EXTRACTOR))
            found[occ.id] = mention
            fill(mention, text, occ)
            mention.date = mention.date or signed_date(text, occ)
        elif (mention.issuer is None or mention.date is None) and seen[occ.id] < _MENTIONS_READ:
            fill(mention, text, occ)
        seen[occ.id] = seen.get(occ.id, 0) + 1
    share_in_lists(text, doc.numbered, found)
    header_issuer(text, found)
    for mention in found.values():
        if mention.date and mention.date[0] == "-":
            mention.date = in_report_year(mention.date, article.published)
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


def _irregular_number(match: re.Match) -> str:
    """The id of an irregular number: a hyphen for the space, number/year kept as written."""
    g = match.groups()
    if match.group("spaced"):
        return canonical_number(f"{g[1]}-{g[2]}/{g[3]}")
    if match.group("no_slash"):
        return canonical_number(f"{g[5]}-{g[6]}")
    return f"{g[8]}/{g[9]}"


def _numbers(text: str, lower: int, upper: int):
    """(start, end, number, type word as written or None) of each number in text[lower:upper]."""
    taken = _Spans()
    # every regular number holds a slash, every irregular one a slash or a dash: a sentence
    # without them spares the scans (str.find is far cheaper than a regex search)
    slash = text.find("/", lower, upper) >= 0
    dash = slash or text.find("-", lower, upper) >= 0 or text.find("–", lower, upper) >= 0
    for pattern in _SCANS if slash else ():
        for match in word_finditer(pattern, text, lower, upper, _NUMBER_GLUE):
            if taken.overlaps(*match.span()):
                continue
            taken.add(*match.span())
            before = _type_before().search(text, max(lower, match.start() - 30), match.start())
            yield match.start(), match.end(), canonical_number(match.group(0)), \
                before.group(1) if before else None
    for match in word_finditer(_IRREGULAR, text, lower, upper, _NUMBER_GLUE, _DIGIT) if dash else ():
        if taken.overlaps(*match.span()):
            continue
        before = _type_before().search(text, max(lower, match.start() - 30), match.start())
        if before or (not match.group("year") and _SO.search(text, max(lower, match.start() - 8), match.start())):
            taken.add(*match.span())
            yield match.start(), match.end(), _irregular_number(match), before.group(1) if before else None
    for start, end, number, typed in _bare_numbers(text, lower, upper):
        written = re.sub(rf"(?:\s+{_QUALIFIER})?\s+số$", "", typed)
        plain = "số" not in typed
        year_like = plain and re.fullmatch(r"(19|20)\d\d", number)
        if not year_like and not (plain and _COUNTED.match(text, end)) and not taken.overlaps(start, end):
            yield start, end, number, written


def _type_start(text: str, start: int, lower: int = 0) -> int:
    before = _type_before().search(text, max(lower, start - 30), start)
    return before.start() if before else start


def _unify_bare(mentions: list[DocumentMention]) -> list[DocumentMention]:
    """A bare `CT 1792` next to `1792/CT-TTg` in one article is that document."""
    full = {m.id.split("/")[0].split("-")[0]: m for m in mentions if not m.id.isdigit()}
    return [m for m in mentions if not (m.id.isdigit() and m.id in full)]


# --- occurrences (numbered and titled) for relations ------------------------------------------

def occurrences_in(text: str, sentence: Sentence) -> list[Occurrence]:
    """The numbered mentions in one sentence. They depend on the sentence's own characters
    only (what lies around it is read as space or end), so a sentence that the folded and the
    unwrapped text share gives the same mentions in both (`Prepared.numbered_folded`)."""
    out: list[Occurrence] = []
    if not _DIGIT.search(text, sentence.start, sentence.end):
        return out  # every number holds a digit
    for start, end, number, written in _numbers(text, sentence.start, sentence.end):
        # (a lower-case type word there may end the title: `… quy phạm pháp luật số 64/2025/QH15`)
        named = None if written and written[0].isupper() else \
            _NAMED_LAW.search(text, max(sentence.start, start - 140), start)
        if named:  # `Luật Tổ chức chính quyền địa phương số 72/2025/QH15`: the title is its type
            out.append(Occurrence(named.start(), start, end, number, "Luật", True))
        else:
            out.append(Occurrence(_type_start(text, start, sentence.start), start, end, number,
                                  written, True))
    return out
