"""The Neo4j store over Bolt: its graph layout, its one writer and its reads. All of kg's
Neo4j layout lives in this package."""
from kg.stores.neo4j.store import GRACE, BoltStore

__all__ = ["BoltStore", "GRACE"]
