"""Sentences with offsets, evidence, and the shared word-level helpers of the extractors."""
from __future__ import annotations

import re
from functools import lru_cache

from kg.facts import Article, Evidence
from kg.sentences import Sentence
from kg.text import fold_tones
from kg.vocab import entries

WORD = re.compile(r"[^\W\d_]+")


_WORD_CHAR = re.compile(r"\w")


def at_word_start(text: str, pos: int, not_after: re.Pattern = _WORD_CHAR) -> bool:
    return pos == 0 or not not_after.match(text, pos - 1)


def word_finditer(pattern: re.Pattern, text: str, lower: int = 0, upper: int | None = None,
                  not_after: re.Pattern = _WORD_CHAR, head: re.Pattern | None = None):
    """Matches of `pattern` whose first character does not follow a `not_after` character
    (by default: matches that start a word). Written as a leading lookbehind in the pattern,
    that check stops the regex engine from skipping ahead to candidate first characters, which
    makes a whole-text scan about 20× slower. `head`, a quick pattern every match starts with
    (`\\d`), picks the positions where `pattern` is tried, for patterns the engine cannot skip on."""
    pos, upper = lower, len(text) if upper is None else upper
    while match := _search(pattern, head, text, pos, upper):
        if at_word_start(text, match.start(), not_after):
            yield match
            pos = max(match.end(), match.start() + 1)
        else:
            pos = match.start() + 1


def _search(pattern: re.Pattern, head: re.Pattern | None, text: str, pos: int, upper: int):
    """`pattern.search(text, pos, upper)`, trying only where `head` matches when given."""
    if head is None:
        return pattern.search(text, pos, upper)
    while start := head.search(text, pos, upper):
        if match := pattern.match(text, start.start(), upper):
            return match
        pos = start.start() + 1
    return None


def evidence(article: Article, sentence: Sentence, start: int, end: int, extractor: str) -> Evidence:
    """Evidence for text[start:end] (absolute offsets) inside `sentence`."""
    return Evidence(article.id, start, end, sentence.text, extractor)


@lru_cache(maxsize=None)
def word_alternation(name: str) -> str:
    """A regex alternation of a vocabulary file's entries, longest first, tone-folded."""
    forms = sorted({fold_tones(e) for e in entries(name)}, key=len, reverse=True)
    return "|".join(re.escape(f) for f in forms)


# A hard line wrap inside a sentence (legal pages wrap at a fixed width): the next line goes
# on in lower case or with a number, or the line ends on a word that cannot end a sentence.
_LIST_MARKER = re.compile(r"[-–•*+]|\d{1,2}\s?[.)]\s|\d{1,2}/-|[a-zđ]\)\s|[IVX]{1,4}\.\s|Căn cứ|CĂN CỨ")
_HANGING = re.compile(
    r"(?i)(?<!\w)(?:của|số|và|về|ngày|tháng|năm|các|tại|với|theo|giữa|đối với|cho|thực hiện|việc|ban hành|"
    r"Luật|Nghị định|Nghị quyết|Quyết định|Thông tư|Chỉ thị|Kế hoạch|Công văn|Tờ trình|Thông báo)[ \t]*$")

_HANGING_HEAD = re.compile(r"(?<!\w)(?:Sở|Bộ|Giám đốc|Chủ tịch|Chủ nhiệm|Ủy ban|Hội đồng)[ \t]*$")


# A line break that may wrap a sentence: a plain `\n` scan lets the regex engine skip ahead
# (the spaces before the break, `[ \t]*\n`, are measured back from it).
_LINE_BREAK = re.compile(r"\n(?=[ \t]*\S)")


def unwrap(text: str) -> str:
    """Single line breaks that only wrap a sentence become spaces (same length, same offsets)."""
    joined = []
    for match in _LINE_BREAK.finditer(text):
        nl = line_end = match.start()
        while line_end and text[line_end - 1] in " \t":
            line_end -= 1
        prev = text[text.rfind("\n", 0, line_end) + 1:line_end]
        nxt = text[nl + 1:nl + 41].lstrip(" \t")
        if not nxt or not prev.strip() or prev.rstrip()[-1] in ".;:!?|" or _LIST_MARKER.match(nxt) \
                or prev.isupper():  # a heading in capitals (`KẾ HOẠCH`) ends its line
            continue
        first = nxt[0]
        if first.islower() or first.isdigit() or prev.rstrip()[-1] == "," or _HANGING.search(prev[-30:]) \
                or _HANGING_HEAD.search(prev[-20:]):
            joined.append(nl)
    pieces, done = [], 0
    for nl in joined:
        pieces += [text[done:nl], " "]
        done = nl + 1
    return "".join([*pieces, text[done:]])


def name_occurrences(text: str, names) -> list[tuple[int, int, str]]:
    """Every occurrence of each name (already tone-folded) in text, as sorted (start, end, name).

    Linear in text and names: each distinct first word is found with `str.find`, and at a hit
    only the names sharing its first word and the first letter of the second are compared, so
    thousands of names in one article cost no more than a few (a regex per name per sentence
    made an 8,000-name article take minutes)."""
    by_head: dict[str, dict[str, list[str]]] = {}
    for name in set(names):
        first, space, rest = name.partition(" ")
        by_head.setdefault(first + space, {}).setdefault(rest[:1], []).append(name)
    found = []
    for head, groups in by_head.items():
        pos = text.find(head)
        while pos >= 0:
            after = text[pos + len(head):pos + len(head) + 1]
            for name in [*groups.get(after, ()), *groups.get("", ())] if after else groups.get("", ()):
                if text.startswith(name, pos):
                    found.append((pos, pos + len(name), name))
            pos = text.find(head, pos + 1)
    return sorted(found)


def is_title_word(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())
