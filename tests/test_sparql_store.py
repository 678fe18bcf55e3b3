"""The persistent SPARQL store beside the SQLite store, and `kg serve --sparql`.

The store must equal a fresh build after every ingest and forget (including the articles
that settlement re-resolves), be built once rather than per query, and be served over the
SPARQL 1.1 Protocol to a real client, read-only and offline."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import rdflib
from typer.testing import CliRunner

from kg.cli.app import app
from kg.ingest import ingest
from kg.rdf.persist import META, load_dataset, store_path
from kg.rdf.sparql import sparql
from kg.stores.sqlite import SQLiteStore
from schemas import SCHEMA_DIR

runner = CliRunner()
BASE = "https://kg.example.org/"
README_QUERIES = re.findall(r"```sparql\n(.*?)```", (SCHEMA_DIR.parent / "README.md").read_text(encoding="utf-8"), re.S)
# Articles composed for these tests: a plan citing a directive without its date, the directive
# itself (dated, so the plan's mention settles on it), and a later report on the same secretary.
ARTICLES = {
    "plan-2018": ("2018-03-05", "Kế hoạch số 45/KH-UBND ngày 02/3/2018 của UBND tỉnh triển khai thực hiện Chỉ thị "
                                "số 20-CT/TU của Ban Thường vụ Tỉnh ủy. Đồng chí Trịnh Văn Lâm, Bí thư Tỉnh ủy dự hội nghị."),
    "directive-2016": ("2016-08-20", "Ngày 16/8, Ban Thường vụ Tỉnh ủy ban hành Chỉ thị số 20-CT/TU ngày 15/8/2016 của "
                                     "Ban Thường vụ Tỉnh ủy. Đồng chí Trịnh Văn Lâm, Bí thư Tỉnh ủy chủ trì hội nghị."),
    "report-2020": ("2020-05-11", "Sáng 10/5, đồng chí Trịnh Văn Lâm, Bí thư Tỉnh ủy chủ trì hội nghị sơ kết Kế hoạch "
                                  "số 45/KH-UBND ngày 02/3/2018 của UBND tỉnh."),
}


def _write(tmp_path, article_id) -> str:
    published, text = ARTICLES[article_id]
    path = tmp_path / f"{article_id}.jsonl"
    path.write_text(json.dumps({"id": article_id, "published": published, "province_context": "Hậu Giang",
                                "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    return str(path)


def _quads(db) -> set:
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in db}


def _on_disk(store) -> set:
    import pyoxigraph as ox
    db = ox.Store.read_only(str(store_path(store)))
    try:
        return _quads(db)
    finally:
        del db


def _fresh(store) -> set:
    import pyoxigraph as ox
    db = ox.Store()
    load_dataset(db, store, BASE)
    return _quads(db)


def test_ingest_and_forget_keep_the_store_equal_to_a_fresh_build(tmp_path):
    store = SQLiteStore(str(tmp_path / "kg.db"))
    assert ingest(store, [_write(tmp_path, "plan-2018")]).failed == 0
    assert not store_path(store).exists()  # ingest never builds it; the first query does
    before = sparql("ASK { ?d eli:number \"20-CT/TU\" }", store)
    assert before["boolean"] and store_path(store).exists()
    summary = ingest(store, [_write(tmp_path, "directive-2016")])
    assert summary.resettled == 1  # the plan's dateless mention moved to the dated directive
    assert _on_disk(store) == _fresh(store)
    assert ingest(store, [_write(tmp_path, "report-2020")], workers=2).failed == 0  # batches of Rows
    assert _on_disk(store) == _fresh(store)
    lineage = sparql('SELECT ?d WHERE { ?p eli:number "45/KH-UBND" ; eli:ensures_implementation_of ?d }', store)
    assert [r["d"]["value"] for r in lineage["results"]["bindings"]] == [BASE + "doc/hau-giang/20-ct-tu-2016"]
    assert store.retract("directive-2016")
    from kg.rdf.persist import sync
    sync(store, ["directive-2016"])  # what `kg forget` calls
    assert _on_disk(store) == _fresh(store)
    store.close()


def test_kg_sparql_builds_the_store_once_and_rebuilds_a_stale_one(tmp_path):
    db = str(tmp_path / "kg.db")
    assert runner.invoke(app, ["ingest", _write(tmp_path, "plan-2018"), "--store", db]).exit_code == 0
    count = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a schema:Person }"
    first = runner.invoke(app, ["sparql", count, "--store", db, "-f", "csv"])
    meta = tmp_path / "kg.db.oxigraph" / META
    assert first.exit_code == 0 and meta.exists()
    stamp = meta.stat().st_mtime_ns
    again = runner.invoke(app, ["sparql", count, "--store", db, "-f", "csv"])
    assert again.stdout == first.stdout and meta.stat().st_mtime_ns == stamp  # not rebuilt
    assert runner.invoke(app, ["ingest", _write(tmp_path, "report-2020"), "--store", db]).exit_code == 0
    synced = meta.stat().st_mtime_ns
    assert synced != stamp  # ingest updated it in place
    runner.invoke(app, ["sparql", count, "--store", db])
    assert meta.stat().st_mtime_ns == synced
    with SQLiteStore(db) as store:  # a change the SPARQL store never heard of (another kg, a crash)
        store.retract("report-2020")
    stale = runner.invoke(app, ["sparql", 'ASK { ?a schema:headline ?h . FILTER(CONTAINS(?h, "sơ kết")) }',
                                "--store", db, "--json"])
    assert json.loads(stale.stdout)["boolean"] is False and meta.stat().st_mtime_ns != synced


# -- the endpoint --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`kg serve --sparql` in its own process on a free port, over the bundled examples."""
    tmp = tmp_path_factory.mktemp("serve")
    db = str(tmp / "kg.db")
    assert runner.invoke(app, ["ingest", str(SCHEMA_DIR.parent / "examples"), "--store", db]).exit_code == 0
    proc = subprocess.Popen([sys.executable, "-c", "from kg.cli.app import main; main()", "serve", "--sparql",
                             "--port", "0", "--timeout", "1", "--store", db],
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "KG_DEBUG": ""})
    line = proc.stderr.readline()
    found = re.search(r"(http://127\.0\.0\.1:\d+/sparql)", line)
    assert found, line
    yield found.group(1), db
    proc.terminate()
    proc.wait(timeout=10)


