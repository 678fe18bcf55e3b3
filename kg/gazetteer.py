"""Provinces from the maintained `vietnamadminunits` package: the 63 units before the 2025
reorganisation, the 34 after it, and which new unit each old one went into.

Only the package's data files are read (not its parser), so start-up stays fast.
"""
from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.text import ascii_key, fold_tones, key, slug
from kg.vocab import DATA_DIR, keyed_entries

# Written forms the package's keywords do not carry, keyed by the province's name.
ALIASES_FILE = DATA_DIR / "province_aliases.tsv"

# The short name "Hồ Chí Minh" is also a person's name; the city is written "TP Hồ Chí Minh".
_DISPLAY = {"Hồ Chí Minh": "TP Hồ Chí Minh"}
# Provinces renamed before the package's legacy snapshot (Thừa Thiên Huế became the city of
# Huế on 2025-01-01): news before that names the province.
_RENAMED = {"Thừa Thiên Huế": "Huế"}


@dataclass(frozen=True)
class Province:
    name: str  # display name as of its own era (legacy units keep their legacy name)
    code: str
    current: str  # the unit it belongs to after the 2025 reorganisation
    legacy: bool

    @property
    def slug(self) -> str:
        return slug(self.name.removeprefix("TP "))


def _data_dir() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _load(name: str) -> dict:
    with open(_data_dir() / name, encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    legacy = _load("parser_legacy.json")["DICT_PROVINCE"]
    current = _load("parser_from_2025.json")["DICT_PROVINCE"]
    merged_into = {old: new for new, olds in _load("converter_2025.json")["DICT_PROVINCE"].items()
                   for old in olds}
    out = {}
    for unit_key, unit in legacy.items():
        new_unit = current.get(merged_into.get(unit_key, unit_key), unit)
        out[unit_key] = Province(_display(unit["provinceShort"]), unit["provinceCode"],
                                 _display(new_unit["provinceShort"]), legacy=unit_key not in current)
    for unit_key, unit in current.items():
        if unit_key not in out:
            name = _display(unit["provinceShort"])
            out[unit_key] = Province(name, unit["provinceCode"], name, legacy=False)
    for old_name, new_name in _RENAMED.items():
        new_unit = next(p for p in out.values() if p.name == new_name)
        out[old_name] = Province(old_name, new_unit.code, new_unit.current, legacy=True)
    return tuple(out.values())


@lru_cache(maxsize=1)
def _aliases() -> dict[str, list[str]]:
    return aliases(ALIASES_FILE)


def aliases(path: Path) -> dict[str, list[str]]:
    """Province name → its other written forms, from a `province<TAB>form` file; a province
    the gazetteer does not know is an error naming the file and line."""
    known = {p.name.removeprefix("TP ") for p in provinces()}
    out: dict[str, list[str]] = {}
    for name, form in keyed_entries(path, known, "province"):
        out.setdefault(name, []).append(form)
    return out


def _display(short: str) -> str:
    return _DISPLAY.get(short, short)


@lru_cache(maxsize=1)
def _index() -> dict[str, Province]:
    index = {}
    for province in provinces():
        bare = province.name.removeprefix("TP ")
        for form in [bare, province.name, *_aliases().get(bare, [])]:
            index[key(form)] = province
            index.setdefault(ascii_key(form), province)
    return index


@lru_cache(maxsize=16384)
def lookup(name: str) -> Province | None:
    """A province by any written form, with or without diacritics (`Hau Giang`, `TP.HCM`)."""
    cleaned = re.sub(r"^(tỉnh|thành phố|tp\.?)\s+", "", key(name))
    index = _index()
    return index.get(key(name)) or index.get(cleaned) or index.get(ascii_key(cleaned))


def is_place_name(text: str) -> bool:
    """A written name that is a province in running text; the bare "Hồ Chí Minh" is the person
    (the city is written with its TP/Thành phố prefix)."""
    province = lookup(text)
    return province is not None and key(text) not in {key(b) for b in _DISPLAY}


@lru_cache(maxsize=1)
def _mention_pattern() -> re.Pattern:
    forms = set()
    for province in provinces():
        bare = province.name.removeprefix("TP ")
        forms.update(fold_tones(f) for f in [bare, *_aliases().get(bare, [])])
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    # "Hồ Chí Minh" alone is the person; the city needs its TP/Thành phố prefix (an alias).
    alternatives = alternatives.replace("|Hồ\\ Chí\\ Minh", "")
    # No leading lookbehind for "not after a letter or dot": it stops the regex engine skipping
    # ahead to candidate first letters (a scan ~4× slower); `find_folded_mentions` checks it.
    return re.compile(rf"(?:{alternatives})(?![\w])")


_NOT_AFTER = re.compile(r"[\w.]")


def find_mentions(text: str) -> list[tuple[int, int, Province]]:
    """Province mentions in text as (start, end, province); tone placement folded."""
    return find_folded_mentions(fold_tones(text))


def find_folded_mentions(folded: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, Province]]:
    """`find_mentions` in folded[start:end] of an already folded text, offsets in `folded`
    (an extractor scans each sentence of the article's folded text without folding it again)."""
    pattern, found = _mention_pattern(), []
    end = len(folded) if end is None else end
    while match := pattern.search(folded, start, end):
        if match.start() and _NOT_AFTER.match(folded, match.start() - 1):
            start = match.start() + 1  # inside a word: a mention may still start further on
            continue
        found.append((match.start(), match.end(), lookup(match.group(0))))
        start = match.end()
    return found
