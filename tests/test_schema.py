import pytest

from kg.model import SchemaError, parse_schema, schema
from kg.vocab import DATA_DIR, abbreviations, entries, org_patterns


def test_schema_declares_every_type_once():
    s = schema()
    assert set(s.nodes) == {"Article", "Person", "Post", "Organization", "Meeting", "Document", "Province"}
    assert s.lineage_edges()["IMPLEMENTS"] == "implements"
    assert s.expand(s.edges["IMPLEMENTS"].rdf) == "http://data.europa.eu/eli/ontology#ensures_implementation_of"


def test_bad_schema_fails_loudly():
    with pytest.raises(SchemaError):
        parse_schema({"nodes": {"A": {"slug": "a", "rdf": "x:A", "label": {}}},
                      "edges": {"E": {"source": "A", "target": "Missing", "rdf": "x:e", "label": {}}}})
    with pytest.raises(SchemaError):
        parse_schema({"nodes": {"A": {"slug": "a", "rdf": "x:A", "label": {},
                                      "properties": {"p": {"type": "float"}}}}, "edges": {}})


def test_every_vocabulary_entry_parses():
    import re
    for name in ("surnames.txt", "post_heads.txt", "honorifics.txt", "non_person_context.txt",
                 "place_names.txt"):
        for entry in entries(name):
            assert entry == entry.strip() and "\t" not in entry, (name, entry)
    assert all(len(line.split("\t")) == 2 for line in entries("abbreviations.tsv"))
    assert len(abbreviations()) == len(entries("abbreviations.tsv"))
    for pattern in org_patterns():
        re.compile(pattern.replace("{place}", ""))
    assert (DATA_DIR / "doc_types.tsv").exists()


def test_a_type_declared_twice_is_refused():
    from kg.model import MODEL_FILE, load_schema_text
    text = MODEL_FILE.read_text(encoding="utf-8")
    assert load_schema_text(text).nodes  # the shipped schema declares each key once
    twice = text.replace("nodes:\n", "nodes:\n  Person:\n    slug: p\n", 1)
    with pytest.raises(SchemaError, match="declared twice"):
        load_schema_text(twice)


# -- completeness and conformance ---------------------------------------------------------------
from kg.errors import KgError  # noqa: E402
from kg.facts import Article, Evidence  # noqa: E402
from kg.graph import Facts, Node  # noqa: E402
from kg.model import NonConforming, conform, id_prefix, node_id, parse_id  # noqa: E402
from tests.conftest import SEED, SHARED, need  # noqa: E402


def _extracted_facts(path):
    from kg.resolver import resolve
    from loaders import read_path
    from loaders.extract import extract
    for record in read_path(path):
        if isinstance(record, Article):
            yield resolve(extract(record))


@pytest.mark.parametrize("path", [SEED, SHARED / "corpus" / "dev.jsonl", SHARED / "corpus" / "north.jsonl"],
                         ids=["seed", "dev", "north"])
def test_extracted_facts_conform_to_the_schema(path):
    """Every node, edge and property the extractors and resolver produce is declared in
    model.yaml (scope, attested, dateless and role were not), and every id parses back."""
    checked = 0
    for facts in _extracted_facts(need(path)):
        assert conform(facts) is facts
        for node in facts.nodes:
            node_type, key = parse_id(node)
            assert node_type == facts.nodes[node].node.type and node_id(node_type, **key) == node
        checked += 1
    assert checked


def _facts(*nodes: tuple, edges=()) -> Facts:
    """Facts of one composed article: `nodes` as (id, type, props), `edges` as (src, type, dst, props)."""
    facts = Facts(Article(id="t1", text="Một câu thử."))
    ev = Evidence("t1", 0, 3, "Một câu thử.", "test")
    for node_id_, node_type, props in nodes:
        facts.add_node(Node(node_id_, node_type, node_id_.partition(":")[2], props), ev)
    for src, edge_type, dst, props in edges:
        facts.add_edge(src, edge_type, dst, ev, **props)
    return facts


MEETING = ("meeting:t1:1", "Meeting", {"date": "--10-13"})
PERSON = ("person:le-van-an@can-tho", "Person", {})
POST = ("post:bi-thu-tinh-uy@can-tho", "Post", {"scope": "can-tho"})
NOT_CONFORMING = {
    "unknown node type": _facts(("person:x@y", "Citizen", {})),
    "unknown edge type": _facts(MEETING, PERSON, edges=[("meeting:t1:1", "PRESIDED_BY", PERSON[0], {})]),
    "unknown property": _facts(("meeting:t1:1", "Meeting", {"venue": "Hội trường"})),
    "wrong endpoint": _facts(MEETING, POST, edges=[("meeting:t1:1", "CHAIRED_BY", POST[0], {})]),
    "wrong value kind": _facts(("article:t1", "Article", {"views": "nhiều"})),
    "value outside its enum": _facts(MEETING, ("doc:central:21-nq-tw-2012", "Document", {"number": "21-NQ/TW"}),
                                     edges=[("meeting:t1:1", "ACTS_ON", "doc:central:21-nq-tw-2012", {"action": "veto"})]),
    "id of another type": _facts(("post:x@y", "Person", {})),
    "edge property undeclared": _facts(PERSON, POST, edges=[(PERSON[0], "HOLDS", POST[0], {"start": "2016"})]),
}


