"""Persons and their posts.

Names are found by `loaders.extract.names`. Posts attach by the grammar of Vietnamese news:
  - after the name, comma-separated:     `Nguyễn Văn A, Ủy viên TW Đảng, Bí thư Tỉnh ủy`
  - before the name, glued or dashed:    `Bí thư Tỉnh ủy Cà Mau Trần Minh Khoa`,
                                         `Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh – Nguyễn Văn A`
  - after a verb of office:              `… được chỉ định giữ chức Bí thư Tỉnh ủy`
  - shared by a group:                   `các Ủy viên Trung ương Đảng: A, B`
A comma chain between two names goes to the earlier name unless the later one is dashed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import bisect
import re

from kg.facts import Article, PersonMention
from kg.text import fold_tones, key
from kg.vocab import expand, keyset
from loaders.extract.posts import honorific_tail, post_span, posts_after, posts_before
from loaders.extract.names import Name, find_names
from loaders.extract.spans import Sentence, evidence, is_title_word

if TYPE_CHECKING:
    from loaders.extract.prepared import Prepared

EXTRACTOR = "persons.grammar"


# A family name as a capitalised word: a sentence without one (or without an apostrophe name,
# `H'Hen Niê`) is not read for names. Case-sensitive literals let the regex engine skip ahead;
# `(?i)` would make it crawl; in one alternation with the apostrophe name the scan is slow.
_SURNAMES = sorted(keyset("surnames.txt"), key=len, reverse=True)
_SURNAME_WORD = re.compile("(?:" + "|".join(re.escape(n[:1].upper() + n[1:]) for n in _SURNAMES) + "|"
                           + "|".join(re.escape(n.upper()) for n in _SURNAMES) + r")(?![^\W\d_])")
_APOSTROPHE_NAME = re.compile(r"[A-ZĐ]['’][^\W\d_]")
_OPEN_PAREN = re.compile(r"\s*\(\s*")


def extract_persons(doc: "Prepared") -> list[PersonMention]:
    article, text = doc.article, doc.dashed
    found: dict[str, PersonMention] = {}
    words, starts = doc.chain_words, [s for s, _ in doc.chain_words]
    for sentence in doc.dashed_sentences:
        lo, hi = bisect.bisect_left(starts, sentence.start), bisect.bisect_left(starts, sentence.end)
        if lo == hi:
            continue  # no capitalised word there can open a name
        if not _SURNAME_WORD.search(text, sentence.start, sentence.end) \
                and not _APOSTROPHE_NAME.search(text, sentence.start, sentence.end):
            continue
        names = _names_with_posts(text, sentence, words[lo:hi])
        for i, name in enumerate(names):
            if i and _OPEN_PAREN.fullmatch(text, names[i - 1].end, name.start) \
                    and text.startswith(")", name.end):
                continue  # "Lê Văn A (Lê B)": an alias, not another person
            if name.cue or name.posts:
                _merge(found, article, sentence, name, text)
    _add_credits(doc, found)
    author = article.author and key(article.author)
    if author and author not in found and _looks_like_name(article.author):
        span = evidence(article, Sentence(0, 0, ""), 0, 0, "reader.byline")
        found[author] = PersonMention(article.author, [], span, credit="author")
    return list(found.values())


def _add_credits(doc: "Prepared", found: dict[str, PersonMention]) -> None:
    """By-lines, photo credits and signers are persons the article credits (no posts)."""
    for credit in doc.credits:
        written = doc.article.text[credit.start:credit.end]
        name = " ".join(w.title() for w in written.split()) if written.isupper() else written
        mention = found.get(key(name))
        if mention is None:
            line = Sentence(credit.start, credit.end, written)
            span = evidence(doc.article, line, credit.start, credit.end, "persons.credit")
            mention = found[key(name)] = PersonMention(name, [], span)
        mention.credit = mention.credit or credit.role


def _names_with_posts(text: str, sentence: Sentence, words: list[tuple[int, int]]) -> list[Name]:
    names = list(find_names(text, words, sentence.end))
    if not names:
        return names
    for i, name in enumerate(names):
        lower = names[i - 1].end if i else sentence.start
        pre = posts_before(text, lower, name.start, has_previous=i > 0)
        name.posts.extend(pre)
        name.cue = name.cue or bool(pre) or honorific_tail().search(text[lower:name.start]) is not None
    for i, name in enumerate(names):
        upper = sentence.end
        if i + 1 < len(names):
            nxt = names[i + 1]
            upper = min([nxt.start] + [s for s, _ in nxt.posts])
        name.posts.extend(posts_after(text, name.end, upper))
    _group_titles(text, sentence, names)
    return names


_GROUP_IS = re.compile(r"(?:^|(?<=[\s,:]))(?:[Hh]ai|[Bb]a|[Bb]ốn|[Cc]ác|[Nn]hững) ([^:;.,()]{3,60}?) (?:là|gồm(?: có)?)(?: các)? ")
_LIST_GAP = re.compile(r"[\s,]*(?:và\s+)?(?:(?:ông|bà|đồng chí)\s+)?")
_ASSIGNED = re.compile(
    r"(?<!\w)(?:giao|miễn nhiệm|bổ nhiệm|cử|phê chuẩn|công nhận)\s+(?:(?:chức vụ|chức danh|chức)\s+)?")


_PAREN_NOTE = re.compile(r"\s*\([^()]{0,160}\)")
_TOWARDS = re.compile(r"(?<!\w)đối với (?:ông |bà |đồng chí )?$")
_GROUP_COLON = re.compile(r"(?<!\w)(?:[Cc]ác|[Nn]hững) ([^:;.]{3,80}?)(?: gồm(?: có)?| là)?:")


def _group_titles(text: str, sentence: Sentence, names: list[Name]) -> None:
    """`các Ủy viên Trung ương Đảng: A, B` gives the shared title to every listed name;
    so do `Hai Phó Bí thư là ông A và ông B`, `các phó bí thư gồm A (…), B (…)`; and
    `miễn nhiệm chức vụ Chủ tịch UBND tỉnh đối với ông A` gives A that post."""
    for match in _GROUP_IS.finditer(text, sentence.start, sentence.end):
        span = post_span(text, match.start(1), match.end(1), anywhere=False)
        if not span or span[1] < match.end(1) - 1:
            continue
        pos = match.end()
        for name in names:
            if name.start < pos:
                continue
            gap = _LIST_GAP.fullmatch(text, pos, name.start)
            if not gap:
                break
            name.posts.insert(0, span)
            name.cue = True
            pos = name.end
            paren = _PAREN_NOTE.match(text[pos:sentence.end])
            pos += paren.end() if paren else 0
    for name in names:
        if not _TOWARDS.search(text[max(sentence.start, name.start - 30):name.start]):
            continue
        window_start = max(sentence.start, name.start - 200)
        verbs = list(_ASSIGNED.finditer(text, window_start, name.start))
        if verbs:  # `miễn nhiệm chức danh X đối với A; Y đối với B`: Y is B's
            clause = max(verbs[-1].end(), text.rfind(";", verbs[-1].end(), name.start) + 1)
            span = post_span(text, clause, name.start, anywhere=True)
            if span:
                name.posts.append(span)
                name.cue = True
    for match in _GROUP_COLON.finditer(text[sentence.start:sentence.end]):
        head_start = sentence.start + match.start(1)
        span = post_span(text, head_start, sentence.start + match.end(1), anywhere=False)
        if not span:
            continue
        for name in names:  # `các Ủy viên Trung ương Đảng: A, Bí thư …; B, Chủ tịch …`
            if name.start > span[1]:
                name.posts.insert(0, span)
                name.cue = True
    _plural_glued(text, names)


_PLURAL = re.compile(r"(?:^|(?<=[\s,:]))(?:[Cc]ác|[Nn]hững|[Hh]ai|[Bb]a)\s+$")


def _plural_glued(text: str, names: list[Name]) -> None:
    """`Các Phó Chủ tịch HĐND tỉnh A và B`: a plural title glued to the first name is the
    title of each name listed after it."""
    for i, name in enumerate(names):
        if not name.posts or not _PLURAL.search(text, max(0, name.posts[0][0] - 8), name.posts[0][0]):
            continue
        pos = name.end
        for other in names[i + 1:]:
            if not _LIST_GAP.fullmatch(text, pos, other.start) or other.posts:
                break
            other.posts.append(name.posts[0])
            other.cue = True
            pos = other.end


def _merge(found: dict, article: Article, sentence: Sentence, name: Name, text: str) -> None:
    mention = found.get(key(name.text))
    if mention is None:
        span = evidence(article, sentence, name.start, name.end, EXTRACTOR)
        written = article.text[name.start:name.end]
        written = written.title() if written.isupper() else written  # `NGUYỄN VĂN AN` → `Nguyễn Văn An`
        mention = found[key(name.text)] = PersonMention(written, [], span)
    for start, end in name.posts:
        post = _clean_post(text[start:end])
        if post:
            mention.posts = _add_post(mention.posts, post)
            mention.post_evidence.setdefault(post, evidence(article, sentence, start, end, EXTRACTOR))


_GLUED_PREFIX = re.compile(r"(?<![^\W\d_])(Q|TP|Tp)\.(?=[A-ZĐÀ-Ỹ])")
_FORMER = re.compile(r"^(Nguyên|Quyền) ")
_LEVEL_WORD = re.compile(r"(?<=ủy )(?:tỉnh|thành phố) (?=[A-ZĐ])")


def _clean_post(raw: str) -> str:
    raw = _GLUED_PREFIX.sub(r"\1. ", raw.replace("\x01", "-"))  # "Q.Tân Bình"
    post = expand(raw)
    post = _FORMER.sub(lambda m: m.group(1).lower() + " ", post)
    return post.strip(" ,.;:-–(")


def _add_post(posts: list[str], post: str) -> list[str]:
    """Variants of one post merge into the most complete form (`Bí thư Tỉnh ủy` ⊂ `… Cà Mau`)."""
    k = key(_level_free(post))
    for i, existing in enumerate(posts):
        other = key(_level_free(existing))
        if other == k:
            return posts[:i] + [post] + posts[i + 1:] if len(post) > len(existing) else posts
        if other.startswith(k + " "):
            return posts
        if k.startswith(other + " "):
            return posts[:i] + [post] + posts[i + 1:]
    return posts + [post]


def _level_free(post: str) -> str:
    """`Bí thư Thành ủy thành phố Cần Thơ` and `Bí thư Thành ủy Cần Thơ` are one post."""
    return _LEVEL_WORD.sub("", fold_tones(post))


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(is_title_word(w) for w in words)
