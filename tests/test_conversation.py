"""Follow-up questions resolved against earlier turns."""

from types import SimpleNamespace

import pytest

from qa.search.conversation import resolve_question
from tests.test_names import POLICIES


def turn(question, routed):
    return SimpleNamespace(question=question, interpreted_as=question, routed=routed)


CORE = turn("What does Core Office collect about me?", ("core-office-it",))


@pytest.mark.parametrize("question, expected", [
    ("and who do they share it with?", "Who does Core Office IT share my data with?"),
    ("Do they sell my data?", "Does Core Office IT sell my data?"),
    ("what about Concero?", "What does Concero Technology Services collect about me?"),
    ("And CloudSentric?", "What does CloudSentric collect about me?"),
    ("How long is it kept?", "How long is it kept (Core Office IT)?"),
    ("Which of these companies sell my data?", "Which of these companies sell my data?"),
    ("Does Concero record calls?", "Does Concero record calls?"),  # names its own company: stands alone
    ("same for CT1?", "What does CT1 Technologies collect about me?"),
    ("Is it the same for Concero?", "What does Concero Technology Services collect about me?"),
    ("is that the same at CT1?", "What does CT1 Technologies collect about me?"),
    ("that's the same for Concero?", "What does Concero Technology Services collect about me?"),
    ("Does Concero sell it?", "Does Concero sell it?"),  # a question of its own
])
def test_follow_ups(question, expected):
    assert resolve_question(question, [CORE], POLICIES) == expected


def test_no_history_or_no_company_leaves_the_question_alone():
    assert resolve_question("Do they sell my data?", [], POLICIES) == "Do they sell my data?"
    general = turn("Who sells my data?", ())
    assert resolve_question("and do they keep it?", [general], POLICIES) == "and do they keep it?"


def test_the_latest_turn_decides():
    history = [CORE, turn("Does Concero record calls?", ("concero",))]
    assert resolve_question("how long do they keep them?", history, POLICIES).startswith("How long does Concero")


def test_two_policies_of_one_name_are_named_once():
    from qa.types import Policy

    policies = {**POLICIES, "spotify": Policy(id="spotify", name="Spotify", text=""),
                "spotify-contrib": Policy(id="spotify-contrib", name="Spotify", text="")}
    asked = turn("Does Spotify sell my data?", ("spotify", "spotify-contrib"))
    assert resolve_question("how long do they keep it?", [asked], policies) == "How long does Spotify keep my data?"


def test_does_another_company_have_one_asks_the_earlier_question_of_it():
    dpo = turn("Who is 23T's DPO?", ("23technology",))
    assert resolve_question("does CloudSentric have one?", [dpo], POLICIES) == "Who is CloudSentric's DPO?"
    expected = "Who is Concero Technology Services's DPO?"
    assert resolve_question("and Concero, do they have one too?", [dpo], POLICIES) == expected


def test_them_that_a_user_turns_off_or_deletes_is_the_things_asked_about_not_the_company():
    cookies = turn("Does CT1 Technologies use cookies?", ("ct1-technologies",))
    assert resolve_question("can I turn them off?", [cookies], POLICIES) == "Can I turn cookies off (CT1 Technologies)?"
    calls = turn("Does Concero record my calls?", ("concero",))
    assert resolve_question("can I delete them?", [calls], POLICIES) == \
        "Can I delete the recording of calls (Concero Technology Services)?"
    assert resolve_question("can I contact them?", [calls], POLICIES) == "Can I contact Concero Technology Services?"


def test_them_kept_or_used_and_it_refused_are_the_things_asked_about_even_two_turns_back():
    """"how long do they keep them?" after "Does Concero record my calls?" read "…keep Concero Technology
    Services?"; "do they use them for advertising?" after "can I turn them off?" (cookies) asked of the company."""
    calls = turn("Does Concero record my calls?", ("concero",))
    kept = turn("How long does Concero Technology Services keep the recording of calls?", ("concero",))
    assert resolve_question("how long do they keep them?", [calls], POLICIES) == \
        "How long does Concero Technology Services keep the recording of calls?"
    assert resolve_question("can I opt out of it?", [calls, kept], POLICIES) == \
        "Can I opt out of the recording of calls (Concero Technology Services)?"
    cookies = turn("Can I turn cookies off (CT1 Technologies)?", ("ct1-technologies",))
    assert resolve_question("do they use them for advertising?", [cookies], POLICIES) == \
        "Does CT1 Technologies use cookies for advertising?"
    assert resolve_question("can I write to them?", [cookies], POLICIES) == "Can I write to CT1 Technologies?"


