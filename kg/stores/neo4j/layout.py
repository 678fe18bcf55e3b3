"""How kg's graph is laid out in Neo4j, shared by the Bolt store, `kg push` and the Neo4j exports.

* Entities: `(:KgNode:<Type> {id, name, aliases, aliasKeys, searchText, …})`, every value a native
  property in camelCase (`docType`, `provinceContext`). A date property holds a `DATE` when the
  date is full; a partial one (`--10-13`, `2021-10`) goes to `<name>Partial` (a string), so each
  property has one type. `aliasKeys` are the folded alias keys, `searchText` the diacritic-free
  ones joined by newlines (a TEXT index serves `CONTAINS`).
* Articles: one node per article, `(:KgNode:Article {id: 'article:…', articleId, hash, text, …})`.
* Claims (provenance of nodes): `(:Article)-[:CLAIMS {start, end, sentence, extractor, …props}]->(n)`,
  one per (article, node) but the article's own node.
* Facts: ONE relationship per (source, type, target) — and per `action` for ACTS_ON, whose
  declared values tell facts apart — with the supporting articles and their evidence in aligned
  lists (`articles`, `starts`, `ends`, `sentences`, `extractors`, and per-claim properties such as
  HOLDS `attested`), plus `firstAttested`/`lastAttested` DATEs where claims are dated.
  Relationship types are verbs: a Person `SPOKE_AT`/`ATTENDED` a Meeting (kg's SPEAKER/ATTENDEE,
  stored from the person).
* Derived: `(:Document)-[:IN_PROVINCE]->(:Province)` for every document whose `scope` is a stored
  province (no `articles`: kg's reads skip it).

Labels and relationship types only ever come from the schema, checked here.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg import types
from kg.errors import StoreError
from kg.facts import Evidence
from kg.graph import Edge, Node
from kg import model
from kg.model import schema
from kg.text import ascii_key, key

NODE_LABEL = "KgNode"
ARTICLE = "Article"
CLAIMS = "CLAIMS"
SCOPE_REL = "IN_PROVINCE"
# kg edge type → (Neo4j relationship type, stored from kg's target): verbs read from the person
_VERBS = {"SPEAKER": "SPOKE_AT", "ATTENDEE": "ATTENDED"}
EVIDENCE = ("articles", "starts", "ends", "sentences", "extractors")
STRUCTURE = {"id", "name", "aliases", "aliasKeys", "searchText"}
# article record fields kept on the Article node beside its graph properties
RECORD = {"articleId", "hash", "text", "author", "provinceContext", "source", "encoding", "imageKeys"}
PARTIAL = "Partial"
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAME = re.compile(r"^[a-z][A-Za-z0-9_]*$")


# -- names ------------------------------------------------------------------------------------
def node_types() -> list[str]:
    return list(schema().nodes)


def edge_types() -> list[str]:
    return list(schema().edges)


def label(node_type: str) -> str:
    if node_type not in schema().nodes or node_type == NODE_LABEL:
        raise StoreError(f"unknown node type {node_type!r} (not in the schema)")
    return node_type


def rel_type(edge_type: str) -> str:
    """The Neo4j relationship type of a kg edge type."""
    if edge_type not in schema().edges or edge_type == CLAIMS:
        raise StoreError(f"unknown edge type {edge_type!r} (not in the schema)")
    return _VERBS.get(edge_type, edge_type)


def kg_type(rel: str) -> str:
    """The kg edge type of a Neo4j relationship type."""
    for edge_type, verb in _VERBS.items():
        if verb == rel:
            return edge_type
    return rel


def reversed_type(edge_type: str) -> bool:
    """Stored from kg's target to its source (a person SPOKE_AT a meeting)."""
    return edge_type in _VERBS


def fact_keys(edge_type: str) -> tuple[str, ...]:
    """Edge properties that tell facts apart (declared with a fixed set of values: ACTS_ON action)."""
    return tuple(name for name, prop in schema().edges[edge_type].properties.items() if prop.enum)


@lru_cache(maxsize=4096)
def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@lru_cache(maxsize=4096)  # every property of every node read goes through it
def snake(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), name)


