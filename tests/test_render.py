"""The chat page's HTML: user and policy text escaped, marks on exactly the right characters."""

import html
import re

import pytest

from qa.chat.render import (
    LINK_REL,
    POLICY_WINDOW,
    answer_html,
    citation_html,
    escape_text,
    excerpt_html,
    layered_html,
    mark_html,
    merge_spans,
    muted_html,
    note_html,
    permalink_html,
    policy_html,
    question_html,
    quote_text,
    scroll_script,
    subtract_spans,
    summary_html,
    text_html,
    url_spans,
)
from qa.types import Hit, Quote

MARK = '<mark class="pq-mark">'
HINT = '<mark class="pq-hint">'
HOSTILE = ("<script>alert(1)</script> [link](http://x) **bold** __u__ `code` $x^2$ ~~gone~~ | a | b |\n"
           "# Heading\n\n> quote\n- item\n1. first\n:red[colour] :smile: &amp; &lt;b&gt; \\* "
           "<img src=x onerror=alert(1)>"
           "\n    indented code\nwww.example.com me@example.com {x} +y =z !done")
# Every tag qa.chat.render may write; anything else in its output must have come from user text. Attribute
# values are escaped text (numeric references only), so `[^"<>]*` cannot run past the end of one.
OUR_TAG = re.compile(r'</?(?:div|span|mark|strong|a|button|details|summary)(?: class="pq-[a-z -]+")?'
                     r'(?: (?:href|rel|target|type|title|data-copy|data-turn)="[^"<>]*")*>')
COPY_BUTTON = re.compile(r'<button class="pq-copy"[^>]*>Copy</button>')
RAW = set("<>*_[]`#$~|\\:!(){}+=^@\n\r")


def visible_text(markup: str) -> str:
    """What a browser shows for `markup` produced by qa.chat.render: its tags (and copy buttons) removed,
    references decoded."""
    return html.unescape(OUR_TAG.sub("", COPY_BUTTON.sub("", markup)))


def assert_inert(markup: str) -> None:
    """No character of user text can start a tag, an entity or Markdown syntax."""
    leftover = OUR_TAG.sub("", markup)
    assert not re.search(r"&(?!#\d+;)", leftover), "every & must start a numeric character reference"
    bare = set(re.sub(r"&#\d+;", "", leftover))
    assert not RAW & bare, sorted(RAW & bare)
    assert "\n" not in markup, "a line break would end the raw HTML block and let Markdown in"


def hit(text: str, start: int, highlights=(), name="Acme", section="Retention") -> Hit:
    return Hit(policy="acme", name=name, section=section, start=start, end=start + len(text), text=text,
               score=0.5, passage_id="p1", highlights=tuple(highlights))


# -- escaping ----------------------------------------------------------------------------------------

def test_escape_text_leaves_no_markup_and_shows_the_same_characters():
    escaped = escape_text(HOSTILE)
    assert_inert(escaped)
    assert html.unescape(escaped) == HOSTILE
    assert "<script>" not in escaped and "&#60;script&#62;" in escaped
    assert "**" not in escaped and "&#42;&#42;bold&#42;&#42;" in escaped
    assert "[link](http://x)" not in escaped and "&#91;link&#93;&#40;http&#58;//x&#41;" in escaped


def test_entities_in_the_text_are_shown_as_written_not_decoded():
    escaped = escape_text("&amp; &lt;b&gt; &#42;")
    assert html.unescape(escaped) == "&amp; &lt;b&gt; &#42;"
    assert escaped.startswith("&#38;amp;")


def test_plain_words_are_left_readable():
    assert escape_text("We keep recordings for 30 days") == "We keep recordings for 30 days"


def test_marked_fragment_is_escaped_too():
    markup = mark_html(HOSTILE, [(0, 8), (40, 60)])
    assert_inert(markup)
    assert visible_text(markup) == HOSTILE


