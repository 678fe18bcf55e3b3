"""What extractors produce: article metadata and mentions, each with its evidence span.

These are text-level facts (names as written, no ids yet); the resolver turns them into
graph nodes and edges. `Extraction.to_gold()` gives the corpus gold shape.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields


@dataclass
class Article:
    id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date, possibly reduced precision (YYYY-MM, YYYY)
    section: str | None = None
    views: int | None = None
    author: str | None = None
    images: list[dict] = field(default_factory=list)
    province_context: str | None = None
    source: str | None = None
    encoding: str | None = None

    @property
    def content_hash(self) -> str:
        payload = "\x1f".join([self.text, self.title or "", self.published or "",
                               self.province_context or ""])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    @property
    def year(self) -> int | None:
        return int(self.published[:4]) if self.published and self.published[:4].isdigit() else None

    def meta(self) -> dict:
        """Every field but the text (a shallow copy: `asdict` deep-copies, slowly)."""
        return {f.name: [dict(i) for i in self.images] if f.name == "images" else getattr(self, f.name)
                for f in fields(self) if f.name != "text"}


@dataclass(frozen=True)
class Evidence:
    article_id: str
    start: int
    end: int
    sentence: str
    extractor: str


@dataclass
class PersonMention:
    name: str
    posts: list[str]
    evidence: Evidence
    post_evidence: dict[str, Evidence] = field(default_factory=dict)
    credit: str | None = None  # author | photo | signer: the article credits this person


@dataclass
class MeetingMention:
    name: str
    date: str | None
    evidence: Evidence
    chairs: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    attendees: list[str] = field(default_factory=list)


@dataclass
class DocumentMention:
    id: str
    type: str | None
    issuer: str | None
    date: str | None
    evidence: Evidence


@dataclass
class DocRelation:
    source: str
    rel: str
    target: str
    evidence: Evidence


@dataclass
class MeetingDocument:
    meeting: str
    document: str
    action: str
    evidence: Evidence


@dataclass
class NamedMention:
    """A province or organisation as written."""
    name: str
    evidence: Evidence


@dataclass
class Extraction:
    article: Article
    persons: list[PersonMention] = field(default_factory=list)
    meetings: list[MeetingMention] = field(default_factory=list)
    documents: list[DocumentMention] = field(default_factory=list)
    doc_relations: list[DocRelation] = field(default_factory=list)
    meeting_documents: list[MeetingDocument] = field(default_factory=list)
    provinces: list[NamedMention] = field(default_factory=list)
    organizations: list[NamedMention] = field(default_factory=list)

    def to_gold(self) -> dict:
        """The corpus gold shape (`../shared/corpus/README.md`), for eval and `kg extract`."""
        return {
            "id": self.article.id,
            "persons": [{"name": p.name, "posts": list(p.posts)} for p in self.persons],
            "meetings": [{"name": m.name, "date": m.date, "chairs": m.chairs,
                          "speakers": m.speakers, "attendees": m.attendees} for m in self.meetings],
            "documents": [{"id": d.id, "type": d.type, "issuer": d.issuer, "date": d.date}
                          for d in self.documents],
            "doc_relations": [{"from": r.source, "rel": r.rel, "to": r.target}
                              for r in self.doc_relations],
            "meeting_documents": [{"meeting": m.meeting, "document": m.document, "action": m.action}
                                  for m in self.meeting_documents],
            "provinces": _unique(p.name for p in self.provinces),
            "organizations": _unique(o.name for o in self.organizations),
        }


def _unique(names) -> list[str]:
    return list(dict.fromkeys(names))
