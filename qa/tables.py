"""What every report shares: one table renderer (terminal and Markdown) and the machine it ran on.

`policyqa eval`, `policyqa tune`, `policyqa bench` and the model cards all print their numbers through
`table` and name the machine with `machine` / `machine_line`, so a figure always comes with where it
was measured.
"""

from __future__ import annotations

import os
import platform
import re
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

VERSIONED = ("numpy", "faiss-cpu", "onnxruntime", "torch", "sentence-transformers", "transformers", "bm25s",
             "streamlit")


def table(header: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool = False, labels: int = 1) -> str:
    """`rows` of strings under `header`: a Markdown pipe table, or aligned text columns with a rule under
    the header, the first `labels` columns left-aligned and the rest (numbers) right-aligned."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    everything = [list(header), *map(list, rows)]
    widths = [max(len(row[i]) for row in everything) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) if i < labels else cell.rjust(width)
                       for i, (cell, width) in enumerate(zip(row, widths))) for row in everything]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _proc_field(path: str, pattern: str) -> str | None:
    try:
        match = re.search(pattern, Path(path).read_text(), re.MULTILINE)
    except OSError:
        return None
    return match.group(1).strip() if match else None


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (other work on the machine skews latencies), where known."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine() -> dict:
    """CPU, memory, OS and library versions: what the numbers were measured on."""
    memory_kb = _proc_field("/proc/meminfo", r"^MemTotal:\s+(\d+) kB")
    versions: dict[str, str | None] = {}
    for name in VERSIONED:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return {"cpu": _proc_field("/proc/cpuinfo", r"^model name\s*:\s*(.+)$") or platform.processor(),
            "cores": os.cpu_count(), "memory_gb": round(int(memory_kb) / 1024 / 1024, 1) if memory_kb else None,
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "versions": versions, "load_average": load_average()}


def machine_line() -> str:
    """One line for report headers: OS, architecture, cores, Python."""
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}"