@pytest.mark.parametrize("render", [
    lambda t: text_html(t),
    lambda t: muted_html(t),
    lambda t: citation_html(t, t, t),
    lambda t: excerpt_html(hit(t, 0, [(5, 30)], name=t, section=t)),
    lambda t: policy_html(t, (10, 90), [(20, 40)]),
    lambda t: answer_html([Quote(policy="acme", name=t, section=t, start=0, end=len(t), text=t)]),
    lambda t: answer_html([Quote(policy="acme", name=t, section=t, start=0, end=10, text=t[:10]),
                           Quote(policy="acme", name=t, section=t, start=20, end=len(t) - 20, text=t[20:-20],
                                 gap_before=True, more=((len(t) - 19, len(t)),))],
                          verdict=t, label=t, policy_text=t),
    lambda t: note_html(t),
    lambda t: question_html(t, "turn-1"),
    lambda t: summary_html([(t, [t, t]), (t, [])], not_indexed=[t]),
])
def test_every_renderer_escapes_user_text(render):
    markup = render(HOSTILE)
    assert_inert(markup)
    assert markup.startswith("<div")  # with no line break: one raw HTML block, never Markdown
    assert HOSTILE in visible_text(markup)


# -- marks ---------------------------------------------------------------------------------------------

def test_marks_wrap_exactly_the_highlighted_characters():
    # "Calls are kept 30 days. Then deleted." starts at offset 100 in its policy;
    # the highlight (115, 122) is characters 15..21 of the excerpt: "30 days".
    markup = mark_html("Calls are kept 30 days. Then deleted.", [(115, 122)], offset=100)
    assert markup == f"Calls are kept {MARK}30 days</mark>&#46; Then deleted&#46;"


def test_overlapping_and_touching_spans_become_one_mark():
    text = "abcdefghij"
    assert mark_html(text, [(1, 4), (3, 6)]) == f"a{MARK}bcdef</mark>ghij"
    assert mark_html(text, [(1, 3), (3, 5)]) == f"a{MARK}bcde</mark>fghij"
    assert mark_html(text, [(2, 8), (3, 4)]) == f"ab{MARK}cdefgh</mark>ij"
    assert mark_html(text, [(6, 8), (1, 2)]) == f"a{MARK}b</mark>cdef{MARK}gh</mark>ij"


def test_spans_outside_the_text_are_clipped_and_empty_ones_dropped():
    assert mark_html("abcdef", [(8, 12), (3, 3)], offset=10) == f"{MARK}ab</mark>cdef"
    assert mark_html("abcdef", [(14, 30)], offset=10) == f"abcd{MARK}ef</mark>"
    assert mark_html("abcdef", [(0, 5)], offset=10) == "abcdef"
    assert merge_spans([(5, 2), (1, 1)]) == []


def test_marked_text_is_escaped_inside_the_mark():
    assert mark_html("a <b> c", [(2, 5)]) == f"a {MARK}&#60;b&#62;</mark> c"


def test_layers_nest_and_reopen_where_spans_cross():
    markup = layered_html("abcdefgh", [([(2, 6)], "<span>", "</span>"), ([(4, 8)], "<mark>", "</mark>")])
    assert markup == "ab<span>cd<mark>ef</mark></span><mark>gh</mark>"


# -- excerpts, answers, the policy view -----------------------------------------------------------------

def test_excerpt_cites_policy_and_section_and_marks_its_highlight():
    text = "Recordings are kept for 30 days. Then they are deleted."
    markup = excerpt_html(hit(text, 1000, [(1000, 1032)], name="Concero", section="Telephone"), note="score 0.80")
    assert '<div class="pq-cite"><strong>Concero</strong> · § Telephone · score 0&#46;80</div>' in markup
    assert f"{MARK}Recordings are kept for 30 days&#46;</mark> Then" in markup


def test_nearest_match_is_styled_apart():
    assert 'class="pq-excerpt pq-nearest"' in excerpt_html(hit("x", 0), nearest=True)
    assert "pq-nearest" not in excerpt_html(hit("x", 0))


def test_answer_quotes_verbatim_with_one_citation_per_section():
    quotes = [Quote("acme", "Acme", "Retention", 0, 5, "A *b*."), Quote("acme", "Acme", "Retention", 9, 12, "C.")]
    markup = answer_html(quotes)
    assert visible_text(markup) == "“A *b*.”“C.”Acme · § Retention"
    assert markup.count("pq-cite") == 1


def test_policy_view_shades_the_passage_in_place_and_marks_the_highlight():
    policy = "Intro text.\nWe keep calls 30 days. Really.\nThe end."
    start = policy.index("We keep")
    end = policy.index("\nThe end")
    hl = (policy.index("30 days"), policy.index("30 days") + 7)
    markup = policy_html(policy, (start, end), [hl])
    assert visible_text(markup) == policy
    assert ('Intro text&#46;&#10;<span class="pq-anchor"></span><span class="pq-passage">We keep calls '
            f'{MARK}30 days</mark>&#46; Really&#46;</span>&#10;The end&#46;') in markup


