"""By-lines, photo credits, author lines and signers: the people who wrote, photographed or
signed what the article carries. They are persons (usually with no post), and the article's
credits, so `kg` can say who wrote what.

Vietnamese outlets write them in a few fixed shapes:
  - after a label:              `Ảnh: Minh Khang`, `Tin, ảnh: Lan Anh`, `Ảnh VGP/Quang Hiếu`,
                                `Người ký: Lê Văn A`, `(Ảnh: Thu Hà/TTXVN)`
  - before an agency:           `Thu Hà/TTXVN`, `PV Minh Đức/VOV Miền Trung`
  - a line of its own after the last sentence: `Hoài Thu`, `MINH KHANG`, `Hải Yến (tổng hợp)`,
                                `Hoài Thu – Minh Khang` (two people), `ThS. Lê Thị Hoa`
Initials (`Ảnh: T.H`, `PV`), `CTV` and agencies or outlets (`TTXVN`, `Ảnh: Báo Hà Giang`) are no
one; names written in capitals are title-cased.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.gazetteer import is_place_name
from kg.text import key
from kg.vocab import keyset
from loaders.extract.spans import word_finditer

_LABEL = re.compile(  # each must start a word: see `word_finditer`
    r"(?:(?P<both>(?:Tin|Bài|Video|Clip)(?:,| và| -)? ảnh)|(?P<photo>Ảnh|ẢNH|Nguồn ảnh)|"
    r"(?P<author>Tin|Bài|Thực hiện|Tác giả|Nhóm phóng viên)|(?P<signer>Người ký))\s*:\s*"
    r"|(?P<signed>\((?:đã ký|Đã ký)\))\s*"
    r"|(?P<agency_photo>Ảnh)\s+[A-ZĐ][A-ZĐ.+]{1,10}\s*/\s*")
# The words every `_LABEL` opens with: a bare alternation of literals lets the regex engine skip
# ahead to candidate first letters, which `_LABEL` itself (groups first) does not (~20× faster).
_LABEL_HEAD = re.compile(r"Tin|Bài|Video|Clip|Ảnh|ẢNH|Nguồn ảnh|Thực hiện|Tác giả|Nhóm phóng viên|"
                         r"Người ký|\((?:đã ký|Đã ký)\)")
_AGENCY = re.compile(r"/\s*(?:[A-ZĐ][A-ZĐ+.]{1,10}|Vietnam\+|VnExpress|Dân trí)(?![a-zà-ỹđ])")
_PIECES = re.compile(r"\s*[-–—,&]\s*|\s+và\s+")
_REPORTER = re.compile(r"^(?:PV|CTV|BTV|Phóng viên|Nhóm PV)\s+")
_DEGREE = re.compile(r"^(?:ThS|TS|PGS\.\s?TS|GS\.\s?TS|PGS|GS|BS|KS|CN|Ths)\.\s?")
_COMPILED = re.compile(r"\s*\((?:tổng hợp|TH|lược dịch|biên dịch|theo [^()]{2,40})\)\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…”\"»)]\s*/?\.?$")
_CREDIT_END = re.compile(r"[\n)(;/]|\.(?:\s|$)")
_WORD_SHAPE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class Credit:
    start: int
    end: int
    name: str  # as written, title-cased when written in capitals
    role: str  # author | photo | signer


def find_credits(text: str) -> tuple[Credit, ...]:
    """Credits in text, in order; one per (name, role) occurrence."""
    found = [*_labelled(text), *_before_agency(text), *_own_lines(text)]
    seen, out = set(), []
    for credit in sorted(found, key=lambda c: (c.start, -c.end)):
        if (credit.start, credit.end) not in seen:
            seen.add((credit.start, credit.end))
            out.append(credit)
    return tuple(out)


def _labelled(text: str):
    for label in word_finditer(_LABEL, text, head=_LABEL_HEAD):
        role = "photo" if label.group("photo") or label.group("agency_photo") else \
            "author" if label.group("author") or label.group("both") else "signer"  # or (đã ký)
        end = _run_end(text, label.end())
        yield from _names(text, label.end(), end, role, labelled=True)


def _run_end(text: str, pos: int) -> int:
    """End of the credit after a label: a line end, a bracket, a sentence end."""
    limit = min(len(text), pos + 80)  # a credit is short
    stop = _CREDIT_END.search(text, pos, limit)
    return stop.start() if stop else limit


def _before_agency(text: str):
    for agency in _AGENCY.finditer(text):
        window = max(0, agency.start() - 60)  # a credit is short: look back no further
        marks = [(text.rfind(mark, window, agency.start()), mark) for mark in ("\n", "(", ". ", ": ")]
        line_start = max([window] + [at + len(mark) for at, mark in marks if at >= 0])
        if text[line_start:agency.start()].count(" ") > 6:
            continue
        name_end = agency.start()
        while name_end > line_start and text[name_end - 1].isspace():
            name_end -= 1
        yield from _names(text, line_start, name_end, "photo" if _after_photo(text, line_start) else "author")


def _after_photo(text: str, pos: int) -> bool:
    return re.search(r"Ảnh\s*:?\s*$", text[max(0, pos - 8):pos]) is not None


def _own_lines(text: str):
    """A line that is only names, after a line that ends a sentence (or at the very end)."""
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    for i, (at, line) in enumerate(lines):
        body = line.strip()
        if i == 0 or len(body) > 60 or not _SENTENCE_END.search(lines[i - 1][1].rstrip()):
            continue
        start = at + len(line) - len(line.lstrip())
        end = start + len(_COMPILED.sub("", body))
        names = _names(text, start, end, "author")
        if names and body.isupper() and not _ends_snippet(text, at + len(line)):
            continue  # a heading in capitals (`KẾT QUẢ THỰC HIỆN`), not a by-line
        yield from names


def _ends_snippet(text: str, pos: int) -> bool:
    """Nothing but a blank line, the end, or an outlet's `(ABC)` tag follows."""
    return re.match(r"[ \t]*(?:$|\n[ \t]*(?:\n|$|\())", text[pos:pos + 8]) is not None


