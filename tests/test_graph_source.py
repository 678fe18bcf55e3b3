"""Every store as a `GraphSource`, and every export and push read through it.

The SQLite tests run on the bundled examples. The Neo4j tests ingest the same examples into the
session's real Neo4j 5.26 (not a push: the Bolt store's own writer), then require that every
stream, every export format and every push batch read from Bolt equals the one read from SQLite.
"""
from __future__ import annotations

import filecmp
import re

import pytest

from kg.export import FORMATS, export
from kg.ingest import ingest
from kg.push import batch_rows
from kg.stores.source import by_article
from tests import neo4j_server
from tests.conftest import EXAMPLES, ROOT

BASE = "https://kg.example.org/"


def streams(source) -> dict:
    """Everything a `GraphSource` gives, filtered and not."""
    articles = [a.id for a in source.articles()]
    some = articles[::2]
    claimed = sorted({c.node_id for c in source.claims(some)})
    return {"nodes": list(source.nodes()), "documents": list(source.nodes("Document")),
            "chosen_ids": claimed[::3], "chosen": list(source.nodes(ids=reversed(claimed[::3]))), "edges": list(source.edges()),
            "typed": list(source.edges(["HOLDS", "ACTS_ON"])), "of_articles": list(source.edges(article_ids=some)),
            "articles": list(source.articles()), "some_articles": list(source.articles(some)),
            "claims": list(source.claims()), "some_claims": list(source.claims(some)),
            "hashes": list(source.article_hashes()), "triples": list(source.triples()),
            "by_article": list(source.edges_by_article())}


# -- SQLite ------------------------------------------------------------------------------------
def test_sqlite_streams_agree_with_the_store_interface(source):
    with source.graph_source() as graph:
        got = streams(graph)
    assert [n.node for n in got["nodes"]] == list(source.iter_nodes())
    assert got["edges"] == list(source.iter_edges())
    for item in got["nodes"][:50]:
        assert list(item.node.props) == sorted(item.node.props) and list(item.aliases) == sorted(item.aliases)
        assert item.node.name in item.aliases
    assert [n.node for n in got["documents"]] == list(source.iter_nodes("Document"))
    assert got["typed"] == [e for e in got["edges"] if e.type in ("HOLDS", "ACTS_ON")]
    articles = [a.id for a in got["articles"]]
    assert articles == sorted(n.id.removeprefix("article:") for n in source.iter_nodes("Article")) and len(articles) == 4
    for article in got["articles"]:
        assert {**article.meta, "text": article.text} == source.article(article.id)
        assert article.props == source.get(f"article:{article.id}").props
    some = set(articles[::2])
    assert got["of_articles"] == [e for e in got["edges"] if e.article_id in some]
    assert got["some_articles"] == [a for a in got["articles"] if a.id in some]
    assert got["some_claims"] == [c for c in got["claims"] if c.article_id in some]
    assert got["chosen"] == [n for n in got["nodes"] if n.node.id in got["chosen_ids"]]  # in id order
    assert len(got["chosen"]) == len(got["chosen_ids"]) > 5
    assert [(c.article_id, c.node_id) for c in got["claims"]] == sorted((c.article_id, c.node_id) for c in got["claims"])
    assert not any(c.node_id == f"article:{c.article_id}" for c in got["claims"])  # an article's own node: no claim
    assert got["hashes"] == [(a.id, a.hash) for a in got["articles"]]
    assert got["triples"] == list(dict.fromkeys((e.src, e.type, e.dst) for e in got["edges"]))
    assert [a for a, _ in got["by_article"]] == sorted({e.article_id for e in got["edges"]})


def test_spooled_sort_by_article_equals_the_indexed_one(source):
    """The default (an external merge sort, here in runs of 7 edges) groups as SQLite's index does."""
    with source.graph_source() as graph:
        assert list(by_article(graph.edges(), run=7)) == list(graph.edges_by_article())


