"""What every bench phase measures with: progress lines, latency summaries, peak memory, sizes on disk."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# Wall-clock start of the whole run, shared with the child processes so their messages line up.
_started = float(os.environ.setdefault("POLICYQA_BENCH_STARTED", str(time.time())))


def say(message: str) -> None:
    """A progress line on stderr, stamped with the seconds since the run (not this process) began."""
    print(f"[bench {elapsed_s():6.1f}s] {message}", file=sys.stderr, flush=True)


def elapsed_s() -> float:
    """Seconds since the whole run began."""
    return time.time() - _started


def summary_ms(samples: list[float]) -> dict:
    """p50, p95, mean and max of latencies in milliseconds, and how many there were."""
    import numpy as np

    if not samples:
        return {"n": 0, "p50": None, "p95": None, "mean": None, "max": None}
    values = np.asarray(samples, dtype=np.float64)
    return {"n": len(samples), "p50": round(float(np.percentile(values, 50)), 3),
            "p95": round(float(np.percentile(values, 95)), 3), "mean": round(float(values.mean()), 3),
            "max": round(float(values.max()), 3)}


def median_summary(seconds: list[float]) -> dict:
    """Median, min and max of a few timings in seconds, and how many runs there were."""
    import numpy as np

    return {"median": round(float(np.median(seconds)), 3), "min": round(min(seconds), 3),
            "max": round(max(seconds), 3), "runs": len(seconds)}


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kB on Linux


def folder_bytes(folder: Path) -> dict[str, int]:
    """Size of each file of the index in `folder`, and the total under "total": files of its generation
    folder by name, a subfolder (bm25/) as one entry ending in "/"."""
    from qa.index.store import GENERATION

    sizes: dict[str, int] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        parts = path.relative_to(folder).parts
        if len(parts) > 1 and GENERATION.fullmatch(parts[0]):
            parts = parts[1:]
        name = parts[0] + ("/" if len(parts) > 1 else "")
        sizes[name] = sizes.get(name, 0) + path.stat().st_size
    sizes["total"] = sum(sizes.values())
    return sizes
