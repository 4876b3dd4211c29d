"""A real `streamlit run app.py` server on 127.0.0.1, driven by Chromium through Playwright.

One server for the module, with its own copies of the seed index and policies and its own data folder
(tests upload a policy and rebuild the index from the command line while it runs). The server reads the
project's `.streamlit/config.toml`, so the upload limit and the toolbar are tested as shipped.
Set POLICYQA_SCREENSHOT=path to also save the answered page there (docs/chat.png is made this way).
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.bench.server import (
    ANSWERED,
    CHROMIUM,
    chromium_browser,
    free_port,
    start,
    stop,
    streamlit_command,
    wait_healthy,
)
from tests.conftest import ROOT, SEED_POLICIES

pytestmark = pytest.mark.e2e

READY_SECONDS = 90
ANSWER_MS = 60_000
REBUILD_MS = 120_000
VIEWPORT = {"width": 1280, "height": 1000}
PHONE = {"width": 390, "height": 844}
CONCERO = "How long does Concero keep phone call recordings?"
NEVER_SELL = "Which companies say they will never sell my data?"
CONCERO_CITATION = "Concero Technology Services, § Telephone Communications"
HOSTILE_POLICY = (b"Markup Test Privacy Policy\n\nCookies\n\n"
                  b"We use cookies on our website. <script>alert(1)</script> See [link](http://x) for the "
                  b"**bold** details, `code` and $x$ and ~~struck~~ text. <img src=x onerror=alert(2)>\n")
GLOBEX_POLICY = (b"Globex Corporation Privacy Policy\n\nRetention\n\n"
                 b"Globex keeps loyalty card records for eleven months after your last purchase.\n")
# Issue 16's target (first answer after reloading a 20-turn conversation within 1.5 s) is a speed
# figure: measured and reported (record_property, the closing note), never asserted, since a test's
# timing depends on whatever else the machine is doing.


class Server:
    def __init__(self, process: subprocess.Popen, url: str, log: Path, started: float, folder: Path):
        self.process, self.url, self.log, self.started, self.folder = process, url, log, started, folder

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else "(no log)"


def wait_until_healthy(server: Server) -> None:
    if not wait_healthy(server.url, server.process, READY_SECONDS):
        if server.process.poll() is not None:
            pytest.fail(f"streamlit exited with {server.process.returncode}:\n{server.log_tail()}")
        pytest.fail(f"streamlit was not healthy within {READY_SECONDS} s:\n{server.log_tail()}")


@pytest.fixture(scope="module")
def server(seed_index_dir, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make browser) to run the browser tests")
    folder = tmp_path_factory.mktemp("e2e")
    shutil.copytree(seed_index_dir, folder / "index")
    shutil.copytree(SEED_POLICIES, folder / "policies")
    port = free_port()
    env = {**os.environ, "POLICYQA_INDEX": str(folder / "index"), "POLICYQA_POLICIES": str(folder / "policies"),
           "POLICYQA_DATA": str(folder / "data")}
    env.pop("POLICYQA_MODEL", None)
    log = folder / "streamlit.log"
    with log.open("wb") as out:
        started = time.monotonic()
        process = start(streamlit_command(port), env, out)
    running = Server(process, f"http://127.0.0.1:{port}", log, started, folder)
    try:
        wait_until_healthy(running)
        yield running
    finally:
        stop(process)


@pytest.fixture(scope="module")
def browser(server):
    with chromium_browser() as chromium:
        yield chromium


def new_page(browser, server, viewport=VIEWPORT):
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    # Only the local server: anything else the page tries to fetch is refused.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url)
               else route.abort())
    return context, page


@pytest.fixture
def page(browser, server):
    context, page = new_page(browser, server)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def phone(browser, server):
    context, page = new_page(browser, server, PHONE)
    try:
        yield page
    finally:
        context.close()


def input_box(page):
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for(timeout=READY_SECONDS * 1000)
    return box


def ask(page, question: str) -> None:
    """Ask `question` and wait for its answer (every answer ends with its permalink)."""
    before = page.locator(ANSWERED).count()
    box = input_box(page)
    box.fill(question)
    box.press("Enter")
    page.locator(ANSWERED).nth(before).wait_for(timeout=ANSWER_MS)


def open_expander(page, label: str, nth: int = -1):
    """Open the expander labelled `label` (the last one by default) and wait for its content."""
    summaries = page.locator("summary", has_text=label)
    summary = summaries.nth(nth if nth >= 0 else summaries.count() - 1)
    summary.click()
    return summary.locator("xpath=..")


def test_question_is_answered_with_a_cited_quote_and_the_view_stays_at_its_start(server, page, tmp_path,
                                                                                   record_property):
    page.goto(server.url)
    ask(page, CONCERO)
    seconds = time.monotonic() - server.started
    record_property("seconds_from_server_start_to_first_answer", round(seconds, 1))
    print(f"\nfirst answer {seconds:.1f} s after the server was started")
    assert "30 days" in page.locator(".pq-quote").first.inner_text()
    assert page.locator(".pq-cite", has_text="Concero Technology Services").first.is_visible()
    assert page.locator(".pq-question").first.inner_text() == CONCERO
    assert page.get_by_text("Searched 1 policy", exact=False).is_visible()
    assert page.get_by_text("Deploy", exact=True).count() == 0  # client.toolbarMode = "minimal"

    ask(page, NEVER_SELL)  # several companies: longer than the window
    page.wait_for_timeout(1200)  # the scroll runs while the answer lays out
    top = page.locator(".pq-question").last.bounding_box()
    assert 0 <= top["y"] <= VIEWPORT["height"] / 3, top  # the reader starts at the new question, not its end
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.screenshot(path=tmp_path / "chat.png")
    if os.environ.get("POLICYQA_SCREENSHOT"):
        target = Path(os.environ["POLICYQA_SCREENSHOT"])
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=target)

    # The sources: the policy opened at the passage, the answer marked in it.
    sources = open_expander(page, "Sources, more passages and scores", nth=0)
    sources.get_by_text("Show in policy").first.click()
    view = page.locator(".pq-policy").first
    view.wait_for(state="visible", timeout=ANSWER_MS)
    assert "30 days" in view.locator(".pq-passage").inner_text()
    assert "30 days" in view.locator("mark.pq-mark").first.inner_text()
    assert view.evaluate("e => e.scrollTop") > 0
    assert not page.dialogs


def test_copy_and_export_carry_every_quote_with_its_citation(server, page):
    page.goto(server.url)
    ask(page, CONCERO)
    quote = page.locator(".pq-quote").first.inner_text()
    page.locator("button.pq-copy").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{quote} — {CONCERO_CITATION}" and "30 days" in copied

    with page.expect_download() as download:
        page.get_by_test_id("stSidebar").get_by_role("button", name="Export").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert exported.startswith("# policyqa conversation\n\n## " + CONCERO)
    assert f"> {quote}\n>\n> — {CONCERO_CITATION}" in exported


def test_a_conversation_survives_a_reload_and_answers_quickly_after_it(server, page, real_embedder,
                                                                         record_property):
    # Twenty real answers, saved as the chat saves them, in the server's data folder.
    from qa.chat.history import ChatStore, Turn
    from qa.search.engine import Engine

    engine = Engine.open(server.folder / "index", embedder_factory=lambda model_id: real_embedder)
    store = ChatStore(server.folder / "data" / "chats.sqlite3")
    questions = [CONCERO, NEVER_SELL, "How do I make a data access request to CT1?",
                 "Does CloudSentric transfer data outside the UK?", "What does Core Office IT collect about me?"]
    for i in range(20):
        answer = engine.answer(questions[i % 5])
        store.add_turn("twenty", Turn(questions[i % 5], answer=answer, details={"retriever": "hybrid", "k": 5},
                                      texts={r.policy: engine.policies[r.policy].text for r in answer.rows}))

    page.goto(f"{server.url}/?chat=twenty")
    page.locator(".pq-permalink").nth(19).wait_for(timeout=ANSWER_MS)
    page.reload()
    page.locator(".pq-permalink").nth(19).wait_for(timeout=ANSWER_MS)
    assert page.locator(".pq-question").count() == 20
    page.wait_for_timeout(300)
    started = time.monotonic()
    ask(page, "Who does Concero share my data with?")
    seconds = time.monotonic() - started
    record_property("seconds_first_answer_after_reload_of_20_turns", round(seconds, 2))
    print(f"\nfirst answer after reloading a 20-turn conversation: {seconds:.2f} s")
    assert page.locator(".pq-question").count() == 21

    # The permalink of the first answer reopens the conversation there, in a new tab as in a new session.
    href = page.locator(".pq-permalink a").first.get_attribute("href")
    page.goto(server.url + "/" + href)
    first = page.locator(".pq-question").first
    first.wait_for(timeout=ANSWER_MS)
    page.wait_for_timeout(3500)
    assert first.inner_text() == CONCERO and 0 <= first.bounding_box()["y"] <= VIEWPORT["height"] / 3


def test_an_index_rebuilt_from_the_command_line_is_answered_without_a_restart(server, page):
    page.goto(server.url)
    input_box(page)
    policies_shown = page.get_by_test_id("stMetricValue").first
    before = int(policies_shown.inner_text())
    (server.folder / "policies" / "globex.txt").write_bytes(GLOBEX_POLICY)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "qa", "index", "build", "--policies", str(server.folder / "policies"),
                    "--index", str(server.folder / "index")], cwd=ROOT, check=True, capture_output=True,
                   timeout=REBUILD_MS / 1000)
    print(f"\nCLI rebuild took {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    ask(page, "How long does Globex keep loyalty card records?")  # the same page: no reload, no restart
    print(f"first answer from the rebuilt index (the engine reloaded): {time.monotonic() - started:.1f} s")
    assert "eleven months" in page.locator(".pq-quote").last.inner_text()
    assert int(policies_shown.inner_text()) == before + 1


def test_the_page_reads_well_at_390_px(server, phone, tmp_path):
    phone.goto(server.url)
    box = input_box(phone)
    phone.wait_for_timeout(800)
    phone.screenshot(path=tmp_path / "phone.png")
    title = phone.get_by_role("heading", name="policyqa").bounding_box()
    header = phone.get_by_test_id("stHeader").bounding_box()
    assert title["y"] >= header["y"] + header["height"] - 1, (title, header)  # not under the header
    assert title["x"] >= 0 and title["x"] + title["width"] <= PHONE["width"]
    area = box.bounding_box()
    assert area["x"] >= 0 and area["x"] + area["width"] <= PHONE["width"]
    assert area["y"] + area["height"] <= PHONE["height"]
    # The whole placeholder fits in the input.
    fits = box.evaluate("""e => { const s = getComputedStyle(e, '::placeholder');
        const c = document.createElement('canvas').getContext('2d');
        c.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        return c.measureText(e.placeholder).width <= e.clientWidth - parseFloat(getComputedStyle(e).paddingLeft)
            - parseFloat(getComputedStyle(e).paddingRight); }""")
    assert fits

    # Every policy chip shows its whole name, none hidden behind an inner scroll.
    phone.get_by_test_id("stExpandSidebarButton").click()
    chips = phone.get_by_test_id("stSidebar").locator("[data-tag] > span[title]")
    chips.first.wait_for(timeout=ANSWER_MS)
    phone.wait_for_timeout(800)  # the sidebar slides in
    sidebar = phone.get_by_test_id("stSidebar").bounding_box()
    assert sidebar["x"] >= 0 and sidebar["x"] + sidebar["width"] <= PHONE["width"], sidebar
    assert chips.count() >= 5
    for i in range(chips.count()):
        chip = chips.nth(i)
        assert chip.evaluate("e => e.scrollWidth <= e.clientWidth + 1 && e.scrollHeight <= e.clientHeight + 1")
        shape = chip.bounding_box()
        assert shape["x"] + shape["width"] <= sidebar["x"] + sidebar["width"]
    phone.screenshot(path=tmp_path / "phone-sidebar.png")


def test_uploaded_policy_is_named_indexed_and_its_text_shown_literally(server, page):
    page.goto(server.url)
    input_box(page)
    page.get_by_text("Add a policy").click()
    uploader = page.get_by_test_id("stFileUploader")
    # The stated limit is the one the build enforces, not Streamlit's default 200 MB.
    assert "10MB" in uploader.inner_text().replace(" ", "") and "200" not in uploader.inner_text()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "markup-test.txt", "mimeType": "text/plain", "buffer": HOSTILE_POLICY}])
    name = page.get_by_label("Name of markup-test.txt")
    name.wait_for(timeout=ANSWER_MS)
    assert name.input_value() == "Markup Test"
    page.get_by_role("button", name="Add to the index").click()
    page.get_by_text("Markup Test added — ask about it now").wait_for(timeout=REBUILD_MS)

    question = "What does Markup Test say about <b>cookies</b> **now** [x](http://y)?"
    ask(page, question)
    if page.locator("summary", has_text="Sources, more passages and scores").count():
        open_expander(page, "Sources, more passages and scores")
        page.get_by_text("Show in policy").last.click()
        shown_in = page.locator(".pq-policy", has_text="alert(1)").last  # the whole policy, as quoted
    else:  # not stated: its nearest match is behind the expander
        open_expander(page, "Nearest match (not an answer)")
        shown_in = page.locator(".pq-excerpt", has_text="alert(1)").last
    shown_in.wait_for(state="visible", timeout=ANSWER_MS)

    shown = shown_in.inner_text()
    for literal in ["<script>alert(1)</script>", "[link](http://x)", "**bold**", "`code`", "$x$", "~~struck~~",
                    "<img src=x onerror=alert(2)>"]:
        assert literal in shown, (literal, shown)
    # Nothing in it was read as HTML or Markdown: only the URL is a link, and a safe one.
    assert shown_in.locator("script, img, em, code, del, .katex").count() == 0
    links = shown_in.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == ["http://x"]
    assert links.first.get_attribute("rel") == "noopener noreferrer nofollow"
    assert shown_in.locator("strong").all_inner_texts() in ([], ["Markup Test"])  # the citation's name only
    asked = page.locator(".pq-question").last
    assert asked.inner_text() == question
    assert asked.locator("b, strong, a").count() == 0
    assert not page.dialogs
