"""`policyqa ask`: one question, or a JSON-lines file of them, through the product's answer path;
cited passages for a terminal (policy text escaped) or one JSON object per question."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from qa.cli.options import index_option, model_option, non_negative_int, positive_int, reranker_option, retriever_names
from qa.cli.output import terminal_safe
from qa.cli.store import add_store_option, known_policies, store_of
from qa.errors import UserError
from qa.search.quotes import more_items_text
from qa.search.wording import not_indexed_line, stale_line, summary_line, verdict_line, wants_summary


def add_ask_parser(commands) -> argparse.ArgumentParser:
    """Register `policyqa ask` on the CLI's subcommands."""
    ask = commands.add_parser("ask", help="ask a question; prints cited passages")
    ask.add_argument("question", nargs="*", help="the question")
    ask.add_argument("--questions", type=Path, metavar="FILE.jsonl",
                     help='batch mode: one {"id", "question", "policy"} object per line')
    ask.add_argument("--policy", action="append", metavar="ID", help="search only this policy (repeatable)")
    ask.add_argument("--k", type=int, default=5, help="passages to return (default 5)")
    ask.add_argument("--retriever", choices=retriever_names(), help="retrieval backend (default: hybrid)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question (every company's row)")
    ask.add_argument("--limit", type=positive_int, default=20, metavar="N",
                     help="companies shown in text mode, strongest first (default 20)")
    ask.add_argument("--offset", type=non_negative_int, default=0, metavar="N",
                     help="companies skipped in text mode before the first shown (paging)")
    ask.add_argument("--passages", action="store_true",
                     help="also print the other passages behind the answer (labelled: not answers)")
    ask.add_argument("--policies", type=Path, metavar="DIR",
                     help="the policies folder, checked for files edited since the build "
                          "(default: $POLICYQA_POLICIES or policies/)")
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
    return _conversation_problem(item.get("conversation"))


