"""The Compare page in a real Streamlit server and Chromium: the grid, opening a cell, a 390 px phone.

Reuses tests/test_e2e.py's server (its own copy of the seed index and policies) and browser.
Set POLICYQA_COMPARE_SCREENSHOT=folder to also keep pictures of the page (desktop and phone).
"""

import os
from pathlib import Path

import pytest

from tests.test_compare_scale_e2e import BROKEN_WORDS_JS, LONG_TOKEN, OVERFLOWING_NAMES_JS
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
        # Side by side, no word is broken either: the grid scrolls sideways in its box instead.
        page.wait_for_timeout(300)
        broken = page.evaluate(BROKEN_WORDS_JS, [".pq-cell, .pq-colhead", LONG_TOKEN])
        assert broken == [], " | ".join(broken)
        assert page.evaluate(OVERFLOWING_NAMES_JS) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        # The names stay at the top of the grid's box while its cells scroll under them.
        box = page.locator(".st-key-compare-grid")
        box.evaluate("e => { e.scrollIntoView({block: 'start'}); e.scrollTop = 1500; }")
        page.wait_for_timeout(300)
        head = page.locator(".pq-colhead").first.bounding_box()
        assert abs(head["y"] - box.bounding_box()["y"]) < 20, head
        box.evaluate("e => { e.scrollTop = 0; }")
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



def test_a_topic_typed_in_the_sidebar_gets_a_row_of_answers(browser, server):  # noqa: F811
    """The real model answers a user's own topic for every policy: Concero's cell quotes its call recording."""
    context, page, dialogs = open_compare(browser, server, DESKTOP)
    try:
        page.get_by_label("Your own topic").fill("Do you record my phone calls?")
        page.get_by_role("button", name="Ask every policy").click()
        page.locator(".pq-cell").nth(CELLS + 4).wait_for(state="attached", timeout=GRID_MS)
        assert page.locator(".pq-cell").count() == CELLS + 5
        assert page.get_by_text("Do you record my phone calls?").first.is_visible()
        recorded = page.locator(".pq-cell", has_text="All our phone calls are recorded")
        assert recorded.count() >= 1
        screenshot(page, "compare-own-topic.png")
        assert not dialogs
    finally:
        context.close()
