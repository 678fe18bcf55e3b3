"""RDF side: generated ontology and shapes, stable IRIs, streamed exports, SHACL, SPARQL."""
import json
from urllib.parse import unquote
import re
import subprocess
import sys

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

# The worked queries of the README (model prefixes are predeclared by `kg sparql`).
README_QUERIES = re.findall(r"```sparql\n(.*?)```", (SCHEMA_DIR.parent / "README.md").read_text(encoding="utf-8"), re.S)
CHAIRED_IN_PROVINCE, PERSON_POSTS, LINEAGE_DOWN, CHAIR_EVIDENCE = README_QUERIES

runner = CliRunner()
KG_CLI = [sys.executable, "-c", "from kg.cli.app import main; main()"]  # the CLI in its own process


def _parse(path, fmt) -> rdflib.Graph:
    """The default graph of any export (a dataset's named graphs left out, as SPARQL does)."""
    if fmt not in ("trig", "json-ld"):
        return rdflib.Graph().parse(path, format=fmt)
    ds = rdflib.Dataset(default_union=False)
    ds.parse(path, format=fmt)
    default = rdflib.Graph()
    for triple in ds.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID):
        default.add(triple)
    return default


def _values(result: dict, var: str) -> list[str]:
    return [row[var]["value"] for row in result["results"]["bindings"] if var in row]


def test_committed_ontology_and_shapes_equal_generated():
    assert (SCHEMA_DIR / "ontology.ttl").read_text(encoding="utf-8") == ontology_turtle(), \
        "run `python -m kg.rdf.ontology`"
    assert (SCHEMA_DIR / "shapes.ttl").read_text(encoding="utf-8") == shapes_turtle()


def test_ontology_declares_only_kg_terms_and_its_concept_schemes():
    g = rdflib.Graph().parse(SCHEMA_DIR / "ontology.ttl", format="turtle")
    assert (KG.chairedBy, RDFS.subPropertyOf, SCHEMA.attendee) in g
    assert (KG.guides, RDFS.subPropertyOf, ELI.related_to) in g
    assert {l.language for l in g.objects(KG.chairedBy, RDFS.label)} == {"vi", "en"}
    foreign = {s for s in g.subjects() if not str(s).startswith(str(KG)) and str(s) != "https://kg.example.org/ontology"}
    assert foreign == set()  # no label, type or range added to ORG, ELI, SKOS, schema.org terms
    comments = " ".join(str(c) for c in g.objects(None, RDFS.comment))
    assert "eli:applies" in comments and "eli:ensures_implementation_of" in comments and "legal force" in comments
    assert (None, rdflib.OWL.versionIRI, None) in g
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    directive = KG["doctype-chi-thi"]
    assert (directive, RDF.type, ELI.ResourceType) in g and (directive, skos.inScheme, KG.DocumentTypes) in g
    assert (directive, skos.closeMatch, rdflib.URIRef("http://publications.europa.eu/resource/authority/resource-type/DIR")) in g
    assert (KG["doctype-ke-hoach"], skos.closeMatch, None) not in g  # no EU type fits a plan
    assert (KG["role-bi-thu"], RDF.type, ORG.Role) in g


def test_iris_are_readable_escaped_and_checked():
    assert node_iri(BASE, "person:nghiem-xuan-thanh@hau-giang") == BASE + "person/hau-giang/nghiem-xuan-thanh"
    assert node_iri(BASE, "doc:hau-giang:20-ct-tu-2016") == BASE + "doc/hau-giang/20-ct-tu-2016"
    assert node_iri(BASE, "meeting:a b/c:1") == BASE + "meeting/a%20b%2Fc/1"
    assert node_iri(BASE, "article:tin-số 1") == BASE + "article/tin-s%E1%BB%91%201"
    assert check_base("http://x.org/kg") == "http://x.org/kg/"
    with pytest.raises(KgError):
        check_base("not an iri")
    with pytest.raises(KgError, match="#"):  # kg mints `<node>#…` resources: a second `#` is no IRI
        check_base("http://x.org/kg#")


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
    lineage = {"IMPLEMENTS": (ELI.ensures_implementation_of, ELI.applies), "AMENDS": (ELI.amends,),
               "BASED_ON": (ELI.based_on,), "REPLACES": (ELI.repeals,), "GUIDES": (KG.guides,), "SUMMARIZES": (KG.summarizes,)}
    for edge_type, predicates in lineage.items():
        found = sum(len(list(g.triples((None, p, None)))) for p in predicates)
        assert found == counts["edges"].get(edge_type, 0), edge_type


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


