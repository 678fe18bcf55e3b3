"""Bad input, exit codes, --strict, concurrent readers and writers, forget, and fuzzing.

Each bad input must give one `Error: <file>[:<line>]: <reason>` line while the rest lands.
"""
from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli.app import app
from kg.ingest import ingest
from kg.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
KG = [sys.executable, "-c", "from kg.cli.app import main; main()"]
runner = CliRunner()
GOOD = "Sáng ngày 03/4, đồng chí Trần Minh Khoa, Bí thư Tỉnh ủy chủ trì hội nghị sơ kết quý I."


def row(article_id: str, text: str = GOOD, **extra) -> str:
    return json.dumps({"id": article_id, "text": text, **extra}, ensure_ascii=False) + "\n"


def generated(path: Path, count: int, prefix: str = "gen") -> Path:
    """Small composed articles: a person, a post, a plan document each."""
    names = ["Trần Minh Khoa", "Lê Văn An", "Nguyễn Thị Hoa", "Phạm Quốc Bảo", "Võ Thanh Tùng"]
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(row(f"{prefix}-{i:05d}", f"Sáng ngày {i % 28 + 1}/5, đồng chí {names[i % 5]}, Phó Chủ tịch "
                          f"UBND tỉnh chủ trì hội nghị triển khai Kế hoạch số {i + 1}/KH-UBND ngày 02/3/2023 "
                          "của UBND tỉnh.", published="2023-05-04", province_context="Hậu Giang"))
    return path


