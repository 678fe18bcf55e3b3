"""`kg view` pages rendered in a real headless Chromium (Debian's `chromium`, installed by
.ci/run): each page is screenshotted, its DOM checked for the expected nodes, edges and
quotes, and every request the browser makes goes to a local proxy that must see none from
the page."""
import os
import shutil
import socket
import subprocess
import threading

import lxml.html
import pytest
from typer.testing import CliRunner

from kg.cli.app import app
from tests.conftest import EXAMPLES

runner = CliRunner()
# Chromium's own services (component updates, sign-in): the browser calls them whatever page
# it shows; anything else reaching the proxy came from the page.
BROWSER_OWN = ("update.googleapis.com", "accounts.google.com", "clients2.google.com", "optimizationguide-pa.googleapis.com")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        if os.environ.get("KG_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is required here (.ci/run installs Debian's package)")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    return found


class Proxy:
    """A listener on 127.0.0.1 posing as the browser's proxy: it records each request line."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port, self.requests = self.socket.getsockname()[1], []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(512).split(b"\r\n")[0].decode("latin-1"))
                except OSError:
                    self.requests.append("?")

    def from_page(self) -> list[str]:
        return [r for r in self.requests if not any(host in r for host in BROWSER_OWN)]

    def close(self):
        self.socket.close()


def render(page, screenshot, tmp_path) -> tuple[lxml.html.HtmlElement, list[str]]:
    proxy = Proxy()
    try:
        result = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
             f"--proxy-server=http://127.0.0.1:{proxy.port}", "--proxy-bypass-list=<-loopback>",
             "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
             "--disable-extensions", "--no-pings", f"--screenshot={screenshot}", "--window-size=1280,900",
             "--dump-dom", page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
    finally:
        proxy.close()
    assert result.returncode == 0, result.stderr[-500:]
    return lxml.html.fromstring(result.stdout), proxy.from_page()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("view")
    store = str(tmp / "kg.db")
    assert runner.invoke(app, ["ingest", str(EXAMPLES), "--store", store]).exit_code == 0
    made = {}
    for kind, subject in (("lineage", ["45/KH-UBND"]), ("person", ["Lê Thị Hồng Nhung"]),
                          ("doc", ["20-CT/TU", "-p", "Hậu Giang"])):
        made[kind] = tmp / f"{kind}.html"
        result = runner.invoke(app, ["view", kind, *subject, "--out", str(made[kind]), "--store", store])
        assert result.exit_code == 0, result.output
    return made


def evidence_targets_exist(dom) -> None:
    links = [a.get("href") for a in dom.iter("a") if (a.get("href") or "").startswith("#ev-")]
    assert links and all(dom.get_element_by_id(h[1:]) is not None for h in links)


def test_the_probe_sees_a_page_request(tmp_path):
    control = tmp_path / "control.html"
    control.write_text('<html><body><img src="http://kg-probe.invalid/x.png"></body></html>', encoding="utf-8")
    _, requests = render(control, tmp_path / "control.png", tmp_path)
    assert any("kg-probe.invalid" in r for r in requests)


def test_lineage_page(pages, tmp_path):
    dom, requests = render(pages["lineage"], tmp_path / "lineage.png", tmp_path)
    assert requests == [] and (tmp_path / "lineage.png").stat().st_size > 10_000
    boxes = [" ".join(g.itertext()) for g in dom.find_class("node")]
    for number in ("21-NQ/TW", "20-CT/TU", "45/KH-UBND", "1234/QĐ-UBND"):
        assert any(number in b for b in boxes), number
    assert sorted(g.findtext("title") for g in dom.find_class("edge")) == ["amends", "implements", "implements"]
    quotes = [" ".join(q.itertext()) for q in dom.find_class("quote")]
    assert any("sửa đổi" in q and "45/KH-UBND" in q for q in quotes)
    evidence_targets_exist(dom)


def test_person_page(pages, tmp_path):
    dom, requests = render(pages["person"], tmp_path / "person.png", tmp_path)
    assert requests == []
    text = " ".join(dom.itertext())
    assert "Phó Bí thư Tỉnh ủy Hậu Giang" in text and "họp giao ban tháng 1" in text
    assert {g.findtext("title") for g in dom.find_class("edge")} >= {"holds", "chaired"}
    marked = [m.text for m in dom.iter("mark")]
    assert "Lê Thị Hồng Nhung" in marked  # the chair's own "chủ trì" sentence, the name marked
    evidence_targets_exist(dom)


def test_doc_page(pages, tmp_path):
    dom, requests = render(pages["doc"], tmp_path / "doc.png", tmp_path)
    assert requests == []
    boxes = " ".join(" ".join(g.itertext()) for g in dom.find_class("node"))
    assert "21-NQ/TW" in boxes and "45/KH-UBND" in boxes and "20-CT/TU" in boxes
    assert any("21-NQ/TW" in " ".join(q.itertext()) for q in dom.find_class("quote"))
    evidence_targets_exist(dom)
