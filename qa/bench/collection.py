"""Bench phase: a real collection (Open Terms Archive's 332 current privacy policies) built as
`policyqa index build` builds it: build time, passages and texts embedded per second, peak memory."""

from __future__ import annotations

import time
from pathlib import Path

from qa.bench.measure import peak_rss_mb, say
from qa.config import PROJECT_ROOT

# Where the shared data sits beside a checkout; the bench adds the collection as a size when it is there.
DEFAULT_COLLECTION = PROJECT_ROOT.parent / "shared" / "data" / "open-terms-archive" / "current"


def task_collection_build(policies: str, folder: str) -> dict:
    """Index the folder `policies` into `folder` with the product's embedder; what it took."""
    from qa.embed.load import load_embedder
    from qa.index.build import BuildSettings, build_index

    settings = BuildSettings()
    say(f"building {policies}")
    started = time.perf_counter()
    report = build_index(Path(policies), Path(folder), settings, lambda: load_embedder(settings.model))
    build_s = time.perf_counter() - started
    files = len(report.added) + len(report.updated) + len(report.unchanged)
    return {"policies": files, "errors": [str(e) for e in report.errors], "skipped": [str(s) for s in report.skipped],
            "passages": report.passages, "texts_embedded": report.embedded, "build_s": round(build_s, 1),
            "passages_per_s": round(report.passages / build_s, 1) if build_s else None,
            "texts_per_s": round(report.embedded / build_s, 1) if build_s else None, "peak_rss_mb": peak_rss_mb()}
