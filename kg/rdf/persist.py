"""The persistent SPARQL store: a pyoxigraph (RocksDB) store beside the SQLite store
(`kg.db` → `kg.db.oxigraph/`) holding the default graph of every export: the merged graph
(without the dataset description). The per-article evidence graphs stay in the TriG and
JSON-LD exports: they are ten times the merged graph (≈18 quads per claim), and loading them
made a 10k-article store take ten minutes and 1.6 GB; `kg sparql -d export.trig` queries them.

`kg sparql` builds it once, when it is missing or out of date; ingest and forget then keep it
current with `sync(store, article_ids)` after each committed batch: the default-graph triples
of every node those articles touched (before, from the store's own `touches` table, or
after) are rewritten. Everything about a node has the node's IRI, or `<node>#…`, as subject
(kg.rdf.triples), so a node's triples are found from its IRI alone.

A `kg-sync.json` file records the base IRI and a fingerprint of the SQLite articles it
matches; a store that missed an update (a crash between the two commits, another kg) no
longer matches and is rebuilt on the next query.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg import model
from kg.errors import KgError
from kg.stores.base import Store

# The RDF modules load on use: ingest imports this module for `sync`, which does nothing
# (and needs none of them) unless a SPARQL store sits beside the SQLite file.

SUFFIX = ".oxigraph"
META = "kg-sync.json"
TOUCHES = "touches.sqlite"  # which nodes each article's claims touch: what a sync must redo
LAYOUT = 4  # bump when what the store holds changes shape: older stores are rebuilt


class PersistError(KgError):
    """The persistent SPARQL store cannot be opened or built."""


def store_path(store: Store | None) -> Path | None:
    location = getattr(store, "location", None)
    if store is None or type(store).__name__ != "SQLiteStore" or not location or location == ":memory:":
        return None
    return Path(str(location) + SUFFIX)


def fingerprint(store: Store) -> str:
    """A digest of every stored article's id and content hash."""
    digest = hashlib.sha1()
    with store.graph_source() as source:
        for article_id, content in source.article_hashes():
            digest.update(f"{article_id}\t{content}\n".encode())
    return digest.hexdigest()


