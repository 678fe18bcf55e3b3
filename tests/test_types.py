"""kg/types.py: each property type gives its value in every output, from one place."""
import pytest

from kg import types
from kg.model import schema

XSD = types.XSD


def test_every_declared_property_has_a_registered_type():
    s = schema()
    declared = [p for spec in [*s.nodes.values(), *s.edges.values()] for p in spec.properties.values()]
    assert declared and all(p.kind is types.get(p.type) for p in declared)
    assert {p.type for p in declared} == set(types.DECLARED)  # no registered type goes unused


@pytest.mark.parametrize("kind, value, lexical, datatype", [
    ("string", "Hậu Giang", "Hậu Giang", "string"),
    ("integer", 7, "7", "integer"),
    ("integer", "bảy", "bảy", "string"),  # not a number: text, for SHACL to report
    ("integer", True, "True", "string"),  # a boolean is no integer
    ("boolean", True, "true", "boolean"),
    ("date", "2021-10-04", "2021-10-04", "date"),
    ("date", "2021-10", "2021-10", "gYearMonth"),
    ("date", "2021", "2021", "gYear"),
    ("date", "--10-13", "--10-13", "gMonthDay"),
    ("date", "2016-02-30", "2016-02-30", "string"),  # no such day: a plain literal, not an ill-typed date
])
def test_rdf_literal_of_each_type(kind, value, lexical, datatype):
    assert types.get(kind).rdf(value) == (lexical, XSD + datatype)


def test_a_date_narrows_to_a_partial_date_when_it_is_not_full():
    assert types.DATE.narrow("2021-10-04") is types.DATE
    assert types.DATE.narrow("2021-10") is types.PARTIAL_DATE and types.DATE.narrow("2021-13-01") is types.PARTIAL_DATE
    assert "gYearMonth" in types.PARTIAL_DATE.shacl and types.DATE.shacl == "sh:datatype xsd:date"


def test_neo4j_values_are_native():
    pytest.importorskip("neo4j")
    from neo4j.time import Date
    assert types.DATE.neo4j("2021-10-04") == Date(2021, 10, 4)
    assert types.DATE.neo4j("--10-13") == "--10-13"  # stays text (in its own `…Partial` property)
    assert types.INTEGER.neo4j(7) == 7 and types.BOOLEAN.neo4j(False) is False


@pytest.mark.parametrize("value, header", [
    ("x", ""), (3, "long"), (2.5, "double"), (True, "boolean"), (["a", "b"], "string[]"), ([1, 2], "long[]"),
    ([], "[]"), (["a", 1], "string[]"),
])
def test_csv_header_type_of_a_value(value, header):
    assert types.of_value(value).csv == header


def test_graphml_keeps_declared_integers_and_booleans_and_writes_the_rest_as_text():
    assert types.INTEGER.graphml(7) == 7 and types.INTEGER.graphml("7") == "7"
    assert types.BOOLEAN.graphml(True) is True and types.BOOLEAN.graphml(1) == "1"
    assert types.DATE.graphml("2021-10-04") == "2021-10-04"


def test_values_of_the_wrong_kind_are_refused():
    assert not types.INTEGER.accepts(True) and not types.INTEGER.accepts("7") and types.INTEGER.accepts(7)
    assert types.BOOLEAN.accepts(False) and not types.BOOLEAN.accepts(0)
    assert types.STRING.accepts("x") and not types.STRING.accepts(3) and types.DATE.accepts("--10-13")
