import pytest

from kg.facts import Article
from kg.graph import Node
from kg.ingest import ingest
from kg.work import facts_for
from kg.stores.sqlite import reads as sqlite_reads
from kg.stores.base import MeetingFilter, Store
from kg.stores.sqlite import SQLiteStore
from tests.composed import CHAIR, CHILDREN, HUB, article, lineage_store, meetings_store

TEXT = ("Sáng ngày 02/5, đồng chí Trần Minh Khoa, Bí thư Tỉnh ủy Hậu Giang chủ trì hội nghị "
        "quán triệt Chỉ thị số 20-CT/TU ngày 15/8/2016 của Ban Thường vụ Tỉnh ủy.")
OTHER = ("Chiều 03/5, đồng chí Lê Thị Hồng Nhung, Chủ tịch UBND tỉnh Hậu Giang chủ trì cuộc họp "
         "triển khai Chỉ thị số 20-CT/TU ngày 15/8/2016 của Ban Thường vụ Tỉnh ủy.")


def _article(article_id: str, text: str) -> Article:
    return Article(id=article_id, text=text, published="2023-05-04", province_context="Hậu Giang")


def _upsert(store, article):
    return store.upsert(facts_for(article, lambda base: store.find_ids(base)))


def test_wal_and_indexes(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    for column in ("src", "dst"):  # both directions of a walk are index searches, not scans
        plan = store.db.execute(f"EXPLAIN QUERY PLAN SELECT * FROM edges WHERE {column}=? AND type=?",
                                ("x", "IMPLEMENTS")).fetchall()
        assert plan[0][3].startswith("SEARCH") and " USING " in plan[0][3], plan  # an index or the key


def test_reingest_same_article_changes_nothing(store):
    assert _upsert(store, _article("a", TEXT)).status == "new"
    before = store.counts()
    assert _upsert(store, _article("a", TEXT)).status == "unchanged"
    assert store.counts() == before


def test_changed_article_replaces_only_its_own_claims(store):
    _upsert(store, _article("a", TEXT))
    _upsert(store, _article("b", OTHER))
    changed = TEXT.replace("Trần Minh Khoa", "Phạm Quốc Bảo")
    assert _upsert(store, _article("a", changed)).status == "replaced"
    names = {n.name for n in store.iter_nodes("Person")}
    assert names == {"Phạm Quốc Bảo", "Lê Thị Hồng Nhung"}
    doc = store.find("20-CT/TU", "Document", exact=True)
    assert len(doc) == 1 and len(store.neighbours(doc[0].id, "MENTIONS", "in")) == 2


def test_retract_keeps_entities_another_article_supports(store):
    _upsert(store, _article("a", TEXT))
    _upsert(store, _article("b", OTHER))
    assert store.retract("a")
    assert not store.find("Trần Minh Khoa", "Person")
    assert store.find("20-CT/TU", "Document", exact=True)
    assert store.retract("b") and store.counts()["nodes"] == {}


def test_store_survives_reopen(tmp_path):
    path = str(tmp_path / "kg.db")
    with SQLiteStore(path) as db:
        ingest(db, [])
        _upsert(db, _article("a", TEXT))
    with SQLiteStore(path, create=False) as db:
        assert db.counts()["articles"] == 1


def test_totals_agree_with_counts(store):
    _upsert(store, _article("a", TEXT))
    _upsert(store, _article("b", OTHER))
    counts = store.counts()
    assert store.totals() == (sum(counts["nodes"].values()), sum(counts["edges"].values()))


# -- paging reads: each SQL override answers exactly as the Store default written in Python --


LINEAGE = ["BASED_ON", "IMPLEMENTS", "AMENDS", "REPLACES", "GUIDES"]


def test_read_indexes_exist(store):
    indexes = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"aliases_akey_node", "nodes_type_date", "edges_dst_src"} <= indexes


@pytest.mark.parametrize("which", [
    MeetingFilter(), MeetingFilter(person=CHAIR.id), MeetingFilter(person=CHAIR.id, since="2024-01-01"),
    MeetingFilter(until="2024-03-01"), MeetingFilter(provinces=("province:ninh-binh",)),
    MeetingFilter(provinces=()), MeetingFilter(text="hoi nghi ban thuong vu tinh uy", exact=True),
    MeetingFilter(text="Hội nghị Ban Thường vụ Tỉnh ủy"), MeetingFilter(text="nó"),
])
def test_meetings_page_matches_the_default(store, which):
    meetings_store(store)
    for limit, offset in [(50, 0), (2, 0), (2, 2), (1, 10)]:
        assert store.meetings_page(which, limit, offset) == Store.meetings_page(store, which, limit, offset)


