"""Train the reranker on the train split of prepare.py's pairs (see qa/rerank_train.py).

    .venv/bin/python evals/rerank/train.py --data /tmp/rerank-data --out /tmp/rerank-model --minutes 45
"""

import argparse
import json
from pathlib import Path

from qa.embedding import resolve_model_path
from qa.rerank_train import TrainSettings, load_groups, train_cross_encoder

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--minutes", type=float, default=45)
parser.add_argument("--epochs", type=int, default=2)
args = parser.parse_args()
groups = load_groups(Path(args.data) / "pairs.jsonl", "train")
info = train_cross_encoder(resolve_model_path("all-MiniLM-L6-v2"), groups, Path(args.out),
                           TrainSettings(minutes=args.minutes, epochs=args.epochs))
(Path(args.out) / "training.json").write_text(json.dumps(info, indent=1))
print(info)
