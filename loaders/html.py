"""HTML article pages → `Article`, through trafilatura's main-content extraction.

trafilatura finds the article body and its metadata (title, date, author, section, canonical
URL); around it we only add what it drops: image captions, the view count portals print
("Lượt xem: 1.024"), the "saved from url=" mark browsers leave in saved pages, and the
outlet's province from `kg/data/outlets.tsv` (extended by files named in KG_OUTLETS).
"""
from __future__ import annotations

import logging
import os
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import InputError, KgError
from kg.facts import Article
from kg.text import nfc
from loaders.detect import without_surrogates

OUTLETS = Path(__file__).resolve().parents[1] / "kg" / "data" / "outlets.tsv"
MIN_BODY = 40  # characters: less than this is navigation, not an article
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.IGNORECASE)
_VIEWS = re.compile(r"(?:Lượt xem|Số lần xem|Lượt đọc|Lượt truy cập)\s*:?\s*\]?\s*([\d][\d.,]*)", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
_extra_outlets: list[str] = []
# trafilatura and its helpers log page problems as warnings; with no handler configured Python
# would print them to stderr. Our caller reports the page's one error line; logs still reach
# handlers an application configures on the root logger.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


def read_html_article(html: str, source: str, article_id: str, url: str | None = None,
                      encoding: str | None = None) -> Article | InputError:
    """One saved page; `InputError` when the page has no article body. Its id is its URL (the
    one given, the "saved from" mark, or the page's canonical link), else `article_id`."""
    import trafilatura
    from trafilatura.utils import load_html

    html = nfc(without_surrogates(html))
    url = url or _saved_from(html)
    try:
        tree = load_html(html)
        captions, views = (_captions(tree), _views(tree)) if tree is not None else ({}, None)
        doc = trafilatura.bare_extraction(tree if tree is not None else html, url=url, with_metadata=True,
                                          include_images=True, include_comments=False, include_tables=True)
    except Exception as exc:  # noqa: BLE001 - a third-party parser on untrusted bytes: this page fails
        return InputError(source, f"HTML could not be parsed ({type(exc).__name__}: {exc})")
    images, text = _body(doc, captions) if doc is not None else ([], "")
    title = _clean(doc.title) or None if doc is not None else None
    first, _, rest = text.partition("\n")
    if title and first == title:
        text = rest.strip()
    if len(text) < MIN_BODY:
        return InputError(source, "HTML page has no article body (main-content extraction found no text)")
    if title:  # as the portal text reader: "title\n\nbody"
        text = f"{title}\n\n{text}"
    page_url = url or (_canonical(tree) if tree is not None else None) or doc.url
    return Article(id=page_url or article_id, text=text, title=title, url=page_url, published=doc.date or None,
                   section=_clean((doc.categories or [None])[0]) or None, views=views,
                   author=_clean(doc.author) or None, images=images,
                   province_context=outlet_province(page_url or doc.hostname or "")
                   or site_province(_site_names(doc, tree)),
                   source=source, encoding=encoding)


def _body(doc, captions: dict[str, str]) -> tuple[list[dict], str]:
    """Paragraph text in order, and each image with its caption (the caption also kept as text)."""
    blocks, images = [], []
    if doc.body is None:
        return images, ""
    for block in doc.body:
        text = _clean(" ".join(block.itertext()))
        if text:
            blocks.append(text)
        for graphic in ([block] if block.tag == "graphic" else block.iter("graphic")):
            src = graphic.get("src") or ""
            caption = (captions.get(src) or captions.get(_file(src))
                       or _clean(graphic.get("title") or graphic.get("alt")) or None)
            images.append({"file": _file(src), "caption": caption, "src": src})
            if caption and caption not in text:
                blocks.append(caption)
    return images, "\n".join(blocks).strip()


def _captions(tree) -> dict[str, str]:
    """Image src → caption: <figcaption>, or the next table row portals put under an image."""
    found = {}
    for img in tree.iter("img"):
        src = img.get("src") or img.get("data-src")
        if not src:
            continue
        figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
        caption = figure is not None and next(figure.iter("figcaption"), None)
        if caption is None or caption is False:
            row = next((a for a in img.iterancestors() if a.tag == "tr"), None)
            caption = row.getnext() if row is not None else None
        text = _clean(" ".join(caption.itertext())) if caption is not None else ""
        if text:
            found[src] = found[_file(src)] = text  # trafilatura may have made `src` absolute
    return found


def _file(src: str) -> str:
    return src.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or src


def _views(tree) -> int | None:
    for element in tree.iter():
        if element.tag in ("script", "style") or not isinstance(element.tag, str):
            continue
        match = _VIEWS.search(" ".join(t for t in (element.text, element.tail) if t))
        if match and re.sub(r"\D", "", match.group(1)):
            return int(re.sub(r"\D", "", match.group(1))[:15])
    return None


def _canonical(tree) -> str | None:
    """The page's own absolute URL: its canonical link, else its Open Graph URL (trafilatura
    reads the first only for host names it recognises, and never the second)."""
    links = [link.get("href") for link in tree.iter("link") if "canonical" in (link.get("rel") or "").lower()]
    metas = [meta.get("content") for meta in tree.iter("meta")
             if (meta.get("property") or meta.get("name") or "").lower() == "og:url"]
    return next((u.strip() for u in links + metas if u and u.strip().lower().startswith(("http://", "https://"))),
                None)


def _site_names(doc, tree) -> list[str]:
    """What the page calls its site: trafilatura's `sitename`, `og:site_name`, and the last part
    of the `<title>` after " - " or " | " (`… - Cổng thông tin điện tử tỉnh Hà Tĩnh`)."""
    names = [doc.sitename or ""] if doc is not None else []
    if tree is not None:
        names += [meta.get("content") or "" for meta in tree.iter("meta")
                  if (meta.get("property") or meta.get("name") or "").lower() == "og:site_name"]
        titles = [t.text_content() for t in tree.iter("title")]
        names += [re.split(r"\s[-–|]\s", titles[0])[-1]] if titles and re.search(r"\s[-–|]\s", titles[0]) else []
    return [_clean(n) for n in names if n and n.strip()]


def site_province(names: list[str]) -> str | None:
    """The province of a provincial outlet named by its site name: one province, named there
    alone (a national outlet names none; a name naming two is no guide)."""
    from kg.gazetteer import find_mentions
    found = {p.name for name in names for _, _, p in find_mentions(name) if p}
    return found.pop() if len(found) == 1 else None


def _saved_from(html: str) -> str | None:
    match = _SAVED_FROM.search(html[:4096])
    return match.group(1) if match else None


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", nfc(text or "")).strip()


# -- outlets → province -------------------------------------------------------------------
def use_outlet_files(paths: list[str]) -> None:
    """Extra domain<TAB>province files for this process (besides KG_OUTLETS); later files win."""
    _extra_outlets[:] = [str(p) for p in paths]


def outlet_province(url: str) -> str | None:
    """The province an outlet reports on, from its URL or host name; None when unknown."""
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    table = _outlets(tuple(os.environ.get("KG_OUTLETS", "").split(os.pathsep)) + tuple(_extra_outlets))
    while host:
        if host in table:
            return table[host]
        host = host.partition(".")[2] if "." in host else ""
    return None


@lru_cache(maxsize=16)
def _outlets(extra: tuple[str, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for path in (str(OUTLETS), *(p for p in extra if p)):
        table.update(_read_outlets(Path(path)))
    return table


def _read_outlets(path: Path) -> dict[str, str]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise KgError(f"outlets file {path}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
    table = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        domain, _, province = line.partition("\t")
        if not province.strip():
            raise KgError(f"outlets file {path}:{number}: expected domain<TAB>province")
        table[domain.strip().lower().removeprefix("www.")] = nfc(province.strip())
    return table
