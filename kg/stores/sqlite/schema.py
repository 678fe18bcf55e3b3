"""The SQLite store's tables, how a file is opened (read-write or read-only), and upgrades.

Evidence is stored once: each distinct sentence an article's evidence quotes is one row of
`sentences`, and claims and edges refer to it by number (`claim_rows`, `edge_rows`). An article
that names 4,000 documents in one sentence thus costs 4,000 short rows, not 4,000 copies of the
sentence. `claims` and `edges` are views with the sentence text joined back in, so every reader
of the old tables (RDF, Neo4j exports, push, ad-hoc SQL) reads the same columns as before;
SQLite flattens the views into the query and skips the join when the sentence is not selected.

`claim_rows` and `edge_rows` are WITHOUT ROWID: their primary key is the table, not a second
copy of every key beside it (a third of a real-text store was such copies).

`user_version` says which layout a file has: 0 is the layout before sentences were shared, 1
the one before the tables above lost their rowid and `dateless` was kept; both are upgraded in
place, in one transaction, by the first writer to open them. A version above SCHEMA_VERSION
was written by a newer kg and is refused.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from kg.errors import StoreError

SCHEMA_VERSION = 2

TABLES = """
CREATE TABLE IF NOT EXISTS articles (id TEXT PRIMARY KEY, hash TEXT NOT NULL, published TEXT,
    meta TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL,
    props TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS aliases (node_id TEXT NOT NULL, alias TEXT NOT NULL, fkey TEXT NOT NULL,
    akey TEXT NOT NULL, PRIMARY KEY (node_id, alias));
-- substring search on diacritic-free aliases without scanning them all
CREATE VIRTUAL TABLE IF NOT EXISTS aliases_fts USING fts5(akey, content='aliases', tokenize='trigram');
-- new aliases are indexed in one statement per write transaction (SQLiteStore._index_aliases):
-- a trigger indexing them row by row was the costliest part of storing an article
DROP TRIGGER IF EXISTS aliases_fts_insert;
CREATE TRIGGER IF NOT EXISTS aliases_fts_delete AFTER DELETE ON aliases BEGIN
    INSERT INTO aliases_fts(aliases_fts, rowid, akey) VALUES ('delete', old.rowid, old.akey); END;
CREATE TABLE IF NOT EXISTS sentences (article_id TEXT NOT NULL, n INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (article_id, n)) WITHOUT ROWID;
-- `name`: the node's name as this article spells it (a node shows its most claimed spelling)
CREATE TABLE IF NOT EXISTS claim_rows (node_id TEXT NOT NULL, article_id TEXT NOT NULL, props TEXT NOT NULL,
    start INTEGER, end INTEGER, sentence_n INTEGER, extractor TEXT, name TEXT NOT NULL,
    PRIMARY KEY (node_id, article_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claim_rows_article ON claim_rows(article_id);
CREATE TABLE IF NOT EXISTS edge_rows (src TEXT NOT NULL, type TEXT NOT NULL, dst TEXT NOT NULL,
    article_id TEXT NOT NULL, props TEXT NOT NULL, start INTEGER, end INTEGER, sentence_n INTEGER,
    extractor TEXT, PRIMARY KEY (src, type, dst, article_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edge_rows_article ON edge_rows(article_id);
-- what settling needs to resolve an article's dateless document mentions again without
-- extracting it again (kg.settle), for the articles that have such mentions
-- (body: zlib-compressed JSON; text in stores of user_version 1)
CREATE TABLE IF NOT EXISTS kept_mentions (article_id TEXT PRIMARY KEY, body TEXT NOT NULL);
-- what each such article's dateless mention of a base resolved to (kg.settle.resolution; NULL:
-- not known, from an older store), so that settling rewrites only the articles it changes
CREATE TABLE IF NOT EXISTS dateless (base TEXT NOT NULL, article_id TEXT NOT NULL, resolution TEXT,
    PRIMARY KEY (base, article_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dateless_article ON dateless(article_id);
-- document bases whose dated documents changed and whose dateless mentions are not yet
-- resolved again: written in the transaction that changed them, cleared once settled
CREATE TABLE IF NOT EXISTS unsettled (base TEXT PRIMARY KEY);
CREATE VIEW IF NOT EXISTS claims AS SELECT c.node_id, c.article_id, c.props, c.start, c.end,
    s.text AS sentence, c.extractor FROM claim_rows c
    LEFT JOIN sentences s ON s.article_id = c.article_id AND s.n = c.sentence_n;
CREATE VIEW IF NOT EXISTS edges AS SELECT e.src, e.type, e.dst, e.article_id, e.props, e.start, e.end,
    s.text AS sentence, e.extractor FROM edge_rows e
    LEFT JOIN sentences s ON s.article_id = e.article_id AND s.n = e.sentence_n;
"""

# Version 0 → 1: number each article's distinct sentences, point the rows at them, drop the copies.
UPGRADE_FROM_0 = """
CREATE TEMP TABLE numbered AS SELECT article_id, sentence,
    ROW_NUMBER() OVER (PARTITION BY article_id ORDER BY sentence) - 1 AS n
    FROM (SELECT article_id, COALESCE(sentence, '') AS sentence FROM claims
          UNION SELECT article_id, COALESCE(sentence, '') FROM edges);
CREATE INDEX temp.numbered_key ON numbered(article_id, sentence);
ALTER TABLE claims RENAME TO old_claims;
ALTER TABLE edges RENAME TO old_edges;
DROP INDEX IF EXISTS claims_article;
DROP INDEX IF EXISTS edges_article;
DROP INDEX IF EXISTS edges_dst_src;
{tables}
INSERT INTO sentences SELECT article_id, n, sentence FROM numbered;
INSERT INTO claim_rows SELECT c.node_id, c.article_id, c.props, c.start, c.end, x.n, c.extractor, n.name
    FROM old_claims c JOIN numbered x ON x.article_id = c.article_id AND x.sentence = COALESCE(c.sentence, '')
    JOIN nodes n ON n.id = c.node_id;
INSERT INTO edge_rows SELECT e.src, e.type, e.dst, e.article_id, e.props, e.start, e.end, x.n, e.extractor
    FROM old_edges e JOIN numbered x ON x.article_id = e.article_id AND x.sentence = COALESCE(e.sentence, '');
DROP TABLE old_claims;
DROP TABLE old_edges;
DROP TABLE temp.numbered;
"""

# Version 1 → 2: the row tables again without rowid (views first: a rename would retarget them).
UPGRADE_FROM_1 = """
DROP VIEW IF EXISTS claims;
DROP VIEW IF EXISTS edges;
ALTER TABLE claim_rows RENAME TO old_claim_rows;
ALTER TABLE edge_rows RENAME TO old_edge_rows;
DROP INDEX IF EXISTS claim_rows_article;
DROP INDEX IF EXISTS edge_rows_article;
DROP INDEX IF EXISTS edges_dst_src;
{tables}
INSERT INTO claim_rows SELECT * FROM old_claim_rows;
INSERT INTO edge_rows SELECT * FROM old_edge_rows;
DROP TABLE old_claim_rows;
DROP TABLE old_edge_rows;
"""

# Every store before version 2: the bases its dateless mentions may have, resolution unknown, so
# that the first settling of each rewrites them (a mention's node is its base, or base-YYYY).
DATELESS_FROM_EDGES = """
INSERT OR IGNORE INTO dateless
    SELECT dst, article_id, NULL FROM edge_rows WHERE type = 'MENTIONS' AND json_extract(props, '$.dateless')
    UNION SELECT substr(dst, 1, length(dst) - 5), article_id, NULL FROM edge_rows
    WHERE type = 'MENTIONS' AND json_extract(props, '$.dateless') AND dst GLOB '*-[0-9][0-9][0-9][0-9]';
"""


def connect(path: str, timeout: float) -> tuple[sqlite3.Connection, bool]:
    """(connection, writable). A file this process may not write, or in a folder where SQLite
    cannot create its WAL side files, is opened read-only: queries work on it, writes fail."""
    if path == ":memory:" or _writable(Path(path)):
        return sqlite3.connect(path, timeout=timeout, isolation_level=None), True
    uri = "file:" + quote(str(Path(path).resolve()))
    db = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=timeout, isolation_level=None)
    try:
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return db, False
    except sqlite3.OperationalError:  # WAL side files cannot be made: read the file as it is
        db.close()
        return sqlite3.connect(uri + "?immutable=1", uri=True, isolation_level=None), False


def _writable(path: Path) -> bool:
    folder = path.parent if str(path.parent) else Path(".")
    if not path.exists():
        return True  # created here, or the error names the folder
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def _upgrade(version: int) -> str:
    """The script taking a store of `version` to SCHEMA_VERSION."""
    rebuild = UPGRADE_FROM_0 if version == 0 else UPGRADE_FROM_1
    return rebuild.format(tables=TABLES) + DATELESS_FROM_EDGES


def prepare(db: sqlite3.Connection, location: str, writable: bool) -> None:
    """Create or upgrade the tables (writers only); refuse a layout this kg cannot read."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(f"store {location} was written by a newer kg (schema {version}, this kg "
                         f"reads up to {SCHEMA_VERSION}); upgrade kg")
    fresh = not db.execute("SELECT 1 FROM sqlite_master WHERE name='articles'").fetchone()
    if not writable:
        if fresh or version < SCHEMA_VERSION:
            raise StoreError(f"store {location} is read-only and was written by an older kg; "
                             f"open it once with write access to upgrade it, or re-ingest")
        return
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    if version == SCHEMA_VERSION:
        db.executescript(TABLES)  # every statement is IF NOT EXISTS: a no-op on a current file
        return
    body = TABLES if fresh else _upgrade(version)
    try:  # one transaction inside the script (executescript would commit one begun outside)
        db.executescript(f"BEGIN IMMEDIATE;\n{body}\nPRAGMA user_version={SCHEMA_VERSION};\nCOMMIT;")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
