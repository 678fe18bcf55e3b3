from kg.facts import Article
from kg.ingest import facts_for, ingest
from kg.stores.sqlite import SQLiteStore

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
        assert "USING INDEX" in plan[0][3], plan


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
