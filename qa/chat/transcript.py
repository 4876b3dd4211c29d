"""A conversation as the chat shows it, in words: the quotes it displays and the Markdown it exports.

The chat and the export share `shown_quotes`, so what a user copies, reads and downloads is the same
verbatim text: the answer's own quotes (`qa.search.quotes`: whole sentences or list items with their
qualifiers), as `policyqa ask` and the grid show them, `policy_text[start:end]`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qa.chat.render import citation_text, more_text
from qa.search.wording import summary_line, verdict_line, wants_summary


def shown_quotes(row, texts: Mapping[str, str] | None = None) -> list:
    """The quotes of `row` (a `PolicyAnswer`) as every interface shows them: the answer's own, unchanged
    (`texts` is no longer needed; kept for callers)."""
    return list(row.quotes)


def answer_spans(hit, answer, quote_spans) -> list[tuple[int, int]]:
    """The spans of `hit` (policy offsets) to mark as the answer: the shown quotes, plus the passage's
    best sentences when the passage itself clears the answer's threshold (on the scale it abstains by:
    the reranker's probability, else the dense similarity). Other best sentences are only hints."""
    value = hit.rank_score if answer.reranker else hit.similarity
    clears = answer.threshold > 0 and value >= answer.threshold  # 0: no threshold recorded
    return list(quote_spans) + (list(hit.highlights) if clears else [])


_MARKDOWN_INERT = {ord("\\"): "\\\\", ord("["): "\\[", ord("]"): "\\]", ord("&"): "&amp;", ord("<"): "&lt;",
                   ord(">"): "&gt;"}


def md_text(text: object) -> str:
    """Text from a policy or a user as exported Markdown shows it literally: no raw HTML (<svg onload>,
    <style>), no link or image syntax, as the chat escapes it; lists and emphasis stay (harmless)."""
    return str(text).translate(_MARKDOWN_INERT)


def _blockquote(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in text.splitlines())


def not_indexed_line(names: Sequence[str], indexed: Sequence[str]) -> str:
    """The one line for organisations named in a question that have no policy in the index."""
    who = " or ".join(names)
    return (f"No policy of {who} is indexed — indexed: {', '.join(indexed)}; "
            "add one with the sidebar.")


def turn_markdown(turn, indexed: Sequence[str] = ()) -> str:
    """One question and its answer as Markdown: every quote (blockquoted, verbatim) with its citation."""
    lines = [f"## {md_text(' '.join(turn.question.split()))}", ""]
    answer = turn.answer
    if answer is None:
        return "\n".join(lines + [md_text(turn.problem or "No answer."), ""])
    if answer.interpreted_as != answer.question:
        lines += [f"*Interpreted as: {md_text(answer.interpreted_as)}*", ""]
    if answer.not_indexed:
        lines += [md_text(not_indexed_line(answer.not_indexed, indexed)), ""]
    if wants_summary(answer):
        lines += [md_text(summary_line(answer)), ""]
    for row in answer.answered:
        lines += [f"### {md_text(row.name)}", "", f"**{md_text(verdict_line(row))}**", ""]
        for quote in shown_quotes(row):
            if quote.gap_before:
                lines += ["…", ""]
            more = [">", f"> ({more_text(len(quote.more))} in the policy)"] if quote.more else []
            lines += [_blockquote(f"“{md_text(quote.text)}”"), *more, ">",
                      f"> — {md_text(citation_text(quote.name, quote.section))}", ""]
    for row in answer.rows:
        if row.abstained:
            lines += [f"Not stated in {md_text(row.name)}.", ""]
    if answer.mentions:
        lines += ["### Mentions (not answers)", ""]
        for hit in answer.mentions:
            cited = md_text(citation_text(hit.name, hit.section))
            lines += [_blockquote(f"“{md_text(hit.text)}”"), ">", f"> — {cited}", ""]
    return "\n".join(lines)


def conversation_markdown(turns: Sequence, indexed: Sequence[str] = (), title: str = "policyqa conversation") -> str:
    """The whole conversation as a Markdown document (what "Export" downloads)."""
    parts = [f"# {md_text(title)}", ""] + [turn_markdown(turn, indexed) for turn in turns]
    return "\n".join(parts).rstrip() + "\n"

