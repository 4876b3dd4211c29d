"""One alias rule (qa.ingest.aliases) for the three ways a policy gets its names: `policies.toml` read by
the build, `policyqa index add --alias`, and the chat's upload form; and `index add`'s names suggested
from the title, as the form suggests them. No model: `index add`'s build is replaced by a stub."""

from __future__ import annotations

import pytest

import qa.cli.index
import qa.search.names
from qa.cli import main
from qa.ingest import aliases
from qa.ingest.policies import read_metadata

ACCEPTED = ["Amazon", "Apple", "Meta", "Core", "CT", "Concero", "Acme Widgets", "CT1"]
REFUSED = ["a", "data", "it", "the", "privacy", "Cookies", "x"]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A policies folder with one other policy; `index add` stops before its build."""
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "other.txt").write_text("Other Co Privacy Policy\n\nWe keep records for a year.\n", encoding="utf-8")
    (folder / "policies.toml").write_text('[other]\nname = "Other Co"\naliases = ["Othello"]\n', encoding="utf-8")
    monkeypatch.setattr(qa.cli.index, "cmd_index_build", lambda args: 0)
    return folder


def new_policy(tmp_path, title: str = "Acme Widgets Ltd Privacy Policy"):
    path = tmp_path / "acme.txt"
    path.write_text(f"{title}\n\nWe share your address with couriers only.\n", encoding="utf-8")
    return path


def from_toml(folder, alias: str) -> tuple[list[str], list[str]]:
    """The aliases the build keeps for `alias` in policies.toml, and its warnings."""
    (folder / "policies.toml").write_text(f'[acme]\nname = "Acme"\naliases = ["{alias}"]\n', encoding="utf-8")
    warnings: list[str] = []
    return read_metadata(folder, warnings)["acme"]["aliases"], warnings


def add(folder, path, *flags: str) -> int:
    return main(["index", "add", str(path), "--policies", str(folder), "--quiet", *flags])


def test_the_upload_form_uses_the_one_rule():
    # app.py imports these from qa.search.names: the same functions, not copies
    assert qa.search.names.validate_alias is aliases.validate_alias
    assert qa.search.names.suggest_aliases is aliases.suggest_aliases


@pytest.mark.parametrize("alias", ACCEPTED)
def test_an_alias_accepted_by_one_path_is_accepted_by_all(alias, folder, tmp_path):
    assert from_toml(folder, alias) == ([alias], [])
    assert aliases.validate_alias(alias, "acme", ["Other Co", "other", "Othello"]) is None
    assert add(folder, new_policy(tmp_path), "--alias", alias) == 0
    assert read_metadata(folder, [])["acme"]["aliases"] == [alias]


@pytest.mark.parametrize("alias", REFUSED)
def test_an_alias_refused_by_one_path_is_refused_by_all(alias, folder, tmp_path, capsys):
    kept, warnings = from_toml(folder, alias)
    assert kept == [] and len(warnings) == 1 and f"alias {alias!r} dropped: " in warnings[0]
    reason = warnings[0].split("dropped: ")[1]
    assert aliases.validate_alias(alias, "acme", []) == f"alias {alias!r} of acme is {reason}"
    (folder / "policies.toml").unlink()
    assert add(folder, new_policy(tmp_path), "--alias", alias) == 2
    assert f"alias {alias!r} of acme is {reason}; nothing was added" in capsys.readouterr().err
    assert not (folder / "acme.txt").exists() and not (folder / "policies.toml").exists()


def test_another_policys_name_is_refused_by_all_paths(folder, tmp_path, capsys):
    (folder / "policies.toml").write_text('[other]\nname = "Other Co"\n\n[acme]\naliases = ["Other Co"]\n',
                                          encoding="utf-8")
    from qa.ingest.policies import check_aliases

    metadata, warnings = read_metadata(folder, []), []
    check_aliases(metadata, ["other", "acme"], warnings)
    assert metadata["acme"]["aliases"] == [] and "it names policy 'other'" in warnings[0]
    assert "another policy's name" in aliases.validate_alias("Other Co", "acme", ["Other Co"])
    assert add(folder, new_policy(tmp_path), "--alias", "other co") == 2
    assert "is another policy's name; nothing was added" in capsys.readouterr().err


def test_index_add_names_a_policy_from_its_title_as_the_upload_form_does(folder, tmp_path, capsys):
    assert add(folder, new_policy(tmp_path)) == 0
    entry = read_metadata(folder, [])["acme"]
    assert entry == {"name": "Acme Widgets Ltd", "aliases": ["Acme Widgets", "Acme"]}
    assert aliases.suggested_names(new_policy(tmp_path).read_text(), ["Other Co"]) == (
        "Acme Widgets Ltd", ["Acme Widgets", "Acme"])
    assert "named acme 'Acme Widgets Ltd', aliases: Acme Widgets, Acme" in capsys.readouterr().out


def test_index_add_name_and_repeated_alias(folder, tmp_path):
    assert add(folder, new_policy(tmp_path), "--name", "Acme  Corp", "--alias", "Acme", "--alias", "ACW") == 0
    assert read_metadata(folder, [])["acme"] == {"name": "Acme Corp", "aliases": ["Acme", "ACW"]}
    assert read_metadata(folder, [])["other"]["aliases"] == ["Othello"]  # the other entry is left as it was


def test_index_add_replace_keeps_an_entry_unless_names_are_given(folder, tmp_path):
    assert add(folder, new_policy(tmp_path), "--name", "Acme Corp") == 0
    assert add(folder, new_policy(tmp_path, "Something Else Entirely"), "--replace") == 0
    assert read_metadata(folder, [])["acme"]["name"] == "Acme Corp"


def test_names_for_several_files_are_a_usage_error(folder, tmp_path, capsys):
    second = tmp_path / "beta.txt"
    second.write_text("Beta Privacy Policy\n\nText.\n", encoding="utf-8")
    assert main(["index", "add", str(new_policy(tmp_path)), str(second), "--policies", str(folder),
                 "--name", "X Co"]) == 2
    assert "give exactly one FILE" in capsys.readouterr().err
