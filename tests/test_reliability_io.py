"""Issue 12 (items 2, 3, 5, 6, 7, 11, 14) and issue 16 (folder formats, export friction):
nothing lost, nothing hung. Each test fails on the code before the fix."""
from __future__ import annotations

import gzip
import io
import json
import os
import random
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from kg.cli.app import app
from kg.ingest import ingest
from kg.stores.sqlite import SQLiteStore
from loaders.readers import read_stream
from tests.conftest import examples_at

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
KG = [sys.executable, "-c", "from kg.cli.app import main; main()"]
runner = CliRunner()
PEOPLE = ["Trần Minh Khoa", "Lê Văn An", "Nguyễn Thị Hoa", "Phạm Quốc Bảo", "Võ Thanh Tùng"]


def sentence(i: int) -> str:
    return (f"Sáng ngày {i % 28 + 1:02d}/4, đồng chí {PEOPLE[i % 5]}, Bí thư Tỉnh ủy chủ trì hội nghị triển khai "
            f"Kế hoạch số {i + 1}/KH-UBND ngày 01/02/2020 của UBND tỉnh Hậu Giang.")


def row(article_id: str | None, text: str, **extra) -> str:
    record = {"text": text, **extra} if article_id is None else {"id": article_id, "text": text, **extra}
    return json.dumps(record, ensure_ascii=False) + "\n"


def stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def articles_in(db: str) -> list[str]:
    store = SQLiteStore(db)
    try:
        return sorted(n.id.removeprefix("article:") for n in store.iter_nodes("Article"))
    finally:
        store.close()


@pytest.fixture
def examples_db(tmp_path, examples_file) -> str:
    return examples_at(examples_file, tmp_path / "kg.db")


def _mounted_tmpfs(where: Path, options: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    return done.returncode == 0


# -- item 2: export never destroys --------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_export_onto_the_store_is_refused_and_the_store_survives(examples_db, suffix):
    store = SQLiteStore(examples_db)  # open: the -wal and -shm files exist
    try:
        before = store.counts()
        result = runner.invoke(app, ["export", "-f", "turtle", "-o", examples_db + suffix, "--store", examples_db])
        assert result.exit_code == 1
        assert stderr_lines(result) == [f"Error: --out {examples_db}{suffix} is the store {examples_db}; "
                                        "name another file"]
        assert store.counts() == before
    finally:
        store.close()


def test_a_folder_holding_the_store_is_not_replaced(examples_db):
    folder = str(Path(examples_db).parent)
    result = runner.invoke(app, ["export", "-f", "neo4j-csv", "-o", folder, "--force", "--store", examples_db])
    assert result.exit_code == 1 and "holds the store" in result.stderr
    assert SQLiteStore(examples_db).counts()["articles"] == 4


@pytest.mark.parametrize("fmt", ["nt", "turtle"])
def test_bad_base_iri_leaves_the_existing_output_alone(examples_db, tmp_path, fmt):
    target = tmp_path / "graph.out"
    target.write_text("old export\n", encoding="utf-8")
    result = runner.invoke(app, ["export", "-f", fmt, "-o", str(target), "--base-iri", "no iri",
                                 "--store", examples_db])
    assert result.exit_code == 1 and len(stderr_lines(result)) == 1
    assert target.read_text(encoding="utf-8") == "old export\n"


def _big_store(tmp_path: Path, count: int = 400) -> str:
    source = tmp_path / "big.jsonl"
    source.write_text("".join(row(f"b{i}", " ".join(sentence(i * 7 + k) for k in range(6))) for i in range(count)),
                      encoding="utf-8")
    db = str(tmp_path / "big.db")
    assert ingest(SQLiteStore(db), [str(source)]).failed == 0
    return db


@pytest.mark.slow  # kills 12 exports at random moments
def test_a_killed_export_leaves_the_old_file_or_the_whole_new_one(tmp_path):
    db = _big_store(tmp_path)
    reference = tmp_path / "reference.nt"
    assert runner.invoke(app, ["export", "-f", "nt", "-o", str(reference), "--store", db]).exit_code == 0
    started = time.monotonic()
    assert runner.invoke(app, ["export", "-f", "nt", "-o", str(tmp_path / "timing.nt"), "--store", db]).exit_code == 0
    took = time.monotonic() - started
    target, rng, outcomes = tmp_path / "graph.nt", random.Random(12), set()
    for _ in range(12):
        target.write_text("old export\n", encoding="utf-8")
        child = subprocess.Popen(KG + ["export", "-f", "nt", "-o", str(target), "--store", db], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 0.3 + 2 * took))  # ~0.3 s is the interpreter's start
        child.send_signal(signal.SIGKILL)
        child.wait()
        content = target.read_bytes()
        assert content in (b"old export\n", reference.read_bytes()), len(content)
        outcomes.add(content == b"old export\n")
    print("killed exports leaving the old file / the new one:", outcomes)


