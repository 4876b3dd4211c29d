"""Faults a careless or hostile caller can cause: each ends in one line and loses nothing."""

from __future__ import annotations

import codecs
import errno
import fcntl
import io
import json
import os
import re
import resource
import subprocess
import sys
import time
import zipfile

import docx
import numpy as np
import pytest

from qa.cli import main
from qa.config import BuildSettings
from qa.index import store
from qa.index.build import LOCK_FILE, BuildError, BuildLocked, build_index, embedding_text
from qa.index.store import IndexUnavailable, load_index
from qa.ingest.formats import Limits, PolicyFileError, extract_text, read_file
from qa.ingest.policies import file_sha256
from qa.ingest.uploads import Upload, UploadRejected, check_readable, save_uploads
from tests.conftest import ROOT, FakeEmbedder
from tests.test_formats import make_pdf

pytestmark = pytest.mark.slow  # subprocesses, lock races and decompression bombs (left out by `make test-fast`)


def _tree(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_refuses_a_folder_that_is_not_an_index_and_deletes_nothing(seed_policies, tmp_path, fake_model, capsys):
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thesis.docx").write_bytes(b"years of work")
    (documents / "notes").mkdir()
    (documents / "notes" / "a.txt").write_text("keep me")
    before = _tree(documents)
    code = main(["index", "build", "--policies", str(seed_policies), "--index", str(documents),
                 "--model", "fake-embedder", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert str(documents) in err and "not empty" in err and len(err.strip().splitlines()) == 1
    assert _tree(documents) == before


def test_build_refuses_the_policies_folder_as_index(seed_policies, fake_model, capsys):
    before = _tree(seed_policies)
    code = main(["index", "build", "--policies", str(seed_policies), "--index", str(seed_policies),
                 "--model", "fake-embedder", "--quiet"])
    assert code == 1 and "overlaps the policies folder" in capsys.readouterr().err
    assert _tree(seed_policies) == before
    inside = seed_policies / "idx"
    with pytest.raises(BuildError, match="overlaps"):
        build_index(seed_policies, inside, BuildSettings(model="fake-embedder"), FakeEmbedder)
    assert not inside.exists() and _tree(seed_policies) == before


def test_build_refuses_an_existing_file_as_index(seed_policies, tmp_path, fake_model, capsys):
    target = tmp_path / "index"
    target.write_text("not a folder")
    code = main(["index", "build", "--policies", str(seed_policies), "--index", str(target),
                 "--model", "fake-embedder", "--quiet"])
    assert code == 1 and "is a file" in capsys.readouterr().err
    assert target.read_text() == "not a folder"


def test_build_writes_into_an_empty_folder_and_rebuilds_its_own_index(seed_policies, tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    settings = BuildSettings(model="fake-embedder")
    build_index(seed_policies, target, settings, FakeEmbedder)
    assert (target / "manifest.json").is_file()
    report = build_index(seed_policies, target, settings, FakeEmbedder, full=True)  # its own index: allowed
    assert report.passages > 0


# -- shared helpers ----------------------------------------------------------------------------------

def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _run_python(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _build_cli(policies, index, *extra) -> int:
    return main(["index", "build", "--policies", str(policies), "--index", str(index), "--model", "fake-embedder",
                 "--quiet", *extra])


# -- decompression bombs -----------------------------------------------------------------------------

_DOCX_HEAD = (b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
              b'2006/main"><w:body>')


def docx_bomb(inflated_mb: float, paragraph: bytes = b"<w:p><w:r><w:t>" + b"a" * 4000 + b"</w:t></w:r></w:p>") -> bytes:
    """A .docx whose document.xml inflates to about `inflated_mb` MB of real paragraphs (deflate ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
                                                '.org/package/2006/content-types"/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(_DOCX_HEAD)
            block = paragraph * max(1, 1_000_000 // len(paragraph))
            for _ in range(int(inflated_mb * 1e6 / len(block))):
                member.write(block)
            member.write(b"</w:body></w:document>")
    return buffer.getvalue()


_MEASURE = """
import json, resource, sys
from pathlib import Path
from qa.ingest.formats import PolicyFileError, extract_text
try:
    extract_text(Path(sys.argv[1]))
    outcome = "read"
except PolicyFileError as err:
    outcome = str(err)
# Peak resident memory of this process since its exec (interpreter and imports included), in MB. Not
# ru_maxrss: Linux keeps it across exec, so it would start at the forking parent's (pytest's) size.
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
peak = int(status["VmHWM"].split()[0]) / 1024 if "VmHWM" in status else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"outcome": outcome, "maxrss_mb": peak}))
"""


def _measure_extraction(path) -> dict:
    """The outcome and peak memory of extracting `path` in a child process. Its time is not asserted (speed
    is `policyqa bench`'s); the child's 60 s timeout only guards against a hang."""
    done = _run_python(_MEASURE, str(path))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_150_kb_docx_bomb_is_refused_within_200_mb(tmp_path):
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(docx_bomb(110))
    assert 130_000 < bomb.stat().st_size < 170_000  # ~150 KB on disk, 110 MB of XML inside
    measured = _measure_extraction(bomb)
    assert "inflates to 110 MB, over the 32 MB limit" in measured["outcome"]
    assert measured["maxrss_mb"] <= 200, measured


def test_a_docx_bomb_under_the_size_cap_is_stopped_by_the_element_cap_in_bounded_memory(tmp_path):
    bomb = tmp_path / "flat.docx"
    bomb.write_bytes(docx_bomb(25, paragraph=b"<w:p><w:r><w:t/></w:r></w:p>"))  # ~3.4 M tiny elements
    measured = _measure_extraction(bomb)
    assert "over 600,000 XML elements" in measured["outcome"]
    assert measured["maxrss_mb"] <= 200, measured


def test_a_docx_whose_directory_lies_about_sizes_never_inflates_more_than_declared(tmp_path):
    data = bytearray(docx_bomb(40))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    # Declare 1 MB in the central directory's zip64 extra field (where force_zip64 put the real size).
    real = info.file_size.to_bytes(8, "little")
    at = data.rfind(real)
    data[at:at + 8] = (1_000_000).to_bytes(8, "little")
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(data))
    measured = _measure_extraction(path)
    assert measured["outcome"].startswith("liar.docx: ") and measured["maxrss_mb"] <= 200, measured


def test_xml_entities_are_not_expanded(tmp_path):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
              + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(8))
              + b']>' + _DOCX_HEAD.split(b"?>", 1)[1] + b"<w:p><w:r><w:t>Policy &i;</w:t></w:r></w:p></w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", laughs)
    path = tmp_path / "laughs.docx"
    path.write_bytes(buffer.getvalue())
    measured = _measure_extraction(path)
    assert measured["maxrss_mb"] <= 200, measured  # a billion laughs expanded would be gigabytes


def test_too_many_docx_members_are_refused_from_the_directory(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(2_001):
            archive.writestr(f"m{i}.xml", b"")
    path = tmp_path / "many.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(PolicyFileError, match="holds 2,002 files, over the limit of 2,000|holds 2,001 files"):
        extract_text(path)


def test_an_uploaded_bomb_is_refused_and_costs_the_server_nothing(seed_policies):
    before = _tree(seed_policies)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(UploadRejected, match="decompression bomb"):
        save_uploads([Upload("bomb.docx", docx_bomb(110))], seed_policies)
    assert _tree(seed_policies) == before
    # Read in a child process: this process's peak did not grow by the bomb's XML (150 MB).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 50_000  # KB


def test_an_upload_that_needs_too_much_memory_is_refused_in_one_line(tmp_path):
    path = tmp_path / "policy.html"
    path.write_text("<main><p>" + "We keep data. " * 1000 + "</p></main>")
    with pytest.raises(PolicyFileError, match="needs over .* of memory, the per-file limit"):
        check_readable(path, memory_bytes=20_000_000)
    check_readable(path)  # the default limit reads it


@pytest.mark.parametrize("name, content", [
    ("slow.html", "<main>" + "<p>We keep data.</p>" * 20_000 + "</main>"),
    ("slow.docx", None),
    ("slow.pdf", None),
])
def test_the_per_file_time_limit_names_itself(tmp_path, name, content):
    path = tmp_path / name
    if name.endswith(".docx"):
        document = docx.Document()
        for _ in range(3_000):
            document.add_paragraph("We keep data.")
        document.save(path)
    elif name.endswith(".pdf"):
        path.write_bytes(make_pdf([["We keep data."]] * 3))
    else:
        path.write_text(content)
    with pytest.raises(PolicyFileError, match=r"took over -1 s, the per-file time limit"):
        extract_text(path, limits=Limits(seconds=-1))


def test_text_over_the_length_limit_is_refused_before_chunking(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text(" ".join(f"word{i}" for i in range(400_000)))  # ~3.6 MB of unique text
    with pytest.raises(PolicyFileError, match=r"over 2,000,000 characters, the per-file text limit"):
        extract_text(path)  # extraction, which every build and upload runs before chunking


def test_a_policy_over_the_passage_cap_is_refused_and_the_others_indexed(seed_policies, tmp_path):
    (seed_policies / "huge.txt").write_text("\n\n".join(f"Paragraph {i} says something unique number {i}."
                                                        for i in range(3000)))
    report = build_index(seed_policies, tmp_path / "index", BuildSettings(model="fake-embedder"), FakeEmbedder,
                         max_passages=100)
    assert [e.path.name for e in report.errors] == ["huge.txt"]
    assert re.fullmatch(r"huge\.txt: \d{3},?\d* passages, over the limit of 100 per policy \(it would take too long "
                        r"to embed\); split the file", str(report.errors[0]))
    assert len(report.added) == 5


# -- quadratic parsing -------------------------------------------------------------------------------

# Quadratic parsing of 1 MB is about 10^12 steps, hours: the 60 s timeouts below guard against that hang
# and time nothing (speed is `policyqa bench`'s, never asserted here).

@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", ["heading.md", "heading.txt"])
def test_a_1_mb_markdown_heading_of_spaces_reads_without_quadratic_parsing(tmp_path, name):
    path = tmp_path / name
    path.write_text("# a" + " " * 1_000_000 + "b\n\nSome text.\n")
    extracted = extract_text(path)
    if extracted.headings is None:
        from qa.ingest.sections import detect_headings

        detect_headings(extracted.text)
    assert not extracted.headings  # a 1 MB "heading" is not one: its title would head every passage


@pytest.mark.timeout(60)
def test_a_1_mb_heading_of_spaces_indexes_without_quadratic_parsing(tmp_path):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "heading.md").write_text("# a" + " " * 1_000_000 + "b\n\nSome text.\n")
    (policies / "word.txt").write_text("Intro.\n\n" + "x" * 1_000_000)  # one 1 MB token
    report = build_index(policies, tmp_path / "index", BuildSettings(model="fake-embedder"), FakeEmbedder)
    assert report.errors == []
    index = load_index(tmp_path / "index")
    assert all(index.policies[p.policy].text[p.start:p.end] == p.text and len(p.text) <= 800 for p in index.passages)


def test_closing_hashes_are_still_stripped(tmp_path):
    path = tmp_path / "h.md"
    path.write_text("# Title ##\n\n## Not#closed#\n\n### ###\n\n#### C# \\#\n")
    assert [t for _, t in extract_text(path).headings] == ["Title", "Not#closed#", "C# \\#"]


# -- what the policies folder may hold ---------------------------------------------------------------

def test_links_hidden_files_and_folders_are_skipped_and_named(seed_policies, tmp_path, fake_model, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (seed_policies / "passwd.txt").symlink_to(secret)
    (seed_policies / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (seed_policies / ".hidden.txt").write_text("Hidden policy.\n")
    (seed_policies / "folder.txt").mkdir()
    os.mkfifo(seed_policies / "pipe.txt")
    index = tmp_path / "index"
    code = _build_cli(seed_policies, index)
    err = capsys.readouterr().err.splitlines()
    assert code == 0  # nothing failed: these are not policy files
    assert sorted(line.split(":")[1].strip() for line in err) == [
        ".hidden.txt", "folder.txt", "gone.txt", "passwd.txt", "pipe.txt"]
    assert all(line.startswith("note: ") for line in err)
    assert any("passwd.txt: skipped: a symbolic link" in line for line in err)
    assert any("gone.txt: skipped: a broken symbolic link" in line for line in err)
    loaded = load_index(index)
    assert "passwd" not in loaded.policies and not any("root:x" in p.text for p in loaded.passages)


def test_a_link_swapped_in_after_the_scan_is_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0\n")
    link = tmp_path / "policy.txt"
    link.symlink_to(secret)
    with pytest.raises(PolicyFileError, match="symbolic link"):
        read_file(link)
    with pytest.raises(OSError):
        file_sha256(link)


def test_ids_are_compared_without_case(seed_policies, tmp_path, fake_model, capsys):
    (seed_policies / "Acme.txt").write_text("Acme\n\nWe sell nothing.\n")
    (seed_policies / "acme.txt").write_text("acme\n\nWe sell everything.\n")
    index = tmp_path / "index"
    assert _build_cli(seed_policies, index) == 1
    assert "acme.txt: same policy id 'acme' as Acme.txt" in capsys.readouterr().err
    assert "Acme" in load_index(index).policies and "acme" not in load_index(index).policies
    assert main(["index", "status", "--index", str(index), "--policies", str(seed_policies)]) == 0
    out = capsys.readouterr().out
    assert "changed since build" not in out and "not indexed yet" not in out


def test_utf16_and_utf32_with_a_bom_are_text(tmp_path):
    text = "Privacy Policy\n\nWe keep your data for 3 years — café.\n"
    for codec in ("utf-16", "utf-16-be", "utf-32", "utf-32-be"):
        data = text.encode(codec)
        if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            data = {"utf-16-be": codecs.BOM_UTF16_BE, "utf-32-be": codecs.BOM_UTF32_BE}[codec] + data
        path = tmp_path / f"{codec}.txt"
        path.write_bytes(data)
        assert extract_text(path).text == text, codec
    (tmp_path / "bin.txt").write_bytes(codecs.BOM_UTF16_LE + b"\x01\x00" * 50)  # U+0001 controls
    with pytest.raises(PolicyFileError, match="binary"):
        extract_text(tmp_path / "bin.txt")


def test_pypdf_warnings_do_not_leak_beside_the_one_line(tmp_path, capfd):
    pdf = make_pdf([["Hello world policy"]])
    path = tmp_path / "warn.pdf"
    path.write_bytes(pdf.replace(b"startxref\n", b"startxref\n9"))  # "incorrect startxref pointer"
    assert extract_text(path).text == "Hello world policy"
    assert capfd.readouterr().err == ""


# -- torn reads and the build lock --------------------------------------------------------------------

_BUILD_LOOP = """
import sys, time
from pathlib import Path
from qa.index.build import BuildLocked, build_index
from qa.config import BuildSettings
from tests.conftest import FakeEmbedder
policies, index, builds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
done = 0
while done < builds:
    # Each build changes a policy, so each publishes a new generation and deletes an old one.
    (policies / "acme.txt").write_text(f"Acme\\n\\nBuild {done} keeps data for {done} days.\\n" * (1 + done % 3))
    try:
        build_index(policies, index, BuildSettings(model="fake-embedder"), FakeEmbedder)
        done += 1
    except BuildLocked:
        time.sleep(0.01)
print(done)
"""


def _torn(index_dir, embedder) -> str | None:
    """Why the index read now is not whole, or None: it loads, and its vectors are its passages'."""
    try:
        index = load_index(index_dir)
    except IndexUnavailable as err:
        return str(err)
    settings = index.settings
    rows = range(0, len(index.passages), max(1, len(index.passages) // 8))
    expected = embedder.embed([embedding_text(index.policies[index.passages[i].policy], index.passages[i], settings)
                               for i in rows])
    if not np.allclose(np.stack([index.vectors.reconstruct(i) for i in rows]), expected, atol=1e-5):
        return "vectors of another generation"
    acme = [i for i, p in enumerate(index.passages) if p.policy == "acme"]
    if acme and not np.allclose(index.vectors.reconstruct(acme[0]), embedder.embed(
            [embedding_text(index.policies["acme"], index.passages[acme[0]], settings)])[0], atol=1e-5):
        return "acme's vector is another generation's"
    return None


def test_readers_never_see_a_torn_index_while_builds_run(seed_policies, tmp_path):
    index = tmp_path / "index"
    build_index(seed_policies, index, BuildSettings(model="fake-embedder"), FakeEmbedder)
    builder = subprocess.Popen([sys.executable, "-c", _BUILD_LOOP, str(seed_policies), str(index), "12"],
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    embedder, loads, torn, generations = FakeEmbedder(), 0, [], set()
    deadline = time.monotonic() + 60
    while builder.poll() is None and time.monotonic() < deadline:
        problem = _torn(index, embedder)
        loads += 1
        if problem:
            torn.append(problem)
        generations.add(json.loads((index / "manifest.json").read_text())["generation"])
    out, err = builder.communicate(timeout=30)
    assert builder.returncode == 0 and out.strip() == "12", err
    assert torn == [] and loads >= 10 and len(generations) >= 3, (loads, torn[:3])
    # Old generations were collected: the current one and the one it replaced remain.
    assert len([p for p in index.iterdir() if p.name.startswith("gen-")]) == 2


def test_a_reader_slower_than_two_builds_reads_the_new_generation(seed_policies, tmp_path, monkeypatch):
    index = tmp_path / "index"
    settings = BuildSettings(model="fake-embedder")
    build_index(seed_policies, index, settings, FakeEmbedder)
    real = store._load_generation
    calls = []

    def slow(folder, manifest):
        if "building" in calls:  # the builds' own reads of the previous index
            return real(folder, manifest)
        calls.append(manifest["generation"])
        if len(calls) == 1:  # two builds finish while this reader is between manifest and files
            calls.append("building")
            for text in ("One.\n", "Two.\n"):
                (seed_policies / "acme.txt").write_text(f"Acme\n\n{text}")
                build_index(seed_policies, index, settings, FakeEmbedder)
            calls.remove("building")
        return real(folder, manifest)

    monkeypatch.setattr(store, "_load_generation", slow)
    loaded = load_index(index)
    assert len(calls) == 2 and calls[0] != calls[1] and "Two." in loaded.policies["acme"].text


_LOCK_RACE = """
import os, sys, time
from pathlib import Path
from qa.index.build import BuildLock, BuildLocked
index, marker, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
held = overlaps = 0
for _ in range(rounds):
    try:
        with BuildLock(index):
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                overlaps += 1
                continue
            held += 1
            time.sleep(0.002)
            os.close(fd)
            os.unlink(marker)
    except BuildLocked:
        pass
print(held, overlaps)
"""


def test_two_builders_never_both_hold_the_lock_even_with_a_stale_lock_file(tmp_path):
    index = tmp_path / "index"
    index.mkdir()
    dead = _run_python("import os; print(os.getpid())").stdout.strip()
    (index / LOCK_FILE).write_text(json.dumps({"pid": int(dead), "host": os.uname().nodename, "since": "then"}))
    racers = [subprocess.Popen([sys.executable, "-c", _LOCK_RACE, str(index), str(tmp_path / "holder"), "300"],
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
              for _ in range(3)]
    results = [tuple(map(int, r.communicate(timeout=60)[0].split())) for r in racers]
    assert sum(held for held, _ in results) > 0
    assert [overlaps for _, overlaps in results] == [0, 0, 0]
    assert not (index / LOCK_FILE).exists()  # released and removed: nothing stale left


def test_a_killed_lock_holder_releases_the_lock_at_once(seed_policies, tmp_path):
    index = tmp_path / "index"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from qa.index.build import BuildLock; lock = BuildLock(Path(sys.argv[1])).__enter__(); "
                               "print('held', flush=True); time.sleep(60)", str(index)],
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(BuildLocked, match=f"pid {holder.pid}"):
            build_index(seed_policies, index, BuildSettings(model="fake-embedder"), FakeEmbedder)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    report = build_index(seed_policies, index, BuildSettings(model="fake-embedder"), FakeEmbedder)
    assert report.passages > 0


# -- one line and an exit code for every user error -----------------------------------------------------

@pytest.mark.parametrize("toml, message", [
    ('concero = "x"\n', "policies.toml: [concero] must be a table"),
    ("[concero]\nname = 3\n", "policies.toml: [concero] name must be a non-empty string, got 3"),
    ('[concero]\nname = ""\n', "policies.toml: [concero] name must be a non-empty string"),
    ("[concero\nname = 'x'\n", "policies.toml: invalid metadata file"),
    ('[concero]\nname = "A"\n[Concero]\nname = "B"\n', "policies.toml: [Concero] is given twice"),
    ('[concero]\nname = "Con\\u001b[2Jcero"\n', "policies.toml: [concero] name 'Con\\x1b[2Jcero' contains control"),
])
def test_a_malformed_policies_toml_is_one_line_and_loses_nothing(seed_policies, tmp_path, fake_model, capsys, toml,
                                                                 message):
    index = tmp_path / "index"
    assert _build_cli(seed_policies, index) == 0
    before = (index / "manifest.json").read_text()
    (seed_policies / "policies.toml").write_text(toml)
    capsys.readouterr()
    assert _build_cli(seed_policies, index) == 1
    assert message in _one_line(capsys.readouterr().err)
    assert (index / "manifest.json").read_text() == before


def test_bad_aliases_are_dropped_with_a_warning_each(seed_policies, tmp_path, fake_model, capsys):
    (seed_policies / "policies.toml").write_text(
        '[concero]\nname = "Concero Technology Services"\naliases = ["Concero", "a", "data", 5, "CT1 Technologies", '
        '"cloudsentric", "Concero"]\n[ct1-technologies]\nname = "CT1 Technologies"\naliases = "CT1"\n'
        '[cloudsentric]\nnmae = "typo"\n')
    index = tmp_path / "index"
    assert _build_cli(seed_policies, index) == 0
    warnings = capsys.readouterr().err.splitlines()
    assert all(line.startswith("warning: policies.toml: ") for line in warnings)
    joined = "\n".join(warnings)
    for expected in ("alias 'a' dropped: shorter than 2", "alias 'data' dropped: a common word", "alias 5 dropped: not a string",
                     "alias 'CT1 Technologies' dropped: it names policy 'ct1-technologies'",
                     "alias 'cloudsentric' dropped: it names policy 'cloudsentric'",
                     "[ct1-technologies] aliases should be a list; read 'CT1' as one alias",
                     "[cloudsentric] unknown key nmae ignored"):
        assert expected in joined
    policies = load_index(index).policies
    assert policies["concero"].aliases == ("Concero",) and policies["ct1-technologies"].aliases == ("CT1",)


def test_a_manifest_missing_a_key_is_one_line_and_a_build_repairs_it(seed_policies, tmp_path, fake_model, capsys):
    index = tmp_path / "index"
    assert _build_cli(seed_policies, index) == 0
    manifest = json.loads((index / "manifest.json").read_text())
    del manifest["built_at"]
    (index / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert main(["index", "status", "--index", str(index)]) == 1
    assert "'built_at' missing" in _one_line(capsys.readouterr().err)
    assert main(["ask", "cookies", "--index", str(index), "--model", "fake-embedder"]) == 1
    assert "run `policyqa index build`" in _one_line(capsys.readouterr().err)
    assert _build_cli(seed_policies, index) == 0  # no --full needed: the damaged index is just not reused
    assert load_index(index).manifest["built_at"]


@pytest.mark.parametrize("error, reason", [(errno.ENOSPC, "the disk is full"),
                                           (errno.EROFS, "the file system is read-only"),
                                           (errno.EACCES, "permission denied")])
def test_an_unwritable_index_is_one_line_and_the_old_index_survives(seed_policies, tmp_path, fake_model, capsys,
                                                                    monkeypatch, error, reason):
    index = tmp_path / "index"
    assert _build_cli(seed_policies, index) == 0
    before = sorted(p.name for p in index.iterdir())
    (seed_policies / "acme.txt").write_text("Acme\n\nWe sell everything.\n")

    def failing(path, rows):
        raise OSError(error, os.strerror(error), str(path))

    monkeypatch.setattr(store, "_write_jsonl", failing)  # root ignores chmod, so the OS error is injected
    capsys.readouterr()
    assert _build_cli(seed_policies, index) == 1
    line = _one_line(capsys.readouterr().err)
    assert f"cannot write the index to {index}: {reason}; the previous index, if any, is unchanged" in line
    assert sorted(p.name for p in index.iterdir()) == before  # no half-written generation left
    monkeypatch.undo()
    assert "acme" not in load_index(index).policies


@pytest.mark.parametrize("line, message", [
    ('{"question": "x", "policy": ["concero"]}', '"policy" must be one policy id (a string) or null, got ["concero"] (list)'),
    ('{"question": null}', '"question" must be a non-empty string, got null'),
    ('{"question": 42}', '"question" must be a non-empty string, got 42 (int)'),
    ('{"question": "x", "id": {"a": 1}}', '"id" must be a string, a number or null'),
    ('["question"]', "expected a JSON object, got list"),
])
def test_batch_questions_are_validated_by_type(tmp_path, capsys, line, message):
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "fine"}\n' + line + "\n")
    assert main(["ask", "--questions", str(path), "--index", str(tmp_path / "none")]) == 2
    assert f"q.jsonl:2: {message}" in _one_line(capsys.readouterr().err)


def test_a_bug_prints_its_traceback_and_asks_to_be_reported(monkeypatch, capsys):
    import qa.cli.index

    def broken(args):
        raise KeyError("internal")

    monkeypatch.setattr(qa.cli.index, "cmd_index_status", broken)
    assert main(["index", "status"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and "please report it" in err


def test_control_characters_in_a_policy_are_escaped_on_the_terminal(seed_policies, tmp_path, fake_model, capsys):
    (seed_policies / "evil.txt").write_text("Evil\n\nWe keep \x1b[2J\x1b]0;owned\x07 cookies for \u202eever. "
                                            + "We keep cookies for a year to remember your settings. " * 3 + "\n")
    index = tmp_path / "index"
    assert _build_cli(seed_policies, index) == 0
    capsys.readouterr()
    # --passages: the passage is printed whether or not the fake embedder's similarity answers.
    assert main(["ask", "cookies", "--policy", "evil", "--index", str(index), "--model", "fake-embedder",
                 "--passages"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out and "\\u202e" in out


def test_index_remove_keeps_every_removed_version(seed_policies, tmp_path, fake_model):
    common = ["--policies", str(seed_policies), "--index", str(tmp_path / "index"), "--model", "fake-embedder", "--quiet"]
    versions = ["Acme\n\nVersion one.\n", "Acme\n\nVersion two.\n"]
    for text in versions:
        (seed_policies / "acme.txt").write_text(text)
        assert main(["index", "build", *common]) == 0
        assert main(["index", "remove", "ACME", *common]) == 0  # ids match without case
    kept = sorted((seed_policies / ".removed").glob("*/acme.txt"))
    assert sorted(p.read_text() for p in kept) == versions


def test_a_killed_index_add_leaves_no_part_file(seed_policies):
    leftover = seed_policies / ".acme.txt.k1ll3d_x.part"  # what mkstemp named it before the kill
    leftover.write_text("half a poli")
    live = seed_policies / ".other.txt.l1ve0000.part"
    live.write_text("being written")
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a writer still at work holds its flock
    try:
        save_uploads([Upload("acme.txt", b"Acme\n\nWe keep data.\n")], seed_policies)
        assert not leftover.exists() and live.exists()
    finally:
        os.close(fd)
    assert not [p for p in seed_policies.iterdir() if p.name.endswith(".part") and p != live]