@pytest.mark.parametrize("case", NOT_CONFORMING)
def test_conform_names_the_fact_it_refuses(case):
    with pytest.raises(NonConforming) as refused:
        conform(NOT_CONFORMING[case])
    message = str(refused.value)
    assert "\n" not in message and message.startswith("article t1: ")
    assert isinstance(refused.value, KgError)


@pytest.mark.parametrize("case", ["unknown node type", "unknown edge type", "wrong endpoint"])
def test_sqlite_store_refuses_what_the_schema_does_not_declare(store, case):
    """SQLite used to store any node or edge type; now nothing of a refused article is written."""
    with pytest.raises(NonConforming):
        store.upsert(NOT_CONFORMING[case])
    assert store.article("t1") is None and not list(store.iter_nodes())


def test_bolt_store_refuses_what_the_schema_does_not_declare(neo4j_uri):
    from tests import neo4j_server
    neo4j_server.clear(neo4j_uri)
    bolt = neo4j_server.bolt_store(neo4j_uri)
    try:
        for case in ("unknown property", "wrong endpoint", "value outside its enum"):
            with pytest.raises(NonConforming):
                bolt.upsert(NOT_CONFORMING[case])
        assert bolt.article("t1") is None
    finally:
        bolt.close()


def test_ingest_reports_a_refused_article_and_stores_the_rest(tmp_path, monkeypatch):
    """A refused article is that article's one-line error; the others land."""
    from kg.ingest import ingest
    from kg.stores.sqlite import SQLiteStore
    import kg.resolver
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(f"Tin {name}\n\nHội nghị ở Cần Thơ do ông Lê Văn An chủ trì.\n",
                                            encoding="utf-8")
    real = kg.resolver.resolve

    def resolve_b_badly(extraction, known=lambda base: []):
        facts = real(extraction, known)
        if extraction.article.id.endswith("b.txt"):
            facts.add_edge(f"article:{extraction.article.id}", "LIKES", f"article:{extraction.article.id}",
                           Evidence(extraction.article.id, 0, 0, "", "test"))
        return facts
    monkeypatch.setattr("kg.settle.resolve", resolve_b_badly)
    db = SQLiteStore(str(tmp_path / "kg.db"))
    summary = ingest(db, [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert summary.failed == 1 and "LIKES" in summary.errors[0] and "\n" not in summary.errors[0]
    stored = [n.id for n in db.iter_nodes() if n.type == "Article"]
    assert len(stored) == 1 and stored[0].endswith("a.txt")
    db.close()


# -- node ids -----------------------------------------------------------------------------------
def test_node_ids_follow_the_declared_slugs_and_patterns():
    assert node_id("Person", name="le-van-an", scope="can-tho") == "person:le-van-an@can-tho"
    assert node_id("Document", scope="can-tho", number="20-ct-tu", year=2016) == "doc:can-tho:20-ct-tu-2016"
    assert node_id("Document", scope="can-tho", number="20-ct-tu") == "doc:can-tho:20-ct-tu"  # optional part
    assert parse_id("doc:can-tho:20-ct-tu-2016") == ("Document", {"scope": "can-tho", "number": "20-ct-tu", "year": "2016"})
    assert parse_id("doc:can-tho:20-ct-tu")[1]["year"] is None
    # an article id may hold colons (a URL); the meeting number is the last part
    assert parse_id("meeting:https://bao.vn/a:b:2") == ("Meeting", {"article": "https://bao.vn/a:b", "n": "2"})
    assert id_prefix("Organization") == "org:" and id_prefix("Article") == "article:"
    with pytest.raises(SchemaError):
        parse_id("citizen:x")
    with pytest.raises(SchemaError):
        node_id("Person", name="le-van-an")  # scope is not optional


def test_a_slug_change_in_the_schema_changes_every_id(monkeypatch):
    """Ids are made from model.yaml, not spelled by hand: the identity rules follow a new slug."""
    import kg.model
    from kg.identity import document_key, person_id
    text = kg.model.MODEL_FILE.read_text(encoding="utf-8")
    changed = kg.model.load_schema_text(text.replace("slug: doc\n", "slug: vb\n").replace("slug: person\n", "slug: ca-nhan\n"))
    monkeypatch.setattr(kg.model, "schema", lambda: changed)
    monkeypatch.setattr(kg.model, "_by_slug", lambda: {n.slug: n.name for n in changed.nodes.values()})
    assert person_id("Lê Văn An", "can-tho") == "ca-nhan:le-van-an@can-tho"
    assert document_key("20-CT/TU", "Chỉ thị", None, "2016-05-01", None).id.startswith("vb:")


def test_schema_refuses_two_types_with_one_slug_and_an_unknown_rdf_form():
    base = {"slug": "a", "rdf": "x:A", "label": {}}
    with pytest.raises(SchemaError, match="slug"):
        parse_schema({"nodes": {"A": base, "B": {**base, "rdf": "x:B"}}, "edges": {}})
    with pytest.raises(SchemaError, match="rdf_as"):
        parse_schema({"nodes": {"A": base}, "edges": {"E": {"source": "A", "target": "A", "rdf": "x:e",
                                                               "label": {}, "rdf_as": "reification"}}})
