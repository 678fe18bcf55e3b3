"""RDF side: generated ontology and shapes, stable IRIs, streamed exports, SHACL, SPARQL."""
import json
from urllib.parse import unquote

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS
from typer.testing import CliRunner

from kg.cli.app import app
from kg.errors import KgError
from kg.export import export
from kg.ingest import ingest
from kg.rdf.iri import check_base, date_literal, node_iri
from kg.rdf.ontology import ontology_turtle
from kg.rdf.shapes import shapes_turtle
from kg.rdf.sparql import sparql
from kg.rdf.validate import validate
from kg.stores.sqlite import SQLiteStore
from schemas import SCHEMA_DIR
from tests.conftest import DEV, SEED, need

BASE = "https://kg.example.org/"
SCHEMA, ORG, ELI = (rdflib.Namespace(n) for n in ("https://schema.org/", "http://www.w3.org/ns/org#",
                                                   "http://data.europa.eu/eli/ontology#"))
KG, OA, PROV = (rdflib.Namespace(n) for n in ("https://kg.example.org/ontology#", "http://www.w3.org/ns/oa#",
                                               "http://www.w3.org/ns/prov#"))
FORMATS = {"nt": ("out.nt", "nt"), "turtle": ("out.ttl", "turtle"), "jsonld": ("out.jsonld", "json-ld"),
           "trig": ("out.trig", "trig")}
LINEAGE = ("BASED_ON", "IMPLEMENTS", "AMENDS", "REPLACES", "GUIDES", "SUMMARIZES")

# The three worked queries of the report (model prefixes are predeclared by `kg sparql`).
CHAIRED_IN_PROVINCE = """
SELECT ?date ?meeting ?chair WHERE {
  ?m a schema:Event ; schema:name ?meeting ; schema:location ?province ; kg:chairedBy ?p .
  ?province schema:name "Hậu Giang" .
  ?p schema:name ?chair .
  OPTIONAL { ?m schema:startDate ?date }
} ORDER BY ?date ?chair"""
PERSON_POSTS = """
SELECT ?attested ?post ?article WHERE {
  ?person a schema:Person ; schema:name "Trần Minh Khoa" .
  ?m a org:Membership ; org:member ?person ; kg:post ?p ; kg:attestedOn ?attested ;
     prov:hadPrimarySource ?article .
  ?p skos:prefLabel ?post .
} ORDER BY ?attested ?post"""
LINEAGE_DOWN = """
SELECT DISTINCT ?number ?type ?date WHERE {
  ?root eli:id_local "21-NQ/TW" .
  ?doc (eli:ensures_implementation_of|eli:amends|eli:based_on)+ ?root ; eli:id_local ?number .
  OPTIONAL { ?doc eli:type_document ?type }
  OPTIONAL { ?doc eli:date_document ?date }
} ORDER BY ?date"""

runner = CliRunner()


def _parse(path, fmt) -> rdflib.Graph:
    if fmt != "trig":
        return rdflib.Graph().parse(path, format=fmt)
    union = rdflib.Graph()
    for s, p, o, _ in rdflib.Dataset().parse(path, format="trig").quads():
        union.add((s, p, o))
    return union


def _values(result: dict, var: str) -> list[str]:
    return [row[var]["value"] for row in result["results"]["bindings"] if var in row]


def test_committed_ontology_and_shapes_equal_generated():
    assert (SCHEMA_DIR / "ontology.ttl").read_text(encoding="utf-8") == ontology_turtle(), \
        "run `python -m kg.rdf.ontology`"
    assert (SCHEMA_DIR / "shapes.ttl").read_text(encoding="utf-8") == shapes_turtle()


def test_ontology_aligns_local_terms_to_standards():
    g = rdflib.Graph().parse(SCHEMA_DIR / "ontology.ttl", format="turtle")
    assert (KG.chairedBy, RDFS.subPropertyOf, SCHEMA.attendee) in g
    assert (KG.guides, RDFS.subPropertyOf, ELI.related_to) in g
    assert {l.language for l in g.objects(KG.chairedBy, RDFS.label)} == {"vi", "en"}
    for used in (ORG.Post, ORG.holds, ORG.postIn, ORG.Membership, ORG.memberDuring, ELI.LegalResource,
                 ELI.ensures_implementation_of, ELI.passed_by, SCHEMA.Event, SCHEMA.NewsArticle,
                 OA.TextPositionSelector, OA.TextQuoteSelector, PROV.Bundle):
        assert (used, RDF.type, None) in g, used
    assert (ELI.implements, None, None) not in g  # deprecated in ELI


