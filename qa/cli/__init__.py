"""The `policyqa` command: parse, call the library, print.

Heavy imports (torch, faiss, sentence-transformers) happen inside the commands that need them, so
`policyqa --help` and argument errors answer at once. A user error is one line on stderr: exit code 2
for a bad argument or input (flags, ids, a questions file), 1 when the work cannot be done (the index
or model cannot be used, a policy file or policies.toml cannot be read, the index cannot be written,
another build holds the lock). Only a bug prints a traceback, with a request to report it, and exits
70. Text that comes from policies or files is printed with control characters escaped, so a policy
cannot drive the terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time
import traceback
from pathlib import Path

from qa.cli.output import terminal_safe
from qa.errors import EXIT_BUG, EXIT_FAILURE, EXIT_USAGE, UserError

def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


# -- index ---------------------------------------------------------------------------------------------

def cmd_index_build(args: argparse.Namespace) -> int:
    from qa.cli.store import cmd_index_build_store, store_of

    if store_of(args):  # --store / $POLICYQA_STORE: the index in PostgreSQL (qa.index.pg)
        return cmd_index_build_store(args)
    from qa.index.build import BuildError, build_index
    from qa.embed.load import load_embedder
    from qa.config import BuildSettings, index_dir, policies_dir

    try:
        settings = BuildSettings.from_env(model=args.model, chunk_size=args.chunk_size,
                                          chunk_overlap=args.chunk_overlap)
    except ValueError as err:
        raise UserError(str(err)) from None
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if args.quiet:
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="passage", desc="embedding", file=sys.stderr, leave=False)
        bar.update(done - bar.n)

    from qa.compare import grid as compare  # the compare grid: its cells before the build, to report what changed

    grid_before = compare.read_cache(index_dir(args.index))
    try:
        report = build_index(policies_dir(args.policies), index_dir(args.index), settings,
                             lambda: load_embedder(settings.model), full=args.full,
                             max_bytes=int(args.max_mb * 1_000_000), progress=progress)
    except BuildError as err:
        raise UserError(str(err), EXIT_FAILURE) from None
    finally:
        if bar is not None:
            bar.close()
    for warning in report.warnings:
        print(f"warning: {terminal_safe(warning)}", file=sys.stderr)
    for skipped in report.skipped:
        print(f"note: {terminal_safe(skipped)}", file=sys.stderr)
    for err in report.errors:
        kept = " (kept its previously indexed version)" if err.path.stem in report.kept_previous else ""
        print(f"error: {terminal_safe(err)}{kept}", file=sys.stderr)
    if not args.quiet or report.errors:
        print(report.summary())
        print(f"index: {index_dir(args.index)}")
    changed = compare.changes_after_build(index_dir(args.index), grid_before)
    if not args.quiet:
        print("\n".join(terminal_safe(line) for line in changed), end="\n" if changed else "")
    return EXIT_FAILURE if report.errors else 0


def cmd_index_add(args: argparse.Namespace) -> int:
    from qa.config import policies_dir
    from qa.ingest.uploads import Upload, UploadRejected, save_uploads

    folder = policies_dir(args.policies)
    uploads = []
    max_bytes = int(args.max_mb * 1_000_000)
    for path in args.files:
        if not path.is_file():
            raise UserError(f"file not found: {path}")
        if path.stat().st_size > max_bytes:  # before reading it into memory
            raise UserError(f"{path.name}: file is {path.stat().st_size:,} bytes, over the {max_bytes:,} byte "
                            "limit", EXIT_FAILURE)
        uploads.append(Upload(name=path.name, data=path.read_bytes()))
    try:
        written = save_uploads(uploads, folder, replace=args.replace, max_bytes=max_bytes)
    except UploadRejected as err:
        for reason in err.reasons:
            print(f"error: {terminal_safe(reason)}", file=sys.stderr)
        raise UserError("nothing was added", EXIT_FAILURE) from None
    for path in written:
        print(f"added {path.name} to {folder}")
    return cmd_index_build(args)


def cmd_index_remove(args: argparse.Namespace) -> int:
    """Move the policies' files into `.removed/<time>/` in the policies folder (recoverable, every removed
    version kept), then rebuild. Ids are matched without case, as the build does."""
    from qa.config import policies_dir

    folder = policies_dir(args.policies)
    files = _policy_files_by_id(folder)
    unknown = [pid for pid in args.ids if pid.casefold() not in files]
    if unknown:
        raise UserError(f"no policy file for {', '.join(unknown)} in {folder} (known: {', '.join(sorted(files))})")
    for pid in dict.fromkeys(pid.casefold() for pid in args.ids):
        kept = _move_to_removed(folder, files[pid])
        print(f"removed {terminal_safe(files[pid].name)} (kept as {kept})")
    return cmd_index_build(args)


def _policy_files_by_id(folder: Path) -> dict[str, Path]:
    """The file of each policy id (case-folded) in `folder`, chosen as the build chooses (first by name)."""
    from qa.ingest.policies import policy_files

    files: dict[str, Path] = {}
    for path in policy_files(folder) if folder.is_dir() else []:
        files.setdefault(path.stem.casefold(), path)
    return files


def _move_to_removed(folder: Path, path: Path) -> Path:
    """Move `path` into a new `.removed/<UTC time>/` folder of its own, so no earlier copy is overwritten."""
    from datetime import datetime, timezone

    from qa.ingest.policies import REMOVED_FOLDER

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ")
    (folder / REMOVED_FOLDER).mkdir(exist_ok=True)
    for attempt in range(1, 1000):
        slot = folder / REMOVED_FOLDER / (stamp if attempt == 1 else f"{stamp}-{attempt}")
        try:
            slot.mkdir()  # atomic: this folder is this removal's alone
        except FileExistsError:
            continue
        path.rename(slot / path.name)
        return slot / path.name
    raise UserError(f"could not find a free folder in {folder / REMOVED_FOLDER}", EXIT_FAILURE)


def cmd_index_status(args: argparse.Namespace) -> int:
    from qa.cli.store import store_manifest, store_of
    from qa.config import index_dir, policies_dir
    from qa.index.store import read_manifest

    store = store_of(args)  # --store / $POLICYQA_STORE: the index in PostgreSQL, whose manifest has this shape
    folder = index_dir(args.index)
    manifest = read_manifest(folder) if store is None else store_manifest(store)
    if store is not None:
        folder = f"{manifest['store']} (generation {manifest['generation']})"
    if args.json:
        print(json.dumps(manifest, indent=2, ensure_ascii=False))
        return 0
    print(f"index:     {folder}")
    print(f"built at:  {manifest['built_at']} in {manifest['build_seconds']:.1f} s "
          f"(policyqa {manifest['package_version']}, format {manifest['format_version']})")
    print(f"model:     {manifest['model']['id']} ({manifest['model']['dimension']} dimensions)")
    chunker = manifest["chunker"]
    print(f"passages:  {manifest['passage_count']} (chunks of <= {chunker['chunk_size']} characters, "
          f"overlap {chunker['chunk_overlap']}), FAISS {manifest['faiss_index']}")
    print(f"policies:  {len(manifest['policies'])}")
    on_disk = _policy_files_by_id(policies_dir(args.policies))
    for policy_id, info in sorted(manifest["policies"].items()):
        path = on_disk.get(policy_id.casefold())
        state = ("file missing" if path is None
                 else "changed since build" if _sha256_or_none(path) != info["sha256"] else "up to date")
        print(terminal_safe(f"  {policy_id:<24} {info['passages']:>5} passages  {info['name']}  [{state}]"))
    stale = sorted(p.stem for key, p in on_disk.items() if key not in {i.casefold() for i in manifest["policies"]})
    if stale:
        print(terminal_safe(f"not indexed yet: {', '.join(stale)} (run `policyqa index build`)"))
    return 0


def _sha256_or_none(path: Path) -> str | None:
    from qa.ingest.policies import file_sha256

    try:
        return file_sha256(path)
    except OSError:
        return None


# -- ask -----------------------------------------------------------------------------------------------

def _question_problem(item) -> str | None:
    """What is wrong with one batch line's object, or None: each field is checked for its type."""
    if not isinstance(item, dict):
        return f"expected a JSON object, got {type(item).__name__}"
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
    if not path.is_file():
        raise UserError(f"questions file not found: {path}")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"cannot read questions file {path}: {err}") from None
    questions, problems = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as err:
            problems.append(f"{path.name}:{number}: {err}")
            continue
        problem = _question_problem(item)
        if problem:
            problems.append(f"{path.name}:{number}: {problem}")
            continue
        questions.append(item)
    if problems:
        raise UserError("; ".join(problems[:5]) + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""))
    return questions


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
    if args.questions is None and not items[0]["question"].strip():
        raise UserError("question is empty")
    from qa.config import index_dir
    from qa.index.store import read_manifest
    from qa.cli.store import known_policies, store_of

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
        try:
            result, answer = _ask_one(engine, str(item["question"]), scope, args.k, args.retriever, history)
        except ValueError as err:
            raise UserError(str(err)) from None
        if history is not None:
            history.append(answer)
        if args.json:
            print(json.dumps({"id": item.get("id"), **result}, ensure_ascii=False), flush=True)
        else:
            if len(items) > 1:
                print(f"## {item['question']}")
            _print_answer(result, engine.policies)
    return 0


