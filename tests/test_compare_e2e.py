"""The Compare page in a real Streamlit server and Chromium: the grid, opening a cell, a 390 px phone.

Reuses tests/test_e2e.py's server (its own copy of the seed index and policies) and browser.
Set POLICYQA_COMPARE_SCREENSHOT=folder to also keep pictures of the page (desktop and phone).
"""

import os
from pathlib import Path

import pytest

from tests.test_e2e import ANSWER_MS, READY_SECONDS, browser, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e

GRID_MS = 120_000  # the first visit loads the model and answers 80 cells
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 1000}
CELLS = 16 * 5


def open_compare(browser, server, viewport):  # noqa: F811 - fixtures passed in
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url)
               else route.abort())
    page.goto(f"{server.url}/Compare", timeout=READY_SECONDS * 1000)
    page.locator(".pq-cell").nth(CELLS - 1).wait_for(state="attached", timeout=GRID_MS)
    return context, page, dialogs


def screenshot(page, name: str) -> None:
    folder = os.environ.get("POLICYQA_COMPARE_SCREENSHOT")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / name, full_page=False)


def test_grid_shows_every_cell_and_a_cell_opens_the_policy_at_its_passage(browser, server):  # noqa: F811
    context, page, dialogs = open_compare(browser, server, DESKTOP)
    try:
        assert page.locator(".pq-cell").count() == CELLS
        stated, silent = page.locator(".pq-stated"), page.locator(".pq-not-stated")
        assert stated.count() > 0 and silent.count() > 0 and stated.count() + silent.count() == CELLS
        assert silent.first.inner_text().strip().endswith("Not stated")
        assert page.locator(".pq-colhead").first.is_visible()
        screenshot(page, "compare-desktop.png")

        quote = stated.first.locator("mark.pq-mark").first.inner_text()
        page.get_by_text("Open in policy").first.click()
        view = page.locator(".pq-policy").first
        view.wait_for(state="visible", timeout=ANSWER_MS)
        assert " ".join(quote.split()) in " ".join(view.locator(".pq-passage").inner_text().split())
        assert page.get_by_role("button", name="CSV").is_visible()
        assert page.get_by_role("button", name="Markdown").is_visible()
        assert not dialogs
    finally:
        context.close()


def test_grid_is_usable_on_a_390_px_phone(browser, server):  # noqa: F811
    context, page, dialogs = open_compare(browser, server, PHONE)
    try:
        page.wait_for_timeout(500)  # let the columns settle into their stacked layout
        # Nothing wider than the screen: no sideways scrolling to read a cell.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for i in (0, 7, CELLS - 1):
            box = page.locator(".pq-cell").nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
            assert box["width"] >= PHONE["width"] * 0.6, box  # stacked full width, not squeezed into a fifth
        # The header row would repeat the names out of place; each cell names its policy instead.
        assert not page.locator(".pq-colhead").first.is_visible()
        assert page.locator(".pq-cell .pq-cite").count() == CELLS
        screenshot(page, "compare-phone.png")
        assert not dialogs
    finally:
        context.close()


# -- at corpus scale: 330 policies, the fake embedder, the grid warmed in the cache -----------------------

MANY = 330
BIG_DESKTOP = {"width": 1280, "height": 800}
ROWS_A_PAGE = 50
LONG_TOKEN = 30  # a token this long (a URL, an address) may break where it must; a word never does
# Every word of these elements, each in its own text node range, must lie on one line: a name, a column
# head, a verdict or a quote broken mid-word would give a word two boxes.
BROKEN_WORDS_JS = """([selector, longToken]) => {
  const broken = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement || node.parentElement.offsetParent === null) continue;  // hidden
      for (const m of node.data.matchAll(/\\S+/g)) {
        if (m[0].length >= longToken) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        // A clamped quote lays out its hidden lines too: only the boxes inside its visible part count.
        const clip = node.parentElement.closest('.pq-clamped');
        const bottom = clip ? clip.getBoundingClientRect().bottom : Infinity;
        const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.top < bottom - 1);
        // Chromium may give a word the same box twice: a broken word is one on two lines.
        if (new Set(rects.map(r => Math.round(r.top))).size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""
# A name wider than its column would not break but spill over: each word must end inside its column.
OVERFLOWING_NAMES_JS = """() => [...document.querySelectorAll('.pq-word')].filter(w => w.offsetParent !== null)
  .filter(w => { const col = w.closest('.pq-name-col, .pq-colhead, .pq-cite');
                 return w.getBoundingClientRect().right > col.getBoundingClientRect().right + 1; })
  .map(w => w.textContent)"""


def corpus_index(folder: Path, count: int = MANY) -> Path:
    """`count` small policies (tests/many_policies.py) indexed with the fake embedder, every grid cell
    answered once into the index's compare cache; returns the index folder."""
    from qa.compare.grid import build_grid
    from qa.config import BuildSettings
    from qa.index.build import build_index
    from qa.search.engine import Engine
    from tests.fakes import FAKE_MODEL, FakeEmbedder
    from tests.many_policies import write_many_policies

    write_many_policies(folder / "policies", count)
    index = folder / "index"
    # The manifest names the fake, so the server (tests/fake_streamlit.py) opens the index with it too.
    report = build_index(folder / "policies", index, BuildSettings(model=FAKE_MODEL), lambda: FakeEmbedder())
    assert not report.errors, report.errors
    engine = Engine.open(index, embedder_factory=lambda model: FakeEmbedder(model))
    build_grid(index, engine=engine)
    return index


