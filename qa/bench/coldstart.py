"""Cold start: from spawning a fresh process to its first answer, for `policyqa ask` and the Streamlit chat.

Every start finds Python's bytecode written by one earlier untimed start (as after a user's first run),
on a warm OS file cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qa.bench import server
from qa.bench.measure import median_summary
from qa.config import PROJECT_ROOT


def _environment(seed_index: Path) -> dict[str, str]:
    """This process's environment with POLICYQA_INDEX set and bytecode writing allowed: this environment may
    forbid writing it, which would time compiling every module at every start."""
    env = {**os.environ, "POLICYQA_INDEX": str(seed_index)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _policyqa_command() -> list[str]:
    script = Path(sys.executable).parent / "policyqa"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "qa"]


def _time_to_first_line(command: list[str], env: dict) -> tuple[float, float, int, str]:
    """(seconds to the first line on stdout, seconds to exit, exit code, stderr's last line)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               cwd=PROJECT_ROOT)
    assert process.stdout is not None  # stdout=PIPE
    process.stdout.readline()
    first = time.perf_counter() - started
    _, err = process.communicate()
    return first, time.perf_counter() - started, process.returncode, (err.strip().splitlines() or [""])[-1]


def cold_start_cli(seed_index: Path, question: str, runs: int) -> dict:
    """`policyqa --help`, an error path, and `policyqa ask` from a fresh process, `runs` times each."""
    env = _environment(seed_index)
    command = _policyqa_command()
    for warm_up in (["--help"], ["ask", question]):  # writes the bytecode
        _time_to_first_line(command + warm_up, env)
    help_s = [_time_to_first_line(command + ["--help"], env)[1] for _ in range(runs)]
    error = [_time_to_first_line(command + ["ask", "--index", str(seed_index / "missing"), question], env)
             for _ in range(runs)]
    ask = [_time_to_first_line(command + ["ask", question], env) for _ in range(runs)]
    if any(code != 0 for _, _, code, _ in ask):
        raise RuntimeError(f"policyqa ask failed: {ask[0][3]}")
    probe = ("import sys; from qa.cli import main; main(['ask', '--json', sys.argv[1]]); "
             "print('torch' in sys.modules, 'sentence_transformers' in sys.modules, file=sys.stderr)")
    loaded = subprocess.run([sys.executable, "-c", probe, question], capture_output=True, text=True, env=env,
                            cwd=PROJECT_ROOT, check=False).stderr.strip().splitlines()[-1:]
    return {"command": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(command)),
            "help_s": median_summary(help_s),
            "error_path_s": median_summary([e[1] for e in error]), "error_message": error[0][3],
            "ask_first_answer_s": median_summary([a[0] for a in ask]),
            "ask_exit_s": median_summary([a[1] for a in ask]),
            "ask_imports_torch": loaded[0].split()[0] == "True" if loaded else None}


def cold_start_server(seed_index: Path, question: str, timeout: float = 120.0, make_run: bool = False) -> dict:
    """Streamlit chat: process start to /_stcore/health, and to the first answer shown in a browser.

    `make_run`: start it as a user does, with `make run` (the venv installed, the index present, so
    make only checks them); otherwise `streamlit run app.py` directly. The first answer is timed with
    Playwright driving Chromium (typing into the chat box and waiting for the answer's end, its
    permalink); without them, or
    when the page has changed, only the health time is reported.
    """
    port = server.free_port()
    url = f"http://127.0.0.1:{port}"
    command = server.streamlit_command(port)
    if make_run:
        command = ["make", "--no-print-directory", "run", f"PORT={port}", f"INDEX={seed_index}"]
    browser = playwright = None
    note = ""
    try:
        from playwright.sync_api import sync_playwright

        if server.CHROMIUM.exists():
            playwright = sync_playwright().start()
            browser = server.launch_chromium(playwright)
        else:
            note = f"{server.CHROMIUM} not found: health time only"
    except Exception as err:  # noqa: BLE001 - no browser: report what can be measured
        note = f"no browser ({type(err).__name__}): health time only"
    result: dict = {"health_s": None, "first_answer_s": None}
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = server.start(command, _environment(seed_index), log)
        try:
            if server.wait_healthy(url, process, timeout):
                result["health_s"] = round(time.perf_counter() - started, 3)
            if browser is not None and result["health_s"] is not None:
                note = _first_answer(browser, url, question, timeout, started, result) or note
        finally:
            server.stop(process)
            if browser is not None:
                browser.close()
            if playwright is not None:
                playwright.stop()
    result["note"] = note
    return result


def _first_answer(browser, url: str, question: str, timeout: float, started: float, result: dict) -> str:
    """Ask `question` in the chat at `url`; records page_ready_s and first_answer_s (seconds since `started`)
    into `result`. Returns a note when the page did not answer as expected, else ""."""
    try:
        page = browser.new_page()
        page.goto(f"{url}/", timeout=timeout * 1000)
        box = page.get_by_test_id("stChatInputTextArea")
        box.wait_for(timeout=timeout * 1000)
        result["page_ready_s"] = round(time.perf_counter() - started, 3)
        box.fill(question)
        box.press("Enter")
        page.locator(server.ANSWERED).first.wait_for(state="visible", timeout=timeout * 1000)
        result["first_answer_s"] = round(time.perf_counter() - started, 3)
    except Exception as err:  # noqa: BLE001 - the page changed: keep the health time
        return f"browser could not get an answer ({type(err).__name__}): health time only"
    return ""
