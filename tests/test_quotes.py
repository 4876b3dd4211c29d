"""Quote spans (`qa.search.quotes`) on the seed policies' real text: whole sentences and list items,
qualifiers kept, cut lists and gaps said, never a heading or a bare number, always verbatim."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.ingest.policies import load_policies
from qa.ingest.sentences import split_sentences
from qa.search import quotes
from qa.search.quotes import build_quotes, more_items_text
from qa.types import Hit, Quote

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"


@pytest.fixture(scope="module")
def seeds():
    policies, errors = load_policies(POLICIES)
    assert not errors
    return {p.id: p for p in policies}


def span_of(policy, sentence: str) -> tuple[int, int]:
    start = policy.text.index(sentence)
    return start, start + len(sentence)


def hit_over(policy, spans, before: int = 0, after: int = 0) -> Hit:
    start = max(0, min(s for s, _ in spans) - before)
    end = min(len(policy.text), max(e for _, e in spans) + after)
    return Hit(policy=policy.id, name=policy.name, section="§", start=start, end=end,
               text=policy.text[start:end], score=1.0, highlights=tuple(spans))


def quotes_for(policy, *sentences, **around) -> tuple[Quote, ...]:
    spans = [span_of(policy, s) for s in sentences]
    return build_quotes(policy, hit_over(policy, spans, **around), spans)


def test_the_retention_qualifier_joins_the_quote(seeds):
    concero = seeds["concero"]
    [quote] = quotes_for(concero, "Only the telephone number is kept alongside the recording, and we keep the "
                                  "recordings for 30 days in line with our Data Retention Policy.")
    assert quote.text.endswith("30 days in line with our Data Retention Policy. "
                               "Unless there is an issue in which case we may keep recordings for longer.")
    assert quote.text == concero.text[quote.start:quote.end]
    assert not quote.gap_before and not quote.more


def test_a_qualifier_chosen_alone_is_quoted_with_the_sentence_it_limits(seeds):
    concero = seeds["concero"]
    [quote] = quotes_for(concero, "Unless there is an issue in which case we may keep recordings for longer.")
    assert quote.text == ("Only the telephone number is kept alongside the recording, and we keep the recordings "
                          "for 30 days in line with our Data Retention Policy. Unless there is an issue in which "
                          "case we may keep recordings for longer.")
    assert quote.text == concero.text[quote.start:quote.end]


class _Text:
    id, name, headings = "p", "P", ()

    def __init__(self, text: str) -> None:
        self.text = text


@pytest.mark.parametrize(("text", "heading", "is_one"), [
    ("Intro.\n\nDo-Not-Track Signals. Please note we do not respond.", "Do-Not-Track Signals.", True),
    ("Do Not Track. We do not respond.", "Do Not Track.", True),
    ("We share aggregates. Do Not Track. We do not respond.", "Do Not Track.", False),  # not opening a paragraph
    ("Do-Not-Track Signals.\nWe do not respond.", "Do-Not-Track Signals.", False),  # a heading on its own line
    ("Intro.\n\nWe sell nothing. We keep it.", "We sell nothing.", False),  # no title
])
def test_a_run_in_heading_opens_a_paragraph_that_goes_on_after_it(text, heading, is_one):
    start = text.index(heading)
    assert quotes.run_in_heading(text, (start, start + len(heading))) is is_one


def quoted_alone(text: str, chosen: str) -> str:
    """The one quote built when `chosen` alone is chosen in a policy of `text` (checked verbatim)."""
    policy = _Text(text)
    start = text.index(chosen)
    hit = Hit(policy="p", name="P", section="§", start=0, end=len(text), text=text, score=1.0,
              highlights=((start, start + len(chosen)),))
    [quote] = build_quotes(policy, hit, [(start, start + len(chosen))])
    assert quote.text == text[quote.start:quote.end]
    return quote.text


@pytest.mark.parametrize(("text", "chosen", "quoted"), [
    ("We keep logs for 90 days. However, backups are kept for a year.", "However, backups are kept for a year.",
     "We keep logs for 90 days. However, backups are kept for a year."),
    ("We keep logs for 90 days.\n\nHowever, backups are kept for a year.", "However, backups are kept for a year.",
     "However, backups are kept for a year."),  # another paragraph: not the sentence it limits
    ("We keep logs for 90 days. Although rare, backups are kept for a year.",
     "Although rare, backups are kept for a year.", "Although rare, backups are kept for a year."),
])
def test_only_a_sentence_opening_with_a_limit_takes_the_one_before_it(text, chosen, quoted):
    assert quoted_alone(text, chosen) == quoted


@pytest.mark.parametrize(("text", "chosen", "quoted"), [
    # a sentence that details the chosen one joins it: the detail is often what was asked
    ("We use social media features. These features may collect your IP address. We use cookies.",
     "We use social media features.", "We use social media features. These features may collect your IP address."),
    ("We share data with suppliers. This is usually contact and billing information. Call us.",
     "We share data with suppliers.", "We share data with suppliers. This is usually contact and billing information."),
    ("We share data with partners. For example, couriers deliver products. We sell nothing.",
     "We share data with partners.", "We share data with partners. For example, couriers deliver products."),
    ("You can unsubscribe by the link. Note: Please allow five business days.", "You can unsubscribe by the link.",
     "You can unsubscribe by the link. Note: Please allow five business days."),
    # one such sentence only, none from the next paragraph, none that does not refer back
    ("We share data with suppliers. This is usually billing data. These are vetted. Call us.",
     "We share data with suppliers.", "We share data with suppliers. This is usually billing data."),
    ("We share data with suppliers.\n\nThese suppliers are vetted.", "We share data with suppliers.",
     "We share data with suppliers."),
    ("We share data with suppliers. Thistle Ltd is one of them.", "We share data with suppliers.",
     "We share data with suppliers."),
    ("We share data with suppliers. We do not sell it.", "We share data with suppliers.",
     "We share data with suppliers."),
    # a run-in heading chosen alone is quoted with the sentence it heads; a heading on its own line is not
    ("We share aggregates.\n\nDo-Not-Track Signals. We do not respond to them. Other text.",
     "Do-Not-Track Signals.", "Do-Not-Track Signals. We do not respond to them."),
    ("We share aggregates. Do Not Track. We do not respond to them.", "Do Not Track.", "Do Not Track."),
    ("Do-Not-Track Signals.\nWe do not respond to them.", "Do-Not-Track Signals.", "Do-Not-Track Signals."),
    ("Cookies are files.\n\nWe use them. We keep them.", "We use them.", "We use them."),
    # a line standing alone in bold is a heading: the sentence after it is quoted, not the passage's first; a bold
    # lead-in is no heading
    ("We share aggregates.\n\n**Are children allowed to use it?**\n\nIt is designed for adults.",
     "**Are children allowed to use it?**", "It is designed for adults."),
    ("We share aggregates.\n\n**We do not:**\n\n* sell your data.", "**We do not:**",
     "**We do not:**\n\n* sell your data."),
    # a sentence that points back is quoted with the one it points at
    ("You may access your data. To exercise these rights, email us.", "To exercise these rights, email us.",
     "You may access your data. To exercise these rights, email us."),
    ("We share data with couriers. In these instances, we share only your address.",
     "In these instances, we share only your address.",
     "We share data with couriers. In these instances, we share only your address."),
    ("You can name an agent. In order to do that, sign a letter.", "In order to do that, sign a letter.",
     "You can name an agent. In order to do that, sign a letter."),
    ("You may access your data.\n\nTo exercise these rights, email us.", "To exercise these rights, email us.",
     "To exercise these rights, email us."),
    ("We use cookies. Such as these are rare. This policy is new.", "This policy is new.", "This policy is new."),
])
def test_a_detail_joins_the_sentence_it_details_and_a_run_in_heading_its_sentence(text, chosen, quoted):
    assert quoted_alone(text, chosen) == quoted


def test_a_cut_list_says_how_many_items_are_left_and_where_they_are(seeds):
    ct1 = seeds["ct1-technologies"]
    lead = "We may share your personal data with:"
    regulators = "- Regulators, authorities and law enforcement where required by law or to protect our rights"
    [quote] = quotes_for(ct1, lead, regulators)
    assert quote.text.startswith(lead)
    assert "- Service providers" in quote.text and "- Professional advisers" in quote.text  # items in between
    assert quote.text.endswith("to protect our rights or those of others.")
    assert quote.more_items == 1 and more_items_text(quote.more_items) == "+1 more item"
    [(start, end)] = quote.more
    assert ct1.text[start:end].startswith("- Business transferees")
    assert ct1.text[start:end].endswith("subject to appropriate confidentiality protections.")
    # The lead-in alone shows the first items and says the rest.
    [alone] = quotes_for(ct1, lead)
    assert alone.more_items == 2 and more_items_text(2) == "+2 more items"
    assert alone.text.count("\n- ") == 2


def test_a_list_item_alone_is_read_with_its_lead_in(seeds):
    ct1 = seeds["ct1-technologies"]
    [quote] = quotes_for(ct1, "- Business transferees – if we sell or transfer part of our business or assets")
    assert quote.text.startswith("We may share your personal data with:")
    assert quote.text.endswith("subject to appropriate confidentiality protections.")
    assert not quote.more


def test_sentences_that_are_not_adjacent_are_separated_by_a_gap(seeds):
    concero = seeds["concero"]
    first = "We know that wondering who has access to your data and how it will be used is always a worry."
    last = "For your peace of mind, we have created this list below"
    quotes = quotes_for(concero, first, last)
    assert [q.gap_before for q in quotes] == [False, True]
    assert quotes[0].text == first
    between = concero.text[quotes[0].end:quotes[1].start]
    assert "Rest assured, Concero will never share your data" in between  # what the "…" stands for


def test_adjacent_sentences_are_one_quote(seeds):
    concero = seeds["concero"]
    first = "We know that wondering who has access to your data and how it will be used is always a worry."
    second = "Rest assured, Concero will never share your data with anyone else"
    [quote] = quotes_for(concero, first, second)
    assert quote.text.startswith(first) and "we never sell it on for marketing" in quote.text


def test_a_heading_is_never_quoted(seeds):
    cloud = seeds["cloudsentric"]
    heading = "2. What Types Of Personal Data Does CloudSentric Collect?"
    start, end = span_of(cloud, heading)
    hit = Hit(policy=cloud.id, name=cloud.name, section=heading, start=start, end=start + 500,
              text=cloud.text[start:start + 500], score=1.0, highlights=((start, end),))
    quotes = build_quotes(cloud, hit, [(start, end)])
    assert quotes, "the passage's first sentence stands in for a heading"
    assert all(heading not in q.text for q in quotes)
    assert quotes[0].text.startswith("CloudSentric needs certain personal data")


def test_a_bare_number_or_blank_lines_never_end_a_quote(seeds):
    cloud = seeds["cloudsentric"]
    number = cloud.text.index("\n8.2\n") + 1
    quotes = build_quotes(cloud, hit_over(cloud, [(number, number + 3)], before=300, after=10),
                          [(number, number + 3)])
    for quote in quotes:
        assert not re.fullmatch(r"[\d.\s]*", quote.text)
        assert re.search(r"[^\W\d_]", quote.text[-40:]) and quote.text == quote.text.strip()


def test_a_passage_starting_mid_sentence_is_quoted_from_the_sentence_start(seeds):
    concero = seeds["concero"]
    sentence = ("Only the telephone number is kept alongside the recording, and we keep the recordings for 30 days "
                "in line with our Data Retention Policy.")
    start, end = span_of(concero, sentence)
    mid = start + 20  # a chunk boundary inside the sentence
    hit = Hit(policy=concero.id, name=concero.name, section="Telephone Communications", start=mid, end=end,
              text=concero.text[mid:end], score=1.0, highlights=((mid, end),))
    [quote] = build_quotes(concero, hit, [(mid, end)])
    assert quote.start == start


@settings(deadline=None, max_examples=120)
@given(data=st.data())
def test_every_quote_is_verbatim_whole_and_never_a_heading(seeds, data):
    policy = seeds[data.draw(st.sampled_from(sorted(seeds)), label="policy")]
    sentences = split_sentences(policy.text)
    first = data.draw(st.integers(0, len(sentences) - 1), label="sentence")
    count = data.draw(st.integers(1, 3), label="count")
    picked = sorted({sentences[min(len(sentences) - 1, first + data.draw(st.integers(0, 6)))] for _ in range(count)})
    quotes = build_quotes(policy, hit_over(policy, picked, before=200, after=200), picked)
    heading_lines = {s for s, _ in policy.headings}
    previous_end = -1
    for i, quote in enumerate(quotes):
        assert quote.text == policy.text[quote.start:quote.end]
        assert quote.text == quote.text.strip() and re.search(r"[^\W\d_]", quote.text)
        assert quote.start not in heading_lines, quote.text[:80]
        assert quote.start > previous_end
        assert quote.gap_before == (i > 0)
        if i:  # quotes are split only where the policy has text between them
            assert policy.text[previous_end:quote.start].strip()
        # Whole sentences or lines: the quote ends at a sentence end, a line end or the end of the text.
        after = policy.text[quote.end:quote.end + 1]
        assert after in ("", "\n", " ", "\t", "\r", "\xa0") or quote.text[-1] in ".!?:;)\"'”’", quote.text[-60:]
        before = policy.text[quote.start - 1:quote.start] if quote.start else ""
        assert before in ("", "\n", " ", "\t", "\xa0"), quote.text[:60]
        for start, end in quote.more:
            assert start >= quote.end and policy.text[start:end].strip()
        previous_end = quote.end


@pytest.mark.integration
def test_golden_questions_quote_whole_sentences_and_never_a_heading(seed_index_dir, real_embedder):
    """Issue 23's target on the golden set, through the real answer path: every quote verbatim, starting and
    ending at a sentence or line boundary, never a heading or a bare number; `ask --json`'s quotes are the
    answer's own (the chat, the export and the CLI text print the same objects)."""
    import json

    from qa.search.engine import Engine

    engine = Engine.open(seed_index_dir, embedder_factory=lambda _: real_embedder)
    golden = ROOT / "evals" / "golden.jsonl"
    questions = [q for q in (json.loads(line).get("question") for line in golden.open()) if isinstance(q, str)]
    assert len(questions) > 100
    quoted = 0
    for question in questions:
        answer = engine.answer(question)
        for row, data in zip(answer.rows, answer.to_dict()["answers"], strict=True):
            policy = engine.policies[row.policy]
            ends = {e for _, e in split_sentences(policy.text)}
            heading_lines = {s for s, _ in policy.headings}
            assert [(q["start"], q["end"]) for q in data["quotes"]] == [(q.start, q.end) for q in row.quotes]
            for quote in row.quotes:
                quoted += 1
                assert quote.text == policy.text[quote.start:quote.end]
                assert quote.start not in heading_lines and re.search(r"[^\W\d_]", quote.text), (question, quote)
                assert quote.end in ends or policy.text[quote.end:quote.end + 1] in ("", "\n"), (question, quote)
                assert policy.text[quote.start - 1:quote.start] in ("", "\n", " ", "\t", "\xa0"), (question, quote)
                # a quote is read, not scrolled: a section of paragraphs under a colon is no list to quote whole
                assert len(quote.text) <= quotes.LIST_LIMIT + quotes.GROW_LIMIT, (question, len(quote.text))
    assert quoted > 100


