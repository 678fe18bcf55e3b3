"""Relations whose subject is a document the sentence does not name next to its verb.

- The page's own document (its `Số:` header, or a title line in capitals naming a numbered
  document) is the implied subject of its preamble: each `Căn cứ …` item (also a grouped
  `Căn cứ các Nghị định của Chính phủ: số A; số B`), a section reviewing an earlier plan, and a
  fronted `Thực hiện A, <chủ thể> ban hành Kế hoạch … như sau:` or
  `Để bảo đảm thực hiện … nêu tại A, …` before the body begins.
- A fronted `Thực hiện A; B, …, <chủ thể> ban hành / có <document>`: that document implements
  each of the coordinated A, B (`Căn cứ A, … ban hành …`: rests on them).
"""
from __future__ import annotations

import re

from kg.facts import DocRelation
from loaders.extract.documents import PARTY_NUMBER, STATE_NUMBER, canonical_number
from loaders.extract.occurrences import Index
from loaders.extract.spans import Sentence, evidence

EXTRACTOR = "relations.verbs"
_BASED_ON = re.compile(r"(?<!\w)(?:Căn cứ|CĂN CỨ)(?!\w)")
# A preamble item ends where the next basis, the proposal or the enacting words begin.
_BASIS_END = re.compile(
    r"(?<!\w)(?:Căn cứ|CĂN CỨ|(?:Theo|Xét|Trên cơ sở)(?: đề nghị| đề xuất)|QUYẾT ĐỊNH|QUYẾT NGHỊ|"
    r"Điều 1|Nay ban hành|ban hành Kế hoạch)(?!\w)|\n\s*(?:II|III|IV|V)\.\s|\n\s*\n\s*(?![\d\-–•+]|Căn cứ)")
# Where an item of a list of bases starts: right after "Căn cứ", ";", "và", ":", a list marker.
_ITEM_OPEN = re.compile(
    r"(?:(?<!\w)(?:Căn cứ|CĂN CỨ)(?: vào)?|;|:|(?<!\w)và|\n\s*(?:\d{1,2}\s?[.)/]-?|[-–•+]|[a-zđ]\))\s*\d{0,2}|^)\s*"
    r"(?:số\s*)?$")
_LIST_HEAD = re.compile(r"(?<!\w)CĂN CỨ[^\n]*\n(?:[^\n]*[A-ZĐ]{2,}[^\n]*\n)?|(?<!\w)Căn cứ\s*:\s*\n")
_SO_ITEM = re.compile(r"(?:[:;,]|(?<!\w)và)\s*số\s*$|\n\s*\d{1,2}\s?[.)]\s*$")
_HEADER = re.compile(r"Số\s*:[ \t]*")
_TITLE_LINE = re.compile(r"[ \t]*([^\n]{0,40}?)(\d[^\n]{2,30}?)(?=\s|$)")
_REVIEW_HEADING = re.compile(
    r"(?:^|\n)[ \t]*(?:[IVX]{1,4}|\d{1,2})\s?[.)/]-?\s*(?:Đánh giá|Tổng kết|Sơ kết|Kết quả)(?!\w)"
    r"[^\n;:]{0,60}?(?<!\w)(?:thực hiện|triển khai)\s+")
_FRONTED = re.compile(
    r"(?:(?:Để|Nhằm) (?:(?:bảo đảm|đảm bảo) )?(?:triển khai thực hiện|tiếp tục thực hiện|thực hiện|triển khai)"
    r"|Triển khai thực hiện|Tiếp tục thực hiện|Thực hiện|Triển khai|(?P<basis>Căn cứ(?: vào)?))\s+")
_SENTENCE_OPEN = re.compile(r"(?:^|\n|\.\s)[ \t]*$")
_CITED_AT = re.compile(r"[^;.\n]{0,150}?(?<!\w)(?:nêu tại|quy định tại|tại|theo)\s+")
_LINK = re.compile(r"[^;.\n]{0,160}?(?:\s(?:và)|[,;])\s*")
_MAIN_CLAUSE = re.compile(
    r"[^,;.\n]{0,120}?(?<!\w)(?:(?:đã|vừa) )?(?:ký ban hành|ban hành|xây dựng|phê duyệt|có)\s+")
_CLAUSE_END = re.compile(r"[;\n]|\.\s")
# The page's body begins with its first numbered section or article.
_BODY = re.compile(r"\n[ \t]*(?:[IVX]{1,4}|1)\s?[.)\-–]\s|(?<!\w)Điều 1\s?\.")


