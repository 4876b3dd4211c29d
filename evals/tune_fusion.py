"""Sweep the query-time fusion weights on the golden set's dev part and PolicyQA dev's tuning policies;
prints one row per setting.

    .venv/bin/python evals/tune_fusion.py [--every 4]

Only data that may be tuned on is read: golden lines of `"split": "dev"` and the PolicyQA questions of the
train and calibration policies of `qa.train.split.split_squad_policies` (never its test policies, which
`policyqa eval --squad ... --split test` reports). The numbers are the first stage's ranking judged as if
nothing were "not stated" (`retrieval_*`): the no-reranker threshold abstains on most PolicyQA questions,
which would hide the fusion weights' effect.

Uses the indexes `policyqa eval` builds (the project index for the golden set, the cached PolicyQA
index), so run `policyqa index build` and `policyqa eval --squad ...` once first. Each setting is a
`RetrievalSettings` given to the engine (`Engine.with_settings`); nothing global is changed.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from qa.cli.eval import temporary_index
from qa.config import BuildSettings, RetrievalSettings
from qa.eval.datasets import load_golden, load_squad
from qa.eval.evaluation import evaluate
from qa.search.engine import Engine
from qa.train.split import split_squad_policies

ROOT = Path(__file__).resolve().parent.parent
POLICYQA = ROOT.parent / "shared" / "data" / "policyqa" / "dev.json"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=int, default=4)
    parser.add_argument("--sentence", default="0,0.25,0.5,0.75")
    parser.add_argument("--hybrid", default="0.5,0.6,0.7,0.8,0.9,1.0")
    args = parser.parse_args()
    golden_engine = Engine.open(ROOT / "index")
    golden, _ = load_golden(ROOT / "evals" / "golden.jsonl", golden_engine.policies)
    golden = [q for q in golden if q.split == "dev"]
    policies, squad, _ = load_squad(POLICYQA, every=args.every)
    split = split_squad_policies([p.id for p in policies])
    tunable = set(split.train) | set(split.calibration)
    squad = [q for q in squad if q.policy in tunable]
    squad_engine = Engine.open(temporary_index(policies, BuildSettings(), quiet=True),
                               embedder_factory=lambda model: golden_engine.embedder)
    print(f"{len(golden)} golden dev questions, {len(squad)} PolicyQA questions of {len(tunable)} tuning policies")
    print("sentence_w hybrid_w | golden dev hit@1 hit@3 recall@5 mrr | policyqa tuning hit@1 hit@5 mrr")
    for sw, hw in itertools.product(map(float, args.sentence.split(",")), map(float, args.hybrid.split(","))):
        settings = RetrievalSettings(sentence_weight=sw, hybrid_weight=hw)
        rows = []
        for engine, questions in [(golden_engine, golden), (squad_engine, squad)]:
            runs, _ = evaluate(engine.with_settings(settings), questions, ["hybrid"], k=5)
            metrics = runs[0].metrics(5)
            rows.append({key: metrics[f"retrieval_{key}"] for key in ("hit@1", "hit@3", "hit@5", "recall@5", "mrr@10")})
        g, p = rows
        print(f"{sw:10.2f} {hw:8.2f} | {g['hit@1']:.3f} {g['hit@3']:.3f} {g['recall@5']:.3f} {g['mrr@10']:.3f}"
              f" | {p['hit@1']:.3f} {p['hit@5']:.3f} {p['mrr@10']:.3f}", flush=True)


if __name__ == "__main__":
    main()