@pytest.mark.parametrize("text, item, lead_in", [
    ("Intro line.\n\nWe do not collect any of the following:\n\n*   biometric information;\n*   health data.\n",
     "biometric information;", "We do not collect any of the following:"),
    # a lead-in in Markdown emphasis
    ("Retention text.\n\n**Windstream does not:**\n\nSell any customer data to third parties.\n\nCollect PII.\n",
     "Sell any customer data to third parties.", "**Windstream does not:**"),
    # a Markdown heading ending in a colon leads its bulleted list
    ("Intro line.\n\n##### **We do not under ANY circumstances engage in:**\n\n*   Selling personal information\n"
     "*   Spamming\n", "Selling personal information", "##### **We do not under ANY circumstances engage in:**"),
])
def test_the_lead_in_of_a_list_item_is_found_and_a_plain_sentence_has_none(text, item, lead_in):
    from types import SimpleNamespace

    from qa.search.quotes import lead_in_of

    headings = [(m.start(), m.end()) for m in re.finditer(r"(?m)^#+ .*$", text)]
    policy = SimpleNamespace(text=text, headings=headings)
    lead = lead_in_of(policy, (text.index(item), text.index(item) + len(item)))
    assert lead is not None and text[lead[0]:lead[1]] == lead_in
    assert lead_in_of(policy, (0, text.index("\n"))) is None  # the first sentence: no list item
    assert lead_in_of(policy, lead) is None  # the lead-in itself


