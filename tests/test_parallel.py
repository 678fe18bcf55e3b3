"""`--workers` extracts in processes and must store exactly what one process stores."""
import json

from kg.ingest import ingest
from kg.stores.sqlite import SQLiteStore
from tests.conftest import EXAMPLES
from tests.test_identity import ARTICLES


def _graph(store):
    nodes = {(n.id, json.dumps(n.props, sort_keys=True)) for n in store.iter_nodes()}
    return nodes, {(e.src, e.type, e.dst, e.article_id) for e in store.iter_edges()}


def test_workers_store_the_same_graph(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    rows = [{"id": k, "published": p, "province_context": prov, "text": t} for k, (prov, p, t) in ARTICLES.items()]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{broken\n", encoding="utf-8")
    graphs = []
    for workers in (1, 2):
        store = SQLiteStore(str(tmp_path / f"w{workers}.db"))
        summary = ingest(store, [str(EXAMPLES), str(corpus)], workers=workers)
        assert (summary.new, summary.failed) == (8, 1)
        graphs.append(_graph(store))
        store.close()
    assert graphs[0] == graphs[1]


def test_strict_with_workers_stops_at_the_first_failure(tmp_path):
    """The parent stops early while the pool is still being fed: it must return, not hang."""
    corpus = tmp_path / "corpus.jsonl"
    rows = [json.dumps({"id": f"a{i}", "text": f"Ông Trần Văn Bảy chủ trì cuộc họp thứ {i}."}, ensure_ascii=False)
            for i in range(2000)]
    corpus.write_text("\n".join(rows[:5] + ["{broken"] + rows[5:]) + "\n", encoding="utf-8")
    store = SQLiteStore(str(tmp_path / "s.db"))
    summary = ingest(store, [str(corpus)], workers=2, strict=True)
    assert (summary.new, summary.failed) == (5, 1)
