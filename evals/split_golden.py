"""Give every golden line without one a `"split"`: "dev" (tune on it) or "test" (report it, never tune on it).

    .venv/bin/python evals/split_golden.py [--dataset evals/golden.jsonl] [--seed 22]

Stratified by kind of question (`qa.eval.datasets.question_kind`: single-company, multi-company,
unanswerable, unindexed company, conversation), a conversation's turns kept together in one part. Lines
that already have a split keep it, so new questions can be added and split without moving old ones: within
each kind, groups (a conversation, or one question) are taken in a seeded shuffle and each goes to the part
that has fewer questions of that kind so far. Rewrites the file in place, one JSON object per line.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

from qa.eval.datasets import SPLITS, question_kind

ROOT = Path(__file__).resolve().parent.parent


def line_kind(row: dict) -> str:
    return question_kind(row.get("conversation") or "", row.get("not_indexed") or (), bool(row["answers"]),
                         row.get("policy"))


def assign_splits(rows: list[dict], seed: int) -> list[dict]:
    """`rows` with "split" set on every line that had none (see the module docstring); new dicts."""
    rows = [dict(row) for row in rows]
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row.get("conversation") or f"q:{row['id']}", []).append(row)
    counts: Counter = Counter()  # (kind, split) -> questions
    open_groups: dict[str, list[list[dict]]] = {}
    for members in groups.values():
        kind = line_kind(members[0]) if not members[0].get("conversation") else "conversation"
        fixed = {m["split"] for m in members if m.get("split")}
        if len(fixed) > 1:
            raise SystemExit(f"conversation {members[0]['conversation']} is split across parts")
        if fixed:
            part = fixed.pop()
            for m in members:
                m["split"] = part
            counts[kind, part] += len(members)
        else:
            open_groups.setdefault(kind, []).append(members)
    rng = random.Random(seed)
    for kind in sorted(open_groups):
        pending = open_groups[kind]
        rng.shuffle(pending)
        for members in pending:
            part = min(SPLITS, key=lambda s: (counts[kind, s], rng.random()))
            for m in members:
                m["split"] = part
            counts[kind, part] += len(members)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=ROOT / "evals" / "golden.jsonl")
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = assign_splits(rows, args.seed)
    args.dataset.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    table = Counter((line_kind(r), r["split"]) for r in rows)
    for kind in sorted({k for k, _ in table}):
        print(f"{kind:14} " + "  ".join(f"{s} {table[kind, s]:3}" for s in SPLITS))


if __name__ == "__main__":
    main()
