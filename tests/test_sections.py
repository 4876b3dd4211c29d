import pytest

from qa.ingest.policies import load_policies
from qa.ingest.sections import detect_headings, section_at
from qa.types import Policy
from tests.conftest import SEED_POLICIES


def seed_titles() -> dict[str, list[str]]:
    policies, errors = load_policies(SEED_POLICIES)
    assert errors == []
    return {p.id: [title for _, title in p.headings] for p in policies}


def test_real_headings_of_every_seed_policy_are_found():
    titles = seed_titles()
    expected = {
        "concero": ["Who are we?", "What information is being collected?", "Telephone Communications",
                    "Where do we keep your data?", "Your rights and the right to be forgotten"],
        "ct1-technologies": ["1. Who we are and how to contact us", "4.2 To secure our systems and protect our business",
                             "8. How long we keep your data", "12. Changes to this Privacy Policy"],
        "cloudsentric": ["4.2 Direct Marketing", "8. Customers' Rights", "10. Policy Updates"],
        "core-office-it": ["1. Information We Collect and Receive", "6. Security", "Social Media"],
        "23technology": ["Who are we?", "Security", "Cookies", "Our Retention of Personal Data"],
    }
    for policy_id, headings in expected.items():
        for heading in headings:
            assert heading in titles[policy_id], (policy_id, heading)


def test_addresses_labels_and_list_leads_are_not_headings():
    titles = seed_titles()
    for not_heading in ["Wycliffe House", "Water Lane", "Cheshire", "SK9 5AF", "Tel: 0303 123 1113"]:
        assert not_heading not in titles["concero"]
    assert "We collect:" not in titles["23technology"]
    assert "DPO@centerprise.co.uk" not in titles["23technology"]
    assert "Company name: CT1 Technologies Limited" not in titles["ct1-technologies"]
    assert "8.1" not in titles["cloudsentric"]
    # The table of contents is a bulleted list, not the headings themselves.
    assert all(not t.startswith("•") for t in titles["core-office-it"])


def test_heading_offsets_point_at_the_heading_line():
    policies, _ = load_policies(SEED_POLICIES)
    for policy in policies:
        for start, title in policy.headings:
            assert policy.text[start:start + len(title)] == title


def test_numbered_and_title_lines_in_made_up_text():
    text = "Intro line that is a sentence.\n\n2.1 Sharing With Partners\nWe share data.\n\nSecurity\n\nWe lock doors."
    assert [t for _, t in detect_headings(text)] == ["2.1 Sharing With Partners", "Security"]


def test_section_at_picks_the_nearest_heading_above():
    headings = [(10, "A"), (50, "B")]
    assert section_at(headings, 0) == ""
    assert section_at(headings, 10) == "A"
    assert section_at(headings, 49) == "A"
    assert section_at(headings, 500) == "B"


def test_policy_without_metadata_is_named_after_its_file(tmp_path):
    (tmp_path / "acme-cloud_ltd.txt").write_text("Privacy\n\nWe keep nothing.\n", encoding="utf-8")
    policies, errors = load_policies(tmp_path)
    assert errors == [] and isinstance(policies[0], Policy)
    assert (policies[0].id, policies[0].name, policies[0].aliases) == ("acme-cloud_ltd", "Acme Cloud Ltd", ())


def test_sentences_have_exact_offsets_and_keep_section_numbers_whole():
    from qa.ingest.sentences import split_sentences

    text = "5. Who we share data with\nWe share it. We never sell it!  Ask us? Yes.\n- a bullet"
    spans = split_sentences(text, offset=100)
    pieces = [text[s - 100:e - 100] for s, e in spans]
    assert pieces == ["5. Who we share data with", "We share it.", "We never sell it!", "Ask us?", "Yes.", "- a bullet"]


@pytest.mark.parametrize(("text", "pieces"), [
    ("This policy explains how Magnite, Inc. (“Magnite”) collects data. We share it.",
     ["This policy explains how Magnite, Inc. (“Magnite”) collects data.", "We share it."]),
    ("We rely on the EU-U.S. Data Privacy Framework. You may object.",
     ["We rely on the EU-U.S. Data Privacy Framework.", "You may object."]),
    ("We use tools (e.g. Google Analytics) under Art. 6 (1) GDPR. Write to P.O. Box 7.",
     ["We use tools (e.g. Google Analytics) under Art. 6 (1) GDPR.", "Write to P.O. Box 7."]),
    # an abbreviation before a word that starts sentences still ends one
    ("Services are provided by Acme Inc. We collect your name. We are in the U.S. Our servers are there.",
     ["Services are provided by Acme Inc.", "We collect your name.", "We are in the U.S.", "Our servers are there."]),
    # a full stop before a small letter ends none ("IP addresses, etc. are not linked…")
    ("IP addresses, etc. are not linked to you. We use ClickTracks.",
     ["IP addresses, etc. are not linked to you.", "We use ClickTracks."]),
    # an HTML line break ends a sentence, whatever comes before it; a table's row stays whole
    ("| Location | To localize it.  <br>  <br>To help you. <BR/>Run by Acme Inc.<br>registered in the U.S. |",
     ["| Location | To localize it.", "To help you.", "Run by Acme Inc.", "registered in the U.S. |"]),
])
def test_an_abbreviation_ends_no_sentence_unless_a_new_one_starts(text, pieces):
    from qa.ingest.sentences import split_sentences

    assert [text[s:e] for s, e in split_sentences(text)] == pieces
