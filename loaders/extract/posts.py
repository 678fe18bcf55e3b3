"""Posts around a name, by the grammar of Vietnamese news (see `loaders.extract.persons`):
comma chains after the name, titles glued or dashed before it, posts after verbs of office,
and a post set off by commas before an honorific. Spans are absolute (start, end) offsets.
"""
from __future__ import annotations

import re
from functools import lru_cache

from loaders.extract.spans import word_alternation

# `Ban Chỉ đạo phòng, chống dịch`: one name, not a list
_SEP = re.compile(r"\s*(?:(?<!phòng),(?! chống)|[;:])\s*|\s+[-–—]\s*|\s*[-–—]\s+")
_STOP = re.compile(
    r"(?<!\w)(?:cùng|đồng chủ trì|chủ trì|chủ tọa|điều hành|phát biểu|khẳng định|cho biết|nhấn mạnh|"
    r"yêu cầu|đề nghị|kết luận|(?<![Bb]an )chỉ đạo|tham dự|tham gia|đương nhiệm|làm(?= )|dự(?! khuyết)|đến dự|đã|được|đang|sẽ|vừa|làm việc|trao|tặng|"
    r"cho rằng|công bố|giao(?! thông)|phát động|trao đổi|bày tỏ|mong muốn|chỉ rõ|tuyên bố|đọc|kiểm tra|"
    r"thăm|tiếp|báo cáo|khai mạc|bế mạc|nêu|đánh giá|ghi nhận|thay mặt|tại|trong|với|về|vào|khi|"
    r"để|là|có|cũng|nhận|ký|gửi|tới|đến|trình bày|biểu dương|lưu ý|chúc mừng|quán triệt|[Kk]hóa|thay|đối với|"
    r"nhiệm kỳ|giai đoạn|lần thứ(?! [IVXL\d]+(?!\w))|từ năm|năm \d|thông tin|giới thiệu|trả lời|chia sẻ|tái đắc cử|"
    r"đắc cử|trúng cử|giữ chức|thôi|nghỉ|và(?= \d)|nhấn|mong|tin tưởng|hoan nghênh|cảm ơn|nói|và(?= [a-zà-ỹđ])|"
    r"cùng các|các|những|của(?! Đảng(?! bộ)(?!\w))|người|đại diện)(?!\w)|\(")
_OFFICE_VERB = re.compile(r"(?<!\w)(?:giữ chức(?: vụ)?|chức danh|chức vụ|bầu làm|làm|đắc cử)\s+")
_OFFICE_AFTER = re.compile(
    r"(?<!\w)(?:thôi giữ chức(?: vụ| danh)?|giữ chức(?: vụ| danh)?|giữ các chức vụ|chức danh|chức vụ|bầu làm|"
    r"làm|đắc cử|nhận nhiệm vụ|đảm nhận|đảm nhiệm|kiêm nhiệm|kiêm)\s+")
# Verbs whose object is someone else: a post after them is not the subject's.
_OBJECT_VERB = re.compile(
    r"(?<!\w)(?:trao|tặng|ký|công bố|chúc mừng|giới thiệu|quyết định|cho|đối với|thay|với|bổ nhiệm|"
    r"điều động ông|chỉ định ông|bầu ông|mời|đề nghị|gặp|tiếp)(?!\w)")
_TERM_TAIL = re.compile(r"[\s,]*(?:[Kk]hóa|nhiệm kỳ)\s+[\w\s\-–()]{1,30}")
_AD_HOC = re.compile(r"(?i)(?:phó )?trưởng đoàn(?!\s+(?:đại biểu|ĐBQH|Quốc hội))")


@lru_cache(maxsize=1)
def _post_head() -> re.Pattern:
    return re.compile(rf"(?i)(?<![^\W\d_])(?<!\.)(?:nguyên |quyền )?(?:{word_alternation('post_heads.txt')})(?!\w)")


@lru_cache(maxsize=1)
def honorific_tail() -> re.Pattern:
    return re.compile(rf"(?:^|\s)(?:các |những )?(?:{word_alternation('honorifics.txt')})\.?\s*$")


_SEP_CHAR = re.compile(r"[,;:\-–—]")


def _separators(text: str, lower: int, upper: int):
    """`_SEP.finditer(text, lower, upper)`, tried only at separator characters: a separator
    match starts in the spaces right before its character, so it is tried from there (the
    pattern opens with `\\s*`, which makes the engine try every position of the text)."""
    pos = lower
    while sep := _SEP_CHAR.search(text, pos, upper):
        start = sep.start()
        while start > pos and text[start - 1].isspace():
            start -= 1
        match = _SEP.match(text, start, upper)
        if match:
            yield match
        pos = match.end() if match else sep.start() + 1


def _segments(text: str, lower: int, upper: int) -> list[tuple[int, int, str]]:
    """(start, end, separator-after) pieces of text[lower:upper]."""
    out, pos = [], lower
    for match in _separators(text, lower, upper):
        out.append((pos, match.start(), match.group(0).strip() or " "))
        pos = match.end()
    out.append((pos, upper, ""))
    return [s for s in out if s[1] > s[0] or s[2]]


def post_span(text: str, start: int, end: int, anywhere: bool) -> tuple[int, int] | None:
    """The post inside text[start:end]: it opens with a post head, stops at a verb."""
    segment = text[start:end]
    head = _post_head().search(segment)
    if not head or (head.start() and not anywhere and segment[:head.start()].strip()):
        return None
    stop = _STOP.search(segment, head.end())
    post_end = start + (stop.start() if stop else len(segment))
    post_start = start + head.start()
    while post_end > post_start and not text[post_end - 1].isalnum():
        post_end -= 1
    if _AD_HOC.match(text, post_start, post_end):
        return None  # the head of a working delegation is a role, not a post
    return (post_start, post_end) if post_end - post_start > 2 else None


