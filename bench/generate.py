"""Synthetic provincial news for benchmarks: deterministic for a seed, written as JSONL.

    python bench/generate.py 10000 --seed 7 --out bench/corpus-10k.jsonl

Names follow the rough frequency of Vietnamese family names; each province has a stable set
of office holders; documents form lineage chains (central resolution → provincial directive
→ plan → amending decision) across years; some articles use old-style tone marks.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from kg.gazetteer import provinces

SURNAMES = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 5),
            ("Phan", 4), ("Vũ", 4), ("Võ", 4), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2),
            ("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Trương", 1), ("Đinh", 1), ("Lâm", 1), ("Thạch", 1)]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Quốc", "Hồng", "Ngọc", "Đức", "Hữu", "Xuân", "Thành", "Kim"]
GIVEN = ["Hòa", "Thủy", "Khoa", "Tùng", "Nhung", "Bảo", "Lực", "Hải", "Sơn", "Dũng", "Hùng", "Lan",
         "Hương", "Tuấn", "Phúc", "Thắng", "Long", "Quang", "Huy", "Thúy", "Khỏe", "Toàn", "Nam", "Vinh"]
POSTS = [["Ủy viên Trung ương Đảng", "Bí thư Tỉnh ủy"],
         ["Phó Bí thư Thường trực Tỉnh ủy", "Chủ tịch HĐND tỉnh"],
         ["Phó Bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh"],
         ["Phó Chủ tịch UBND tỉnh"], ["Giám đốc Sở Nội vụ"], ["Trưởng Ban Tuyên giáo Tỉnh ủy"]]
MEETINGS = ["Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ {n}", "Hội nghị sơ kết công tác quý {q}",
            "cuộc họp thường kỳ UBND tỉnh tháng {m}", "Hội nghị Ban Thường vụ Tỉnh ủy"]
CENTRAL = [("21-NQ/TW", "Nghị quyết", "Bộ Chính trị", "22/11/2012"),
           ("05-CT/TW", "Chỉ thị", "Bộ Chính trị", "15/5/2016"),
           ("18-NQ/TW", "Nghị quyết", "Ban Chấp hành Trung ương Đảng", "25/10/2017")]


def old_style(text: str) -> str:
    """Move tone marks to old-style placement (hòa → hoà, ủy → uỷ) for some articles."""
    for new, old in (("ủy", "uỷ"), ("Ủy", "Uỷ"), ("hòa", "hoà"), ("Hòa", "Hoà"), ("thủy", "thuỷ"),
                     ("Thủy", "Thuỷ"), ("khỏe", "khoẻ"), ("Khỏe", "Khoẻ")):
        text = text.replace(new, old)
    return text


class World:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.provinces = [p.name for p in provinces() if p.legacy or p.name == p.current][:40]
        self.leaders = {p: [self.name() for _ in POSTS] for p in self.provinces}
        self.chains: dict[str, list[tuple]] = {p: [] for p in self.provinces}

    def name(self) -> str:
        surname = self.rng.choices([s for s, _ in SURNAMES], [w for _, w in SURNAMES])[0]
        return f"{surname} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"

    def document(self, province: str, year: int) -> tuple[str, str, str]:
        """A new provincial document implementing or amending the last one of its chain."""
        chain = self.chains[province]
        n = self.rng.randint(1, 400)
        day, month = self.rng.randint(1, 28), self.rng.randint(1, 12)
        if not chain:
            parent = self.rng.choice(CENTRAL)
            doc = (f"{n}-CT/TU", "Chỉ thị", "Ban Thường vụ Tỉnh ủy", f"{day}/{month}/{year}")
            verb = "thực hiện"
        else:
            parent = chain[-1]
            kind = self.rng.choice([("KH-UBND", "Kế hoạch", "triển khai thực hiện"),
                                    ("QĐ-UBND", "Quyết định", "sửa đổi, bổ sung")])
            doc = (f"{n}/{kind[0]}", kind[1], "UBND tỉnh", f"{day}/{month}/{year}")
            verb = kind[2]
        chain.append(doc)
        if len(chain) > 5:
            chain.clear()
        sentence = (f"{doc[1]} số {doc[0]} ngày {doc[3]} của {doc[2]} {verb} "
                    f"{parent[1]} số {parent[0]} ngày {parent[3]} của {parent[2]}.")
        return doc, parent, sentence

    def article(self, i: int) -> dict:
        rng = self.rng
        province = rng.choice(self.provinces)
        year = rng.randint(2016, 2025)
        day, month = rng.randint(1, 27), rng.randint(1, 12)
        leaders = self.leaders[province]
        if rng.random() < 0.02:  # leadership changes over time
            leaders[rng.randrange(len(leaders))] = self.name()
        chairs = rng.sample(range(3), rng.randint(1, 2))
        chair_text = ", ".join(f"đồng chí {leaders[c]}, {', '.join(POSTS[c])}" for c in chairs)
        meeting = rng.choice(MEETINGS).format(n=rng.randint(1, 20), q=rng.randint(1, 4), m=month)
        attendee = rng.randint(3, len(POSTS) - 1)
        _, _, doc_sentence = self.document(province, year)
        body = (f"Sáng ngày {day}/{month}, {chair_text} chủ trì {meeting}. "
                f"Dự hội nghị có đồng chí {leaders[attendee]}, {POSTS[attendee][0]}.\n\n"
                f"Tại hội nghị, các đại biểu đã thảo luận và thống nhất nhiều nội dung quan trọng. "
                f"{doc_sentence}\n\nPhát biểu kết luận, đồng chí {leaders[chairs[0]]} yêu cầu các sở, "
                f"ngành tiếp tục triển khai đồng bộ các giải pháp phát triển kinh tế - xã hội của tỉnh {province}.")
        title = f"{meeting[0].upper()}{meeting[1:]} tỉnh {province}"
        text = f"{title}\n\n{body}"
        if rng.random() < 0.3:
            text = old_style(text)
        published = f"{year}-{month:02d}-{min(day + 1, 28):02d}"
        return {"id": f"syn-{i:07d}", "url": f"https://example.org/{province}/{i}", "published": published,
                "title": title, "province_context": province, "text": text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    world = World(random.Random(args.seed))
    with open(args.out, "w", encoding="utf-8") as fh:
        for i in range(args.n):
            fh.write(json.dumps(world.article(i), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
