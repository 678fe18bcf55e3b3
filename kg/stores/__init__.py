"""Stores: the embedded SQLite file (default) and Neo4j over Bolt, behind one interface."""
from __future__ import annotations

import os

from kg.stores.base import Store

DEFAULT_STORE = "kg.db"


def store_location(explicit: str | None) -> str:
    return explicit or os.environ.get("KG_STORE") or DEFAULT_STORE


def open_store(location: str | None = None, create: bool = True, mapped: bool = False,
               **options) -> Store:
    """Open `bolt://…`/`neo4j://…` on a Neo4j server, anything else as a SQLite file
    (`mapped`: memory-mapped reads, for point queries)."""
    location = store_location(location)
    if location.split("://")[0] in ("bolt", "neo4j", "bolt+s", "neo4j+s", "bolt+ssc", "neo4j+ssc"):
        from kg.stores.neo4j import BoltStore  # the driver loads only when asked for
        return BoltStore(location, **options)
    from kg.stores.sqlite import SQLiteStore
    return SQLiteStore(location, create=create, mapped=mapped)


__all__ = ["Store", "open_store", "store_location", "DEFAULT_STORE"]
