"""Routing by company names: exact aliases, near misses, organisations with no policy, alias suggestions."""

import pytest

from qa.ingest.policies import Policy
from qa.search.names import match_names, suggest_aliases, validate_alias

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
])
def test_routing(question, routed):
    assert match_names(question, POLICIES).policies == routed


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
    assert "ordinary English word" in validate_alias("data", "x")
    assert "another policy's name" in validate_alias("CloudSentric", "x", ["CloudSentric"])
    assert "not a string" in validate_alias(["x"], "x")
