"""In a real browser (Debian's Chromium, headless, driven by chromedriver): the docs page renders and
works with no network, and a CMS front end on another origin calls the API through CORS.

Chromium is started so that it can reach nothing but loopback: a page that needed a CDN would fail.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.test_serve import serve, stop

KEY = "browser-test-key"
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.fail("these tests need Debian's chromium and chromium-driver: run .ci/run, which installs them")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1200,1800", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):  # no network but loopback
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=DriverService(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    folder = tmp_path_factory.mktemp("browser")
    env = dict(os.environ, MODERATION_API_KEYS=KEY, PROMETHEUS_MULTIPROC_DIR=str(folder / "metrics"))
    proc, port = serve(env, folder / "serve.log")
    yield port
    stop(proc)


def png_colours(png: bytes) -> int:
    """How many distinct pixel values an 8-bit RGB(A) PNG holds (a blank page has one)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks, header = 8, [], b""
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        data = png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            chunks.append(data)
        at += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    stride = width * (3 if colour == 2 else 4) + 1
    raw = zlib.decompress(b"".join(chunks))
    rows = [raw[y * stride + 1:(y + 1) * stride] for y in range(0, height, 7)]  # filtered bytes: a proxy
    return len({row[x:x + 3] for row in rows for x in range(0, len(row), 21)})


def test_the_docs_page_renders_and_works_with_no_network(browser: webdriver.Chrome, service: int,
                                                         tmp_path: Path) -> None:
    origin = f"http://127.0.0.1:{service}"
    browser.get(f"{origin}/docs")
    shot = tmp_path / "docs.png"
    assert browser.save_screenshot(str(shot))
    assert png_colours(shot.read_bytes()) > 20  # text, code blocks and the header: not a blank page
    resources: list[str] = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    assert all(r.startswith(origin) for r in resources), resources  # nothing fetched from elsewhere
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "section h3")]
    assert "POST /v1/check" in headings and "POST /v1alpha1/comments:analyze" in headings
    assert f"curl -s '{origin}/v1/check'" in browser.page_source  # the examples name this service

    browser.find_element(By.ID, "try-key").send_keys(KEY)
    box = browser.find_element(By.ID, "try-text")
    box.clear()
    box.send_keys("this is bullsh1t")
    browser.find_element(By.CSS_SELECTOR, "#try button").click()
    answer = browser.find_element(By.ID, "try-answer")
    WebDriverWait(browser, 10).until(lambda _: answer.text.startswith("200"))
    assert '"term": "bullshit"' in answer.text and '"evasions": [\n        "leet"' in answer.text


def test_the_try_form_says_when_the_key_is_missing(browser: webdriver.Chrome, service: int) -> None:
    browser.get(f"http://127.0.0.1:{service}/docs")
    browser.find_element(By.CSS_SELECTOR, "#try button").click()
    answer = browser.find_element(By.ID, "try-answer")
    WebDriverWait(browser, 10).until(lambda _: answer.text.startswith("401"))
    assert "API key" in answer.text


PAGE = """<!doctype html><meta charset="utf-8"><title>a CMS editor</title><pre id="out">pending</pre>
<script>
const api = "%(api)s", out = {};
function call(name, url, init) {
  return fetch(url, init).then((r) => r.json().then((body) => { out[name] = {status: r.status, body: body}; }))
    .catch((e) => { out[name] = {error: String(e)}; });
}
Promise.all([
  call("check", api + "/v1/check", {method: "POST", body: JSON.stringify({text: "what the f**k"}),
       headers: {"Content-Type": "application/json", "Authorization": "Bearer %(key)s"}}),
  call("analyze", api + "/v1alpha1/comments:analyze?key=%(key)s", {method: "POST",
       headers: {"Content-Type": "application/json"},
       body: JSON.stringify({comment: {text: "sh1t"}, requestedAttributes: {TOXICITY: {}}})}),
]).then(() => { document.getElementById("out").textContent = JSON.stringify(out); });
</script>"""


@pytest.fixture(scope="module")
def pages() -> Iterator[tuple[int, int]]:
    """Two CMS origins on loopback, each serving the editor page; only the first is allowed by the API."""
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler) for _ in range(2)]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    yield servers[0].server_address[1], servers[1].server_address[1]
    for s in servers:
        s.shutdown()
        s.server_close()


class _PageHandler(http.server.BaseHTTPRequestHandler):
    api = ""

    def do_GET(self) -> None:
        body = (PAGE % {"api": _PageHandler.api, "key": KEY}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_cms_page_on_an_allowed_origin_calls_the_api(browser: webdriver.Chrome, pages: tuple[int, int],
                                                       tmp_path: Path) -> None:
    allowed, other = pages
    env = dict(os.environ, MODERATION_API_KEYS=KEY, MODERATION_CORS_ORIGINS=f"http://127.0.0.1:{allowed}",
               PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    proc, port = serve(env, tmp_path / "serve.log")
    try:
        _PageHandler.api = f"http://127.0.0.1:{port}"
        found = {}
        for page in (allowed, other):
            browser.get(f"http://127.0.0.1:{page}/")
            WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "out").text != "pending")
            found[page] = json.loads(browser.find_element(By.ID, "out").text)
    finally:
        stop(proc)
    ok = found[allowed]
    assert ok["check"]["status"] == 200 and ok["check"]["body"]["matches"][0]["term"] == "fuck"
    assert ok["analyze"]["body"]["attributeScores"]["TOXICITY"]["summaryScore"]["value"] == 0.85
    refused = found[other]  # the browser refuses to hand the answer to a page of another origin
    assert set(refused["check"]) == {"error"} and set(refused["analyze"]) == {"error"}