def _assert_disk_full_keeps_old(result, target: Path) -> None:
    assert result.returncode == 1
    [line] = [l for l in result.stderr.splitlines() if l.strip()]
    assert line.startswith(f"Error: cannot write {target}: ") and "internal error" not in line, line
    assert target.read_text(encoding="utf-8") == "old export\n"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no staging left behind


@pytest.fixture(scope="module")
def store_of_200(tmp_path_factory) -> str:
    """200 generated articles: the disk-full tests only read it."""
    return _big_store(tmp_path_factory.mktemp("big"), 200)


def test_disk_full_export_keeps_the_old_file_small_tmpfs(tmp_path, store_of_200):
    db = store_of_200
    disk = tmp_path / "disk"
    if not _mounted_tmpfs(disk, "size=128k"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        target = disk / "graph.ttl"
        target.write_text("old export\n", encoding="utf-8")
        result = subprocess.run(KG + ["export", "-f", "turtle", "-o", str(target), "--store", db], cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
        _assert_disk_full_keeps_old(result, target)
        assert "No space left on device" in result.stderr
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_disk_full_export_keeps_the_old_file_size_limit(tmp_path, store_of_200):
    """The same fault without root: a file-size limit makes the writer fail part-way (EFBIG)."""
    db = store_of_200
    target = tmp_path / "out" / "graph.nt"
    target.parent.mkdir()
    target.write_text("old export\n", encoding="utf-8")

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))

    result = subprocess.run(KG + ["export", "-f", "nt", "-o", str(target), "--store", db], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, preexec_fn=limited)
    _assert_disk_full_keeps_old(result, target)


# -- item 14 and issue 16: export friction --------------------------------------------------------
def test_dash_writes_to_stdout_and_ttl_is_turtle(examples_db, tmp_path):
    result = runner.invoke(app, ["export", "-f", "ttl", "-o", "-", "--store", examples_db])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("@prefix") and not (Path.cwd() / "-").exists()
    file_result = runner.invoke(app, ["export", "-f", "turtle", "-o", str(tmp_path / "g.ttl"), "--store", examples_db])
    assert file_result.exit_code == 0
    assert result.stdout == (tmp_path / "g.ttl").read_text(encoding="utf-8")
    for alias in ("n-triples", "json-ld", "NT"):
        assert runner.invoke(app, ["export", "-f", alias, "-o", "-", "--store", examples_db]).exit_code == 0


def test_existing_neo4j_csv_folder_is_an_error_or_replaced_with_force(examples_db, tmp_path):
    folder = tmp_path / "csv"
    assert runner.invoke(app, ["export", "-f", "neo4j-csv", "-o", str(folder), "--store", examples_db]).exit_code == 0
    (folder / "stale.csv").write_text("from an older export", encoding="utf-8")
    again = runner.invoke(app, ["export", "-f", "neo4j-csv", "-o", str(folder), "--store", examples_db])
    assert again.exit_code == 1
    assert stderr_lines(again) == [f"Error: --out {folder} already exists; --force replaces it"]
    forced = runner.invoke(app, ["export", "-f", "neo4j-csv", "-o", str(folder), "--force", "--store", examples_db])
    assert forced.exit_code == 0, forced.stderr
    assert not (folder / "stale.csv").exists() and (folder / "import.sh").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv", "kg.db", "kg.db-shm", "kg.db-wal"] or \
        sorted(p.name for p in tmp_path.iterdir()) == ["csv", "kg.db"]


@pytest.mark.parametrize("fmt, name", [("cypher", "graph.cypher"), ("neo4j-csv", "csv")])
def test_export_into_a_missing_folder_creates_it(examples_db, tmp_path, fmt, name):
    target = tmp_path / "new" / "deeper" / name
    result = runner.invoke(app, ["export", "-f", fmt, "-o", str(target), "--store", examples_db])
    assert result.exit_code == 0, result.stderr
    assert target.exists()