_PAREN = re.compile(r"\s*\(([^()]{2,160})\)")
_CLAUSE_END = re.compile(r";|\.\s|$")


def posts_after(text: str, lower: int, upper: int) -> list[tuple[int, int]]:
    posts = []
    if text[lower:lower + 1] in ("-", "–") and text[lower + 1:lower + 2].isupper():
        posts += _chain(text, lower + 1, upper)  # "Trần Văn A-Phó Bí thư Tỉnh ủy"
        lower = posts[-1][1] if posts else lower
    paren = _PAREN.match(text[lower:upper])
    if paren:  # "A (Chủ tịch UBND tỉnh)", "A (sinh năm 1959), Ủy viên …"
        inner = lower + paren.start(1)
        posts += _chain(text, inner, lower + paren.end(1))
        lower += paren.end()
    posts += _posts_after_plain(text, lower, upper)
    return posts + _office_posts(text, posts[-1][1] if posts else lower, upper, posts)


def _chain(text: str, lower: int, upper: int) -> list[tuple[int, int]]:
    """A comma chain of posts in text[lower:upper] that opens right at lower."""
    posts = []
    for start, end, sep in _segments(text, lower, upper):
        span = post_span(text, start, end, anywhere=False)
        if not span:
            if posts or text[start:end].strip():
                break
            continue
        posts.append(span)
        if span[1] < end - 1 or sep in (";", ":", ""):
            break
    return posts


def _office_posts(text: str, lower: int, upper: int, posts: list) -> list[tuple[int, int]]:
    """`A, Ủy viên TW Đảng, thôi giữ chức Bí thư Tỉnh ủy … để giữ chức vụ Phó Trưởng ban …`:
    posts after verbs of office in the rest of A's clause."""
    clause = _CLAUSE_END.search(text[lower:upper])
    end = lower + clause.start()
    out = []
    for verb in _OFFICE_AFTER.finditer(text, lower, end):
        between = text[lower:verb.start()]
        if _OBJECT_VERB.search(between):
            break
        span = post_span(text, verb.end(), end, anywhere=False)
        if span and not any(s < span[1] and span[0] < e for s, e in posts + out):
            out.append(span)
    return out


def _posts_after_plain(text: str, lower: int, upper: int) -> list[tuple[int, int]]:
    posts = []
    office = _OFFICE_VERB.search(text, lower, upper)
    if office and next(_separators(text, lower, office.start()), None) is None:
        span = post_span(text, office.end(), upper, anywhere=False)
        return [span] if span else []
    for i, (start, end, sep) in enumerate(_segments(text, lower, upper)):
        if i == 0 and (text[start:end].strip() or sep == ";"):
            return []  # words glued to the name ("… Thành phát biểu") are no post chain
        if i == 0:
            continue
        span = post_span(text, start, end, anywhere=False)
        if not span:
            break
        posts.append(span)
        if span[1] < end - 1 or sep in (";", ":", ""):
            break
    return posts


def posts_before(text: str, lower: int, upper: int, has_previous: bool) -> list[tuple[int, int]]:
    pieces = _segments(text, lower, upper)
    if not pieces:
        return []
    if honorific_tail().search(text[lower:upper]):
        return [] if has_previous else _apposition(text, pieces)
    last_start, last_end, last_sep = pieces[-1]
    dashed = False
    if last_sep in (";", ":"):
        return []  # "A, Bí thư …; B, …": the post before the semicolon is A's
    if last_sep and last_sep in "-–—":
        dashed = True
    elif last_end - last_start == 0 and len(pieces) > 1 and pieces[-2][2] in "-–—":
        pieces, dashed = pieces[:-1], True
    elif not text[last_start:last_end].strip():
        return []
    posts = []
    for i in range(len(pieces) - 1, -1, -1):
        start, end, sep = pieces[i]
        if i < len(pieces) - 1 and sep not in (",", "-", "–", "—"):
            break
        if ")" in text[start:end]:
            break  # "A (Chủ tịch …), B": the parenthesised post is A's
        span = _glued_post(text, start, end)
        if not span:
            break
        posts.insert(0, span)
        if span[0] > start:
            break
    else:
        if has_previous and not dashed:
            posts = posts[-1:]  # "A, Bí thư …, Chủ tịch … B": only the glued title is B's
    return posts


def _glued_post(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The post in text[start:end] that runs to its end (to the name after it). The leftmost
    head whose post does not stop short wins, so an earlier unnamed title does not hide the
    one glued to the name (`Chủ tịch nước đến thăm Bí thư Tỉnh ủy A`)."""
    for head in _post_head().finditer(text, start, end):
        span = post_span(text, head.start(), end, anywhere=False)
        if span and (span[1] >= end - 1 or _TERM_TAIL.fullmatch(text, span[1], end)):
            return span
    return None


def _apposition(text: str, pieces) -> list[tuple[int, int]]:
    """`…, Bí thư Thành ủy nhiệm kỳ 2020-2025, đồng chí A, …`: the post set off by commas
    right before the honorific is A's (only when no other name precedes in the sentence)."""
    if len(pieces) < 2 or pieces[-2][2] != ",":
        return []
    start, end, _ = pieces[-2]
    span = post_span(text, start, end, anywhere=False)
    if span and (span[1] >= end - 1 or _TERM_TAIL.fullmatch(text, span[1], end)):
        return [span]
    return []
