"""Routing by company names: exact aliases, near misses, organisations with no policy, alias suggestions."""

import pytest

from qa.search.names import match_names, names_of, own_name_guard, suggest_aliases, validate_alias
from qa.types import Policy

POLICIES = {
    "23technology": Policy(id="23technology", name="23Technology / Centerprise International", text="",
                           aliases=("23T", "23 Technology", "Centerprise", "CI")),
    "concero": Policy(id="concero", name="Concero Technology Services", text="", aliases=("Concero",)),
    "core-office-it": Policy(id="core-office-it", name="Core Office IT", text="", aliases=("Core Office",)),
    "ct1-technologies": Policy(id="ct1-technologies", name="CT1 Technologies", text="", aliases=("CT1",)),
    "cloudsentric": Policy(id="cloudsentric", name="CloudSentric", text="", aliases=("CloudSentric",)),
}


@pytest.mark.parametrize("question, routed", [
    ("How long does Concero keep call recordings?", ("concero",)),
    ("Does CI share my data?", ("23technology",)),
    ("Under what circumstances is data shared?", ()),  # "CI" is case-sensitive and whole-word
    ("Does Cloudsentrik sell my data?", ("cloudsentric",)),
    ("What does Core Ofice collect about me?", ("core-office-it",)),
    ("Does Concerro record calls?", ("concero",)),
    ("What does the core office of a company do?", ("core-office-it",)),  # an exact alias, as typed
    ("Is my data kept in the cloud?", ()),  # ordinary words never match fuzzily
    ("How long does 23 Tech keep invoices?", ("23technology",)),  # a shortened name
    ("what does ct1 collect?", ("ct1-technologies",)),  # a name with a digit, in lower case
    ("Does CT 1 use cookies?", ("ct1-technologies",)),  # spaces moved
    ("Does it sell my data?", ()),  # "IT" is case-sensitive
    # a company named in a sentence before the question is whom it is about, even after "from"
    ("I bought a laptop from 23T. Who do they share my address with?", ("23technology",)),
    ("Which companies share data with 23T?", ()),
    # the agent of a passive verb is the subject, not the other party
    ("Is my info shared with anyone by CloudSentric?", ("cloudsentric",)),
    ("Is my data shared with Facebook by 23T?", ("23technology",)),
])
def test_routing(question, routed):
    assert match_names(question, POLICIES).policies == routed


@pytest.mark.parametrize("question, routed, not_indexed", [
    # a company named only as the other party, beside another subject, is no subject
    ("Does Concero share my data with CloudSentric?", ("concero",), ()),
    ("Which companies share my data with Concero?", (), ()),
    ("Who sells data to CT1?", (), ()),
    ("Does Facebook pass my details to Concero?", (), ("Facebook",)),
    # alone, it is what the question is about
    ("How do I get in touch with Concero?", ("concero",), ()),
    ("Is my data safe with CloudSentric?", ("cloudsentric",), ()),
    ("Can I sign up to Core Office without an email address?", ("core-office-it",), ()),
    ("Do Concero and CT1 sell my data?", ("concero", "ct1-technologies"), ()),
])
def test_a_company_named_as_the_other_party_is_not_routed_to(question, routed, not_indexed):
    match = match_names(question, POLICIES)
    assert (match.policies, match.not_indexed) == (routed, not_indexed)


def test_an_organisation_is_known_only_by_whole_words_of_a_name():
    """A one-letter name ("X") or a short alias ("CI") inside another word does not make that organisation
    known: "Dropbox" and "Citrix" have no policy here."""
    policies = {**POLICIES, "x": Policy(id="x", name="X", text="")}
    assert match_names("Is my data safe with Dropbox?", policies).not_indexed == ("Dropbox",)
    assert match_names("Does Citrix sell my data?", POLICIES).not_indexed == ("Citrix",)
    assert match_names("Does Concero Group sell my data?", POLICIES).policies == ("concero",)
    assert match_names("Does Centerprise International Ltd sell my data?", POLICIES).policies == ("23technology",)


def test_a_name_that_starts_several_policies_names_routes_to_them():
    policies = {**POLICIES, "amazon-com": Policy(id="amazon-com", name="Amazon.com", text=""),
                "aws": Policy(id="aws", name="Amazon Web Services", text=""),
                "amazonia": Policy(id="amazonia", name="Amazonia Travel", text="")}
    assert match_names("Does Amazon send me marketing emails?", policies).policies == ("amazon-com", "aws")
    assert match_names("Is my data safe with Amazon?", policies).policies == ("amazon-com", "aws")
    assert match_names("Does Amazon Web Services sell my data?", policies).policies == ("aws",)  # exact first
    assert match_names("Does Core sell my data?", POLICIES).policies == ("core-office-it",)  # a shortened name