def test_holds_becomes_one_nary_membership_per_person_and_post(example_store, tmp_path):
    export(example_store, "turtle", tmp_path / "out.ttl", BASE)
    g = rdflib.Graph().parse(tmp_path / "out.ttl", format="turtle")
    claims = list(example_store.iter_edges("HOLDS"))
    pairs = {(e.src, e.dst) for e in claims}  # the examples state no terms: one per (person, post)
    memberships = set(g.subjects(RDF.type, ORG.Membership))
    assert len(memberships) == len(pairs) < len(claims)
    khoa = rdflib.URIRef(node_iri(BASE, "person:tran-minh-khoa@hau-giang"))
    secretary = next(m for m in g.objects(khoa, ORG.hasMembership)
                     if str(g.value(m, KG.post)).endswith("bi-thu-tinh-uy"))
    assert g.value(secretary, ORG.member) == khoa
    assert (g.value(secretary, ORG.organization), RDF.type, ORG.Organization) in g
    assert g.value(secretary, ORG.role) == KG["role-bi-thu"]
    articles = {unquote(str(a).rsplit("/", 1)[1]) for a in g.objects(secretary, PROV.wasDerivedFrom)}
    attested = sorted(e.props["attested"] for e in claims if e.src.startswith("person:tran-minh-khoa")
                      and e.dst.startswith("post:bi-thu-tinh-uy"))
    assert articles == {e.article_id for e in claims if e.src.startswith("person:tran-minh-khoa")
                        and e.dst.startswith("post:bi-thu-tinh-uy")} and len(articles) == 2
    during = g.value(secretary, ORG.memberDuring)
    time = rdflib.Namespace("http://www.w3.org/2006/time#")
    first = g.value(g.value(during, time.hasBeginning), time.inXSDDate)
    last = g.value(g.value(during, time.hasEnd), time.inXSDDate)
    assert (str(first), str(last)) == (attested[0], attested[-1]) and first.datatype == rdflib.XSD.date


def test_vocabulary_is_used_as_its_owners_define_it(composed_store, example_store, tmp_path):
    export(example_store, "turtle", tmp_path / "ex.ttl", BASE)
    g = rdflib.Graph().parse(tmp_path / "ex.ttl", format="turtle")
    doc = lambda i: rdflib.URIRef(node_iri(BASE, i))  # noqa: E731
    party, plan = doc("doc:hau-giang:20-ct-tu-2016"), doc("doc:hau-giang:45-kh-ubnd-2022")
    assert g.value(party, ELI.number) == rdflib.Literal("20-CT/TU") and (None, ELI.id_local, None) not in g
    assert g.value(party, ELI.type_document) == KG["doctype-chi-thi"]  # a concept, not a string
    assert (party, ELI.applies, None) in g and (party, ELI.ensures_implementation_of, None) not in g
    assert (plan, ELI.ensures_implementation_of, None) in g  # a UBND plan is a state act
    assert g.value(party, ELI.date_document).datatype == rdflib.XSD.date
    hau_giang = rdflib.URIRef(node_iri(BASE, "province:hau-giang"))
    assert g.value(hau_giang, KG.currentUnit) == rdflib.URIRef(node_iri(BASE, "province:can-tho"))
    assert g.value(hau_giang, SCHEMA.name) == rdflib.Literal("Hậu Giang", lang="vi")
    article = rdflib.URIRef(node_iri(BASE, "article:ex-hau-giang-2024-01-12"))
    assert isinstance(g.value(article, SCHEMA.url), rdflib.URIRef)
    from kg.graph import Node
    from kg.rdf.triples import node_blocks
    spaced = dict(node_blocks(BASE, Node("article:x", "Article", "x", {"url": "https://example.org/Hậu Giang/1"}))[0][1])
    assert spaced[f"<{SCHEMA.url}>"] == "<https://example.org/H%E1%BA%ADu%20Giang/1>"  # encoded, not dropped
    views = g.value(rdflib.URIRef(node_iri(BASE, "article:examples/hau-giang-2022-03-18.txt")), SCHEMA.interactionStatistic)
    assert g.value(views, SCHEMA.userInteractionCount) == rdflib.Literal(212) and (views, RDF.type, SCHEMA.InteractionCounter) in g
    export(composed_store, "nt", tmp_path / "c.nt", BASE)
    c = rdflib.Graph().parse(tmp_path / "c.nt", format="nt")
    starts = [(p, o) for _, p, o in c.triples((None, None, None)) if p in (SCHEMA.startDate, KG.startDatePartial)]
    assert (KG.startDatePartial, rdflib.Literal("--10-13", datatype=rdflib.XSD.gMonthDay)) in starts
    assert all((p == SCHEMA.startDate) == (o.datatype == rdflib.XSD.date) for p, o in starts)
    assert {str(o) for o in c.objects(None, ELI.date_document)} == {"2016-09-20"}  # 2016-02-30 is no date
    assert all(o.datatype == rdflib.XSD.date for o in c.objects(None, ELI.date_document))