def _checked(name: str) -> str:
    if not _NAME.match(name) or name in STRUCTURE or name in RECORD or name in EVIDENCE:
        raise StoreError(f"refusing property name {name!r} in Neo4j")
    return name


# -- values -----------------------------------------------------------------------------------
def native_date(value):
    if isinstance(value, str) and _FULL_DATE.match(value):
        from neo4j.time import Date
        try:
            return Date.from_iso_format(value)
        except ValueError:
            return None
    return None


def encode_props(props: dict) -> dict:
    """kg properties → Neo4j properties: camelCase, full dates as DATE, partial ones in `…Partial`."""
    out = {}
    for name, value in props.items():
        prop = _checked(camel(name))
        if value is None:
            continue
        if not isinstance(value, (str, int, float, bool)):
            raise StoreError(f"property {name!r}: {type(value).__name__} values are not stored in Neo4j")
        kind = _declared(name).narrow(value)  # a partial date is text in its own property
        out[prop + PARTIAL if kind is types.PARTIAL_DATE else prop] = kind.neo4j(value)
    return out


@lru_cache(maxsize=None)
def _declared(name: str) -> types.PropertyType:
    """The type some node type declares `name` of (Meeting/Document `date`: date); else as given."""
    kinds = [p.kind for t in schema().nodes.values() for p in t.properties.values() if p.name == name]
    return kinds[0] if kinds else types.PropertyType()


def decode_props(stored: dict, skip: set[str] = frozenset()) -> dict:
    """Neo4j properties → kg properties (the inverse of `encode_props`), keys sorted."""
    out = {}
    for prop in sorted(stored):
        if prop in skip:
            continue
        value = stored[prop]
        if value is None:  # a key a projection nulled (node_return): a stored property never is
            continue
        name = snake(prop[:-len(PARTIAL)] if prop.endswith(PARTIAL) else prop)
        out[name] = value.iso_format() if hasattr(value, "iso_format") else value
    return out


# -- nodes ------------------------------------------------------------------------------------
def alias_props(name: str, aliases: list[str]) -> dict:
    aliases = list(dict.fromkeys([name, *aliases]))
    return {"aliases": aliases, "aliasKeys": list(dict.fromkeys(key(a) for a in aliases)),
            "searchText": "\n".join(dict.fromkeys(ascii_key(a) for a in aliases))}


def node_map(node_id: str, name: str, props: dict, aliases: list[str]) -> dict:
    """Every property of an entity node (`props` merged from its claims)."""
    return {**encode_props(props), "id": node_id, "name": name, **alias_props(name, aliases)}


def article_map(meta: dict, content_hash: str, text: str, props: dict) -> dict:
    """The Article node: its graph properties (`props`) and the article record (`meta`, text)."""
    images = meta.get("images") or []
    image_keys = list(dict.fromkeys(k for image in images for k in image))
    record = {"articleId": meta["id"], "hash": content_hash, "text": text, "imageKeys": image_keys,
              **{_image_prop(k): ["" if i.get(k) is None else str(i[k]) for i in images]
                 for k in image_keys},
              **{camel(k): meta[k] for k in ("author", "province_context", "source", "encoding")
                 if meta.get(k) is not None}}
    name = meta.get("title") or meta["id"]
    return {**encode_props(props), **record, "id": model.node_id(ARTICLE, article=meta['id']), "name": name,
            **alias_props(name, [])}


def article_meta(stored: dict) -> dict:
    """`Store.article` of an Article node's properties: the record fields and the text."""
    from kg.facts import Article
    keys = stored.get("imageKeys") or []
    columns = [stored.get(_image_prop(k), []) for k in keys]
    images = [{k: column[i] or None for k, column in zip(keys, columns)} for i in range(len(columns[0]))] \
        if columns else []
    props = decode_props(stored, _article_skip(stored))
    record = {"id": stored["articleId"], "images": images,
              **{k: stored.get(camel(k)) for k in ("author", "province_context", "source", "encoding")}}
    meta = {f: record[f] if f in record else props.get(f) for f in Article.__dataclass_fields__ if f != "text"}
    return {**meta, "text": stored["text"]}


def _image_prop(image_key: str) -> str:
    return "images" + camel("_" + image_key)


def _article_skip(stored: dict) -> set[str]:
    return STRUCTURE | RECORD | {p for p in stored if p.startswith("images")}


