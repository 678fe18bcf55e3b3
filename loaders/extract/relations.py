"""Document-to-document relations and what meetings did with documents.

A relation needs its verb between the two documents inside one clause (`;` ends a clause):
`Kế hoạch số 45/KH-UBND … thực hiện Chỉ thị số 20-CT/TU` → 45/KH-UBND implements 20-CT/TU.
A verb governed by a meeting action (`sơ kết 05 năm thực hiện Chỉ thị …`) is that action,
not a relation. `Căn cứ …` items tie the page's own document (its `Số:` header) to each one.
"""
from __future__ import annotations

import bisect
import re

from typing import TYPE_CHECKING

from kg.facts import DocRelation, DocumentMention, MeetingDocument, MeetingMention
from kg.text import key
from loaders.extract.documents import PARTY_NUMBER, STATE_NUMBER, Occurrence, canonical_number
from loaders.extract.spans import Sentence, evidence

if TYPE_CHECKING:
    from loaders.extract.prepared import Prepared

EXTRACTOR = "relations.verbs"
RELATION_VERBS = [
    ("amends", re.compile(r"(?i)(?<!\w)(?:sửa đổi,? bổ sung|điều chỉnh,? bổ sung)(?: một số điều(?: của)?)?(?!\w)")),
    ("replaces", re.compile(r"(?i)(?<!\w)thay thế(?!\w)")),
    ("guides", re.compile(r"(?i)(?<!\w)(?:quy định chi tiết(?: và biện pháp thi hành| và hướng dẫn thi hành| thi hành)?"
                          r"|hướng dẫn thi hành|hướng dẫn thực hiện|hướng dẫn)(?!\w)")),
    ("implements", re.compile(r"(?i)(?<!\w)(?:triển khai thực hiện|tiếp tục thực hiện|thực hiện|triển khai)(?!\w)")),
]
ACTIONS = [
    ("summarize", re.compile(r"(?i)(?<!\w)tổng kết(?!\w)")),
    ("review", re.compile(r"(?i)(?<!\w)(?:sơ kết|đánh giá kết quả thực hiện)(?!\w)")),
    ("disseminate", re.compile(r"(?i)(?<!\w)(?:quán triệt|học tập)(?!\w)")),
    ("adopt", re.compile(r"(?i)(?<!\w)thông qua(?!\w)")),
    ("discuss", re.compile(r"(?i)(?<!\w)(?:thảo luận|cho ý kiến|góp ý)(?!\w)")),
    ("implement", re.compile(r"(?i)(?<!\w)(?:về việc thực hiện|triển khai tổ chức thực hiện|triển khai thực hiện|triển khai)(?!\w)")),
]
_BASED_ON = re.compile(r"(?<!\w)(?:Căn cứ|CĂN CỨ)(?!\w)")
# A preamble item ends where the next basis, the proposal or the enacting words begin.
_BASIS_END = re.compile(
    r"(?<!\w)(?:Căn cứ|CĂN CỨ|(?:Theo|Xét|Trên cơ sở)(?: đề nghị| đề xuất)|QUYẾT ĐỊNH|QUYẾT NGHỊ|"
    r"Điều 1|Nay ban hành|ban hành Kế hoạch)(?!\w)|\n\s*(?:II|III|IV|V)\.\s|\n\s*\n\s*(?![\d\-–•+]|Căn cứ)")
# Where an item of a list of bases starts: right after "Căn cứ", ";", "và", a list marker.
_ITEM_OPEN = re.compile(
    r"(?:(?<!\w)(?:Căn cứ|CĂN CỨ)(?: vào)?|;|(?<!\w)và|\n\s*(?:\d{1,2}\s?[.)/]-?|[-–•+]|[a-zđ]\))\s*\d{0,2}|^)\s*$")
_LIST_HEAD = re.compile(r"(?<!\w)CĂN CỨ[^\n]*\n(?:[^\n]*[A-ZĐ]{2,}[^\n]*\n)?|(?<!\w)Căn cứ\s*:\s*\n")
_MEETING_WORDS = re.compile(r"(?i)(?<!\w)(?:hội nghị|cuộc họp|kỳ họp|đại hội)(?!\w)")


