"""Vocabularies kept as data files in `kg/data/` (one entry a line, `#` comments)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from kg.errors import KgError
from kg.text import fold_tones, key

DATA_DIR = Path(__file__).parent / "data"


class LexiconError(KgError):
    """A lexicon file names something the schema (or gazetteer) does not know."""


def entries(name: str) -> list[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def keyed_entries(path: Path, known, what: str) -> list[tuple[str, str]]:
    """(name, value) of each `name<TAB>value` line of a lexicon file, in order; a name outside
    `known` is an error naming the file and line, so a lexicon cannot drift from the schema."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, tab, value = line.partition("\t")
        if not tab or not value.strip():
            raise LexiconError(f"{path}:{number}: expected `{what}<TAB>value`, got {line!r}")
        if name.strip() not in known:
            raise LexiconError(f"{path}:{number}: unknown {what} {name.strip()!r} "
                               f"(known: {', '.join(sorted(known))})")
        out.append((name.strip(), value.strip()))
    return out


@lru_cache(maxsize=None)
def keyset(name: str) -> frozenset[str]:
    return frozenset(key(entry) for entry in entries(name))


@lru_cache(maxsize=1)
def abbreviations() -> list[tuple[re.Pattern, str]]:
    """Compiled (pattern, expansion) pairs; a pattern matches the abbreviation as a word."""
    pairs = []
    for line in entries("abbreviations.tsv"):
        short, expansion = line.split("\t")
        tail = r"(?!\w)" if short[-1].isalnum() else ""
        pairs.append((re.compile(rf"(?<![\w.]){re.escape(fold_tones(short))}{tail}"), expansion))
    return pairs


_CENTRAL_MEMBER = re.compile(r"Ủy viên Trung ương(?! Đảng)(?=[ ,;]|$)")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=16384)
def expand(text: str) -> str:
    """Expand abbreviations in a post, organisation or issuer (`Chủ tịch UBND tỉnh` → …)."""
    text = fold_tones(text)
    for pattern, expansion in abbreviations():
        text = pattern.sub(expansion, text)
    # UVTW, UVT.Ư and "Ủy viên TW" all name membership of the Party Central Committee.
    text = _CENTRAL_MEMBER.sub("Ủy viên Trung ương Đảng", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1)
def org_patterns() -> list[str]:
    return entries("org_patterns.txt")