def node_from(node_id: str, node_type: str, stored: dict) -> Node:
    skip = _article_skip(stored) if node_type == ARTICLE else STRUCTURE | {"text"}  # see node_return
    return Node(node_id, node_type, stored["name"], decode_props(stored, skip))


def node_return(var: str = "n") -> str:
    """A node as (id, type, properties but those `node_from` leaves out: an article's text, which
    neighbour lists never need, and the alias keys; the server sends less, the client decodes less)."""
    dates = "".join(f", {name}: toString({var}.{name})" for name in _node_dates())  # ISO text: no DATE to hydrate
    return (f"{var}.id, [l IN labels({var}) WHERE l <> '{NODE_LABEL}'][0], "
            f"{var}{{.*, text: null, aliases: null, aliasKeys: null, searchText: null{dates}}}")


@lru_cache(maxsize=None)
def _node_dates() -> tuple[str, ...]:
    """Node properties declared as dates (their full values are stored as DATE)."""
    return tuple(sorted({camel(p.name) for t in schema().nodes.values() for p in t.properties.values()
                         if p.type == "date"}))


NODE_RETURN = node_return("n")


def node_from_row(row) -> Node:
    """A node from (`id`, type, properties) — see NODE_RETURN."""
    return node_from(row[0], row[1], row[2])


def claim_map(props: dict, start: int, end: int, sentence: str, extractor: str) -> dict:
    return {**encode_props(props), "start": start, "end": end, "sentence": sentence, "extractor": extractor}


def claim_props(stored: dict) -> dict:
    return decode_props(stored, {"start", "end", "sentence", "extractor"})


# -- facts (edges) ----------------------------------------------------------------------------
ClaimRow = tuple  # (src, type, dst, article id, props, start, end, sentence, extractor)


def fact_rows(claims: list[ClaimRow]) -> dict[str, tuple[list[dict], list[str]]]:
    """Edge claims grouped into one row per fact, by kg edge type, with the names of the lists
    to append: in a row `s`/`d` are the Neo4j ends, `k` the fact's key properties, `c` the
    per-claim lists (aligned: a claim without a property gets `p`, its pad value)."""
    by_type: dict[str, list[ClaimRow]] = {}
    for claim in claims:
        by_type.setdefault(claim[1], []).append(claim)
    return {edge_type: _facts_of_type(edge_type, rows) for edge_type, rows in by_type.items()}


def _facts_of_type(edge_type: str, claims: list[ClaimRow]) -> tuple[list[dict], list[str]]:
    keys = fact_keys(edge_type)
    pads = {}
    for claim in claims:
        for name, value in claim[4].items():
            if name not in keys:
                pads.setdefault(_checked(camel(name)), False if isinstance(value, bool) else "")
    facts: dict[tuple, dict] = {}
    for src, _, dst, article_id, props, start, end, sentence, extractor in claims:
        ident = {k: props[k] for k in keys if props.get(k) is not None}
        s, d = (dst, src) if reversed_type(edge_type) else (src, dst)
        row = facts.setdefault((s, d, tuple(sorted(ident.items()))),
                               {"s": s, "d": d, "k": ident, "c": {n: [] for n in [*EVIDENCE, *pads]}, "p": pads})
        for name, value in zip(EVIDENCE, (article_id, start, end, sentence, extractor)):
            row["c"][name].append(value)
        given = {camel(k): v for k, v in props.items() if k not in keys}
        for name, pad in pads.items():
            row["c"][name].append(_claim_value(given[name]) if name in given else pad)
    return list(facts.values()), [*EVIDENCE, *pads]


def _claim_value(value):
    """A per-claim value in a list: lists hold one type, so a missing text is "" (read back as None)."""
    if value is None:
        return ""
    if isinstance(value, (str, bool, int, float)):
        return value
    raise StoreError(f"edge property of type {type(value).__name__} is not stored in Neo4j")


def append_clause(names: list[str]) -> str:
    """Appends the per-claim lists `r.c.<name>` to relationship `e` (names checked); a list the
    relationship lacks is first padded to its earlier claims with `r.p.<name>`."""
    for name in names:
        if name not in EVIDENCE:
            _checked(name)
    parts = [f"e.{n} = coalesce(e.{n}, []) + r.c.{n}" if n in EVIDENCE else
             f"e.{n} = coalesce(e.{n}, [i IN range(1, had) | r.p.{n}]) + r.c.{n}" for n in names]
    return "WITH e, r, size(coalesce(e.articles, [])) AS had SET " + ", ".join(parts)


