"""The one-pass scans of the prepared article give what the per-sentence scans they replaced
gave: each test composes texts with the awkward cases (words glued by apostrophes, capitals
inside words, letters beyond the Basic Multilingual Plane, wrapped lines) and compares the
fast path with the plain reading it stands for."""
from __future__ import annotations

from kg.facts import Article
from loaders.extract.names import _NAME_WORD, find_names
from loaders.extract.prepared import Prepared

TEXTS = [
    "Sáng nay, Bí thư Tỉnh ủy Nguyễn Văn An phát biểu. Ông Trần Thị Bình dự.",
    "Đồng chí H'Hen Niê, Phó Chủ tịch, và Y Giang Gry Niê Knơng dự họp tại Buôn Ma Thuột.",
    "x'y'Nguyễn Văn Cường và l'Anh Lê Minh Đạt; aNguyễn Văn Em, ANH Phạm Quốc Hùng.",
    "NGUYỄN VĂN AN, TRẦN Minh Bảo, Lê VĂN Cường và Hồ Chí Minh ở TP Hồ Chí Minh.",
    "Ông 𝐍guyễn Văn An và Ông Nguyễn 𝐕ăn Bình, bà Lê Thị Ꞩen gặp Đặng Văn Ⅻ.",
    "Chủ tịch UBND tỉnh Võ Văn\nHưng ký; Bùi Thị Lan’Anh Nhật và K'Mák Niê\n\nPhan Văn Tú.",
]


def _reference_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Every capitalised word of text[start:end], as the per-sentence reading took them."""
    return [m.span() for m in _NAME_WORD.finditer(text, start, end) if text[m.start()].isupper()]


def test_names_from_the_chain_scan_are_those_of_every_capitalised_word():
    for raw in TEXTS:
        doc = Prepared(Article(id="t", text=raw))
        text, words = doc.dashed, doc.chain_words
        for sentence in doc.dashed_sentences:
            inside = [w for w in words if sentence.start <= w[0] < sentence.end]
            fast = [(n.start, n.end) for n in find_names(text, inside, sentence.end)]
            slow = [(n.start, n.end) for n in find_names(
                text, _reference_words(text, sentence.start, sentence.end), sentence.end)]
            assert fast == slow, (raw, sentence.text)
    found = Prepared(Article(id="t", text=TEXTS[2])).chain_words
    assert any(TEXTS[2][s:e] == "Nguyễn" for s, e in found)  # after `x'y'`, a word of its own


MEETING_TEXTS = [
    "Sáng 16/10, Hội nghị Tỉnh ủy khai mạc. Đồng chí Nguyễn Văn An chủ trì, cùng chủ trì có "
    "ông Lê Văn Bình; dự và chủ trì hội nghị còn có bà Trần Thị Cúc.\nChiều hôm qua, Kỳ họp thứ 9 "
    "bế mạc.Ông Phạm Văn Dũng phát biểu chỉ đạo, đánh giá cao kết quả tham dự của các đại biểu.",
    "HỘI NGHỊ\nhội nghị sơ kết chủ trì\nđiều hành. Tham dự có Ông Hồ Văn Em, làm việc với Sở Nội vụ.",
]


def test_the_article_scan_gives_each_sentence_the_matches_of_its_own_scan():
    from loaders.extract.meetings import ATTEND, CHAIR, MEETING_HEAD, SPEAK, _DIGIT
    for raw in MEETING_TEXTS:
        doc = Prepared(Article(id="t", text=raw))
        assert doc.scan(CHAIR, 0, len(raw))  # the texts hold what is compared
        for pattern in (ATTEND, CHAIR, MEETING_HEAD, SPEAK, _DIGIT):
            for s in doc.sentences:
                for upper in (s.end, min(s.end, s.start + 40)):
                    own = [m.span() for m in pattern.finditer(doc.folded, s.start, upper)]
                    assert [m.span() for m in doc.scan(pattern, s.start, upper)] == own


def test_separators_tried_at_their_characters_are_those_of_the_whole_scan():
    from loaders.extract.posts import _SEP, _separators
    text = ("Ban Chỉ đạo phòng, chống dịch , Bí thư  -  Chủ tịch;Phó Bí thư:  Bà Rịa-Vũng Tàu "
            "2020 –2025, A —B\t,\n; phòng ,chống x- y, ,, z :")
    for lower in range(len(text)):
        for upper in (len(text), len(text) - 7, lower + 12):
            want = [m.span() for m in _SEP.finditer(text, lower, upper)]
            assert [m.span() for m in _separators(text, lower, upper)] == want, (lower, upper)


def _alphabet_texts(alphabet: str, count: int = 400, seed: int = 5):
    import random
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(count)]


_BREAK_ALPHABET = [" ", "\n", "\t", ".", "!", "…", "?", '"', "”", "“", "(", "'", "a", "Đ", "B", "7", "TP", "đ/c"]


def test_breaks_tried_at_marks_are_those_of_the_whole_scan():
    from kg.sentences import _BREAK, _breaks
    for text in _alphabet_texts(_BREAK_ALPHABET):
        assert [m.span() for m in _breaks(text)] == [m.span() for m in _BREAK.finditer(text)], text


def _unwrap_reference(text: str) -> str:
    """`unwrap` as it read every `[ \\t]*\\n` with one regex scan."""
    import re
    from loaders.extract.spans import _HANGING, _HANGING_HEAD, _LIST_MARKER
    out = list(text)
    for match in re.finditer(r"[ \t]*\n(?=[ \t]*\S)", text):
        prev = text[text.rfind("\n", 0, match.start()) + 1:match.start()]
        nxt = text[match.end():match.end() + 40].lstrip(" \t")
        if not nxt or not prev.strip() or prev.rstrip()[-1] in ".;:!?|" or _LIST_MARKER.match(nxt) \
                or prev.isupper():
            continue
        if nxt[0].islower() or nxt[0].isdigit() or prev.rstrip()[-1] == "," or _HANGING.search(prev[-30:]) \
                or _HANGING_HEAD.search(prev[-20:]):
            out[match.end() - 1] = " "
    return "".join(out)


def test_unwrap_measuring_spaces_back_from_each_break_joins_the_same_lines():
    from loaders.extract.spans import unwrap
    words = [" ", "\n", "\t", ",", ".", "của", "Sở", "KẾ", "a", "B", "1", "- ", "x) "]
    texts = _alphabet_texts(words) + ["Kế hoạch của\n  Sở Nội vụ \t\n\nnăm 2024,\n B\n1. C"]
    for text in texts:
        assert unwrap(text) == _unwrap_reference(text), text
    assert unwrap(texts[-1]) != texts[-1]  # some lines are joined
