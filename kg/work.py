"""One article's work before the store, the same in the ingesting process and in a `--workers`
process (`kg.parallel`): skipped when stored with the same content, else extracted and resolved
within its time budget, and made ready for the store.
"""
from __future__ import annotations

from collections.abc import Callable

from kg.budget import OverBudget, article_budget
from kg.facts import Article
from kg.graph import Facts
from kg.resolver import KnownDocuments
from kg.settle import resolved
from kg.stores.base import Store
from loaders.extract import extract


class Unchanged:
    """The outcome of an article the store holds with the same content: not extracted again."""


def unchanged_in(store: Store, article: Article) -> bool:
    try:
        return store.stored_hash(article.id) == article.content_hash
    except UnicodeError:  # text that cannot be hashed fails where it is stored, as that article's error
        return False


def facts_for(article: Article, known: KnownDocuments) -> Facts:
    return resolved(extract(article), known)


def extracted(article: Article, known: KnownDocuments, prepare: Callable[[Facts], object],
              seconds: float) -> object:
    """Facts (or the store's rows) of one article, or that article's one-line failure: an
    extractor bug, a text the store cannot take, or extraction over its time budget never
    takes the batch down with it."""
    where = article.source or article.id
    try:
        with article_budget(seconds):
            facts = facts_for(article, known)
        return prepare(facts)
    except OverBudget:
        return (f"{where}: extraction took over {seconds:g} s, the time budget for one article "
                "(KG_ARTICLE_SECONDS raises it)")
    except Exception as exc:  # noqa: BLE001 - reported per article, the batch goes on
        return f"{where}: extraction failed ({type(exc).__name__}: {exc})"