DATES_CLAUSE = ("WITH e, [x IN coalesce(e.attested, []) WHERE x =~ '\\\\d{4}-\\\\d{2}-\\\\d{2}' | date(x)] AS ds "
                "SET e.firstAttested = reduce(m = null, x IN ds | CASE WHEN m IS NULL OR x < m THEN x ELSE m END), "
                "e.lastAttested = reduce(m = null, x IN ds | CASE WHEN m IS NULL OR x > m THEN x ELSE m END)")


def fact_dates(stored: dict) -> dict:
    """`firstAttested`/`lastAttested` of a relationship's per-claim `attested` values (as DATES_CLAUSE)."""
    dates = sorted(d for d in (native_date(x) for x in stored.get("attested", [])) if d is not None)
    return {"firstAttested": dates[0] if dates else None, "lastAttested": dates[-1] if dates else None}


def without_article(stored: dict, article_id: str) -> dict | None:
    """A relationship's properties without one article's claims (None: no claim left)."""
    keep = [i for i, a in enumerate(stored["articles"]) if a != article_id]
    if not keep:
        return None
    out = {k: ([v[i] for i in keep] if isinstance(v, list) else v) for k, v in stored.items()
           if k not in ("firstAttested", "lastAttested")}
    if "attested" in out:
        out.update({k: v for k, v in fact_dates(out).items() if v is not None})
    return out


def claims_of(src: str, rel: str, dst: str, stored: dict) -> list[Edge]:
    """The per-article claims (kg edges) one relationship holds."""
    edge_type = kg_type(rel)
    if reversed_type(edge_type):
        src, dst = dst, src
    keys = {k: stored[k] for k in fact_keys(edge_type) if k in stored}
    per_claim = [p for p, v in stored.items() if p not in EVIDENCE and isinstance(v, list)]
    extractors = stored.get("extractors")
    edges = []
    for i, article_id in enumerate(stored["articles"]):
        props = dict(keys)
        for prop in per_claim:
            value = stored[prop][i]
            if value is False:
                continue  # a flag absent from this claim
            props[snake(prop)] = None if value == "" else value
        extractor = extractors[i] if extractors else None  # none: read without its evidence (FACT_BARE)
        # neo4j-admin reads a list of empty texts as no list: an edge stored without a sentence
        evidence = Evidence(article_id, stored["starts"][i], stored["ends"][i], (stored.get("sentences") or
                            [""] * len(stored["articles"]))[i], extractor) if extractor else None
        edges.append(Edge(src, edge_type, dst, dict(sorted(props.items())), article_id, evidence))
    return edges


# -- schema -----------------------------------------------------------------------------------
def schema_statements() -> list[tuple[str, str]]:
    """(name, statement) of the one id constraint and the indexes kg's reads use."""
    out = [("kg_node_id", f"CREATE CONSTRAINT kg_node_id IF NOT EXISTS FOR (n:{NODE_LABEL}) REQUIRE n.id IS UNIQUE"),
           ("kg_search", f"CREATE TEXT INDEX kg_search IF NOT EXISTS FOR (n:{NODE_LABEL}) ON (n.searchText)"),
           ("kg_aliases", f"CREATE FULLTEXT INDEX kg_aliases IF NOT EXISTS FOR (n:{NODE_LABEL}) ON EACH [n.aliases]")]
    ranged = [(label(t), "name") for t in node_types()] + [
        ("Document", "number"), ("Document", "scope"), ("Document", "date"), ("Meeting", "date"),
        ("Meeting", "datePartial"), ("Article", "published")]
    for node_label, prop in ranged:
        name = f"kg_{node_label.lower()}_{prop.lower()}"
        out.append((name, f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{node_label}) ON (n.{prop})"))
    return out


OLD_SCHEMA = re.compile(r"^kg_(kgarticle|kgnode|person|post|organization|meeting|document|province|article)_id$"
                        r"|^kg_[a-z_]+_article$")
