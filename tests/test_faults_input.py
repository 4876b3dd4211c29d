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
