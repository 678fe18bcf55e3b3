"""Article → Extraction: every extractor, in the order their inputs need."""
from __future__ import annotations

from kg.facts import Article, Extraction
from loaders.extract.titles import extract_documents
from loaders.extract.meetings import extract_meetings
from loaders.extract.persons import extract_persons
from loaders.extract.places import extract_organizations, extract_provinces
from loaders.extract.relations import extract_meeting_documents, extract_relations


def extract(article: Article) -> Extraction:
    persons = extract_persons(article)
    documents = extract_documents(article)
    meetings = extract_meetings(article, persons)
    relations = extract_relations(article, documents)
    return Extraction(
        article=article, persons=persons, meetings=meetings, documents=documents,
        doc_relations=relations,
        meeting_documents=extract_meeting_documents(article, meetings, documents, relations),
        provinces=extract_provinces(article, persons),
        organizations=extract_organizations(article))
