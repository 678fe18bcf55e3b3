"""The Cypher that writes kg's layout (`kg.stores.neo4j.layout`) in a transaction: used by the
Bolt store's upsert/retract and by `kg push`, so both write the same graph the same way.

Every statement is `UNWIND $rows` with parameters; labels, types and property names come
from the schema or the layout's checked names only.
"""
from __future__ import annotations

from collections.abc import Iterator

from kg import model
from kg.errors import StoreError
from kg.stores.neo4j.layout import (ARTICLE, CLAIMS, DATES_CLAUSE, NODE_LABEL, SCOPE_REL, append_clause,
                                     claim_props, edge_types, fact_keys, label, node_map, rel_type,
                                     reversed_type, without_article)

ROWS = 5000  # rows per UNWIND statement


def chunks(items: list, size: int = ROWS) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def unwind(tx, tail: str, rows: list) -> list:
    out = []
    for part in chunks(rows):
        out += list(tx.run(f"UNWIND $rows AS r {tail}", rows=part))
    return out


def stored_hashes(tx, article_ids: list[str]) -> dict[str, str]:
    return {r[0]: r[1] for r in tx.run(
        f"UNWIND $ids AS id MATCH (a:{NODE_LABEL} {{id: '{model.id_prefix(ARTICLE)}' + id}}) RETURN id, a.hash", ids=article_ids)}


def write_articles(tx, rows: list[dict]) -> None:
    """Article nodes (`article_map` rows) of articles not stored."""
    unwind(tx, f"CREATE (a:{NODE_LABEL}:{ARTICLE}) SET a = r", rows)


def merge_nodes(tx, node_type: str, rows: list[dict], replace: bool) -> set[str]:
    """Entity nodes (`node_map` rows). `replace`: each takes its row's properties (push sends
    merged ones); else only a node created here does (the store re-merges the rest from their
    claims). Either way a node keeps the aliases other articles gave it, after the row's.
    Returns the ids created."""
    union = ("n.aliases = r.aliases + [x IN coalesce(al, []) WHERE NOT x IN r.aliases], "
             "n.aliasKeys = r.aliasKeys + [x IN coalesce(ak, []) WHERE NOT x IN r.aliasKeys], "
             "n.searchText = reduce(t = r.searchText, x IN split(coalesce(st, ''), '\\n') | "
             "CASE WHEN x = '' OR x IN split(r.searchText, '\\n') THEN t ELSE t + '\\n' + x END)")
    props = "n = r" if replace else "n += CASE WHEN created THEN r ELSE {} END"
    found = unwind(tx, f"MERGE (n:{NODE_LABEL} {{id: r.id}}) ON CREATE SET n:{label(node_type)} "
                       f"WITH n, r, n.name IS NULL AS created, n.aliases AS al, n.aliasKeys AS ak, n.searchText AS st "
                       f"SET {props}, {union} RETURN n.id, created", rows)
    return {r[0] for r in found if r[1]}


def write_claims(tx, rows: list[dict]) -> None:
    """`(:Article)-[:CLAIMS]->(node)` rows {a: article id, n: node id, p: `claim_map`}."""
    unwind(tx, f"MATCH (a:{NODE_LABEL} {{id: '{model.id_prefix(ARTICLE)}' + r.a}}) MATCH (n:{NODE_LABEL} {{id: r.n}}) "
               f"CREATE (a)-[c:{CLAIMS}]->(n) SET c = r.p", rows)


def write_facts(tx, edge_type: str, rows: list[dict], names: list[str]) -> None:
    """One relationship per fact (`fact_rows`), its per-claim lists appended."""
    rel = rel_type(edge_type)
    keys = ", ".join(f"{k}: r.k.{k}" for k in fact_keys(edge_type))
    merge = f"MERGE (s)-[e:{rel} {{{keys}}}]->(d)" if keys else f"MERGE (s)-[e:{rel}]->(d)"
    dates = f" {DATES_CLAUSE}" if "attested" in names else ""
    for part in chunks(rows):
        written = tx.run(f"UNWIND $rows AS r MATCH (s:{NODE_LABEL} {{id: r.s}}) MATCH (d:{NODE_LABEL} {{id: r.d}}) "
                         f"{merge} {append_clause(names)}{dates} RETURN count(*) AS n", rows=part).single()["n"]
        if written != len(part):
            raise StoreError(f"{len(part) - written} {edge_type} fact(s) refer to nodes no article claims "
                             f"(articles {sorted({a for r in part for a in r['c']['articles']})[:3]}…)")