def test_trig_traces_each_claim_to_its_exact_text(example_store, tmp_path):
    result = export(example_store, "trig", tmp_path / "out.trig", BASE)
    ds = rdflib.Dataset().parse(tmp_path / "out.trig", format="trig")
    assert result["graphs"] == example_store.counts()["articles"]
    bundles = {s for s, _, _, g in ds.quads((None, RDF.type, PROV.Bundle, None)) if s == g}
    assert len(bundles) == result["graphs"]  # each named graph describes itself, inside itself
    assert not set(ds.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID).subjects(RDF.type, PROV.Bundle))
    checked = 0
    for bundle in bundles:
        claims = ds.graph(bundle)
        article_id = unquote(str(claims.value(bundle, PROV.hadPrimarySource)).rsplit("/", 1)[1])  # ids hold "/"
        text = example_store.article(article_id)["text"]
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


@pytest.mark.slow  # the whole dev corpus: ingest, SHACL, import round trip
def test_seed_and_dev_corpus_exports_conform(tmp_path):
    db = SQLiteStore(str(tmp_path / "dev.db"))
    summary = ingest(db, [str(need(SEED)), str(need(DEV))])
    assert summary.failed == 0
    result = validate(db, None, BASE)
    assert result["conforms"], result["violations"][:5]
    from kg.rdf.importer import import_file  # and the whole corpus round-trips through import
    export(db, "trig", tmp_path / "dev.trig", BASE)
    db.close()
    again = SQLiteStore(str(tmp_path / "again.db"))
    import_file(again, tmp_path / "dev.trig")
    export(again, "trig", tmp_path / "again.trig", BASE)
    again.close()
    assert (tmp_path / "again.trig").read_bytes() == (tmp_path / "dev.trig").read_bytes()


def test_broken_graph_does_not_conform_and_names_focus_and_path(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        '@prefix schema: <https://schema.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
        '@prefix eli: <http://data.europa.eu/eli/ontology#> .\n'
        '<http://x.org/person/a> a schema:Person ; rdfs:label "A" .\n'
        '<http://x.org/doc/d> a eli:LegalResource ; rdfs:label "D" ; eli:number "1" ; eli:date_document "20/9/2016" .\n',
        encoding="utf-8")
    result = validate(None, broken)
    assert not result["conforms"]
    found = {(v["focus"], v["path"]) for v in result["violations"]}
    assert ("http://x.org/person/a", "schema:name") in found
    assert ("http://x.org/doc/d", "eli:date_document") in found
    cli = runner.invoke(app, ["validate", str(broken), "--json"])
    assert cli.exit_code == 1 and json.loads(cli.stdout)["conforms"] is False


