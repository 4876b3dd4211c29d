"""The abstention trade-off on the golden set: for each threshold on the best passage's dense score,
the share of unanswerable questions that abstain and of answerable ones that wrongly do.

    .venv/bin/python evals/abstention_curve.py [--retriever hybrid] [--start 0.30 --stop 0.66 --step 0.025]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from qa.datasets import load_golden
from qa.engine import DEFAULT_RETRIEVER, Engine

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--retriever", default=DEFAULT_RETRIEVER)
    parser.add_argument("--start", type=float, default=0.30)
    parser.add_argument("--stop", type=float, default=0.66)
    parser.add_argument("--step", type=float, default=0.025)
    args = parser.parse_args()
    engine = Engine.open(ROOT / "index")
    questions, _ = load_golden(ROOT / "evals" / "golden.jsonl", engine.policies)
    confidence = {True: [], False: []}
    for q in questions:
        hits = engine.rank(q.question, k=5, policies=[q.policy] if q.policy else None, retriever=args.retriever)
        confidence[q.answerable].append(max(h.similarity for h in hits))
    answerable, unanswerable = np.array(confidence[True]), np.array(confidence[False])
    print(f"{len(answerable)} answerable, {len(unanswerable)} unanswerable ({args.retriever})")
    print("| threshold | unanswerable abstain | answerable abstain |\n|---|---|---|")
    for threshold in np.arange(args.start, args.stop, args.step):
        print(f"| {threshold:.3f} | {np.mean(unanswerable < threshold):.3f} | {np.mean(answerable < threshold):.3f} |")


if __name__ == "__main__":
    main()