# -- eval ----------------------------------------------------------------------------------------------

def _temporary_index(policies: list, settings, quiet: bool, source_dir: Path | None = None) -> Path:
    """Index `policies` (Policy objects) with the product's own pipeline into a cached folder."""
    from qa.index.build import BuildError, cached_index
    from qa.embed.load import load_embedder

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if quiet:
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="passage", desc="indexing", file=sys.stderr, leave=False)
        bar.update(done - bar.n)

    try:
        return cached_index(policies, settings, lambda: load_embedder(settings.model), "eval",
                            source_dir=source_dir, progress=progress)
    except BuildError as err:
        raise UserError(f"could not index the evaluation policies: {err}", EXIT_FAILURE) from None
    finally:
        if bar is not None:
            bar.close()


def cmd_eval(args: argparse.Namespace) -> int:
    if args.compare:
        from qa.eval.compare import cmd_eval_compare

        return cmd_eval_compare(args)
    retrievers = [r.strip() for r in args.retriever.split(",") if r.strip()]
    from qa.search.engine import RETRIEVERS

    unknown = [r for r in retrievers if r not in RETRIEVERS]
    if unknown or not retrievers:
        raise UserError(f"unknown retriever {', '.join(unknown) or '(none)'} (choose from {', '.join(RETRIEVERS)})")
    if args.every < 1:
        raise UserError(f"--every must be >= 1, got {args.every}")
    from qa.eval.datasets import load_golden, load_squad
    from qa.search.engine import Engine
    from qa.eval.evaluation import evaluate
    from qa.ingest.policies import load_policies
    from qa.eval.report import as_json, markdown_report, misses_text, text_table
    from qa.config import BuildSettings, policies_dir

    try:
        settings = BuildSettings.from_env(model=args.model, chunk_size=args.chunk_size,
                                          chunk_overlap=args.chunk_overlap)
    except ValueError as err:
        raise UserError(str(err)) from None
    rebuild = bool(args.model or args.chunk_size or args.chunk_overlap is not None)
    problems = []
    if args.squad is not None:
        if not args.squad.is_file():
            raise UserError(f"dataset not found: {args.squad}")
        policies, questions, problems = load_squad(args.squad, every=args.every)
        folder = _temporary_index(policies, settings, args.json)
        if args.split:
            from qa.train.split import split_squad_policies

            chosen = set(getattr(split_squad_policies([p.id for p in policies]), args.split))
            questions = [q for q in questions if q.policy in chosen]
        dataset = f"{args.squad} (SQuAD format, every {args.every}{f', {args.split} policies' if args.split else ''})"
    else:
        path = args.dataset
        if not path.is_file():
            raise UserError(f"dataset not found: {path}")
        if rebuild:
            source = policies_dir(args.policies)
            policies, errors = load_policies(source)
            if errors:
                raise UserError(f"cannot read policy {errors[0]}", EXIT_FAILURE)
            folder = _temporary_index(policies, settings, args.json, source_dir=source)
        else:
            from qa.config import index_dir

            folder = index_dir(args.index)
        dataset = str(path)
    from qa.cli.store import open_eval_engine, store_of

    store = store_of(args)
    engine = (Engine.open(folder, model=args.model, reranker=args.reranker) if store is None else
              open_eval_engine(store, folder, settings, args.reranker, args.model, args.squad is not None or rebuild))
    from qa.eval.evaluation import run_names

    systems = run_names(retrievers, engine.reranker is not None)
    if args.no_baseline and engine.reranker is not None:
        systems = [s for s in systems if s.endswith("+rerank")]
    if args.squad is None:
        questions, problems = load_golden(args.dataset, engine.policies)
        questions = questions[args.every - 1::args.every] if args.every > 1 else questions
    for problem in problems:
        print(f"policyqa: dataset {dataset.split(' ')[0]}: {problem}", file=sys.stderr)
    if not questions:
        raise UserError("no usable questions in the dataset")

    from tqdm import tqdm

    with tqdm(total=len(questions) * len(systems), unit="q", desc="evaluating", file=sys.stderr,
              disable=args.json or None, leave=False) as bar:
        runs, interrupted = evaluate(engine, questions, systems, args.k, progress=lambda: bar.update())
    if interrupted:
        print(f"policyqa: interrupted: {len(runs[0].results)} of {len(questions)} questions measured",
              file=sys.stderr)
    run_settings = {"dataset": dataset, "questions": len(runs[0].results), "k": args.k,
                    "retrievers": ",".join(systems), "model": engine.index.manifest["model"]["id"],
                    "reranker": engine.reranker.name if engine.reranker else None,
                    "chunk_size": engine.index.manifest["chunker"]["chunk_size"]}
    if args.json:
        print(as_json(runs, args.k, run_settings))
    else:
        print(f"{dataset}: {len(runs[0].results)} questions, k={args.k}, model {run_settings['model']}")
        print(text_table(runs, args.k))
        if args.show_misses:
            print()
            print(misses_text(runs[0], args.show_misses))
    if args.out:
        args.out.write_text(markdown_report(runs, args.k, run_settings, engine.index.manifest,
                                            args.show_misses or 10, interrupted), encoding="utf-8")
    return 130 if interrupted else (EXIT_FAILURE if problems else 0)


