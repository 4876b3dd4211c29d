"""Each bench phase runs in a fresh Python process, so its peak RSS is its own and no model stays loaded
into the next: the parent calls `run_child(task, **kwargs)`, the child runs `TASKS[task](**kwargs)` and
prints the JSON it returns as its last line on stdout (its progress goes to stderr)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

from qa.bench.backends import task_backends
from qa.bench.collection import task_collection_build
from qa.bench.pg import task_store_answer, task_store_seed, task_store_serve
from qa.bench.routing import task_routing
from qa.bench.serve import task_serve
from qa.bench.synthetic import task_synthetic_build
from qa.config import PROJECT_ROOT

TASKS: dict[str, Callable[..., dict]] = {
    "backends": task_backends, "serve": task_serve, "synthetic_build": task_synthetic_build,
    "collection_build": task_collection_build, "routing": task_routing,  # a real collection (qa.bench.collection)
    "store_seed": task_store_seed, "store_serve": task_store_serve,  # the PostgreSQL store (qa.bench.pg)
    "store_answer": task_store_answer,
}


def run_child(task: str, **kwargs) -> dict:
    """Run `TASKS[task](**kwargs)` (JSON arguments) in a fresh Python process; returns what it returned.

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
    print(json.dumps(TASKS[task](**kwargs)))
    return 0
