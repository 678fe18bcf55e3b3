"""Named relationship queries, each written once against the `Store` interface."""
from queries.coverage import coverage
from queries.documents import document, lineage, unresolved_documents
from queries.meetings import meetings, who_chaired
from queries.overview import articles, path, search, stats, why
from queries.people import chaired, holders, person_profile

__all__ = ["chaired", "who_chaired", "meetings", "person_profile", "holders", "document",
           "lineage", "unresolved_documents", "search", "stats", "path", "coverage", "why", "articles"]