def test_near_misses_are_reported_as_corrections():
    match = match_names("Does Cloudsentrik sell my data?", POLICIES)
    assert match.corrections == (("Cloudsentrik", "cloudsentric"),)
    assert match_names("Does CloudSentric sell my data?", POLICIES).corrections == ()


@pytest.mark.parametrize("question, organisation", [
    ("What does Facebook do with my data?", "Facebook"),
    ("Does Google sell my data?", "Google"),
    ("What is Amazon's retention period?", "Amazon"),
    ("How does Acme Widgets Ltd use my email?", "Acme Widgets Ltd"),
    ("Barclays' privacy policy: who do they share data with?", "Barclays"),
    ("Does BT record my calls?", "BT"),
    ("Is my data safe with Microsoft?", "Microsoft"),
])
def test_organisations_without_a_policy(question, organisation):
    match = match_names(question, POLICIES)
    assert match.policies == () and match.not_indexed == (organisation,)


@pytest.mark.parametrize("question", [
    "Which companies use Google Analytics?", "Can I complain to the ICO?", "What rights do I have under GDPR?",
    "Do they share it with Facebook?", "Does Concero use Facebook pixels?",
    "Which companies are ISO 27001 certified?", "Is Concero PCI DSS compliant?",
    "Does my ISP get my data from Concero?",
])
def test_questions_about_indexed_policies_are_not_flagged(question):
    assert match_names(question, POLICIES).not_indexed == ()


def test_suggested_aliases():
    assert suggest_aliases("Acme Widgets Ltd") == ["Acme Widgets", "Acme"]
    assert suggest_aliases("Data Corp Privacy Policy") == []  # "Data" alone is an ordinary word
    assert suggest_aliases("Acme Widgets Ltd", taken=["acme"]) == ["Acme Widgets"]


def test_alias_validation():
    assert validate_alias("Concero", "concero") is None
    assert "2 characters" in validate_alias("a", "x")
    assert "a common word" in validate_alias("data", "x")
    assert "another policy's name" in validate_alias("CloudSentric", "x", ["CloudSentric"])
    assert "not a string" in validate_alias(["x"], "x")


# --- names compiled once (issue 25): the same answers as one regex and one rapidfuzz pass per name ---

def _reference_exact(question, policies):
    """The routing `match_names` had before names were compiled: one regex per name of every policy."""
    import re

    def pattern(alias):
        flags = 0 if (alias.isupper() and alias.isalpha() and len(alias) <= 4) else re.IGNORECASE
        return re.compile(rf"(?<![\w/]){re.escape(alias)}(?![\w])", flags)

    names = {pid: [n for n in dict.fromkeys([p.name, p.id, *p.aliases]) if n] for pid, p in policies.items()}
    return [pid for pid in policies if any(pattern(n).search(question) for n in names[pid])]


def _reference_nearest(typed, policies, matcher, threshold=85):
    best, best_id = 0.0, None
    for pid, policy in policies.items():
        for name in dict.fromkeys([policy.name, policy.id, *policy.aliases]):
            score = matcher._score(typed, name)
            if score is not None and score > best:
                best, best_id = score, pid
    return best_id if best_id is not None and threshold <= best < 100 else None


def test_compiled_names_match_one_regex_and_one_fuzzy_pass_per_name():
    from qa.bench.routing import routing_questions, synthetic_policies
    from qa.search.names import fuzzy_candidates, name_matcher

    policies = synthetic_policies(150)
    matcher = name_matcher(policies)
    questions = routing_questions(policies, 60) + [
        f"Is {p.aliases[0]} or {p.name} the one?" for p in list(policies.values())[:20]]
    for question in questions:
        assert matcher.exact(question) == _reference_exact(question, policies), question
        for typed in fuzzy_candidates(question):
            assert matcher.nearest(typed, 85) == _reference_nearest(typed, policies, matcher), typed


def test_compiled_names_on_the_test_policies():
    from qa.search.names import name_matcher

    for question in ["Does CI share my data?", "circumstances of CI/CD", "what does ct1 collect?",
                     "23Technology / Centerprise International and Concero", "core-office-it policy"]:
        assert name_matcher(POLICIES).exact(question) == _reference_exact(question, POLICIES)


def test_an_ordinary_word_routes_only_as_the_name_is_written():
    policies = {"signal": Policy(id="signal", name="Signal", text=""),
                "line": Policy(id="line", name="LINE", text=""),
                "duckduckgo": Policy(id="duckduckgo", name="DuckDuckGo", text="")}
    assert match_names("Does Signal sell my data?", policies).policies == ("signal",)
    assert match_names("Can they signal my location to others?", policies).policies == ()
    assert match_names("What is the bottom line on selling data?", policies).policies == ()
    assert match_names("Does LINE read my chats?", policies).policies == ("line",)
    assert match_names("does duckduckgo track me?", policies).policies == ("duckduckgo",)  # no English word


