"""A store reader right after a PostgreSQL restart with the OS page cache dropped, without and with
autoprewarm (pg_prewarm), on the synthetic store `policyqa bench --store` leaves in its server.

    sudo .venv/bin/python evals/pg_cold.py SERVER_FOLDER [--schema bench_300000_50] [--out evals/pg_cold.json]

SERVER_FOLDER holds a stopped server's data (`data/`) as tests/pg_fixture.local_server makes it, with the
schema written by `policyqa bench --store URL` (kept between runs). Root is needed to drop the page cache
(/proc/sys/vm/drop_caches). Each case: drop the page cache, start the server (2 GB shared_buffers), wait
for autoprewarm to finish when it is on, then one reader (`qa.bench.pg.task_store_serve`) times a first
and a second pass over the golden questions, over one random policy and over every policy. Autoprewarm
records which blocks shared_buffers held (every 10 s here), so its case starts with one untimed reader
that fills them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from pg_fixture import local_server  # noqa: E402

from qa.bench.child import run_child  # noqa: E402

PREWARM = ("shared_preload_libraries=pg_prewarm", "pg_prewarm.autoprewarm_interval=10s")


def drop_page_cache() -> None:
    subprocess.run("sync; echo 3 > /proc/sys/vm/drop_caches", shell=True, check=True)


def wait_for_prewarm(url: str) -> float:
    """Seconds until the autoprewarm workers that reload shared_buffers have finished."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            busy = conn.execute("SELECT count(*) FROM pg_stat_activity "
                                "WHERE backend_type = 'autoprewarm worker'").fetchone()[0]
            if not busy and time.perf_counter() - started > 2:
                return time.perf_counter() - started
            time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--schema", default="bench_300000_50")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "pg_cold.json")
    args = parser.parse_args()
    serve = {"schema": args.schema, "synthetic": True, "seed_index": str(ROOT / "index"),
             "questions_file": str(ROOT / "evals" / "golden.jsonl")}
    results = {}
    for name, settings in (("plain", ()), ("autoprewarm", PREWARM)):
        if settings:
            with local_server(args.folder, "2GB", settings) as url:
                run_child("store_serve", url=url, **serve)
                time.sleep(15)  # autoprewarm writes its block list every 10 s
        drop_page_cache()
        with local_server(args.folder, "2GB", settings) as url:
            prewarm_s = wait_for_prewarm(url) if settings else 0.0
            results[name] = {**run_child("store_serve", url=url, **serve), "prewarm_s": round(prewarm_s, 1)}
        print(name, json.dumps(results[name]), flush=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
