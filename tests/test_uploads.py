"""Uploaded policy files: plain safe names, validated before anything is written, all or nothing."""

import hashlib
from pathlib import Path

import pytest

from qa.ingest.uploads import Upload, UploadRejected, safe_filename, save_uploads

pytestmark = pytest.mark.slow  # every upload format parsed and refused (left out by `make test-fast`)

POLICY = b"Acme Widgets Privacy Policy\n\nRetention\n\nWe keep invoices for six years.\n"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in `folder` (hidden ones too) with the sha256 of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# -- safe_filename --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("/abs/path/policy.md", "policy.md"),
    ("C:\\Users\\me\\Desktop\\Policy.PDF", "policy.pdf"),
    ("..\\..\\windows\\evil.docx", "evil.docx"),
    ("Acme Privacy Policy (2024).html", "acme-privacy-policy-2024.html"),
    ("...hidden.txt", "hidden.txt"),
    ("Café_policy v2.txt", "cafe_policy-v2.txt"),
    ("policy.tar.md", "policy.tar.md"),
])
def test_safe_filename_is_a_plain_lowercase_name_keeping_the_suffix(name, expected):
    assert safe_filename(name) == expected


@pytest.mark.parametrize("name", ["../../etc/passwd", "payload.exe", ".exe", "notes", "policies.toml",
                                  "../..", "", "///", "***.txt", ".txt", "policy.txt/"])
def test_safe_filename_refuses_names_with_no_usable_stem_or_an_unsupported_suffix(name):
    with pytest.raises(ValueError):
        safe_filename(name)


def test_safe_filename_can_never_leave_the_folder(tmp_path):
    for name in ["../x.txt", "..\\x.txt", "a/../../x.txt", "/etc/x.txt", "x.txt\x00.md"]:
        try:
            result = safe_filename(name)
        except ValueError:
            continue
        assert (tmp_path / result).resolve().parent == tmp_path.resolve()
        assert "/" not in result and "\\" not in result and not result.startswith(".")


# -- save_uploads -------------------------------------------------------------------------------------

def test_a_good_upload_is_saved_under_its_safe_name(tmp_path):
    written = save_uploads([Upload("../Acme Widgets.TXT", POLICY)], tmp_path)
    assert written == [tmp_path / "acme-widgets.txt"]
    assert written[0].read_bytes() == POLICY
    assert [p.name for p in tmp_path.iterdir()] == ["acme-widgets.txt"]  # no temporary file left behind


@pytest.mark.parametrize("upload, reason", [
    (Upload("empty.txt", b""), "file is empty"),
    (Upload("blank.md", b"  \n\n "), "file is empty"),
    (Upload("blob.txt", b"\x00\x01\x02binary\x00" * 50), "binary"),
    (Upload("broken.pdf", b"%PDF-1.4 not really"), "PDF"),
    (Upload("tool.exe", POLICY), "unsupported file type"),
])
def test_a_bad_upload_is_refused_with_its_reason_and_nothing_is_written(seed_policies, upload, reason):
    before = snapshot(seed_policies)
    with pytest.raises(UploadRejected) as caught:
        save_uploads([upload], seed_policies)
    assert len(caught.value.reasons) == 1 and reason in caught.value.reasons[0]
    assert "\n" not in caught.value.reasons[0]
    assert snapshot(seed_policies) == before


def test_one_bad_file_refuses_the_whole_upload(seed_policies):
    before = snapshot(seed_policies)
    with pytest.raises(UploadRejected):
        save_uploads([Upload("good.txt", POLICY), Upload("bad.txt", b"")], seed_policies)
    assert snapshot(seed_policies) == before


def test_an_existing_policy_is_only_replaced_when_asked(seed_policies):
    before = snapshot(seed_policies)
    with pytest.raises(UploadRejected) as caught:
        save_uploads([Upload("Concero.txt", POLICY)], seed_policies)
    assert "already exists" in str(caught.value) and "Replace existing" in str(caught.value)
    assert snapshot(seed_policies) == before

    save_uploads([Upload("Concero.txt", POLICY)], seed_policies, replace=True)
    assert (seed_policies / "concero.txt").read_bytes() == POLICY


def test_replacing_with_another_format_removes_the_old_file_of_that_policy(seed_policies):
    with pytest.raises(UploadRejected):
        save_uploads([Upload("concero.md", POLICY)], seed_policies)
    save_uploads([Upload("concero.md", POLICY)], seed_policies, replace=True)
    assert (seed_policies / "concero.md").is_file()
    assert not (seed_policies / "concero.txt").exists()  # two files, one policy id, would break the build


def test_a_missing_policies_folder_is_refused(tmp_path):
    with pytest.raises(UploadRejected, match="policies folder not found"):
        save_uploads([Upload("a.txt", POLICY)], tmp_path / "nope")
    assert not (tmp_path / "nope").exists()


def test_an_oversized_upload_is_refused_before_it_is_written(tmp_path):
    with pytest.raises(UploadRejected, match="over the"):
        save_uploads([Upload("big.txt", b"a" * 101)], tmp_path, max_bytes=100)
    assert list(tmp_path.iterdir()) == []
