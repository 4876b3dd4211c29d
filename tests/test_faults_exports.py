"""Exports that are safe where they are opened (issue #26): spreadsheets, Markdown viewers, terminals; and
--out that cannot destroy the file it replaces."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest

from qa.chat.history import Turn
from qa.chat.transcript import conversation_markdown
from qa.cli import main
from qa.compare.cells import STATED, Cell, CellQuote
from qa.compare.grid import Grid, PolicyColumn, csv_cell
from qa.compare.topics import Topic
from qa.search.answer import Answer, PolicyAnswer
from qa.types import Quote
from tests.conftest import SEED_POLICIES


@pytest.fixture(autouse=True)
def _fake_model(fake_model):
    return fake_model


def _grid(name: str, quote: str, label: str = "Cookies") -> Grid:
    topic = Topic("cookies", label, "Do you use cookies?")
    return Grid([topic], [PolicyColumn("p", name)],
                {("cookies", "p"): Cell("cookies", "p", STATED, (CellQuote(0, len(quote), quote, ""),))})


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx"])
def test_csv_cells_that_a_spreadsheet_would_run_are_text(value):
    rows = list(csv.reader(io.StringIO(_grid(value, value, label=value).to_csv(), newline="")))
    assert rows[0][2] == "'" + value and rows[1][0] == "'" + value  # a policy's name, a topic's label
    assert rows[1][2][:1] not in ("=", "+", "-", "@", "\t", "\r")  # a quote (white space folded)
    assert csv_cell("\rx") == "'\rx" and csv_cell("x=1") == "x=1"


def test_csv_leaves_ordinary_cells_as_they_are():
    rows = list(csv.reader(io.StringIO(_grid("Concero", "We keep calls 30 days.").to_csv())))
    assert rows == [["Topic", "Question", "Concero"], ["Cookies", "Do you use cookies?", "We keep calls 30 days."]]


def _hostile_index(tmp_path, capsys):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "ansi\x9b2J.txt").write_text("Ansi Privacy Policy\n\nCookies\n\nYes, you use cookies on your website "
                                       "\x1b[2J\x9b31m\u202e.\n", encoding="utf-8")
    folder = tmp_path / "index"
    assert main(["index", "build", "--policies", str(policies), "--index", str(folder), "--model", "fake-embedder",
                 "--quiet"]) == 0
    capsys.readouterr()
    topics = tmp_path / "t.jsonl"
    topics.write_text('{"id": "cookies", "label": "Cookies", "question": "Do you use cookies on your website?"}\n')
    return folder, topics


@pytest.mark.parametrize("fmt", ["--csv", "--markdown", "--json"])
def test_exports_on_standard_output_carry_no_terminal_controls(tmp_path, capsys, fmt):
    folder, topics = _hostile_index(tmp_path, capsys)
    assert main(["compare", "--index", str(folder), "--topics", str(topics), fmt]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in ("\x1b", "\x07", "\x9b", "\u202e")), ascii(out)
    if fmt == "--json":  # the same value, only written with \u escapes
        data = json.loads(out)
        assert data["policies"][0]["id"] == "ansi\x9b2J"
        assert "\x9b31m\u202e" in data["cells"][0]["quotes"][0]["text"]


def test_markdown_export_carries_no_html_or_links_from_a_policy():
    hostile = "<svg onload=alert(1)> <style>body{display:none}</style> [click](javascript:alert(1)) ![i](x)"
    quote = Quote("evil", "Evil <i>Co</i>", "<b>S</b>", 0, len(hostile), hostile)
    row = PolicyAnswer("evil", "Evil <i>Co</i>", False, 0.9, quotes=(quote,))
    answer = Answer("<img src=x onerror=alert(1)>?", (row,), scope=("evil",))
    markdown = conversation_markdown([Turn("<img src=x onerror=alert(1)>?", answer=answer)])
    for raw in ("<svg", "<style", "<img", "<b>", "<i>"):
        assert raw not in markdown, raw
    assert not re.search(r"(?<!\\)[\[\]]", markdown)  # no bracket left unescaped: no link, no image
    assert "&lt;svg onload=alert(1)&gt;" in markdown and r"\[click\](javascript:alert(1))" in markdown


@pytest.mark.slow
def test_compare_out_on_a_full_disk_leaves_the_old_file_whole(tmp_path, capsys):
    import subprocess
    import sys

    from tests.conftest import ROOT

    folder = tmp_path / "index"
    assert main(["index", "build", "--policies", str(SEED_POLICIES), "--index", str(folder), "--model",
                 "fake-embedder", "--quiet"]) == 0
    assert main(["compare", "--index", str(folder), "--csv"]) == 0  # every cell cached: no model needed below
    assert len(capsys.readouterr().out) > 4000
    out = tmp_path / "grid.csv"
    out.write_text("the previous grid\n" * 1000)
    before = out.read_bytes()
    # A file system that is full after 2,000 bytes of any file: RLIMIT_FSIZE makes each write past it fail.
    code = ("import resource, signal, sys\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))\nfrom qa.cli import main\n"
            "sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", code, "compare", "--index", str(folder), "--csv", "--out", str(out)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert f"cannot write {out}" in done.stderr
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".grid.csv")] == []


@pytest.mark.parametrize("damage", [
    {"quotes": []},  # a stated cell without its quote: IndexError in every view
    {"status": "maybe"},
    {"quotes": [{"start": 9, "end": 3, "text": "x", "section": ""}]},
    {"quotes": "not a list"},
])
def test_a_damaged_cached_cell_is_answered_again(tmp_path, capsys, damage):
    from qa.compare.cache import CACHE_FILE
    from qa.compare.grid import build_grid
    from qa.compare.view import cell_html

    folder = tmp_path / "index"
    assert main(["index", "build", "--policies", str(SEED_POLICIES), "--index", str(folder), "--model",
                 "fake-embedder", "--quiet"]) == 0
    first = build_grid(folder)
    cache = json.loads((folder / CACHE_FILE).read_text())
    column = next(iter(cache["columns"].values()))
    key, cell = next((k, c) for k, c in column["cells"].items() if c["status"] == STATED)
    column["cells"][key] = {**cell, **damage}
    (folder / CACHE_FILE).write_text(json.dumps(cache))
    again = build_grid(folder)
    assert again.computed == 1 and again.cached == first.computed - 1
    assert {k: c.to_dict() for k, c in again.cells.items()} == {k: c.to_dict() for k, c in first.cells.items()}
    for (_, policy), cell in again.cells.items():
        cell_html(cell, policy, None)
    again.to_markdown()