def _meta(path: Path) -> dict:
    try:
        return json.loads((path / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_meta(path: Path, base: str, store: Store) -> None:
    tmp = path / (META + ".tmp")
    tmp.write_text(json.dumps({"layout": LAYOUT, "base": base, "fingerprint": fingerprint(store)}), encoding="utf-8")
    os.replace(tmp, path / META)


def current(path: Path, store: Store, base: str) -> bool:
    meta = _meta(path)
    return meta.get("layout") == LAYOUT and meta.get("base") == base and meta.get("fingerprint") == fingerprint(store)


def open_for_query(store: Store | None, base_iri: str):
    """The persistent store of a SQLite store (built first when missing or stale), or None
    (not a SQLite file, or its folder cannot take a new store: the caller loads one in memory)."""
    from kg.rdf.iri import check_base
    path = store_path(store)
    if path is None:
        return None
    base = check_base(base_iri)
    import pyoxigraph as ox
    if not (path.exists() and current(path, store, base)):
        if path.exists() and _held(path):
            raise PersistError(f"the SPARQL store {path} is out of date and held by a running `kg serve --sparql`; "
                               "stop the server, then query again (it is rebuilt)")
        try:
            build(store, path, base)
        except PersistError:
            return None
    return ox.Store.read_only(str(path))  # a query holds no write lock: ingest meanwhile syncs


def _held(path: Path) -> bool:
    """Whether another process has the store open for writing (RocksDB's lock)."""
    import pyoxigraph as ox
    try:
        db = ox.Store(str(path))
    except OSError:
        return True
    del db
    return False


def build(store: Store, path: Path, base: str) -> None:
    """Writes the whole dataset into a new store beside the old one, then swaps them."""
    import pyoxigraph as ox
    fresh = path.with_name(f"{path.name}.building-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        db = ox.Store(str(fresh))
        db.bulk_load(input=_Stream(merged_ntriples(store, base)), format=ox.RdfFormat.N_TRIPLES)
        db.flush()
        del db
        _write_touches(fresh, store)
        _write_meta(fresh, base, store)
        shutil.rmtree(path, ignore_errors=True)
        os.replace(fresh, path)
    except OSError as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        raise PersistError(f"cannot build the SPARQL store {path}: {str(exc).splitlines()[0]}") from exc


def load_dataset(db, store: Store, base_iri: str) -> None:
    """The merged graph into an existing (in-memory) pyoxigraph store."""
    import pyoxigraph as ox
    from kg.rdf.iri import check_base
    db.bulk_load(input=_Stream(merged_ntriples(store, check_base(base_iri))), format=ox.RdfFormat.N_TRIPLES)


def merged_ntriples(store: Store, base: str) -> Iterator[bytes]:
    """The merged graph as N-Triples byte chunks."""
    from kg.rdf import render
    from kg.rdf.dataset import merged_blocks
    from kg.rdf.source import reader
    with reader(store) as r:
        for text, _ in render.chunks(merged_blocks(r, base), render.ntriples):
            yield text.encode("utf-8")


def _touches(path: Path):
    from kg.stores.sqlite.touches import Touches
    return Touches(path / TOUCHES)


def _write_touches(path: Path, store: Store) -> None:
    from kg.rdf.source import reader
    with reader(store) as r, _touches(path) as touches:
        for article_id, edges in r.by_article():
            touches.add(_pairs(article_id, edges))


def _pairs(article_id: str, edges) -> set[tuple[str, str]]:
    return {(article_id, n) for e in edges for n in (e.src, e.dst)} | {(article_id, model.node_id("Article", article=article_id))}


class _Stream(io.RawIOBase):
    """A readable file over byte chunks, so pyoxigraph parses the export as it is written."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks, self._rest = iter(chunks), b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._rest:
            self._rest = next(self._chunks, None)
            if self._rest is None:
                self._rest = b""
                return 0
        n = min(len(buffer), len(self._rest))
        buffer[:n], self._rest = self._rest[:n], self._rest[n:]
        return n


# -- keeping it current -------------------------------------------------------------------------
def sync(store: Store, articles: Iterable) -> None:
    """After a committed batch (ingest: its `Facts` or `Rows`, and the ids of the articles
    settling rewrote) or a retraction (forget: the article ids): rewrite what those articles
    touched; without a SPARQL store beside the file this costs one `stat`. A missing store is left missing (`kg sparql` builds it); one that cannot be
    opened (a server holds it) is left as is, and its fingerprint makes the next query rebuild."""
    path = store_path(store)
    if path is None or not path.exists():
        return
    meta = _meta(path)
    if meta.get("layout") != LAYOUT or "base" not in meta:
        return
    import pyoxigraph as ox
    from kg.rdf.source import reader
    try:
        db = ox.Store(str(path))
    except OSError:
        return
    with reader(store) as r:
        _apply(db, r, meta["base"], {_article_id(a) for a in articles}, path)
        db.flush()
    _write_meta(path, meta["base"], store)


def _article_id(item) -> str:
    if isinstance(item, str):
        return item
    return item.article_id if hasattr(item, "article_id") else item.article.id


def _apply(db, r, base: str, article_ids: set[str], path: Path) -> None:
    from kg.rdf.lineage import propagate
    from kg.rdf.links import co_holders
    with _touches(path) as touches:
        owners: set[str] = set()
        for article_id in sorted(article_ids):
            owners |= touches.take(article_id)
            edges = r.article_edges(article_id)
            if edges or r.article_text(article_id) is not None:
                pairs = _pairs(article_id, edges)
                touches.add(pairs)
                owners.update(n for _, n in pairs)
        owners |= {person for post in owners if model.type_of_id(post) == "Post"
                   for person in co_holders(post, r.holders)}
        moved = [owner for owner in sorted(owners) if _replace_owner(db, r, base, owner)]
        propagate(db, r.store, base, moved, owners)  # documents below one whose ancestors changed


def _replace_owner(db, r, base: str, node_id: str) -> bool:
    """Rewrites one node's triples; True when it is a document whose ancestors changed."""
    import pyoxigraph as ox
    from kg.rdf import render
    from kg.rdf.iri import node_term
    from kg.rdf.lineage import ancestors, stored
    from kg.rdf.links import same_persons_of
    from kg.rdf.triples import node_blocks, source_blocks
    subject = node_term(base, node_id)
    before = stored(db, subject) if model.type_of_id(node_id) == "Document" else set()
    _drop(db, ox.NamedNode(subject[1:-1]), subject[1:-1] + "#")
    node = r.store.get(node_id)
    src, pairs, claims = r.source_group(node_id)
    same = same_persons_of(node_id, [e.dst for e in claims if e.type == "HOLDS"], r.holders)
    up = ancestors(r.store, node_id) if model.type_of_id(node_id) == "Document" else []
    blocks = node_blocks(base, node, same, up) if node else []
    blocks += source_blocks(base, src, pairs, claims, r.post_info)
    if blocks:
        db.load("".join(render.ntriples(b) for b in blocks), format=ox.RdfFormat.N_TRIPLES)
    return before != {node_term(base, a) for a in (up if node else [])}


def _drop(db, subject, below: str) -> None:
    """Removes a node's default-graph triples and the resources under it (`<node>#…`)."""
    import pyoxigraph as ox
    for quad in list(db.quads_for_pattern(subject, None, None, ox.DefaultGraph())):
        db.remove(quad)
        if isinstance(quad.object, ox.NamedNode) and quad.object.value.startswith(below):
            _drop(db, quad.object, below)
