"""Article → Extraction: the article prepared once, then every extractor in the order their
inputs need; spans are mapped back to the article's own text at the end."""
from __future__ import annotations

from dataclasses import fields

from kg.facts import Article, Extraction
from loaders.extract.meetings import extract_meetings
from loaders.extract.persons import extract_persons
from loaders.extract.places import extract_organizations, extract_provinces
from loaders.extract.prepared import Prepared
from loaders.extract.relations import extract_meeting_documents, extract_relations
from loaders.extract.titles import extract_documents


def extract(article: Article) -> Extraction:
    doc = Prepared(article)
    persons = extract_persons(doc)
    documents = extract_documents(doc)
    meetings = extract_meetings(doc, persons)
    relations = extract_relations(doc, documents)
    found = Extraction(
        article=article, persons=persons, meetings=meetings, documents=documents,
        doc_relations=relations,
        meeting_documents=extract_meeting_documents(doc, meetings, documents, relations),
        provinces=extract_provinces(doc, persons),
        organizations=extract_organizations(doc))
    if doc.article is not article:
        _map_evidence(found, doc)
    return found


def _map_evidence(found: Extraction, doc: Prepared) -> None:
    """Offsets found on the cleaned text, moved onto the article's own text."""
    for group in fields(found):
        if group.name == "article":
            continue
        for mention in getattr(found, group.name):
            mention.evidence = doc.to_original(mention.evidence)
            extra = getattr(mention, "post_evidence", None)
            if extra:
                mention.post_evidence = {post: doc.to_original(ev) for post, ev in extra.items()}
