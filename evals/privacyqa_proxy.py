"""A proxy for an expert-answered "does the policy say?" benchmark: real user questions (PrivacyQA, flagged with
OPP-115 categories, no answers) asked of OPP-115 policies, whose expert segments say which categories each
policy addresses.

A question is "unaddressed" of a policy with no expert segment in any of its categories, "addressed" when
some category has one (which does not make it answerable: "does the app use my camera?" is addressed by a
policy that says what it collects and still not answered), and of no category when PrivacyQA flags none. The
number that counts is "not stated" on each side: high for unaddressed, low for addressed.

    .venv/bin/python evals/privacyqa_proxy.py --part dev    # PrivacyQA training apps x OPP-115 train policies
    .venv/bin/python evals/privacyqa_proxy.py --part test   # held-out apps x OPP-115's 20 held-out policies

Tune on `dev` only: its questions trained the practice model's question head and its policies the topic
heads, so it is optimistic; `test` is neither and is reported, never tuned on. Each question is asked of
`--per-question` policies picked by a hash of its text.

`--labels evals/privacyqa_labels.jsonl` asks instead the (question, policy) pairs labelled by hand from the
policy texts: "answerable" when a sentence answers the question either way, "unanswerable" when none
does (120 pairs drawn from the "addressed" side of dev and test; a question is named by the sha256 of its
text, so no data set's text is copied here). That measures what the categories cannot: "not stated" for
answerable questions (the error that costs trust) against unanswerable ones. `--part ota` asks 100
labelled pairs of training apps' questions of 25 Open Terms Archive policies, which no model here was
trained or tuned on: dev data on policies unlike OPP-115's training ones.

    .venv/bin/python evals/privacyqa_proxy.py --part ota --labels evals/privacyqa_labels.jsonl
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

from qa.cli.eval import temporary_index
from qa.config import BuildSettings
from qa.eval.opp115 import segmented_policy
from qa.search.engine import Engine
from qa.train.opp115 import gold_practices, load_policies, opp115_split
from qa.train.practice_data import _ERASE, PRIVACYQA_FLAGS, PRIVACYQA_TEST_SHARE, held_out


def questions(data: Path, test: bool) -> list[tuple[str, set[str]]]:
    """(question, OPP-115-derived topics) of the held-out apps (`test`) or of the training apps."""
    found = []
    with (data / "privacyqa-questions" / "train_opp_annotations.csv").open(encoding="utf-8", newline="") as h:
        for row in csv.DictReader(h, delimiter="\t"):
            if held_out(row["DocID"], PRIVACYQA_TEST_SHARE) != test:
                continue
            topics = {topic for flag, topic in PRIVACYQA_FLAGS.items() if row[flag].strip() == "1"}
            if row["user_access"].strip() == "1":
                topics.add("erasure" if _ERASE.search(row["Query"]) else "access")
            found.append((row["Query"].strip(), topics))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("dev", "test", "ota"), default="dev",
                        help="ota: Open Terms Archive policies, with --labels only")
    parser.add_argument("--per-question", type=int, default=3, help="policies each question is asked of")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, help="write every answer here (JSON)")
    parser.add_argument("--labels", type=Path, help="ask only the hand-labelled pairs of this file (JSON lines)")
    args = parser.parse_args(argv)
    if args.part == "ota":
        if not args.labels:
            parser.error("--part ota needs --labels")
        return ota(args)
    train, _, test = opp115_split(args.data)
    stems = list(test if args.part == "test" else train)
    loaded = load_policies(args.data, stems)
    gold = gold_practices(args.data, stems)
    policies = [segmented_policy(p.stem, p.name, [s.text for s in p.segments]) for p in loaded]
    folder = temporary_index([p.policy for p in policies], BuildSettings.from_env(), True)
    engine = Engine.open(folder)
    if args.labels:
        return labelled(args, engine, {p.stem: p.policy.id for p in policies})
    rows = []
    for question, topics in questions(args.data, args.part == "test"):
        digest = int(hashlib.sha256(question.encode()).hexdigest(), 16)
        for j in range(args.per_question):
            policy = policies[(digest + 7 * j) % len(policies)]
            labels = gold[policy.stem]
            known = [t for t in topics if t in labels]
            if topics and not known:
                continue  # a category OPP-115 has no labels for (legal basis, complaints)
            addressed = any(labels[t] for t in known) if topics else None
            row = engine.answer(question, policies=[policy.policy.id]).rows[0]
            rows.append({"question": question, "policy": policy.stem, "topics": sorted(topics),
                         "addressed": addressed, "not_stated": row.abstained, "verdict": row.verdict,
                         "label": row.label, "quote": row.quotes[0].text if row.quotes else ""})
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(f"{args.part}: {len(policies)} policies, {len(rows)} (question, policy) pairs")
    for name, side in (("unaddressed", False), ("addressed", True), ("no category", None)):
        chosen = [r for r in rows if r["addressed"] is side]
        said = sum(r["not_stated"] for r in chosen)
        print(f'"not stated", {name}: {said}/{len(chosen)} = {said / max(1, len(chosen)):.3f}')
    return 0


def ota(args: argparse.Namespace) -> int:
    """The labelled pairs of `--part ota`: their Open Terms Archive policies, read in place and indexed."""
    from qa.ingest.policies import read_policy

    items = map(json.loads, args.labels.read_text(encoding="utf-8").splitlines())
    slugs = sorted({item["policy"] for item in items if item["part"] == "ota"})
    folder = args.data / "open-terms-archive" / "current"
    policies = [read_policy(folder / f"{slug}.md", {}) for slug in slugs]
    engine = Engine.open(temporary_index(policies, BuildSettings.from_env(), True))
    return labelled(args, engine, {p.id: p.id for p in policies})


def labelled(args: argparse.Namespace, engine: Engine, ids: dict[str, str]) -> int:
    """"Not stated" on the labelled pairs of `args.part` (`ids`: OPP-115 file stem -> policy id), for
    answerable and for unanswerable ones."""
    by_hash = {hashlib.sha256(q.encode()).hexdigest(): q for q, _ in questions(args.data, args.part == "test")}
    print(f"{args.part}: {len(ids)} policies", file=sys.stderr)
    said: dict[str, list[bool]] = {}
    rows = []
    for line in args.labels.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["part"] != args.part:
            continue
        question = by_hash[item["question_sha256"]]
        row = engine.answer(question, policies=[ids[item["policy"]]]).rows[0]
        said.setdefault(item["label"], []).append(row.abstained)
        rows.append({**item, "question": question, "not_stated": row.abstained, "verdict": row.verdict})
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    for label, flags in sorted(said.items()):
        print(f'{args.part}, {label}: "not stated" {sum(flags)}/{len(flags)} = {sum(flags) / len(flags):.3f}')
    return 0


if __name__ == "__main__":
    sys.exit(main())
