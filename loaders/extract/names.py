"""Where person names are: runs of capitalised words opened by a family name.

A name is a run of 2–4 capitalised syllables opened by a known family name (or a Central
Highlands opening, `Y`, `H'…`), not a place and not preceded by a word that makes it a street,
school or institution. Runs are read off the capitalised words of a sentence; only capitalised
words joined by single spaces can form one, so the article is scanned once for such chains
(`chains`) and only the chains holding a family name are read word by word.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.gazetteer import is_place_name
from kg.text import key
from kg.vocab import keyset
from loaders.extract.spans import is_title_word

# A word of a name; names of Central Highlands peoples carry an apostrophe (`H'Hen`, `K'Mák`).
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_LETTER = re.compile(r"[^\W\d_]")


def _upper_class(first: int, last: int) -> str:
    """A character class of the letters `str.isupper` accepts in [first, last)."""
    return "".join(re.escape(chr(c)) for c in range(first, last)
                   if chr(c).isupper() and _LETTER.match(chr(c)))


def _chain(upper: str) -> re.Pattern:
    word = rf"[{upper}][^\W\d_]*(?:['’][^\W\d_]+)?"
    return re.compile(rf"{word}(?: {word})+")


# Capitalised words joined by single spaces: a run of name words never leaves one. Opening
# with a class lets the regex engine skip ahead to candidate first letters; a class of the
# Basic Multilingual Plane only is a bitmap (fast), so texts with letters beyond it (all
# uppercase letters are below U+20000) use the slower full class.
_CHAIN = _chain(_upper_class(0, 0x10000))
_CHAIN_WIDE = _chain(_upper_class(0, 0x20000))
_APOSTROPHES = "'’"
# The name words a name can open with (`_name_in_run`): a family name in title case or in
# capitals, or the Highlands `Y` (an `H'…` opening is told by its apostrophe).
_OPENERS = frozenset([*(n[:1].upper() + n[1:] for n in keyset("surnames.txt")),
                      *(n.upper() for n in keyset("surnames.txt")), "Y"])


@dataclass
class Name:
    start: int
    end: int
    text: str
    posts: list[tuple[int, int]] = field(default_factory=list)  # absolute spans
    cue: bool = False


def chain_words(text: str) -> list[tuple[int, int]]:
    """(start, end) of every capitalised word of `text` (as `_NAME_WORD` splits it) that lies in
    a chain holding a family name or a Highlands opening; the other words can start no name."""
    out = []
    for chain in (_CHAIN_WIDE if text and max(text) > "\uffff" else _CHAIN).finditer(text):
        written = chain.group(0)
        if _OPENERS.isdisjoint(written.split(" ")) and "'" not in written and "’" not in written:
            continue
        out.extend(_words_of(text, chain))
    return out


def _words_of(text: str, chain: re.Match) -> list[tuple[int, int]]:
    start = chain.start()
    if start and (text[start - 1] in _APOSTROPHES or _LETTER.match(text, start - 1)):
        # the chain opened inside a word (`aBc`, `l'Anh`): split its token as `_NAME_WORD` does
        while start and (text[start - 1] in _APOSTROPHES or _LETTER.match(text, start - 1)):
            start -= 1
        return [m.span() for m in _NAME_WORD.finditer(text, start, chain.end()) if text[m.start()].isupper()]
    words, pos = [], start
    for word in chain.group(0).split(" "):
        words.append((pos, pos + len(word)))
        pos += len(word) + 1
    return words


def find_names(text: str, words: list[tuple[int, int]], sentence_end: int):
    """The names in the runs of `words`, the capitalised words of one sentence in order (words
    left out end a run: the gap to the next word then holds them, and a run only grows across
    a single space)."""
    run: list[tuple[int, int]] = []
    for start, end in words + [(sentence_end + 2, sentence_end + 2)]:
        word = text[start:end]
        name_word = _is_name_word(word)
        if name_word and (not run or text[run[-1][1]:start] == " "
                          and not _case_change(text[run[-1][0]:run[-1][1]], word)):
            run.append((start, end))
            continue
        name = _name_in_run(text, run) if len(run) >= 2 else None  # a name has 2+ words
        if name:
            yield name
        run = [(start, end)] if name_word else []


def _is_name_word(word: str) -> bool:
    """`Minh`, `H'Hen`, or a word in capitals (`NGUYỄN VĂN AN`; one run never mixes the two)."""
    if not word[:1].isupper():
        return False
    rest = word[1:]
    if not rest or rest.islower() or rest.isupper():
        return True
    return ("'" in word or "’" in word) and all(is_title_word(part) for part in re.split("['’]", word))


def _case_change(previous: str, word: str) -> bool:
    """`UBND Nguyễn` or `Minh PHÚ`: capitals and title case do not form one name."""
    return len(previous) > 1 and len(word) > 1 and previous[1:].isupper() != word[1:].isupper()


def _name_in_run(text: str, run: list[tuple[int, int]]) -> Name | None:
    honorifics = keyset("honorifics.txt")
    while run and key(text[run[0][0]:run[0][1]]) in honorifics:
        run = run[1:]
    surnames = keyset("surnames.txt")
    place_end = _leading_place(text, run)  # "Tỉnh ủy Bình Dương Nguyễn Văn A": skip the place
    for k, (start, _) in enumerate(run):
        if k < place_end:
            continue
        # Central Highlands names open with `Y`, `H'…`, `K'…` as others with a family name
        # (`Y Bih Mlô`, `H'Hen Niê`) and may run to five words (`Y Giang Gry Niê Knơng`)
        word = text[start:run[k][1]]
        highlands = word == "Y" or "'" in word or "’" in word
        if (highlands or key(word) in surnames) and 2 <= len(run) - k <= (5 if highlands else 4):
            candidate = text[start:run[-1][1]]
            if is_place(candidate):
                return None
            if _bad_context(text, start, run[-1][1]):
                place_end = k + 2  # `huyện Cao Lãnh Lê Tám`: a name may follow the place's name
                continue
            return Name(start, run[-1][1], candidate)
    return None


def _leading_place(text: str, run: list[tuple[int, int]]) -> int:
    """Number of leading words of a capitalised run that form a place name (2–3 words),
    when at least two words remain after it."""
    for size in (3, 2):
        if len(run) - size >= 2 and is_place(text[run[0][0]:run[size - 1][1]]):
            return size
    return 0


def is_place(candidate: str) -> bool:
    return is_place_name(candidate) or key(candidate) in keyset("place_names.txt")


def _bad_context(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 24):start]
    words = before.split()
    context = keyset("non_person_context.txt")
    if words and (key(words[-1]) in context or key(" ".join(words[-2:])) in context):
        return True
    return text[end:end + 1] == "/"  # photo credits: "Hồng Đạt/TTXVN"