def test_iris_are_readable_escaped_and_checked():
    assert node_iri(BASE, "person:nghiem-xuan-thanh@hau-giang") == BASE + "person/hau-giang/nghiem-xuan-thanh"
    assert node_iri(BASE, "doc:hau-giang:20-ct-tu-2016") == BASE + "doc/hau-giang/20-ct-tu-2016"
    assert node_iri(BASE, "meeting:a b/c:1") == BASE + "meeting/a%20b%2Fc/1"
    assert node_iri(BASE, "article:tin-số 1") == BASE + "article/tin-s%E1%BB%91%201"
    assert check_base("http://x.org/kg") == "http://x.org/kg/"
    with pytest.raises(KgError):
        check_base("not an iri")


def test_dates_are_typed_by_precision():
    assert date_literal("2016-09-20").endswith("#date>")
    assert date_literal("2016").endswith("#gYear>") and date_literal("2016-09").endswith("#gYearMonth>")
    assert date_literal("--10-13").endswith("#gMonthDay>")
    assert date_literal("2016-02-30") == '"2016-02-30"'  # not a date: never an ill-typed xsd:date


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_counts_equal_store_counts(example_store, tmp_path, fmt):
    name, parser = FORMATS[fmt]
    export(example_store, fmt, tmp_path / name, BASE)
    g, counts = _parse(tmp_path / name, parser), example_store.counts()
    for node_type, cls in (("Person", SCHEMA.Person), ("Meeting", SCHEMA.Event), ("Document", ELI.LegalResource)):
        assert len(set(g.subjects(RDF.type, cls))) == counts["nodes"][node_type]
    lineage = {"IMPLEMENTS": ELI.ensures_implementation_of, "AMENDS": ELI.amends, "BASED_ON": ELI.based_on,
               "REPLACES": ELI.repeals, "GUIDES": KG.guides, "SUMMARIZES": KG.summarizes}
    for edge_type, predicate in lineage.items():
        assert len(list(g.triples((None, predicate, None)))) == counts["edges"].get(edge_type, 0), edge_type


def test_same_iris_in_every_format_and_run(example_store, tmp_path):
    subjects = {}
    for fmt, (name, parser) in FORMATS.items():
        export(example_store, fmt, tmp_path / name, BASE)
        subjects[fmt] = {s for s in _parse(tmp_path / name, parser).subjects(RDF.type, SCHEMA.Person)}
    assert len({frozenset(s) for s in subjects.values()}) == 1
    first = (tmp_path / "out.nt").read_bytes()
    export(example_store, "nt", tmp_path / "out.nt", BASE)
    assert (tmp_path / "out.nt").read_bytes() == first
    export(example_store, "nt", tmp_path / "other.nt", "http://data.example.gov.vn/kg/")
    assert "<http://data.example.gov.vn/kg/person/hau-giang/tran-minh-khoa>" in (tmp_path / "other.nt").read_text()


def test_holds_becomes_one_membership_per_attestation(example_store, tmp_path):
    export(example_store, "turtle", tmp_path / "out.ttl", BASE)
    g = rdflib.Graph().parse(tmp_path / "out.ttl", format="turtle")
    claims = list(example_store.iter_edges("HOLDS"))
    assert len(set(g.subjects(RDF.type, ORG.Membership))) == len(claims)
    assert len(list(g.triples((None, ORG.holds, None)))) == example_store.counts()["edges"]["HOLDS"]
    dates = set(g.objects(None, KG.attestedOn))
    assert dates and all(d.datatype == rdflib.XSD.date for d in dates)


def test_trig_traces_each_claim_to_its_exact_text(example_store, tmp_path):
    result = export(example_store, "trig", tmp_path / "out.trig", BASE)
    ds = rdflib.Dataset().parse(tmp_path / "out.trig", format="trig")
    assert result["graphs"] == example_store.counts()["articles"]
    bundles = set(ds.subjects(RDF.type, PROV.Bundle))
    assert len(bundles) == result["graphs"]
    checked = 0
    for bundle in bundles:
        article_id = unquote(str(ds.value(bundle, PROV.hadPrimarySource)).rsplit("/", 1)[1])  # ids hold "/"
        text = example_store.article(article_id)["text"]
        claims = ds.graph(bundle)
        for target in claims.subjects(RDF.type, OA.SpecificResource):
            selectors = list(claims.objects(target, OA.hasSelector))
            position = next((s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in claims), None)
            quote = next((s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in claims), None)
            if position and quote:
                start, end = int(claims.value(position, OA.start)), int(claims.value(position, OA.end))
                assert text[start:end] == str(claims.value(quote, OA.exact))
                checked += 1
    assert checked > 50


