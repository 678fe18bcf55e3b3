"""Identity rules: which mentions are one real thing.

Persons — one node per (folded name, scope). The scope is the province a person's posts are
in (a post naming a province, else a provincial post in the article's province); a person
with only central posts (Trung ương, Chính phủ, Quốc hội, Bộ …) is scoped `central`. So the
same name in two unrelated provinces is two persons, while a provincial leader named in many
articles of one province, under any tone-mark spelling, is one.

Documents — a number is not an id. `DocumentKey` = (normalised number, scope, year):
central numbers (`/TW`, `-CP`, `-TTg`, `/QH…`, `-B…` ministries) are scoped `central`;
local Party (`/TU`, `/HU`, `/ĐU`) and state (`-UBND`, `-HĐND`) numbers are scoped to the
province of their issuer or article. The year comes from the stated date or the number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.gazetteer import Province, find_mentions, lookup
from kg.model import node_id
from kg.text import fold_tones, slug
from kg.vocab import expand

CENTRAL = "central"
_CENTRAL_POST = re.compile(
    r"(?i)trung ương|chính phủ|quốc hội|bộ chính trị|ban bí thư|thủ tướng|chủ tịch nước|bộ trưởng|"
    r"thứ trưởng|(?<!\w)bộ (?!\w*\s?chính trị)|tổng bí thư|đại sứ|thống đốc|tổng kiểm toán")
_NATIONAL_TITLE = re.compile(r"(?i)^luật |đảng$|trung ương|quốc hội|chính phủ|toàn quốc")
_MEMBERSHIP = re.compile(r"(?i)(?:nguyên )?ủy viên (?:ban chấp hành )?(?:trung ương|bộ chính trị)(?: đảng)?$")
_LOCAL_POST = re.compile(r"(?i)tỉnh|thành ủy|thành phố|huyện|quận|xã|phường|sở |hội đồng nhân dân|ủy ban nhân dân")
_CENTRAL_SCOPES = re.compile(r"(?i)/(?:TW|TƯ|T\.Ư)$|-(?:CP|TTg|VPCP|BCT|BBT)$|/QH\d*$|/(?:\d{4}/)?(?:NĐ|TT|NQ)-CP|-B[A-ZĐ]{1,8}$|/TTLT/")


@lru_cache(maxsize=16384)
def province_of_text(text: str) -> Province | None:
    found = find_mentions(fold_tones(text))
    return found[-1][2] if found else None


def person_scope(posts: list[str], article_province: Province | None) -> str:
    """The province of a person's posts; `central` only for a central position.

    Membership titles (Ủy viên Trung ương Đảng, Ủy viên Bộ Chính trị) are held by
    provincial leaders too, so alone they do not make a person central.
    """
    local_scope = article_province.slug if article_province else "unknown"
    for post in posts:
        named = province_of_text(post)
        if named and _LOCAL_POST.search(post):
            return named.slug
    positions = [p for p in posts if not _MEMBERSHIP.match(fold_tones(expand(p)))]
    if not positions or any(_LOCAL_POST.search(p) for p in positions):
        return local_scope
    return CENTRAL if any(_CENTRAL_POST.search(p) for p in positions) else local_scope


def person_id(name: str, scope: str) -> str:
    return node_id("Person", name=slug(name), scope=scope)


def _drop_place(name: str, province: Province | None) -> str:
    """`Tỉnh ủy Hậu Giang` → `Tỉnh ủy`; `Ủy ban nhân dân tỉnh An Giang` → `… tỉnh`."""
    if province is None:
        return name
    forms = [province.name.removeprefix("TP "), "Thành phố Hồ Chí Minh", "thành phố Hồ Chí Minh"]
    for form in forms:
        if fold_tones(name).endswith(" " + fold_tones(form)):
            return name[:-len(form)].rstrip()
    return name


@lru_cache(maxsize=16384)
def post_identity(post: str, article_province: Province | None) -> tuple[str, str, str]:
    """(id, display name, scope): `Bí thư Tỉnh ủy` in Hậu Giang → `Bí thư Tỉnh ủy Hậu Giang`."""
    expanded = expand(post)
    named = province_of_text(expanded)
    bare = _drop_place(expanded, named)
    if _CENTRAL_POST.search(bare) and not _LOCAL_POST.search(bare):
        return node_id("Post", name=slug(bare), scope=CENTRAL), bare, CENTRAL
    province = named or article_province
    if province is None:
        return node_id("Post", name=slug(bare), scope="unknown"), bare, "unknown"
    display = f"{bare} {province.name}" if not named else expanded
    return node_id("Post", name=slug(bare), scope=province.slug), display, province.slug


@lru_cache(maxsize=16384)
def org_identity(name: str, article_province: Province | None) -> tuple[str, str, str]:
    expanded = expand(name)
    named = province_of_text(expanded)
    bare = _drop_place(expanded, named)
    if _CENTRAL_POST.search(bare) and not _LOCAL_POST.search(bare) or re.search(r"(?i)^mặt trận tổ quốc", bare):
        return node_id("Organization", name=slug(bare), scope=CENTRAL), bare, CENTRAL
    province = named or article_province
    scope = province.slug if province else "unknown"
    display = expanded if named or province is None else f"{bare} {province.name}"
    return node_id("Organization", name=slug(bare), scope=scope), display, scope


@dataclass(frozen=True)
class DocumentKey:
    number: str
    scope: str
    year: int | None

    @property
    def id(self) -> str:
        return node_id("Document", scope=self.scope, number=slug(self.number), year=self.year or None)

    @property
    def base(self) -> str:
        """The id without the year: every candidate for a yearless mention shares it."""
        return node_id("Document", scope=self.scope, number=slug(self.number))


def document_key(number: str, doc_type: str | None, issuer: str | None, date: str | None,
                 article_province: Province | None) -> DocumentKey:
    year = int(date[:4]) if date and date[:4].isdigit() else _year_in_number(number)
    shown = number if not number.isdigit() else f"{doc_type or 'văn bản'} {number}"
    return DocumentKey(shown, _document_scope(number, issuer, article_province), year)


def _year_in_number(number: str) -> int | None:
    match = re.search(r"/((?:19|20)\d\d)/", number)
    return int(match.group(1)) if match else None


def _document_scope(number: str, issuer: str | None, article_province: Province | None) -> str:
    issuer_province = province_of_text(issuer) if issuer else None
    if issuer_province:
        return issuer_province.slug
    if _CENTRAL_SCOPES.search(number) or (issuer and _CENTRAL_POST.search(issuer) and not _LOCAL_POST.search(issuer)):
        return CENTRAL
    if not number[:1].isdigit() and _NATIONAL_TITLE.search(number) and not _LOCAL_POST.search(number):
        return CENTRAL  # Luật …, Điều lệ Đảng, Nghị quyết Đại hội XIII của Đảng
    return article_province.slug if article_province else "unknown"


def article_province(context: str | None, mentions: list[str]) -> Province | None:
    """The article's province: its stated context, else the most named province."""
    if context and lookup(context):
        return lookup(context)
    counts: dict[str, int] = {}
    for name in mentions:
        counts[name] = counts.get(name, 0) + 1
    best = max(counts, key=counts.get) if counts else None
    return lookup(best) if best else None

