"""Tests for qa.ingest.formats: every fixture file is generated in tmp_path by the test that uses it."""

from __future__ import annotations

import io
import os
import pickle
import re
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from qa.ingest.formats import (
    DEFAULT_MAX_BYTES,
    SUPPORTED_SUFFIXES,
    Extracted,
    PolicyFileError,
    decode_bytes,
    extract_text,
)

BINARY = "looks like a binary file, not text"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def reason_of(path: Path, **kwargs) -> str:
    with pytest.raises(PolicyFileError) as info:
        extract_text(path, **kwargs)
    return info.value.reason


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF whose pages show `pages` lines in Helvetica: a real text layer, no extra library."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(len(pages))), len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, lines in enumerate(pages):
        shows = "".join(f"1 0 0 1 72 {720 - 20 * j} Tm ({line}) Tj " for j, line in enumerate(lines))
        content = f"BT /F1 12 Tf {shows}ET".encode("latin-1")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
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


def assert_heading_lines(extracted: Extracted) -> None:
    """The contract every format shares: ascending starts, each at the start of the heading's line."""
    assert extracted.headings
    starts = [start for start, _ in extracted.headings]
    assert starts == sorted(set(starts))
    for start, title in extracted.headings:
        assert start == 0 or extracted.text[start - 1] == "\n"
        line = extracted.text[start:].split("\n", 1)[0]
        assert title.split()[0].lower() in line.lower()


# --- plain text and decoding ----------------------------------------------------------------------

def test_txt_is_verbatim_except_line_endings(tmp_path):
    raw = "Privacy  Policy \r\nWe   colect data.\r\rThird\tline\nlast"
    extracted = extract_text(write(tmp_path, "p.txt", raw))
    assert extracted == Extracted("Privacy  Policy \nWe   colect data.\n\nThird\tline\nlast", None)


def test_suffix_is_case_insensitive(tmp_path):
    assert extract_text(write(tmp_path, "P.TXT", "Hello")).text == "Hello"


def test_utf8_bom_is_stripped(tmp_path):
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbfWe respect your privacy.")
    assert extract_text(path).text == "We respect your privacy."


def test_cp1252_file_decodes(tmp_path):
    path = write(tmp_path, "old.txt", "café – £5".encode("cp1252"))
    assert extract_text(path).text == "café – £5"


def test_decode_bytes_directly():
    assert decode_bytes("naïve ‘quotes’".encode(), Path("x.txt")) == "naïve ‘quotes’"
    assert decode_bytes(b"\xef\xbb\xbfa\r\nb", Path("x.txt")) == "a\r\nb"
    assert decode_bytes("€".encode("cp1252"), Path("x.txt")) == "€"
    with pytest.raises(PolicyFileError, match=r"^x\.txt: cannot decode text"):
        decode_bytes(b"ok \x81\x8d\x8f\x90\x9d", Path("x.txt"))


def test_undecodable_bytes(tmp_path):
    path = write(tmp_path, "bad.txt", b"Some text \x81\x8d\x8f\x90\x9d more text")
    assert reason_of(path) == "cannot decode text (not UTF-8 or cp1252)"


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n  ", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_empty_or_whitespace_file(tmp_path, data):
    assert reason_of(write(tmp_path, "e.txt", data)) == "file is empty"


@pytest.mark.parametrize("name", ["e.pdf", "e.docx", "e.html", "e.md"])
def test_empty_file_in_any_format(tmp_path, name):
    assert reason_of(write(tmp_path, name, b"")) == "file is empty"


def test_nul_bytes_are_binary(tmp_path):
    path = write(tmp_path, "blob.txt", b"PK\x03\x04\x00\x00some zip-like data\x00")
    assert reason_of(path) == BINARY
    # One NUL is enough, however much text surrounds it (UTF-16 and other binaries have them).
    assert reason_of(write(tmp_path, "one.txt", b"x" * 10_000 + b"\x00")) == BINARY


def test_control_characters_are_binary(tmp_path):
    data = bytes(b for b in range(1, 32) if b not in b"\t\n\v\f\r") * 4 + b"a few letters"
    assert reason_of(write(tmp_path, "ctl.md", data)) == BINARY
    # A stray control character in real text is not a reason to reject the policy.
    assert extract_text(write(tmp_path, "ok.txt", "Policy text " * 20 + "\x1a")).text.endswith("\x1a")


def test_oversized_file(tmp_path):
    path = write(tmp_path, "big.txt", "x" * 2_500)
    reason = reason_of(path, max_bytes=1_000)
    assert "0.0025 MB" in reason and "0.001 MB limit" in reason
    assert extract_text(path, max_bytes=2_500).text == "x" * 2_500


