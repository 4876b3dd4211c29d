"""The compare grid (qa.compare.grid): topics, grid shape and formats, the cache, rebuilds, escaping, gold scoring.

Unit tests run on the seed policies with the fake embedder; one integration test measures the real
model's grid against evals/compare_gold.jsonl.
"""

import csv
import io
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from qa.cli import main
from qa.compare import cache as grid_cache
from qa.compare.cells import (
    MAX_EVIDENCE_QUOTES,
    NOT_STATED,
    SHORT_QUOTE_CHARS,
    STATED,
    Cell,
    CellQuote,
    cell_from_answer,
    evidence_pattern,
    practice_for,
    summary_lines,
)
from qa.compare.grid import Grid, PolicyColumn, build_grid, csv_cell
from qa.compare.topics import Topic, load_topics, parse_topics
from qa.compare.view import cell_html
from qa.errors import TopicsError
from qa.eval.compare import GoldCell, load_gold, score
from qa.search.engine import Engine
from tests.conftest import ROOT, SEED_POLICIES, FakeEmbedder

pytestmark = pytest.mark.slow  # an index of the seed policies and a grid per test (left out by `make test-fast`)

GOLD = ROOT / "evals" / "compare_gold.jsonl"
ISSUE_PRACTICES = ["data collected", "purposes", "legal basis", "sharing", "sale", "international transfers",
                   "retention", "security", "access", "erasure", "objecting", "cookies", "children",
                   "data protection officer", "complaints", "changes"]
HOSTILE = ("Markup Test Privacy Policy\n\nCookies\n\nDo you use cookies on your website? Yes, we use cookies on your "
           "website. <script>alert(1)</script> "
           "See [link](http://x) for **bold** cookie details.\n\nContact\n\nWrite to us at <b>privacy@x.example</b>.\n")


@pytest.fixture(autouse=True)
def fake_embedder_for_commands(monkeypatch, request):
    """Every embedder the code makes is the fake one; no reranker model is loaded in unit tests."""
    if request.node.get_closest_marker("integration"):
        return
    request.getfixturevalue("fake_model")
    monkeypatch.setenv("POLICYQA_RERANKER", "none")


def build(policies: Path, folder: Path, capsys=None) -> str:
    code = main(["index", "build", "--policies", str(policies), "--index", str(folder), "--model", "fake-embedder"])
    assert code == 0
    return capsys.readouterr().out if capsys else ""


@pytest.fixture
def index(seed_policies, tmp_path, capsys) -> Path:
    folder = tmp_path / "index"
    build(seed_policies, folder, capsys)
    return folder


@pytest.fixture
def counted(monkeypatch):
    """Records (question, policies) of every Engine.answer call."""
    calls = []
    original = Engine.answer

    def answer(self, question, *args, **kwargs):
        calls.append((question, tuple(kwargs.get("policies") or ())))
        return original(self, question, *args, **kwargs)

    monkeypatch.setattr(Engine, "answer", answer)
    return calls


def no_engine():
    raise AssertionError("the engine was opened although every cell should come from the cache")


# -- topics --------------------------------------------------------------------------------------------

def test_shipped_topics_cover_the_practices_the_issue_lists():
    topics = load_topics()
    assert len(topics) >= 16 and len({t.id for t in topics}) == len(topics)
    labels = " / ".join(t.label.lower() for t in topics)
    assert [p for p in ISSUE_PRACTICES if p not in labels] == []
    assert all(t.question.endswith("?") for t in topics)


