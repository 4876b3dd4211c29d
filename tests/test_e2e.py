"""A real `streamlit run app.py` server on 127.0.0.1, driven by Chromium through Playwright.

The server gets its own copies of the seed index and policies (one test uploads a policy and rebuilds).
Set POLICYQA_SCREENSHOT=path to also save the answered page there (docs/chat.png is made this way).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_POLICIES

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-quic", "--no-first-run", "--disable-sync"]
READY_SECONDS = 90
ANSWER_MS = 60_000
REBUILD_MS = 120_000
VIEWPORT = {"width": 1280, "height": 1000}
CONCERO = "How long does Concero keep phone call recordings?"
HOSTILE_POLICY = (b"Markup Test Privacy Policy\n\nCookies\n\n"
                  b"We use cookies on our website. <script>alert(1)</script> See [link](http://x) for the "
                  b"**bold** details, `code` and $x$ and ~~struck~~ text. <img src=x onerror=alert(2)>\n")


class Server:
    def __init__(self, process: subprocess.Popen, url: str, log: Path, started: float):
        self.process, self.url, self.log, self.started = process, url, log, started

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else "(no log)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"streamlit exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit was not healthy within {READY_SECONDS} s:\n{server.log_tail()}")


@pytest.fixture(scope="module")
def server(seed_index_dir, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (make browser) to run the browser tests")
    folder = tmp_path_factory.mktemp("e2e")
    shutil.copytree(seed_index_dir, folder / "index")
    shutil.copytree(SEED_POLICIES, folder / "policies")
    port = free_port()
    env = {**os.environ, "POLICYQA_INDEX": str(folder / "index"), "POLICYQA_POLICIES": str(folder / "policies")}
    env.pop("POLICYQA_MODEL", None)
    log = folder / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false",
               # The project folder holds a virtualenv and test caches: watching it for changes can
               # overflow inotify and stall the server, and nothing is edited during a test anyway.
               "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"]
    with log.open("wb") as out:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    running = Server(process, f"http://127.0.0.1:{port}", log, started)
    try:
        wait_until_healthy(running)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    # Only the local server: anything else the page tries to fetch is refused.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url)
               else route.abort())
    try:
        yield page
    finally:
        context.close()


def ask(page, question: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for(timeout=READY_SECONDS * 1000)
    box.fill(question)
    box.press("Enter")


def test_question_is_answered_with_a_marked_cited_excerpt(server, page, tmp_path, record_property):
    page.goto(server.url)
    ask(page, CONCERO)
    page.locator("mark", has_text="30 days").first.wait_for(state="visible", timeout=ANSWER_MS)
    seconds = time.monotonic() - server.started
    record_property("seconds_from_server_start_to_first_answer", round(seconds, 1))
    print(f"\nfirst answer {seconds:.1f} s after the server was started")

    assert page.locator(".pq-cite", has_text="Concero Technology Services").first.is_visible()
    assert page.locator(".pq-question").first.inner_text() == CONCERO
    page.get_by_text("Searched 1 policy", exact=False).wait_for(timeout=ANSWER_MS)
    assert not page.dialogs

    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.wait_for_timeout(500)  # let the last elements finish fading in before the picture
    page.screenshot(path=tmp_path / "chat.png")
    if os.environ.get("POLICYQA_SCREENSHOT"):
        target = Path(os.environ["POLICYQA_SCREENSHOT"])
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=target)

    # "Show in policy" opens the whole policy scrolled to the passage (where the browser supports it).
    page.get_by_text("Show in policy").first.click()
    view = page.locator(".pq-policy").first
    view.wait_for(state="visible", timeout=ANSWER_MS)
    assert "30 days" in view.locator(".pq-passage").inner_text()
    assert view.evaluate("e => e.scrollTop") > 0


def test_uploaded_policy_is_indexed_and_its_text_shown_literally(server, page):
    page.goto(server.url)
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=READY_SECONDS * 1000)
    page.get_by_text("Add a policy").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "markup-test.txt", "mimeType": "text/plain", "buffer": HOSTILE_POLICY}])
    page.get_by_text("markup-test.txt").first.wait_for(timeout=ANSWER_MS)
    page.get_by_role("button", name="Add and rebuild index").click()
    page.get_by_text("Added markup-test.txt. Index rebuilt").wait_for(timeout=REBUILD_MS)

    question = "What does Markup Test say about <b>cookies</b> **now** [x](http://y)?"
    ask(page, question)
    excerpt = page.locator(".pq-excerpt", has_text="alert(1)").first
    nearest = page.get_by_text("Nearest match (not an answer)")
    excerpt.or_(nearest).first.wait_for(timeout=ANSWER_MS)
    if not excerpt.is_visible():  # not stated: its nearest match is behind the expander
        nearest.first.click()
    excerpt.wait_for(state="visible", timeout=ANSWER_MS)

    shown = excerpt.inner_text()
    for literal in ["<script>alert(1)</script>", "[link](http://x)", "**bold**", "`code`", "$x$", "~~struck~~",
                    "<img src=x onerror=alert(2)>"]:
        assert literal in shown, (literal, shown)
    # Nothing in it was read as HTML or Markdown: the only element of its own is the cited name.
    assert excerpt.locator("script, img, a, em, code, del, .katex").count() == 0
    assert excerpt.locator("strong").all_inner_texts() == ["Markup Test"]
    asked = page.locator(".pq-question").last
    assert asked.inner_text() == question
    assert asked.locator("b, strong, a").count() == 0
    assert not page.dialogs
