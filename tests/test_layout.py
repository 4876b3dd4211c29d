"""The code's shape: no module over 500 lines (issue 24, item 8), and the query path loads no file parser."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

MAX_LINES = 500


def modules() -> list[str]:
    """Every Python module of the library, the chat page and its other pages, relative to the repository."""
    paths = [*(ROOT / "qa").rglob("*.py"), ROOT / "app.py", *(ROOT / "pages").glob("*.py")]
    return sorted(p.relative_to(ROOT).as_posix() for p in paths)


def test_no_module_is_over_500_lines():
    lines = {path: len((ROOT / path).read_text(encoding="utf-8").splitlines()) for path in modules()}
    assert "app.py" in lines and "qa/ingest/formats/__init__.py" in lines
    over = {path: count for path, count in lines.items() if count > MAX_LINES}
    assert over == {}, f"modules over {MAX_LINES} lines (split them along their seams): {over}"


def test_asking_a_question_loads_no_file_parser():
    """The query path loads nothing of qa.ingest.formats (Policy and the other shared types live in qa.types):
    the readers and their parsers load only when a file of their kind is read."""
    code = ("import sys\nimport qa.search.engine, qa.search.answer, qa.index.open\n"
            "print(' '.join(m for m in sys.modules if m.startswith('qa.ingest.formats.') or m.split('.')[0] in "
            "('bs4', 'pypdf', 'lxml')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []


def test_the_import_graph_of_qa_has_no_cycle():
    """No module of qa/ imports, directly or through others, a module that imports it back (function-level
    imports included, `if TYPE_CHECKING:` ones not): import-linter's layers keep packages in order, this keeps
    modules inside a package from leaning on each other."""
    import grimp

    graph = grimp.build_graph("qa", exclude_type_checking_imports=True)
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            path = graph.find_shortest_chain(importer=imported, imported=module)
            if path:
                cycles.append(" -> ".join((module, *path)))
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)