def test_no_sql_outside_the_sqlite_store_package():
    """All SQL lives in kg/stores/sqlite/: exports, RDF, push and the SPARQL store's side table
    read and write through it (SPARQL text does not count)."""
    sql = re.compile(r"\.execute(many|script)?\(|\bPRAGMA\b|\bFROM (nodes|edges|claims|articles|aliases)\b")
    offenders = [f"{path.relative_to(ROOT)}:{n}" for folder in ("kg", "loaders", "queries")
                 for path in sorted((ROOT / folder).rglob("*.py")) if "stores/sqlite" not in path.as_posix()
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if sql.search(line)]
    assert offenders == []


# -- Neo4j: the same facts through Bolt --------------------------------------------------------
@pytest.fixture(scope="module")
def ingested(neo4j_uri):
    """The bundled examples ingested straight into Neo4j."""
    neo4j_server.clear(neo4j_uri)
    with neo4j_server.bolt_store(neo4j_uri) as bolt:
        assert ingest(bolt, [str(EXAMPLES)]).new == 4
        yield bolt


def test_bolt_streams_equal_the_sqlite_streams(source, ingested):
    with source.graph_source() as sqlite, ingested.graph_source() as bolt:
        from_sqlite, from_bolt = streams(sqlite), streams(bolt)
    for name, items in from_sqlite.items():
        assert items, name
        assert from_bolt[name] == items, name


def test_bolt_streams_page_through_the_store(source, ingested, monkeypatch):
    """Pages of a few nodes (keyset pagination) give the same streams as one page."""
    from kg.stores.neo4j import source as bolt_source
    monkeypatch.setattr(bolt_source, "PAGE", 7)
    monkeypatch.setattr(bolt_source, "ARTICLE_PAGE", 3)
    with source.graph_source() as sqlite, ingested.graph_source() as bolt:
        assert list(bolt.nodes()) == list(sqlite.nodes())
        assert list(bolt.edges()) == list(sqlite.edges())
        assert list(bolt.articles()) == list(sqlite.articles())
        assert list(bolt.claims()) == list(sqlite.claims())


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_export_format_from_bolt_equals_the_sqlite_export(fmt, source, ingested, tmp_path):
    """Byte for byte: a file, or every file of the neo4j-csv folder."""
    written = []
    for name, store in (("sqlite", source), ("bolt", ingested)):
        written.append((export(store, fmt, tmp_path / name / f"graph.{fmt}", BASE), tmp_path / name / f"graph.{fmt}"))
    (counts_sqlite, sqlite_out), (counts_bolt, bolt_out) = written
    assert counts_bolt == counts_sqlite
    if sqlite_out.is_dir():
        names = sorted(p.name for p in sqlite_out.iterdir())
        assert names == sorted(p.name for p in bolt_out.iterdir()) and len(names) > 10
        match, mismatch, errors = filecmp.cmpfiles(sqlite_out, bolt_out, names, shallow=False)
        assert (mismatch, errors) == ([], [])
    else:
        assert sqlite_out.stat().st_size > 1000
        assert sqlite_out.read_bytes() == bolt_out.read_bytes()


def test_push_sends_the_same_rows_from_bolt_as_from_sqlite(source, ingested):
    """A push batch read from either store is the same: so is what a push from Neo4j writes."""
    with source.graph_source() as sqlite, ingested.graph_source() as bolt:
        ids = [a for a, _ in sqlite.article_hashes()]
        for part in (ids, ids[1:3]):
            from_sqlite, from_bolt = batch_rows(sqlite, part), batch_rows(bolt, part)
            assert from_sqlite["claims"] and from_sqlite["facts"]
            assert from_bolt == from_sqlite


@pytest.mark.slow  # a second server: Community Neo4j holds one user database
def test_push_from_bolt_to_another_server_builds_the_same_graph(source, ingested, tmp_path):
    from kg.push import push
    from tests.test_neo4j_tools import assert_same_graph
    server = neo4j_server.NeoServer(tmp_path / "other" / "data").start()
    try:
        with neo4j_server.bolt_store(server.uri) as target:
            result = push(ingested, target, batch=3)
            assert (result["new"], result["articles"]) == (4, 4)
            assert_same_graph(target, source)
    finally:
        server.stop()


def test_push_refuses_a_store_into_itself(ingested):
    from kg.errors import StoreError
    from kg.push import push
    with pytest.raises(StoreError, match="both"):
        push(ingested, ingested)

