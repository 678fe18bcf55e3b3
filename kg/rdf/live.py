"""The persistent SPARQL store as `kg serve --sparql` reads it: opened read-only, so a running
server never holds RocksDB's write lock, and opened again whenever ingest, forget or a rebuild
has changed it, so the endpoint answers with the new facts without a restart.

What marks a change is the store's `kg-sync.json`, which every sync and build writes last
(by `os.replace`, so a new inode): one `stat` per query. A read-only handle sees the store as
it was when opened; if a writer compacts away a file that handle still needed, the query is
run once more on a fresh handle.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from kg.rdf.persist import META


class LiveStore:
    """Quacks like the `pyoxigraph.Store` the endpoint queries (`query` only)."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._db = None
        self._current()

    def _marker(self) -> tuple | None:
        try:
            st = os.stat(self.path / META)
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _current(self, reopen: bool = False):
        import pyoxigraph as ox
        marker = self._marker()
        with self._lock:
            if reopen or self._db is None or marker != self._stamp:
                try:
                    self._db, self._stamp = ox.Store.read_only(str(self.path)), marker
                except OSError:
                    if self._db is None:
                        raise
                    # caught mid-rebuild: answer from the handle held, try again next query
            return self._db

    def query(self, *args, **kwargs):
        try:
            return self._current().query(*args, **kwargs)
        except OSError:  # a file the old handle needed was compacted away, or the store rebuilt
            return self._current(reopen=True).query(*args, **kwargs)
