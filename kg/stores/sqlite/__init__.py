"""The embedded store: one SQLite file. All of kg's SQL lives in this package."""
from kg.stores.sqlite.store import SQLiteStore

__all__ = ["SQLiteStore"]
