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
