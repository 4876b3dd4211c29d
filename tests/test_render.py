"""The chat page's HTML: user and policy text escaped, marks on exactly the right characters."""

import html
import re

import pytest

from qa.answer import Quote
from qa.render import (POLICY_WINDOW, answer_html, citation_html, escape_text, excerpt_html, layered_html,
                       mark_html, merge_spans, muted_html, policy_html, text_html)
from qa.retrieval import Hit

MARK = '<mark class="pq-mark">'
HOSTILE = ("<script>alert(1)</script> [link](http://x) **bold** __u__ `code` $x^2$ ~~gone~~ | a | b |\n"
           "# Heading\n\n> quote\n- item\n1. first\n:red[colour] :smile: &amp; &lt;b&gt; \\* "
           "<img src=x onerror=alert(1)>"
           "\n    indented code\nwww.example.com me@example.com {x} +y =z !done")
# Every tag qa.render may write; anything else in its output must have come from user text.
OUR_TAG = re.compile(r'</?(?:div|span|mark|strong)(?: class="pq-[a-z -]+")?>')
RAW = set("<>*_[]`#$~|\\:!(){}+=^@\n\r")


def visible_text(markup: str) -> str:
    """What a browser shows for `markup` produced by qa.render: its tags removed, references decoded."""
    return html.unescape(OUR_TAG.sub("", markup))


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
    assert html.unescape(marked) == expected  # the marks hold exactly the (merged, clipped) spans