def extract_relations(doc: "Prepared", documents: list[DocumentMention]) -> list[DocRelation]:
    article, text = doc.article, doc.unwrapped
    known = {key(d.id): d.id for d in documents}
    occurrences = _occurrences([*doc.numbered, *doc.titled[0]], known)
    index = _Index(occurrences)
    own = _own_document(text, documents)
    found: dict[tuple, DocRelation] = {}

    def add(relation: DocRelation) -> None:
        if relation.source != relation.target:
            found.setdefault((relation.source, relation.rel, relation.target), relation)

    for sentence in doc.unwrapped_sentences:
        for start, end in _clauses(text, sentence):
            docs = [(o.start, o.end, o.id) for o in index.between(start, end)]
            for relation in _clause_relations(article, sentence, text, docs, start, end):
                add(relation)
    if own:
        for relation in _bases(article, text, index, own):
            add(relation)
        for relation in _reviews(article, text, index, own):
            add(relation)
    for source, rel, target in doc.titled[1]:
        if key(source) in known and key(target) in known:
            add(DocRelation(known[key(source)], rel, known[key(target)], _span(article, text, index, source)))
    for relation in _fronted(article, text, index):
        add(relation)
    return list(found.values())


def _span(article, text, index, doc_id):
    occ = index.by_id.get(doc_id)
    start, end = (occ.type_start, occ.end) if occ else (0, 0)
    return evidence(article, Sentence(start, end, text[start:end]), start, end, EXTRACTOR)


def _occurrences(found: list[Occurrence], known: dict[str, str]) -> list[Occurrence]:
    """Every mention of a known document, numbered and titled, in text order."""
    out = []
    for occ in found:
        doc_id = known.get(key(occ.id))
        if doc_id:
            out.append(Occurrence(occ.type_start, occ.start, occ.end, doc_id, occ.written, occ.numbered))
    return sorted(out, key=lambda o: (o.start, -o.end))


class _Index:
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


def _clauses(text: str, sentence: Sentence):
    pos = sentence.start
    for match in re.finditer(r";", text[sentence.start:sentence.end]):
        yield pos, sentence.start + match.start()
        pos = sentence.start + match.end()
    yield pos, sentence.end


def _own_document(text: str, documents) -> str | None:
    """The page's own document: the number of its `Số:` header."""
    ids = {d.id for d in documents}
    for header in re.finditer(r"Số\s*:[ \t]*", text):
        for pattern in (PARTY_NUMBER, STATE_NUMBER):
            number = pattern.match(text, header.end())
            if number and canonical_number(number.group(0)) in ids:
                return canonical_number(number.group(0))
    return None


def _bases(article, text: str, index: "_Index", own: str):
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
                    re.search(r"\n\s*\d{1,2}\s?[.)]\s*$", text[max(0, occ.start - 8):occ.start]):
                continue
            if _ITEM_OPEN.search(text, max(start, occ.type_start - 40), occ.type_start) or \
                    occ.type_start == start:
                span = evidence(article, Sentence(start, end, text[start:end]), occ.type_start, occ.end, EXTRACTOR)
                yield DocRelation(own, "based_on", occ.id, span)


_REVIEW_HEADING = re.compile(
    r"(?:^|\n)[ \t]*(?:[IVX]{1,4}|\d{1,2})\s?[.)/]-?\s*(?:Đánh giá|Tổng kết|Sơ kết|Kết quả)(?!\w)"
    r"[^\n;:]{0,60}?(?<!\w)(?:thực hiện|triển khai)\s+")


def _reviews(article, text: str, index: "_Index", own: str):
    """A section of the page's own plan headed `I. Đánh giá tình hình thực hiện Kế hoạch số …`
    reviews the previous document: own summarizes it."""
    for match in _REVIEW_HEADING.finditer(text):
        target = index.at.get(match.end())
        if target and target.id != own:
            span = evidence(article, Sentence(match.start(), target.end, text[match.start():target.end]),
                            match.start(), target.end, EXTRACTOR)
            yield DocRelation(own, "summarizes", target.id, span)


_FRONTED = re.compile(r"(?:^|(?<=\n)|(?<=\.\s))[ \t]*(?:Để |Nhằm )?(?:Triển khai thực hiện|Tiếp tục thực hiện|Thực hiện|Triển khai)\s+")


def _fronted(article, text: str, index: "_Index"):
    """`Thực hiện A và B, <chủ thể> ban hành Kế hoạch số …`: the issued document implements A, B."""
    if not index.items:
        return
    for match in _FRONTED.finditer(text):
        first = index.at.get(match.end())
        if first is None:
            continue
        targets, last = [first], first
        while True:
            nxt = next((o for o in index.between(last.end, last.end + 170) if o.type_start > last.end and
                        re.fullmatch(r"[^,;.\n]{0,160}?\s(?:và|,)\s*", text[last.end:o.type_start])), None)
            if nxt is None or nxt.type_start - last.end > 160:
                break
            targets.append(nxt)
            last = nxt
        comma = re.match(r"[^;.\n]{0,200}?,\s*", text[last.end:last.end + 220])
        if not comma:
            continue
        clause_start = last.end + comma.end()
        issued = re.match(r"[^,;.\n]{0,120}?(?<!\w)(?:đã )?(?:ban hành|xây dựng|phê duyệt)\s+", text[clause_start:clause_start + 160])
        if not issued:
            continue
        source = index.at.get(clause_start + issued.end())
        if source is None:
            continue
        for target in targets:
            span = evidence(article, Sentence(match.start(), source.end, text[match.start():source.end]),
                            match.start(), source.end, EXTRACTOR)
            yield DocRelation(source.id, "implements", target.id, span)


