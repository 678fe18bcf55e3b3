"""The persistent SPARQL store: a pyoxigraph (RocksDB) store beside the SQLite store
(`kg.db` → `kg.db.oxigraph/`), holding what the TriG export holds (the merged graph as the
default graph, each article's evidence as a named graph), minus the dataset description.

`kg sparql` builds it once, when it is missing or out of date; ingest and forget then keep it
current with `sync(store, article_ids)` after each committed batch: the evidence graphs of
those articles are rewritten, and so are the default-graph triples of every node they
touched (before or after). Everything about a node has the node's IRI, or `<node>#…`, as
subject (kg.rdf.triples), so a node's triples are found from its IRI alone.

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

from kg.errors import KgError
from kg.stores.base import Store

# The RDF modules load on use: ingest imports this module for `sync`, which does nothing
# (and needs none of them) unless a SPARQL store sits beside the SQLite file.

SUFFIX = ".oxigraph"
META = "kg-sync.json"
LAYOUT = 1  # bump when what the store holds changes shape: older stores are rebuilt
_IDENTIFIER = "http://purl.org/dc/terms/identifier"


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
    for article_id, content in store.db.execute("SELECT id, hash FROM articles ORDER BY id"):
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
    """The persistent store of a SQLite store (built first when missing or stale), or None."""
    from kg.rdf.iri import check_base
    path = store_path(store)
    if path is None:
        return None
    base = check_base(base_iri)
    if not (path.exists() and current(path, store, base)):
        build(store, path, base)
    import pyoxigraph as ox
    try:
        return ox.Store(str(path))
    except OSError:  # held by a running `kg serve --sparql`: read its (current) state
        return ox.Store.read_only(str(path))


def build(store: Store, path: Path, base: str) -> None:
    """Writes the whole dataset into a new store beside the old one, then swaps them."""
    import pyoxigraph as ox
    fresh = path.with_name(f"{path.name}.building-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        db = ox.Store(str(fresh))
        db.bulk_load(input=_Stream(dataset_nquads(store, base)), format=ox.RdfFormat.N_QUADS)
        db.flush()
        del db
        _write_meta(fresh, base, store)
        shutil.rmtree(path, ignore_errors=True)
        os.replace(fresh, path)
    except OSError as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        raise PersistError(f"cannot build the SPARQL store {path}: {str(exc).splitlines()[0]}") from exc


def load_dataset(db, store: Store, base_iri: str) -> None:
    """The same dataset into an existing (in-memory) pyoxigraph store."""
    import pyoxigraph as ox
    from kg.rdf.iri import check_base
    db.bulk_load(input=_Stream(dataset_nquads(store, check_base(base_iri))), format=ox.RdfFormat.N_QUADS)


def dataset_nquads(store: Store, base: str) -> Iterator[bytes]:
    from kg.rdf import render
    from kg.rdf.dataset import evidence_graphs, merged_blocks
    from kg.rdf.source import reader
    with reader(store) as r:
        for text, _ in render.chunks(merged_blocks(r, base), render.ntriples):
            yield text.encode("utf-8")
    with reader(store) as r:
        for graph, blocks in evidence_graphs(r, base):
            yield "".join(render.nquads(b, f"<{graph}>") for b in blocks).encode("utf-8")


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
def sync(store: Store, article_ids: Iterable[str]) -> None:
    """After a committed batch (ingest) or a retraction (forget): rewrite what those articles
    touched. A missing store is left missing (`kg sparql` builds it); one that cannot be
    opened (a server holds it) is left as is, and its fingerprint makes the next query rebuild."""
    path = store_path(store)
    if path is None or not path.exists():
        return
    meta = _meta(path)
    if meta.get("layout") != LAYOUT or "base" not in meta:
        return
    import pyoxigraph as ox
    from kg.rdf.source import SQLiteReader, reader
    try:
        db = ox.Store(str(path))
    except OSError:
        return
    with reader(store) as r:
        if isinstance(r, SQLiteReader):
            _apply(db, r, meta["base"], set(article_ids))
            db.flush()
            _write_meta(path, meta["base"], store)


def _apply(db, r, base: str, article_ids: set[str]) -> None:
    import pyoxigraph as ox
    from kg.rdf import render
    from kg.rdf.triples import article_graph_iri, evidence_blocks
    article_ids |= _settled_with(r, article_ids)
    owners: set[str] = set()
    for article_id in sorted(article_ids):
        graph = ox.NamedNode(article_graph_iri(base, article_id))
        owners |= _node_ids(db, {t for q in db.quads_for_pattern(None, None, None, graph)
                                 for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)})
        if db.contains_named_graph(graph):
            db.remove_graph(graph)
        edges = r.article_edges(article_id)
        owners |= {"article:" + article_id} | {e.src for e in edges} | {e.dst for e in edges}
        if edges:
            blocks = evidence_blocks(base, graph.value, article_id, edges, r.article_text(article_id))
            db.load("".join(render.nquads(b, f"<{graph.value}>") for b in blocks), format=ox.RdfFormat.N_QUADS)
    owners |= {person for post in owners if post.startswith("post:") for person in r.holders(post)}
    for owner in sorted(owners):
        _replace_owner(db, r, base, owner)


def _settled_with(r, article_ids: set[str]) -> set[str]:
    """Articles re-resolved because these brought a dated document (kg.settle): those citing
    a document of the same number and issuer without a date."""
    bases = {e.dst.rpartition("-")[0] for a in article_ids for e in r.article_edges(a)
             if e.dst.startswith("doc:") and e.dst[-5:-4] == "-" and e.dst[-4:].isdigit()}
    return {a for b in sorted(bases) for a in r.dateless_citers(b)}


def _node_ids(db, terms: set) -> set[str]:
    """kg node ids of the nodes among `terms` (each node carries its id as dcterms:identifier)."""
    import pyoxigraph as ox
    identifier, ids = ox.NamedNode(_IDENTIFIER), set()
    for t in terms:
        if "#" not in t.value:
            ids.update(q.object.value for q in db.quads_for_pattern(t, identifier, None, ox.DefaultGraph()))
    return ids


def _replace_owner(db, r, base: str, node_id: str) -> None:
    import pyoxigraph as ox
    from kg.rdf import render
    from kg.rdf.iri import node_term
    from kg.rdf.triples import node_blocks, source_blocks
    subject = node_term(base, node_id)
    _drop(db, ox.NamedNode(subject[1:-1]), subject[1:-1] + "#")
    node = r.store.get(node_id)
    blocks = node_blocks(base, node) if node else []
    src, pairs, claims = r.source_group(node_id)
    blocks += source_blocks(base, src, pairs, claims, r.post_info)
    if blocks:
        db.load("".join(render.ntriples(b) for b in blocks), format=ox.RdfFormat.N_TRIPLES)


def _drop(db, subject, below: str) -> None:
    """Removes a node's default-graph triples and the resources under it (`<node>#…`)."""
    import pyoxigraph as ox
    for quad in list(db.quads_for_pattern(subject, None, None, ox.DefaultGraph())):
        db.remove(quad)
        if isinstance(quad.object, ox.NamedNode) and quad.object.value.startswith(below):
            _drop(db, quad.object, below)
