"""Sniffing inputs: gzip, size caps, text encoding and format, all decided from content.

Nothing here trusts a file name: `.gz` is recognised by its magic bytes, JSON Lines / HTML /
portal text by the first characters, and the encoding by BOM, UTF-8 validity, the page's
own declaration (HTML) and finally charset-normalizer (Windows-1258 and other legacy codecs).
"""
from __future__ import annotations

import codecs
import gzip
import io
import os
import math
import re
from typing import BinaryIO

from kg.errors import KgError

FORMATS = ("text", "html", "jsonl")
HEAD = 64 * 1024
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_MAGIC = ((b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
          (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"), (b"SQLite format 3\x00", "an SQLite database"),
          (b"\x7fELF", "an executable"), (b"BZh", "a bzip2 archive"), (b"\xfd7zXZ", "an xz archive"),
          (b"7z\xbc\xaf", "a 7-Zip archive"), (b"Rar!", "a RAR archive"))
_HTML = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|article|meta|title)\b", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_ALLOWED_CONTROLS = set("\t\n\r\f\v\x1f")  # \x1f: the unit separator some crawls keep
# The other control characters (Unicode category Cc: U+0000–U+001F, U+007F–U+009F); one regex
# pass over a line costs far less than a category lookup per character.
_CONTROLS = re.compile("[" + "".join(f"\\x{c:02x}" for c in [*range(0x20), *range(0x7f, 0xa0)]
                                      if chr(c) not in _ALLOWED_CONTROLS) + "]")


_SURROGATE = re.compile(r"[\ud800-\udfff]")


class Unreadable(Exception):
    """The bytes are not an article in any format we read; `str()` is the reason."""


def max_article_bytes() -> int:
    """The most one article (a text/HTML file or one JSONL line) may be: KG_MAX_ARTICLE_MB, default 10."""
    return max(1, int(positive_setting("KG_MAX_ARTICLE_MB", 10, "megabytes") * 1_000_000))


def positive_setting(variable: str, default: float, unit: str) -> float:
    """A finite positive number from the environment; anything else is the user's one-line error."""
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise KgError(f"{variable} must be a positive number of {unit}, not {text!r}")
    return value


def without_surrogates(text: str) -> str:
    """Lone surrogates (a JSON `\\udc80` escape, a broken crawler) cannot be stored or encoded as
    UTF-8: each becomes U+FFFD, as undecodable bytes do elsewhere."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def limit_text() -> str:
    return f"{max_article_bytes() / 1_000_000:g} MB"


class _Prefixed(io.RawIOBase):
    """`head` followed by the rest of `stream`: a peeked stream read from the start again."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def peek(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    """The first bytes of a stream (gzip undone) and a buffered stream from the start again."""
    head = stream.read(HEAD)
    if head[:2] == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=io.BufferedReader(_Prefixed(head, stream)))
        head = stream.read(HEAD)
    return head, io.BufferedReader(_Prefixed(head, stream), buffer_size=HEAD)


def binary_kind(head: bytes) -> str | None:
    """'binary file (looks like a PDF document)' and the like, for bytes that are no text."""
    if magic := magic_kind(head):
        return magic
    if text_codec(head) is None and b"\x00" in head:
        return "binary file (contains NUL bytes), not text"
    return None


def magic_kind(head: bytes) -> str | None:
    """What a file's magic bytes say it is, when that is a known binary format."""
    return next((f"binary file (looks like {what}), not text" for magic, what in _MAGIC if head.startswith(magic)),
                None)


def bom(raw: bytes) -> str | None:
    return next((codec for mark, codec in _BOMS if raw.startswith(mark)), None)


def text_codec(raw: bytes) -> str | None:
    """The codec a BOM names, or UTF-16 recognised without one: in Vietnamese or English text
    most characters are below U+0100, so one byte of each pair is nearly always NUL and the
    other nearly never."""
    if codec := bom(raw):
        return codec
    if b"\x00" not in raw[:HEAD]:  # the common case, at C speed: no UTF-16 without NULs
        return None
    sample = raw[:HEAD - HEAD % 2] if len(raw) % 2 == 0 or len(raw) > HEAD else raw[:-1]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= len(zeros) * 0.3 and other.count(0) <= len(other) // 100:
            return codec
    return None


def sniff(head: bytes) -> str:
    """`jsonl`, `html` or `text`, from the first characters."""
    codec = text_codec(head)
    start = head[:HEAD].decode(codec or "utf-8", "ignore").lstrip("\ufeff \t\r\n")
    if start.startswith("{"):
        return "jsonl"
    if start.startswith("<") or _HTML.search(start[:4096]):
        return "html"
    return "text"


def decode(raw: bytes, html: bool = False) -> tuple[str, str]:
    """Text and the encoding it was read with; raises `Unreadable` for binary or unknown bytes.
    (Known binary formats were already told apart by their magic bytes, see `read_stream`.)"""
    if b"\x00" not in raw and not raw.startswith(codecs.BOM_UTF8):  # most input: UTF-8, at C speed
        try:
            return _checked(raw.decode("utf-8")), "utf-8"
        except UnicodeDecodeError:
            pass
    codec = text_codec(raw)
    if codec:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as exc:
            name = codec.removesuffix("-sig").upper()
            raise Unreadable(f"invalid {name} text ({exc.reason} at byte {exc.start})") from None
        return _checked(text), codec
    kind = binary_kind(raw[:HEAD])
    if kind:
        raise Unreadable(kind)
    try:
        return _checked(raw.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared(raw) if html else None
    if declared:
        try:
            return _checked(raw.decode(declared)), declared
        except UnicodeDecodeError:
            pass
    return _detected(raw)


def _declared(raw: bytes) -> str | None:
    match = _CHARSET.search(raw[:HEAD])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return None if name in ("utf-8", "utf-16", "utf-32") else name  # UTF-8 already failed


def _detected(raw: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # loaded only for non-UTF-8 input
    best = from_bytes(raw).best()
    if best is None:
        raise Unreadable("binary file or unknown text encoding (not UTF-8, UTF-16 or a detectable legacy encoding)")
    return _checked(str(best)), best.encoding


def _checked(text: str) -> str:
    """Decoded bytes that are mostly control characters are a binary file, whatever decoded them."""
    controls = len(_CONTROLS.findall(text, 0, HEAD))
    if "\x00" in text or controls > max(2, len(text[:HEAD]) // 100):
        raise Unreadable("binary file (control characters), not text")
    return text