def start_fake_server(folder: Path, log: Path):
    """The chat (and its Compare page) over `folder`'s index, the fake embedder registered, no reranker."""
    from qa.bench.server import free_port, start, streamlit_command

    port = free_port()
    command = streamlit_command(port)
    command[1:3] = ["-m", "tests.fake_streamlit"]  # `python -m streamlit` -> the launcher that registers the fake
    env = {**os.environ, "POLICYQA_INDEX": str(folder / "index"), "POLICYQA_POLICIES": str(folder / "policies"),
           "POLICYQA_DATA": str(folder / "data"), "POLICYQA_RERANKER": "none"}
    env.pop("POLICYQA_MODEL", None)
    with log.open("wb") as out:
        return start(command, env, out), f"http://127.0.0.1:{port}"


def open_big_compare(chromium, url: str, viewport: dict):
    """The Compare page's first view, timed from navigation to its 50th row: (context, page, seconds)."""
    import time

    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort())
    started = time.perf_counter()
    page.goto(f"{url}/Compare", timeout=READY_SECONDS * 1000)
    page.locator(".pq-row:not(.pq-row-head)").nth(ROWS_A_PAGE - 1).wait_for(state="visible", timeout=GRID_MS)
    return context, page, time.perf_counter() - started


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    from qa.bench.server import CHROMIUM, stop, wait_healthy

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make browser) to run the browser tests")
    folder = tmp_path_factory.mktemp("compare-330")
    corpus_index(folder)
    process, url = start_fake_server(folder, folder / "streamlit.log")
    try:
        if not wait_healthy(url, process, READY_SECONDS):
            pytest.fail(f"streamlit did not start:\n{(folder / 'streamlit.log').read_text(errors='replace')[-3000:]}")
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="module")
def big_browser(big_server):
    from playwright.sync_api import sync_playwright

    from qa.bench.server import launch_chromium

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.parametrize("viewport", [BIG_DESKTOP, PHONE], ids=["1280", "390"])
def test_330_policies_one_topic_table_reads_without_a_broken_word(big_browser, big_server, viewport,
                                                                  record_property):
    context, page, seconds = open_big_compare(big_browser, big_server, viewport)
    try:
        # Measured, not asserted (the machine is shared): the README reports the script's figure.
        record_property("first_view_seconds", round(seconds, 2))
        print(f"\nfirst view of 330 policies at {viewport['width']} px: {seconds:.2f} s")
        rows = page.locator(".pq-row:not(.pq-row-head)")
        assert rows.count() == ROWS_A_PAGE  # a page, not 330 rows
        assert page.get_by_text(f"{MANY} policies", exact=False).first.is_visible()
        page.wait_for_timeout(300)  # fonts and layout settle
        broken = page.evaluate(BROKEN_WORDS_JS, [".pq-row, .pq-colhead, .pq-cite", LONG_TOKEN])
        assert broken == [], broken
        assert page.evaluate(OVERFLOWING_NAMES_JS) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        name = rows.first.locator(".pq-name").bounding_box()
        assert name["width"] >= 120, name  # a readable column, not 100 px squeezed
        screenshot_to = os.environ.get("POLICYQA_COMPARE_SCREENSHOT")
        if screenshot_to:
            Path(screenshot_to).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=Path(screenshot_to) / f"compare-{viewport['width']}.png")
    finally:
        context.close()


def test_330_policies_filter_sort_page_and_open_in_policy(big_browser, big_server):
    context, page, _ = open_big_compare(big_browser, big_server, BIG_DESKTOP)
    try:
        rows = page.locator(".pq-row:not(.pq-row-head)")
        first = rows.first.locator(".pq-name").inner_text()
        page.get_by_role("button", name="Next").click()
        page.get_by_text("Page 2 of 7").first.wait_for(timeout=ANSWER_MS)
        assert rows.first.locator(".pq-name").inner_text() != first

        search = page.get_by_placeholder("Search companies")
        search.fill("Internationalisation")
        search.press("Enter")
        page.get_by_text("11 shown").first.wait_for(timeout=ANSWER_MS)  # 330 names, one in 30 starts so
        names = rows.locator(".pq-name").all_inner_texts()
        assert len(names) == 11 and all(n.startswith("Internationalisation") for n in names)
        assert names == sorted(names, key=str.casefold)

        page.locator(".pq-row-stated").first.locator("xpath=ancestor::*[@data-testid='stHorizontalBlock'][1]") \
            .get_by_role("button", name="Open in policy").click()
        dialog = page.get_by_role("dialog")
        dialog.locator(".pq-policy").wait_for(state="visible", timeout=ANSWER_MS)
        assert dialog.locator("mark.pq-mark").count() >= 1
        assert dialog.bounding_box()["width"] >= 600  # a readable panel, not a 100 px box
        page.keyboard.press("Escape")

        page.get_by_role("radio", name="By company").click()
        page.locator(".pq-row:not(.pq-row-head)").nth(15).wait_for(timeout=ANSWER_MS)
        assert page.locator(".pq-row:not(.pq-row-head)").count() == 16
        assert page.get_by_role("button", name="CSV").is_visible()
    finally:
        context.close()