def test_size_is_checked_before_reading(tmp_path, monkeypatch):
    path = write(tmp_path, "big.txt", "x" * 100)

    def no_reading(*args, **kwargs):
        raise AssertionError("an oversized file must not be opened")

    monkeypatch.setattr(Path, "open", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    assert "limit" in reason_of(path, max_bytes=10)


def test_default_limit_is_ten_megabytes(tmp_path):
    assert DEFAULT_MAX_BYTES == 10_000_000
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: the size is there without writing 10 MB
        fh.truncate(DEFAULT_MAX_BYTES + 1)
    assert re.search(r"10 MB limit", reason_of(path))


def test_unsupported_extension(tmp_path):
    reason = reason_of(write(tmp_path, "setup.exe", b"MZ\x90\x00"))
    assert "'.exe'" in reason
    assert all(suffix in reason for suffix in SUPPORTED_SUFFIXES)


def test_missing_file(tmp_path):
    assert reason_of(tmp_path / "gone.txt").startswith("cannot read file")


def test_error_message_is_one_line_naming_the_file(tmp_path):
    path = write(tmp_path, "notes.pdf", b"\x00garbage\nwith\r\nnewlines" * 10)
    with pytest.raises(PolicyFileError) as info:
        extract_text(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.path == path
    assert str(err) == f"notes.pdf: {err.reason}"
    assert "\n" not in str(err) and "\r" not in str(err)
    assert str(PolicyFileError(Path("/a/b.txt"), "line one\nline two")) == "b.txt: line one line two"
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.path, copy.reason, str(copy)) == (err.path, err.reason, str(err))


def test_files_are_never_modified(tmp_path):
    paths = [write(tmp_path, "a.txt", "a\r\nb"), write(tmp_path, "b.md", "# T\r\nx"),
             write(tmp_path, "c.html", "<p>x</p>"), write(tmp_path, "d.pdf", make_pdf([["Hi"]]))]
    before = [(p.read_bytes(), os.stat(p).st_mtime_ns) for p in paths]
    for p in paths:
        extract_text(p)
    assert [(p.read_bytes(), os.stat(p).st_mtime_ns) for p in paths] == before


# --- Markdown -------------------------------------------------------------------------------------

MARKDOWN = """\
# Privacy Policy

Intro   text, kept as written.

## 1. What we collect ##
We collect *email*.

```python
# not a heading
```

~~~
## also not a heading
~~~

#hashtag is not a heading
    # indented code, not a heading
### Your rights #3
"""


def test_markdown_is_verbatim_with_atx_headings(tmp_path):
    extracted = extract_text(write(tmp_path, "p.md", MARKDOWN.replace("\n", "\r\n")))
    assert extracted.text == MARKDOWN
    titles = [title for _, title in extracted.headings]
    assert titles == ["Privacy Policy", "1. What we collect", "Your rights #3"]
    lines = ["# Privacy Policy", "## 1. What we collect ##", "### Your rights #3"]
    for (start, _), line in zip(extracted.headings, lines):
        assert extracted.text[start:].startswith(line + "\n")
    assert_heading_lines(extracted)


def test_unclosed_fence_hides_the_rest(tmp_path):
    extracted = extract_text(write(tmp_path, "p.markdown", "# Top\n````\n# inside\n```\n# still inside\n"))
    assert extracted.headings == ((0, "Top"),)


def test_markdown_without_headings_leaves_detection_to_caller(tmp_path):
    assert extract_text(write(tmp_path, "p.md", "Just a paragraph.\n")).headings is None


# --- HTML -----------------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><title>Acme | Privacy</title><style>p { color: red }</style>
<script>var tracking = "SCRIPT TEXT";</script></head>
<body>
<header><a href="/">Acme home</a> SITE HEADER</header>
<nav><ul><li>Products</li><li>NAV TEXT</li></ul></nav>
<div role="navigation">ROLE NAV</div>
<div class="content">
  <h1>Privacy   Policy</h1>
  <p>We   take your privacy
     seriously &amp; so should you &mdash; &lt;really&gt;.<br>Caf&eacute; customers too.</p>
  <h2>1. Data we collect</h2>
  <ul><li>Your <b>name</b></li><li>Your email</li></ul>
  <script>document.write("INLINE SCRIPT")</script>
  <h2>2. Your rights</h2>
  <p>You may ask for a copy.</p>
</div>
<footer>FOOTER TEXT &copy; 2024</footer>
</body></html>"""


def test_html_main_text_paragraphs_and_headings(tmp_path):
    extracted = extract_text(write(tmp_path, "p.html", HTML))
    text = extracted.text
    for junk in ("SCRIPT TEXT", "INLINE SCRIPT", "SITE HEADER", "NAV TEXT", "ROLE NAV", "FOOTER TEXT",
                 "Acme | Privacy", "color: red"):
        assert junk not in text
    assert text == ("Privacy Policy\n\n"
                    "We take your privacy seriously & so should you — <really>.\n\n"
                    "Café customers too.\n\n"
                    "1. Data we collect\n\nYour name\n\nYour email\n\n"
                    "2. Your rights\n\nYou may ask for a copy.")
    assert extracted.headings == ((0, "Privacy Policy"),
                                  (text.index("1. Data we collect"), "1. Data we collect"),
                                  (text.index("2. Your rights"), "2. Your rights"))
    for start, title in extracted.headings:
        assert text[start:].startswith(title + "\n\n")


def test_html_uses_main_or_article_and_keeps_their_header(tmp_path):
    page = """<html><body><div>Cookie banner outside</div><header>Site</header>
    <article><header><h1>Privacy Notice</h1><p>Last updated 1 May 2024</p></header>
    <p>Policy body.</p><aside>Related posts</aside><footer>Article footer</footer></article>
    <div>Sidebar outside</div></body></html>"""
    extracted = extract_text(write(tmp_path, "p.htm", page))
    assert extracted.text == "Privacy Notice\n\nLast updated 1 May 2024\n\nPolicy body.\n\nArticle footer"
    assert extracted.headings == ((0, "Privacy Notice"),)

    page = "<body><p>Outside</p><main><h3>Inside</h3><table><tr><td>a</td><td>b</td></tr></table></main></body>"
    extracted = extract_text(write(tmp_path, "m.html", page))
    assert extracted == Extracted("Inside\n\na\n\nb", ((0, "Inside"),))


def test_html_meta_charset_is_honoured(tmp_path):
    # KOI8-R bytes are also valid cp1252, so only the declaration gives the right text.
    page = '<html><head><meta charset="koi8-r"></head><body><p>Политика</p></body></html>'
    extracted = extract_text(write(tmp_path, "ru.html", page.encode("koi8-r")))
    assert extracted.text == "Политика"
    assert extracted.headings is None

    page = ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
            '<p>caf\xe9 \x96 \x80</p>')  # browsers read ISO-8859-1 as windows-1252
    assert extract_text(write(tmp_path, "w.html", page.encode("latin-1"))).text == "café – €"


def test_html_without_text(tmp_path):
    page = "<html><head><title>x</title></head><body><script>1</script><img src=a.png></body></html>"
    assert reason_of(write(tmp_path, "p.html", page)) == "no text found"


def test_html_with_nul_is_binary(tmp_path):
    assert reason_of(write(tmp_path, "p.html", b"<p>hi</p>\x00\x00")) == BINARY


# --- PDF ------------------------------------------------------------------------------------------

def test_pdf_text_layer(tmp_path):
    path = write(tmp_path, "p.pdf", make_pdf([["Privacy Notice", "We never sell your data."],
                                              ["Contact us at privacy@example.com."]]))
    extracted = extract_text(path)
    assert "We never sell your data." in extracted.text
    assert extracted.text.index("Contact us") > extracted.text.index("We never sell")
    assert "\n\n" in extracted.text  # pages are separate paragraphs
    assert extracted.headings is None  # no outline: the caller detects headings


def test_pdf_outline_headings(tmp_path):
    pdf = make_pdf([["Privacy Notice", "Contents", "1. Data We Collect", "2. Your Rights"],
                    ["1. Data We Collect", "We collect your email."],
                    ["2. Your Rights", "You may object."]])
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.add_outline_item(title="Data we collect", page_number=1)
    writer.add_outline_item(title="Your Rights", page_number=2)
    writer.add_outline_item(title="Not In The Text", page_number=0)
    path = tmp_path / "outlined.pdf"
    writer.write(path)

    extracted = extract_text(path)
    text = extracted.text
    # Located on their destination pages, not in the table of contents on page 1.
    body = text.index("We collect") - len("1. Data We Collect\n")
    assert text[body:].startswith("1. Data We Collect\n")
    assert extracted.headings == ((body, "Data we collect"), (text.rindex("2. Your Rights"), "Your Rights"))
    assert_heading_lines(extracted)


def test_pdf_without_text_layer(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = tmp_path / "scan.pdf"
    writer.write(path)
    assert reason_of(path) == "PDF has no text layer (scanned?)"


def test_corrupt_pdf(tmp_path):
    path = write(tmp_path, "broken.pdf", os.urandom(4096).replace(b"%%EOF", b""))
    assert reason_of(path).startswith("not a readable PDF (")
    truncated = write(tmp_path, "cut.pdf", make_pdf([["Hello"]])[:200])
    assert reason_of(truncated).startswith("not a readable PDF (")


def test_encrypted_pdf(tmp_path):
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf([["Secret policy"]])))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    assert "encrypted" in reason_of(path)

    # Permission-only encryption (empty user password) opens in any viewer, so it is read.
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf([["Open policy"]])))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "restricted.pdf"
    writer.write(path)
    assert extract_text(path).text == "Open policy"


# --- DOCX -----------------------------------------------------------------------------------------

def test_docx_paragraphs_tables_and_headings(tmp_path):
    document = docx.Document()
    document.add_heading("Privacy Policy", level=0)  # the "Title" style
    document.add_paragraph("  Intro paragraph.  ")
    document.add_paragraph("")
    document.add_heading("1. Data we collect", level=1)
    document.add_paragraph("We collect your email address.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Cookie"
    table.cell(0, 1).text = "Purpose"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "Merged cell"
    document.add_heading("2. Rights", level=2)
    document.add_paragraph("You may object.", style="List Bullet")
    path = tmp_path / "policy.docx"
    document.save(path)

    extracted = extract_text(path)
    assert extracted.text == ("Privacy Policy\n\nIntro paragraph.\n\n1. Data we collect\n\n"
                              "We collect your email address.\n\nCookie\n\nPurpose\n\nMerged cell\n\n"
                              "2. Rights\n\nYou may object.")
    assert extracted.headings == ((0, "Privacy Policy"),
                                  (extracted.text.index("1. Data"), "1. Data we collect"),
                                  (extracted.text.index("2. Rights"), "2. Rights"))
    assert_heading_lines(extracted)


def test_docx_without_headings_or_text(tmp_path):
    document = docx.Document()
    document.add_paragraph("Only body text.")
    document.save(tmp_path / "plain.docx")
    assert extract_text(tmp_path / "plain.docx") == Extracted("Only body text.", None)

    document = docx.Document()
    document.add_paragraph("   ")
    document.save(tmp_path / "blank.docx")
    assert reason_of(tmp_path / "blank.docx") == "no text found"


def test_corrupt_docx(tmp_path):
    assert reason_of(write(tmp_path, "bad.docx", b"this is not a zip archive")).startswith(
        "not a readable DOCX file (")


# --- properties -----------------------------------------------------------------------------------

# C0 controls (other than \t \n \v \f \r) and DEL: the ones the binary check counts.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text())
def test_any_utf8_text_round_trips(tmp_path, text):
    expected = text.removeprefix("\ufeff")  # a leading U+FEFF is indistinguishable from a BOM
    expected = expected.replace("\r\n", "\n").replace("\r", "\n")
    assume(expected.strip())
    path = write(tmp_path, "prop.txt", text)
    if _CONTROL.search(text):
        try:
            extracted = extract_text(path)
        except PolicyFileError as err:
            assert err.reason == BINARY
            return
        assert "\x00" not in text, "a NUL byte must always count as binary"
    else:
        extracted = extract_text(path)
    assert extracted == Extracted(expected, None)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from("#`~ \t\r\nab1."), max_size=80))
def test_markdown_headings_point_at_their_lines(tmp_path, text):
    assume(text.strip())
    extracted = extract_text(write(tmp_path, "prop.md", text))
    assert extracted.text == text.replace("\r\n", "\n").replace("\r", "\n")
    for start, title in extracted.headings or ():
        line = extracted.text[start:].split("\n", 1)[0]
        assert start == 0 or extracted.text[start - 1] == "\n"
        assert line.lstrip(" ").startswith("#") and title in line and title == title.strip()
    starts = [start for start, _ in extracted.headings or ()]
    assert starts == sorted(set(starts))


def test_markdown_setext_headings_as_open_terms_archive_publishes_them(tmp_path):
    text = ("Privacy Policy\n==============\n\n**Overview**  \nWe keep data.\n\nYour rights\n-----------\n\n"
            "- a list item\n---\n\nTwo line\nparagraph\n---\n\n* * *\n\n---\n")
    extracted = extract_text(write(tmp_path, "p.md", text))
    assert extracted.headings == ((0, "Privacy Policy"), (text.index("Your rights"), "Your rights"))
