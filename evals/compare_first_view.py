"""Time the Compare page's first view over 330 policies, from the cache, in Chromium.

    .venv/bin/python evals/compare_first_view.py [--loads 5] [--policies 330]

Builds tests/many_policies.py's corpus with the fake embedder in a temporary folder, answers every grid
cell once into the cache (as tests/test_compare_scale_e2e.py does), starts the chat on it and opens /Compare in a
new browser context per load, at 1280x800 and 390x844 in turn. A first view is the time from navigation to
the 50th row of the topic table being visible; "front end" is navigation until the page's title shows
(Streamlit's own JavaScript and its first message, before this page draws anything). Prints each load,
the median and the load average: the figure is the machine's, not asserted anywhere.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.bench.server import chromium_browser, stop, wait_healthy  # noqa: E402
from tests.test_compare_scale_e2e import BIG_DESKTOP, PHONE, ROWS_A_PAGE, corpus_index, start_fake_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--policies", type=int, default=330)
    args = parser.parse_args()
    os.environ["POLICYQA_RERANKER"] = "none"

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        corpus_index(folder, args.policies)
        print(f"{args.policies} policies built and every cell cached in {time.perf_counter() - started:.1f} s")
        process, url = start_fake_server(folder, folder / "streamlit.log")
        try:
            if not wait_healthy(url, process, 90):
                sys.exit("streamlit did not start")
            with chromium_browser() as chromium:
                times: dict[int, list[float]] = {}
                for n in range(args.loads * 2 + 1):
                    viewport = (BIG_DESKTOP, PHONE)[n % 2]
                    context = chromium.new_context(viewport=viewport)
                    page = context.new_page()
                    t0 = time.perf_counter()
                    page.goto(f"{url}/Compare")
                    page.get_by_text("Compare policies").first.wait_for()
                    front = time.perf_counter() - t0
                    page.locator(".pq-row:not(.pq-row-head)").nth(ROWS_A_PAGE - 1).wait_for()
                    first = time.perf_counter() - t0
                    context.close()
                    if n == 0:  # the server's first session imports the page's modules: reported apart
                        print(f"first session after start: {first:.2f} s")
                        continue
                    times.setdefault(viewport["width"], []).append(first)
                    print(f"{viewport['width']} px: front end {front:.2f} s, first view {first:.2f} s")
                for width, values in times.items():
                    print(f"{width} px: median {statistics.median(values):.2f} s "
                          f"(range {min(values):.2f}-{max(values):.2f}) over {len(values)} loads")
                print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        finally:
            stop(process)


if __name__ == "__main__":
    main()
