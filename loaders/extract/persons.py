"""Persons and their posts.

A name is a run of 2–4 capitalised syllables opened by a known family name, not a place and
not preceded by a word that makes it a street, school or institution. Posts attach by the
grammar of Vietnamese news:
  - after the name, comma-separated:     `Nguyễn Văn A, Ủy viên TW Đảng, Bí thư Tỉnh ủy`
  - before the name, glued or dashed:    `Bí thư Tỉnh ủy An Giang Lê Hồng Quang`,
                                         `Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh – Nguyễn Văn A`
  - after a verb of office:              `… được chỉ định giữ chức Bí thư Tỉnh ủy`
  - shared by a group:                   `các Ủy viên Trung ương Đảng: A, B`
A comma chain between two names goes to the earlier name unless the later one is dashed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.facts import Article, PersonMention
from kg.gazetteer import is_place_name
from kg.text import fold_tones, key
from kg.vocab import expand, keyset
from loaders.extract.spans import WORD, Sentence, evidence, is_title_word, sentences, word_alternation

EXTRACTOR = "persons.grammar"
_SEP = re.compile(r"\s*[,;:]\s*|\s+[-–—]\s*|\s*[–—]\s+")
_STOP = re.compile(
    r"(?<!\w)(?:cùng|đồng chủ trì|chủ trì|chủ tọa|điều hành|phát biểu|khẳng định|cho biết|nhấn mạnh|"
    r"yêu cầu|đề nghị|kết luận|chỉ đạo|tham dự|dự|đến dự|đã|được|đang|sẽ|vừa|làm việc|trao|tặng|"
    r"thăm|tiếp|báo cáo|khai mạc|bế mạc|nêu|đánh giá|ghi nhận|thay mặt|tại|trong|với|về|vào|khi|"
    r"để|là|có|cũng|nhận|ký|gửi|tới|đến|trình bày|biểu dương|lưu ý|chúc mừng|quán triệt|khóa|"
    r"nhiệm kỳ|giai đoạn|lần thứ|từ năm|năm \d|thông tin|giới thiệu|trả lời|chia sẻ|tái đắc cử|"
    r"đắc cử|trúng cử|giữ chức|thôi|nghỉ|nhấn|mong|tin tưởng|hoan nghênh|cảm ơn|nói|và(?= [a-zà-ỹđ])|"
    r"cùng các|các|những|của|người|đại diện|\()(?!\w)")
_OFFICE_VERB = re.compile(r"(?<!\w)(?:giữ chức(?: vụ)?|chức danh|chức vụ|bầu làm|làm|đắc cử)\s+")
_DASHED_NAMES = re.compile(r"Rịa\s?[-–]\s?Vũng|Lao động\s?[-–]\s?Thương binh")


@lru_cache(maxsize=1)
def _post_head() -> re.Pattern:
    return re.compile(rf"(?i)(?<![\w.])(?:nguyên |quyền )?(?:{word_alternation('post_heads.txt')})(?!\w)")


@lru_cache(maxsize=1)
def _honorific_tail() -> re.Pattern:
    return re.compile(rf"(?:^|\s)(?:các |những )?(?:{word_alternation('honorifics.txt')})\.?\s*$")


@dataclass
class _Name:
    start: int
    end: int
    text: str
    posts: list[tuple[int, int]] = field(default_factory=list)  # absolute spans
    cue: bool = False


def extract_persons(article: Article) -> list[PersonMention]:
    text = _protect_dashes(fold_tones(article.text))
    found: dict[str, PersonMention] = {}
    for sentence in sentences(text):
        for name in _names_with_posts(text, sentence):
            if name.cue or name.posts:
                _merge(found, article, sentence, name, text)
    author = article.author and key(article.author)
    if author and author not in found and _looks_like_name(article.author):
        span = evidence(article, Sentence(0, 0, ""), 0, 0, "reader.byline")
        found[author] = PersonMention(article.author, [], span)
    return list(found.values())


def _protect_dashes(text: str) -> str:
    """Dashes inside names (Bà Rịa - Vũng Tàu) are not separators; hide them, same length."""
    return _DASHED_NAMES.sub(lambda m: m.group(0).replace("-", "\x01").replace("–", "\x01"), text)


def _names_with_posts(text: str, sentence: Sentence) -> list[_Name]:
    names = list(_find_names(text, sentence))
    for i, name in enumerate(names):
        lower = names[i - 1].end if i else sentence.start
        pre = _posts_before(text, lower, name.start, has_previous=i > 0)
        name.posts.extend(pre)
        name.cue = name.cue or bool(pre) or _honorific_tail().search(text[lower:name.start]) is not None
    for i, name in enumerate(names):
        upper = sentence.end
        if i + 1 < len(names):
            nxt = names[i + 1]
            upper = min([nxt.start] + [s for s, _ in nxt.posts])
        name.posts.extend(_posts_after(text, name.end, upper))
    _group_titles(text, sentence, names)
    return names


def _find_names(text: str, sentence: Sentence):
    words = [(m.start(), m.end()) for m in WORD.finditer(text, sentence.start, sentence.end)]
    run: list[tuple[int, int]] = []
    for start, end in words + [(sentence.end + 2, sentence.end + 2)]:
        word = text[start:end]
        glued = run and text[run[-1][1]:start] == " "
        if is_title_word(word) and (glued or not run):
            run.append((start, end))
            continue
        name = _name_in_run(text, run)
        if name:
            yield name
        run = [(start, end)] if is_title_word(word) else []


def _name_in_run(text: str, run: list[tuple[int, int]]) -> _Name | None:
    honorifics = keyset("honorifics.txt")
    while run and key(text[run[0][0]:run[0][1]]) in honorifics:
        run = run[1:]
    surnames = keyset("surnames.txt")
    for k, (start, _) in enumerate(run):
        if key(text[start:run[k][1]]) in surnames and 2 <= len(run) - k <= 4:
            candidate = text[start:run[-1][1]]
            if _is_place(candidate) or _bad_context(text, start, run[-1][1]):
                return None
            return _Name(start, run[-1][1], candidate)
    return None


def _is_place(candidate: str) -> bool:
    return is_place_name(candidate) or key(candidate) in keyset("place_names.txt")


def _bad_context(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 24):start]
    words = before.split()
    context = keyset("non_person_context.txt")
    if words and (key(words[-1]) in context or key(" ".join(words[-2:])) in context):
        return True
    return text[end:end + 1] == "/"  # photo credits: "Hồng Đạt/TTXVN"


def _segments(text: str, lower: int, upper: int) -> list[tuple[int, int, str]]:
    """(start, end, separator-after) pieces of text[lower:upper]."""
    out, pos = [], lower
    for match in _SEP.finditer(text, lower, upper):
        out.append((pos, match.start(), match.group(0).strip() or " "))
        pos = match.end()
    out.append((pos, upper, ""))
    return [s for s in out if s[1] > s[0] or s[2]]


def _post_span(text: str, start: int, end: int, anywhere: bool) -> tuple[int, int] | None:
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
    return (post_start, post_end) if post_end - post_start > 2 else None


def _posts_after(text: str, lower: int, upper: int) -> list[tuple[int, int]]:
    posts = []
    office = _OFFICE_VERB.search(text, lower, upper)
    if office and not _SEP.search(text, lower, office.start()):
        span = _post_span(text, office.end(), upper, anywhere=False)
        return [span] if span else []
    for i, (start, end, sep) in enumerate(_segments(text, lower, upper)):
        if i == 0 and text[start:end].strip():
            return []  # words glued to the name ("… Thành phát biểu") are no post chain
        if i == 0:
            continue
        span = _post_span(text, start, end, anywhere=False)
        if not span:
            break
        posts.append(span)
        if span[1] < end - 1 or sep in (";", ":", ""):
            break
    return posts


def _posts_before(text: str, lower: int, upper: int, has_previous: bool) -> list[tuple[int, int]]:
    pieces = _segments(text, lower, upper)
    if not pieces or _honorific_tail().search(text[lower:upper]):
        return []
    last_start, last_end, _ = pieces[-1]
    dashed = False
    if last_end - last_start == 0 and len(pieces) > 1 and pieces[-2][2] in "-–—":
        pieces, dashed = pieces[:-1], True
    elif not text[last_start:last_end].strip():
        return []
    posts = []
    for i in range(len(pieces) - 1, -1, -1):
        start, end, sep = pieces[i]
        if i < len(pieces) - 1 and sep not in (",", "-", "–", "—"):
            break
        span = _post_span(text, start, end, anywhere=True)
        if not span or span[1] < end - 1:
            break
        posts.insert(0, span)
        if span[0] > start:
            break
    else:
        if has_previous and not dashed:
            posts = posts[-1:]  # "A, Bí thư …, Chủ tịch … B": only the glued title is B's
    return posts


def _group_titles(text: str, sentence: Sentence, names: list[_Name]) -> None:
    """`các Ủy viên Trung ương Đảng: A, B` gives the shared title to every listed name."""
    for match in re.finditer(r"(?:các|những) ([^:;.]{3,80}?):", text[sentence.start:sentence.end]):
        head_start = sentence.start + match.start(1)
        span = _post_span(text, head_start, sentence.start + match.end(1), anywhere=False)
        if not span:
            continue
        for name in names:
            if name.start > span[1] and ";" not in text[span[1]:name.start]:
                name.posts.insert(0, span)
                name.cue = True


def _merge(found: dict, article: Article, sentence: Sentence, name: _Name, text: str) -> None:
    mention = found.get(key(name.text))
    if mention is None:
        span = evidence(article, sentence, name.start, name.end, EXTRACTOR)
        mention = found[key(name.text)] = PersonMention(article.text[name.start:name.end], [], span)
    for start, end in name.posts:
        post = _clean_post(text[start:end])
        if post:
            mention.posts = _add_post(mention.posts, post)
            mention.post_evidence.setdefault(post, evidence(article, sentence, start, end, EXTRACTOR))


def _clean_post(raw: str) -> str:
    post = expand(raw.replace("\x01", "-"))
    post = re.sub(r"^(Nguyên|Quyền) ", lambda m: m.group(1).lower() + " ", post)
    return post.strip(" ,.;:-–")


def _add_post(posts: list[str], post: str) -> list[str]:
    """Variants of one post merge into the most complete form (`Bí thư Tỉnh ủy` ⊂ `… Cà Mau`)."""
    k = key(post)
    for i, existing in enumerate(posts):
        other = key(existing)
        if other == k or other.startswith(k + " "):
            return posts
        if k.startswith(other + " "):
            return posts[:i] + [post] + posts[i + 1:]
    return posts + [post]


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(is_title_word(w) for w in words)
