"""Sentences of a text: where Vietnamese news prose breaks, and where an abbreviation's dot
does not break it. Core, so that queries (chair evidence) and the extractors split alike."""
from __future__ import annotations

import re
from dataclasses import dataclass

from kg.vocab import entries

# Abbreviations ending in a dot do not end a sentence ("TP. Cần Thơ", "ThS. Lê …").
_NO_BREAK = frozenset(e.casefold() for e in entries("no_break_abbreviations.txt"))
_BREAK = re.compile(r"(?<=[.!?…])[\s\"”']*\s+(?=[\"“(]?[A-ZĐÀ-Ỹ0-9])|\n+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str) -> tuple[Sentence, ...]:
    return tuple(_split(text))


# Where a break can start: after a sentence's closing mark or at a line break. Trying `_BREAK`
# only there gives its matches without its leading lookbehind being tried at every position.
_BREAK_AT = re.compile(r"[.!?…]|\n")


def _breaks(text: str):
    """`_BREAK.finditer(text)`."""
    pos = 0
    for mark in _BREAK_AT.finditer(text):
        at = mark.start() if mark.group(0) == "\n" else mark.end()
        if at < pos:
            continue
        match = _BREAK.match(text, at)
        if match:
            yield match
            pos = match.end()


def _split(text: str) -> list[Sentence]:
    out, start = [], 0
    for match in _breaks(text):
        if "\n" not in match.group(0) and _last_word(text[start:match.start()]) in _NO_BREAK:
            continue
        _append(out, text, start, match.start())
        start = match.end()
    _append(out, text, start, len(text))
    return out


def _last_word(before: str) -> str:
    words = before.rsplit(None, 1)
    return words[-1].rstrip(".").casefold() if words else ""


def _append(out: list, text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    if end > start:
        out.append(Sentence(start, end, text[start:end]))
