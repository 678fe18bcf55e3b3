"""Issuer and date of a numbered document, as the text states them around its number:
`… ngày 22/11/2012 của Bộ Chính trị`, `… của Bộ Chính trị ngày 12/4/2021`,
`… do Bộ trưởng Bộ Tài chính ban hành`, `theo đề nghị của X tại Tờ trình số …`,
`Ngày 29/7, X (đã) ban hành / ký / có Quyết định số …`, `X cho biết: Y vừa ban hành …`,
a legal page's header, and one issuer or date stated once after a list of documents
(`Nghị quyết số A, Nghị quyết số B, ngày …, của Hội nghị Trung ương 6`)."""
from __future__ import annotations

import re
from functools import lru_cache

from kg.facts import DocumentMention
from kg.gazetteer import find_mentions
from kg.vocab import expand
from loaders.extract.dates import LONG_FORM, parse_at
from loaders.extract.documents import PARTY_NUMBER, STATE_NUMBER, Occurrence, canonical_number
from loaders.extract.spans import word_alternation

_HEADER_BODY = re.compile(
    r"(ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|TỈNH ỦY|THÀNH ỦY|THỦ TƯỚNG CHÍNH PHỦ|VĂN PHÒNG CHÍNH PHỦ|"
    r"CHÍNH PHỦ|BỘ [A-ZĐÀ-Ỹ ]+?)((?:\s+(?:TỈNH|THÀNH PHỐ)(?:\s+[A-ZĐÀ-Ỹ]+){1,3}?)?)\s*(?=-|\||CỘNG|Độc|Số\s*:)")
_LOCAL_BODY = re.compile(r"^(?:Ủy ban nhân dân|Hội đồng nhân dân)$")
_DATELINE = re.compile(r"(?:\||\n|^)\s*([A-ZĐÀ-Ỹ][^\W\d_]*(?:\s+[A-ZĐÀ-Ỹ][^\W\d_]*){0,3})\s*,\s*ngày\s+\d")
# An issuer runs to the next verb, connective, punctuation or line break.
_ISSUER_END = re.compile(
    r"(?i)\s+(?:(?:về|v/v|quy định|phê duyệt|tiếp tục|ban hành|thực hiện|triển khai|sửa đổi|hướng dẫn|"
    r"ngày|tại|đã|vừa|mới|cùng|do|cho|là|với|để|gắn|giao|ký|quyết định|(?-i:chỉ đạo)|yêu cầu|bổ nhiệm|điều động|"
    r"công nhận|chuẩn y|phân công|đồng ý|chấp thuận|nêu rõ|xác định|đề ra|có|"
    r"và các|và những|và (?:kế hoạch|nghị|chỉ|chương|quyết|thông|đề))"
    r"(?!\w)|năm \d)|[,;“\"”:\n]|\.(?!\w)|\s[-–]\s|\s\w$|$")
# Words that open an issuer written without "của" right after a date or as a clause subject.
ISSUER_HEAD = re.compile(
    r"(?:Hội nghị (?:lần thứ|Trung ương)|Ban Chấp hành|Ban Thường vụ|Ban Bí thư|Bộ Chính trị|"
    r"Chính phủ|Thủ tướng|Quốc hội|Ủy ban Thường vụ Quốc hội|Ủy ban nhân dân|UBND|Hội đồng nhân dân|HĐND|"
    r"Tỉnh ủy|Thành ủy|Huyện ủy|Bộ trưởng|Bộ [A-ZĐ]|Sở [A-ZĐ]|Chủ tịch|Văn phòng|Ban [A-ZĐ]|Ủy ban [A-ZĐ])")
_HEAD_AHEAD = re.compile(r"[\s,]*(?=" + ISSUER_HEAD.pattern + ")")
# National bodies are proper names even when a page writes them in lower case (`của chính phủ`).
_LOWER_NATIONAL = re.compile(r"(?:chính phủ|quốc hội|bộ chính trị|ban bí thư|thủ tướng chính phủ)(?!\w)")
# A plenum may follow the number directly (`Nghị quyết số 60-NQ/TW Hội nghị lần thứ 11 …`).
_PLENUM_AHEAD = re.compile(r"\s+(?=Hội nghị (?:lần thứ|Trung ương)|Ban Chấp hành Trung ương)")
_AGAINST = re.compile(r"\s*chống(?!\w)")  # `Ban Chỉ đạo phòng, chống dịch …`
# What may follow a joint issuer's second body: its topic, a date, the end of the phrase.
_JOINT_END = re.compile(r"(?i)\s+(?:về|ngày|năm \d)|[;.)\n]|\.(?!\w)|$")
_OF = re.compile(r"[\s,)]*(?:của|giữa)\s+")
_PROPOSAL = re.compile(r"(?i)đề nghị của\s+((?:(?!đề nghị)[^;.\n]){3,120}?)\s+tại\s*$")
_AT_OR_BY = re.compile(r"(?i)(?:tại|theo)\s*$")
_DONE_BY = re.compile(r"[^;.\n]{0,200}?\s+do\s+((?:" + ISSUER_HEAD.pattern + r")[^;.\n]{0,80}?)\s+ban hành(?!\w)")
# `X (đã|vừa) ký ban hành / ban hành / thông qua / có <document>`: X is the issuer; `vừa` only announces.
_SIGN_VERB = re.compile(r"(?:,\s*)?(?<!\w)(?:(đã|vừa|mới)\s+)?(?:ký\s+ban hành|ký|ban hành|thông qua|có)\s*$")
_DATE_FIRST = re.compile(
    r"(?i)\s*(?:[^\W\d_]{2,8}\s*[-–]\s*)?(?:(?:sáng|chiều|tối|trưa)\s+(?:nay\s+)?)?\(?"
    r"(?=(?:ngày\s+)?\d{1,2}\s?[/.\-]\s?\d{1,2}|ngày\s+\d{1,2}\s+tháng)")
