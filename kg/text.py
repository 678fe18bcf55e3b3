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
# "qu" is a consonant, so "quý" is left alone.
_PAIR = re.compile(r"(?i)(?<!q)(o[aàáãảạeèéẽẻẹ]|u[yỳýỹỷỵ]|[òóõỏọ][ae]|[ùúũủụ]y)(?!\w)")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")
_LOOKALIKE = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


def nfc(text: str) -> str:
    """NFC with look-alike letters mapped (Ð U+00D0 → Đ U+0110)."""
    return unicodedata.normalize("NFC", text).translate(_LOOKALIKE)


def _move_tone(match: re.Match) -> str:
    pair = unicodedata.normalize("NFD", match.group(1))
    tone = next((c for c in pair if c in _TONES), "")
    if not tone:
        return match.group(1)
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