def test_a_heading_ending_in_a_colon_leads_no_paragraphs_under_it():
    from types import SimpleNamespace

    from qa.search.quotes import lead_in_of

    text = "### Personal data (related to your account):\n\n**Account**: We ask no name.\n\n**Payment:** We keep no card.\n"
    item = "We keep no card."
    policy = SimpleNamespace(text=text, headings=[(0, text.index("\n"))])
    assert lead_in_of(policy, (text.index(item), text.index(item) + len(item))) is None


def test_a_phone_number_on_its_own_line_is_quoted_with_its_lead_in(seeds):
    """Concero's "…contact us with the details below:" lists an email address and "0333 111 0004": the number has
    no letter, yet is no bare section number ("8.1") to skip."""
    concero = seeds["concero"]
    [quote] = quotes_for(concero, "0333 111 0004")
    assert quote.text.startswith("If you would like to talk to us") and quote.text.endswith("0333 111 0004")
    assert quote.text == concero.text[quote.start:quote.end]


def test_a_line_standing_alone_in_bold_is_a_heading_and_its_stance_is_read_from_the_sentence_after_it():
    from types import SimpleNamespace

    import numpy as np

    from qa.ingest.sentences import split_sentences
    from qa.search.verdict import _after_heading

    text = "Intro.\n\n**Are children allowed to use it?**\n\nNo, it is not for children. We do **not** sell data."
    heading = (text.index("**Are"), text.index("?**") + 3)
    assert quotes.bold_line(text, heading) and not quotes.bold_line(text, (0, 6))
    assert not quotes.bold_line(text, (text.index("We do"), len(text)))  # bold inside a sentence
    italic = "_**Using your social media details to sign in**_\n\nWhen you sign in, we use it."
    assert quotes.bold_line(italic, (0, italic.index("\n"))) and not quotes.bold_line("_**A**_ b", (0, 5))
    spans = np.array(split_sentences(text, 0), dtype=np.int64)
    engine = SimpleNamespace(evidence=SimpleNamespace(of=lambda policy_id: SimpleNamespace(spans=spans)))
    policy = SimpleNamespace(id="p", text=text, headings=())
    after = _after_heading(engine, policy, heading)
    assert after is not None and text[after[0]:after[1]] == "No, it is not for children."
    assert _after_heading(engine, policy, (0, 6)) is None


def test_a_passage_that_is_a_heading_alone_is_quoted_by_the_first_sentence_after_it():
    """Hetzner's "##### Who has access to the data and is it shared with third parties?" is a passage of its own;
    chosen, it quoted nothing, and a "stated" row showed no quote."""
    text = "Intro.\n\n##### Who gets the data?\n\nYour data may go to Kapa.ai Inc. in the USA. More text."
    policy = _Text(text)
    policy.headings = ((text.index("#####"), "Who gets the data?"),)
    start = text.index("#####")
    heading = (start, text.index("?") + 1)
    hit = Hit(policy="p", name="P", section="§", start=start, end=heading[1], text=text[start:heading[1]],
              score=1.0, highlights=(heading,))
    [quote] = build_quotes(policy, hit, [heading])
    assert quote.text == "Your data may go to Kapa.ai Inc. in the USA." == text[quote.start:quote.end]