@pytest.mark.parametrize("fmt", ["cypher", "neo4j-csv", "turtle"])
def test_export_into_a_read_only_folder_is_one_line(examples_db, tmp_path, fmt):
    folder = tmp_path / "ro"
    if os.geteuid() == 0:  # root writes anywhere a mode allows nothing: use a read-only file system
        if not _mounted_tmpfs(folder, "ro,size=64k"):
            pytest.skip("cannot mount a read-only tmpfs")
    else:
        folder.mkdir()
        folder.chmod(0o555)
    try:
        result = runner.invoke(app, ["export", "-f", fmt, "-o", str(folder / "out"), "--store", examples_db])
        assert result.exit_code == 1
        [line] = stderr_lines(result)
        assert line.startswith(f"Error: cannot write {folder / 'out'}: ") and "internal" not in line, line
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(folder)], check=True)
        else:
            folder.chmod(0o755)


# -- item 3: a lone surrogate is one article's problem ---------------------------------------------
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_lone_surrogate_does_not_abort_the_run(tmp_path, workers):
    source = tmp_path / "crawl.jsonl"
    lines = [row(f"s{i}", sentence(i)) for i in range(450)]
    lines[250] = json.dumps({"id": "s250", "title": "Tin \udc80", "text": sentence(250) + " \udc80"}) + "\n"
    source.write_text("".join(lines), encoding="utf-8")  # json.dumps wrote the surrogates as \\udc80 escapes
    db = str(tmp_path / "kg.db")
    result = runner.invoke(app, ["ingest", str(source), "--store", db, "--workers", workers, "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["articles"]["new"] == 450
    store = SQLiteStore(db)
    assert store.article("s250")["text"].endswith(" \ufffd") and store.article("s449") is not None
    store.close()


# -- item 5: ids unique and stable ------------------------------------------------------------------
@pytest.mark.parametrize("inside", [True, False])
def test_same_file_name_in_two_folders_is_two_articles(tmp_path, monkeypatch, inside):
    """Ids are paths from the current folder (a folder or its files named alike give the same
    ids); for inputs outside it, paths under the folder named, that folder's name first."""
    if inside:
        monkeypatch.chdir(tmp_path)
    for folder, i in (("a", 1), ("b", 2)):
        (tmp_path / "site" / folder).mkdir(parents=True)
        (tmp_path / "site" / folder / "index.txt").write_text(f"Tin {folder}\n\n{sentence(i)}", encoding="utf-8")
    db = str(tmp_path / "kg.db")
    result = runner.invoke(app, ["ingest", str(tmp_path / "site"), "--store", db, "--json"])
    assert json.loads(result.stdout)["articles"] == {"new": 2, "unchanged": 0, "changed": 0, "failed": 0}
    assert articles_in(db) == ["site/a/index.txt", "site/b/index.txt"]
    if inside:  # named one by one: the same ids
        again = runner.invoke(app, ["ingest", "site/a/index.txt", "site/b/index.txt", "--store", db, "--json"])
        assert json.loads(again.stdout)["articles"] == {"new": 0, "unchanged": 2, "changed": 0, "failed": 0}
    else:
        again = runner.invoke(app, ["ingest", str(tmp_path / "site" / "a"), "--store", db, "--json"])
        assert json.loads(again.stdout)["articles"]["new"] == 1  # a/index.txt: another root, another id


def test_a_changed_source_is_reported_as_changed(tmp_path):
    page = tmp_path / "news" / "bai.txt"
    page.parent.mkdir()
    page.write_text(f"Tin\n\n{sentence(1)}", encoding="utf-8")
    db = str(tmp_path / "kg.db")
    runner.invoke(app, ["ingest", str(page.parent), "--store", db])
    page.write_text(f"Tin\n\n{sentence(2)}", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(page.parent), "--store", db, "--json"])
    assert json.loads(result.stdout)["articles"] == {"new": 0, "unchanged": 0, "changed": 1, "failed": 0}
    assert articles_in(db) == ["news/bai.txt"]


def test_each_stdin_text_is_its_own_article(tmp_path):
    db = str(tmp_path / "kg.db")
    counts = [json.loads(runner.invoke(app, ["ingest", "-", "--store", db, "--json"], input=text).stdout)["articles"]
              for text in (f"Tin một\n\n{sentence(1)}", f"Tin hai\n\n{sentence(2)}", f"Tin một\n\n{sentence(1)}")]
    assert [(c["new"], c["unchanged"], c["changed"]) for c in counts] == [(1, 0, 0), (1, 0, 0), (0, 1, 0)]
    assert len(articles_in(db)) == 2 and all(a.startswith("sha256:") for a in articles_in(db))


def test_jsonl_ids_urls_and_html_canonical_links(tmp_path):
    crawl = tmp_path / "feed" / "crawl.jsonl"
    crawl.parent.mkdir()
    crawl.write_text(row("given-id", sentence(1), url="https://a.vn/1") + row(None, sentence(2), url="https://a.vn/2")
                     + row(None, sentence(3)), encoding="utf-8")
    page = tmp_path / "feed" / "page.html"
    page.write_text('<html><head><title>Tin</title><link rel="canonical" href="https://b.vn/tin-1.html"></head>'
                    f"<body><article><p>{sentence(4)}</p><p>{sentence(5)}</p></article></body></html>",
                    encoding="utf-8")
    db = str(tmp_path / "kg.db")
    assert runner.invoke(app, ["ingest", str(crawl.parent), "--store", db]).exit_code == 0
    assert articles_in(db) == ["feed/crawl.jsonl:3", "given-id", "https://a.vn/2", "https://b.vn/tin-1.html"]


def test_forget_takes_the_new_ids_and_their_iris_are_safe(tmp_path):
    folder = tmp_path / "tin tức"
    folder.mkdir()
    (folder / "bài #1?.txt").write_text(f"Tin\n\n{sentence(1)}", encoding="utf-8")
    (folder / "b.txt").write_text(f"Tin khác\n\n{sentence(2)}", encoding="utf-8")
    db = str(tmp_path / "kg.db")
    runner.invoke(app, ["ingest", str(folder), "--store", db])
    assert articles_in(db) == ["tin tức/b.txt", "tin tức/bài #1?.txt"]
    nt = runner.invoke(app, ["export", "-f", "nt", "-o", "-", "--store", db]).stdout
    import rdflib
    graph = rdflib.Graph().parse(data=nt, format="nt")
    subjects = {str(s) for s in graph.subjects() if "/article/" in str(s) and "/claims" not in str(s)}
    assert {s.rsplit("/", 1)[-1] for s in subjects} == {quote("tin tức/b.txt", safe=""),
                                                        quote("tin tức/bài #1?.txt", safe="")}
    assert all(" " not in s and "#" not in s.split("/article/")[1] for s in subjects)
    by_id = runner.invoke(app, ["forget", "tin tức/bài #1?.txt", "--store", db, "--json"])
    assert by_id.exit_code == 0, by_id.stderr
    by_path = runner.invoke(app, ["forget", str(folder / "b.txt"), "--store", db, "--json"])
    assert json.loads(by_path.stdout) == {"forgotten": "tin tức/b.txt"}
    assert articles_in(db) == []


# -- item 6: a bounded error list -------------------------------------------------------------------
def test_errors_are_bounded_per_file(tmp_path):
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress(b"{not json\n" * 5000 + row("ok", sentence(1)).encode("utf-8")))
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": 1}\n' * 3, encoding="utf-8")
    db = str(tmp_path / "kg.db")
    result = runner.invoke(app, ["ingest", str(bad), str(other), "--store", db, "--json"])
    assert result.exit_code == 1
    lines = stderr_lines(result)
    assert len(lines) == 20 + 1 + 3
    assert lines[20] == f"Error: … and 4980 more errors in {bad}"
    data = json.loads(result.stdout)
    assert data["articles"]["failed"] == 5003 and data["articles"]["new"] == 1 and len(data["errors"]) == 24
    fewer = runner.invoke(app, ["ingest", str(bad), "--max-errors", "2", "--store", db])
    assert len(stderr_lines(fewer)) == 3 and stderr_lines(fewer)[-1].endswith(f"4998 more errors in {bad}")