def _client(url, query, fmt):
    from SPARQLWrapper import SPARQLWrapper
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client.query()


def test_endpoint_answers_the_readme_queries_as_kg_sparql_does(served):
    from SPARQLWrapper import JSON
    url, db = served
    for query in README_QUERIES[:3]:  # the fourth reads an export's evidence graphs
        over_http = _client(url, query, JSON).convert()
        local = json.loads(runner.invoke(app, ["sparql", query, "--store", db, "--json"]).stdout)
        assert over_http["results"]["bindings"] and over_http["head"]["vars"] == local["head"]["vars"]
        rows = lambda r: sorted(json.dumps(b, sort_keys=True) for b in r["results"]["bindings"])  # noqa: E731
        assert rows(over_http) == rows(local)


def test_endpoint_negotiates_result_formats(served):
    from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML
    url, _ = served
    select = 'SELECT ?n WHERE { ?d eli:number ?n } ORDER BY ?n LIMIT 2'
    assert _client(url, select, JSON).convert()["results"]["bindings"][0]["n"]["value"] == "1234/QĐ-UBND"
    xml = _client(url, select, XML).convert()
    assert xml.getElementsByTagName("literal")[0].firstChild.data == "1234/QĐ-UBND"
    assert _client(url, select, CSV).convert().decode("utf-8").splitlines() == ["n", "1234/QĐ-UBND", "20-CT/TU"]
    assert _client(url, select, TSV).convert().decode("utf-8").splitlines()[1] == '"1234/QĐ-UBND"'
    assert _client(url, "ASK { ?d eli:applies ?x }", JSON).convert()["boolean"] is True
    construct = 'CONSTRUCT { ?d eli:number ?n } WHERE { ?d eli:number ?n }'
    turtle = _client(url, construct, TURTLE)
    assert turtle.response.headers["Content-Type"] == "text/turtle"
    assert len(rdflib.Graph().parse(data=turtle.convert(), format="turtle")) == 5
    response = urllib.request.urlopen(urllib.request.Request(
        url + "?" + urllib.parse.urlencode({"query": construct}), headers={"Accept": "application/n-triples"}))
    assert response.headers["Content-Type"] == "application/n-triples"
    assert len(response.read().decode("utf-8").strip().splitlines()) == 5


