"""Document-to-document relations and what meetings did with documents.

A relation needs its verb between the two documents inside one clause (`;` ends a clause):
`Kế hoạch số 45/KH-UBND … thực hiện Chỉ thị số 20-CT/TU` → 45/KH-UBND implements 20-CT/TU.
A passive verb points the other way (`A đã được sửa đổi, bổ sung tại B` → B amends A); a review
named in a document's title (`Thông báo … về sơ kết 5 năm thực hiện Nghị quyết …`) summarizes.
A verb governed by a meeting action (`Hội nghị sơ kết 05 năm thực hiện Chỉ thị …`) is that
action, not a relation. A document is referred to by number, by title or back by its type word
alone (`occurrences.py`); relations with an implied subject are in `page.py`. No document
rests on, implements or amends one issued after it.
"""
from __future__ import annotations

import bisect
import re

from typing import TYPE_CHECKING

from kg.facts import DocRelation, DocumentMention, MeetingDocument, MeetingMention
from kg.text import key
from loaders.extract import page
from loaders.extract.documents import Occurrence, type_for
from loaders.extract.lexicon import meeting_actions, relation_verbs
from loaders.extract.occurrences import Index, back_references, known_occurrences
from loaders.extract.spans import Sentence, evidence

if TYPE_CHECKING:
    from loaders.extract.prepared import Prepared

EXTRACTOR = "relations.verbs"
RELATION_VERBS = relation_verbs()  # kg/data/relation_verbs.tsv, keyed by lineage names
# `A (đã) được sửa đổi tại B`: the verb's object comes first.
_PASSIVE_BEFORE = re.compile(r"(?i)(?<!\w)được\s*$")
_PASSIVE_AFTER = re.compile(r"(?i)\s*(?:tại|bởi|bằng|theo)\s")
ACTIONS = meeting_actions()  # kg/data/meeting_actions.tsv, keyed by ACTS_ON actions
_LIST_COMMA = re.compile(r"[^;.]{0,200}?,\s*")
_MEETING_WORDS = re.compile(r"(?i)(?<!\w)(?:hội nghị|cuộc họp|kỳ họp|đại hội)(?!\w)")


def extract_relations(doc: "Prepared", documents: list[DocumentMention]) -> list[DocRelation]:
    article, text = doc.article, doc.unwrapped
    known = {key(d.id): d.id for d in documents}
    types = {d.id: d.type or type_for(d.id, None) for d in documents}
    dates = {d.id: d.date for d in documents if d.date and d.date[0] != "-"}
    index = Index(known_occurrences([*doc.numbered, *doc.titled[0]], known))
    own = page.own_document(text, set(types), index)
    index = Index([*index.items, *back_references(text, index, types, own)])
    found: dict[tuple, DocRelation] = {}

    def add(relation: DocRelation) -> None:
        source, target = relation.source, relation.target
        if source != target and not dates.get(source, "9") < dates.get(target, ""):
            found.setdefault((source, relation.rel, target), relation)

    for sentence in doc.unwrapped_sentences:
        for start, end in _clauses(text, sentence):
            docs = [(o.type_start, o.end, o.id) for o in index.between(start, end)]
            for relation in _clause_relations(article, sentence, text, docs, start, end):
                add(relation)
    if own:
        for relation in page.bases(article, text, index, own):
            add(relation)
        for relation in page.reviews(article, text, index, own):
            add(relation)
    for source, rel, target in doc.titled[1]:
        if key(source) in known and key(target) in known:
            add(DocRelation(known[key(source)], rel, known[key(target)], _span(article, text, index, source)))
    for relation in page.fronted(article, text, index, own, types.get(own)):
        add(relation)
    return list(found.values())


def _span(article, text, index, doc_id):
    occ = index.by_id.get(doc_id)
    start, end = (occ.type_start, occ.end) if occ else (0, 0)
    return evidence(article, Sentence(start, end, text[start:end]), start, end, EXTRACTOR)


_SEMICOLON = re.compile(";")
_AND = re.compile(r"(?<!\w)và(?!\w)")


def _clauses(text: str, sentence: Sentence):
    pos = sentence.start
    for match in _SEMICOLON.finditer(text, sentence.start, sentence.end):
        yield pos, match.start()
        pos = match.end()
    yield pos, sentence.end


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
    passive = _PASSIVE_BEFORE.search(text, max(0, verb.start() - 12), verb.start()) and \
        _PASSIVE_AFTER.match(text, verb.end())
    targets = _coordinated(text, after)
    if sources and _listed(text, before[:len(before) - len(sources) + 1]):
        targets = targets[:1]  # `A, B thực hiện X và C`: `và C` ends the list A, B, …, not B's targets
    for source in sources:
        for target in targets:
            if source != target:
                span = evidence(article, sentence, min(verb.start(), after[0][0]), after[0][1], EXTRACTOR)
                yield DocRelation(target, rel, source, span) if passive else DocRelation(source, rel, target, span)


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
        if _AND.search(link) and len(link) < 90 and not any(p.search(link) for _, p in RELATION_VERBS):
            sources.insert(0, before[i - 1][2])
        else:
            break
    return sources


def _listed(text: str, before) -> bool:
    """The last of `before` is a later item of a comma list of documents (`A …, B`)."""
    if len(before) < 2:
        return False
    link = text[before[-2][1]:before[-1][0]]
    return bool(_LIST_COMMA.fullmatch(link)) and not any(p.search(link) for _, p in RELATION_VERBS)


def _coordinated(text: str, after) -> list[str]:
    targets = [after[0][2]]
    for prev, nxt in zip(after, after[1:]):
        link = text[prev[1]:nxt[0]]
        if _AND.search(link) and len(link) < 90 and not any(
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
    index = Index([Occurrence(o.type_start, o.start, o.end, known[key(o.id)], o.written, True)
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