def test_examples_export_conforms_to_shapes(example_store, tmp_path):
    assert validate(example_store, None, BASE)["conforms"]
    export(example_store, "trig", tmp_path / "out.trig", BASE)
    assert validate(None, tmp_path / "out.trig")["conforms"]


def test_seed_and_dev_corpus_exports_conform(tmp_path):
    db = SQLiteStore(str(tmp_path / "dev.db"))
    summary = ingest(db, [str(need(SEED)), str(need(DEV))])
    assert summary.failed == 0
    result = validate(db, None, BASE)
    db.close()
    assert result["conforms"], result["violations"][:5]


def test_broken_graph_does_not_conform_and_names_focus_and_path(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        '@prefix schema: <https://schema.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
        '@prefix eli: <http://data.europa.eu/eli/ontology#> .\n'
        '<http://x.org/person/a> a schema:Person ; rdfs:label "A" .\n'
        '<http://x.org/doc/d> a eli:LegalResource ; rdfs:label "D" ; eli:id_local "1" ; eli:date_document "20/9/2016" .\n',
        encoding="utf-8")
    result = validate(None, broken)
    assert not result["conforms"]
    found = {(v["focus"], v["path"]) for v in result["violations"]}
    assert ("http://x.org/person/a", "schema:name") in found
    assert ("http://x.org/doc/d", "eli:date_document") in found
    cli = runner.invoke(app, ["validate", str(broken), "--json"])
    assert cli.exit_code == 1 and json.loads(cli.stdout)["conforms"] is False


def test_worked_sparql_queries(example_store):
    chaired = sparql(CHAIRED_IN_PROVINCE, example_store)
    assert _values(chaired, "chair") == ["Trần Minh Khoa", "Lê Thị Hồng Nhung", "Lê Thị Hồng Nhung", "Trần Minh Khoa"]
    posts = sparql(PERSON_POSTS, example_store)
    assert len(posts["results"]["bindings"]) == 5 and "Bí thư Tỉnh ủy Hậu Giang" in _values(posts, "post")
    lineage = sparql(LINEAGE_DOWN, example_store)
    assert _values(lineage, "number") == ["20-CT/TU", "45/KH-UBND", "1234/QĐ-UBND"]


