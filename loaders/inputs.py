"""What `kg ingest PATH…` reads: files, folders, FIFOs and stdin, each with a stable article id.

An article's id is unique and stable across runs: its canonical URL when it has one (decided by
the readers), else its path (`loaders.readers.file_id`), else — stdin, or a FIFO named on the
command line — a hash of its content. A folder contributes regular files in article formats only: a
FIFO inside a folder would block the run for good, and notes (README.md) are no articles.
"""
from __future__ import annotations

import fnmatch
import io
import os
import stat
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.facts import Article
from loaders.detect import without_surrogates
from loaders.readers import file_id, read_path, read_stream

ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".json", ".gz")


class Skipped(InputError):
    """An input left out on purpose (a FIFO or device in a folder, notes): a warning, no failure."""

    def __reduce__(self):
        return Skipped, (self.source, self.reason, self.line)


@dataclass(frozen=True)
class Source:
    path: Path
    article_id: str | None  # None: identify the content by its hash (stdin, a FIFO)


def expand_inputs(inputs: Iterable[str], include: Iterable[str] = (),
                  exclude: Iterable[str] = ()) -> Iterator[str | Path | InputError]:
    """Files as given, folders recursively (sorted; hidden entries skipped; only article formats
    unless `include` globs say which files; `exclude` globs leave files out; globs match a file's
    name or its path under the folder), `-` for standard input."""
    for item in sources(inputs, include, exclude):
        yield item.path if isinstance(item, Source) else item


def sources(inputs: Iterable[str], include: Iterable[str] = (),
            exclude: Iterable[str] = ()) -> Iterator[Source | str | InputError]:
    include, exclude = list(include), list(exclude)
    for item in inputs:
        path = Path(item)
        if item == "-":
            yield item
        elif path.is_dir():
            yield from _walk(path, include, exclude)
        else:
            yield Source(path, None if _is_fifo(path) else file_id(path))


def _walk(root: Path, include: list[str], exclude: list[str]) -> Iterator[Source | InputError]:
    errors: list[OSError] = []
    other_formats: Counter[str] = Counter()  # suffix → files left out for their format
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if _wanted(path.relative_to(root).as_posix(), name, include, exclude, other_formats):
                kind = _not_regular(path)
                yield Skipped(str(path), f"{kind}, not a regular file: skipped (name it on the command line "
                                         "to read it)") if kind else Source(path, file_id(path, root))
        while errors:
            exc = errors.pop(0)
            yield InputError(str(exc.filename or root), "permission denied (cannot list the folder)"
                             if isinstance(exc, PermissionError) else exc.strerror or str(exc))
    if other_formats:
        yield _left_out(root, other_formats)


def _wanted(rel: str, name: str, include: list[str], exclude: list[str], other_formats: Counter[str]) -> bool:
    """Not hidden nor excluded, and included (by default: an article format, else counted)."""
    if name.startswith(".") or _matches(rel, name, exclude):
        return False
    if include:
        return _matches(rel, name, include)
    if name.lower().endswith(ARTICLE_SUFFIXES):
        return True
    other_formats[Path(name).suffix.lower() or "no suffix"] += 1
    return False


def _left_out(root: Path, other_formats: Counter[str]) -> Skipped:
    kinds = ", ".join(f"{n} {suffix}" for suffix, n in sorted(other_formats.items()))
    count = sum(other_formats.values())
    return Skipped(str(root), f"{count} {'file' if count == 1 else 'files'} in other formats skipped ({kinds}); "
                              "--include GLOB takes them")


def _matches(rel: str, name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)


def _not_regular(path: Path) -> str | None:
    """'a FIFO' and the like for what is not a regular file (a broken link is left to the reader)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device")):
        if test(mode):
            return kind
    return None


def _is_fifo(path: Path) -> bool:
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:
        return False


def read_inputs(inputs: Iterable[str], fmt: str | None = None, include: Iterable[str] = (),
                exclude: Iterable[str] = ()) -> Iterator[Article | InputError]:
    """Every article (or error, or `Skipped` note) from files, folders and `-`; `fmt` overrides
    content sniffing."""
    for item in sources(inputs, include, exclude):
        if isinstance(item, InputError):
            yield item
        elif item == "-":
            yield from read_stream(_stdin(), "<stdin>", None, fmt)
        elif not item.path.exists():
            yield InputError(str(item.path), "no such file or directory")
        else:
            yield from read_path(item.path, fmt, item.article_id)


def _stdin():
    stdin = getattr(sys.stdin, "buffer", None)
    if stdin is None:  # a text-only stdin (embedding, tests)
        stdin = io.BytesIO(without_surrogates(sys.stdin.read()).encode("utf-8"))
    return stdin
