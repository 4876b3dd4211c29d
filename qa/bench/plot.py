"""The bench's latency plot (evals/bench/latency.png)."""

from __future__ import annotations

from pathlib import Path

from qa.bench.report import TARGETS
from qa.errors import require_extra


def plot(results: dict, path: Path) -> None:
    """Latency (p50 and p95) against corpus size: policyqa end to end, bare FAISS, and the plain baseline."""
    require_extra("bench", "matplotlib", feature="the bench's latency plot")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    serve = results.get("serve", {})
    if not serve:
        return
    sizes = [s["passages"] for s in serve.values()]
    fig, ax = plt.subplots(figsize=(10, 5), dpi=120)
    series = [("policyqa answer", lambda s: s["answer_ms"], "C0"),
              ("plain: PyTorch encode + flat search", lambda s: s.get("plain", {}).get("answer_ms", {}), "C3"),
              ("bare FAISS, passage index", lambda s: s["faiss_passages_ms"], "C2"),
              ("bare FAISS, sentence index", lambda s: s["faiss_sentences_ms"], "C1")]
    for label, get, color in series:
        p50 = [get(s).get("p50") for s in serve.values()]
        p95 = [get(s).get("p95") for s in serve.values()]
        if any(v is not None for v in p50):
            ax.plot(sizes, p50, "o-", color=color, label=f"{label} p50")
            ax.plot(sizes, p95, "s--", color=color, alpha=0.6, label=f"{label} p95")
    ax.axhline(TARGETS["large_p95_ms"], color="grey", lw=0.8, ls=":")
    ax.text(sizes[0], TARGETS["large_p95_ms"] * 1.08, "p95 target at 300k passages (25 ms)", fontsize=7,
            color="grey")
    ax.axhline(TARGETS["seed_p50_ms"], color="grey", lw=0.8, ls="-.")
    ax.text(sizes[0], TARGETS["seed_p50_ms"] * 0.8, "p50 target on the seed corpus (10 ms)", fontsize=7,
            color="grey")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages in the index (seed: real vectors; larger: synthetic vectors)")
    ax.set_ylabel("warm latency per question (ms)")
    ax.set_title(f"policyqa latency on {results['machine']['cores']} CPU cores")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
