"""Dependencies as users need them: every package qa/ imports is declared in pyproject.toml (the runtime or
an extra), a missing extra is one line naming `pip install "policyqa[...]"`, and `policyqa --help` and
argument errors import no heavy package (STYLE.md, "Thin CLI"; read from `python -X importtime`)."""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
import subprocess
import sys
import tomllib

import pytest

from qa.errors import MissingExtra, require_extra
from tests.conftest import ROOT

HEAVY = {"torch", "faiss", "onnxruntime", "langchain_text_splitters", "langsmith", "transformers",
         "sentence_transformers", "tokenizers", "sklearn", "streamlit", "psycopg", "psycopg_pool", "pgvector",
         "matplotlib", "playwright"}


def imported_by(*argv: str) -> set[str]:
    """Top-level names of the packages `python -m qa ARGV` imports."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "qa", *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert lines, done.stderr
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in lines[1:]}


@pytest.mark.slow  # a fresh interpreter per command line
@pytest.mark.parametrize("argv", [["--help"], ["tune", "reranker", "--help"], ["index", "add", "--help"],
                                  ["ask", "--k", "0"]])
def test_help_and_usage_errors_import_no_heavy_package(argv):
    assert imported_by(*argv) & HEAVY == set()


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~ ;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_every_package_qa_imports_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = {name: _requirement_names(reqs) for name, reqs in project["optional-dependencies"].items()}
    runtime = _requirement_names(project["dependencies"])
    imported: set[str] = set()
    for path in (ROOT / "qa").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name != "qa"}
    distributions = importlib.metadata.packages_distributions()
    undeclared = {name: distributions.get(name) for name in third_party
                  if not {d.lower().replace("_", "-") for d in distributions.get(name, [name])} & (runtime | extras["postgres"]
                                                                                 | extras["bench"] | extras["train"])}
    assert undeclared == {}
    assert "python-docx" not in runtime and "python-docx" in extras["dev"]  # only the tests write .docx files
    assert any(r.startswith("policyqa[") and all(e in r for e in ("postgres", "bench", "train"))
               for r in project["optional-dependencies"]["dev"])  # `make install` gets every extra


def test_a_missing_extra_is_one_line_naming_the_install(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a))
    with pytest.raises(MissingExtra, match=r'needs psycopg, which is not installed: pip install "policyqa\[postgres\]"'):
        require_extra("postgres", "psycopg", "pgvector", feature="an index in PostgreSQL")
    from qa.cli import main
    from qa.index.pg.store import PgStore

    with pytest.raises(MissingExtra, match="an index in PostgreSQL"):
        PgStore("postgresql://localhost:1/none")
    assert main(["index", "status", "--store", "postgresql://localhost:1/none"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ['policyqa: error: an index in PostgreSQL needs psycopg, which is not installed: '
                   'pip install "policyqa[postgres]"']
