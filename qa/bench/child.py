"""Each bench phase runs in a fresh Python process, so its peak RSS is its own and no model stays loaded
into the next: the parent calls `run_child(task, **kwargs)`, the child runs the function `TASKS[task]`
names with `**kwargs` and prints the JSON it returns as its last line on stdout (its progress goes to
stderr)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Callable

from qa.config import PROJECT_ROOT

# task -> "module:function", imported in the child only: the phases import this module to spawn children,
# so it imports none of them (no import cycle, and a child loads only its own phase).
TASKS: dict[str, str] = {
    "backends": "qa.bench.backends:task_backends", "serve": "qa.bench.serve:task_serve",
    "synthetic_build": "qa.bench.synthetic:task_synthetic_build",
    "collection_build": "qa.bench.collection:task_collection_build",  # a real collection
    "routing": "qa.bench.routing:task_routing",
    "store_seed": "qa.bench.pg:task_store_seed", "store_serve": "qa.bench.pg:task_store_serve",  # PostgreSQL
    "store_answer": "qa.bench.pg:task_store_answer",
}


def task_function(task: str) -> Callable[..., dict]:
    """The function behind `task` (KeyError for an unknown one)."""
    module, name = TASKS[task].split(":")
    return getattr(importlib.import_module(module), name)


def run_child(task: str, **kwargs) -> dict:
    """Run `task_function(task)(**kwargs)` (JSON arguments) in a fresh Python process; returns what it returned.

    Raises RuntimeError when the child fails (its traceback is on stderr, above)."""
    code = "import sys; from qa.bench.child import main; sys.exit(main())"
    result = subprocess.run([sys.executable, "-c", code, task, json.dumps(kwargs)], stdout=subprocess.PIPE,
                            text=True, cwd=PROJECT_ROOT, check=False)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"bench phase '{task}' failed (exit {result.returncode}); see the messages above")
    return json.loads(lines[-1])


def main() -> int:
    """The child's side: `python -c ... TASK KWARGS_JSON`."""
    task, kwargs = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(task_function(task)(**kwargs)))
    return 0