_GROUP_HEAD = re.compile(r"(?i)(?<!\w)các\s+[^\W\d_]+(?:\s+[^\W\d_]+)?\s+của\s+([^:;\n]{3,80}?)\s*:[^:\n]*$")
# A date right after a number (or after its issuer: then only with the word `ngày`).
_DATE_NEXT = re.compile(r"[\s,(]*(?:ban hành\s+|ký\s+)?(?=ngày\s|\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{4})")
_DATE_WORD_NEXT = re.compile(r"[\s,(]*(?:ban hành\s+|ký\s+)?(?=ngày\s)")
_LEVEL_BEFORE = re.compile(r"(?i)(?<!\w)(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã|thị trấn|xã|phường)$")
_DAY_WORD = re.compile(r"(?i)ngày\s+")
_LIST_LINK = re.compile(r"\s*(?:,|,?\s+và)\s*")


def fill(mention: DocumentMention, text: str, occ: Occurrence) -> None:
    """Date and issuer stated around one occurrence, where the mention has none yet."""
    pos = _date_after(mention, text, occ.end)
    issuer = _OF.match(text, pos, pos + 12)
    if issuer:
        if mention.issuer is None:
            mention.issuer = _issuer_text(text, issuer.end())
        stop = _ISSUER_END.search(text, issuer.end(), min(len(text), issuer.end() + 120))
        if stop and mention.date is None:
            _date_after(mention, text, stop.start(), need_word=True)
    elif mention.issuer is None:
        head = (_HEAD_AHEAD if pos > occ.end else _PLENUM_AHEAD).match(text, pos, pos + 40)
        if head:
            mention.issuer = _issuer_text(text, head.end())
    if mention.issuer is None:
        mention.issuer = _issuer_around(text, occ)
    if mention.issuer is None and occ.written is None:
        mention.issuer = _group_issuer(text, occ)


def _group_issuer(text: str, occ: Occurrence) -> str | None:
    """`Căn cứ các Nghị định của Chính phủ: số A …; số B …`: the group's issuer is each item's."""
    group = _GROUP_HEAD.search(text, max(0, occ.type_start - 400), occ.type_start)
    return _issuer_text(text, group.start(1)) if group else None


def _date_after(mention: DocumentMention, text: str, pos: int, need_word: bool = False) -> int:
    gap = (_DATE_WORD_NEXT if need_word else _DATE_NEXT).match(text, pos, pos + 30)
    if not gap:
        return pos
    at = gap.end()
    parsed = parse_at(text, at, None)
    if not parsed and text.startswith("ngày", at):
        parsed = parse_at(text, _DAY_WORD.match(text, at).end(), None)
    # a year-less date only right after the number (`… 5-CT/TU ngày 29/7 của …`): after a comma
    # it may as well date the next clause
    if parsed and (parsed[0][0] != "-" or not text[pos:at].strip(" ")):
        if mention.date is None or (mention.date[0] == "-" and parsed[0][0] != "-"):
            mention.date = parsed[0]
        return parsed[1]
    return pos


def _issuer_text(text: str, start: int) -> str | None:
    stop = _ISSUER_END.search(text, start, min(len(text), start + 120))
    while stop and _goes_on(text, stop):
        stop = _ISSUER_END.search(text, stop.end(), min(len(text), start + 120))
    raw = text[start:stop.start() if stop else start + 120].strip()
    raw = re.sub(r"\s*\(\s*$", "", raw)
    if raw and _LOWER_NATIONAL.match(raw):
        raw = raw[0].upper() + raw[1:]
    return expand(" ".join(raw.split())) if raw and raw[0].isupper() else None


def _goes_on(text: str, stop: re.Match) -> bool:
    """The issuer goes on past this stop: a hard-wrapped line, `phòng, chống` inside a body's
    name, or a joint issuer `Bộ Chính trị, Ban Bí thư` that is no subject of a verb after it."""
    if stop.group(0) == "\n":
        return _wrapped(text, stop.start())
    if stop.group(0) != ",":
        return False
    if _AGAINST.match(text, stop.end()):
        return True
    if not _HEAD_AHEAD.match(text, stop.end(), stop.end() + 40):
        return False
    after = _ISSUER_END.search(text, stop.end() + 1, min(len(text), stop.end() + 80))
    return bool(after) and _JOINT_END.match(after.group(0)) is not None


