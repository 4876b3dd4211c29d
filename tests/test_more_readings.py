"""How a question's own wording reads a "no" whose negation is no denial of what it asks (`qa.search.more_readings`)."""

import pytest

from qa.search.more_readings import more_asked_verdict, shares_negation
from qa.search.verdict import NO, NOT_STATED, OPEN, YES, YES_NO


@pytest.mark.parametrize(("question", "sentence", "verdict"), [
    # the question negates what the sentence negates: the sentence describes the thing asked
    ("does urban dictionary keep definitions i submitted that never got published?",
     "We collect: definitions that are submitted, but not published, on Urban Dictionary", YES),
    ("does urban dictionary keep my definitions?", "Definitions that are not published are deleted.", NO),
    # a signal's name is no negation shared ("…does not track…" denies)
    ("If I have Do Not Track turned on, does Hugging Face still track me?",
     "The Company honors \"do not track\" signals and does not track or use cookies.", NO),
    # telling others not to act denies nothing the company does
    ("Does Firefox support Global Privacy Control (GPC)?",
     "Firefox also provides GPC, which you can enable to automatically notify websites not to sell or share "
     "information about your browsing session.", YES),
    ("Does Firefox sell my data?", "We notify websites not to sell it, and we never sell it ourselves.", NO),
    # whether something goes on: a denial that something ends it
    ("if I reject cookies on savetz sites will I still see ads?",
     "Rejecting cookies does not eliminate advertisements but will result in non-personalized advertising.", YES),
    ("if I reject cookies will they still track me?", "We do not track you once you reject cookies.", NO),
    # an absence asked
    ("If I pay for happn Premium, is the app ad-free?",
     "Premium Members do not have advertisements on the HAPPN Application.", YES),
    ("If I pay for Premium, do I see ads?", "Premium Members do not have advertisements.", NO),
])
def test_a_no_read_by_the_questions_own_wording(question, sentence, verdict):
    assert more_asked_verdict(question, NO, sentence) == verdict


def test_other_verdicts_are_returned_as_they_are():
    sentence = "We collect: definitions that are submitted, but not published."
    question = "does it keep definitions that never got published?"
    assert shares_negation(question, sentence)
    assert more_asked_verdict(question, YES, sentence) == YES
    assert more_asked_verdict(question, NOT_STATED, sentence) == NOT_STATED


@pytest.mark.parametrize(("question", "routed", "kind"), [
    ("Which company processes my card when I pay for something on Nextdoor?", ["nextdoor"], OPEN),
    ("I live in Ireland. Which company is the data controller for my Tinder data?", ["tinder"], OPEN),
    ("Which companies sell my data?", [], YES_NO),  # each company asked
    ("Which companies sell my data, Concero or CT1?", ["concero", "ct1"], YES_NO),
    ("Does Nextdoor sell my data?", ["nextdoor"], YES_NO),
])
def test_which_organisation_of_one_company_named_is_an_open_question(question, routed, kind):
    from qa.search.more_readings import one_company_kind
    from qa.search.verdict import question_kind

    assert one_company_kind(question_kind(question), question, routed) == kind