def test_endpoint_takes_post_and_is_read_only_and_offline(served):
    url, _ = served

    def post(body: bytes, kind: str):
        request = urllib.request.Request(url, data=body, headers={"Content-Type": kind, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")
    status, body = post(b"ASK { ?s ?p ?o }", "application/sparql-query")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, body = post(urllib.parse.urlencode({"query": "ASK { ?x a org:Membership }"}).encode(),
                        "application/x-www-form-urlencoded")
    assert status == 200 and json.loads(body)["boolean"] is True
    insert = "INSERT DATA { <http://x.org/a> <http://x.org/b> <http://x.org/c> }"
    assert post(insert.encode(), "application/sparql-update")[0] == 403
    assert post(urllib.parse.urlencode({"update": insert}).encode(), "application/x-www-form-urlencoded")[0] == 403
    assert post(insert.encode(), "application/sparql-query")[0] == 400  # not a query
    status, body = post(b"SELECT * { SERVICE SILENT <http://127.0.0.1:9/x> { ?s ?p ?o } }", "application/sparql-query")
    assert status == 403 and "SERVICE" in body
    assert post(b"ASK { <http://x.org/a> <http://x.org/b> <http://x.org/c> }", "application/sparql-query")[1] == \
        '{"head":{},"boolean":false}'


def test_endpoint_times_out_a_long_query_and_keeps_serving(served):
    url, _ = served
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": slow}))
    assert failed.value.code == 503 and "timeout" in failed.value.read().decode("utf-8")
    assert time.monotonic() - started < 10
    with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})) as ok:
        assert ok.status == 200


def test_a_stale_store_held_by_a_server_is_an_error_not_a_rebuild(tmp_path):
    import pyoxigraph as ox
    db = str(tmp_path / "kg.db")
    assert runner.invoke(app, ["ingest", _write(tmp_path, "plan-2018"), "--store", db]).exit_code == 0
    assert runner.invoke(app, ["sparql", "ASK { ?s ?p ?o }", "--store", db]).exit_code == 0
    held = ox.Store(str(tmp_path / "kg.db.oxigraph"))  # what `kg serve --sparql` holds
    try:
        assert runner.invoke(app, ["ingest", _write(tmp_path, "report-2020"), "--store", db]).exit_code == 0
        result = runner.invoke(app, ["sparql", "ASK { ?s ?p ?o }", "--store", db])
        assert result.exit_code == 1 and "kg serve" in result.stderr and result.stderr.count("\n") == 1
        assert len(held) > 0  # still there, whole
    finally:
        del held
    again = runner.invoke(app, ["sparql", 'ASK { ?m schema:name ?n . FILTER(CONTAINS(?n, "sơ kết")) }', "--store", db, "--json"])
    assert json.loads(again.stdout)["boolean"] is True  # rebuilt once the server let go



def test_an_ingest_while_serving_syncs_the_store_and_the_endpoint_answers_with_it(tmp_path):
    from kg.rdf.persist import current
    db = str(tmp_path / "kg.db")
    assert runner.invoke(app, ["ingest", _write(tmp_path, "plan-2018"), "--store", db]).exit_code == 0
    proc = subprocess.Popen([sys.executable, "-c", "from kg.cli.app import main; main()", "serve", "--sparql",
                             "--port", "0", "--store", db], stderr=subprocess.PIPE, text=True)
    try:
        url = re.search(r"(http://127\.0\.0\.1:\d+/sparql)", proc.stderr.readline()).group(1)
        ask = 'ASK { ?m schema:name ?n . FILTER(CONTAINS(?n, "sơ kết")) }'  # the report's meeting

        def answer():
            request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": ask}),
                                             headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request) as response:
                return json.loads(response.read())["boolean"]
        assert answer() is False
        assert runner.invoke(app, ["ingest", _write(tmp_path, "report-2020"), "--store", db]).exit_code == 0
        with SQLiteStore(db, create=False) as store:  # synced in place: nothing left to rebuild
            assert current(store_path(store), store, BASE)
        assert answer() is True
    finally:
        proc.terminate()
        proc.wait(timeout=10)