# -- item 7: a time budget per article --------------------------------------------------------------
@pytest.mark.slow  # seconds of extraction, cut by the budget
@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_article_over_its_time_budget_fails_alone(tmp_path, workers):
    source = tmp_path / "crawl.jsonl"
    huge = " ".join(sentence(i) for i in range(8000))  # ~1.3 MB: seconds of extraction
    source.write_text(row("a", sentence(1)) + row("huge", huge) + row("b", sentence(2)), encoding="utf-8")
    db = str(tmp_path / "kg.db")
    budget = {**os.environ, "KG_ARTICLE_SECONDS": "0.6"}
    result = subprocess.run(KG + ["ingest", str(source), "--store", db, "--workers", workers, "--json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, env=budget)
    assert result.returncode == 1
    assert stderr_lines(result) == [f"Error: {source}:2: extraction took over 0.6 s, the time budget for one article "
                                    "(KG_ARTICLE_SECONDS raises it)"]
    assert articles_in(db) == ["a", "b"]


# -- item 11: FIFOs -----------------------------------------------------------------------------------
def _feed_fifo(fifo: Path, data: bytes) -> threading.Thread:
    def write():
        with open(fifo, "wb") as fh:
            fh.write(data)
    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def test_a_fifo_in_a_folder_is_skipped_with_a_warning(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.jsonl")
    (folder / "ok.txt").write_text(f"Tin\n\n{sentence(1)}", encoding="utf-8")
    db = str(tmp_path / "kg.db")
    result = subprocess.run(KG + ["ingest", str(folder), "--store", db], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert stderr_lines(result) == [f"Warning: {folder / 'pipe.jsonl'}: a FIFO, not a regular file: skipped "
                                    "(name it on the command line to read it)"]
    assert articles_in(db) == ["in/ok.txt"]


def test_a_fifo_named_on_the_command_line_is_read_like_stdin(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = _feed_fifo(fifo, row(None, sentence(1)).encode("utf-8"))
    db = str(tmp_path / "kg.db")
    result = subprocess.run(KG + ["ingest", str(fifo), "--store", db], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    writer.join(5)
    assert result.returncode == 0, result.stderr
    [article] = articles_in(db)
    assert article.startswith("sha256:")


# -- item 14: small ones ------------------------------------------------------------------------------
def test_a_nul_in_one_jsonl_line_rejects_only_that_line(tmp_path):
    source = tmp_path / "crawl.jsonl"
    source.write_bytes((row("a", sentence(1)) + '{"id": "b", "text": "x\x00y"}\n' + row("c", sentence(2)))
                       .encode("utf-8").replace(b"\\u0000", b"\x00"))
    db = str(tmp_path / "kg.db")
    result = runner.invoke(app, ["ingest", str(source), "--store", db])
    assert result.exit_code == 1
    assert stderr_lines(result) == [f"Error: {source}:2: binary file (contains NUL bytes), not text"]
    assert articles_in(db) == ["a", "c"]


@pytest.mark.parametrize("variable, value", [("KG_MAX_ARTICLE_MB", "inf"), ("KG_MAX_ARTICLE_MB", "nan"),
                                             ("KG_MAX_ARTICLE_MB", "-1"), ("KG_MAX_ARTICLE_MB", "ten"),
                                             ("KG_ARTICLE_SECONDS", "0"), ("KG_ARTICLE_SECONDS", "inf")])
def test_a_bad_setting_is_one_line_naming_it(tmp_path, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(tmp_path / "kg.db")])
    assert result.exit_code == 1
    assert stderr_lines(result) == [f"Error: {variable} must be a positive number of "
                                    f"{'megabytes' if 'MB' in variable else 'seconds'}, not {value!r}"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_text(tmp_path, codec):
    text, jsonl = tmp_path / "bai.txt", tmp_path / "crawl.jsonl"
    text.write_bytes(f"Tin\n\n{sentence(1)}".encode(codec))
    jsonl.write_bytes((row("j1", sentence(2)) + row("j2", sentence(3))).encode(codec))
    db = str(tmp_path / "kg.db")
    result = runner.invoke(app, ["ingest", str(text), str(jsonl), "--store", db])
    assert result.exit_code == 0, result.stderr
    assert articles_in(db) == sorted([f"{tmp_path.name}/bai.txt", "j1", "j2"])
    assert SQLiteStore(db).article("j2")["text"] == sentence(3)


def test_a_view_count_no_store_can_hold_is_dropped():
    line = row("v", sentence(1), views=10 ** 30).encode("utf-8")
    [article] = read_stream(io.BytesIO(line), "crawl.jsonl", "crawl.jsonl")
    assert article.views is None  # Neo4j integers are 64-bit: the article would fail its whole batch


# -- issue 16: folders give article formats -----------------------------------------------------------
def test_folder_ingest_leaves_notes_out_unless_included(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "README.md").write_text("# Corpus\n\nNotes about this corpus, not an article.", encoding="utf-8")
    (folder / "notes").write_text("todo: crawl more", encoding="utf-8")
    (folder / "bai.txt").write_text(f"Tin\n\n{sentence(1)}", encoding="utf-8")
    db = str(tmp_path / "kg.db")
    result = runner.invoke(app, ["ingest", str(folder), "--store", db])
    assert result.exit_code == 0
    assert stderr_lines(result) == [f"Warning: {folder}: 2 files in other formats skipped (1 .md, 1 no suffix); "
                                    "--include GLOB takes them"]
    assert articles_in(db) == ["corpus/bai.txt"]
    widened = runner.invoke(app, ["ingest", str(folder), "--include", "*.md", "--store", db])
    assert widened.exit_code == 0 and "corpus/README.md" in articles_in(db)


# -- issue 12 "done means": fuzzing readers and the extractor with tricky Unicode ------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402 - the fuzz section's own tools
from hypothesis import strategies as st  # noqa: E402

from kg.errors import InputError  # noqa: E402
from kg.facts import Article, Evidence  # noqa: E402
from loaders.extract import extract  # noqa: E402
from loaders.html import read_html_article  # noqa: E402

FORMAT_CHARS = "\u200b\u200d\ufeff\u00ad\u202e\u200f\u00a0"  # ZWSP ZWJ BOM SHY RLO RLM NBSP
CONFUSABLES = "\u0421\u0422\uff10\uff13\uff19\u2013"  # Cyrillic С Т, full-width 0 3 9, en dash
FRAGMENTS = ["Nguyễn Văn An", "Bí thư Tỉnh ủy", "chủ trì", "hội nghị", "Chỉ thị số 20-CT/TU", "33-СT/TU",
             "Quyết định số 123/QĐ-UBND ngày 01/02/2020", "３３-CT/TU", "Hậu Giang", "Nghị quyết 21-NQ/TW",
             "Kế hoạch", "triển khai", "thực hiện", "ngày 15/8/2016", ", ", ". ", "\n", " "]
_piece = st.one_of(
    st.sampled_from(FRAGMENTS), st.sampled_from(FORMAT_CHARS), st.sampled_from(CONFUSABLES),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
    st.text(st.characters(codec="utf-8") | st.sampled_from(FORMAT_CHARS + CONFUSABLES), max_size=8))
TRICKY_TEXT = st.lists(_piece, min_size=1, max_size=40).map("".join)


def _evidence(value, seen=None):
    """Every Evidence anywhere inside an extraction (mentions hold them in fields and dicts)."""
    if isinstance(value, Evidence):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _evidence(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _evidence(item)
    elif hasattr(value, "__dataclass_fields__") and not isinstance(value, Article):
        for name in value.__dataclass_fields__:
            yield from _evidence(getattr(value, name))


def _read(kind: str, text: str):
    if kind == "article":
        return Article(id="fuzz", text=text)
    if kind == "html":
        page = f"<html><head><title>Tin</title></head><body><article><p>{text}</p><p>{text}</p></article></body></html>"
        return read_html_article(page, "fuzz.html", "fuzz")
    raw = (json.dumps({"id": "fuzz", "text": text}) + "\n").encode("utf-8") if kind == "jsonl" \
        else text.encode("utf-8", "surrogatepass")
    records = list(read_stream(io.BytesIO(raw), "fuzz", None, kind))
    assert len(records) == 1
    return records[0]


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(kind=st.sampled_from(["article", "article", "text", "jsonl", "html"]), text=TRICKY_TEXT)
def test_readers_and_extractor_never_raise_and_spans_lie_in_the_text(kind, text):
    record = _read(kind, text)
    if isinstance(record, InputError):
        assert record.reason  # rejected with a reason, not raised
        return
    if kind != "article":  # what a reader gives can be stored: no lone surrogate survives it
        assert record.content_hash and record.text.encode("utf-8") and record.id.encode("utf-8")
    extraction = extract(record)
    for evidence in _evidence(extraction):
        assert 0 <= evidence.start <= evidence.end <= len(record.text), (evidence, len(record.text))
