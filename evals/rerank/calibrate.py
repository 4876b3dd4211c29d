"""Export the trained reranker to int8 ONNX and calibrate it on the calibration policies.

Calibration: a logistic regression of "this passage holds the answer" on the reranker's logit and the
hybrid score, over each calibration question's first-stage candidates; then the "not stated" threshold
that leaves at most --max-abstain of those (answerable) questions without an answer. Nothing here looks
at the test policies or the golden set.

    .venv/bin/python evals/rerank/calibrate.py --trained /tmp/rerank-model --out models/policyqa-reranker
"""

import argparse
import json
from pathlib import Path

import numpy as np

from qa.answer import RERANK_DEPTH_SINGLE
from qa.build import cached_index
from qa.datasets import is_relevant, load_squad
from qa.embedding import load_embedder
from qa.engine import Engine
from qa.rerank_split import split_squad_policies
from qa.rerank_train import MAX_LENGTH, export_int8, fit_calibration, threshold_for
from qa.reranker import Reranker, passage_input
from qa.settings import BuildSettings

parser = argparse.ArgumentParser()
parser.add_argument("--squad", default="../shared/data/policyqa/dev.json")
parser.add_argument("--trained", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--max-abstain", type=float, default=0.05)
parser.add_argument("--skip-export", action="store_true")
args = parser.parse_args()
out = Path(args.out)
if not args.skip_export:
    export_int8(Path(args.trained), out)
(out / "reranker.json").write_text(json.dumps({"max_length": MAX_LENGTH, "calibration": {
    "logit_weight": 1.0, "retrieval_weight": 0.0, "bias": 0.0, "threshold": 0.0}}))
reranker = Reranker(out)
policies, questions, _ = load_squad(Path(args.squad))
split = split_squad_policies([p.id for p in policies])
settings = BuildSettings()
engine = Engine.open(cached_index(policies, settings, lambda: load_embedder(settings.model), "eval"), reranker="none")
engine.warm_up()
calibration = [q for q in questions if q.policy in split.calibration]
rows, per_question = [], []
for q in calibration:
    hits = engine.search(q.question, k=RERANK_DEPTH_SINGLE, policies=[q.policy])
    logits = reranker.score(q.question, [passage_input(h.section, h.text) for h in hits])
    labels = [int(any(is_relevant(h.policy, h.start, h.end, e) for e in q.evidence)) for h in hits]
    rows += list(zip(logits.tolist(), [h.score for h in hits], labels))
    per_question.append((logits, np.array([h.score for h in hits])))
a, b, c = fit_calibration(*zip(*rows))
best = [float(np.max(1 / (1 + np.exp(-(a * lg + b * sc + c))))) for lg, sc in per_question]
threshold = threshold_for(best, args.max_abstain)
config = {"max_length": MAX_LENGTH,
          "calibration": {"logit_weight": a, "retrieval_weight": b, "bias": c, "threshold": threshold},
          "calibrated_on": {"policies": list(split.calibration), "questions": len(calibration), "pairs": len(rows),
                            "max_false_abstention": args.max_abstain}}
(out / "reranker.json").write_text(json.dumps(config, indent=1) + "\n")
print(json.dumps(config, indent=1))