def test_meetings_newest_first_undated_last(store):
    meetings_store(store)
    page, total = store.meetings_page(MeetingFilter(person=CHAIR.id), 10)
    assert total == 4 and [m.props.get("date") for m in page] == ["2024-06-01", "2024-03-01", "--05-02", None]


def _find_store(store):
    names = ["Quang", "Quảng Bình", "Ban Tuyên giáo Quảng Nam", "Nguyễn Văn Quang", "Đồng Quang",
             "Quảng"]
    for i, name in enumerate(names):
        node = Node("province:quang-binh", "Province", name) if i == 1 else Node(f"person:n{i}@x", "Person", name)
        store.upsert(article(f"f{i}", [node], []))
    return store


def test_find_orders_exact_then_by_matching_key(store):
    _find_store(store)
    assert [n.name for n in store.find("quang")] == [  # exact first (by id), then by the matching key
        "Quang", "Quảng", "Ban Tuyên giáo Quảng Nam", "Đồng Quang", "Nguyễn Văn Quang", "Quảng Bình"]
    assert [n.name for n in store.find("Quảng", exact=True)] == ["Quảng", "Quang"]  # own diacritics first
    assert [n.name for n in store.find("quang", "Province")] == ["Quảng Bình"]


def test_find_page_counts_or_says_it_did_not(store, monkeypatch):
    _find_store(store)
    first, total = store.find_page("quang", None, 2)
    everything = store.find("quang")
    assert total == 6 and [n.name for n in first] == ["Quang", "Quảng"]
    assert store.find_page("quang", None, 2, 4) == (everything[4:], 6)
    monkeypatch.setattr(sqlite_reads, "DENSE", 1)  # too many to count: walk the key index instead
    assert store.find_page("quang", None, 3) == (everything[:3], None)
    assert store.find_page("quang", None, 3, 2) == (everything[2:5], None)
    assert store.find_page("quang", None, 10) == (everything, 6)
    assert store.find_page("qu", "Person", 10, 1)[0] == Store.find_page(store, "qu", "Person", 10, 1)[0]


@pytest.mark.parametrize("hub", [1000, 2])
def test_neighbours_capped_matches_the_default(store, monkeypatch, hub):
    monkeypatch.setattr(sqlite_reads, "HUB", hub)  # 2: the hub reads its newest from the date index
    lineage_store(store)
    ids = [HUB.id] + [c.id for c in CHILDREN]
    for direction in ("in", "out"):
        for limit in (None, 1, 2, 10):
            got = store.neighbours_capped(ids, LINEAGE, direction, limit)
            assert got == Store.neighbours_capped(store, ids, LINEAGE, direction, limit)
    claims, count = store.neighbours_capped([HUB.id], LINEAGE, "in", 2)[HUB.id]
    assert count == 5 and [other.id for _, other in claims] == [CHILDREN[4].id, CHILDREN[3].id]


def test_walk_in_one_query_finds_what_the_level_walk_finds(store):
    lineage_store(store)
    key = lambda pair: (pair[0].src, pair[0].type, pair[0].dst, pair[0].article_id)  # noqa: E731
    for start in (HUB.id, CHILDREN[0].id):
        for direction in ("in", "out"):
            for depth in (0, 1, 2, 3, 6):
                expected = sorted(Store.walk(store, start, LINEAGE, direction, depth), key=key)
                assert sorted(store.walk(start, LINEAGE, direction, depth), key=key) == expected


def test_spans_and_latest_match_the_default(example_store):
    for node in list(example_store.iter_nodes("Person")) + list(example_store.iter_nodes("Post")):
        for direction in ("out", "in"):
            assert example_store.edge_spans(node.id, "HOLDS", direction, "attested") == \
                Store.edge_spans(example_store, node.id, "HOLDS", direction, "attested")
            assert example_store.latest(node.id, "HOLDS", direction, "attested") == \
                Store.latest(example_store, node.id, "HOLDS", direction, "attested")