def test_a_company_of_three_words_or_more_is_known_by_its_initials():
    policies = {"the-new-york-times": Policy(id="the-new-york-times", name="The New York Times", text=""),
                "better-stack": Policy(id="better-stack", name="Better Stack", text="")}
    assert match_names("Which outside company handles NYT card payments?", policies).policies == ("the-new-york-times",)
    assert match_names("Is the nyt sharing my data?", policies).policies == ()  # initials as written, in capitals
    assert match_names("Does BS sell my data?", policies).policies == ()  # two words have no initials here


def test_names_are_compiled_again_when_the_policies_change():
    from qa.search.names import name_matcher

    policies = dict(POLICIES)
    first = name_matcher(policies)
    assert name_matcher(policies) is first
    policies["acme"] = Policy(id="acme", name="Acme Widgets", text="", aliases=("Acme",))
    assert name_matcher(policies) is not first
    assert match_names("Does Acme sell my data?", policies).policies == ("acme",)
    policies["acme"] = Policy(id="acme", name="Zenbrook", text="")  # same id and size, another name
    assert match_names("Does Zenbrook sell my data?", policies).policies == ("acme",)


@pytest.mark.parametrize("sentence, passes", [
    ("As part of the Centerprise International Group, 23Technology is committed to protecting your data.", False),
    ("Centerprise International is certified to the International Organization for Standardization (ISO).", False),
    ("Centerprise International may transfer your data outside the UK.", True),  # a transfer, written out
    ("Our servers are located in the European Economic Area.", True),  # no name at all
    ("International transfers are covered by standard contractual clauses.", True),
    ("We work with partners around the world.", True),  # not inside a name: left to the practice model
])
def test_a_practice_word_only_inside_a_name_states_no_transfer(sentence, passes):
    guard = own_name_guard(None, POLICIES["23technology"], ["international-transfers"])
    assert guard is not None and guard(sentence) is passes


def test_the_name_guard_keeps_the_callers_test_and_is_absent_for_other_practices():
    policy = POLICIES["23technology"]
    assert own_name_guard(None, policy, ["sale", "retention"]) is None
    first = len  # any test: here, a non-empty sentence
    assert own_name_guard(first, policy, ["sale"]) is first
    guard = own_name_guard(lambda s: "UK" not in s, policy, ["international-transfers"])
    assert not guard("We transfer data outside the UK.") and guard("We transfer data to the USA.")


def test_a_near_miss_is_replaced_as_a_whole_word_only():
    """"O'Reilly" typed for the policy named "O Reilly" (its file's stem) is routed by its near miss "Reilly", which
    must not leave the question asking about "O'the company" (a name no policy writes: "not stated" everywhere)."""
    from qa.search.names import without_names

    policies = {"oreilly": Policy(id="oreilly", name="O Reilly", text="", source="oreilly.md")}
    question = "How long does O'Reilly take to respond?"
    assert without_names(question, ["oreilly"], policies, typed=["Reilly"]) == question
    assert without_names("Does Reilly sell data?", ["oreilly"], policies, typed=["Reilly"]) == \
        "Does the company sell data?"
    made = {"o-reilly": Policy(id="o-reilly", name="O Reilly", text="", source="o-reilly.md")}  # (its stem's name)
    assert without_names(question, ["o-reilly"], made) == "How long does the company take to respond?"


def test_a_name_made_from_a_file_stem_is_matched_as_people_type_it():
    """A file "womans-day.md" is named "Womans Day", "o-reilly.md" "O Reilly": people type "Woman's Day" and
    "O'Reilly", which route to them exactly (not "Woman", an organisation with no policy here)."""
    from qa.ingest.aliases import apostrophes_lost

    assert apostrophes_lost("Womans Day", "womans-day") == ["Woman's Day", "Woman’s Day"]
    assert apostrophes_lost("O Reilly", "o-reilly") == ["O'Reilly", "O’Reilly"]
    assert apostrophes_lost("Womans Day", "hearst") == []  # a name someone wrote is as they wrote it
    assert "Woman's Day" in names_of(Policy(id="womans-day", name="Womans Day", text="", source="womans-day.md"))
    policies = {pid: Policy(id=pid, name=name, text="", source=f"{pid}.md")
                for pid, name in (("womans-day", "Womans Day"), ("o-reilly", "O Reilly"), ("sky-news", "Sky News"))}
    for question, policy in (("Does Woman's Day sell my data?", "womans-day"), ("Is O’Reilly GDPR ready?", "o-reilly"),
                             ("Does Sky News sell my data?", "sky-news")):
        match = match_names(question, policies)
        assert match.policies == (policy,) and match.not_indexed == ()