def errors_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_each_bad_input_is_one_line_and_the_rest_lands(tmp_path):
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "blob.bin").write_bytes(bytes(range(256)) * 8)
    (bad / "scan.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    (bad / "legacy.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    (bad / "menu.html").write_text("<html><body><nav><a href='/'>Trang chủ</a></nav></body></html>", encoding="utf-8")
    (bad / "crawl.jsonl").write_text(row("j1") + '{"id": "j2", "text": "cắt\n' + '{"id": "j3"}\n' + "[1, 2]\n"
                                     + row("j5") + '{"id": "j6", "text": "bị cắt ngang', encoding="utf-8")
    (bad / "cut.jsonl.gz").write_bytes(gzip.compress(row("z1").encode("utf-8") * 20)[:-10])
    (bad / "ok.txt").write_text(f"Hội nghị sơ kết\n\n{GOOD}", encoding="utf-8")
    db = str(tmp_path / "kg.db")
    result = runner.invoke(app, ["ingest", str(bad), "--include", "*", "--store", db, "--json"])
    assert result.exit_code == 1
    lines = errors_of(result.stderr)
    expected = [
        "blob.bin: binary file (contains NUL bytes), not text",
        "crawl.jsonl:2: invalid JSON (Invalid control character at column 26; the line ends mid-record (truncated?))",
        "crawl.jsonl:3: record has no 'text'",
        "crawl.jsonl:4: record is a JSON list, not an object",
        "crawl.jsonl:6: invalid JSON (Unterminated string starting at column 22; "
        "the line ends mid-record (truncated?))",
        "cut.jsonl.gz: corrupt or truncated gzip data",
        "empty.txt: empty file",
        "legacy.txt: binary file or unknown text encoding",
        "menu.html: HTML page has no article body",
        "scan.pdf: binary file (looks like a PDF document), not text",
    ]
    assert len(lines) == len(expected), lines
    for line, want in zip(lines, expected):
        assert line.startswith(f"Error: {bad}/{want}"), (line, want)
    data = json.loads(result.stdout)
    assert data["articles"] == {"new": 3, "unchanged": 0, "changed": 0, "failed": 10}
    assert data["added"]["entities"] > 0 and data["added"]["edges"] > 0


def test_fifty_megabyte_single_line_is_rejected_without_reading_it_whole(tmp_path):
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as out:
        out.write(b'{"id": "huge", "text": "')
        for _ in range(50):
            out.write(b"a" * (1 << 20))
        out.write(b'"}\n' + row("after").encode("utf-8"))
    flat = tmp_path / "flat.txt"
    flat.write_bytes(b"x" * (50 << 20))
    rss = tmp_path / "rss"
    # VmHWM: this process's peak RSS (ru_maxrss would include the forking parent's).
    measured = [sys.executable, "-c", "import atexit, os; atexit.register(lambda: open(os.environ['RSS_OUT'], "
                "'w').write([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])); "
                "from kg.cli.app import main; main()"]
    started = time.monotonic()
    result = subprocess.run(measured + ["ingest", str(huge), str(flat), "--store", str(tmp_path / "kg.db"), "--json"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60,
                            env={**os.environ, "RSS_OUT": str(rss)})
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert errors_of(result.stderr) == [
        f"Error: {huge}:1: line is longer than 10 MB, the limit for one article",
        f"Error: {flat}: file is larger than 10 MB, the limit for one article (KG_MAX_ARTICLE_MB raises it)"]
    assert json.loads(result.stdout)["articles"]["new"] == 1  # the line after the huge one
    peak_mb = int(rss.read_text()) / 1024  # reading a 50 MB line whole would need well over 150 MB
    assert elapsed < 20 and peak_mb < 120, (elapsed, peak_mb)


def test_unreadable_file_via_a_real_chmod(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads mode-000 files; see test_unreadable_file_reported_even_as_root")
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    try:
        result = runner.invoke(app, ["ingest", str(locked), "--store", str(tmp_path / "kg.db")])
    finally:
        locked.chmod(0o644)
    assert result.exit_code == 1
    assert errors_of(result.stderr) == [f"Error: {locked}: permission denied (cannot read the file)"]


def test_unreadable_file_reported_even_as_root(tmp_path, monkeypatch):
    """Root bypasses mode bits, so make open() refuse the one file the way the OS would."""
    import builtins
    locked, ok = tmp_path / "locked.txt", tmp_path / "ok.jsonl"
    locked.write_text(GOOD, encoding="utf-8")
    ok.write_text(row("ok"), encoding="utf-8")
    real_open = builtins.open

    def refusing(file, *args, **kwargs):
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", refusing)
    result = runner.invoke(app, ["ingest", str(locked), str(ok), "--store", str(tmp_path / "kg.db"), "--json"])
    assert result.exit_code == 1
    assert errors_of(result.stderr) == [f"Error: {locked}: permission denied (cannot read the file)"]
    assert json.loads(result.stdout)["articles"]["new"] == 1


def test_exit_codes_and_strict_stops_at_first_failure(tmp_path):
    first, broken, last = tmp_path / "1.jsonl", tmp_path / "2.jsonl", tmp_path / "3.jsonl"
    first.write_text(row("a1"), encoding="utf-8")
    broken.write_text("{oops\n", encoding="utf-8")
    last.write_text(row("a3"), encoding="utf-8")
    db = str(tmp_path / "kg.db")
    clean = runner.invoke(app, ["ingest", str(first), "--store", db])
    assert clean.exit_code == 0 and clean.stderr == "" and "unchanged" in clean.stdout
    strict = runner.invoke(app, ["ingest", str(first), str(broken), str(last), "--store", db, "--strict", "--json"])
    assert strict.exit_code == 1 and errors_of(strict.stderr) == [
        f"Error: {broken}:1: invalid JSON (Expecting property name enclosed in double quotes at column 2)"]
    assert json.loads(strict.stdout)["articles"] == {"new": 0, "unchanged": 1, "changed": 0, "failed": 1}
    store = SQLiteStore(db)
    assert store.article("a3") is None
    store.close()
    bad_format = runner.invoke(app, ["ingest", str(first), "--store", db, "--format", "pdf"])
    assert bad_format.exit_code == 2 and "--format" in bad_format.output


# -- concurrency ---------------------------------------------------------------------------
@pytest.mark.slow  # races a reader against a writing process
def test_reader_never_sees_a_half_written_article(tmp_path):
    source = generated(tmp_path / "gen.jsonl", 1000)
    reference = SQLiteStore(str(tmp_path / "ref.db"))
    ingest(reference, [str(source)])
    expected = dict(reference.db.execute("SELECT article_id, COUNT(*) FROM claims GROUP BY article_id"))
    reference.close()
    db = str(tmp_path / "kg.db")
    SQLiteStore(db).close()
    writer = subprocess.Popen(KG + ["ingest", str(source), "--store", db], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    reader = sqlite3.connect(db, timeout=10, isolation_level=None)
    seen = set()
    while writer.poll() is None:
        reader.execute("BEGIN")  # one snapshot for both queries
        articles = {r[0] for r in reader.execute("SELECT id FROM articles")}
        claims = dict(reader.execute("SELECT article_id, COUNT(*) FROM claims GROUP BY article_id"))
        reader.execute("COMMIT")
        assert claims == {a: expected[a] for a in articles}
        seen.add(len(articles))
        time.sleep(0.005)
    assert writer.wait() == 0, writer.stderr.read()
    assert any(0 < n < 1000 for n in seen), seen  # the reader really ran during the ingest
    assert reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.slow  # two ingest processes on one store
def test_two_ingests_into_one_store_serialise(tmp_path):
    a, b = generated(tmp_path / "a.jsonl", 500, "a"), generated(tmp_path / "b.jsonl", 500, "b")
    db = str(tmp_path / "kg.db")
    SQLiteStore(db).close()
    runs = [subprocess.Popen(KG + ["ingest", str(src), "--store", db, "--json"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for src in (a, b)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert [json.loads(out)["articles"]["new"] for out, _ in outputs] == [500, 500]
    store = SQLiteStore(db)
    assert store.counts()["articles"] == 1000
    assert store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store.close()


def test_second_writer_says_the_store_is_busy(tmp_path):
    source = generated(tmp_path / "a.jsonl", 5)
    db = str(tmp_path / "kg.db")
    SQLiteStore(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer mid-transaction
    try:
        result = subprocess.run(KG + ["ingest", str(source), "--store", db], cwd=ROOT, capture_output=True,
                                text=True, timeout=60, env={**os.environ, "KG_BUSY_TIMEOUT": "0.5"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert errors_of(result.stderr) == [
        f"Error: store {db} is busy: another process is writing to it (waited 0.5 s; try again, or raise "
        "KG_BUSY_TIMEOUT)"]


# -- forget --------------------------------------------------------------------------------
def test_forget_by_url_keeps_entities_another_article_supports(tmp_path):
    src = tmp_path / "two.jsonl"
    # f1's province comes from its outlet (haugiang.gov.vn), f2 states it: one person in both
    src.write_text(row("f1", url="https://haugiang.gov.vn/tin/f1.html") + row("f2", province_context="Hậu Giang"),
                   encoding="utf-8")
    db = str(tmp_path / "kg.db")
    assert runner.invoke(app, ["ingest", str(src), "--store", db]).exit_code == 0
    store = SQLiteStore(db)
    person = [n.id for n in store.find("Trần Minh Khoa", "Person")]
    store.close()
    assert person == ["person:tran-minh-khoa@hau-giang"]
    result = runner.invoke(app, ["forget", "https://haugiang.gov.vn/tin/f1.html", "--store", db, "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == {"forgotten": "f1"}
    store = SQLiteStore(db)
    assert store.article("f1") is None and store.article("f2") is not None
    assert store.get(person[0]) is not None  # f2 still says so
    assert not store.db.execute("SELECT 1 FROM claims WHERE article_id='f1'").fetchone()
    assert not store.db.execute("SELECT 1 FROM edges WHERE article_id='f1'").fetchone()
    store.close()
    assert runner.invoke(app, ["forget", "f2", "--store", db]).exit_code == 0
    store = SQLiteStore(db)
    assert store.get(person[0]) is None and store.counts()["nodes"] == {}
    store.close()
    missing = runner.invoke(app, ["forget", "f2", "--store", db])
    assert missing.exit_code == 1 and errors_of(missing.stderr) == ["Error: no article 'f2' in the store"]


# -- fuzzing -------------------------------------------------------------------------------
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
_JSONL = st.lists(st.one_of(
    st.builds(lambda i, t: row(f"r{i}", t), st.integers(0, 5), _TEXT),
    st.builds(lambda t: t + "\n", _TEXT),
    st.builds(lambda i: row(f"r{i}")[: i * 7], st.integers(0, 12)),
    st.just('{"id": "x", "text": 5}\n'), st.just("[" * 5000 + "\n")), max_size=6).map("".join)
_HTML = st.builds(lambda title, body, junk: f"<html><head><title>{title}</title></head><body><article>"
                  f"<h1>{title}</h1><p>{body}</p>{junk}</article></body></html>",
                  _TEXT, _TEXT, st.sampled_from(["", "<div><p>", "</table></td>", "<img src=''>", "<!--", "<![CDATA["]))
_DOCUMENT = st.one_of(
    st.binary(max_size=600),
    _JSONL.map(lambda s: s.encode("utf-8")),
    _HTML.map(lambda s: s.encode("utf-8")),
    _TEXT.map(lambda s: s.encode("utf-8")),
    _TEXT.map(lambda s: s.encode("utf-16")),
    _JSONL.map(lambda s: gzip.compress(s.encode("utf-8"))),
    st.binary(max_size=200).map(lambda b: gzip.compress(b)[: len(b) // 2 + 10]),
)
_FORMAT = st.sampled_from([None, None, "text", "html", "jsonl"])


@settings(max_examples=int(os.environ.get("KG_FUZZ_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents=st.lists(_DOCUMENT, min_size=1, max_size=4), fmt=_FORMAT)
def test_fuzzed_inputs_never_crash_hang_or_write_partially(tmp_path_factory, documents, fmt):
    folder = tmp_path_factory.mktemp("fuzz")
    paths = [str(folder / f"doc{i}.in") for i in range(len(documents))]
    for path, data in zip(paths, documents):
        Path(path).write_bytes(data)
    store = SQLiteStore(str(folder / "kg.db"))
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(20)
    try:
        result = ingest(store, paths, fmt=fmt)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    try:
        assert all(e.startswith(str(folder)) and "\n" not in e for e in result.errors), result.errors
        db = store.db
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        # every success is a stored row; an id seen twice is one row (its second sighting is
        # `unchanged` or `replaced`), so count distinct ids among successes
        assert stored == result.new
        assert not db.execute("SELECT 1 FROM claims WHERE article_id NOT IN (SELECT id FROM articles)").fetchone()
        assert not db.execute("SELECT 1 FROM edges WHERE article_id NOT IN (SELECT id FROM articles)").fetchone()
    finally:
        store.close()


def _hung(signum, frame):
    raise TimeoutError("ingest took over 20 s on a small fuzzed input")
