"""One article, prepared once for every extractor.

Each extractor used to fold, unwrap, split and scan the raw text again behind small
`lru_cache`s sized for one call order. `Prepared` computes each view at most once per article
and hands the same object to every extractor, so the work is shared by construction.

The text the extractors see is `clean_text(article.text)`: format characters that cut names
and numbers are gone, full-width and confusable characters in number codes are mapped. Spans
are found on that text and mapped back to the article's own text by `to_original`, so evidence
always points at what the source said.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace
from functools import cached_property

from kg.facts import Article, Evidence
from kg.text import clean_text, fold_tones
from kg.sentences import Sentence, sentences
from loaders.extract.spans import name_occurrences, unwrap

# Dashes inside names (Bà Rịa - Vũng Tàu) are not separators between person names.
_DASHED_NAMES = re.compile(r"Rịa\s?[-–]\s?Vũng|Lao động\s?[-–]\s?Thương binh")


class Prepared:
    """The views of one article's text that extractors share; each built on first use."""

    def __init__(self, source: Article) -> None:
        self.source = source
        text, self._positions = clean_text(source.text)
        self.article = source if text == source.text else replace(source, text=text)
        self._names_asked: frozenset[str] | None = None
        self._names_found: list[tuple[int, int, str]] = []
        self._scans: dict[re.Pattern, tuple[list[int], list[re.Match]]] = {}

    @cached_property
    def folded(self) -> str:
        """Tone placement folded; same length and offsets as the text."""
        return fold_tones(self.article.text)

    @cached_property
    def lower(self) -> str | None:
        """The folded text in lower case, when that keeps its offsets (for quick word tests)."""
        lower = self.folded.lower()
        return lower if len(lower) == len(self.folded) else None

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        return sentences(self.folded)

    @cached_property
    def unwrapped(self) -> str:
        """Hard line wraps inside sentences made spaces; same offsets."""
        return unwrap(self.folded)

    @cached_property
    def unwrapped_sentences(self) -> tuple[Sentence, ...]:
        return self.sentences if self.unwrapped == self.folded else sentences(self.unwrapped)

    @cached_property
    def dashed(self) -> str:
        """The folded text with dashes inside place names hidden (for name splitting)."""
        return _DASHED_NAMES.sub(lambda m: m.group(0).replace("-", "\x01").replace("–", "\x01"), self.folded)

    @cached_property
    def dashed_sentences(self) -> tuple[Sentence, ...]:
        """The folded split: a hidden dash is neither a space nor a sentence end, so the
        boundaries are the same; only the sentence texts show the hidden dashes."""
        if self.dashed == self.folded:
            return self.sentences
        return tuple(Sentence(s.start, s.end, self.dashed[s.start:s.end]) for s in self.sentences)

    @cached_property
    def chain_words(self) -> list[tuple[int, int]]:
        """The capitalised words that may form a person's name (`loaders.extract.names`)."""
        from loaders.extract.names import chain_words
        return chain_words(self.dashed)

    @cached_property
    def credits(self):
        """By-lines, photo credits and signers (`loaders.extract.credits`)."""
        from loaders.extract.credits import find_credits
        return find_credits(self.folded)

    @cached_property
    def _numbered_by_sentence(self) -> dict[tuple[int, int], list]:
        from loaders.extract.documents import occurrences_in
        return {(s.start, s.end): occurrences_in(self.unwrapped, s) for s in self.unwrapped_sentences}

    @cached_property
    def numbered(self):
        """Numbered document occurrences in the unwrapped text."""
        return tuple(occ for found in self._numbered_by_sentence.values() for occ in found)

    @cached_property
    def numbered_folded(self):
        """Numbered document occurrences in the folded (not unwrapped) text. A folded sentence
        holds no line break, so where unwrapping left it whole its occurrences are those of
        the unwrapped sentence with the same bounds: only the joined lines are scanned again."""
        if self.unwrapped == self.folded:
            return self.numbered
        from loaders.extract.documents import occurrences_in
        by_sentence = self._numbered_by_sentence
        return tuple(occ for s in self.sentences for occ in
                     (by_sentence[(s.start, s.end)] if (s.start, s.end) in by_sentence
                      else occurrences_in(self.folded, s)))

    @cached_property
    def titled(self):
        """(occurrences, relations) of documents identified by a title."""
        from loaders.extract.titles import titled
        return titled(self.unwrapped, self.numbered)

    def name_occurrences(self, names) -> list[tuple[int, int, str]]:
        """Sorted (start, end, name) of each tone-folded name in the folded text; found once
        per set of names (meetings and provinces both ask for the persons' names)."""
        wanted = frozenset(names)
        if self._names_asked != wanted:
            self._names_asked, self._names_found = wanted, name_occurrences(self.folded, wanted)
        return self._names_found

    def scan(self, pattern: re.Pattern, lower: int, upper: int) -> list[re.Match]:
        """The matches of `pattern` in the folded text lying in [lower, upper), from one pass
        over the whole text. The same as `pattern.finditer(folded, lower, upper)` for patterns
        and bounds where no match crosses a bound (callers say why none does)."""
        if pattern not in self._scans:
            found = list(pattern.finditer(self.folded))
            self._scans[pattern] = ([m.start() for m in found], found)
        starts, found = self._scans[pattern]
        first, last = bisect.bisect_left(starts, lower), bisect.bisect_left(starts, upper)
        return [m for m in found[first:last] if m.end() <= upper]

    # -- back to the source text ----------------------------------------------------------
    def to_original(self, evidence: Evidence) -> Evidence:
        """The same evidence with offsets and sentence on the article's own text."""
        if self.article is self.source:
            return evidence
        sentence_start = self._sentence_start(evidence)
        start, end = self._pos(evidence.start), self._end_pos(evidence.end)
        if sentence_start is None:
            return replace(evidence, start=start, end=end)
        s0 = self._pos(sentence_start)
        s1 = self._end_pos(sentence_start + len(evidence.sentence))
        return replace(evidence, start=start, end=end, sentence=self.source.text[s0:s1])

    def _sentence_start(self, evidence: Evidence) -> int | None:
        if not evidence.sentence:
            return None
        text, n = self.article.text, len(evidence.sentence)
        at = self.folded.find(evidence.sentence, max(0, evidence.end - n))
        if 0 <= at <= evidence.start:
            return at
        at = text.find(evidence.sentence, max(0, evidence.end - n))
        return at if 0 <= at <= evidence.start else None

    def _pos(self, i: int) -> int:
        if self._positions is None:
            return i
        return self._positions[min(i, len(self._positions) - 1)]

    def _end_pos(self, i: int) -> int:
        """The original offset just after clean character i-1."""
        if self._positions is None:
            return i
        return self._positions[i - 1] + 1 if i > 0 else self._positions[0]
