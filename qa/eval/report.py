"""Presenting an evaluation: the terminal table, JSON for scripts, and the Markdown report."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime

from qa.eval.evaluation import QuestionResult, RetrieverRun, worst_questions
from qa.search.verdict import VERDICTS
from qa.tables import machine_line, table


def columns(k: int) -> list[tuple[str, str]]:
    """(metric key, row title) in table order."""
    return [("hit@1", "hit@1"), ("hit@3", "hit@3"), (f"hit@{k}", f"hit@{k}"), (f"recall@{k}", f"recall@{k}"),
            ("mrr@10", "MRR@10"), ("ndcg@10", "nDCG@10"), (f"retrieval_hit@{k}", f"retr. hit@{k}"),
            ("retrieval_mrr@10", "retr. MRR@10"),
            ("not_stated_unaddressed", '"not stated": practice not addressed'),
            ("not_stated_unindexed", '"not stated": company not indexed'),
            ("abstain_unanswerable", '"not stated": unanswerable (both)'),
            ("abstain_answerable", '"not stated": answerable (wrong)'),
            ("verdict_accuracy", "verdict and quote right"), ("verdict_only_accuracy", "verdict right"),
            ("literal_kept@1", "literal kept@1"), ("literal_kept@5", "literal kept@5"),
            ("passage_chars", "chars"), ("latency_p50_ms", "p50 ms"), ("latency_p95_ms", "p95 ms")]


COUNTS = [("questions", "questions"), ("answerable", "answerable"), ("verdict_cells", "gold verdicts"),
          ("literal_questions", "literal first-stage top 1")]


def _cell(key: str, value, interval=None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if key == "passage_chars":
        return f"{value:.0f}"
    if key.startswith("latency"):
        return f"{value:.1f}"
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}" + (f" [{interval[0]:.3f}, {interval[1]:.3f}]" if interval else "")


def table_rows(runs: list[RetrieverRun], k: int) -> tuple[list[str], list[list[str]]]:
    """One row per metric, one column per system; each mean with its 95% interval (bootstrap by policy).
    Metrics no system has (verdicts on data without gold verdicts) are left out."""
    header = ["metric"] + [run.name for run in runs]
    metrics = [run.metrics(k) for run in runs]
    rows = []
    for key, title in COUNTS + columns(k):
        cells = [_cell(key, m.get(key), m["ci95"].get(key)) for m in metrics]
        if any(cell != "n/a" for cell in cells):
            rows.append([title, *cells])
    return header, rows


def text_table(runs: list[RetrieverRun], k: int) -> str:
    return table(*table_rows(runs, k))


def markdown_table(runs: list[RetrieverRun], k: int) -> str:
    return table(*table_rows(runs, k), markdown=True)


def confusion_rows(run: RetrieverRun) -> tuple[list[str], list[list[str]]]:
    """Gold verdict (rows) against the verdict given (columns), counts over gold verdicts."""
    confusion = run.verdict_confusion()
    given = [v for v in VERDICTS if any(row.get(v) for row in confusion.values())]
    return (["gold / given", *given],
            [[gold, *(str(counts.get(v, 0)) for v in given)] for gold, counts in confusion.items()])


def part_tables(runs: list[RetrieverRun], k: int, parts: Sequence[str], markdown: bool = False) -> str:
    """The metrics table of each golden part ("dev", "test") in turn, or of every question without parts,
    each followed by the first system's verdict confusion table when there are gold verdicts."""
    blocks = []
    for part in parts or [""]:
        chosen = [run.part(part) for run in runs] if part else runs
        title = f"{part}: {len(chosen[0].results)} questions" if part else ""
        body = table(*table_rows(chosen, k), markdown=markdown)
        if chosen and chosen[0].verdict_cells():
            body += f"\n\nverdicts of {chosen[0].name} (gold in rows):\n\n" + table(*confusion_rows(chosen[0]),
                                                                                 markdown=markdown)
        blocks.append((f"## {title}\n\n" if markdown else f"{title}\n") + body if title else body)
    return "\n\n".join(blocks)


def describe_miss(result: QuestionResult, width: int = 110) -> list[str]:
    q = result.question
    where = f" [{q.policy}]" if q.policy else ""
    if result.judged is None:
        status = "unanswerable, but answered" if not result.abstained else "unanswerable, abstained"
    else:
        status = f"first relevant at rank {result.rank}" if result.rank else "evidence not retrieved"
    lines = [f"{q.id}{where}: {q.question}  ({status})"]
    for rank, hit in enumerate(result.hits[:3], start=1):
        snippet = " ".join(hit.text.split())
        snippet = snippet if len(snippet) <= width else snippet[:width - 1] + "…"
        lines.append(f"    {rank}. {hit.policy} / {hit.section or '-'} ({hit.rank_score:.3f}): {snippet}")
    return lines


def misses_text(run: RetrieverRun, count: int) -> str:
    out = [f"Worst {count} questions for {run.name}:"]
    for result in worst_questions(run, count):
        out += describe_miss(result)
    return "\n".join(out)


def as_json(runs: list[RetrieverRun], k: int, settings: dict, parts: Sequence[str] = ()) -> str:
    """Every system's metrics over all questions measured ("retrievers", each with its "ci95" intervals),
    the verdict confusion tables, and under "parts" the same for each golden part."""
    def block(chosen: list[RetrieverRun]) -> dict:
        return {"retrievers": {run.name: run.metrics(k) for run in chosen},
                "verdict_confusion": {run.name: run.verdict_confusion() for run in chosen if run.verdict_cells()}}

    data = {"settings": settings, "machine": machine_line(), **block(runs)}
    if parts:
        data["parts"] = {part: block([run.part(part) for run in runs]) for part in parts}
    return json.dumps(data, indent=2, default=str)


def markdown_report(runs: list[RetrieverRun], k: int, settings: dict, manifest: dict, misses: int,
                    interrupted: bool, parts: Sequence[str] = ()) -> str:
    lines = [f"# policyqa evaluation: {settings.get('dataset')}", "",
             f"{datetime.now(UTC).isoformat(timespec='seconds')} on {machine_line()}."]
    if interrupted:
        lines += ["", "**Interrupted:** the numbers cover only the questions measured before Ctrl-C."]
    lines += ["", "Each mean with its 95% interval: 1,000 bootstrap resamples of the policies (fixed seed).", "",
              part_tables(runs, k, parts, markdown=True), "", "## Settings", ""]
    lines += [f"- {key}: {json.dumps(value) if isinstance(value, dict) else value}" for key, value in settings.items()]
    lines += [f"- index model: {manifest['model']['id']} ({manifest['model']['dimension']} dimensions)",
              f"- chunker: {json.dumps(manifest['chunker'])}",
              f"- index: {manifest['passage_count']} passages from {len(manifest['policies'])} policies, "
              f"built {manifest['built_at']}, FAISS {manifest['faiss_index']}"]
    missed = runs[0].part("dev") if runs and parts else (runs[0] if runs else None)
    if misses and missed is not None and missed.results:
        lines += ["", f"## Misses ({missed.name}{', dev part' if parts else ''}, worst {misses})", "", "```",
                  misses_text(missed, misses), "```"]
    return "\n".join(lines) + "\n"
