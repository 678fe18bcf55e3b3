"""Meetings and who chaired, spoke at and attended them.

The roles come from the verbs around names in one sentence:
  chủ trì / chủ tọa / điều hành (also `dưới sự chủ trì của …`) → chairs;
  phát biểu / kết luận / chỉ đạo / báo cáo / khẳng định / yêu cầu … → speakers;
  dự / tham dự / có sự hiện diện của / làm việc với … → attendees (never a chair as well).
A sentence's roles go to the meeting it names, else to the article's main meeting.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import bisect
import re
from datetime import date, timedelta

from kg.facts import Article, MeetingMention, PersonMention
from kg.text import fold_tones, key
from loaders.extract.dates import LONG_FORM, iso
from loaders.extract.spans import Sentence, evidence

if TYPE_CHECKING:
    from loaders.extract.prepared import Prepared

EXTRACTOR = "meetings.roles"
MEETING_HEAD = re.compile(
    r"(?<!\w)(?:Hội nghị|hội nghị|Đại hội|đại hội|Kỳ họp|kỳ họp|Phiên họp|phiên họp|Hội thảo|hội thảo|"
    r"Tọa đàm|tọa đàm|Họp báo|họp báo|Hội đàm|Lễ|buổi làm việc|Buổi làm việc|cuộc họp|Cuộc họp|"
    r"họp giao ban|Họp giao ban|phiên chất vấn|Phiên chất vấn)(?!\w)")
# A meeting name runs on from its head word until punctuation or a verb of the sentence.
_NAME_STOP = re.compile(
    r"(?i)(?<!\w)(?:đã|được|với|tại|do|vào|nhằm|để|chủ trì|chủ tọa|diễn ra|khai mạc|bế mạc|kết thúc|"
    r"có|của|sáng|chiều|tối|ngày|hôm|từ|cho|là|về|và|nghe|thảo luận|thông qua|xem xét|đánh giá|"
    r"tổ chức|họp|tiếp tục|phát biểu|dự|tham dự|triển khai|quán triệt|sẽ|cũng|này|chính thức|bắt đầu)(?!\w)|[,.;:!?\n“\"”(]")
_TERM = re.compile(r",\s*(?:nhiệm kỳ|khóa)\s+[\w\s\-–]+?(?=[,.;:\n]|\s(?:đã|được|với|tại|diễn ra|khai mạc)|$)")
CHAIR = re.compile(r"(?<!\w)(?:[Cc]ùng |[Đđ]ồng )?(?:[Cc]hủ trì|[Cc]hủ tọa|điều hành)(?!\w)")
CHAIR_AFTER = re.compile(
    r"(?<!\w)(?:dưới sự (?:chủ trì|chủ tọa|điều hành)(?:,? (?:và |cùng )?(?:chủ trì|chủ tọa|điều hành))? của|do)(?!\w)")
# `A giao Sở Nội vụ chủ trì, phối hợp …`: a task handed to a body, nobody chairs anything
_TASKED = re.compile(r"(?<!\w)(?:giao(?: cho)?|đề nghị|yêu cầu|phân công|(?<![Bb]an )chỉ đạo)\s+[^,.;]{0,50}$")
_TASK_AFTER = re.compile(r",?\s*(?:phối hợp|tham mưu|thực hiện|triển khai|xây dựng)(?!\w)")
SPEAK = re.compile(
    r"(?i)(?<!\w)(?:phát biểu|kết luận|(?<!ban )chỉ đạo|báo cáo|khẳng định|yêu cầu|nhấn mạnh|đánh giá cao|"
    r"trình bày|tham luận|khai mạc|bế mạc)(?!\w)")
ATTEND = re.compile(
    r"(?i)(?<!\w)(?:tham dự|cùng dự|đến dự|dự|có sự hiện diện của|sự tham dự của|làm việc với|"
    r"làm trưởng đoàn|tham gia)(?!\w)")
_MOMENT = re.compile(r"(?i)(?:sáng|chiều|tối|trưa)?\s*(?:nay|hôm nay)?[\s,(]*(?:(?:trong )?(?:hai |ba |các )?ngày|hôm)?\s*$")
# `26 - 27/3` (a two-day event: its first day), `17 – 9`, `10-11`
_DAY_MONTH = re.compile(
    r"(?<![\d/.\-])(\d{1,2})(?:\s?[-–]\s?\d{1,2}(?=\s?/))?\s?[/.\-–]\s?(\d{1,2})(?:\s?[/.\-–]\s?(\d{4}))?(?![\d/])")
# a date that belongs to the document just named, not to the meeting
_DOCUMENT_BEFORE = re.compile(r"(?:\d[\w.]*[-/][A-ZĐ][\w./-]*|số \d+|ban hành|ký)[^,;.]{0,25}ngày\s*$")
_DIGIT = re.compile(r"\d")
_RELATIVE = re.compile(r"(?i)(?<!\w)(?:sáng|chiều|tối|trưa|ngày)?\s*hôm (qua|nay)(?!\w)|(?<!\w)(?:sáng|chiều|tối|trưa) (nay)(?!\w)")


def extract_meetings(doc: "Prepared", persons: list[PersonMention]) -> list[MeetingMention]:
    article, text = doc.article, doc.folded
    names: dict[str, list[str]] = {}
    for name in {key(p.name): p.name for p in persons}.values():
        names.setdefault(fold_tones(name), []).append(name)
    occurrences = doc.name_occurrences(names)
    meetings: list[MeetingMention] = []
    lead = None  # the date a news lede opens with (`Ngày 19-12, UBND tỉnh họp …`) holds for what follows
    for sentence in doc.sentences:
        lead = _date_in(doc, sentence, lead=True) or lead
        mention = _meeting_in(doc, sentence, meetings, lead)
        target = mention or (meetings[0] if meetings else None)
        roles = _roles(doc, sentence, _name_spans(occurrences, sentence, names))
        if target is None and roles[0]:
            target = _generic(article, sentence, meetings)
            target.date = _date_in(doc, sentence) or lead
        if target is not None:
            _assign(target, roles)
    for meeting in meetings:
        meeting.attendees = [n for n in meeting.attendees if n not in meeting.chairs]
    return meetings


def _meeting_in(doc: "Prepared", sentence: Sentence, meetings, lead: str | None) -> MeetingMention | None:
    # (a head is words and spaces: none crosses a sentence bound, so the article's scan serves)
    heads = doc.scan(MEETING_HEAD, sentence.start, sentence.end)
    if not heads:
        return None
    article, text, match = doc.article, doc.folded, heads[0]
    end = _name_end(text, match.end(), sentence.end)
    name = text[match.start():end].strip(" ,;.-–")
    own = _date_in(doc, sentence)
    if meetings and key(name) == key(match.group(0)):
        # a bare "cuộc họp" / "phiên họp" refers back to the last meeting of that kind reported
        # (or the last one), unless the sentence dates it to another day: another meeting
        same = [m for m in meetings if key(m.name).startswith(key(name) + " ")]
        meeting = same[-1] if same else meetings[-1]
        if not (own and meeting.date and own != meeting.date):
            meeting.date = meeting.date or own or lead
            return meeting
    for meeting in meetings:
        if own and meeting.date and own != meeting.date:
            continue
        if key(meeting.name).startswith(key(name)) or key(name).startswith(key(meeting.name)):
            if len(name) > len(meeting.name) and meeting.name[0].islower():
                meeting.name = name
            meeting.date = meeting.date or own or lead
            return meeting
    meeting = MeetingMention(article.text[match.start():end].strip(" ,;.-–"), own or lead,
                             evidence(article, sentence, match.start(), end, EXTRACTOR))
    meetings.append(meeting)
    return meeting


def _name_end(text: str, start: int, limit: int) -> int:
    stop = _NAME_STOP.search(text, start, limit)
    end = stop.start() if stop else limit
    while end > start and text[end - 1] == " ":
        end -= 1
    if text[start:end].count(" ") > 16:
        end = start + len(" ".join(text[start:end].split(" ")[:17]))
    if text.startswith(" (mở rộng)", end):
        end += len(" (mở rộng)")
    term = _TERM.match(text, end, limit)
    return term.end() if term else end


def _generic(article: Article, sentence: Sentence, meetings) -> MeetingMention:
    meeting = MeetingMention("hội nghị", None, evidence(article, sentence, sentence.start,
                                                          sentence.end, EXTRACTOR))
    meetings.append(meeting)
    return meeting


def _date_in(doc: "Prepared", sentence: Sentence, lead: bool = False) -> str | None:
    """The first `ngày 01/10` / `Sáng 16/10` / `Trong hai ngày 26 - 27/3` style date of the
    sentence that is not a document's date (`Quyết định số 12/QĐ-UBND ngày 3/4`); `chiều hôm qua`
    counts from a full publication date. `lead`: only a date opening the sentence."""
    article, text = doc.article, doc.folded
    upper = min(sentence.end, sentence.start + 40) if lead else sentence.end
    # every date holds a digit: a stretch with none spares the two date scans
    for pattern in (LONG_FORM, _DAY_MONTH) if doc.scan(_DIGIT, sentence.start, upper) else ():
        for match in pattern.finditer(text, sentence.start, upper):
            before = text[max(sentence.start, match.start() - 14):match.start()]
            if pattern is _DAY_MONTH and not _MOMENT.search(before).group(0).strip():
                continue
            if _DOCUMENT_BEFORE.search(text, max(sentence.start, match.start() - 45), match.start()):
                continue
            day, month, found_year = match.groups()
            value = iso(int(day), int(month), int(found_year) if found_year else article.year)
            if value:
                return value
    return _relative(doc, sentence, upper)


def _relative(doc: "Prepared", sentence: Sentence, upper: int) -> str | None:
    published = doc.article.published
    lower = doc.lower
    if not published or len(published) != 10 or lower is not None and \
            lower.find("hôm", sentence.start, upper) < 0 and lower.find("nay", sentence.start, upper) < 0:
        return None  # (every `_RELATIVE` holds `hôm` or `nay`, in any case)
    match = _RELATIVE.search(doc.folded, sentence.start, upper)
    if not match:
        return None
    try:
        day = date.fromisoformat(published)
    except ValueError:
        return None
    return (day - timedelta(days=1 if match.group(1) == "qua" else 0)).isoformat()


def _roles(doc: "Prepared", sentence: Sentence, spans: list[tuple[int, str]]):
    chairs, speakers, attendees = [], [], []
    if not spans:  # roles go to named persons only: a sentence naming none spares the verb scans
        return chairs, speakers, attendees
    text = doc.folded
    for verb in CHAIR.finditer(text, sentence.start, sentence.end):
        if _TASKED.search(text, max(sentence.start, verb.start() - 60), verb.start()) \
                or _TASK_AFTER.match(text, verb.end(), sentence.end):
            continue
        after = CHAIR_AFTER.search(text, max(sentence.start, verb.start() - 20), min(sentence.end, verb.end() + 5))
        after = after if after and after.start() <= verb.start() else None
        # "Cùng chủ trì có ông A", "Chủ trì hội nghị là ông A": the chairs follow the verb
        follows = _opens_clause(text, sentence, verb, spans) and re.match(
            r"[^,.;]{0,60}?\s(?:có|là|gồm)\s", text[verb.end():verb.end() + 70])
        chairs += _subjects(spans, sentence.start, verb, after is not None or bool(follows), doc)
    for verb in SPEAK.finditer(text, sentence.start, sentence.end):
        opens = _opens_clause(text, sentence, verb, spans)
        subjects = _subjects(spans, sentence.start, verb, opens, doc)
        speakers += subjects[:1] if opens else subjects[-1:]
    for verb in ATTEND.finditer(text, sentence.start, sentence.end):
        follows = _opens_clause(text, sentence, verb, spans) or verb.group(0).endswith(("của", "với"))
        attendees += _subjects(spans, sentence.start, verb, follows, doc)
    return chairs, speakers, attendees


def _name_spans(occurrences, sentence: Sentence, names: dict[str, list[str]]) -> list[tuple[int, str]]:
    """(start, name as written) of the persons' names in the sentence."""
    first = bisect.bisect_left(occurrences, (sentence.start,))
    found = []
    for start, end, folded in occurrences[first:bisect.bisect_left(occurrences, (sentence.end,))]:
        if end <= sentence.end:
            found.extend((start, name) for name in names[folded])
    return sorted(found)


