"""The Streamlit chat on a free local port, and the Chromium that drives it: shared by the bench's cold
start and the browser tests (tests/test_e2e.py), so both start, probe and stop the server the same way."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from qa.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")  # Debian's (`make browser`); Playwright drives it, downloads nothing
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-quic", "--no-first-run", "--disable-sync"]
# Every answer in the chat ends with its permalink: once it is shown, the whole answer is. (Its quotes
# carry no <mark>: marks are in the policy view, which opens on request.)
ANSWERED = ".pq-permalink"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(port: int) -> list[str]:
    """`streamlit run app.py` on 127.0.0.1:`port`, headless, as `make run` starts it."""
    # The project folder holds a virtualenv and test caches: watching it for changes can overflow
    # inotify and stall the server, and nothing is edited while it runs anyway.
    return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]


def start(command: list[str], env: dict[str, str], log: IO[bytes]) -> subprocess.Popen:
    """`command` from the project folder (it reads .streamlit/config.toml there), output into `log`, in a
    process group of its own so that `stop` also ends what it starts (make's children)."""
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_healthy(url: str, process: subprocess.Popen, timeout: float) -> bool:
    """Whether `url`/_stcore/health answered 200 within `timeout` seconds (False once `process` exits)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.05)
    return False


def stop(process: subprocess.Popen) -> None:
    """Stop a process started by `start`, and everything it started: SIGTERM, then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def launch_chromium(playwright):
    """CHROMIUM launched headless through a started Playwright (`sync_playwright().start()` or its `with`)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@contextlib.contextmanager
def chromium_browser() -> Iterator:
    """CHROMIUM, headless, for the length of a `with`: Playwright started for it, both closed at its end."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()