def _conversation_problem(value) -> str | None:
    """A conversation id that would be ignored (0, "") is refused rather than silently not grouped."""
    if value is not None and not isinstance(value, bool) and (value == "" or (isinstance(value, int) and value < 1)):
        return f'"conversation" must be a non-empty string or a number >= 1, got {_json_shown(value)}'
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
    the `Answer`. "passages" lists the answering policies' passages in the order `policyqa eval` judges
    (`Answer.ranking`: each answering policy's leading passage, then the rest), or, when every policy is
    "not stated", the nearest matches (with "abstained": true)."""
    answer = engine.answer(question, k=k, policies=policies, retriever=retriever, history=history or ())
    hits = (answer.ranking() or answer.ranking(include_abstained=True))[:k]
    result = answer.to_dict()
    result["passages"] = [h.to_dict() for h in hits]
    result["not_stated"] = [row.policy for row in answer.rows if row.abstained]
    return result, answer


def _wrapped(text: str, indent: str, width: int = 100) -> list[str]:
    """Policy text for a terminal: made safe (`terminal_safe`), each of its lines wrapped and indented."""
    return [textwrap.fill(line.strip(), width=width, initial_indent=indent, subsequent_indent=indent)
            for line in terminal_safe(text, True).split("\n") if line.strip()]


def _quote_lines(quote) -> list[str]:
    """One quote as the chat shows it: verbatim between curly quotes, then its section and offsets, then
    what a cut list leaves out."""
    lines = _wrapped(f"“{quote.text}”", "   ")
    section = f"§ {quote.section}  " if quote.section else ""
    lines.append(terminal_safe(f"      {section}[{quote.policy} {quote.start}:{quote.end}]"))
    if quote.more:
        lines.append(terminal_safe(f"      {more_items_text(quote.more_items)} not shown  "
                                   f"[{quote.policy} {quote.more[0][0]}:{quote.more[-1][1]}]"))
    return lines


def _other_passages(answer) -> list:
    """The passages behind the answer that are not quoted: every row's, best row first."""
    out = []
    for row in answer.rows:
        quoted = [(q.start, q.end) for q in row.quotes]
        out += [h for h in row.hits if not any(h.start <= s and e <= h.end for s, e in quoted)]
    return out


def _print_answer(answer, policies: dict, passages: bool = False, limit: int = 20, offset: int = 0) -> None:
    """The answer for a terminal, as the chat shows it: the summary by verdict for several companies, a line
    per organisation with no policy here, then one block per company with its verdict, label and quotes.
    Other passages only with `passages`, under a heading that says they are not answers. Every piece of
    policy or user text goes through `terminal_safe`."""
    def say(line: str = "") -> None:
        print(terminal_safe(line))

    if answer.interpreted_as != answer.question:
        say(f"Interpreted as: {answer.interpreted_as}")
    for typed, policy_id in answer.corrections:
        say(f"Showing results for {policies[policy_id].name} (you typed \"{typed}\")")
    if wants_summary(answer):
        say(summary_line(answer))
    for name in answer.not_indexed:
        say(not_indexed_line(name))
    if answer.not_indexed and not answer.rows:
        indexed = ", ".join(p.name for p in policies.values())
        say(f"Indexed: {indexed}; add a policy with `policyqa index add FILE`.")
    for m in answer.mentions:
        say(f"  Mentioned in {m.name} — {m.section} [{m.policy} {m.start}:{m.end}] (not an answer)")
    if not answer.rows and not answer.not_indexed:
        say("No policy was searched.")
    shown = answer.rows[offset:offset + limit]
    for row in shown:
        print()
        say(f"{row.name}: {verdict_line(row)}")
        for quote in row.quotes if not row.abstained else ():
            if quote.gap_before:
                print("   …")
            for line in _quote_lines(quote):
                print(line)
    if len(shown) < len(answer.rows):
        print()
        say(f"Showing companies {offset + 1}-{offset + len(shown)} of {len(answer.rows)}, strongest first; "
            f"more with --offset {offset + len(shown)}" if offset + len(shown) < len(answer.rows) else
            f"Showing companies {offset + 1}-{offset + len(shown)} of {len(answer.rows)}")
    others = _other_passages(answer) if passages else []
    if passages:
        print()
        say("Other passages (not answers):" if others else "Other passages (not answers): none")
        for rank, hit in enumerate(others, start=1):
            section = f" — {hit.section}" if hit.section else ""
            say(f"{rank}. {hit.name}{section}  [{hit.policy} {hit.start}:{hit.end}]")
            for line in _wrapped(hit.text, "   "):
                print(line)
    print()


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
    manifest: dict | None = None
    if store is None:
        manifest = read_manifest(index_dir(args.index))
        known = manifest["policies"]
    else:
        known = known_policies(store)
    for item in items:
        for policy_id in args.policy or ([item["policy"]] if item.get("policy") else ()):
            if policy_id not in known:
                raise UserError(f"unknown policy id '{policy_id}' (known: {', '.join(sorted(known))})")
    from qa.search.engine import open_engine

    engine = open_engine(store or index_dir(args.index), model=args.model, reranker=args.reranker)
    changed = _changed_policies(manifest, args.policies)
    if changed:  # still answered, from the text the index holds
        print(f"warning: {terminal_safe(stale_line(changed))}", file=sys.stderr)
    conversations: dict[str, list] = {}  # "conversation" groups batch lines into the turns of one chat
    for item in items:
        scope = args.policy or ([item["policy"]] if item.get("policy") else None)
        conversation = item.get("conversation")  # 1 and "1" are two conversations (json.dumps keeps them apart)
        history = conversations.setdefault(json.dumps(conversation), []) if conversation is not None else None
        # An empty question or an unknown id is a QueryError: one line and exit 2, from `main`.
        result, answer = _ask_one(engine, str(item["question"]), scope, args.k, args.retriever, history)
        if history is not None:
            history.append(answer)
        if args.json:
            result["changed_since_build"] = changed
            print(json.dumps({"id": item.get("id"), **result}, ensure_ascii=False), flush=True)
        else:
            if len(items) > 1:
                print(terminal_safe(f"## {item['question']}"))
            _print_answer(answer, engine.policies, passages=args.passages, limit=args.limit, offset=args.offset)
    return 0


def _changed_policies(manifest: dict | None, policies: Path | None) -> list[str]:
    """Ids of the indexed policies whose file in the policies folder changed since the build (the check
    `index status` makes); none for a PostgreSQL store, whose policies folder is its builders'."""
    if manifest is None:
        return []
    from qa.config import policies_dir
    from qa.index.freshness import changed_since_build

    return changed_since_build(manifest, policies_dir(policies))
