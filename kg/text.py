"""Vietnamese text keys: NFC, tone-placement folding, case folding, diacritic-free keys.

Two spellings of one word must give one key: old-style tone placement (`hoà`, `thuỷ`,
`Tỉnh uỷ`) and new-style (`hòa`, `thủy`, `Tỉnh ủy`), the look-alike `Ð` (U+00D0) for `Đ`,
and mixed dashes all fold away before matching.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
# Old-style placement puts the tone on the second vowel of these word-final pairs (hoà,
# thuỷ, khoẻ); the new style on the first (hòa, thủy, khỏe). Both fold to the new style.
# "qu" is a consonant, so "quý" is left alone. Only the old style needs a change, so only it
# is matched: the new style and toneless pairs would cost a callback each for nothing.
_PAIR = re.compile(r"(?i)(?<!q)(o[àáãảạèéẽẻẹ]|u[ỳýỹỷỵ])(?!\w)")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")
# Two look-alikes only: `str.replace` is far cheaper than a per-character `translate` table.
_LOOKALIKE = (("\u00d0", "\u0110"), ("\u00f0", "\u0111"))


def nfc(text: str) -> str:
    """NFC with look-alike letters mapped (Ð U+00D0 → Đ U+0110)."""
    text = unicodedata.normalize("NFC", text)
    for lookalike, letter in _LOOKALIKE:
        if lookalike in text:
            text = text.replace(lookalike, letter)
    return text


def _move_tone(match: re.Match) -> str:
    pair = unicodedata.normalize("NFD", match.group(1))
    tone = next(c for c in pair if c in _TONES)  # `_PAIR` matches toned pairs only
    bare = "".join(c for c in pair if c not in _TONES)
    return unicodedata.normalize("NFC", bare[0] + tone + bare[1:])


@lru_cache(maxsize=1024)
def fold_tones(text: str) -> str:
    """Put tone marks of word-final oa/oe/uy on the first vowel (`hoà` → `hòa`, `uỷ` → `ủy`)."""
    return _PAIR.sub(_move_tone, nfc(text))


@lru_cache(maxsize=16384)  # names and titles repeat; bounded so memory stays flat as a corpus grows
def key(text: str) -> str:
    """Matching key: NFC, tone placement folded, case folded, dashes and spaces unified."""
    folded = fold_tones(text)
    folded = _DASHES.sub("-", folded)
    return _SPACES.sub(" ", folded).strip().casefold()


@lru_cache(maxsize=16384)  # names and titles repeat; bounded so memory stays flat as a corpus grows
def ascii_key(text: str) -> str:
    """Diacritic-free key for search typed without accents (`Nghiem Xuan Thanh`)."""
    decomposed = unicodedata.normalize("NFD", key(text).replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=16384)  # names and titles repeat; bounded so memory stays flat as a corpus grows
def slug(text: str) -> str:
    """Readable, IRI-safe slug: `20-CT/TU` → `20-ct-tu`, `Hậu Giang` → `hau-giang`."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_key(text)).strip("-") or "x"




# Invisible format characters (soft hyphen, zero-width space/joiners, bidi marks, overrides
# and isolates, word joiner, BOM) cut a name or a number where a reader sees none.
_FORMAT = "\u00ad\u180e\ufeff\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
_FORMAT_RUN = re.compile(f"[{_FORMAT}]+")
# One character for one: odd spaces become spaces, full-width forms ASCII.
_ONE_FOR_ONE = {**{c: " " for c in [0xA0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)]},
                **{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}}
_WIDE = "\u00a0\u1680\u202f\u205f\u3000\u2000-\u200a\uff01-\uff5e"
_LOOKALIKE_SCRIPTS = "\u0370-\u03ff\u0400-\u04ff"
# In the shape of a document number (33-CT/TU): a dash between a digit and a letter, and
# Cyrillic or Greek look-alikes of the Latin capitals inside a run that holds a digit.
_CODE_DASH = re.compile(r"(?<=\d)[\u2010-\u2015\u2212](?=[^\W\d_])")
_CODE_TOKEN = re.compile(r"\S*\d\S*")
_CONFUSABLE = str.maketrans("АВСЕНКМОРТХУаеорсухІіЈΑΒΕΗΙΚΜΝΟΡΤΥΧ",
                            "ABCEHKMOPTXYaeopcyxIiJABEHIKMNOPTYX")
_SPECIAL = re.compile(f"[{_FORMAT}{_WIDE}{_LOOKALIKE_SCRIPTS}]|" + _CODE_DASH.pattern)


def clean_text(text: str) -> tuple[str, list[int] | None]:
    """The text extractors should read, and the offset in `text` of each of its characters, plus
    one for the end (`None` when offsets are unchanged): format characters removed, odd spaces
    made spaces, full-width forms ASCII, and in document numbers (`３３–СТ/TU`) dashes made
    hyphens and look-alike letters Latin. Most texts need none of it and are returned as is."""
    if not _SPECIAL.search(text):
        return text, None
    positions = None
    if _FORMAT_RUN.search(text):
        positions, pieces, done = [], [], 0
        for run in _FORMAT_RUN.finditer(text):
            pieces.append(text[done:run.start()])
            positions.extend(range(done, run.start()))
            done = run.end()
        pieces.append(text[done:])
        positions.extend(range(done, len(text) + 1))
        text = "".join(pieces)
    text = _CODE_DASH.sub("-", text.translate(_ONE_FOR_ONE))
    if re.search(f"[{_LOOKALIKE_SCRIPTS}]", text):
        text = _CODE_TOKEN.sub(lambda m: m.group(0).translate(_CONFUSABLE), text)
    return text, positions