def test_the_others_are_asked_the_earlier_question():
    sells = turn("Does Concero sell my data?", ("concero",))
    again = resolve_question("what about the others?", [sells], POLICIES)
    assert again.startswith("Does ") and again.endswith(" sell my data?") and "Concero" not in again
    assert all(POLICIES[p].name in again for p in POLICIES if p != "concero"), again
    assert resolve_question("and the rest?", [sells], POLICIES) == again
    assert resolve_question("does anyone else?", [sells], POLICIES) == again
    everyone = turn("Which companies sell my data?", tuple(POLICIES))
    assert resolve_question("what about the others?", [everyone], POLICIES) != again  # no other company left


def test_a_question_word_alone_asks_the_earlier_question_with_it():
    shares = turn("Does CT1 share my data with anyone?", ("ct1-technologies",))
    assert resolve_question("who exactly?", [shares], POLICIES) == "Who does CT1 share my data with?"
    keeps = turn("Does Concero keep call recordings?", ("concero",))
    assert resolve_question("how long?", [keeps], POLICIES) == "How long does Concero keep call recordings?"
    assert resolve_question("and why?", [keeps], POLICIES) == "Why does Concero keep call recordings?"
    assert resolve_question("how long for?", [keeps], POLICIES) == "How long does Concero keep call recordings?"
    how_long = turn("How long does Concero keep call recordings?", ("concero",))
    assert resolve_question("why?", [how_long], POLICIES) == "Why does Concero keep call recordings?"
    sends = turn("Does CT1 send data outside the UK?", ("ct1-technologies",))
    assert resolve_question("where to?", [sends], POLICIES) == "Where does CT1 send data outside the UK?"
    assert resolve_question("who does CloudSentric share it with?", [shares], POLICIES) == \
        "who does CloudSentric share it with?"  # a full question of its own stands as written


def test_which_ones_asks_who_and_drops_the_third_parties_asked_about():
    shares = turn("Does Concero share my data with third parties?", ("concero",))
    assert resolve_question("which ones?", [shares], POLICIES) == "Who does Concero share my data with?"
    assert resolve_question("like who?", [shares], POLICIES) == "Who does Concero share my data with?"


def test_they_after_a_question_of_every_company_are_the_companies_that_said_so():
    """"Which companies record calls?" then "how long do they keep them?" asked nothing of the two that do."""
    asked = SimpleNamespace(question="Which companies record calls?", interpreted_as="Which companies record calls?",
                            routed=(), rows=(SimpleNamespace(policy="concero", verdict="yes"),
                                         SimpleNamespace(policy="ct1-technologies", verdict="not_stated")))
    assert resolve_question("how long do they keep them?", [asked], POLICIES) == \
        "How long does Concero Technology Services keep the recording of calls?"
    assert resolve_question("which of them sell my data?", [asked], POLICIES) == "which of them sell my data?"


def test_with_who_where_else_and_them_of_an_open_question_are_read():
    shares = turn("Does 23T share my data?", ("23technology",))
    assert resolve_question("with who?", [shares], POLICIES) == "Who does 23T share my data with?"
    keeps = turn("Does Concero keep my data in the UK?", ("concero",))
    assert resolve_question("where else?", [keeps], POLICIES) == "Where does Concero keep my data?"
    rights = turn("What rights do I have with CT1?", ("ct1-technologies",))
    assert resolve_question("how do I use them?", [rights], POLICIES) == \
        "How do I use my rights (CT1 Technologies)?"
    asked = turn("Who does 23T share my data with?", ("23technology",))
    assert resolve_question("why?", [asked], POLICIES) == "Why does 23T share my data?"
