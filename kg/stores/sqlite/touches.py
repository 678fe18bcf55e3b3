"""The persistent SPARQL store's side table (kg.rdf.persist): which nodes each article's claims
touch, so that a sync after an ingest knows what to rewrite. A SQLite file of its own inside the
SPARQL store's folder; SQL stays in this package."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path


class Touches:
    """Used as a context manager: one transaction, committed on a clean exit, then closed."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS touches (article_id TEXT NOT NULL, node_id TEXT NOT NULL, "
                        "PRIMARY KEY (article_id, node_id)) WITHOUT ROWID")

    def add(self, pairs: Iterable[tuple[str, str]]) -> None:
        """(article id, node id) pairs."""
        self.db.executemany("INSERT OR IGNORE INTO touches VALUES (?, ?)", pairs)

    def take(self, article_id: str) -> set[str]:
        """The nodes an article touched, forgotten here."""
        nodes = {n for (n,) in self.db.execute("SELECT node_id FROM touches WHERE article_id=?", (article_id,))}
        self.db.execute("DELETE FROM touches WHERE article_id=?", (article_id,))
        return nodes

    def __enter__(self) -> "Touches":
        return self

    def __exit__(self, kind, *exc) -> None:
        try:
            if kind is None:
                self.db.commit()
            else:
                self.db.rollback()
        finally:
            self.db.close()
