"""Where each known document is mentioned: by number, by title, or referred back to by its
type word alone (`Chỉ thị được ban hành nhằm …`, `… triển khai thực hiện Nghị quyết.`,
`Quyết định này …`)."""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from kg.text import key
from loaders.extract.documents import Occurrence
from loaders.extract.spans import word_finditer

# Type words that refer back to a document named before, without its number.
_BACK_TYPES = ("Nghị quyết", "Chỉ thị", "Quyết định", "Kết luận", "Kế hoạch", "Chương trình", "Đề án",
               "Hướng dẫn", "Thông báo", "Công văn", "Quy định", "Nghị định", "Thông tư", "Công điện")
# Not a reference back: a plural or a draft before it, a verb issuing a new document
# (`UBND huyện ban hành Kế hoạch thực hiện …`), or a number, title or topic after it.
_NOT_BACK_BEFORE = re.compile(
    r"(?i)(?<!\w)(?:các|những|dự thảo|một|mỗi|từng|bản|hai|ba|nhiều|\d+|ban hành|xây dựng|phê duyệt|ký|"
    r"thông qua|có|trình)\s+$")
_PASSAGE_BREAKS = re.compile(r"\n+")
_BACK_REACH = 1500


@lru_cache(maxsize=1)
def _back_reference() -> re.Pattern:
    words = "|".join(_BACK_TYPES)
    return re.compile(
        rf"({words})(?:\s+(này|nói trên|trên))?"
        r"(?=\s*[.,;:)]|\s*$|\s+(?!(?:số|về|liên tịch|kết luận|của|ngày)(?!\w))[a-zà-ỹđ])")


class Index:
    """Occurrences sorted by start, with range queries by bisection (inputs can be huge)."""

    def __init__(self, occurrences: list[Occurrence]) -> None:
        self.items = sorted(occurrences, key=lambda o: (o.start, -o.end))
        self.starts = [o.start for o in self.items]
        self.at: dict[int, Occurrence] = {}
        self.by_id: dict[str, Occurrence] = {}
        for o in self.items:
            self.at.setdefault(o.type_start, o)
            self.by_id.setdefault(o.id, o)

    def between(self, start: int, end: int) -> list[Occurrence]:
        """Occurrences lying inside text[start:end]."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, end)
        return [o for o in self.items[lo:hi] if o.end <= end]

    def before(self, pos: int):
        """Occurrences starting before pos, nearest first."""
        for i in range(bisect.bisect_left(self.starts, pos) - 1, -1, -1):
            yield self.items[i]


def known_occurrences(found: list[Occurrence], known: dict[str, str]) -> list[Occurrence]:
    """Every mention of a known document, numbered and titled, in text order."""
    out = []
    for occ in found:
        doc_id = known.get(key(occ.id))
        if doc_id:
            out.append(Occurrence(occ.type_start, occ.start, occ.end, doc_id, occ.written, occ.numbered))
    return sorted(out, key=lambda o: (o.start, -o.end))


def back_references(text: str, index: Index, types: dict[str, str | None], own: str | None) -> list[Occurrence]:
    """A type word alone refers to the nearest document of that type named before it in the same
    passage (at most one paragraph break back); `<type> này` on a page with its own document of
    that type is the page's document."""
    if not index.items:
        return []
    out = []
    for match in word_finditer(_back_reference(), text):
        if match.start() in index.at or _NOT_BACK_BEFORE.search(text, max(0, match.start() - 16), match.start()):
            continue
        word = match.group(1)
        if match.group(2) == "này" and own and types.get(own) == word:
            target = own
        else:
            target = _nearest(text, index, match.start(), word, types)
        if target:
            out.append(Occurrence(match.start(), match.start(), match.end(), target, word, False))
    return out


def _nearest(text: str, index: Index, pos: int, word: str, types: dict[str, str | None]) -> str | None:
    for occ in index.before(pos):
        if pos - occ.end > _BACK_REACH or len(_PASSAGE_BREAKS.findall(text, occ.end, pos)) > 1:
            return None
        if occ.end <= pos and types.get(occ.id) == word:
            return occ.id
    return None

