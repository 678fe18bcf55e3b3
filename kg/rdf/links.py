"""`owl:sameAs` identity links, emitted in the subject block of the node they are about.

- A province IRI and its Wikidata item, from `kg/data/province_wikidata.tsv` (written offline
  by `bench/province_wikidata.py` from a package's shipped table, with its source in the header).
- Two province-scoped nodes of one person. kg keys a person by (folded name, scope), so a
  leader moved from one province to another is two nodes until evidence joins them: the
  evidence kg takes is the same folded name holding the same provincial post (an article in
  province B naming "X, Bí thư Tỉnh ủy B, nguyên Bí thư Tỉnh ủy A" gives X@B a post of A that
  X@A holds; "nguyên" (former) names the same post). Posts at the centre (Ủy viên Trung ương, Bộ trưởng …) are shared by too many people to join anyone.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from kg.model import id_prefix
from kg.vocab import entries

WIKIDATA = "https://www.wikidata.org/entity/"
POST = id_prefix("Post")
_NOT_PROVINCIAL = ("central", "unknown")


@lru_cache(maxsize=1)
def province_items() -> dict[str, str]:
    """Province node id → Wikidata Q-id."""
    rows = [line.split("\t") for line in entries("province_wikidata.tsv")[1:]]  # after the column names
    return {row[0]: row[4] for row in rows}


def wikidata_iri(qid: str) -> str:
    return WIKIDATA + qid


def _name(person_id: str) -> str:
    return person_id.rpartition("@")[0]


def _provincial(post_id: str) -> bool:
    return post_id.rpartition("@")[2] not in _NOT_PROVINCIAL


def _post_key(post_id: str) -> str:
    return POST + post_id.removeprefix(POST).removeprefix("nguyen-")


def same_persons(holds: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Person id → the other nodes of that person, from (person, post) pairs of HOLDS edges."""
    by_post: dict[str, set[str]] = {}
    for person, post in holds:
        if _provincial(post):
            by_post.setdefault(_post_key(post), set()).add(person)
    links: dict[str, set[str]] = {}
    for persons in by_post.values():
        for person in persons:
            links.setdefault(person, set()).update(p for p in persons if p != person and _name(p) == _name(person))
    return {person: sorted(others) for person, others in links.items() if others}


def co_holders(post: str, holders: Callable[[str], list[str]]) -> set[str]:
    """Holders of a post and of its "nguyên" form (or, for that form, of the post itself)."""
    bare = _post_key(post).removeprefix(POST)
    return {h for variant in (POST + bare, POST + "nguyen-" + bare) for h in holders(variant)}


def same_persons_of(person: str, posts: Iterable[str], holders: Callable[[str], list[str]]) -> list[str]:
    """The other nodes of one person, given the posts it holds and each post's holders."""
    posts = [p for p in set(posts) if _provincial(p)]
    pairs = [(h, _post_key(post)) for post in posts for h in co_holders(post, holders)]
    return same_persons(pairs + [(person, post) for post in posts]).get(person, [])
