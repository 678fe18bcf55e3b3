"""Document-to-document relations and what meetings did with documents.

A relation needs its verb between the two documents inside one clause (`;` ends a clause):
`Kế hoạch số 45/KH-UBND … thực hiện Chỉ thị số 20-CT/TU` → 45/KH-UBND implements 20-CT/TU.
A verb governed by a meeting action (`sơ kết 05 năm thực hiện Chỉ thị …`) is that action,
not a relation. `Căn cứ …` items tie the page's own document (its `Số:` header) to each one.
"""
from __future__ import annotations

import re

from kg.facts import Article, DocRelation, DocumentMention, MeetingDocument, MeetingMention
from kg.text import fold_tones
from loaders.extract.spans import Sentence, evidence, sentences

EXTRACTOR = "relations.verbs"
RELATION_VERBS = [
    ("amends", re.compile(r"(?i)(?<!\w)(?:sửa đổi,? bổ sung|điều chỉnh,? bổ sung)(?: một số điều(?: của)?)?(?!\w)")),
    ("replaces", re.compile(r"(?i)(?<!\w)thay thế(?!\w)")),
    ("guides", re.compile(r"(?i)(?<!\w)(?:quy định chi tiết|hướng dẫn thi hành|hướng dẫn thực hiện|hướng dẫn)(?!\w)")),
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
_BASED_ON = re.compile(r"(?i)(?<!\w)căn cứ(?!\w)")
_MEETING_WORDS = re.compile(r"(?i)(?<!\w)(?:hội nghị|cuộc họp|kỳ họp|đại hội)(?!\w)")


def extract_relations(article: Article, documents: list[DocumentMention]) -> list[DocRelation]:
    text = fold_tones(article.text)
    own = _own_document(text, documents)
    found: dict[tuple, DocRelation] = {}
    for sentence in sentences(text):
        for start, end in _clauses(text, sentence):
            docs = _docs_between(documents, text, start, end)
            for relation in _clause_relations(article, sentence, text, docs, own, start, end):
                found.setdefault((relation.source, relation.rel, relation.target), relation)
    return list(found.values())


def _clauses(text: str, sentence: Sentence):
    pos = sentence.start
    for match in re.finditer(r";", text[sentence.start:sentence.end]):
        yield pos, sentence.start + match.start()
        pos = sentence.start + match.end()
    yield pos, sentence.end


def _docs_between(documents, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, id) of every occurrence of a known document number in text[start:end]."""
    out = []
    for doc in documents:
        pattern = _occurrence_pattern(doc.id)
        out += [(m.start(), m.end(), doc.id) for m in pattern.finditer(text, start, end)]
    return sorted(out)


def _occurrence_pattern(number: str) -> re.Pattern:
    parts = [re.escape(p) for p in re.split(r"\s*", number) if p]
    body = r"\s?".join(parts)
    return re.compile(rf"(?i)(?<![\w/]){body}(?![\w/])")


def _own_document(text: str, documents) -> str | None:
    for doc in documents:
        if re.search(r"Số\s*:\s*$", text[max(0, doc.evidence.start - 12):doc.evidence.start]):
            return doc.id
    return None


def _clause_relations(article, sentence, text, docs, own, start, end):
    if own and _BASED_ON.search(text, start, end):
        for _, _, target in docs:
            if target != own:
                yield DocRelation(own, "based_on", target, evidence(article, sentence, start, end, EXTRACTOR))
    for rel, pattern in RELATION_VERBS:
        for verb in pattern.finditer(text, start, end):
            yield from _around_verb(article, sentence, text, docs, rel, verb, own)


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


def extract_meeting_documents(article: Article, meetings: list[MeetingMention],
                              documents: list[DocumentMention],
                              relations: list[DocRelation]) -> list[MeetingDocument]:
    """An action word right before a document, in an article that reports a meeting."""
    if not meetings:
        return []
    text = fold_tones(article.text)
    linked = {r.source for r in relations}
    found: dict[tuple, MeetingDocument] = {}
    for sentence in sentences(text):
        for start, end in _clauses(text, sentence):
            docs = _docs_between(documents, text, start, end)
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
