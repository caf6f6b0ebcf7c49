"""The report in a real browser: headless Chromium (Debian's ``chromium`` package, driven by
Playwright without any browser download) opens the file, and we check what a director would
see: no console error, no network request, the key-figures table and a figure visible, every
table within the page when printed; a screenshot and a printed PDF are saved.

Skipped only when Chromium or Playwright is genuinely absent on a developer's machine; in CI
(``CI`` set, where ``.ci/run`` installs Chromium) their absence is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import report_helpers

from carecap.sim.cli.main import main

CHROMIUM = os.environ.get("CARECAP_CHROMIUM", "/usr/bin/chromium")
small_run = report_helpers.small_run  # session fixture


def _browser_or_skip():
    missing = []
    if not (Path(CHROMIUM).is_file() or shutil.which("chromium")):
        missing.append(f"Chromium ({CHROMIUM}; apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append("Playwright (pip install -e '.[test]')")
        sync_playwright = None
    if missing:
        reason = "no browser to test the report in: missing " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; .ci/run must install it")
        pytest.skip(reason)
    return sync_playwright


@pytest.fixture(scope="module")
def page_of_report(small_run, tmp_path_factory):
    """The report of the small run open in headless Chromium, with what the page logged and
    requested."""
    sync_playwright = _browser_or_skip()
    folder = tmp_path_factory.mktemp("browser")
    html = folder / "report.html"
    assert main(["report", str(small_run), "-o", str(html)]) == 0
    executable = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        console, requests, failures = [], [], []
        page.on("console", lambda m: console.append((m.type, m.text)))
        page.on("pageerror", lambda e: console.append(("pageerror", str(e))))
        page.on("request", lambda r: requests.append(r.url))
        page.on("requestfailed", lambda r: failures.append(r.url))
        page.goto(html.as_uri(), wait_until="load")
        yield SimpleNamespace(
            page=page,
            html=html,
            console=console,
            requests=requests,
            failures=failures,
            folder=folder,
        )
        browser.close()


def test_opens_without_console_errors_or_network_requests(page_of_report):
    seen = page_of_report
    assert [m for m in seen.console if m[0] in ("error", "pageerror", "warning")] == []
    # the file itself is the only request; images are data URIs, which fetch nothing
    assert seen.requests == [seen.html.as_uri()]
    assert seen.failures == []


def test_key_figures_and_a_figure_are_visible(page_of_report):
    page = page_of_report.page
    table = page.locator("table.key-figures")
    assert table.is_visible()
    assert table.locator("tbody tr").count() >= 2
    image = page.locator("figure img").first
    image.scroll_into_view_if_needed()
    assert image.is_visible()
    width = image.evaluate("img => img.complete ? img.naturalWidth : 0")
    assert width > 100, "the figure decoded to a real image"


def test_screenshot_and_printed_pdf(page_of_report):
    page, folder = page_of_report.page, page_of_report.folder
    shot, pdf = folder / "report.png", folder / "report.pdf"
    page.screenshot(path=str(shot), full_page=True)
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-" and len(data) > 50_000
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert pages >= 4, "each section starts a page"


def test_no_table_is_clipped_when_printed(page_of_report):
    page = page_of_report.page
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 720, "height": 1000})  # about A4 within the margins
    try:
        overflow = page.evaluate(
            """() => [...document.querySelectorAll('table')]
                 .filter(t => t.getBoundingClientRect().right
                              > document.documentElement.clientWidth + 1)
                 .map(t => t.className)"""
        )
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1100, "height": 900})
    assert overflow == []


def test_every_hanzi_is_drawn_with_the_embedded_face(page_of_report):
    """Whatever Chinese fonts the machine has (none in CI), each text with hanzi is drawn with
    the page's own face, not with a Latin font's boxes (Chromium says which fonts drew a node)."""
    page = page_of_report.page
    page.evaluate("document.fonts.ready")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]
    body = next(n for n in _descendants(root) if n.get("nodeName") == "BODY")
    texts = [n for n in _descendants(body) if n["nodeType"] == 3 and _has_hanzi(n["nodeValue"])]
    assert len(texts) > 20  # (the small run's labels and the report's headings)
    not_embedded = []
    for node in texts:
        (node_id,) = cdp.send(
            "DOM.pushNodesByBackendIdsToFrontend", {"backendNodeIds": [node["backendNodeId"]]}
        )["nodeIds"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
        if fonts and not any(f["isCustomFont"] for f in fonts):
            not_embedded.append((node["nodeValue"][:30], [f["familyName"] for f in fonts]))
    assert not_embedded == []


def _descendants(node: dict):
    yield node
    for child in node.get("children", []):
        yield from _descendants(child)


def _has_hanzi(text: str) -> bool:
    return any(0x4E00 <= ord(c) <= 0x9FFF for c in text)