@pytest.mark.parametrize("text, message", [
    ('{"id": "a", "label": "A", "question": "Q?"}\n{"id": "b", "label": "B"}\n', 'my.jsonl:2: needs a non-empty string "question"'),
    ('{"id": "a", "label": "A", "question": "Q?"}\nnot json\n', "my.jsonl:2: not JSON"),
    ('["a"]\n', "my.jsonl:1: expected an object"),
    ('{"id": "a", "label": "A", "question": "Q?"}\n\n{"id": "a", "label": "B", "question": "R?"}\n', "my.jsonl:3: id 'a' repeats line 1"),
    ('{"id": "a b", "label": "A", "question": "Q?"}\n', "my.jsonl:1: id 'a b' must be"),
    ("\n\n", "my.jsonl: no topics"),
    ('{"id": "a", "label": "A", "question": "Q?", "evidence": "sell"}\n', 'my.jsonl:1: "evidence" must be a list of words'),
    ('{"id": "a", "label": "A", "question": "Q?", "evidence": ["sell", " * "]}\n', 'my.jsonl:1: "evidence" must be a list'),
])
def test_a_bad_topics_file_is_one_line_naming_the_line(tmp_path, index, capsys, text, message):
    path = tmp_path / "my.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TopicsError, match=re.escape(message)):
        load_topics(path)
    assert main(["compare", "--index", str(index), "--topics", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("policyqa: error: " + message) and len(err.strip().splitlines()) == 1


def test_own_topics_make_their_own_rows(tmp_path, index, capsys):
    path = tmp_path / "mine.jsonl"
    path.write_text('{"id": "calls", "label": "Call recordings", "question": "How long are phone calls kept?"}\n')
    assert main(["compare", "--index", str(index), "--topics", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["topics"] == [{"id": "calls", "label": "Call recordings", "question": "How long are phone calls kept?"}]
    assert len(data["cells"]) == 5


def test_evidence_words_are_optional_lower_cased_and_part_of_a_cells_cache_key():
    plain, sale = parse_topics('{"id": "a", "label": "A", "question": "Q?"}\n'
                                       '{"id": "s", "label": "S", "question": "Q?", "evidence": ["Sell*", " sold "]}\n')
    assert plain.evidence == () and sale.evidence == ("sell*", "sold")
    assert plain.key != sale.key != replace(sale, evidence=("sell*",)).key  # new words, the cell is answered again


@pytest.mark.parametrize("words, text, found", [
    (["sell*"], "We never sell it. Selling? Sellers.", ["sell", "Selling", "Sellers"]),
    (["sell*"], "We resell nothing", []),  # whole words: a word that ends in the stem is not it
    (["sold"], "soldier", []),
    (["sale of"], "the sale  of\nyour data, a wholesale of goods", ["sale  of"]),  # any white space between words
    (["u.s.", "@"], "servers in the U.S. and dpo@example.com", ["U.S.", "@"]),
])
def test_evidence_pattern_matches_whole_words_and_phrases(words, text, found):
    assert evidence_pattern(words).findall(text) == found


def _hit(policy_text: str, passage: str, highlight: str, score: float):
    from qa.types import Hit

    start = policy_text.index(passage)
    mark = policy_text.index(highlight)
    return Hit(policy="acme", name="Acme Sales", section="", start=start, end=start + len(passage), text=passage,
               score=score, highlights=((mark, mark + len(highlight)),))


def _answer(rows):
    from qa.search.answer import Answer

    return Answer(question="Q?", rows=tuple(rows), scope=("acme",))


def test_a_cell_with_evidence_is_stated_by_the_first_shown_passage_that_holds_a_word():
    from qa.search.answer import PolicyAnswer
    from qa.types import Quote

    text = ("We share data with partners. Partners help us.\n\nWe never sell your data. We do not rent it either. "
            "Thanks.\n\nAcme Sales keeps records.")
    first = _hit(text, "We share data with partners. Partners help us.", "We share data with partners.", 0.5)
    second = _hit(text, "We never sell your data. We do not rent it either. Thanks.", "Thanks.", 0.2)
    named = _hit(text, "Acme Sales keeps records.", "Acme Sales keeps records.", 0.4)
    sale = Topic("sale", "Sale", "Do you sell my data?", ("sell*", "sold", "rent", "sale*"))
    quote = Quote("acme", "Acme Sales", "", first.highlights[0][0], first.highlights[0][1], "We share data with partners.")

    def row(hits, abstained=False):
        return PolicyAnswer(policy="acme", name="Acme Sales", abstained=abstained, score=0.5, confidence=0.5,
                            quotes=() if abstained else (quote,), hits=tuple(hits))

    cell = cell_from_answer(sale, "acme", _answer([row([first, named, second])]))
    # the marked sentence has no evidence word; the passage's sentences that do are quoted, in text order
    assert cell.status == STATED and cell.passage == (second.start, second.end)
    assert [q.text for q in cell.quotes] == ["We never sell your data.", "We do not rent it either."]
    assert all(text[q.start:q.end] == q.text for q in cell.quotes)
    # "Sales" in the company's own name is not evidence; no shown passage with a word: not stated
    cell = cell_from_answer(sale, "acme", _answer([row([first, named])]))
    assert cell.status == NOT_STATED and cell.quotes == () and cell.passage == (first.start, first.end)
    # an abstained row stays not stated, whatever its nearest passage says
    assert cell_from_answer(sale, "acme", _answer([row([second], abstained=True)])).status == NOT_STATED
    # without evidence words the answer's own quote is the cell
    cell = cell_from_answer(replace(sale, evidence=()), "acme", _answer([row([first, named])]))
    assert cell.status == STATED and [q.text for q in cell.quotes] == ["We share data with partners."]


# -- the grid ------------------------------------------------------------------------------------------

def test_json_grid_has_the_issues_shape_and_verbatim_quotes(index, capsys):
    assert main(["compare", "--index", str(index), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    engine = Engine.open(index)
    topics = load_topics()
    assert set(data) == {"topics", "policies", "cells"}
    assert data["topics"] == [t.to_dict() for t in topics]
    assert data["policies"] == [{"id": p.id, "name": p.name} for p in engine.policies.values()]
    assert len(data["cells"]) == len(topics) * len(engine.policies)
    assert [(c["topic"], c["policy"]) for c in data["cells"]] == [(t.id, p) for t in topics for p in engine.policies]
    statuses = set()
    for cell in data["cells"]:
        assert set(cell) == {"topic", "policy", "status", "verdict", "quotes", "confidence"}
        assert cell["status"] in (STATED, NOT_STATED) and isinstance(cell["confidence"], float)
        assert (cell["verdict"] == NOT_STATED) == (cell["status"] == NOT_STATED)  # issue 22: a verdict per cell
        statuses.add(cell["status"])
        assert bool(cell["quotes"]) == (cell["status"] == STATED)
        text = engine.policies[cell["policy"]].text
        for quote in cell["quotes"]:
            assert set(quote) == {"start", "end", "text", "section"}
            assert text[quote["start"]:quote["end"]] == quote["text"]
    assert statuses == {STATED, NOT_STATED}  # the seed grid has both, or this test proves little


def test_a_topic_without_evidence_words_is_the_products_answer_for_that_policy(index):
    engine = Engine.open(index)
    topics = [replace(t, evidence=()) for t in load_topics()[:4]]
    grid = build_grid(index, topics, engine=engine, use_cache=False)
    for topic in topics:
        for policy in grid.policies:
            answer = engine.answer(topic.question, policies=[policy.id])
            row = answer.rows[0]
            cell = grid.cell(topic.id, policy.id)
            assert cell.status == (NOT_STATED if row.abstained else STATED)
            assert [(q.start, q.end) for q in cell.quotes] == [(q.start, q.end) for q in row.quotes]


def test_a_cell_with_evidence_words_quotes_a_shown_passage_that_holds_one(index):
    engine = Engine.open(index)
    topics = load_topics()
    assert all(t.evidence for t in topics)  # every shipped topic says what answering it takes
    grid = build_grid(index, topics, engine=engine, use_cache=False)
    outcomes = set()
    for topic in topics:
        pattern = evidence_pattern(topic.evidence)
        for policy in grid.policies:
            # asked as the grid asks it (a grid's topic words are not names to look for in the policy)
            row = engine.answer(topic.question, policies=[policy.id],
                                practice=practice_for(engine, topic)).rows[0]
            cell = grid.cell(topic.id, policy.id)
            with_words = [h for h in row.hits if pattern.search(h.text)]
            if row.abstained or not with_words:
                assert cell.status == NOT_STATED and not cell.quotes
                outcomes.add("abstained" if row.abstained else "no evidence")
                continue
            assert cell.status == STATED and 1 <= len(cell.quotes) <= MAX_EVIDENCE_QUOTES
            first = with_words[0]  # the best shown passage with an evidence word is the one quoted
            assert cell.passage == (first.start, first.end)
            for quote in cell.quotes:
                assert first.start <= quote.start < quote.end <= first.end and pattern.search(quote.text)
            outcomes.add("stated")
    assert outcomes == {"abstained", "no evidence", "stated"}, outcomes  # each branch is exercised


def test_policy_filter_keeps_the_order_and_an_unknown_id_is_one_line(index, capsys):
    assert main(["compare", "--index", str(index), "--json", "--policy", "concero", "--policy", "cloudsentric"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in data["policies"]] == ["concero", "cloudsentric"]
    assert main(["compare", "--index", str(index), "--policy", "acme"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("policyqa: error: unknown policy id 'acme' (known: 23technology,") and "\n" not in err


def test_missing_index_is_one_line_with_the_fix(tmp_path, capsys):
    assert main(["compare", "--index", str(tmp_path / "none")]) == 1
    assert "run `policyqa index build`" in capsys.readouterr().err


def test_csv_is_a_grid_of_topics_by_policies(index, capsys, tmp_path):
    out = tmp_path / "grid.csv"
    assert main(["compare", "--index", str(index), "--csv", "--out", str(out)]) == 0
    grid = build_grid(index, engine_factory=no_engine)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["Topic", "Question", *[p.name for p in grid.policies]]
    assert len(rows) == 1 + len(grid.topics)
    for topic, row in zip(grid.topics, rows[1:]):
        assert row[:2] == [topic.label, topic.question]
        for policy, value in zip(grid.policies, row[2:]):
            cell = grid.cell(topic.id, policy.id)
            assert value == csv_cell("Not stated" if not cell.stated  # a formula-like cell starts with '
                                     else " … ".join(" ".join(q.text.split()) for q in cell.quotes))


def test_markdown_is_one_table_row_per_topic(index, capsys):
    assert main(["compare", "--index", str(index), "--markdown"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    grid = build_grid(index, engine_factory=no_engine)
    assert len(lines) == 2 + len(grid.topics)
    for line in lines:
        # Escaped pipes inside quotes do not split a cell.
        assert len(re.split(r"(?<!\\)\|", line)) == len(grid.policies) + 3
    assert lines[2].startswith(f"| **{grid.topics[0].label}** |")
    assert "*Not stated*" in "\n".join(lines)


def test_markdown_and_cells_show_markup_in_a_policy_as_text(tmp_path, capsys):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "markup.txt").write_text(HOSTILE, encoding="utf-8")
    shutil.copy(SEED_POLICIES / "concero.txt", policies / "concero.txt")
    folder = tmp_path / "index"
    build(policies, folder, capsys)
    engine = Engine.open(folder)
    topic = Topic("cookies", "Cookies", "Do you use cookies on your website?")
    grid = build_grid(folder, [topic], engine=engine)
    cell = grid.cell("cookies", "markup")
    assert cell.stated and "<script>alert(1)</script>" in engine.policies["markup"].text[cell.passage[0]:cell.passage[1]]
    shown = cell_html(cell, "Markup <i>Test</i>", engine.policies["markup"].text)
    assert "<script" not in shown and "<i>" not in shown and "<b>" not in shown and "](" not in shown
    assert "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;" in shown  # shown, as text, beside the quote
    md = Grid([topic], [PolicyColumn("markup", "Markup")],
              {("cookies", "markup"): Cell("cookies", "markup", STATED,
                                           (CellQuote(0, 10, "<script>alert(1)</script> **bold** [x](y) | z", ""),))}
              ).to_markdown()
    assert "<script>" not in md and "&lt;script&gt;" in md and r"\*\*bold\*\*" in md and r"\|" in md


def test_terminal_output_shows_control_characters_instead_of_obeying_them(tmp_path, capsys):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "ansi.txt").write_text("Ansi Privacy Policy\n\nCookies\n\n"
                                       "Yes, you use cookies on your website \x1b[2J\x1b]0;owned\x07.\n", encoding="utf-8")
    folder = tmp_path / "index"
    build(policies, folder, capsys)
    topics = tmp_path / "t.jsonl"
    topics.write_text('{"id": "cookies", "label": "Cookies", "question": "Do you use cookies on your website?"}\n')
    assert main(["compare", "--index", str(folder), "--topics", str(topics)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2J" in out


def test_not_stated_cells_look_different_and_stated_ones_mark_the_quote(index):
    engine = Engine.open(index)
    grid = build_grid(index, engine=engine)
    stated = next(c for c in grid.cells.values() if c.stated)
    silent = next(c for c in grid.cells.values() if not c.stated)
    text = engine.policies[stated.policy].text
    shown = cell_html(stated, "Name", text)
    assert 'class="pq-cell pq-stated"' in shown
    marked = "".join(re.findall(r'<mark class="pq-mark">(.*?)</mark>', shown))
    import html

    assert html.unescape(marked) == "".join(text[q.start:q.end] for q in stated.quotes[:1]) or \
        html.unescape(marked) == "".join(text[q.start:q.end] for q in stated.quotes)
    assert 'class="pq-cell pq-not-stated"' in cell_html(silent, "Name", text) and "Not stated" in cell_html(silent, "N", text)


def test_summary_lines_give_name_status_and_a_short_verbatim_quote(index):
    engine = Engine.open(index)
    answer = engine.answer("Which companies say how long they keep my personal data?",
                           policies=list(engine.policies))
    lines = summary_lines(answer)
    assert [name for name, _, _ in lines] == [row.name for row in answer.rows]
    for (_, status, quote), row in zip(lines, answer.rows):
        assert status == (NOT_STATED if row.abstained else STATED)
        if status == STATED:
            assert quote and quote.rstrip("…") in " ".join(row.quotes[0].text.split())
            assert len(quote) <= SHORT_QUOTE_CHARS + 1
        else:
            assert quote == ""


# -- the cache -----------------------------------------------------------------------------------------

def test_second_grid_comes_from_the_cache_without_opening_the_engine(index, capsys, monkeypatch):
    first = build_grid(index)
    assert first.computed == len(first.cells) and first.cached == 0
    assert (index / grid_cache.CACHE_FILE).is_file()
    assert [p.name for p in index.iterdir() if p.name.startswith(".compare")] == []  # no temporary file left
    second = build_grid(index, engine_factory=no_engine)
    assert second.cached == len(second.cells) and second.computed == 0
    assert second.to_dict() == first.to_dict()
    monkeypatch.setattr(Engine, "open", classmethod(lambda cls, *a, **k: no_engine()))
    assert main(["compare", "--index", str(index), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == first.to_dict()


def test_a_changed_answer_path_or_a_damaged_cache_recomputes(index, monkeypatch, counted):
    build_grid(index)
    calls = len(counted)
    monkeypatch.setattr(grid_cache, "ANSWER_PATH_VERSION", "test-next")
    assert build_grid(index).computed == calls
    (index / grid_cache.CACHE_FILE).write_text("{not json", encoding="utf-8")
    assert build_grid(index).computed == calls


def test_a_changed_policy_recomputes_only_its_column_and_the_build_lists_changed_cells(
        seed_policies, tmp_path, capsys, counted):
    folder = tmp_path / "index"
    build(seed_policies, folder, capsys)
    before = build_grid(folder)
    counted.clear()
    path = seed_policies / "ct1-technologies.txt"
    text = path.read_text(encoding="utf-8")
    start = text.index("8. How long we keep your data")
    end = text.index("9. Your data protection rights")
    path.write_text(text[:start] + "8. How long we keep your data\nWe keep your personal data forever, "
                    "and we keep copies of it too.\n" + text[end:], encoding="utf-8")

    out = build(seed_policies, folder, capsys)
    assert {policies for _, policies in counted} == {("ct1-technologies",)}
    assert len(counted) == len(before.topics)
    after = build_grid(folder, engine_factory=no_engine)
    expected = [f"CT1 Technologies · {t.label}: changed"
                for t in after.topics if after.cell(t.id, "ct1-technologies").changed_from(
                    before.cell(t.id, "ct1-technologies"))]
    assert expected, "the edit should change at least the retention cell"
    listed = [line for line in out.splitlines() if " · " in line]
    assert [re.sub(r" \(now .*\)$", "", line) for line in listed] == expected
    assert grid_cache.last_changes(folder)[1] == listed  # what the Compare page shows
    for t in after.topics:
        for p in after.policies:
            if p.id != "ct1-technologies":
                assert after.cell(t.id, p.id) == before.cell(t.id, p.id)


def test_a_rebuild_outside_the_cli_is_caught_up_on_the_next_request(seed_policies, tmp_path, capsys, counted):
    """The chat rebuilds with build_index directly: the next grid answers the changed column and says what moved."""
    from qa.config import BuildSettings
    from qa.index.build import build_index

    folder = tmp_path / "index"
    build(seed_policies, folder, capsys)
    before = build_grid(folder)
    path = seed_policies / "concero.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("30 days", "90 days"), encoding="utf-8")
    build_index(seed_policies, folder, BuildSettings(model="fake-embedder"), lambda: FakeEmbedder())
    counted.clear()
    after = build_grid(folder)
    assert {policies for _, policies in counted} == {("concero",)} and after.computed == len(after.topics)
    changed = [t.label for t in after.topics if after.cell(t.id, "concero").changed_from(before.cell(t.id, "concero"))]
    assert [line.split(" · ")[1].split(":")[0] for line in after.changes] == changed
    assert all(line.startswith("Concero Technology Services · ") for line in after.changes)


def test_a_build_without_a_previous_grid_computes_nothing(seed_policies, tmp_path, capsys, counted):
    folder = tmp_path / "index"
    out = build(seed_policies, folder, capsys)
    assert counted == [] and not (folder / grid_cache.CACHE_FILE).exists() and " · " not in out


def test_a_new_policy_is_reported_once_not_cell_by_cell(seed_policies, tmp_path, capsys):
    folder = tmp_path / "index"
    build(seed_policies, folder, capsys)
    build_grid(folder)
    (seed_policies / "markup.txt").write_text(HOSTILE, encoding="utf-8")
    out = build(seed_policies, folder, capsys)
    assert re.search(r"^Markup: new policy, \d+ of 16 topics stated$", out, re.M), out
    assert " · " not in out


def test_cache_write_is_atomic_and_keeps_other_policies_columns(index):
    build_grid(index)
    build_grid(index, policies=["concero"], use_cache=False)
    data = json.loads((index / grid_cache.CACHE_FILE).read_text(encoding="utf-8"))
    assert set(data["columns"]) == {"23technology", "cloudsentric", "concero", "core-office-it", "ct1-technologies"}


# -- gold and scoring ----------------------------------------------------------------------------------

def test_gold_covers_every_topic_and_seed_policy_with_verbatim_quotes():
    texts = {p.stem: p.read_text(encoding="utf-8") for p in SEED_POLICIES.glob("*.txt")}
    topics = load_topics()
    gold, problems = load_gold(GOLD, texts, {t.id for t in topics})
    assert problems == []
    assert sorted((g.topic, g.policy) for g in gold) == sorted((t.id, p) for t in topics for p in texts)
    assert all(g.spans for g in gold if g.status == STATED)


def test_gold_problems_name_the_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"topic": "retention", "policy": "p", "status": "stated", "quotes": ["not in it"]}\n'
                    '{"topic": "retention", "policy": "q", "status": "maybe"}\n', encoding="utf-8")
    _, problems = load_gold(path, {"p": "Some policy text.", "q": "x"}, {"retention"})
    assert problems == ["gold.jsonl:1: quote not verbatim in p: 'not in it'",
                        'gold.jsonl:2: status must be "stated" with quotes or "not_stated" without']


def test_score_counts_status_and_quote_overlap_by_hand():
    t = [Topic("a", "A", "A?"), Topic("b", "B", "B?")]
    p = [PolicyColumn("x", "X"), PolicyColumn("y", "Y")]
    cells = {("a", "x"): Cell("a", "x", STATED, (CellQuote(10, 20, "", ""),)),  # overlaps 15-30: right
             ("a", "y"): Cell("a", "y", STATED, (CellQuote(0, 5, "", ""),)),  # quote elsewhere: wrong
             ("b", "x"): Cell("b", "x", NOT_STATED),  # gold stated: wrongly not stated
             ("b", "y"): Cell("b", "y", NOT_STATED)}  # gold not stated: right
    gold = [GoldCell("a", "x", STATED, ((15, 30),), ("q",)), GoldCell("a", "y", STATED, ((5, 9),), ("q",)),
            GoldCell("b", "x", STATED, ((0, 3),), ("q",)), GoldCell("b", "y", NOT_STATED, (), ())]
    result = score(Grid(t, p, cells), gold)
    assert (result.correct, result.cells, result.accuracy) == (2, 4, 0.5)
    assert (result.stated_as_not_stated, result.gold_stated, result.wrong_quote) == (1, 3, 1)
    assert result.wrong_not_stated_rate == pytest.approx(1 / 3)
    assert [(g.topic, g.policy) for g, _ in result.misses] == [("a", "y"), ("b", "x")]
    assert result.by_topic == {"a": [1, 2], "b": [1, 2]}


def test_eval_compare_reports_accuracy_and_misses(index, capsys):
    assert main(["eval", "--compare", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^cell accuracy\s+[01]\.\d{3}  \(\d+/80\)$", out, re.M)
    assert re.search(r"^stated, wrongly not stated\s+[01]\.\d{3}  \(\d+/63\)$", out, re.M)
    assert main(["eval", "--compare", str(index / "missing.jsonl"), "--index", str(index)]) == 2


def test_eval_compare_scores_your_own_topics_and_one_split_of_the_gold(index, tmp_path, capsys):
    topics = tmp_path / "topics.jsonl"
    topics.write_text(json.dumps({"id": "calls", "label": "Call recording", "question": "Do you record calls?"})
                      + "\n" + json.dumps({"id": "drones", "label": "Drones", "question": "Do you fly drones?"})
                      + "\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(line) + "\n" for line in (
        {"topic": "calls", "policy": "concero", "status": "stated", "split": "dev",
         "quotes": ["All our phone calls are recorded for training and monitoring purposes."]},
        {"topic": "drones", "policy": "concero", "status": "not_stated", "quotes": [], "split": "test"},
        {"topic": "drones", "policy": "cloudsentric", "status": "not_stated", "quotes": [], "split": "test"})),
        encoding="utf-8")
    args = ["eval", "--compare", str(gold), "--topics", str(topics), "--index", str(index), "--json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["cells"] == 3
    assert main([*args, "--split", "test"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["cells"] == 2 and set(result["by_topic"]) == {"drones"}
    assert main(["eval", "--compare", str(gold), "--index", str(index)]) == 1  # the shipped topics know neither
    assert "unknown topic 'calls'" in capsys.readouterr().err


@pytest.mark.slow
def test_eval_compare_answers_with_the_reranker_asked_for_and_caches_per_reranker(index, capsys):
    def run(*extra):
        assert main(["eval", "--compare", "--index", str(index), *extra]) == 0
        return capsys.readouterr().out.splitlines()[0]

    assert "reranker none" in run() and "(80 answered, 0 cached)" in run("--no-cache")  # $POLICYQA_RERANKER
    assert "(0 answered, 80 cached)" in run()
    shipped = run("--reranker", "policyqa-reranker")
    assert "reranker policyqa-reranker" in shipped and "(80 answered, 0 cached)" in shipped  # not none's cells
    assert "(0 answered, 80 cached)" in run("--reranker", "policyqa-reranker")


def test_eval_compare_scores_held_out_gold_on_a_temporary_index_of_its_policies(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "cache"))
    contexts = {"Acme": ["We use cookies on our website.", "We never sell your personal data."],
                "Other": ["Other text about nothing."]}
    squad = {"data": [{"title": title, "paragraphs": [{"context": c, "qas": []} for c in paragraphs]}
                      for title, paragraphs in contexts.items()]}
    (tmp_path / "squad.json").write_text(json.dumps(squad), encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"topic": "sale", "policy": "acme", "status": "stated",
                                "quotes": ["We never sell your personal data."]}) + "\n"
                    + json.dumps({"topic": "children", "policy": "acme", "status": "not_stated", "quotes": []}) + "\n",
                    encoding="utf-8")
    args = ["eval", "--compare", str(gold), "--squad", str(tmp_path / "squad.json"), "--model", "fake-embedder"]
    assert main([*args, "--json", "--no-cache"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["cells"] == 2 and result["gold_stated"] == 1  # only the gold's policy is indexed and graded
    index = Path(result["index"])
    assert sorted(p.name for p in (index.parent / "policies").iterdir()) == ["acme.txt"]
    gold.write_text(json.dumps({"topic": "sale", "policy": "nowhere", "status": "not_stated"}) + "\n", encoding="utf-8")
    assert main(args) == 2
    assert "none of the gold's policies (nowhere) is an article of" in capsys.readouterr().err


# -- the real model ------------------------------------------------------------------------------------

# Measured on the seed index with the real model (int8 ONNX) and the shipped reranker: cell accuracy 0.875
# (70/80) with the topics' evidence words (0.688 without), `policyqa eval --compare`; see evals/README.md
# "The compare grid". A regression guard two cells below the measurement, so an answer path that gets
# worse fails it; raise it when the answer path improves.
GOLD_ACCURACY_FLOOR = 0.85
# The same on the held-out gold (3 PolicyQA test policies the topics' words were not written from):
# 0.833 (40/48), 0.625 before the evidence words.
HELD_OUT_GOLD = ROOT / "evals" / "compare_gold_heldout.jsonl"
HELD_OUT_ACCURACY_FLOOR = 0.79
POLICYQA_DEV = ROOT.parent / "shared" / "data" / "policyqa" / "dev.json"


@pytest.mark.integration
def test_real_model_grid_accuracy_on_gold_stays_above_the_floor(seed_index_dir, tmp_path):
    folder = tmp_path / "index"
    shutil.copytree(seed_index_dir, folder)  # the grid's cache is written into the index folder
    engine = Engine.open(folder)
    topics = load_topics()
    gold, problems = load_gold(GOLD, {pid: p.text for pid, p in engine.policies.items()}, {t.id for t in topics})
    assert problems == []
    result = score(build_grid(folder, topics, engine=engine), gold)
    print(f"\ncompare gold: cell accuracy {result.accuracy:.3f}, wrongly not stated {result.wrong_not_stated_rate:.3f}")
    assert result.accuracy >= GOLD_ACCURACY_FLOOR, result.to_dict()["misses"]


# Topics a user writes (evals/user_topics.jsonl: 20 topics, no evidence words) against gold read by hand
# (evals/compare_gold_user.jsonl, 98 cells): each cell answered as `ask` answers the topic's question, 0.673
# (66/98; dev 36/50, test 30/48), `policyqa eval --compare evals/compare_gold_user.jsonl --topics
# evals/user_topics.jsonl`. Two cells below it.
USER_TOPICS = ROOT / "evals" / "user_topics.jsonl"
USER_GOLD = ROOT / "evals" / "compare_gold_user.jsonl"
USER_ACCURACY_FLOOR = 0.64


@pytest.mark.integration
def test_real_model_grid_of_your_own_topics_is_asks_answer_and_stays_above_the_floor(seed_index_dir, tmp_path):
    folder = tmp_path / "index"
    shutil.copytree(seed_index_dir, folder)
    engine = Engine.open(folder)
    topics = load_topics(USER_TOPICS)
    assert not any(t.evidence for t in topics)
    gold, problems = load_gold(USER_GOLD, {pid: p.text for pid, p in engine.policies.items()}, {t.id for t in topics})
    assert problems == [] and {g.split for g in gold} == {"dev", "test"}
    grid = build_grid(folder, topics, engine=engine)
    for topic in topics[:4]:  # a cell is what `ask` says of that policy: status, verdict and quotes
        for policy in grid.policies:
            row = engine.answer(topic.question, policies=[policy.id]).rows[0]
            cell = grid.cell(topic.id, policy.id)
            assert (cell.status == NOT_STATED) == row.abstained and cell.verdict == row.verdict
            assert [(q.start, q.end) for q in cell.quotes] == [(q.start, q.end) for q in row.quotes]
    result = score(grid, gold)
    print(f"\nuser-topic gold: cell accuracy {result.accuracy:.3f}")
    assert result.accuracy >= USER_ACCURACY_FLOOR, result.to_dict()["misses"]


@pytest.mark.integration
@pytest.mark.skipif(not POLICYQA_DEV.is_file(), reason="PolicyQA dev set not on this machine")
def test_real_model_grid_accuracy_on_held_out_gold_stays_above_the_floor(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "cache"))
    assert main(["eval", "--compare", str(HELD_OUT_GOLD), "--squad", str(POLICYQA_DEV), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["cells"] == 48 and result["wrong_not_stated_rate"] <= 0.10
    assert result["cell_accuracy"] >= HELD_OUT_ACCURACY_FLOOR, result["misses"]


# -- the page (Streamlit AppTest, fake embedder) -------------------------------------------------------

def test_compare_page_shows_every_cell_and_a_policys_markup_as_text(seed_policies, tmp_path, capsys, monkeypatch):
    from streamlit.testing.v1 import AppTest

    (seed_policies / "markup.txt").write_text(HOSTILE, encoding="utf-8")
    folder = tmp_path / "index"
    build(seed_policies, folder, capsys)
    monkeypatch.setenv("POLICYQA_INDEX", str(folder))
    at = AppTest.from_file(str(ROOT / "pages" / "1_Compare.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    html = "\n".join(m.value for m in at.markdown)
    assert html.count('<div class="pq-cell ') == 16 * 6
    assert html.count('class="pq-cell pq-not-stated"') > 0
    assert "<script" not in html and "<b>" not in html and "&#60;script&#62;" in html
    assert "[link](http://x)" not in html  # Markdown in a policy is escaped too
    # Filters narrow the grid; the downloads follow them.
    at.sidebar.multiselect[0].set_value(["concero"]).run()
    assert "\n".join(m.value for m in at.markdown).count('<div class="pq-cell ') == 16


def test_a_topic_typed_on_the_compare_page_is_asked_of_every_policy_escaped_and_never_cached(
        seed_policies, tmp_path, capsys, monkeypatch):
    from streamlit.testing.v1 import AppTest

    folder = tmp_path / "index"
    build(seed_policies, folder, capsys)
    monkeypatch.setenv("POLICYQA_INDEX", str(folder))
    at = AppTest.from_file(str(ROOT / "pages" / "1_Compare.py"), default_timeout=60).run()
    assert not at.exception, at.exception

    def cells_shown() -> int:
        return "\n".join(m.value for m in at.markdown).count('<div class="pq-cell ')

    assert cells_shown() == 16 * 5
    at.sidebar.text_input(key="compare-own-question").input("Do you record my <b>calls</b>?")
    at.sidebar.button[0].click().run()  # the form's "Ask every policy"
    assert not at.exception, at.exception
    html = "\n".join(m.value for m in at.markdown)
    assert cells_shown() == 17 * 5 and "<b>" not in html and "&#60;b&#62;calls&#60;/b&#62;" in html
    cache = json.loads((folder / "compare.json").read_text(encoding="utf-8"))
    assert {len(col["cells"]) for col in cache["columns"].values()} == {16}  # typed topics are not cached
    at.sidebar.button(key="compare-own-clear").click().run()
    assert not at.exception, at.exception
    assert cells_shown() == 16 * 5 and at.session_state["compare-own-saved"] == []


def test_compare_page_with_many_policies_answers_only_the_chosen_columns(seed_policies, tmp_path, capsys,
                                                                         monkeypatch):
    """Past GRID_MAX policies (a store holds thousands) the page opens on one topic across every policy, so
    it answers one topic's cells, not every topic of every policy; side by side answers only the chosen
    policies' columns: 16 answers a column."""
    from streamlit.testing.v1 import AppTest

    for n in range(8):
        (seed_policies / f"acme-{n}.txt").write_text(f"Acme {n} Privacy\n\nWe keep your email address for {n + 1} "
                                                     "years and never sell it.\n", encoding="utf-8")
    folder = tmp_path / "index"
    build(seed_policies, folder, capsys)
    monkeypatch.setenv("POLICYQA_INDEX", str(folder))
    at = AppTest.from_file(str(ROOT / "pages" / "1_Compare.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert any("13 policies:" in c.value for c in at.caption), [c.value for c in at.caption]
    cache = json.loads((folder / "compare.json").read_text(encoding="utf-8"))
    assert sum(len(col["cells"]) for col in cache["columns"].values()) == 13  # one topic x 13 policies
    at.session_state["compare-view"] = "grid"
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.multiselect(key="compare-policies").value == []  # nothing chosen: nothing answered
    assert "\n".join(m.value for m in at.markdown).count('<div class="pq-cell ') == 0
    at.sidebar.multiselect(key="compare-policies").set_value(["concero", "acme-3"]).run()
    assert not at.exception, at.exception
    assert "\n".join(m.value for m in at.markdown).count('<div class="pq-cell ') == 32
    assert any("2 cells from the cache, 30 answered now" in c.value for c in at.caption), \
        [c.value for c in at.caption]


def test_a_stated_cell_shows_its_verdict_word(index):
    import dataclasses
    import html

    engine = Engine.open(index)
    grid = build_grid(index, engine=engine)
    stated = next(c for c in grid.cells.values() if c.stated)
    if "verdict" not in {f.name for f in dataclasses.fields(stated)}:
        pytest.skip("cells carry no verdict yet")
    text = engine.policies[stated.policy].text
    shown = cell_html(dataclasses.replace(stated, verdict="no"), "Name", text)
    assert '<span class="pq-verdict">No</span>' in shown
    assert '<span class="pq-verdict">Stated</span>' in cell_html(dataclasses.replace(stated, verdict="stated"),
                                                                 "Name", text)
    assert html.unescape(shown).count("Name") == 1


def compare_modules_of(path: Path) -> set[Path]:
    """`path` and every qa.compare module it imports, directly or through another (lazy imports included)."""
    import ast

    package = path.parent
    found, todo = set(), [path]
    while todo:
        module = todo.pop()
        if module in found or not module.is_file():
            continue
        found.add(module)
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            todo += [package / f"{name.removeprefix('qa.compare.')}.py" for name in names
                     if name.startswith("qa.compare.")]
    return found


def test_the_cache_fingerprint_covers_every_answer_path_module_and_the_models(monkeypatch):
    """Issue 24: the grid cache keys on the answer path's source found by walking its packages (a new module
    cannot be left out of a list), on the settings module and the grid itself, and on the models loaded."""
    qa_root = ROOT / "qa"
    files = set(grid_cache.answer_path_files())
    for package in ("search", "embed", "index", "ingest"):
        assert set((qa_root / package).rglob("*.py")) <= files
    assert {qa_root / "config.py", qa_root / "compare" / "grid.py", qa_root / "index" / "pg" / "reader.py"} <= files
    assert compare_modules_of(qa_root / "compare" / "grid.py") <= files  # topics, cells, cache: all that makes cells
    assert qa_root / "compare" / "view.py" not in files  # how cells are shown does not make them stale
    shipped = grid_cache.answer_path_version()
    monkeypatch.setenv("POLICYQA_PRACTICE", "none")
    assert grid_cache.answer_path_version() != shipped  # answering without the practice model: other cells


def test_the_chat_and_the_compare_page_share_one_engine(index, monkeypatch):
    """Issue 24: one engine per chat server. Both pages load it through qa.chat.engines (Streamlit caches a
    resource per function), so asking in the chat and then opening the Compare page opens the index once."""
    from streamlit.testing.v1 import AppTest

    from qa.chat import engines
    from qa.index import store

    opened = []  # every index read from disk, whichever page or loader asks
    real = store.load_index

    def counting(*args, **kwargs):
        opened.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "load_index", counting)
    engines.load_engine.clear()
    monkeypatch.setenv("POLICYQA_INDEX", str(index))
    chat = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not chat.exception, chat.exception
    chat.chat_input[0].set_value("How long does Concero keep phone call recordings?").run()
    assert not chat.exception, chat.exception
    page = AppTest.from_file(str(ROOT / "pages" / "1_Compare.py"), default_timeout=60).run()
    assert not page.exception, page.exception
    assert "pq-cell" in "\n".join(m.value for m in page.markdown)  # the grid was answered from that engine
    assert len(opened) == 1, opened
    engines.load_engine.clear()
