"""kg on Neo4j against hand-written Cypher on the same graph, and kg on SQLite: the five questions
of issue 18, side by side (bench/peers.py neo4j puts the result under `side_by_side`).

Each question has a kg call (the query a command runs) and the Cypher an engineer would write
for it on kg's layout; both run with the same sampled argument. Times are medians over alternating
runs (kg-SQLite, kg-Neo4j, Cypher), so a busy shared machine slows all three alike.
"""
from __future__ import annotations

import random
import statistics
import time

import queries
from kg.errors import KgError
from queries.paths import relation_types

HUB = 1000  # neighbours from which a path search does not walk through a node (a province)
LINEAGE = "IMPLEMENTS|BASED_ON|AMENDS|REPLACES|GUIDES|SUMMARIZES"

CYPHER = {
    "chairs in a province": (
        "MATCH (p:KgNode {id: $arg})<-[:HELD_IN]-(m:Meeting) "
        "WITH m ORDER BY coalesce(toString(m.date), m.datePartial, '') DESC, m.id DESC LIMIT 50 "
        "OPTIONAL MATCH (m)-[:CHAIRED_BY]->(c:Person) RETURN m.name, m.date, collect(c.name)"),
    "full lineage of 21-NQ/TW": (
        f"MATCH (root:Document {{number: $arg}}) MATCH (root)<-[:{LINEAGE}*1..6]-(d:Document) "
        "RETURN DISTINCT d.id, d.number, d.date"),
    # what `kg lineage` prints: the documents and each edge between them with its sources
    "full lineage of 21-NQ/TW, edges": (
        f"MATCH (root:Document {{number: $arg}}) MATCH (root)<-[:{LINEAGE}*0..5]-(x:Document) WITH DISTINCT x "
        f"MATCH (x)<-[e:{LINEAGE}]-(d:Document) RETURN x.id, type(e), d.id, e.articles, d.number, d.docType, "
        "d.issuer, d.date, d.scope"),
    "holders of a post": (
        "MATCH (:KgNode {id: $arg})<-[h:HOLDS]-(x:Person) "
        "RETURN x.name, h.firstAttested, h.lastAttested, h.articles ORDER BY h.firstAttested"),
    "meetings a person chaired": (
        "MATCH (:KgNode {id: $arg})<-[:CHAIRED_BY]-(m:Meeting) "
        "WITH m ORDER BY coalesce(toString(m.date), m.datePartial, '') DESC LIMIT 50 "
        "OPTIONAL MATCH (m)-[:HELD_IN]->(p:Province) RETURN m.name, m.date, p.name"),
    "path person → document": (
        "MATCH (a:KgNode {id: $arg[0]}), (b:KgNode {id: $arg[1]}) "
        f"MATCH p = shortestPath((a)-[:{'|'.join(relation_types())}*..6]-(b)) "
        f"WHERE all(n IN nodes(p)[1..-1] WHERE COUNT {{ (n)--() }} < {HUB}) RETURN [n IN nodes(p) | n.id]"),
}

KG = {
    "chairs in a province": lambda store, arg: queries.meetings(store, _province_name(arg), limit=50),
    "full lineage of 21-NQ/TW": lambda store, arg: queries.lineage(store, arg, "down", 6, fanout=0, limit=0),
    "full lineage of 21-NQ/TW, edges": lambda store, arg: queries.lineage(store, arg, "down", 6, fanout=0, limit=0),
    "holders of a post": lambda store, arg: queries.holders(store, arg),
    "meetings a person chaired": lambda store, arg: queries.chaired(store, arg),
    "path person → document": lambda store, arg: queries.path(store, arg[0], arg[1], max_hops=6, hub_degree=HUB - 1),
}


def _province_name(province_id: str) -> str:
    from queries.resolve import scope_name
    return scope_name(province_id.removeprefix("province:"))


def arguments(sqlite, seed: int, runs: int) -> dict[str, list]:
    """Each question's arguments, drawn from the SQLite store with `seed`."""
    rng = random.Random(seed)
    db = sqlite.db
    ids = lambda sql: [r[0] for r in db.execute(sql)]  # noqa: E731
    provinces = ids("SELECT dst FROM edges WHERE type='HELD_IN' GROUP BY dst ORDER BY COUNT(*) DESC LIMIT 10")
    posts = ids("SELECT dst FROM edges WHERE type='HOLDS' GROUP BY dst ORDER BY COUNT(*) DESC LIMIT 50")
    chairs = ids("SELECT dst FROM edges WHERE type='CHAIRED_BY' GROUP BY dst ORDER BY COUNT(*) DESC LIMIT 50")
    documents = ids("SELECT id FROM nodes WHERE type='Document' AND json_extract(props, '$.scope') = 'central' "
                    "ORDER BY id LIMIT 200")
    return {"chairs in a province": [rng.choice(provinces) for _ in range(runs)],
            "full lineage of 21-NQ/TW": ["21-NQ/TW"] * runs,
            "full lineage of 21-NQ/TW, edges": ["21-NQ/TW"] * runs,
            "holders of a post": [rng.choice(posts) for _ in range(runs)],
            "meetings a person chaired": [rng.choice(chairs) for _ in range(runs)],
            "path person → document": [(rng.choice(chairs), rng.choice(documents)) for _ in range(runs)]}


def _ms(call) -> float:
    started = time.perf_counter()
    try:
        call()
    except KgError:
        pass  # "no chain", an ambiguous name: still a whole query
    return (time.perf_counter() - started) * 1000


def side_by_side(sqlite, bolt, seed: int = 7, runs: int = 7) -> dict:
    """{question: {sqlite_ms, neo4j_kg_ms, cypher_ms, kg_over_cypher}} (medians, one warm-up)."""
    out = {}
    with bolt.driver.session(database=bolt.database) as session:
        def cypher(query, arg):
            return lambda: session.run(query, arg=list(arg) if isinstance(arg, tuple) else arg).consume()
        for question, args in arguments(sqlite, seed, runs + 1).items():
            times: dict[str, list[float]] = {"sqlite_ms": [], "neo4j_kg_ms": [], "cypher_ms": []}
            for index, arg in enumerate(args):
                samples = (_ms(lambda: KG[question](sqlite, arg)), _ms(lambda: KG[question](bolt, arg)),
                           _ms(cypher(CYPHER[question], arg)))
                if index:  # the first round warms caches and the query plan cache
                    for name, value in zip(times, samples):
                        times[name].append(value)
            row = {name: round(statistics.median(values), 1) for name, values in times.items()}
            row["kg_over_cypher"] = round(row["neo4j_kg_ms"] / max(row["cypher_ms"], 0.01), 2)
            out[question] = row
    return out
