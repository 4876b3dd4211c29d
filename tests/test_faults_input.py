"""Hostile files and values at the boundary (issue #26): each is refused in one line naming it, in
bounded time and memory, with no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import zlib

import pytest

from tests.conftest import ROOT


def _run_python(code: str, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter; TimeoutExpired (a failure) past `timeout`: the generous no-hang bound."""
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def xobject_pdf(draws: int, ops: int) -> bytes:
    """A PDF of about 1 KB whose one page draws one form XObject `draws` times; the form is `ops` text
    operators compressed 300:1, so each draw costs pypdf a fraction of a second inside one page."""
    form = zlib.compress(b"BT /F1 12 Tf " + b"(a) Tj " * ops + b"ET", 9)
    page = b" ".join([b"/X0 Do"] * draws)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> "
        b"/XObject << /X0 6 0 R >> >> /Contents 5 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(page), page),
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (len(form), form),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.slow
def test_a_pdf_page_drawing_one_form_150_times_is_stopped_at_the_deadline(tmp_path):
    path = tmp_path / "xobjects.pdf"
    path.write_bytes(xobject_pdf(150, 20_000))  # unbounded: about 60 s on 2 cores, all inside one page
    assert len(path.read_bytes()) < 2500
    done = _run_python("import sys; from pathlib import Path; from qa.ingest.formats import Limits, extract_text\n"
                       "from qa.errors import PolicyFileError\n"
                       "try:\n    extract_text(Path(sys.argv[1]), limits=Limits(seconds=3))\n"
                       "except PolicyFileError as err:\n    print(err)\n", str(path))
    assert done.stdout.strip() == "xobjects.pdf: reading the file took over 3 s, the per-file time limit", done.stderr


def test_a_file_whose_reading_grows_memory_past_the_limit_is_refused_in_one_line(tmp_path):
    """Issue 26: a memory limit that holds inside a file. The limit is set to 1 byte of growth, so the first
    look of the watchdog (every WATCH_EVERY s) after the PDF's parser allocates stops it, long before the
    time limit."""
    path = tmp_path / "xobjects.pdf"
    path.write_bytes(xobject_pdf(150, 20_000))
    done = _run_python("import sys; from pathlib import Path; from qa.ingest.formats import Limits, extract_text\n"
                       "from qa.errors import PolicyFileError\n"
                       "try:\n    extract_text(Path(sys.argv[1]), limits=Limits(seconds=60, memory=1))\n"
                       "except PolicyFileError as err:\n    print(err)\n", str(path))
    assert done.stdout.strip() == ("xobjects.pdf: reading the file took over 0 MB of memory, the per-file memory "
                                   "limit"), done.stderr


def test_the_watchdog_leaves_nothing_pending_after_a_file_read_in_time(tmp_path):
    import time

    from qa.ingest.formats import Limits, extract_text

    path = tmp_path / "quick.pdf"
    path.write_bytes(xobject_pdf(1, 10))
    extract_text(path)  # pypdf imported
    assert extract_text(path, limits=Limits(seconds=0.5)).text
    time.sleep(0.8)  # past the deadline: a timer that still fired would raise here
    assert sum(range(100_000)) > 0


# -- store URLs: passwords are never printed -----------------------------------------------------------

@pytest.mark.parametrize("url", [
    "postgresql://u:s3cret@[::1/db",  # an unclosed IPv6 host: libpq quotes the whole URL
    "postgresql://u:s3cret%@127.0.0.1:1/db",  # a bad % escape: libpq quotes the token, the password
    "postgresql://u:s3cret@host:5432/db%zz",
    "postgresql://u@127.0.0.1:1/db?password=s3cret",
    "postgresql://u:s%33cret@127.0.0.1:1/db?sslmode=bogus&Password=s3cret",
    "mysql://u:s3cret@h/db",
])
def test_a_store_url_with_a_password_is_never_printed(url, capsys):
    from qa.cli import main

    code = main(["index", "status", "--store", url])
    err = capsys.readouterr().err
    assert code in (1, 2) and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert "s3cret" not in err and "s%33cret" not in err and "***" in err, err


def test_redact_url_keeps_everything_but_the_passwords():
    from qa.index.pg.store import redact, redact_url

    assert redact_url("postgresql://u:pw@h:5/db?sslmode=require&password=x") == \
        "postgresql://u:***@h:5/db?sslmode=require&password=***"
    assert redact_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert redact("bad token \"pw%\"", "postgresql://u:pw%@h/db") == "bad token \"***\""


# -- input files: bounded, one line each ---------------------------------------------------------------

def _cli_one_line(args: list[str], code: int, capsys) -> str:
    from qa.cli import main

    got = main(args)
    err = capsys.readouterr().err
    assert got == code and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.mark.slow