def _opens_clause(text: str, sentence: Sentence, verb: re.Match, spans) -> bool:
    """`Tham dự có …`, `Phát biểu tại hội nghị, đồng chí …`: no name before the verb in its
    clause, so the names follow it."""
    return not any(sentence.start <= pos < verb.start() for pos, _ in spans)


def _subjects(spans, lower: int, verb: re.Match, after: bool, doc: "Prepared") -> list[str]:
    if after:
        end = _clause_end(doc.folded, verb.end())
        return list(dict.fromkeys(n for pos, n in spans if verb.end() <= pos < end))
    start = _subject_start(doc.folded, lower, verb.start())
    return list(dict.fromkeys(n for pos, n in spans if start <= pos < verb.start()))


_CLAUSE_END = re.compile(r"\.\s|\n|$")


def _clause_end(text: str, pos: int) -> int:
    match = _CLAUSE_END.search(text, pos)
    return match.start() if match else len(text)


_SHARED_SUBJECT = re.compile(r"[\s,]*(?:và\s+|cùng\s+)?")


def _subject_start(text: str, lower: int, verb_start: int) -> int:
    """Names before a verb belong to it back to the previous verb of another role."""
    start = lower
    for pattern in (CHAIR, SPEAK, ATTEND):
        for match in pattern.finditer(text, lower, verb_start):
            if _SHARED_SUBJECT.fullmatch(text[match.end():verb_start]):
                continue  # "dự, chủ trì" / "dự và chủ trì": one subject for both verbs
            start = max(start, match.end())
    return start


def _assign(meeting: MeetingMention, roles) -> None:
    chairs, speakers, attendees = roles
    for target, names in ((meeting.chairs, chairs), (meeting.speakers, speakers),
                          (meeting.attendees, attendees)):
        for name in names:
            if name not in target:
                target.append(name)
