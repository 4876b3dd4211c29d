"""Measuring the compare grid against hand-written gold (`policyqa eval --compare`, in qa.cli.eval).

Gold is JSON lines `{"topic", "policy", "status": "stated" | "not_stated", "quotes": [...]}`, one per
topic × policy, each quote a verbatim passage of the policy that states the practice (any of them will
do), and optionally `"split": "dev" | "test"` (`policyqa eval --compare GOLD --split dev`: the part that may
be tuned on). A cell is right when its status is, and, when stated, one of its quotes overlaps an expected one
(character offsets into the policy text).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from qa.compare.cells import NOT_STATED, STATED, STATUS_LABEL, Cell, shorten
from qa.compare.grid import Grid

Span = tuple[int, int]


@dataclass(frozen=True)
class GoldCell:
    topic: str
    policy: str
    status: str
    spans: tuple[Span, ...]  # where the expected quotes are in the policy text (every occurrence)
    quotes: tuple[str, ...]
    split: str | None = None  # "dev" (tune on it) or "test" (report it), when the gold file says


@dataclass
class CompareScore:
    """Counts over the gold cells; `misses` are (gold, predicted) pairs that were not right."""

    cells: int = 0
    correct: int = 0
    status_correct: int = 0
    gold_stated: int = 0
    stated_as_not_stated: int = 0
    gold_not_stated: int = 0
    not_stated_as_stated: int = 0
    wrong_quote: int = 0
    misses: list[tuple[GoldCell, Cell]] = field(default_factory=list)
    by_topic: dict[str, list[int]] = field(default_factory=dict)  # topic id -> [right, cells]

    @property
    def accuracy(self) -> float:
        return self.correct / self.cells if self.cells else 0.0

    @property
    def wrong_not_stated_rate(self) -> float:
        return self.stated_as_not_stated / self.gold_stated if self.gold_stated else 0.0

    def to_dict(self) -> dict:
        return {"cells": self.cells, "cell_accuracy": round(self.accuracy, 4),
                "status_accuracy": round(self.status_correct / self.cells, 4) if self.cells else 0.0,
                "gold_stated": self.gold_stated, "stated_wrongly_not_stated": self.stated_as_not_stated,
                "wrong_not_stated_rate": round(self.wrong_not_stated_rate, 4),
                "gold_not_stated": self.gold_not_stated, "not_stated_wrongly_stated": self.not_stated_as_stated,
                "stated_with_wrong_quote": self.wrong_quote,
                "by_topic": {topic: {"right": r, "cells": n} for topic, (r, n) in self.by_topic.items()},
                "misses": [{"topic": g.topic, "policy": g.policy, "expected": g.status, "got": c.status,
                            "quotes": [q.text for q in c.quotes]} for g, c in self.misses]}


def _occurrences(text: str, quote: str) -> list[Span]:
    spans, start = [], text.find(quote)
    while start >= 0:
        spans.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return spans


def gold_policy_ids(path: Path) -> set[str]:
    """The policy ids the gold file at `path` names (lines that are not gold are left to `load_gold`)."""
    ids = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and isinstance(item.get("policy"), str):
            ids.add(item["policy"])
    return ids


def load_gold(path: Path, texts: dict[str, str], topic_ids: set[str]) -> tuple[list[GoldCell], list[str]]:
    """Gold cells for the policies in `texts` (id -> indexed text), and one line per unusable gold line.

    A cell of a policy that is not indexed is a problem, as is a quote that is not verbatim in the text.
    """
    cells, problems, seen = [], [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            item = json.loads(line)
            topic, policy, status, quotes = item["topic"], item["policy"], item["status"], item.get("quotes", [])
            split = item.get("split")
        except (ValueError, KeyError, TypeError) as err:
            problems.append(f"{where}: needs \"topic\", \"policy\", \"status\" ({type(err).__name__})")
            continue
        if status not in (STATED, NOT_STATED) or (status == STATED) != bool(quotes):
            problems.append(f"{where}: status must be \"stated\" with quotes or \"not_stated\" without")
            continue
        if topic not in topic_ids:
            problems.append(f"{where}: unknown topic {topic!r}")
            continue
        if policy not in texts:
            problems.append(f"{where}: policy {policy!r} is not in the index")
            continue
        if (topic, policy) in seen:
            problems.append(f"{where}: {topic} × {policy} repeats an earlier line")
            continue
        spans = []
        for quote in quotes:
            found = _occurrences(texts[policy], quote)
            if not found:
                problems.append(f"{where}: quote not verbatim in {policy}: {shorten(quote, 60)!r}")
            spans += found
        seen.add((topic, policy))
        cells.append(GoldCell(topic, policy, status, tuple(spans), tuple(quotes), split))
    return cells, problems


def score(grid: Grid, gold: list[GoldCell]) -> CompareScore:
    """Cell accuracy of `grid` on `gold` (see the module docstring)."""
    result = CompareScore()
    for expected in gold:
        cell = grid.cell(expected.topic, expected.policy)
        result.cells += 1
        if expected.status == STATED:
            result.gold_stated += 1
            result.stated_as_not_stated += not cell.stated
        else:
            result.gold_not_stated += 1
            result.not_stated_as_stated += cell.stated
        status_ok = cell.status == expected.status
        result.status_correct += status_ok
        quote_ok = not cell.stated or any(q.start < e and s < q.end for q in cell.quotes for s, e in expected.spans)
        result.wrong_quote += status_ok and not quote_ok
        tally = result.by_topic.setdefault(expected.topic, [0, 0])
        tally[0] += status_ok and quote_ok
        tally[1] += 1
        if status_ok and quote_ok:
            result.correct += 1
        else:
            result.misses.append((expected, cell))
    return result


def misses_text(result: CompareScore, names: dict[str, str], labels: dict[str, str]) -> str:
    lines = []
    for expected, cell in result.misses:
        got = (f"stated “{shorten(' … '.join(q.text for q in cell.quotes), 120)}”" if cell.stated
               else "not stated")
        want = (f"expected {STATUS_LABEL[expected.status].lower()}"
                + (f" (e.g. “{shorten(expected.quotes[0], 70)}”)" if expected.quotes else ""))
        lines.append(f"  {names[expected.policy]} · {labels[expected.topic]}: {want}; got {got}")
    return "\n".join(lines)