# -- parser --------------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policyqa", description="Ask what privacy policies say; every answer is a cited quotation.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def index_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--index", metavar="DIR", help="index folder (default: $POLICYQA_INDEX or ./index)")

    def reranker_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--reranker", metavar="NAME_OR_DIR",
                       help="reranker folder or name under models/, or 'none' (default: $POLICYQA_RERANKER or "
                            "the shipped policyqa-reranker)")

    def model_option(p: argparse.ArgumentParser, what: str) -> None:
        p.add_argument("--model", metavar="NAME_OR_PATH",
                       help=f"sentence-transformers model {what} (default: $POLICYQA_MODEL or the bundled "
                            "all-MiniLM-L6-v2)")

    from qa.cli.store import add_publish_parser, add_store_option

    index_cmd = commands.add_parser("index", help="build or inspect the index")
    index_sub = index_cmd.add_subparsers(dest="index_command", required=True, metavar="ACTION")
    def build_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--policies", metavar="DIR", help="policies folder (default: $POLICYQA_POLICIES or ./policies)")
        index_option(p)
        model_option(p, "to embed with")
        p.add_argument("--chunk-size", type=_positive_int, metavar="CHARS", help="longest passage (default 800)")
        p.add_argument("--chunk-overlap", type=int, metavar="CHARS", help="overlap between passages (default 100)")
        p.add_argument("--full", action="store_true", help="rebuild from scratch, reusing nothing")
        p.add_argument("--max-mb", type=float, default=10.0, metavar="MB", help="largest policy file (default 10)")
        p.add_argument("--quiet", action="store_true", help="no progress bar; print only errors")
        add_store_option(p, build=True)

    build = index_sub.add_parser("build", help="index the policies folder")
    build_options(build)
    build.set_defaults(func=cmd_index_build)
    add = index_sub.add_parser("add", help="copy policy files into the policies folder and update the index")
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add.add_argument("--replace", action="store_true", help="replace a policy with the same id")
    build_options(add)
    add.set_defaults(func=cmd_index_add)
    remove = index_sub.add_parser("remove", help="remove policies (files move to .removed/) and update the index")
    remove.add_argument("ids", nargs="+", metavar="ID")
    build_options(remove)
    remove.set_defaults(func=cmd_index_remove)
    status = index_sub.add_parser("status", help="what is indexed, with which model, when")
    index_option(status)
    status.add_argument("--policies", metavar="DIR", help="policies folder to compare with")
    status.add_argument("--json", action="store_true", help="print the manifest as JSON")
    add_store_option(status)
    status.set_defaults(func=cmd_index_status)
    add_publish_parser(index_sub)

    ask = commands.add_parser("ask", help="ask a question; prints cited passages")
    ask.add_argument("question", nargs="*", help="the question")
    ask.add_argument("--questions", type=Path, metavar="FILE.jsonl",
                     help='batch mode: one {"id", "question", "policy"} object per line')
    ask.add_argument("--policy", action="append", metavar="ID", help="search only this policy (repeatable)")
    ask.add_argument("--k", type=int, default=5, help="passages to return (default 5)")
    ask.add_argument("--retriever", choices=_retriever_names(), help="retrieval backend (default: hybrid)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    reranker_option(ask)
    index_option(ask)
    model_option(ask, "the index was built with")
    add_store_option(ask)
    ask.set_defaults(func=cmd_ask)

    ev = commands.add_parser("eval", help="measure retrieval on a golden set or SQuAD-format data")
    source = ev.add_mutually_exclusive_group()
    source.add_argument("--dataset", type=Path, default=Path("evals/golden.jsonl"), metavar="FILE.jsonl",
                        help="golden questions (default evals/golden.jsonl)")
    source.add_argument("--squad", type=Path, metavar="FILE.json",
                        help="SQuAD-format data (e.g. PolicyQA); each article becomes a policy in a temporary index")
    ev.add_argument("--every", type=int, default=1, metavar="N", help="use every N-th question")
    ev.add_argument("--split", choices=("train", "calibration", "test"),
                    help="with --squad: only the questions of that part of the reranker's policy split "
                         "(test: the held-out policies no model here was trained or calibrated on)")
    ev.add_argument("--retriever", default=",".join(_retriever_names()), metavar="NAMES",
                    help=f"comma-separated retrievers to compare (default: {','.join(_retriever_names())})")
    ev.add_argument("--k", type=int, default=5, help="cut-off for hit@k and recall@k (default 5)")
    reranker_option(ev)
    ev.add_argument("--no-baseline", action="store_true",
                    help="measure only with the reranker (skip each retriever's run without it)")
    ev.add_argument("--json", action="store_true", help="print the metrics as JSON")
    ev.add_argument("--out", type=Path, metavar="REPORT.md", help="write a Markdown report")
    ev.add_argument("--show-misses", type=int, default=0, metavar="N", help="print the worst N questions")
    ev.add_argument("--compare", nargs="?", const=Path("evals/compare_gold.jsonl"), type=Path, metavar="GOLD.jsonl",
                    help="measure the compare grid's cells against gold (default evals/compare_gold.jsonl)")
    index_option(ev)
    ev.add_argument("--policies", metavar="DIR", help="policies folder (with --model)")
    model_option(ev, "to evaluate (builds a temporary index with it)")
    ev.add_argument("--chunk-size", type=_positive_int, metavar="CHARS",
                    help="evaluate another passage size (builds a temporary index)")
    ev.add_argument("--chunk-overlap", type=int, metavar="CHARS", help="with --chunk-size: overlap")
    add_store_option(ev)
    ev.set_defaults(func=cmd_eval)

    from qa.bench import add_bench_parser
    from qa.cli.tune import add_tune_parser

    add_tune_parser(commands)
    add_bench_parser(commands)
    from qa.cli.compare import add_compare_parser

    add_compare_parser(commands)
    return parser


def _retriever_names() -> tuple[str, ...]:
    from qa.config import RETRIEVERS  # not qa.search.engine: `--help` imports no numpy

    return RETRIEVERS


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "k", 1) < 1:
            raise UserError(f"k must be >= 1, got {args.k}")
        return args.func(args)
    except UserError as err:
        print(f"policyqa: error: {terminal_safe(err)}", file=sys.stderr)
        return err.code
    except KeyboardInterrupt:
        print("policyqa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and friends
        sys.stderr.close()
        return 0
    except Exception as err:  # one line for the errors we know, a traceback for real bugs
        return _report_error(err)


def _report_error(err: Exception) -> int:
    """One line and the exit code for an error the user can fix; the traceback and 70 for a bug."""
    from qa.index.build import BuildError
    from qa.embed.base import ModelLoadError
    from qa.ingest.formats import PolicyFileError
    from qa.index.store import IndexUnavailable

    if isinstance(err, (IndexUnavailable, ModelLoadError, BuildError, PolicyFileError)):
        print(f"policyqa: error: {terminal_safe(err)}", file=sys.stderr)
        return EXIT_FAILURE
    if isinstance(err, OSError):  # a full disk, a read-only or missing folder, a permission
        where = f"{err.filename}: " if err.filename else ""
        print(f"policyqa: error: {terminal_safe(where)}{terminal_safe(err.strerror or err)}", file=sys.stderr)
        return EXIT_FAILURE
    if isinstance(err, ValueError):
        print(f"policyqa: error: {terminal_safe(err)}", file=sys.stderr)
        return EXIT_USAGE
    traceback.print_exc()
    print("policyqa: internal error: this is a bug in policyqa; please report it with the traceback above "
          "and the command you ran", file=sys.stderr)
    return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