def test_worked_sparql_queries(example_store, tmp_path):
    chaired = sparql(CHAIRED_IN_PROVINCE, example_store)
    assert _values(chaired, "chair") == ["Trần Minh Khoa", "Lê Thị Hồng Nhung", "Lê Thị Hồng Nhung", "Trần Minh Khoa"]
    posts = sparql(PERSON_POSTS, example_store)
    assert "Bí thư Tỉnh ủy Hậu Giang" in _values(posts, "post") and "Bí thư" in _values(posts, "role")
    lineage = sparql(LINEAGE_DOWN, example_store)
    assert _values(lineage, "number") == ["20-CT/TU", "45/KH-UBND", "1234/QĐ-UBND"]
    export(example_store, "trig", tmp_path / "out.trig", BASE)
    evidence = sparql(CHAIR_EVIDENCE, None, tmp_path / "out.trig")
    assert len(_values(evidence, "quote")) == example_store.counts()["edges"]["CHAIRED_BY"]
    assert sparql(CHAIR_EVIDENCE, example_store)["results"]["bindings"] == []  # the store: default graph only


def _rows(bindings) -> list:
    return sorted(tuple(sorted((k, v["value"]) for k, v in row.items())) for row in bindings)


@pytest.mark.parametrize("query", README_QUERIES[:3])
def test_queries_give_the_same_rows_on_every_format_and_engine(example_store, tmp_path, query):
    """The default graph is the merged graph in every format: kg sparql, pyoxigraph and rdflib
    (each reading the default graph as the default graph, not the union) agree on all four."""
    import pyoxigraph as ox
    from kg.rdf.mapping import prefixes
    expected = _rows(sparql(query, example_store)["results"]["bindings"])
    assert expected
    head = "".join(f"PREFIX {n}: <{ns}>\n" for n, ns in prefixes().items())
    oxformats = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
                 "jsonld": ox.RdfFormat.JSON_LD}
    for fmt, (name, parser) in FORMATS.items():
        export(example_store, fmt, tmp_path / name, BASE)
        db = ox.Store()
        db.bulk_load(path=str(tmp_path / name), format=oxformats[fmt])
        rows = [{v.value: {"value": s[v].value} for v in q.variables if s[v] is not None}
                for q in [db.query(head + query)] for s in q]
        assert _rows(rows) == expected, fmt
        ds = rdflib.Dataset(default_union=False)
        ds.parse(tmp_path / name, format=parser)
        found = [{str(k): {"value": str(v)} for k, v in row.asdict().items()} for row in ds.query(head + query)]
        assert _rows(found) == expected, fmt
        assert _rows(sparql(query, None, tmp_path / name)["results"]["bindings"]) == expected, fmt


