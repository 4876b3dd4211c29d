"""Reranker training data from PolicyQA dev: per question, its positives and same-policy hard negatives.

Policies are split by sorted id into train / calibration / test (the last 6 = the held-out set the
query adapter was measured on). Candidates come from the product's own index and hybrid retriever, so
the reranker learns to correct the very ranking it will rerank.

    .venv/bin/python evals/rerank/prepare.py --out /tmp/rerank-data
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from qa.build import cached_index
from qa.datasets import is_relevant, load_squad
from qa.embedding import load_embedder
from qa.engine import Engine
from qa.rerank_split import split_squad_policies
from qa.settings import BuildSettings

DEPTH = 30


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--squad", default="../shared/data/policyqa/dev.json")
    parser.add_argument("--out", required=True)
    parser.add_argument("--negatives", type=int, default=7)
    args = parser.parse_args()
    policies, questions, _ = load_squad(Path(args.squad))
    split = split_squad_policies([p.id for p in policies])
    settings = BuildSettings()
    folder = cached_index(policies, settings, lambda: load_embedder(settings.model), "eval")
    engine = Engine.open(folder)
    engine.warm_up()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    by_policy = {}
    for p in engine.index.passages:
        by_policy.setdefault(p.policy, []).append(p)
    counts = {}
    with (out / "pairs.jsonl").open("w") as fh:
        for q in questions:
            part = split.part_of(q.policy)
            hits = engine.search(q.question, k=DEPTH, policies=[q.policy])
            rel = [p for p in by_policy[q.policy] if any(is_relevant(p.policy, p.start, p.end, e) for e in q.evidence)]
            if not rel:
                continue
            negatives = [h for h in hits if not any(is_relevant(h.policy, h.start, h.end, e) for e in q.evidence)]
            hard = negatives[:args.negatives]
            pool = [p for p in by_policy[q.policy] if p.id not in {h.passage_id for h in hits} and p not in rel]
            easy = rng.sample(pool, min(2, len(pool)))
            row = {"qid": q.id, "policy": q.policy, "part": part, "question": q.question,
                   "positives": [{"section": p.section, "text": p.text} for p in rel],
                   "negatives": [{"section": h.section, "text": h.text} for h in hard]
                   + [{"section": p.section, "text": p.text} for p in easy]}
            fh.write(json.dumps(row) + "\n")
            counts[part] = counts.get(part, 0) + 1
    (out / "split.json").write_text(json.dumps({"split": split.to_dict(), "questions": counts, "index": str(folder)}, indent=1))
    print(counts, folder)


if __name__ == "__main__":
    main()
