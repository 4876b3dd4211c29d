"""How an answer is said in words, the same in the chat, its Markdown export and `policyqa ask`.

Only wording lives here: what a row's verdict and confidence label read as ("No — states it"), the summary
of a multi-company answer by verdict ("Say they don't: 23Technology, Concero · Don't say: CT1 · Say they
do: —"), the line for an organisation with no policy here ("Facebook: no policy indexed") and the warning
for a policy file edited since the build. Each interface escapes the text for its own medium.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.search.verdict import NO, NOT_STATED, STATED, VERDICT_WORDS, YES, YES_NO

# A yes-no question's summary, in this order: the companies that say they don't, those that don't say,
# those that say they do (the wording); an open question's: those that state it, those that don't.
YES_NO_SUMMARY = ((NO, "Say they don't"), (NOT_STATED, "Don't say"), (YES, "Say they do"))
OPEN_SUMMARY = ((STATED, "States it"), (NOT_STATED, "Not stated"))
NONE = "—"


def verdict_word(row) -> str:
    """ "Yes", "No", "Stated" or "Not stated" for one `PolicyAnswer`."""
    return VERDICT_WORDS.get(row.verdict, VERDICT_WORDS[NOT_STATED])


def verdict_line(row) -> str:
    """A row's verdict and confidence label: "No — states it", "Stated — related passage", "Not stated"."""
    word = verdict_word(row)
    if row.abstained or row.verdict == NOT_STATED:
        return VERDICT_WORDS[NOT_STATED]
    return f"{word} — {row.label}" if row.label else word


def summary_parts(answer) -> list[tuple[str, list[str]]]:
    """(heading, policy names) per verdict of `answer`, in the summary's order, empty groups included."""
    groups = answer.summary()
    order = YES_NO_SUMMARY if answer.kind == YES_NO else OPEN_SUMMARY
    return [(heading, list(groups.get(verdict, []))) for verdict, heading in order]


NAMES_LISTED = 8  # past this many companies under one verdict, the summary counts them


def summary_line(answer) -> str:
    """The one-line summary of a multi-company answer: "Say they don't: A, B · Don't say: C · Say they do: —"
    (a yes-no question) or "States it: A · Not stated: B, C"; organisations with no policy here last. Over
    many policies it counts: "Checked 330 policies: 41 say they don't · 273 don't say · 16 say they do"."""
    parts = summary_parts(answer)
    if any(len(names) > NAMES_LISTED for _, names in parts):
        counted = " · ".join(f"{len(names)} {heading[0].lower()}{heading[1:]}" for heading, names in parts)
        line = f"Checked {len(answer.scope)} policies: {counted}"
        return line + (f" · {answer.unchecked} not decided" if answer.unchecked else "")
    line = " · ".join(f"{heading}: {', '.join(names) or NONE}" for heading, names in parts)
    if answer.not_indexed:
        line += f" · No policy indexed: {', '.join(answer.not_indexed)}"
    return line + (f" · {unchecked_line(answer)}" if answer.unchecked else "")


def unchecked_line(answer) -> str:
    """How many policies searched a listed summary leaves undecided (e.g. those whose practices no build has
    read yet, `qa.search.evidence.EvidenceReader.read`): "322 of 332 policies not decided"."""
    return f"{answer.unchecked} of {len(answer.scope)} policies not decided"


def wants_summary(answer) -> bool:
    """Whether `answer` is about several organisations (rows, and those named with no policy here)."""
    return len(answer.rows) + len(answer.not_indexed) > 1


def not_indexed_line(name: str) -> str:
    """The line for an organisation the question names that has no policy in the index."""
    return f"{name}: no policy indexed"


def stale_line(policy_ids: Sequence[str], fix: str = "run `policyqa index build`") -> str:
    """The warning for policies whose file changed since the index was built; `fix` names the way to
    rebuild in the interface the user is in."""
    return f"{', '.join(policy_ids)} changed since the index was built; {fix}"