def refresh_nodes(tx, node_ids: list[str]) -> None:
    """A node's properties: per key, the first value its claims give, oldest article first
    (as the SQLite store merges them); its alias keys from its aliases."""
    for part in chunks(node_ids):
        rows = tx.run(
            f"MATCH (n:{NODE_LABEL}) WHERE n.id IN $ids AND NOT n:{ARTICLE} "
            f"OPTIONAL MATCH (a:{ARTICLE})-[c:{CLAIMS}]->(n) "
            f"RETURN n.id AS id, n.name AS name, n.aliases AS aliases, "
            f"  collect([coalesce(toString(a.published), a.publishedPartial), a.articleId, c{{.*, sentence: null}}]) AS claims",
            ids=part)
        updates = []
        for row in rows:
            merged: dict = {}
            # SQLite orders NULL first; Neo4j would put it last, so sort here
            claims = sorted((c for c in row["claims"] if c[1] is not None),
                            key=lambda c: (c[0] is not None, c[0] or "", c[1]))
            for _published, _article, props in claims:
                for k, v in claim_props(props).items():
                    merged.setdefault(k, v)
            updates.append(node_map(row["id"], row["name"], merged, row["aliases"] or []))
        unwind(tx, f"MATCH (n:{NODE_LABEL} {{id: r.id}}) SET n = r", updates)


def link_scopes(tx, documents: list[str], new_provinces: list[str]) -> None:
    """`(:Document)-[:IN_PROVINCE]->(:Province)` for these documents' scopes (dropping a link
    their old scope made), and for the stored documents scoped to provinces just created."""
    for part in chunks(documents):
        tx.run(f"UNWIND $ids AS id MATCH (d:{NODE_LABEL} {{id: id}}) WHERE d:Document "
               f"OPTIONAL MATCH (d)-[old:{SCOPE_REL}]->() DELETE old "
               f"WITH DISTINCT d MATCH (p:{NODE_LABEL} {{id: '{model.id_prefix('Province')}' + d.scope}}) WHERE p:Province MERGE (d)-[:{SCOPE_REL}]->(p)",
               ids=part).consume()
    for part in chunks(new_provinces):
        tx.run(f"UNWIND $ids AS id MATCH (p:{NODE_LABEL} {{id: id}}) WHERE p:Province "
               f"MATCH (d:Document {{scope: substring(id, 9)}}) MERGE (d)-[:{SCOPE_REL}]->(p)", ids=part).consume()


def _kg_out(types: list[str]) -> str:
    """Relationships leaving `n` in kg's direction (a person SPOKE_AT a meeting: kg's edge
    leaves the meeting), as `e`."""
    normal = "|".join(rel_type(t) for t in types if not reversed_type(t))
    turned = "|".join(rel_type(t) for t in types if reversed_type(t))
    parts = [f"WITH n MATCH (n)-[e:{normal}]->() RETURN e"] if normal else []
    parts += [f"WITH n MATCH (n)<-[e:{turned}]-() RETURN e"] if turned else []
    return "CALL { " + " UNION ALL ".join(parts) + " }"


def retract_article(tx, article_id: str) -> tuple[bool, set[str]]:
    """Remove one article's node, claims and share of facts; nodes no article claims any more
    go too. Returns (found, the ids of the nodes it claimed that remain, to re-merge)."""
    row = tx.run(f"OPTIONAL MATCH (a:{NODE_LABEL} {{id: '{model.id_prefix(ARTICLE)}' + $id}}) "
                 f"OPTIONAL MATCH (a)-[:{CLAIMS}]->(n) RETURN count(a) > 0 AS found, collect(n.id) AS ids",
                 id=article_id).single()
    if not row["found"]:
        return False, set()
    touched = set(row["ids"])
    facts = tx.run(f"UNWIND $ids AS id MATCH (n:{NODE_LABEL} {{id: id}}) {_kg_out(edge_types())} "
                   f"WITH e WHERE $aid IN e.articles RETURN elementId(e) AS eid, properties(e) AS p",
                   ids=sorted(touched), aid=article_id)
    kept, gone = [], []
    for fact in facts:
        left = without_article(fact["p"], article_id)
        (kept.append({"eid": fact["eid"], "p": left}) if left else gone.append(fact["eid"]))
    unwind(tx, "MATCH ()-[e]->() WHERE elementId(e) = r.eid SET e = r.p", kept)
    unwind(tx, "MATCH ()-[e]->() WHERE elementId(e) = r DELETE e", gone)
    tx.run(f"MATCH (a:{NODE_LABEL} {{id: '{model.id_prefix(ARTICLE)}' + $id}}) DETACH DELETE a", id=article_id).consume()
    orphans = {r[0] for r in tx.run(
        f"MATCH (n:{NODE_LABEL}) WHERE n.id IN $ids AND NOT EXISTS {{ ()-[:{CLAIMS}]->(n) }} "
        f"WITH n, n.id AS id DETACH DELETE n RETURN id", ids=sorted(touched))}
    return True, touched - orphans
