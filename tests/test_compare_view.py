"""The Compare page's tables, without a browser: rows of one topic or one policy, filtered, sorted, paged,
drawn as escaped HTML and written as CSV a spreadsheet cannot run."""

import csv
import html
import io

import pytest

from qa.compare.cells import NOT_STATED, STATED, Cell, CellQuote
from qa.compare.grid import Grid, PolicyColumn
from qa.compare.topics import Topic
from qa.compare.view import (
    PAGE_SIZE,
    clamp_html,
    name_html,
    page_of,
    policy_rows,
    row_html,
    rows_csv,
    topic_rows,
    verdict_counts,
)

SALE = Topic("sale", "Sale of data", "Do you sell my personal data?")
RETENTION = Topic("retention", "Retention", "How long do you keep my data?")


def cell(topic: str, policy: str, verdict: str, text: str = "", confidence: float = 0.5) -> Cell:
    stated = verdict != NOT_STATED
    quotes = (CellQuote(0, len(text), text, "Selling"),) if stated else ()
    return Cell(topic, policy, STATED if stated else NOT_STATED, quotes, confidence, (0, len(text)) if stated else None,
                verdict=verdict)


def grid() -> Grid:
    policies = [PolicyColumn("b", "Bluefin Labs"), PolicyColumn("a", "Aurora Telecommunications"),
                PolicyColumn("c", "Cedar Health"), PolicyColumn("d", "aurora mini")]
    verdicts = {"a": ("no", 0.9), "b": ("yes", 0.7), "c": (NOT_STATED, 0.1), "d": ("no", 0.95)}
    cells = {}
    for p in policies:
        verdict, confidence = verdicts[p.id]
        cells[("sale", p.id)] = cell("sale", p.id, verdict, f"{p.name} does not sell data.", confidence)
        cells[("retention", p.id)] = cell("retention", p.id, "stated", "We keep it 2 years.")
    return Grid([SALE, RETENTION], policies, cells)


def test_topic_rows_sort_by_company_ignoring_case_and_by_verdict_then_confidence():
    assert [r.label for r in topic_rows(grid(), "sale")] == ["aurora mini", "Aurora Telecommunications",
                                                             "Bluefin Labs", "Cedar Health"]
    # "no" first (the more confident first), then "yes", then the silent.
    assert [r.key for r in topic_rows(grid(), "sale", sort="verdict")] == ["d", "a", "b", "c"]
    with pytest.raises(ValueError, match="sort must be one of company, verdict, got 'size'"):
        topic_rows(grid(), "sale", sort="size")


def test_topic_rows_filter_by_verdict_and_by_words_of_the_name_in_any_case_and_order():
    assert [r.key for r in topic_rows(grid(), "sale", verdicts=["no"])] == ["d", "a"]
    assert [r.key for r in topic_rows(grid(), "sale", verdicts=["yes", NOT_STATED])] == ["b", "c"]
    assert [r.key for r in topic_rows(grid(), "sale", search="AURORA")] == ["d", "a"]
    assert [r.key for r in topic_rows(grid(), "sale", search="telecom aurora")] == ["a"]
    assert topic_rows(grid(), "sale", search="nobody") == []
    assert verdict_counts(grid(), "sale") == {"no": 2, "yes": 1, NOT_STATED: 1}


def test_policy_rows_are_the_topics_in_order():
    assert [(r.key, r.label) for r in policy_rows(grid(), "c")] == [("sale", "Sale of data"), ("retention", "Retention")]


def test_pages_of_fifty_rows_and_a_page_out_of_range_is_brought_back():
    rows = [r for _ in range(83) for r in topic_rows(grid(), "sale")[:1]]  # 83 rows
    assert PAGE_SIZE == 50
    first, page, pages = page_of(rows, 1)
    assert (len(first), page, pages) == (50, 1, 2)
    last, page, pages = page_of(rows, 9)
    assert (len(last), page, pages) == (33, 2, 2)
    assert page_of([], 3) == ([], 1, 1)


def test_a_row_escapes_policy_text_and_never_splits_a_name():
    hostile = Grid([SALE], [PolicyColumn("x", "Evil <b>Corp</b>")],
                   {("sale", "x"): cell("sale", "x", "yes", "We sell it. <script>alert(1)</script> **bold**")})
    row = topic_rows(hostile, "sale")[0]
    shown = row_html(row)
    assert "<script" not in shown and "<b>" not in shown and "**" not in shown
    assert "alert&#40;1&#41;" in shown and '<span class="pq-badge pq-badge-yes">Yes</span>' in shown
    assert shown.count('<span class="pq-word">') == 2  # "Evil", "<b>Corp</b>": each word one unbreakable span
    assert html.unescape(name_html("Evil <b>Corp</b>")).count("Corp") == 1
    silent = row_html(topic_rows(grid(), "sale", verdicts=[NOT_STATED])[0])
    assert "The policy does not say." in silent and "pq-badge-not_stated" in silent


def test_a_long_quote_is_clamped_with_more_and_a_short_one_without():
    assert 'class="pq-more"' in clamp_html("x" * 300, 3, 260) and 'class="pq-more"' not in clamp_html("short", 3, 260)
    assert "--pq-lines: 3" in clamp_html("x", 3)


def test_rows_csv_neutralises_formulas_in_names_and_quotes():
    hostile = Grid([SALE], [PolicyColumn("x", "=HYPERLINK(\"http://x\")")],
                   {("sale", "x"): cell("sale", "x", "yes", "@SUM(A1) we sell")})
    out = list(csv.reader(io.StringIO(rows_csv(topic_rows(hostile, "sale"), "Company"))))
    assert out[0] == ["Company", "Verdict", "Quote", "Section"]
    assert out[1] == ["'=HYPERLINK(\"http://x\")", "Yes", "'@SUM(A1) we sell", "Selling"]
    silent = list(csv.reader(io.StringIO(rows_csv(topic_rows(grid(), "sale", verdicts=[NOT_STATED]), "Company"))))
    assert silent[1] == ["Cedar Health", "Not stated", "Not stated", ""]
