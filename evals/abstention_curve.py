"""The "not stated" trade-off on the answer path: for each threshold on an answer's confidence, the share
of golden unanswerable questions that say "not stated", of golden answerable ones that wrongly do, and
of held-out PolicyQA questions (test policies, all answerable) that wrongly do. Writes a Markdown table
and a plot; the shipped threshold (calibrated on other PolicyQA policies) is marked.

    .venv/bin/python evals/abstention_curve.py [--index index] [--out evals/abstention.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from qa.config import BuildSettings
from qa.embed.load import load_embedder
from qa.eval.datasets import load_golden, load_squad
from qa.index.build import cached_index
from qa.search.engine import Engine
from qa.train.split import split_squad_policies

ROOT = Path(__file__).resolve().parent.parent
POLICYQA = ROOT.parent / "shared" / "data" / "policyqa" / "dev.json"


def confidences(engine: Engine, questions) -> tuple[np.ndarray, np.ndarray]:
    """(best row confidence, answerable) per question, asked as `policyqa eval` asks it; a question about a
    company with no policy here has no row and confidence 0 (it always says so)."""
    values, answerable = [], []
    histories: dict[str, list] = {}
    for q in questions:
        history = histories.setdefault(q.conversation, []) if q.conversation else []
        answer = engine.answer(q.question, k=5, policies=[q.policy] if q.scoped else None, history=history)
        if q.conversation:
            history.append(answer)
        values.append(max((row.confidence for row in answer.rows), default=0.0))
        answerable.append(q.answerable)
    return np.array(values), np.array(answerable)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", default=str(ROOT / "index"))
    parser.add_argument("--out", default=str(ROOT / "evals" / "abstention.png"))
    parser.add_argument("--steps", type=int, default=41)
    args = parser.parse_args()
    golden_engine = Engine.open(args.index)
    golden, _ = load_golden(ROOT / "evals" / "golden.jsonl", golden_engine.policies)
    g_conf, g_ans = confidences(golden_engine, golden)
    policies, questions, _ = load_squad(POLICYQA)
    split = split_squad_policies([p.id for p in policies])
    settings = BuildSettings()
    squad_engine = Engine.open(cached_index(policies, settings, lambda: load_embedder(settings.model), "eval"))
    p_conf, _ = confidences(squad_engine, [q for q in questions if q.policy in split.test])
    shipped = golden_engine.reranker.calibration.threshold if golden_engine.reranker else None
    # Calibrated probabilities of a passage answering sit low (one answer among ~20 candidates): the
    # interesting range is below 0.2.
    thresholds = np.linspace(0, 0.2, args.steps) if shipped is not None else np.linspace(0.3, 0.7, args.steps)
    curves = {
        "golden unanswerable: not stated (want high)": [np.mean(g_conf[~g_ans] < t) for t in thresholds],
        "golden answerable: wrongly not stated": [np.mean(g_conf[g_ans] < t) for t in thresholds],
        "PolicyQA test policies: wrongly not stated": [np.mean(p_conf < t) for t in thresholds],
    }
    print(f"golden {g_ans.sum()} answerable / {(~g_ans).sum()} unanswerable; PolicyQA test {len(p_conf)}; "
          f"shipped threshold {shipped}")
    print("| threshold | " + " | ".join(curves) + " |\n|---|" + "---|" * len(curves))
    for i, t in enumerate(thresholds):
        print(f"| {t:.3f} | " + " | ".join(f"{c[i]:.3f}" for c in curves.values()) + " |")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for label, values in curves.items():
        ax.plot(thresholds, values, label=label)
    if shipped is not None:
        ax.axvline(shipped, color="grey", linestyle="--", label=f"shipped threshold {shipped:.3f}")
    ax.set_xlabel("threshold on the answer's confidence")
    ax.set_ylabel("share of questions answered 'not stated'")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