def test_long_policy_is_windowed_around_the_passage():
    policy = "a" * 100_000 + "PASSAGE" + "b" * 100_000
    start = policy.index("PASSAGE")
    markup = policy_html(policy, (start, start + 7), [(start, start + 7)], window=1000)
    # The passage's middle is 100,003; the window is 500 characters either side: [99,503, 100,503).
    assert f'<span class="pq-passage">{MARK}PASSAGE</mark></span>' in markup
    assert visible_text(markup) == ("[… 99,503 characters before …]\n" + "a" * 497 + "PASSAGE" + "b" * 496
                                    + "\n[… 99,504 characters after …]")


def test_window_default_keeps_a_normal_policy_whole():
    policy = "x" * (POLICY_WINDOW - 1)
    assert visible_text(policy_html(policy, (10, 20))) == policy


# -- properties over arbitrary text ---------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, spans=st.lists(st.tuples(st.integers(-20, 220), st.integers(-20, 220)), max_size=6))
def test_any_text_with_any_spans_renders_inert_and_shows_exactly_the_text(text, spans):
    markup = mark_html(text, spans)
    assert_inert(markup)
    assert visible_text(markup) == text
    marked = "".join(re.findall(r'<mark class="pq-mark">(.*?)</mark>', markup))
    expected = "".join(text[max(s, 0):min(e, len(text))] for s, e in merge_spans(spans, len(text)))
    assert visible_text(marked) == expected  # the marks hold exactly the (merged, clipped) spans


# -- answer marks and hints ------------------------------------------------------------------------------

def test_only_the_answer_is_marked_as_the_answer_other_best_sentences_are_hints():
    text = "Calls are kept 30 days. Emails are kept a year. Nothing else."
    h = hit(text, 100, [(100, 123), (124, 147)])
    markup = excerpt_html(h, answer_spans=[(100, 123)])
    assert f"{MARK}Calls are kept 30 days&#46;</mark> {HINT}Emails are kept a year&#46;</mark>" in markup
    # A passage with no answering sentence in it gets hints only; None keeps every highlight as the answer.
    assert MARK not in excerpt_html(h, answer_spans=[])
    assert HINT not in excerpt_html(h)


def test_a_hint_inside_the_answer_is_the_answer():
    assert mark_html("abcdefgh", [(2, 6)], hints=[(0, 4), (5, 8)]) == f"{HINT}ab</mark>{MARK}cdef</mark>{HINT}gh</mark>"
    assert subtract_spans([(0, 10)], [(2, 4), (6, 7)]) == [(0, 2), (4, 6), (7, 10)]
    assert subtract_spans([(0, 3)], [(0, 5)]) == []


# -- links ----------------------------------------------------------------------------------------------

def test_http_urls_become_safe_links_and_nothing_else_does():
    text = ("Read <https://example.com/privacy?a=1&b=2>. Or http://x.org/p, then javascript:alert(1) "
            "and ftp://files.example.com and data:text/html,<b>x</b> and www.example.com.")
    markup = mark_html(text, [])
    links = re.findall(r'<a href="([^"]*)" rel="([^"]*)" target="_blank">(.*?)</a>', markup)
    assert [(html.unescape(href), rel, html.unescape(shown)) for href, rel, shown in links] == [
        ("https://example.com/privacy?a=1&b=2", LINK_REL, "https://example.com/privacy?a=1&b=2"),
        ("http://x.org/p", LINK_REL, "http://x.org/p")]
    assert visible_text(markup) == text  # the brackets and the full stop stay text
    assert_inert(markup)
    assert url_spans("see https://a.b/c.") == [(4, 17, "https://a.b/c")]
    assert url_spans("https:// alone") == []
    assert url_spans("[link](http://x)") == [(7, 15, "http://x")]


def test_a_url_crossing_a_mark_stays_inside_it():
    text = "See https://example.com/x now"
    markup = mark_html(text, [(0, 10)])
    assert markup.count("<a href") == 2  # split where the mark ends, both halves link to the same URL
    assert visible_text(markup) == text
    assert_inert(markup)


def test_links_in_quotes_and_the_policy_view():
    quote = Quote("acme", "Acme", "Contact", 0, 26, "Visit https://acme.example")
    assert '<a href="https&#58;//acme&#46;example"' in answer_html([quote])
    policy = "Intro https://a.example/x. Passage https://b.example/y end."
    markup = policy_html(policy, (27, len(policy)), [])
    assert markup.count("<a href") == 2 and visible_text(markup) == policy