def _clause_relations(article, sentence, text, docs, start, end):
    if not docs:
        return
    starts = [d[0] for d in docs]
    for rel, pattern in RELATION_VERBS:
        for verb in pattern.finditer(text, start, end):
            lo = bisect.bisect_left(starts, verb.start() - 600)
            hi = bisect.bisect_right(starts, verb.end() + 600)
            yield from _around_verb(article, sentence, text, docs[lo:hi], rel, verb, None)


def _around_verb(article, sentence, text, docs, rel, verb, own):
    before = [d for d in docs if d[1] <= verb.start()]
    after = [d for d in docs if d[0] >= verb.end()]
    if not after or after[0][0] - verb.end() > 40:
        return
    sources = _sources(text, before, verb)
    for source in sources:
        for target in _coordinated(text, after):
            if source != target:
                span = evidence(article, sentence, min(verb.start(), after[0][0]), after[0][1], EXTRACTOR)
                yield DocRelation(source, rel, target, span)


def _sources(text: str, before, verb) -> list[str]:
    """The document(s) whose clause the verb belongs to: nearest first, with `A và B` pairs."""
    if not before:
        return []
    gap = text[before[-1][1]:verb.start()]
    if len(gap) > 160 or any(p.search(gap) for _, p in ACTIONS) or _MEETING_WORDS.search(gap):
        return []
    if any(p.search(gap) for _, p in RELATION_VERBS):
        return []
    sources = [before[-1][2]]
    for i in range(len(before) - 1, 0, -1):
        link = text[before[i - 1][1]:before[i][0]]
        if re.search(r"(?<!\w)và(?!\w)", link) and len(link) < 90 and not any(p.search(link) for _, p in RELATION_VERBS):
            sources.insert(0, before[i - 1][2])
        else:
            break
    return sources


def _coordinated(text: str, after) -> list[str]:
    targets = [after[0][2]]
    for prev, nxt in zip(after, after[1:]):
        link = text[prev[1]:nxt[0]]
        if re.search(r"(?<!\w)và(?!\w)", link) and len(link) < 90 and not any(
                p.search(link) for _, p in RELATION_VERBS + ACTIONS):
            targets.append(nxt[2])
        else:
            break
    return targets


def extract_meeting_documents(doc: "Prepared", meetings: list[MeetingMention],
                              documents: list[DocumentMention],
                              relations: list[DocRelation]) -> list[MeetingDocument]:
    """An action word right before a document, in an article that reports a meeting."""
    if not meetings:
        return []
    article, text = doc.article, doc.folded
    known = {key(d.id): d.id for d in documents if d.id[:1].isdigit()}
    index = _Index([Occurrence(o.type_start, o.start, o.end, known[key(o.id)], o.written, True)
                    for o in doc.numbered_folded if key(o.id) in known])
    linked = {r.source for r in relations}
    found: dict[tuple, MeetingDocument] = {}
    for sentence in doc.sentences:
        for start, end in _clauses(text, sentence):
            docs = [(o.start, o.end, o.id) for o in index.between(start, end)]
            for doc_start, doc_end, number in docs:
                action = _action_before(text, start, doc_start)
                if action and number not in linked:
                    meeting = _meeting_for(meetings, sentence)
                    span = evidence(article, sentence, doc_start, doc_end, EXTRACTOR)
                    found.setdefault((meeting.name, number), MeetingDocument(meeting.name, number, action, span))
    return list(found.values())


def _action_before(text: str, lower: int, doc_start: int) -> str | None:
    window = text[max(lower, doc_start - 70):doc_start]
    best = None
    for action, pattern in ACTIONS:
        for match in pattern.finditer(window):
            if best is None or match.start() > best[0]:
                best = (match.start(), action)
    return best[1] if best else None


def _meeting_for(meetings: list[MeetingMention], sentence: Sentence) -> MeetingMention:
    for meeting in meetings:
        if sentence.start <= meeting.evidence.start < sentence.end:
            return meeting
    return meetings[0]
