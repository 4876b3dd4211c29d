"""Presenting an evaluation: the terminal table, JSON for scripts, and the Markdown report."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

from qa.eval.evaluation import QuestionResult, RetrieverRun, worst_questions
from qa.tables import machine_line, table


def columns(k: int) -> list[tuple[str, str]]:
    """(metric key, column title) in table order."""
    return [("hit@1", "hit@1"), ("hit@3", "hit@3"), (f"hit@{k}", f"hit@{k}"), (f"recall@{k}", f"recall@{k}"),
            ("mrr@10", "MRR@10"), ("ndcg@10", "nDCG@10"), (f"retrieval_hit@{k}", f"retr. hit@{k}"),
            ("retrieval_mrr@10", "retr. MRR@10"), ("abstain_unanswerable", "abstain (unans.)"),
            ("abstain_answerable", "abstain (ans.)"), ("passage_chars", "chars"),
            ("latency_p50_ms", "p50 ms"), ("latency_p95_ms", "p95 ms")]


def _cell(key: str, value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if key == "passage_chars":
        return f"{value:.0f}"
    if key.startswith("latency"):
        return f"{value:.1f}"
    return f"{value:.3f}"


def table_rows(runs: list[RetrieverRun], k: int) -> tuple[list[str], list[list[str]]]:
    header = ["system"] + [title for _, title in columns(k)]
    rows = []
    for run in runs:
        metrics = run.metrics(k)
        rows.append([run.name] + [_cell(key, metrics.get(key)) for key, _ in columns(k)])
    return header, rows


def text_table(runs: list[RetrieverRun], k: int) -> str:
    return table(*table_rows(runs, k))


def markdown_table(runs: list[RetrieverRun], k: int) -> str:
    return table(*table_rows(runs, k), markdown=True)


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
        lines.append(f"    {rank}. {hit.policy} / {hit.section or '-'} ({hit.score:.3f}): {snippet}")
    return lines


def misses_text(run: RetrieverRun, count: int) -> str:
    out = [f"Worst {count} questions for {run.name}:"]
    for result in worst_questions(run, count):
        out += describe_miss(result)
    return "\n".join(out)


def as_json(runs: list[RetrieverRun], k: int, settings: dict) -> str:
    return json.dumps({"settings": settings, "machine": machine_line(),
                       "retrievers": {run.name: run.metrics(k) for run in runs}}, indent=2, default=str)


def markdown_report(runs: list[RetrieverRun], k: int, settings: dict, manifest: dict, misses: int,
                    interrupted: bool) -> str:
    lines = [f"# policyqa evaluation: {settings.get('dataset')}", "",
             f"{datetime.now(UTC).isoformat(timespec='seconds')} on {machine_line()}."]
    if interrupted:
        lines += ["", "**Interrupted:** the numbers cover only the questions measured before Ctrl-C."]
    lines += ["", markdown_table(runs, k), "", "## Settings", ""]
    lines += [f"- {key}: {json.dumps(value) if isinstance(value, dict) else value}" for key, value in settings.items()]
    lines += [f"- index model: {manifest['model']['id']} ({manifest['model']['dimension']} dimensions)",
              f"- chunker: {json.dumps(manifest['chunker'])}",
              f"- index: {manifest['passage_count']} passages from {len(manifest['policies'])} policies, "
              f"built {manifest['built_at']}, FAISS {manifest['faiss_index']}"]
    if misses and runs:
        lines += ["", f"## Misses ({runs[0].name}, worst {misses})", "", "```", misses_text(runs[0], misses), "```"]
    return "\n".join(lines) + "\n"