def _wrapped(text: str, newline: int) -> bool:
    """A line break inside a name of a page hard-wrapped at a fixed width (a long line going on
    with a capital) is no end of it; any other line break is."""
    line = newline - text.rfind("\n", 0, newline) - 1
    return line >= 60 and text[newline + 1:newline + 2].isupper()


def _issuer_around(text: str, occ: Occurrence) -> str | None:
    before = text[max(0, occ.type_start - 160):occ.type_start]
    proposal = _PROPOSAL.search(before)
    if proposal and proposal.group(1)[0].isupper() and len(proposal.group(1).split()) <= 20:
        return expand(" ".join(proposal.group(1).split()))
    subject = _signer(before)
    if subject and ISSUER_HEAD.match(subject):
        return _issuer_text(subject + " ", 0)
    if _AT_OR_BY.search(before):
        after = re.match(r"\s*,\s*(?=" + ISSUER_HEAD.pattern + ")", text[occ.end:occ.end + 40])
        if after:
            return _issuer_text(text, occ.end + after.end())
    by = _DONE_BY.match(text[occ.end:occ.end + 300])
    if by:
        return _issuer_text(by.group(1) + " ", 0)
    return None


def _signer(before: str) -> str | None:
    """The subject of `X (đã) ký ban hành` right before a document; `A, Chủ tịch …, ký` → the post;
    `Văn phòng cho biết: X ban hành` → X; `ngày 10/9/2020 X có Hướng dẫn` → X."""
    verb = _SIGN_VERB.search(before)
    if not verb:
        return None
    piece = re.split(r"[,;:\n]|\.\s", before[:verb.start()])[-1]
    dated = _date_opening(piece)
    subject = (piece[dated[1]:] if dated else piece).strip()
    name = _signer_name().search(subject)
    # `UBND tỉnh Lâm Đồng`, `UBND huyện Hoàng Su Phì`: a place, not a signer
    if name and not find_mentions(name.group(0)) and not _LEVEL_BEFORE.search(subject, 0, name.start()):
        subject = subject[:name.start()]
    return subject or None


@lru_cache(maxsize=1)
def _signer_name() -> re.Pattern:
    """A signer's name after the post (`Chủ tịch UBND tỉnh Hà Tĩnh Võ Trọng Hải`): the post issues."""
    return re.compile(rf"\s+(?:ông |bà |đồng chí )?(?:{word_alternation('surnames.txt')})"
                      r"(?:\s+[A-ZĐÀ-Ỹ][^\W\d_]*){2,3}$")


def signed_date(text: str, occ: Occurrence) -> str | None:
    """`Ngày 18/12, ông A, Chủ tịch …, ký ban hành Quyết định số …`: the signing date (`--12-18`
    without a year). `X vừa ban hành` announces a document: the day of the report is not its date."""
    floor = max(0, occ.type_start - 300)
    line_start = max(floor - 1, text.rfind("\n", floor, occ.type_start),
                     text.rfind(". ", floor, occ.type_start)) + 1
    before = text[line_start:occ.type_start]
    verb = _SIGN_VERB.search(before)
    if not verb or verb.group(1) in ("vừa", "mới"):
        return None
    pieces = re.split(r"[,;:]", before[:verb.start()])
    for i, piece in enumerate(pieces):
        parsed = _date_opening(piece)
        # a piece that is only a date (`Ngày 29/7,`, `LTS: Ngày 14-5-2011,`, `CTTĐT - Ngày 6/8,`)
        # or the subject's own piece opening with one (`ngày 10/9/2020 Ban Tuyên giáo … có`)
        if parsed and (not piece[parsed[1]:].strip(" )") or i == len(pieces) - 1):
            return parsed[0]
    return None


def _date_opening(piece: str) -> tuple[str, int] | None:
    """(ISO, end) of a date opening `piece` after an optional dateline tag and time of day."""
    dated = _DATE_FIRST.match(piece)
    if not dated:
        return None
    word = _DAY_WORD.match(piece, dated.end())
    return parse_at(piece, dated.end(), None) or (parse_at(piece, word.end(), None) if word else None)


def share_in_lists(text: str, occurrences, found: dict[str, DocumentMention]) -> None:
    """`A, B và C, ngày …, của X`: a date or issuer stated once after a list of documents is
    each document's, unless a document states its own."""
    for left, right in reversed(list(zip(occurrences, occurrences[1:]))):
        if left.id == right.id or not _LIST_LINK.fullmatch(text, left.end, right.type_start):
            continue
        first, last = found[left.id], found[right.id]
        if _states_own(text, left):
            continue
        first.issuer = first.issuer or last.issuer
        first.date = first.date or last.date


def _states_own(text: str, occ: Occurrence) -> bool:
    return bool(re.match(r"[\s,]*(?:ngày|của|do)\s", text[occ.end:occ.end + 12]))


def header_issuer(text: str, found: dict[str, DocumentMention]) -> None:
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
