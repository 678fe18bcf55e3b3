"""Score extraction against a gold file in the corpus format (`kg eval`).

Chairs are scored twice: as the set of chair names of an article, and per meeting as
(chair, meeting day), which also asks that a chair sits on the meeting the sentence is about.
A matched document's type/issuer/date counts only against a gold value that is stated.

`part` splits the items by a hash of their id into a *develop* part (about 70 %) that rules
may be written against and a *check* part (about 30 %) that is only measured, so a rule that
memorises items shows as a gap between the two.

Matching is NFC, case-folded and tone-placement-insensitive; posts compare after
abbreviation expansion and with a trailing province name dropped, so `Bí thư Tỉnh ủy Cà Mau`
and `Bí thư Tỉnh uỷ` are one post only when the province is the one dropped.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.facts import Article
from kg.gazetteer import find_mentions
from kg.text import fold_tones, key
from kg.vocab import expand

CATEGORIES = ["persons", "person_posts", "chairs", "chair_meetings", "documents", "doc_relations", "provinces"]
PARTS = ("all", "develop", "check")


def part_of(item_id: str) -> str:
    """`develop` or `check`, fixed by the id alone (about 70/30)."""
    return "develop" if hashlib.sha1(item_id.encode("utf-8")).digest()[0] % 10 < 7 else "check"
DOC_FIELDS = ["type", "issuer", "date"]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set, pred: set) -> tuple[set, set]:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)
        return pred - gold, gold - pred

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


@dataclass
class Report:
    items: int = 0
    scores: dict[str, Score] = field(default_factory=lambda: {c: Score() for c in CATEGORIES})
    doc_fields: dict[str, list[int]] = field(default_factory=lambda: {f: [0, 0] for f in DOC_FIELDS})
    errors: list[dict] = field(default_factory=list)

    def as_dict(self, with_errors: bool = False) -> dict:
        out = {"items": self.items,
               "categories": {c: s.as_dict() for c, s in self.scores.items()},
               "documents": {f"{f}_accuracy": round(ok / n, 4) if n else None
                             for f, (ok, n) in self.doc_fields.items()}}
        if with_errors:
            out["errors"] = self.errors
        return out


def name_key(name: str) -> str:
    return key(name)


def post_key(post: str) -> str:
    """Expanded, tone/case folded, trailing province name dropped."""
    folded = fold_tones(expand(post))
    folded = re.sub(r"Ủy viên Ban Chấp hành Trung ương", "Ủy viên Trung ương", folded, flags=re.I)
    mentions = find_mentions(folded)
    if mentions and mentions[-1][1] >= len(folded.rstrip()):
        folded = folded[:mentions[-1][0]]
    return key(folded)


def doc_value_key(value: str | None) -> str | None:
    return key(expand(value).replace("(", "").replace(")", "")) if value else None


def _sets(record: dict) -> dict[str, set]:
    persons = record.get("persons", [])
    return {
        "persons": {name_key(p["name"]) for p in persons},
        "person_posts": {(name_key(p["name"]), post_key(q)) for p in persons for q in p["posts"]},
        "chairs": {name_key(c) for m in record.get("meetings", []) for c in m["chairs"]},
        "chair_meetings": {(name_key(c), m.get("date")) for m in record.get("meetings", []) for c in m["chairs"]},
        "documents": {key(d["id"]) for d in record.get("documents", []) if d["id"][:1].isdigit()},
        "doc_relations": {(key(r["from"]), r["rel"], key(r["to"])) for r in record.get("doc_relations", [])},
        "provinces": {key(p) for p in record.get("provinces", [])},
    }


def score_item(report: Report, gold: dict, pred: dict, item_id: str) -> None:
    report.items += 1
    gold_sets, pred_sets = _sets(gold), _sets(pred)
    item_errors = {}
    for category in CATEGORIES:
        fps, fns = report.scores[category].add(gold_sets[category], pred_sets[category])
        if fps or fns:
            item_errors[category] = {"false_positives": sorted(map(str, fps)),
                                     "false_negatives": sorted(map(str, fns))}
    predicted = {key(d["id"]): d for d in pred.get("documents", [])}
    for doc in gold.get("documents", []):
        match = predicted.get(key(doc["id"]))
        if match is None or not doc["id"][:1].isdigit():
            continue
        for f in DOC_FIELDS:
            if doc[f] is None:
                continue  # an unstated value is no free point
            ok = doc_value_key(doc[f]) == doc_value_key(match.get(f))
            report.doc_fields[f][0] += ok
            report.doc_fields[f][1] += 1
            if not ok:
                item_errors.setdefault("document_fields", []).append(
                    {"id": doc["id"], "field": f, "gold": doc[f], "predicted": match.get(f)})
    if item_errors:
        report.errors.append({"id": item_id, **item_errors})


def read_gold(path: Path) -> Iterable[tuple[Article, dict]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(path), exc.strerror or str(exc)) from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            article = Article(id=row["id"], text=row["text"], url=row.get("url"),
                              published=row.get("published"), province_context=row.get("province_context"))
            yield article, row["gold"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(str(path), f"not a gold record ({exc})", number) from exc


def evaluate(path: Path, extract: Callable[[Article], dict], part: str = "all") -> Report:
    report = Report()
    for article, gold in read_gold(path):
        if part != "all" and part_of(article.id) != part:
            continue
        score_item(report, gold, extract(article), article.id)
    return report
