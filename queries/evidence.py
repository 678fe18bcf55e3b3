"""Why the graph says something: the article and sentence behind each claim, with the span.

A source is {"article", "outlet", "published", "url", "title", "sentence", "span"}: `span` is
[start, end] of the claimed words inside `sentence` (None when they cannot be placed)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from kg.graph import Edge
from kg.model import id_prefix
from kg.stores.base import Store

_CHAIR = re.compile(r"(?i)chủ trì|chủ tọa|chủ toạ|điều hành")


class Articles:
    """Articles read once per answer (several claims cite the same article)."""

    def __init__(self, store: Store):
        self.store, self._seen = store, {}

    def get(self, article_id: str) -> dict:
        article_id = article_id.removeprefix(id_prefix("Article"))
        if article_id not in self._seen:
            self._seen[article_id] = self.store.article(article_id) or {"id": article_id, "text": ""}
        return self._seen[article_id]


def article_ref(article: dict, article_id: str) -> dict:
    url = article.get("url")
    return {"article": article_id, "outlet": urlsplit(url).hostname if url else None,
            "published": article.get("published"), "url": url, "title": article.get("title")}


def edge_source(articles: Articles, edge: Edge) -> dict:
    """One claim's source: its article, and the sentence with the claimed words placed."""
    article_id = (edge.article_id or "").removeprefix(id_prefix("Article"))
    article = articles.get(article_id)
    found = {**article_ref(article, article_id), "sentence": None, "span": None}
    if edge.evidence:
        found["sentence"] = edge.evidence.sentence
        found["span"] = _span_in_sentence(article.get("text") or "", edge.evidence.start, edge.evidence.end,
                                          edge.evidence.sentence)
    return found


def chair_source(articles: Articles, edge: Edge, names: list[str]) -> dict:
    """A chair's source is the sentence saying who chaired ("… chủ trì …") that names the
    person, not the meeting's title; the claim's own sentence when the article has none."""
    found = edge_source(articles, edge)
    text = articles.get(found["article"]).get("text") or ""
    from kg.sentences import sentences
    for sentence in sentences(text):
        verb = _CHAIR.search(sentence.text)
        named = [sentence.text.find(n) for n in names if n and n in sentence.text]
        if verb and named:
            start = min(named)
            end = max(sentence.text.find(n) + len(n) for n in names if n and n in sentence.text)
            return {**found, "sentence": sentence.text, "span": [start, end]}
    return found


def _span_in_sentence(text: str, start: int, end: int, sentence: str) -> list[int] | None:
    """Where the article's [start, end) falls inside `sentence` (a verbatim slice of it)."""
    at = text.rfind(sentence, 0, start + 1) if sentence else -1
    if at >= 0 and start - at + (end - start) <= len(sentence):
        return [start - at, end - at]
    words = text[start:end]
    inside = sentence.find(words) if words and sentence else -1
    return [inside, inside + len(words)] if inside >= 0 else None


def sources_of(store: Store, edges: list[Edge]) -> list[dict]:
    articles = Articles(store)
    seen, found = set(), []
    for edge in sorted(edges, key=lambda e: e.article_id or ""):
        source = edge_source(articles, edge)
        if (source["article"], source["sentence"]) not in seen:
            seen.add((source["article"], source["sentence"]))
            found.append(source)
    return found
