"""Extraction (names as written) → Facts (nodes with ids, edges with evidence).

Identity rules live in `kg.identity`; the one decision that needs the store is a document
mention without a year, which joins the single known document it can only be.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from kg.facts import Evidence, Extraction
from kg.gazetteer import Province, lookup
from kg.graph import Facts, Node
from kg.identity import (article_province, document_key, org_identity, person_id, person_scope,
                         post_identity)
from kg.model import node_id, schema
from kg.vocab import org_patterns

KnownDocuments = Callable[[str], list[str]]  # base id → ids of stored documents


def resolve(extraction: Extraction, known: KnownDocuments = lambda base: []) -> Facts:
    article = extraction.article
    facts = Facts(article)
    province = article_province(article.province_context, [p.name for p in extraction.provinces])
    root = Evidence(article.id, 0, 0, article.title or "", "reader")
    article_id = facts.add_node(Node(node_id("Article", article=article.id), "Article", article.title or article.id,
                                     _article_props(article)), root)
    _provinces(facts, extraction, article_id)
    persons = _persons(facts, extraction, province, article_id)
    documents = _documents(facts, extraction, province, article_id, known)
    _meetings(facts, extraction, province, article_id, persons, documents)
    for relation in extraction.doc_relations:
        if relation.source in documents and relation.target in documents:
            facts.add_edge(documents[relation.source], schema().edge_for_relation(relation.rel),
                           documents[relation.target], relation.evidence)
    for org in extraction.organizations:
        _organization(facts, org.name, province, org.evidence, article_id)
    return facts


def _article_props(article) -> dict:
    props = {"url": article.url, "published": article.published, "views": article.views,
             "section": article.section, "title": article.title}
    return {k: v for k, v in props.items() if v is not None}


def _province_node(facts: Facts, province: Province, evidence: Evidence) -> str:
    node = Node(node_id("Province", name=province.slug), "Province", province.name,
                {"code": province.code, "current": province.current})
    return facts.add_node(node, evidence, province.name)


def _provinces(facts: Facts, extraction: Extraction, article_id: str) -> None:
    for mention in extraction.provinces:
        province = lookup(mention.name)
        if province:
            node = _province_node(facts, province, mention.evidence)
            facts.add_edge(article_id, "MENTIONS", node, mention.evidence)


def _persons(facts: Facts, extraction: Extraction, province, article_id: str) -> dict[str, str]:
    ids = {}
    author = extraction.article.author
    for person in extraction.persons:
        scope = person_scope(person.posts, province)
        node_id = facts.add_node(Node(person_id(person.name, scope), "Person", person.name),
                                 person.evidence, person.name)
        ids[person.name] = node_id
        facts.add_edge(article_id, "MENTIONS", node_id, person.evidence)
        if person.credit or (author and person.name == author):
            facts.add_edge(article_id, "AUTHORED_BY", node_id, person.evidence, role=person.credit or "author")
        for post in person.posts:
            evidence = person.post_evidence.get(post, person.evidence)
            post_id = _post(facts, post, province, evidence)
            facts.add_edge(node_id, "HOLDS", post_id, evidence, attested=extraction.article.published)
    return ids


def _post(facts: Facts, post: str, province, evidence: Evidence) -> str:
    post_id, display, scope = post_identity(post, province)
    node_id = facts.add_node(Node(post_id, "Post", display, {"scope": scope}), evidence, post)
    org = _org_in_post(display)
    if org:
        org_id = _organization(facts, org, lookup(scope) if scope not in ("central", "unknown") else None,
                               evidence, None)
        facts.add_edge(node_id, "POST_IN", org_id, evidence)
    return node_id


@lru_cache(maxsize=1)
def _post_org_regexes() -> list[re.Pattern]:
    return [re.compile(p.replace("{place}", r"(?: [\wÀ-ỹ\- ]+)?")) for p in org_patterns()]


@lru_cache(maxsize=8192)  # a few hundred posts recur across a corpus
def _org_in_post(post: str) -> str | None:
    """`Bí thư Tỉnh ủy Hậu Giang` → `Tỉnh ủy Hậu Giang` (the longest organisation inside)."""
    best = None
    for regex in _post_org_regexes():
        for match in regex.finditer(post):
            if match.group(0).startswith("Thường trực") and post[:match.start()].endswith("Bí thư "):
                continue  # "Phó Bí thư Thường trực Tỉnh ủy" is a post in the Tỉnh ủy
            if best is None or len(match.group(0)) > len(best):
                best = match.group(0)
    return best


def _organization(facts: Facts, name: str, province, evidence: Evidence, article_id) -> str:
    org_id, display, scope = org_identity(name, province)
    node_id = facts.add_node(Node(org_id, "Organization", display, {"scope": scope}), evidence, name)
    if scope not in ("central", "unknown") and lookup(scope.replace("-", " ")):
        facts.add_edge(node_id, "IN_PROVINCE", _province_node(facts, lookup(scope.replace("-", " ")),
                                                              evidence), evidence)
    if article_id:
        facts.add_edge(article_id, "MENTIONS", node_id, evidence)
    return node_id


def _documents(facts: Facts, extraction: Extraction, province, article_id: str,
               known: KnownDocuments) -> dict[str, str]:
    """Document nodes; a mention without a year joins the one dated document `known` gives
    for its number, or stays the number's unresolved node."""
    ids = {}
    for doc in extraction.documents:
        doc_key = document_key(doc.id, doc.type, doc.issuer, doc.date, province)
        node_id, resolved = doc_key.id, True
        if doc_key.year is None:
            facts.extraction = extraction  # kept, so that settling can resolve this again
            candidates = [c for c in known(doc_key.base) if c != doc_key.base]
            if len(candidates) == 1:
                node_id = candidates[0]
            resolved = len(candidates) <= 1
        props = {"number": doc.id, "doc_type": doc.type, "issuer": doc.issuer, "date": doc.date,
                 "scope": doc_key.scope, "resolved": resolved}
        node = Node(node_id, "Document", doc.id, {k: v for k, v in props.items() if v is not None})
        ids[doc.id] = facts.add_node(node, doc.evidence, doc.id)
        # a dateless mention is marked so that kg.settle can find it when candidates change
        facts.add_edge(article_id, "MENTIONS", node_id, doc.evidence,
                       **({"dateless": True} if doc_key.year is None else {}))
        if doc.issuer:
            facts.add_edge(node_id, "ISSUED_BY", _organization(facts, doc.issuer, province, doc.evidence,
                                                               None), doc.evidence)
    return ids


def _meetings(facts, extraction, province, article_id, persons, documents) -> None:
    ids = {}
    for n, meeting in enumerate(extraction.meetings):
        meeting_id = node_id("Meeting", article=extraction.article.id, n=n + 1)
        props = {"date": meeting.date} if meeting.date else {}
        ids[meeting.name] = facts.add_node(Node(meeting_id, "Meeting", meeting.name, props),
                                           meeting.evidence, meeting.name)
        facts.add_edge(article_id, "REPORTS", meeting_id, meeting.evidence)
        if province:
            facts.add_edge(meeting_id, "HELD_IN", _province_node(facts, province, meeting.evidence),
                           meeting.evidence)
        for edge_type, names in (("CHAIRED_BY", meeting.chairs), ("SPEAKER", meeting.speakers),
                                 ("ATTENDEE", meeting.attendees)):
            for name in names:
                if name in persons:
                    facts.add_edge(meeting_id, edge_type, persons[name], meeting.evidence)
    for act in extraction.meeting_documents:
        if act.meeting in ids and act.document in documents:
            facts.add_edge(ids[act.meeting], "ACTS_ON", documents[act.document], act.evidence,
                           action=act.action)
