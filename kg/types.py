"""Property types: what each `type` of `schemas/model.yaml` becomes in every output.

One class per type gives its XSD datatype, its RDF literal (lexical form and datatype), its Neo4j
value, its neo4j-admin CSV header type, its GraphML attribute value and its SHACL constraint, so
the RDF writers, the ontology, the shapes, the Neo4j layout and the exporters ask here instead of
each testing the type again. A declared `date` holds a full date or a partial one; `narrow`
gives the type of one value (`PARTIAL_DATE` for `2021-10`), since a store keeps each in its own
property. Values the schema does not declare (the Neo4j layout's evidence lists, counts) get
their type from the Python value: `of_value`.
"""
from __future__ import annotations

import datetime as dt
import re

XSD = "http://www.w3.org/2001/XMLSchema#"


class PropertyType:
    name = ""
    xsd = "xsd:string"  # CURIE
    csv = ""  # neo4j-admin header type; "" is text
    python: tuple[type, ...] = (str,)

    def accepts(self, value) -> bool:
        """A value of the right kind (its text is checked where it is written: SHACL reports it)."""
        return isinstance(value, self.python) and not (isinstance(value, bool) and bool not in self.python)

    def narrow(self, value) -> PropertyType:
        return self

    def lexical(self, value) -> str:
        return str(value)

    def rdf(self, value) -> tuple[str, str]:
        """(lexical form, datatype IRI) of the RDF literal."""
        return self.lexical(value), self.datatype_iri

    @property
    def datatype_iri(self) -> str:
        return XSD + self.xsd.partition(":")[2]

    @property
    def shacl(self) -> str:
        return f"sh:datatype {self.xsd}"

    def neo4j(self, value):
        return value

    def graphml(self, value):
        """GraphML/GEXF hold one type per attribute across nodes: text unless exactly of this type."""
        return str(value)


class String(PropertyType):
    name = "string"


class Integer(PropertyType):
    name, xsd, csv, python = "integer", "xsd:integer", "long", (int,)

    def rdf(self, value) -> tuple[str, str]:
        try:
            if not isinstance(value, bool):
                return str(int(value)), self.datatype_iri
        except (TypeError, ValueError):
            pass
        return str(value), XSD + "string"  # kept as text, so SHACL reports it instead of the export failing

    def graphml(self, value):
        return value if self.accepts(value) else str(value)


class Float(PropertyType):
    name, xsd, csv, python = "float", "xsd:double", "double", (float,)


class Boolean(PropertyType):
    name, xsd, csv, python = "boolean", "xsd:boolean", "boolean", (bool,)

    def lexical(self, value) -> str:
        return "true" if value in (True, "true", 1) else "false"

    def graphml(self, value):
        return value if self.accepts(value) else str(value)


_PARTIAL = ((re.compile(r"^\d{4}$"), "gYear"), (re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"), "gYearMonth"),
            (re.compile(r"^--(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"), "gMonthDay"))  # --MM-DD: no year known
_FULL = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _full_date(value) -> dt.date | None:
    if isinstance(value, str) and _FULL.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class Date(PropertyType):
    """A full ISO date: xsd:date, a Neo4j DATE, a `date` CSV column."""
    name, xsd, csv = "date", "xsd:date", "date"

    def accepts(self, value) -> bool:
        return isinstance(value, str) or hasattr(value, "iso_format")

    def narrow(self, value) -> PropertyType:
        return self if hasattr(value, "iso_format") or _full_date(value) else PARTIAL_DATE

    def lexical(self, value) -> str:
        return value.iso_format() if hasattr(value, "iso_format") else str(value)

    def rdf(self, value) -> tuple[str, str]:
        narrowed = self.narrow(value)
        return narrowed.rdf(value) if narrowed is not self else (self.lexical(value), self.datatype_iri)

    def neo4j(self, value):
        if hasattr(value, "iso_format"):
            return value
        from neo4j.time import Date as Neo4jDate  # the driver is an optional extra
        return Neo4jDate.from_iso_format(value) if _full_date(value) else value


class PartialDate(PropertyType):
    """A date known in part (`2021`, `2021-10`, `--10-13`): gYear, gYearMonth or gMonthDay in
    RDF, text elsewhere. Anything else stays a plain literal rather than an ill-typed date."""
    name = "partial date"

    def rdf(self, value) -> tuple[str, str]:
        text = str(value)
        return text, next((XSD + kind for pattern, kind in _PARTIAL if pattern.match(text)), XSD + "string")

    @property
    def shacl(self) -> str:
        return "sh:or ( " + " ".join(f"[ sh:datatype xsd:{kind} ]" for kind in ("gYearMonth", "gYear", "gMonthDay")) + " )"


class ListOf(PropertyType):
    """A list (Neo4j only: aliases, the per-claim evidence lists): `long[]` and so on in CSV."""

    def __init__(self, item: PropertyType | None):
        self.item, self.name, self.python = item, "list", (list, tuple)

    @property
    def csv(self) -> str:
        return (self.item.csv or "string") + "[]" if self.item else "[]"


STRING, INTEGER, FLOAT, BOOLEAN, DATE, PARTIAL_DATE = String(), Integer(), Float(), Boolean(), Date(), PartialDate()
DECLARED = {t.name: t for t in (STRING, DATE, INTEGER, BOOLEAN)}  # the types model.yaml may name


def get(name: str) -> PropertyType:
    return DECLARED[name]


def of_value(value) -> PropertyType:
    """The type of an undeclared value, from its Python type."""
    if isinstance(value, (list, tuple)):
        items = {of_value(v).csv for v in value}
        return ListOf(of_value(value[0]) if len(items) == 1 else STRING if items else None)
    for kind in (BOOLEAN, INTEGER, FLOAT):
        if kind.accepts(value):
            return kind
    return DATE if hasattr(value, "iso_format") else STRING
