"""`policyqa ask`: one question, or a JSON-lines file of them, through the product's answer path;
cited passages for a terminal (policy text escaped) or one JSON object per question."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from qa.cli.options import index_option, model_option, reranker_option, retriever_names
from qa.cli.output import terminal_safe
from qa.cli.store import add_store_option, known_policies, store_of
from qa.errors import UserError


def add_ask_parser(commands) -> argparse.ArgumentParser:
    """Register `policyqa ask` on the CLI's subcommands."""
    ask = commands.add_parser("ask", help="ask a question; prints cited passages")
    ask.add_argument("question", nargs="*", help="the question")
    ask.add_argument("--questions", type=Path, metavar="FILE.jsonl",
                     help='batch mode: one {"id", "question", "policy"} object per line')
    ask.add_argument("--policy", action="append", metavar="ID", help="search only this policy (repeatable)")
    ask.add_argument("--k", type=int, default=5, help="passages to return (default 5)")
    ask.add_argument("--retriever", choices=retriever_names(), help="retrieval backend (default: hybrid)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    reranker_option(ask)
    index_option(ask)
    model_option(ask, "the index was built with")
    add_store_option(ask)
    ask.set_defaults(func=cmd_ask)
    return ask


def _question_problem(item) -> str | None:
    """What is wrong with one batch line's object, or None: each field is checked for its type."""
    question = item.get("question")
    if not isinstance(question, str) or not question.strip():
        return f'"question" must be a non-empty string, got {_json_shown(question)}'
    if item.get("policy") is not None and (not isinstance(item["policy"], str) or not item["policy"].strip()):
        return f'"policy" must be one policy id (a string) or null, got {_json_shown(item["policy"])}'
    for key in ("id", "conversation"):
        value = item.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
            return f'"{key}" must be a string, a number or null, got {_json_shown(value)}'
    return None


def _json_shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return (text if len(text) <= 40 else text[:39] + "…") + ("" if value is None else f" ({type(value).__name__})")


def _read_questions(path: Path) -> list[dict]:
    """The batch's questions; DatasetError (one line, exit 2) naming the first bad lines, if any."""
    from qa.eval.datasets import DatasetProblem, dataset_error, read_questions

    rows, problems = read_questions(path)
    problems += [DatasetProblem(number, problem) for number, item in rows if (problem := _question_problem(item))]
    if problems:
        raise dataset_error(path, sorted(problems, key=lambda p: p.line))
    return [item for _, item in rows]


def _ask_one(engine, question: str, policies: list[str] | None, k: int, retriever: str | None,
             history: list | None = None) -> tuple[dict, object]:
    """One question through `Engine.answer` (the product's one answer path); returns its JSON form and
    the `Answer`. "passages" lists the answering policies' passages best first, or, when every policy
    is "not stated", the nearest matches (with "abstained": true)."""
    answer = engine.answer(question, k=k, policies=policies, retriever=retriever, history=history or ())
    rows = answer.answered or answer.rows
    hits = sorted((h for row in rows for h in row.hits), key=lambda h: -h.score)[:k]
    result = answer.to_dict()
    result["passages"] = [h.to_dict() for h in hits]
    result["not_stated"] = [row.policy for row in answer.rows if row.abstained]
    return result, answer


def _marked(text: str, start: int, highlights: list[list[int]], color: bool) -> str:
    """Passage text with its highlighted sentences between >>> <<< (or bold yellow on a terminal)."""
    on, off = ("\033[1;33m", "\033[0m") if color else (">>>", "<<<")
    out, cursor = [], 0
    for s, e in sorted(highlights):
        out += [terminal_safe(text[cursor:s - start], True), on, terminal_safe(text[s - start:e - start], True), off]
        cursor = e - start
    return "".join(out + [terminal_safe(text[cursor:], True)])


def _print_answer(result: dict, policies: dict) -> None:
    """The answer for a terminal. Every piece of policy or user text goes through `terminal_safe`; the
    marked passages are made safe piece by piece in `_marked`, around its own colour codes."""
    color = sys.stdout.isatty()

    def say(line: str = "") -> None:
        print(terminal_safe(line))

    if result["interpreted_as"] != result["question"]:
        say(f"Interpreted as: {result['interpreted_as']}")
    for correction in result["corrections"]:
        say(f"Showing results for {policies[correction['policy']].name} (you typed \"{correction['typed']}\")")
    if result["not_indexed"]:
        indexed = ", ".join(p.name for p in policies.values())
        say(f"No policy of {', '.join(result['not_indexed'])} is indexed — indexed: {indexed}; "
            "add one with `policyqa index add FILE`.")
        for m in result["mentions"]:
            say(f"  Mentioned in {m['name']} — {m['section']} [{m['policy']} {m['start']}:{m['end']}] (not an answer)")
        return
    if result["abstained"]:
        say("Not stated: the policies searched do not appear to address this. Nearest matches (not answers):\n")
    if not result["passages"]:
        say("No passages found.")
    for rank, p in enumerate(result["passages"], start=1):
        section = f" — {p['section']}" if p["section"] else ""
        score = f"confidence {p['score']:.0%}" if result["reranker"] else f"score {p['score']:.3f}"
        say(f"{rank}. {p['name']}{section}  [{p['policy']} {p['start']}:{p['end']}, {score}]")
        for paragraph in _marked(p["text"], p["start"], p["highlights"], color).split("\n"):
            if paragraph.strip():
                print(textwrap.fill(paragraph.strip(), width=100, initial_indent="   ", subsequent_indent="   "))
        print()
    if result["not_stated"] and not result["abstained"]:
        say(f"Not stated in: {', '.join(policies[p].name for p in result['not_stated'])}")


def cmd_ask(args: argparse.Namespace) -> int:
    if args.questions is None and not args.question:
        raise UserError("give a QUESTION or --questions FILE")
    if args.questions is not None and args.question:
        raise UserError("give either a QUESTION or --questions FILE, not both")
    items = (_read_questions(args.questions) if args.questions is not None
             else [{"id": None, "question": " ".join(args.question), "policy": None}])
    if args.questions is None and not str(items[0]["question"]).strip():
        raise UserError("question is empty")
    from qa.config import index_dir
    from qa.index.store import read_manifest

    store = store_of(args)
    # Arguments are checked against the manifest before the model loads, so a typo fails at once.
    known = read_manifest(index_dir(args.index))["policies"] if store is None else known_policies(store)
    for item in items:
        for policy_id in args.policy or ([item["policy"]] if item.get("policy") else ()):
            if policy_id not in known:
                raise UserError(f"unknown policy id '{policy_id}' (known: {', '.join(sorted(known))})")
    from qa.index.pg import open_engine

    engine = open_engine(store, args.index, model=args.model, reranker=args.reranker)
    conversations: dict[str, list] = {}  # "conversation" groups batch lines into the turns of one chat
    for item in items:
        scope = args.policy or ([item["policy"]] if item.get("policy") else None)
        history = conversations.setdefault(str(item["conversation"]), []) if item.get("conversation") else None
        # An empty question or an unknown id is a QueryError: one line and exit 2, from `main`.
        result, answer = _ask_one(engine, str(item["question"]), scope, args.k, args.retriever, history)
        if history is not None:
            history.append(answer)
        if args.json:
            print(json.dumps({"id": item.get("id"), **result}, ensure_ascii=False), flush=True)
        else:
            if len(items) > 1:
                print(f"## {item['question']}")
            _print_answer(result, engine.policies)
    return 0