def _names(text: str, start: int, end: int, role: str, labelled: bool = False):
    """The names of text[start:end], separated by dashes, commas or `và`. After a label they
    run until a piece that is no name (`Ảnh: Thu Hà - TTXVN`); a line of its own must be
    names throughout."""
    pos, found = start, []
    for sep in [*_PIECES.finditer(text, start, end), None]:
        credit = _credit(text, pos, sep.start() if sep else end, role, labelled)
        if credit is None:
            return found if labelled else []
        found.append(credit)
        pos = sep.end() if sep else end
    return found


def _credit(text: str, start: int, end: int, role: str, labelled: bool) -> Credit | None:
    piece = text[start:end]
    lead = _REPORTER.match(piece) or _DEGREE.match(piece)
    labelled = labelled or _REPORTER.match(piece) is not None
    if lead:
        start, piece = start + lead.end(), piece[lead.end():]
    piece = piece.rstrip(" .")
    words = piece.split(" ")
    if labelled and len(words) > 2 and not words[0].isupper():  # `(đã ký) Lê Văn A BAN CHẤP HÀNH …`
        title = [w for w in words if not (w[:1].isupper() and not w[1:].isupper())]
        words = words[:words.index(title[0])] if title else words
        piece = " ".join(words)
    if not 2 <= len(words) <= 5 or not all(_WORD_SHAPE.fullmatch(w) for w in words):
        return None
    capitals = all(w.isupper() for w in words)
    if not capitals and not all(w[:1].isupper() and not w[1:].isupper() for w in words):
        return None
    name = " ".join(w.title() if capitals else w for w in words)
    if _not_a_name(name, labelled):
        return None
    return Credit(start, start + len(piece), name, role)


def _not_a_name(name: str, labelled: bool) -> bool:
    """A heading, outlet or office; or a place, unless a label says it is someone
    (`PV Thái Bình`, `Ảnh: Hà Giang` are reporters)."""
    words = key(name).split()
    if not labelled and (is_place_name(name) or " ".join(words) in keyset("place_names.txt")):
        return True
    phrases = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(len(words), i + 4) + 1)}
    return not phrases.isdisjoint(_blocked())


@lru_cache(maxsize=1)
def _blocked() -> frozenset[str]:
    """Outlet, heading and office words (`Báo`, `Quyết định`, `Chủ tịch`): never in a name."""
    return keyset("not_names.txt") | keyset("post_heads.txt")
