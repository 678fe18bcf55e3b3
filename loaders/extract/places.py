"""Provinces (gazetteer) and organisations (patterns in `kg/data/org_patterns.txt`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import bisect
import re
from functools import lru_cache

from kg.facts import NamedMention, PersonMention
from kg.gazetteer import find_folded_mentions, lookup
from kg.text import fold_tones, key
from kg.vocab import expand, org_patterns
from loaders.extract.spans import Sentence, evidence, word_finditer

if TYPE_CHECKING:
    from loaders.extract.prepared import Prepared

_PROVINCIAL_WORDS = re.compile(r"(?i)(?<!\w)(?:tỉnh|thành phố|tỉnh ủy|thành ủy)(?!\w)")


def extract_provinces(doc: "Prepared", persons: list[PersonMention]) -> list[NamedMention]:
    article, text = doc.article, doc.folded
    # a by-line's name hides a province only where it is written as a credit (`PV Thái Bình/VOV`)
    named = [fold_tones(p.name) for p in persons if p.evidence.extractor != "persons.credit"]
    names = sorted([*doc.name_occurrences(named), *((c.start, c.end, c.name) for c in doc.credits)])
    longest = max((e - s for s, e, _ in names), default=0)
    found: dict[str, NamedMention] = {}
    for sentence in doc.sentences:
        # a sentence starts after a space, so the pattern's lookbehind sees what it saw in sentence.text
        for start, end, province in find_folded_mentions(text, sentence.start, sentence.end):
            if province and not _inside_name(names, longest, sentence, start, end):
                span = evidence(article, sentence, start, end, "places.gazetteer")
                found.setdefault(province.name, NamedMention(province.name, span))
    context = article.province_context and lookup(article.province_context)
    # "tỉnh"/"Tỉnh ủy" alone means the outlet's province only when no province is named
    if context and not found and _PROVINCIAL_WORDS.search(text):
        span = evidence(article, Sentence(0, 0, ""), 0, 0, "places.context")
        found[context.name] = NamedMention(context.name, span)
    return list(found.values())


def _inside_name(names: list[tuple[int, int, str]], longest: int, sentence: Sentence,
                 start: int, end: int) -> bool:
    """Whether text[start:end] (absolute offsets) of the sentence lies inside a person's name (`Lê Hà Nam`);
    only names starting at most `longest` characters before it can hold it."""
    first = bisect.bisect_left(names, (max(sentence.start, end - longest),))
    for s, e, _ in names[first:bisect.bisect_right(names, (start, float("inf")))]:
        if s <= start and end <= e <= sentence.end:
            return True
    return False


@lru_cache(maxsize=1)
def _org_regexes() -> list[re.Pattern]:
    forms = sorted({fold_tones(f) for f in _place_forms()}, key=len, reverse=True)
    place = r"(?: (?:tỉnh |thành phố )?(?:" + "|".join(re.escape(f) for f in forms) + r"))?"
    # each must start a word: see `word_finditer`
    return [re.compile(p.replace("{place}", place) + r"(?!\w)") for p in org_patterns()]


def _place_forms() -> list[str]:
    from kg.gazetteer import provinces
    return [p.name.removeprefix("TP ") for p in provinces()] + ["TP HCM", "TP.HCM", "Thành phố Hồ Chí Minh"]


def extract_organizations(doc: "Prepared") -> list[NamedMention]:
    article, text = doc.article, doc.folded
    spans = []
    for pattern in _org_regexes():
        for match in word_finditer(pattern, text):
            if not _post_internal(text, match):
                spans.append(match.span())
    kept, max_end = [], -1
    for start, end in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if max_end < end:  # not inside an earlier (longer) match
            kept.append((start, end))
        max_end = max(max_end, end)
    found: dict[str, NamedMention] = {}
    bounds = _Bounds(text)
    for start, end in sorted(kept):
        name = expand(text[start:end])
        if key(name) not in found:
            sentence = bounds.sentence_at(start)
            found[key(name)] = NamedMention(name, evidence(article, sentence, start, end, "places.orgs"))
    return list(found.values())


def _post_internal(text: str, match: re.Match) -> bool:
    """`Phó Bí thư Thường trực Tỉnh ủy`: "Thường trực" belongs to the post, not the body."""
    return match.group(0).startswith("Thường trực") and text.endswith("Bí thư ", 0, match.start())


class _Bounds:
    """The sentence around each of many positions of one text, by bisection (inputs can be huge)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.dots = [m.start() for m in re.finditer(r"\. ", text)]
        self.newlines = [m.start() for m in re.finditer(r"\n", text)]

    def sentence_at(self, pos: int) -> Sentence:
        i = bisect.bisect_right(self.dots, pos - 2) - 1
        j = bisect.bisect_right(self.newlines, pos - 1) - 1
        start = max(self.dots[i] + 2 if i >= 0 else 1, self.newlines[j] + 1 if j >= 0 else 0, 0)
        k = bisect.bisect_left(self.dots, pos)
        m = bisect.bisect_left(self.newlines, pos)
        ends = [x[y] for x, y in ((self.dots, k), (self.newlines, m)) if y < len(x)]
        end = min(ends) if ends else len(self.text)
        start, end = max(start, pos - 2000), min(end, pos + 2000)  # bounded evidence on huge lines
        return Sentence(start, end, self.text[start:end])