_URLISH = st.sampled_from(["https://a.example/p?q=1", "http://b.example", "javascript:alert(1)", "<", ">",
                           '"', "'", "&amp;", "https://", " ", "\n", ".", ")", "[x](", "data:x"])


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.one_of(_URLISH, _TEXT), max_size=8),
       spans=st.lists(st.tuples(st.integers(0, 120), st.integers(0, 120)), max_size=4))
def test_any_text_with_links_renders_inert_and_links_only_http_urls_it_contains(parts, spans):
    text = "".join(parts)
    markup = mark_html(text, spans, hints=spans[:1])
    assert_inert(markup)
    assert visible_text(markup) == text
    for href, rel in re.findall(r'<a href="([^"]*)" rel="([^"]*)"', markup):
        url = html.unescape(href)
        assert url.startswith(("http://", "https://")) and url in text and rel == LINK_REL


# -- quotes: verdict, gaps, cut lists, copied ------------------------------------------------------------

LIST_POLICY = ("We may share your data with:\n"
               "- processors who host it;\n"
               "- advisers <such as> lawyers;\n"
               "- regulators.\n"
               "Other text follows here.")


def test_an_answer_says_its_verdict_then_the_quote_and_its_label_in_the_citation():
    quote = Quote("23t", "23Technology", "Sharing", 0, 20, "We never sell data.")
    markup = answer_html([quote], verdict="No", label="states it")
    assert visible_text(markup) == "No — “We never sell data.”23Technology · § Sharing · states it"
    assert '<span class="pq-verdict-lead"><strong>No</strong> ' in markup


def test_quotes_that_are_not_adjacent_are_separated_by_an_ellipsis():
    quotes = [Quote("acme", "Acme", "S", 0, 2, "A."), Quote("acme", "Acme", "S", 9, 11, "C.", gap_before=True)]
    assert visible_text(answer_html(quotes)) == "“A.”…“C.”Acme · § S"


def test_a_cut_list_says_how_many_items_are_left_and_opens_them_in_place():
    end = LIST_POLICY.index("\n- advisers")
    rest = (end + 1, LIST_POLICY.index("\nOther"))
    quote = Quote("acme", "Acme", "S", 0, end, LIST_POLICY[:end],
                  more=((rest[0], LIST_POLICY.index("\n- regulators")), (LIST_POLICY.index("- regulators"), rest[1])))
    markup = answer_html([quote], policy_text=LIST_POLICY)
    assert '<details class="pq-more"><summary>&#43;2 more items</summary>' in markup
    assert visible_text(markup).endswith("+2 more items- advisers <such as> lawyers;\n- regulators.Acme · § S")
    assert_inert(markup)
    assert "+2 more items" in visible_text(answer_html([quote]))  # without the text: the count alone
    assert quote_text(quote) == "“" + LIST_POLICY[:end] + "” (+2 more items) — Acme, § S"


def test_copy_button_carries_the_quote_with_its_citation():
    quote = Quote("concero", "Concero Technology Services", "Telephone Communications", 0, 10,
                  'We keep "calls" <30> days')
    assert quote_text(quote) == ('“We keep "calls" <30> days” — Concero Technology Services, '
                                 '§ Telephone Communications')
    copied = re.findall(r'data-copy="([^"]*)"', answer_html([quote]))
    assert [html.unescape(c) for c in copied] == [quote_text(quote)]


def test_scroll_script_and_permalink_cannot_be_steered_by_ids():
    assert "abc" in scroll_script("a'b\"c</script>") and "</script>'" not in scroll_script("x</script>")
    assert scroll_script("a'b").count("'") == scroll_script("ab").count("'")
    assert question_html("q", 'x" onclick="y') == '<div class="pq-question" data-turn="xonclicky">q</div>'
    link = permalink_html('?chat=a&answer=b"><script>')
    assert "<script>" not in link and 'href="?chat&#61;a&#38;answer&#61;b&#34;&#62;&#60;script&#62;"' in link


def test_summary_names_the_companies_by_verdict_and_those_with_no_policy():
    markup = summary_html([("Say they don't", ["23Technology", "Concero"]), ("Don't say", ["CT1"]),
                           ("Say they do", [])], not_indexed=["Facebook"])
    assert visible_text(markup) == ("Say they don't: 23Technology, Concero · Don't say: CT1 · Say they do: — · "
                                    "No policy indexed: Facebook")
