"""RDF side: generated ontology and shapes, stable IRIs, streamed exports, SHACL, SPARQL."""
import json

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
        article_id = str(ds.value(bundle, PROV.hadPrimarySource)).rsplit("/", 1)[1]
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