def test_sparql_cli_reads_query_files_and_stdin_and_reports_errors(tmp_path):
    db = str(tmp_path / "kg.db")
    assert runner.invoke(app, ["ingest", str(SCHEMA_DIR.parent / "examples"), "--store", db]).exit_code == 0
    (tmp_path / "q.rq").write_text("ASK { ?d eli:ensures_implementation_of ?x }", encoding="utf-8")
    result = runner.invoke(app, ["sparql", f"@{tmp_path / 'q.rq'}", "--store", db, "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == {"head": {}, "boolean": True}
    piped = runner.invoke(app, ["sparql", "-", "--store", db, "-f", "json"], input="ASK { ?d eli:applies ?x }")
    assert piped.exit_code == 0 and json.loads(piped.stdout)["boolean"] is True
    bad = runner.invoke(app, ["sparql", "SELEC ?x", "--store", db])
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: SPARQL") and bad.stderr.count("\n") == 1
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?p a schema:Person }"
    table = runner.invoke(app, ["sparql", count, "--store", db])
    assert table.exit_code == 0 and "7" in table.stdout
    csv_out = runner.invoke(app, ["sparql", count, "--store", db, "-f", "csv"])
    assert csv_out.stdout == "n\n7\n"
    export_path = tmp_path / "out.nt"
    assert runner.invoke(app, ["export", "-f", "nt", "-o", str(export_path), "--store", db]).exit_code == 0
    from_file = runner.invoke(app, ["sparql", count, "-d", str(export_path), "-f", "tsv"])
    assert from_file.exit_code == 0 and from_file.stdout == "n\n7\n"
    legacy = runner.invoke(app, ["sparql", count, "-f", str(export_path)])  # what -f meant before
    assert legacy.exit_code == 0 and "7" in legacy.stdout and "-d" in legacy.stderr
    unknown = runner.invoke(app, ["sparql", count, "--store", db, "-f", "yaml"])
    assert unknown.exit_code == 1 and "one of table, json, csv, tsv" in unknown.stderr


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
    with pytest.raises(KgError, match="#"):
        export(example_store, "trig", tmp_path / "x.trig", "https://kg.example.org/kg#")
    assert not (tmp_path / "x.trig").exists()


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
        facts.add_edge(person, "HOLDS", post, ev, attested=["2021-10-04", "2016-09", "2021"][i])
        facts.add_edge(other, "HOLDS", post, ev, attested="2021")
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


def _merged(store) -> list:
    from kg.rdf.dataset import merged_blocks
    from kg.rdf.source import reader
    with reader(store) as r:
        return list(merged_blocks(r, BASE))


def _data(canon: set) -> set:
    """Canonical triples less the dataset description (its distribution differs per file)."""
    return {t for t in canon if "/dataset" not in t[0][1]}


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
            return ("L", t.value, str(rdflib.XSD.string) if t.language else t.datatype.value, t.language or "")
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
    reference = rdflib.Graph()
    for s, pos in _merged(composed_store):
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
        quads = list(ox.parse(path=str(tmp_path / name), format=oxformat))
        assert result["triples"] == len(set(quads)), fmt  # every triple written once
        assert _data(_canon_rdflib(_parse(tmp_path / name, parser))) == expected, fmt
        assert _data(_canon_ox(q for q in quads if isinstance(q.graph_name, ox.DefaultGraph))) == expected, fmt
    person = rdflib.URIRef(node_iri(BASE, "person:nguyễn văn a@hậu giang"))
    assert (person, RDFS.label, rdflib.Literal(NASTY, lang="vi")) in reference
    assert (rdflib.URIRef(node_iri(BASE, "person:x/y:z@b")), RDFS.label, rdflib.Literal("B \\u0041", lang="vi")) in reference
    assert len(set(reference.subjects(RDF.type, PROV.Usage))) == 4  # adopt once, not once per article
    lines = (tmp_path / "out.nt").read_text(encoding="utf-8").split("\n")[:-1]  # (U+2028 is no line end)
    assert len(lines) == len(set(lines)) == len(_canon_rdflib(rdflib.Graph().parse(tmp_path / "out.nt", format="nt")))


def test_sqlite_fast_streams_equal_the_graph_source_defaults(composed_store, tmp_path):
    """The SQLite source's own reads (an index-only scan for distinct triples, the article index
    for claims by article) give the graph and the TriG dataset that the `GraphSource` defaults
    derive from its four streams; and the connection's page cache is lowered only meanwhile."""
    import pyoxigraph as ox
    from kg.stores.source import GraphSource
    from kg.stores.sqlite.source import EXPORT_CACHE_KIB, SQLiteSource

    class Defaults(GraphSource):  # only the four streams: triples, by-article groups derived
        def __init__(self, source):
            self.source = source

        def nodes(self, *args, **kwargs):
            return self.source.nodes(*args, **kwargs)

        def edges(self, *args, **kwargs):
            return self.source.edges(*args, **kwargs)

        def articles(self, *args, **kwargs):
            return self.source.articles(*args, **kwargs)

        def claims(self, *args, **kwargs):
            return self.source.claims(*args, **kwargs)

        def close(self):
            self.source.close()

    class Plain:  # the same store, its source seen through the defaults only
        def __init__(self, store):
            self.location, self.counts, self.article = store.location, store.counts, store.article
            self.get, self.neighbours, self.iter_nodes = store.get, store.neighbours, store.iter_nodes

        def graph_source(self):
            return Defaults(composed_store.graph_source())

    pragmas = lambda: [composed_store.db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("cache_size", "mmap_size")]  # noqa: E731
    before = pragmas()
    with composed_store.graph_source() as source:
        assert isinstance(source, SQLiteSource)
        assert pragmas() == [-EXPORT_CACHE_KIB, 0]
        fast, derived = source, Defaults(source)
        assert list(fast.triples()) == list(derived.triples())
        assert list(fast.edges_by_article()) == list(derived.edges_by_article())
        assert list(fast.article_hashes()) == list(derived.article_hashes())
    assert pragmas() == before
    assert sorted(_merged(composed_store)) == sorted(_merged(Plain(composed_store)))
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
        graphs.append(_data(_canon_rdflib(_parse(tmp_path / name, parser))))
    assert len(graphs[0]) > 100 and graphs[1] == graphs[0] and graphs[2] == graphs[0]
    assert "<https://schema.org/province/h%E1%BA%ADu%20giang>" in (tmp_path / "out.ttl").read_text(encoding="utf-8")


def test_trig_redumped_through_pyoxigraph_still_conforms(example_store, tmp_path):
    """Offsets are xsd:integer (minInclusive 0 in the shapes): what a store gives back."""
    import pyoxigraph as ox
    export(example_store, "trig", tmp_path / "out.trig", BASE)
    db = ox.Store()
    db.bulk_load(path=str(tmp_path / "out.trig"), format=ox.RdfFormat.TRIG)
    db.dump(str(tmp_path / "again.trig"), format=ox.RdfFormat.TRIG)
    offsets = {q.object.datatype.value for q in db.quads_for_pattern(None, ox.NamedNode(str(OA.start)), None)}
    assert offsets == {str(rdflib.XSD.integer)}
    result = validate(None, tmp_path / "again.trig")
    assert result["conforms"], result["violations"][:3]
    (tmp_path / "neg.ttl").write_text(
        "@prefix oa: <http://www.w3.org/ns/oa#> .\n<http://x.org/s> a oa:TextPositionSelector ; oa:start -1 ; oa:end 3 .\n",
        encoding="utf-8")
    assert {v["constraint"] for v in validate(None, tmp_path / "neg.ttl")["violations"]} == {"sh:MinInclusiveConstraintComponent"}


def test_validate_reports_an_ill_typed_literal_in_one_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix eli: <http://data.europa.eu/eli/ontology#> .\n'
                   '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                   '<http://x.org/d> a eli:LegalResource ; eli:date_document "2016-02-30"^^xsd:date .\n', encoding="utf-8")
    result = subprocess.run([*KG_CLI, "validate", str(bad), "--json"], capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "ill-typed" in result.stderr and "XMLSchema#date" in result.stderr
    assert "eli:date_document" in {v["path"] for v in json.loads(result.stdout)["violations"]}  # SHACL reports it too


def test_every_export_describes_its_dataset(example_store, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
    void, dcat, dcterms = (rdflib.Namespace(n) for n in ("http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#",
                                                         "http://purl.org/dc/terms/"))
    for fmt, (name, parser) in FORMATS.items():
        result = export(example_store, fmt, tmp_path / name, BASE)
        g = _parse(tmp_path / name, parser)
        ds = rdflib.URIRef(BASE + "dataset")
        assert (ds, RDF.type, void.Dataset) in g and (ds, RDF.type, dcat.Dataset) in g
        described = {t for t in g if "/dataset" not in str(t[0])}
        assert int(g.value(ds, void.triples)) == len(described) <= result["triples"]
        parts = {str(g.value(p, void["class"])): int(g.value(p, void.entities)) for p in g.objects(ds, void.classPartition)}
        assert parts[str(SCHEMA.Person)] == example_store.counts()["nodes"]["Person"]
        media = g.value(g.value(ds, dcat.distribution), dcat.mediaType)
        assert str(media) == {"nt": "application/n-triples", "turtle": "text/turtle", "trig": "application/trig",
                              "jsonld": "application/ld+json"}[fmt]
        assert str(g.value(ds, dcterms.license)) == "https://creativecommons.org/licenses/by/4.0/"
        assert str(g.value(ds, dcterms.conformsTo)).startswith("https://kg.example.org/ontology/")
        assert rdflib.URIRef("https://example.org/") in set(g.objects(ds, dcterms.source))


def test_jsonld_reads_as_plain_json_with_a_real_context(example_store, tmp_path):
    export(example_store, "jsonld", tmp_path / "out.jsonld", BASE)
    doc = json.loads((tmp_path / "out.jsonld").read_text(encoding="utf-8"))
    ctx = doc["@context"]
    assert ctx["@language"] == "vi" and ctx["@vocab"] == "https://schema.org/"
    assert ctx["holds"] == {"@id": "org:holds", "@type": "@id"} and ctx["number"] == {"@id": "eli:number", "@language": None}
    nodes = {n["@id"]: n for n in doc["@graph"] if "@graph" not in n and "name" in n}
    khoa = nodes[node_iri(BASE, "person:tran-minh-khoa@hau-giang")]
    assert khoa["name"] == ["Trần Minh Khoa"] and all(isinstance(p, str) for p in khoa.get("holds", []))
    assert {n["@id"] for n in doc["@graph"] if "@graph" in n} == {
        node_iri(BASE, f"article:{a}") + "/claims" for a in (r["id"] for r in _articles(example_store))}


def _articles(store) -> list[dict]:
    return [{"id": n.id.removeprefix("article:")} for n in store.iter_nodes("Article")]


@pytest.mark.parametrize("fmt", ["trig", "jsonld"])
def test_export_import_export_is_identical(example_store, composed_store, tmp_path, fmt):
    from kg.rdf.importer import import_file
    name = FORMATS[fmt][0]
    for i, source in enumerate((example_store, composed_store)):
        first = tmp_path / f"{i}-first-{name}"
        export(source, fmt, first, BASE)
        target = SQLiteStore(str(tmp_path / f"{i}-imported.db"))
        result = import_file(target, first)
        assert result["articles"] == source.counts()["articles"]
        export(target, fmt, tmp_path / f"{i}-again-{name}", BASE)
        target.close()
        assert (tmp_path / f"{i}-again-{name}").read_bytes() == first.read_bytes()


def test_import_applies_a_curated_correction(tmp_path):
    db = str(tmp_path / "kg.db")
    assert runner.invoke(app, ["ingest", str(SCHEMA_DIR.parent / "examples"), "--store", db]).exit_code == 0
    out = tmp_path / "kg.trig"
    assert runner.invoke(app, ["export", "-f", "trig", "-o", str(out), "--store", db]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count('eli:date_document "2016-08-15"^^xsd:date') == 1
    assert runner.invoke(app, ["sparql", "ASK { ?s ?p ?o }", "--store", db]).exit_code == 0  # the SPARQL store exists
    out.write_text(text.replace('eli:date_document "2016-08-15"', 'eli:date_document "2016-08-16"'), encoding="utf-8")
    result = runner.invoke(app, ["import", str(out), "--store", db, "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["articles"] == 4
    with SQLiteStore(db) as store:
        assert store.get("doc:hau-giang:20-ct-tu-2016").props["date"] == "2016-08-16"
        assert "20-CT/TU" in store.article("ex-ninh-binh-2017-06-02")["text"]  # the text is kept
    asked = runner.invoke(app, ["sparql", 'SELECT ?d WHERE { ?x eli:number "20-CT/TU" ; eli:date_document ?d }',
                                "--store", db, "-f", "csv"])
    assert "2016-08-16" in asked.stdout and "2016-08-15" not in asked.stdout
    merged_only = tmp_path / "kg.ttl"
    assert runner.invoke(app, ["export", "-f", "turtle", "-o", str(merged_only), "--store", db]).exit_code == 0
    refused = runner.invoke(app, ["import", str(merged_only), "--store", db])
    assert refused.exit_code == 1 and "evidence graphs" in refused.stderr and refused.stderr.count("\n") == 1
