"""What a store keeps of an article so that settling can resolve it again without extracting it
again: the article's extraction (names, numbers and evidence as written), with each evidence
sentence replaced by its number in the article's stored sentences.

Only articles with a dateless document mention need it (`Facts.extraction` is set for them):
their facts depend on which dated documents of the same number are known, which changes as
articles arrive and are forgotten (`kg.settle`).
"""
from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import fields

from kg.model import node_id, schema
from kg.facts import (Article, DocRelation, DocumentMention, Evidence, Extraction, MeetingDocument,
                      MeetingMention, NamedMention, PersonMention)

KINDS = {"persons": PersonMention, "meetings": MeetingMention, "documents": DocumentMention,
         "doc_relations": DocRelation, "meeting_documents": MeetingDocument,
         "provinces": NamedMention, "organizations": NamedMention}
# the field names per kind, once: `fields()` per mention was a tenth of `keep`
FIELDS = {kind: tuple(f.name for f in fields(cls)) for kind, cls in KINDS.items()}


def dated_base(node: str) -> str | None:
    """`doc:hau-giang:20-ct-tu-2016` → `doc:hau-giang:20-ct-tu`; None for any other id."""
    match = schema().nodes["Document"].id_pattern.match(node)
    return node_id("Document", scope=match["scope"], number=match["number"]) if match and match["year"] else None


def keep(extraction: Extraction, number: Callable[[str], int]) -> bytes:
    """The extraction as compressed JSON (it is read only when settling, and a fifth of the size
    of the text); `number(sentence)` gives a sentence's number in the article."""
    def evidence(ev: Evidence) -> list:
        return [ev.start, ev.end, number(ev.sentence), ev.extractor]

    def value(v):
        if isinstance(v, Evidence):
            return evidence(v)
        return {k: evidence(e) for k, e in v.items()} if isinstance(v, dict) else v

    body = json.dumps({kind: [[value(getattr(m, name)) for name in FIELDS[kind]] for m in getattr(extraction, kind)]
                       for kind in KINDS if getattr(extraction, kind)}, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(body.encode("utf-8"))


def restore(body: bytes | str, article: Article, sentences: dict[int, str]) -> Extraction:
    """The extraction `keep` wrote (or, in a store of user_version 1, its JSON uncompressed),
    for `article`, with the sentences by number."""
    def evidence(v: list) -> Evidence:
        return Evidence(article.id, v[0], v[1], sentences[v[2]], v[3])

    def value(name: str, v):
        if name == "evidence":
            return evidence(v)
        return {k: evidence(e) for k, e in v.items()} if name == "post_evidence" else v

    kept = json.loads(zlib.decompress(body) if isinstance(body, bytes) else body)
    extraction = Extraction(article)
    for kind, cls in KINDS.items():
        names = FIELDS[kind]
        setattr(extraction, kind, [cls(**{n: value(n, v) for n, v in zip(names, row)})
                                   for row in kept.get(kind, [])])
    return extraction