def own_document(text: str, ids: set[str], index: Index) -> str | None:
    """The page's own document: the number of its `Số:` header, or the number in a title line
    written in capitals at the top (`KẾT LUẬN SỐ 205-KL/TW CỦA BAN BÍ THƯ …`) or opening it
    (`Kế hoạch số 12/KH-UBND triển khai …` as a portal page's title)."""
    for header in _HEADER.finditer(text):
        for pattern in (PARTY_NUMBER, STATE_NUMBER):
            number = pattern.match(text, header.end())
            if number and canonical_number(number.group(0)) in ids:
                return canonical_number(number.group(0))
    lead = len(text) - len(text.lstrip())
    first_line = text[:text.find("\n", lead) if "\n" in text[lead:] else len(text)][:300]
    numbered = [o for o in index.between(lead, len(first_line)) if o.numbered and o.written]
    if numbered and (first_line.isupper() or numbered[0].type_start == lead):
        return numbered[0].id
    return None


def bases(article, text: str, index: Index, own: str):
    """`Căn cứ A; B và C;` items and `I. CĂN CỨ …` numbered lists: own document based_on each
    document that opens an item (not those named inside an item's description)."""
    regions = []
    for match in _BASED_ON.finditer(text):
        head = _LIST_HEAD.match(text, match.start())
        body_start = head.end() if head else match.end()
        stop = _BASIS_END.search(text, body_start, min(len(text), body_start + 2500))
        regions.append((match.start(), stop.start() if stop else min(len(text), body_start + 2500)))
    for start, end in regions:
        for occ in index.between(start, end + 40):
            if not (start <= occ.type_start and occ.end <= end + 40) or occ.type_start >= end or occ.id == own:
                continue
            if occ.numbered and not occ.written and occ.type_start == occ.start and not \
                    _SO_ITEM.search(text, max(0, occ.start - 12), occ.start):
                continue
            if _ITEM_OPEN.search(text, max(start, occ.type_start - 40), occ.type_start) or \
                    occ.type_start == start:
                span = evidence(article, Sentence(start, end, text[start:end]), occ.type_start, occ.end, EXTRACTOR)
                yield DocRelation(own, "based_on", occ.id, span)


def reviews(article, text: str, index: Index, own: str):
    """A section of the page's own plan headed `I. Đánh giá tình hình thực hiện Kế hoạch số …`
    reviews the previous document: own summarizes it."""
    for match in _REVIEW_HEADING.finditer(text):
        target = index.at.get(match.end())
        if target and target.id != own:
            span = evidence(article, Sentence(match.start(), target.end, text[match.start():target.end]),
                            match.start(), target.end, EXTRACTOR)
            yield DocRelation(own, "summarizes", target.id, span)


def fronted(article, text: str, index: Index, own: str | None, own_type: str | None):
    """`Thực hiện A; B, <chủ thể> ban hành <document>`: the issued document implements A and B;
    in the page's preamble, with no document issued, the page's own document does."""
    if not index.items:
        return
    body = _BODY.search(text)
    preamble_end = body.start() if body else len(text)
    for match in _FRONTED.finditer(text):
        if not _SENTENCE_OPEN.search(text, max(0, match.start() - 8), match.start()):
            continue
        targets = _targets(text, index, match.end())
        if not targets:
            continue
        source = _issued(text, index, targets[-1].end, own, own_type)
        if source is None and own and match.start() < preamble_end and not match.group("basis"):
            source = own  # (the preamble's bases are `bases`)
        rel = "based_on" if match.group("basis") else "implements"
        for target in targets if source else ():
            span = evidence(article, Sentence(match.start(), targets[-1].end, text[match.start():targets[-1].end]),
                            match.start(), targets[-1].end, EXTRACTOR)
            yield DocRelation(source, rel, target.id, span)


def _targets(text: str, index: Index, pos: int):
    first = index.at.get(pos)
    if first is None:
        cited = next((o for o in index.between(pos, pos + 200)
                      if _CITED_AT.fullmatch(text, pos, o.type_start)), None)
        first = cited
    if first is None:
        return []
    targets, last = [first], first
    while True:
        nxt = next((o for o in index.between(last.end, last.end + 170) if o.type_start > last.end and
                    _LINK.fullmatch(text, last.end, o.type_start)), None)
        if nxt is None:
            return targets
        targets.append(nxt)
        last = nxt


def _issued(text: str, index: Index, pos: int, own: str | None, own_type: str | None) -> str | None:
    """The document issued by the main clause after the fronted phrase ending at pos."""
    for comma in re.finditer(r",\s*", text[pos:pos + 400]):
        if _CLAUSE_END.search(text, pos, pos + comma.start()):
            return None
        start = pos + comma.end()
        issued = _MAIN_CLAUSE.match(text, start, start + 160)
        if not issued:
            continue
        source = index.at.get(issued.end())
        if source is not None:
            return source.id
        if own and own_type and text[issued.end():issued.end() + len(own_type)].casefold() == own_type.casefold():
            return own
    return None
