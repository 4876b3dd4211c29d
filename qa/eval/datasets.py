"""Evaluation datasets: the golden JSON-lines format and SQuAD-format data such as PolicyQA.

Both become `EvalQuestion`s whose evidence is a span of a policy's text (character offsets), so a
retrieved passage can be judged by how much of the evidence it covers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from qa.errors import DatasetError
from qa.inputs import InputTooLarge, parse_problem, read_input_text
from qa.types import Policy


@dataclass(frozen=True)
class Evidence:
    """A span of a policy's text that answers the question; offsets into the policy text. `elsewhere`: the other
    places the policy writes the same words (a sentence repeated in a summary table), which answer as well."""

    policy: str
    start: int
    end: int
    elsewhere: tuple[tuple[int, int], ...] = ()

    def spans(self) -> tuple[tuple[int, int], ...]:
        return ((self.start, self.end), *self.elsewhere)

    def overlaps(self, policy: str, start: int, end: int) -> bool:
        """Whether `start`-`end` of `policy` shares a character with one of the places it is written."""
        return policy == self.policy and any(start < b and a < end for a, b in self.spans())


@dataclass(frozen=True)
class EvalQuestion:
    """A question, the policy it is about (None: several or none), and its evidence (empty: unanswerable).

    `scoped`: the user restricted the search to `policy` (PolicyQA's protocol); otherwise the question is
    routed by the names in it, as typed in the chat. `conversation`: questions sharing it are turns of
    one chat, in file order. `not_indexed`: organisations the question names that have no policy here.
    """

    id: str
    question: str
    policy: str | None
    evidence: tuple[Evidence, ...]
    scoped: bool = False
    conversation: str = ""
    not_indexed: tuple[str, ...] = ()
    split: str = ""  # "dev" (tune on it) or "test" (report it; never tune on it); "" when the file has none
    # Gold verdicts, (policy id, verdict) pairs: "yes" / "no" / "not_stated" for a yes-no question,
    # "stated" / "not_stated" for an open one (qa.search.verdict); empty when the line has none.
    verdicts: tuple[tuple[str, str], ...] = ()

    @property
    def answerable(self) -> bool:
        return bool(self.evidence)

    @property
    def kind(self) -> str:
        """The stratum the golden split balances (`question_kind`)."""
        return question_kind(self.conversation, self.not_indexed, bool(self.evidence), self.policy)


KINDS = ("single", "multi", "unanswerable", "not_indexed", "conversation")
SPLITS = ("dev", "test")


def question_kind(conversation: str, not_indexed, answerable: bool, policy: str | None) -> str:
    """What kind of golden question this is: a conversation turn, one naming a company with no policy here
    (`not_indexed`), one no policy answers (`unanswerable`: a practice not addressed), one answered by
    several companies (`multi`: no single policy), else `single`. The first that applies wins."""
    if conversation:
        return "conversation"
    if not_indexed:
        return "not_indexed"
    if not answerable:
        return "unanswerable"
    return "multi" if policy is None else "single"


@dataclass(frozen=True)
class DatasetProblem:
    """A dataset line that was skipped, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def read_questions(path: Path) -> tuple[list[tuple[int, dict]], list[DatasetProblem]]:
    """The one reader of questions files (JSON lines: `policyqa ask --questions`, the golden set, the
    bench's queries): each line's JSON object with its line number, in file order, and the lines that
    are not one (blank lines are skipped). What the fields must hold is the caller's to check.

    Raises DatasetError when the file is missing or cannot be read as UTF-8 text.
    """
    if not path.is_file():
        raise DatasetError(f"questions file not found: {path}")
    try:
        lines = read_input_text(path, "questions file").splitlines()
    except InputTooLarge as err:
        raise DatasetError(str(err)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise DatasetError(f"cannot read questions file {path}: {err}") from None
    rows: list[tuple[int, dict]] = []
    problems: list[DatasetProblem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as err:  # RecursionError: nested thousands deep
            problems.append(DatasetProblem(number, parse_problem(err) if not isinstance(err, json.JSONDecodeError)
                                           else str(err)))
            continue
        if not isinstance(item, dict):
            problems.append(DatasetProblem(number, f"expected a JSON object, got {type(item).__name__}"))
            continue
        rows.append((number, item))
    return rows, problems


def dataset_error(path: Path, problems: list[DatasetProblem]) -> DatasetError:
    """One line naming the first five problems as FILE:LINE: message, and how many more there are."""
    shown = "; ".join(f"{path.name}:{p.line}: {p.message}" for p in problems[:5])
    return DatasetError(shown + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""))


def question_texts(path: Path) -> list[str]:
    """The non-empty "question" texts of a questions file, in file order (what the bench asks).

    Raises DatasetError for a file that cannot be read, a line that is not a JSON object, or no question.
    """
    rows, problems = read_questions(path)
    if problems:
        raise dataset_error(path, problems)
    questions = [str(row["question"]) for _, row in rows if str(row.get("question", "")).strip()]
    if not questions:
        raise DatasetError(f"no questions in {path}")
    return questions


def is_relevant(policy: str, start: int, end: int, evidence: Evidence) -> bool:
    """A passage is relevant when it is in the evidence's policy and covers at least half of its characters."""
    if policy != evidence.policy:
        return False
    return any(0 < (overlap := min(end, b) - max(start, a)) and 2 * overlap >= b - a for a, b in evidence.spans())


class QuoteFinder:
    """Finds a quote in a policy ignoring case and runs of white space; returns original offsets."""

    def __init__(self, text: str):
        self._offsets: list[int] = []  # position in `text` of each character of the normalised text
        chars: list[str] = []
        for match in re.finditer(r"\S+", text):
            if chars:
                chars.append(" ")
                self._offsets.append(match.start() - 1)
            for i, ch in enumerate(match.group()):
                lower = ch.lower()  # (one character may lower to two: "İ" -> "i̇")
                chars.append(lower)
                self._offsets.extend([match.start() + i] * len(lower))
        self._normalised = "".join(chars)

    def find(self, quote: str) -> tuple[int, int] | None:
        found = self.find_all(quote)
        return found[0] if found else None

    def find_all(self, quote: str) -> list[tuple[int, int]]:
        """Every place the quote is written, in text order (none overlapping)."""
        needle = " ".join(quote.lower().split())
        spans: list[tuple[int, int]] = []
        at = self._normalised.find(needle) if needle else -1
        while at >= 0:
            spans.append((self._offsets[at], self._offsets[at + len(needle) - 1] + 1))
            at = self._normalised.find(needle, at + len(needle))
        return spans


def load_golden(path: Path, policies: dict[str, Policy]) -> tuple[list[EvalQuestion], list[DatasetProblem]]:
    """Read a golden JSON-lines file; bad lines (not JSON, missing fields, unknown policy, quote not in its
    policy) are returned as problems with their line numbers and skipped."""
    finders = {pid: QuoteFinder(p.text) for pid, p in policies.items()}
    questions: list[EvalQuestion] = []
    seen: set[str] = set()
    rows, problems = read_questions(path)
    for number, row in rows:
        try:
            qid, question, answers = str(row["id"]), str(row["question"]).strip(), row["answers"]
            if not question:
                raise ValueError("empty question")
            if qid in seen:
                raise ValueError(f"duplicate id {qid!r}")
            scope = row.get("policy")
            if scope is not None and scope not in policies:
                raise ValueError(f"unknown policy id {scope!r}")
            if not isinstance(answers, list):
                raise ValueError('"answers" must be a list')
            scoped = row.get("scoped", False)
            if not isinstance(scoped, bool):
                raise ValueError('"scoped" must be true or false')
            conversation = row.get("conversation") or ""
            if not isinstance(conversation, str):
                raise ValueError('"conversation" must be a string')
            not_indexed = row.get("not_indexed", [])
            if not isinstance(not_indexed, list) or not all(isinstance(n, str) for n in not_indexed):
                raise ValueError('"not_indexed" must be a list of names')
            not_indexed = tuple(not_indexed)
            split = row.get("split", "")
            if split not in ("", *SPLITS):
                raise ValueError(f'"split" must be one of {", ".join(SPLITS)}, got {split!r}')
            evidence = []
            for answer in answers:
                if answer["policy"] not in policies:
                    raise ValueError(f"unknown policy id {answer['policy']!r} in answers")
                spans = finders[answer["policy"]].find_all(str(answer["quote"]))
                if not spans:
                    raise ValueError(f"quote not found in {answer['policy']}: {str(answer['quote'])[:60]!r}")
                evidence.append(Evidence(answer["policy"], *spans[0], elsewhere=tuple(spans[1:])))
            verdicts = _gold_verdicts(row, scope, policies, {e.policy for e in evidence})
        except KeyError as err:
            problems.append(DatasetProblem(number, f"missing field {err}"))
            continue
        except (ValueError, TypeError) as err:
            problems.append(DatasetProblem(number, str(err)))
            continue
        seen.add(qid)
        questions.append(EvalQuestion(qid, question, scope, tuple(evidence), scoped=scoped,
                                      conversation=conversation, not_indexed=not_indexed, split=split,
                                      verdicts=verdicts))
    return questions, sorted(problems, key=lambda p: p.line)


def _gold_verdicts(row: dict, scope: str | None, policies: dict, answered: set[str]) -> tuple[tuple[str, str], ...]:
    """A line's gold verdicts: `"verdict"` (of the line's own policy) or `"verdicts"` ({policy id: verdict},
    a multi-company line). A stated verdict (yes / no / stated) needs a quote of that policy in `answers`
    (the deciding sentence); "not_stated" needs none. Raises ValueError naming what is wrong."""
    from qa.search.verdict import NOT_STATED, VERDICTS

    if "verdict" in row and "verdicts" in row:
        raise ValueError('give "verdict" or "verdicts", not both')
    if "verdict" in row:
        if scope is None:
            raise ValueError('"verdict" needs the line\'s "policy"; use "verdicts" for several companies')
        given = {scope: row["verdict"]}
    else:
        given = row.get("verdicts", {})
        if not isinstance(given, dict):
            raise ValueError('"verdicts" must be an object {policy id: verdict}')
    for pid, verdict in given.items():
        if pid not in policies:
            raise ValueError(f"unknown policy id {pid!r} in verdicts")
        if verdict not in VERDICTS:
            raise ValueError(f"verdict of {pid} must be one of {', '.join(VERDICTS)}, got {verdict!r}")
        if (verdict == NOT_STATED) == (pid in answered):
            raise ValueError(f"verdict {verdict} of {pid} " + ("has a quote in answers" if verdict == NOT_STATED
                                                               else "needs its deciding quote in answers"))
    return tuple(sorted(given.items()))


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "policy"


def load_squad(path: Path, every: int = 1) -> tuple[list[Policy], list[EvalQuestion], list[DatasetProblem]]:
    """Read SQuAD-format data: each article becomes one policy (its paragraphs joined by a blank line),
    each question is restricted to its article's policy, and its first answer span is the evidence.

    `every` keeps every n-th question (in file order) for a quicker run. Raises DatasetError (one line)
    for a file that cannot be read or is not SQuAD-format JSON.
    """
    try:
        return _parse_squad(json.loads(path.read_text(encoding="utf-8"))["data"], every)
    except (OSError, UnicodeDecodeError) as err:
        raise DatasetError(f"cannot read {path}: {err}") from None
    except json.JSONDecodeError as err:
        raise DatasetError(f"{path} is not JSON: {err}") from None
    except (KeyError, IndexError, TypeError, AttributeError) as err:
        raise DatasetError(f"{path} is not SQuAD-format data ({type(err).__name__}: {err})") from None


def _parse_squad(data: list, every: int) -> tuple[list[Policy], list[EvalQuestion], list[DatasetProblem]]:
    policies: list[Policy] = []
    questions: list[EvalQuestion] = []
    problems: list[DatasetProblem] = []
    counter = 0
    used: set[str] = set()
    for article in data:
        policy_id = slug(article.get("title", "policy"))
        while policy_id in used:
            policy_id += "-x"
        used.add(policy_id)
        parts, offset = [], 0
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            for qa_item in paragraph["qas"]:
                counter += 1
                if counter % every:  # the every-th, 2*every-th, ... question
                    continue
                answer = qa_item["answers"][0]
                start = offset + answer["answer_start"]
                end = start + len(answer["text"])
                if context[answer["answer_start"]:answer["answer_start"] + len(answer["text"])] != answer["text"]:
                    problems.append(DatasetProblem(counter, f"answer span of {qa_item['id']} does not match its text"))
                    continue
                questions.append(EvalQuestion(str(qa_item["id"]), qa_item["question"], policy_id,
                                              (Evidence(policy_id, start, end),), scoped=True))
            parts.append(context)
            offset += len(context) + 2
        policies.append(Policy(id=policy_id, name=article.get("title", policy_id), text="\n\n".join(parts)))
    return policies, questions, problems
