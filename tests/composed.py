"""Small graphs composed in code (no extraction) for the store's paging and lineage reads.

Names and numbers are made up for these tests; each article claims the nodes its edges touch.
"""
from __future__ import annotations

from kg.facts import Article, Evidence
from kg.graph import Facts, Node

HG = Node("province:hau-giang", "Province", "Hậu Giang", {"current": "Cần Thơ"})
NB = Node("province:ninh-binh", "Province", "Ninh Bình", {"current": "Ninh Bình"})
CHAIR = Node("person:vo-an-thuy@hau-giang", "Person", "Võ An Thủy")
OTHER = Node("person:ha-minh-duc@ninh-binh", "Person", "Hà Minh Đức")
STANDING = "Hội nghị Ban Thường vụ Tỉnh ủy"  # a name many meetings share


def article(article_id: str, nodes: list[Node], edges: list[tuple], published: str = "2024-01-01",
            aliases: dict[str, str] | None = None) -> Facts:
    facts = Facts(Article(id=article_id, text=f"Bài ghép {article_id}.", published=published))
    evidence = Evidence(article_id, 0, 3, f"Bài ghép {article_id}.", "composed")
    for node in nodes:
        facts.add_node(Node(node.id, node.type, node.name, dict(node.props)), evidence,
                       alias=(aliases or {}).get(node.id))
    for src, edge_type, dst, *props in edges:
        facts.add_edge(src, edge_type, dst, evidence, **(props[0] if props else {}))
    return facts


def meeting(n: int, name: str, date: str | None, province: Node, chairs: list[Node]) -> Facts:
    node = Node(f"meeting:m{n}:1", "Meeting", name, {"date": date} if date else {})
    edges = [(node.id, "HELD_IN", province.id)] + [(node.id, "CHAIRED_BY", c.id) for c in chairs]
    return article(f"m{n}", [node, province, *chairs], edges)


MEETINGS = [  # (name, date, province, chairs) — two share the standing committee's name exactly
    (STANDING, "2024-03-01", HG, [CHAIR]),
    (STANDING, "2023-05-02", NB, [OTHER]),
    (STANDING + " mở rộng", "2024-06-01", HG, [CHAIR, OTHER]),
    ("Hội nghị giao ban khối nội chính", None, HG, [CHAIR]),
    ("Hội nghị giao ban khối nội chính", "--05-02", HG, [CHAIR]),
]


def meetings_store(store):
    for n, (name, date, province, chairs) in enumerate(MEETINGS, 1):
        store.upsert(meeting(n, name, date, province, chairs))
    return store


def doc(slug: str, date: str) -> Node:
    number = slug.split("@")[0]
    return Node(f"doc:test:{slug}", "Document", number, {"date": date, "number": number})


HUB = doc("1-nq", "2015-01-01")
# five documents implement the hub; one of them is amended, twice over; two cite each other
CHILDREN = [doc(f"{i}-ct", f"20{16 + i}-02-0{i}") for i in range(1, 6)]
GRANDCHILD = doc("7-qd", "2023-01-01")
GREAT = doc("8-qd", "2024-01-01")


def lineage_store(store):
    for i, child in enumerate(CHILDREN):
        store.upsert(article(f"l{i}", [HUB, child], [(child.id, "IMPLEMENTS", HUB.id)]))
    store.upsert(article("l7", [CHILDREN[4], GRANDCHILD], [(GRANDCHILD.id, "AMENDS", CHILDREN[4].id)]))
    store.upsert(article("l8", [GRANDCHILD, GREAT], [(GREAT.id, "AMENDS", GRANDCHILD.id)]))
    store.upsert(article("l9", [CHILDREN[0], CHILDREN[1]], [(CHILDREN[0].id, "BASED_ON", CHILDREN[1].id),
                                                            (CHILDREN[1].id, "BASED_ON", CHILDREN[0].id)]))
    return store
