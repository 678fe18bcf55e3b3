"""Exporters: one registry of formats, each a writer in its own module, loaded on use.

A writer is `write(store, out: Path, base_iri: str) -> dict` and returns what it wrote
(counts), so the CLI can report it. Heavy libraries load only with their format.

An export never destroys anything: the format, base IRI and target are checked before a byte
is written; the writer fills a staging folder beside the target, and only a complete output is
renamed into place (a killed or disk-full export leaves the old file, never a truncated one);
the store itself (or its -wal/-shm) is never a target.
"""
from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from kg.errors import KgError
from kg.rdf.iri import check_base
from kg.stores.base import Store

DEFAULT_BASE_IRI = "https://kg.example.org/"

# format → (module, function, what --out names: a file or a directory)
FORMATS: dict[str, tuple[str, str, str]] = {
    "turtle": ("kg.export.rdf", "write_turtle", "file"),
    "nt": ("kg.export.rdf", "write_ntriples", "file"),
    "trig": ("kg.export.rdf", "write_trig", "file"),
    "jsonld": ("kg.export.rdf", "write_jsonld", "file"),
    "graphml": ("kg.export.networks", "write_graphml", "file"),
    "gexf": ("kg.export.networks", "write_gexf", "file"),
    "neo4j-csv": ("kg.export.neo4j", "write_csv", "directory"),
    "cypher": ("kg.export.neo4j", "write_cypher", "file"),
}
# the names other tools use (rdflib, Jena, file extensions) for the same formats
ALIASES = {"ttl": "turtle", "n-triples": "nt", "ntriples": "nt", "json-ld": "jsonld", "cql": "cypher"}
_STORE_FILES = ("", "-wal", "-shm", "-journal")


def format_name(fmt: str) -> str:
    name = ALIASES.get(fmt.lower(), fmt.lower())
    if name not in FORMATS:
        raise KgError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)}; "
                      f"also {', '.join(ALIASES)})")
    return name


def export(store: Store, fmt: str, out: Path, base_iri: str = DEFAULT_BASE_IRI, force: bool = False) -> dict:
    """Write the graph to `out`, replacing it only when the new output is complete. An existing
    neo4j-csv folder is replaced only with `force`."""
    fmt, base_iri = format_name(fmt), check_base(base_iri)
    module, function, kind = FORMATS[fmt]
    target = _checked_target(store, Path(out), kind, force)
    writer = getattr(importlib.import_module(module), function)
    with _staged(target) as staged:
        result = _written(writer, store, staged, target, base_iri)
        _put_in_place(staged, target, kind)
    return result


def export_to_stream(store: Store, fmt: str, stream: BinaryIO, base_iri: str = DEFAULT_BASE_IRI) -> dict:
    """`-o -`: the complete output copied to `stream` (a failed export writes nothing to it)."""
    fmt, base_iri = format_name(fmt), check_base(base_iri)
    module, function, kind = FORMATS[fmt]
    if kind != "file":
        raise KgError(f"{fmt} writes a folder of files, not one stream: name a folder with --out")
    writer = getattr(importlib.import_module(module), function)
    with tempfile.TemporaryDirectory(prefix="kg-export-") as work:
        staged = Path(work, f"kg.{fmt}")
        result = _written(writer, store, staged, Path("-"), base_iri)
        with staged.open("rb") as fh:
            shutil.copyfileobj(fh, stream, 1 << 20)
    return result


def _written(writer, store: Store, staged: Path, target: Path, base_iri: str) -> dict:
    """The writer's counts; its errors name the target, not the staging file."""
    try:
        return writer(store, staged, base_iri)
    except KgError as exc:
        raise KgError(str(exc).replace(str(staged), str(target))) from exc
    except OSError as exc:
        raise KgError(f"cannot write {target}: {exc.strerror or exc}") from exc


def _checked_target(store: Store, target: Path, kind: str, force: bool) -> Path:
    """The target, once it is known not to be (or hold) the store, nor a file/folder mix-up."""
    for store_file in _store_files(store):
        if _same(target, store_file):
            raise KgError(f"--out {target} is the store {store.location}; name another file")
        if kind == "directory" and _inside(store_file, target):
            raise KgError(f"--out {target} holds the store {store.location}; name another folder")
    if kind == "file" and target.is_dir():
        raise KgError(f"--out {target} is a folder; name a file")
    if kind == "directory" and target.exists():
        if not target.is_dir():
            raise KgError(f"--out {target} is a file; neo4j-csv writes a folder")
        if any(target.iterdir()) and not force:
            raise KgError(f"--out {target} already exists; --force replaces it")
    return target


def _store_files(store: Store) -> list[Path]:
    location = getattr(store, "location", "") or ""
    if location == ":memory:" or "://" in location:
        return []
    return [Path(location + suffix) for suffix in _STORE_FILES]


def _same(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return os.path.realpath(a) == os.path.realpath(b)


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))


@contextmanager
def _staged(target: Path) -> Iterator[Path]:
    """A path with the target's name in a fresh hidden folder beside it (same file system, so
    the final rename is atomic); the folder goes whatever happens."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".kg-export", dir=target.parent))
    except OSError as exc:
        raise KgError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        yield work / target.name
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _put_in_place(staged: Path, target: Path, kind: str) -> None:
    try:
        if kind == "file":
            _sync(staged)
            if target.exists():
                shutil.copymode(target, staged)
            os.replace(staged, target)
        else:
            if target.exists():  # a folder cannot be swapped in one step: move the old one aside first
                os.replace(target, staged.with_name(".replaced"))
            os.replace(staged, target)
    except OSError as exc:
        raise KgError(f"cannot write {target}: {exc.strerror or exc}") from exc


def _sync(path: Path) -> None:
    """The bytes reach the disk before the rename does: after a crash the target is old or whole."""
    with path.open("rb") as fh:
        os.fsync(fh.fileno())