def test_sparql_cli_reads_query_files_and_reports_errors(tmp_path):
    db = str(tmp_path / "kg.db")
    assert runner.invoke(app, ["ingest", str(SCHEMA_DIR.parent / "examples"), "--store", db]).exit_code == 0
    (tmp_path / "q.rq").write_text("ASK { ?d eli:ensures_implementation_of ?x }", encoding="utf-8")
    result = runner.invoke(app, ["sparql", f"@{tmp_path / 'q.rq'}", "--store", db, "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == {"head": {}, "boolean": True}
    bad = runner.invoke(app, ["sparql", "SELEC ?x", "--store", db])
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: SPARQL") and bad.stderr.count("\n") == 1
    table = runner.invoke(app, ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?p a schema:Person }", "--store", db])
    assert table.exit_code == 0 and "7" in table.stdout


def test_network_formats(example_store, tmp_path):
    import networkx as nx
    for fmt, reader, edge_type in (("graphml", nx.read_graphml, "type"), ("gexf", nx.read_gexf, "label")):
        result = export(example_store, fmt, tmp_path / f"out.{fmt}", BASE)
        g = reader(tmp_path / f"out.{fmt}")
        assert g.number_of_nodes() == result["nodes"] == sum(example_store.counts()["nodes"].values())
        doc = g.nodes["doc:hau-giang:20-ct-tu-2016"]
        assert doc["type"] == "Document" and doc["name"] == "20-CT/TU"
        assert {d[edge_type] for *_, d in g.edges(data=True)} >= {"HOLDS", "CHAIRED_BY", "IMPLEMENTS"}
        assert all(d["article"] for *_, d in g.edges(data=True))


def test_export_rejects_bad_base_iri(example_store, tmp_path):
    with pytest.raises(KgError, match="base-iri"):
        export(example_store, "nt", tmp_path / "x.nt", "kg example")


# -- streamed writers against rdflib, on a composed store with hostile strings and ids ------
NASTY = 'Nguyễn "Văn" \\ A\n\tB\r\x00\x1f\x7f\u2028\u2029 😀 e\u0301 <x> {y} ; . # @vi'


def _composed_store(path):
    """Three articles whose names, ids, spans and properties need every escape the writers do."""
    from kg.facts import Article, Evidence
    from kg.graph import Facts, Node
    db = SQLiteStore(str(path))
    docs, text = ["doc:hậu giang:12/QĐ-UBND#1?x=%20", "doc:hau-giang:20-ct-tu-2016"], f"Câu {NASTY} kết."
    for i, article_id in enumerate(["tin-số 1", 'a"b\\c', "plain"]):
        article = Article(id=article_id, text=text, title=f"{NASTY} {i}", published="2021-10-04", views=7 + i)
        facts = Facts(article)
        ev = Evidence(article_id, 4, 4 + len(NASTY), text, "composed")
        add = lambda id_, type_, name, **props: facts.add_node(Node(id_, type_, name, props), ev)  # noqa: E731
        art = add(f"article:{article_id}", "Article", article.title, title=article.title, published="2021-10-04",
                  views=article.views, section=NASTY)
        person = add("person:nguyễn văn a@hậu giang", "Person", NASTY)
        other = add("person:x/y:z@b", "Person", "B \\u0041")
        post = add("post:bí thư@hậu giang", "Post", "Bí thư \"Tỉnh ủy\"")
        org = add("org:tỉnh ủy@hậu giang", "Organization", "Tỉnh ủy")
        province = add("province:hậu giang", "Province", "Hậu Giang", code="93", current=NASTY)
        meeting = add("meeting:a b/c:1", "Meeting", f"Hội nghị {NASTY}", date=["2021-10-04", "--10-13", "x"][i])
        for n, doc in enumerate(docs):
            add(doc, "Document", f"{n}/QĐ", number=f"{n}/QĐ", doc_type="Quyết định", issuer=NASTY,
                date=["2016-09-20", "2016-02-30"][n], resolved=bool(n))
        facts.add_edge(person, "HOLDS", post, ev, attested="2021-10-04", **({"start": "2016-09", "end": "2020"} if i else {}))
        facts.add_edge(other, "HOLDS", post, ev, attested="2021", start="sometime")
        facts.add_edge(post, "POST_IN", org, ev)
        facts.add_edge(org, "IN_PROVINCE", province, ev)
        facts.add_edge(meeting, "CHAIRED_BY", person, Evidence(article_id, 0, 0, "", ""))  # a claim without evidence
        facts.add_edge(meeting, "ATTENDEE", other, ev)
        facts.add_edge(meeting, "HELD_IN", province, ev)
        facts.add_edge(meeting, "ACTS_ON", docs[0], ev, action="adopt")  # the same usage claimed by every article
        facts.add_edge(meeting, "ACTS_ON", docs[1], ev, action=["review", "discuss", "implement"][i])
        facts.add_edge(docs[1], "IMPLEMENTS", docs[0], ev)
        facts.add_edge(art, "MENTIONS", person, ev)
        facts.add_edge(art, "REPORTS", meeting, ev)
        db.upsert(facts)
    return db


def _term(t: str):
    """An N-Triples term as rdflib's own N-Triples unescaping reads it."""
    from rdflib.plugins.parsers.ntriples import unquote
    if t[0] == "<":
        return rdflib.URIRef(t[1:-1])
    close = t.rindex('"')
    rest = t[close + 1:]
    return rdflib.Literal(unquote(t[1:close]), lang=rest[1:] if rest.startswith("@") else None,
                          datatype=rest[3:-1] if rest.startswith("^^") else None)


def _canon_rdflib(triples) -> set:
    def one(t):
        if isinstance(t, rdflib.Literal):
            return ("L", str(t), str(t.datatype or rdflib.XSD.string), t.language or "")
        return ("I", str(t))
    return {tuple(one(t) for t in triple) for triple in triples}


def _canon_ox(quads) -> set:
    import pyoxigraph as ox

    def one(t):
        if isinstance(t, ox.Literal):
            return ("L", t.value, t.datatype.value, t.language or "")
        return ("I", t.value)
    return {(one(q.subject), one(q.predicate), one(q.object)) for q in quads}


@pytest.fixture
def composed_store(tmp_path):
    db = _composed_store(tmp_path / "composed.db")
    yield db
    db.close()


def test_streamed_writers_equal_the_rdflib_graph(composed_store, tmp_path):
    """Hand-escaped N-Triples, Turtle and JSON-LD parse with rdflib and pyoxigraph to exactly
    the graph rdflib builds and serializes itself from the same triples, strings intact."""
    import pyoxigraph as ox
    from kg.rdf.iri import node_iri
    from kg.rdf.triples import graph_blocks
    reference = rdflib.Graph()
    for s, pos in graph_blocks(composed_store, BASE):
        for p, o in pos:
            reference.add((_term(s), _term(p), _term(o)))
    expected = _canon_rdflib(reference)
    for fmt in ("nt", "turtle"):  # rdflib's own serialization of it reads back the same
        again = rdflib.Graph().parse(data=reference.serialize(format=fmt), format=fmt)
        assert _canon_rdflib(again) == expected
    oxformats = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}
    for fmt, oxformat in oxformats.items():
        name, parser = FORMATS[fmt]
        result = export(composed_store, fmt, tmp_path / name, BASE)
        assert result["triples"] == len(expected), fmt  # every triple written once
        assert _canon_rdflib(rdflib.Graph().parse(tmp_path / name, format=parser)) == expected, fmt
        assert _canon_ox(ox.parse(path=str(tmp_path / name), format=oxformat)) == expected, fmt
    person = rdflib.URIRef(node_iri(BASE, "person:nguyễn văn a@hậu giang"))
    assert (person, RDFS.label, rdflib.Literal(NASTY)) in reference
    assert (rdflib.URIRef(node_iri(BASE, "person:x/y:z@b")), RDFS.label, rdflib.Literal("B \\u0041")) in reference
    assert len(set(reference.subjects(RDF.type, PROV.Usage))) == 4  # adopt once, not once per article
    lines = (tmp_path / "out.nt").read_text(encoding="utf-8").split("\n")[:-1]  # (U+2028 is no line end)
    assert len(lines) == len(set(lines)) == len(expected)


def test_fast_sqlite_path_equals_the_store_interface_path(composed_store, tmp_path):
    """The SQLite reads (index scans on its own connection) give the graph and the TriG dataset
    the generic `Store` path gives; and the connection's page cache is lowered only meanwhile."""
    import pyoxigraph as ox
    from kg.rdf.source import EXPORT_CACHE_KIB, Reader, SQLiteReader, reader
    from kg.rdf.triples import graph_blocks

    class Plain:  # the same store seen only through the Store interface
        def __init__(self, store):
            self.iter_nodes, self.iter_edges, self.article = store.iter_nodes, store.iter_edges, store.article

    pragmas = lambda: [composed_store.db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("cache_size", "mmap_size")]  # noqa: E731
    before = pragmas()
    with reader(composed_store) as r:
        assert isinstance(r, SQLiteReader)
        assert pragmas() == [-EXPORT_CACHE_KIB, 0]
    assert pragmas() == before
    with reader(Plain(composed_store)) as r:
        assert type(r) is Reader
    fast = sorted(graph_blocks(composed_store, BASE))
    assert fast == sorted(graph_blocks(composed_store, BASE, fast=False))
    datasets = []
    for name, store in (("fast", composed_store), ("plain", Plain(composed_store))):
        result = export(store, "trig", tmp_path / f"{name}.trig", BASE)
        quads = set(ox.parse(path=str(tmp_path / f"{name}.trig"), format=ox.RdfFormat.TRIG))
        assert result["triples"] == len(quads) and result["graphs"] == 3
        ds = rdflib.Dataset().parse(tmp_path / f"{name}.trig", format="trig")
        assert len(list(ds.quads())) == len(quads)
        datasets.append(quads)
    assert datasets[0] == datasets[1]
    exact = {q.object.value for q in datasets[0] if q.predicate.value == str(OA.exact)}
    assert exact == {NASTY}  # the span's text, every escape undone


def test_compaction_leaves_node_iris_whole(composed_store, tmp_path):
    from kg.rdf.render import Compactor
    c = Compactor()
    assert c.iri("<https://schema.org/Person>") == "schema:Person"
    assert c.iri("<https://kg.example.org/ontology#chairedBy>") == "kg:chairedBy"
    assert c.iri("<https://schema.org/a/b>") == "<https://schema.org/a/b>"
    assert c.iri("<https://schema.org/x%20y>") == "<https://schema.org/x%20y>"
    assert c.iri("<https://kg.example.org/person/a>") == "<https://kg.example.org/person/a>"
    odd = Compactor({"ex": "http://ex.org/ns_"})
    assert odd.iri("<http://ex.org/ns_thing>") == "ex:thing" and odd.iri("<http://ex.org/ns_a/b>") == "<http://ex.org/ns_a/b>"
    base, graphs = "https://schema.org/", []  # node IRIs now fall in the schema: namespace
    for fmt in ("nt", "turtle", "jsonld"):
        name, parser = FORMATS[fmt]
        export(composed_store, fmt, tmp_path / name, base)
        graphs.append(_canon_rdflib(rdflib.Graph().parse(tmp_path / name, format=parser)))
    assert len(graphs[0]) > 100 and graphs[1] == graphs[0] and graphs[2] == graphs[0]
    assert "<https://schema.org/province/h%E1%BA%ADu%20giang>" in (tmp_path / "out.ttl").read_text(encoding="utf-8")