def test_topics_from_dev_zero_are_refused_at_once():
    done = _run_python("import sys; from qa.cli import main; sys.exit(main(sys.argv[1:]))",
                       "compare", "--topics", "/dev/zero")
    assert done.returncode == 2 and "topics file /dev/zero is over 10,000,000 bytes" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("line, reason", [
    ('{"id": "a", "label": "A", "question": "Q?", "n": ' + "9" * 5000 + "}", "a number with over 4,300 digits"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
def test_a_hostile_topics_file_is_one_line(tmp_path, capsys, line, reason):
    topics = tmp_path / "t.jsonl"
    topics.write_text(line + "\n")
    err = _cli_one_line(["compare", "--topics", str(topics)], 2, capsys)
    assert f"t.jsonl:1: not JSON ({reason})" in err


@pytest.mark.parametrize("line, reason", [
    ('{"question": "Q?", "conversation": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ('{"question": "Q?", "id": ' + "9" * 5000 + "}", "a number with over 4,300 digits"),
    ('{"question": "Q?", "conversation": 0}', '"conversation" must be a non-empty string or a number >= 1, got 0'),
    ('{"question": "Q?", "conversation": ""}', '"conversation" must be a non-empty string or a number >= 1'),
])
def test_a_hostile_questions_file_is_one_line(tmp_path, capsys, line, reason):
    questions = tmp_path / "q.jsonl"
    questions.write_text(line + "\n")
    err = _cli_one_line(["ask", "--questions", str(questions)], 2, capsys)
    assert f"q.jsonl:1: {reason}" in err


def test_a_questions_file_over_the_size_limit_is_one_line(tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "Q?"}\n' * 600_000)  # 11.4 MB
    err = _cli_one_line(["ask", "--questions", str(questions)], 2, capsys)
    assert "is over 10,000,000 bytes" in err


@pytest.mark.parametrize("toml, reason", [
    ('[concero]\nname = "Concero"\nsize = ' + "9" * 5000 + "\n", "a number with over 4,300 digits"),
    ('[concero]\naliases = ' + "[" * 2000 + "]" * 2000 + "\n", "nested too deeply"),
])
def test_a_hostile_policies_toml_is_one_line(seed_policies, tmp_path, fake_model, capsys, toml, reason):
    (seed_policies / "policies.toml").write_text(toml)
    err = _cli_one_line(["index", "build", "--policies", str(seed_policies), "--index", str(tmp_path / "index"),
                         "--model", "fake-embedder", "--quiet"], 1, capsys)
    assert f"policies.toml: invalid metadata file ({reason})" in err


@pytest.mark.parametrize("shard", ["0/99999999999999999999", "0/10001"])
def test_a_huge_shard_count_is_a_usage_error(capsys, shard):
    err = _cli_one_line(["index", "build", "--store", "postgresql://u@127.0.0.1:1/db", "--shard", shard], 2, capsys)
    assert "--shard I/N needs N <= 10,000" in err


@pytest.mark.slow
def test_100000_aliases_are_read_in_linear_time_and_a_shared_alias_is_named(tmp_path):
    folder = tmp_path / "policies"
    folder.mkdir()
    aliases = ", ".join(f'"Brand {i}"' for i in range(100_000))
    (folder / "policies.toml").write_text(f'[acme]\naliases = [{aliases}, "Shared Co"]\n'
                                          '[other]\naliases = ["Shared Co"]\n')
    done = _run_python("import sys; from pathlib import Path\n"
                       "from qa.ingest.policies import check_aliases, read_metadata\n"
                       "warnings = []\nmeta = read_metadata(Path(sys.argv[1]), warnings)\n"
                       "check_aliases(meta, ['acme', 'other'], warnings)\n"
                       "print(len(meta['acme']['aliases'])); print(*warnings, sep='\\n')", str(folder))
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "100001", done.stderr
    assert lines[1:] == ["policies.toml: [other] alias 'Shared Co' is also an alias of [acme]: a question naming "
                         "it is routed to both"]


def test_a_manifest_with_a_wrong_passage_count_says_so(seed_policies, tmp_path, fake_model, capsys):
    import json

    from qa.cli import main
    from qa.index.store import IndexUnavailable, load_index

    index = tmp_path / "index"
    assert main(["index", "build", "--policies", str(seed_policies), "--index", str(index), "--model",
                 "fake-embedder", "--quiet"]) == 0
    manifest_path = next(index.rglob("manifest.json"))
    manifest = json.loads(manifest_path.read_text())
    count = manifest["passage_count"]
    manifest["passage_count"] = count + 1
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexUnavailable, match=f"{count} passages where the manifest says {count + 1}"):
        load_index(index)
