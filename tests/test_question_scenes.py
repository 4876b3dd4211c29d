"""What a user's scene says and what it asks (6 December, second session: from 182 helper-written questions over the seed
policies): excess ("more than they need", "my whole file"), the user's own place, a thing that "died", an amount,
merging data, consent asked as "only if I've opted in", a refusal told before the question (unit tests)."""

from __future__ import annotations

import pytest

from qa.search.asked_names import asking_sentence, named_things, unwritten
from qa.search.cues import cued_topics
from qa.search.details import demanded
from qa.search.phrases import COMPANY_SOLD
from qa.search.readings import asked_verdict
from qa.search.specific import specific_things, unmentioned
from qa.search.verdict import NO, YES, YES_NO, asks_unlimited, question_kind

TOPICS = ["data-collected", "sharing", "access", "cookies", "retention", "security", "erasure"]


@pytest.mark.parametrize("question", [
    "Does 23T hand its vendors more of my data than they actually need?",
    "Do the outside companies Core Office works with get to see all of my personal details?",
    "Concero uses an outside company to take my payments. Do they hand that company my whole customer file?",
    "Would that subcontractor get anything from us beyond our contact details?",
    "can ct1 just use my data however they like without any legal reason?",
    "Could that contractor use them for its own purposes, like its own marketing?",
])
def test_asking_for_more_than_a_limit_is_asking_whether_use_is_unlimited(question):
    assert asks_unlimited(question)


@pytest.mark.parametrize("question", [
    "Can I see all of my data?", "Can we get all our data back?", "Does CT1 share my data?",
    "Will Concero delete all of my data when I leave?",
])
def test_the_user_asking_for_all_of_their_data_asks_no_limit(question):
    assert not asks_unlimited(question)


def test_the_names_asked_about_are_those_of_the_sentence_that_asks():
    question = ("Our board is nervous about the US CLOUD Act. Does CloudSentric keep any of our data in American "
                "data centres?")
    assert asking_sentence(question).startswith("Does CloudSentric")
    assert "CLOUD" not in named_things(asking_sentence(question))
    assert asking_sentence("Does 23T use Google Analytics?") == "Does 23T use Google Analytics?"
    assert asking_sentence("Will you collect my data? If yes, how?") == "Will you collect my data? If yes, how?"
    assert asking_sentence("Do they serve countries other than U.S. or Europe?") == (  # no sentence ends at "U.S."
        "Do they serve countries other than U.S. or Europe?")
    # no sentence asks, or only one sentence: the whole question
    assert asking_sentence("I use Mailchimp. Tell me whether Concero does") == "I use Mailchimp. Tell me whether Concero does"


def test_a_place_named_by_its_peoples_word_is_that_place_and_a_name_beside_a_common_thing_is_not_required():
    [place] = [n for n in named_things("Does CloudSentric keep any of our data in American data centres?")
               if n != "CloudSentric"]
    assert not unwritten([place], "Some data is held by providers in the United States.")
    assert unwritten([place], "All data is held in the UK.")
    assert named_things("Do they look me up in public sources such as Companies House or professional networking "
                        "sites?") == []


def test_a_name_of_several_words_is_written_together():
    names = named_things("Does Proton Mail use Google Analytics or Matomo?")
    assert names == ["Proton Mail", "Google Analytics|Matomo"]
    assert unwritten(["Google Analytics"], "We may use analytics software. Google may show ads.") == ["Google Analytics"]
    assert not unwritten(["Google Analytics"], "This website uses Google\nAnalytics, a web analysis service.")
    assert not unwritten(["Nat Geo"], "National Geographic Partners may share it.")  # each word's start, in order
    assert named_things("Do they follow UK GDPR or the Information Commissioner's Office?") == ["UK", "GDPR|ICO"]


def test_a_sentence_about_other_companies_decides_nothing():
    from qa.search.evidence import about_others

    assert about_others("On most other search engines, ads are influenced by profiles compiled from your data.")
    assert about_others("If a website that responds to a DNT signal receives one, the browser can block it.")
    assert not about_others("Unlike most other search engines, we do not track you.")
    assert not about_others("All other personal data is retained for two years.")  # the company's own
    assert about_others("Trackers lurk nearly everywhere online, trying to scoop up your location history, and more.")
    assert not about_others("Third-party trackers on our site may collect your location.")
    assert about_others("Here at Concero we understand the responsibility that you have entrusted to us.")  # preamble
    assert about_others("Do Not Track is a preference you can set in your web browser to inform websites…")
    assert about_others("Some web browsers have a “Do Not Track” feature that tells a website that…")
    assert not about_others("Some browsers send DNT signals; we do not respond to them.")
    assert not about_others("For this reason, many businesses, including OkCupid, do not respond to DNT signals.")
    # a preamble states no practice either; a sentence opening the same way about what the user can do does
    assert about_others("We know that wondering who has access to your data and how it will be used is always a worry.")
    assert about_others("We know that you care how information about you is used and shared.")
    assert about_others("We know how important it is for you to understand how we use your data.")
    assert not about_others("We understand that you can ask us to delete your data at any time.")
    assert not about_others("We know your location when you use the app.")
    # nor does the policy's own scope ("…states (i) what data we collect…; (iii) the safeguards…")
    assert about_others("The Privacy Policy states (i) what data we collect through your access and uses of the Services")
    assert about_others("This Privacy Notice explains how we collect, use and share your data.")
    assert about_others("Bitwarden provides this Privacy Policy to describe the ways we collect, use, transfer, store…")
    assert not about_others("We share data only as described in this policy.")
    assert not about_others("Our policy is to encrypt your data at rest.")


def test_where_the_user_lives_is_the_scene_not_a_name_the_policy_must_write():
    assert named_things("I'm based in France. Do I have any right to see the data CloudSentric keeps on me?") == [
        "CloudSentric"]
    assert named_things("We live in Spain. Does Concero send data to France?") == ["Concero", "France"]
    assert named_things("Does Concero get data from Google?") == ["Concero", "Google"]
    assert named_things("I'm in Germany — which Apple company controls my personal data?") == ["Apple"]
    assert named_things("I'm in the Netherlands and sent WeTransfer a request.") == ["WeTransfer"]
    assert named_things("Is my Apple data stored in Germany?") == ["Apple", "Germany"]


def test_a_spelled_out_name_is_read_as_the_acronym_a_policy_may_write():
    """"a Data Protection Officer I can email" of a policy writing only "DPO@centerprise.co.uk"."""
    assert named_things("Is there a Data Protection Officer I can email at any of these companies?") == ["DPO"]
    assert not unwritten(named_things("Is there a Data Protection Officer I can email?"), "contact DPO@example.com")
    assert named_things("Can I complain to the Information Commissioner's Office?") == ["ICO"]
    assert not unwritten(["ICO"], "you may complain to the Information Commissioner")


def test_a_pc_is_written_as_a_computer():
    assert not unwritten(["PC"], "we may collect information on the devices you use, such as your computer")
    assert unwritten(["PC"], "we may collect your name and email address")


def test_a_death_is_a_persons_not_a_things():
    death = "We will release a deceased customer's data to the executor."
    assert not specific_things("My laptop from 23T has died and I've sent it in. Will they use my data to fix it?")
    for question in ("What happens to my data if I die?", "Does Concero keep my data after my husband died?",
                     "What happens to my account after my death?"):
        things = specific_things(question)
        assert things and unmentioned(things, "We keep your data for six years.") and not unmentioned(things, death)


def test_buying_a_companys_services_is_not_buying_the_company():
    import re

    sold = re.compile(COMPANY_SOLD, re.IGNORECASE)
    assert not sold.search("My employer buys the company's services. Might it hold data about me?")
    assert sold.search("What happens to my data if someone buys the company?")
    assert not sold.search("Do any of them merge info they get about me with what they already hold?")
    assert sold.search("What happens to my data if they merge with another firm?")


def test_merging_data_asks_what_is_collected_and_must_be_written():
    question = "Do any of them merge info they get about me from other sources with what they already hold on me?"
    assert "data-collected" in cued_topics(question, TOPICS)
    things = specific_things(question)
    assert unmentioned(things, "We may share your data with merger partners.")
    assert not unmentioned(things, "We may combine this data with information we already have about you.")


def test_how_much_a_fee_is_asks_for_an_amount():
    asked = demanded("How much is the 'prescribed fee' CloudSentric charges for a copy of my data?")
    amount = [p for p in asked if p.search("a fee of £10") and not p.search("for a prescribed fee")]
    assert amount, "an amount is asked for"
    assert any(p.search("This is free of charge.") for p in amount)
    assert not [p for p in demanded("How much data do they keep?") if p.search("£10")]


def test_compensation_must_be_written():
    things = specific_things("If 23T loses my data in a hack, will they pay me compensation?")
    assert things and unmentioned(things, "Your data is protected with encryption.")
    assert not unmentioned(things, "We are not liable for any loss of data.")


def test_marketing_only_after_opting_in_asks_whether_consent_is_needed():
    sentence = "If you have not opted in to our marketing process, we will not contact you with any marketing material."
    assert asked_verdict("Which of them only send marketing if I've opted in?", NO, sentence) == YES


@pytest.mark.parametrize("question, verdict", [
    ("I hit unsubscribe on 23T's marketing emails. Will they just carry on sending me promos anyway?", NO),
    ("Will they keep emailing me after I've opted out?", NO),
    ("Will they keep emailing me?", YES),
    ("can i opt out of letting them collect data and still use the app?", YES),  # no refusal before the question
    # what is kept is no going on: "Do they still keep my email address?" is asked of the data, not of the emails
    ("I unsubscribed from the Guardian's marketing emails a while ago. Do they still keep my email address?", YES),
])
def test_a_refusal_told_before_the_question_is_one_the_question_asks_after(question, verdict):
    sentence = "We respect your choice, and we will stop sending you promotional emails once you unsubscribe."
    assert asked_verdict(question, YES, sentence) == verdict


def test_a_condition_naming_the_company_then_a_yes_no_question():
    assert question_kind("if core office can't fix my sage accounts problem could they pass my info on to sage?") \
        == YES_NO
    assert question_kind("When will they delete my data?") != YES_NO


def test_fixing_wrong_details_asks_for_correction_and_keeping_a_note_what_is_collected():
    assert "access" in cued_topics("CT1 has an old phone number for me that's wrong now. Can I get them to fix it?",
                                   TOPICS)
    assert "data-collected" in cued_topics("Which companies keep a note of my job title?", TOPICS)
    where = cued_topics("Do any of these companies track where I am, like my location?", TOPICS)
    assert "data-collected" in where and "cookies" not in where
    assert "cookies" in cued_topics("Do they track which pages I visit?", TOPICS)


def test_wiping_old_equipment_must_be_written():
    things = specific_things("When Core Office replaces our old office PCs, do they securely wipe or destroy the hard drives?")
    assert things and unmentioned(things, "We keep your data secure with encryption.")
    assert not unmentioned(things, "Old hard drives are securely destroyed.")
    assert not specific_things("Can I ask them to wipe my data?")


def test_an_address_the_user_wrote_to_names_nothing_and_asks_for_nothing():
    question = "I emailed DPO@centerprise.co.uk asking them to delete everything. Are they allowed to take three months?"
    assert "DPO" not in named_things(question)
    assert not demanded(question)


def test_a_cv_is_written_as_a_job_application():
    assert not unwritten(["CV"], "We process your data to review any job applications sent to us.")


def test_a_time_ago_in_the_story_is_no_length_of_time_asked():
    assert not specific_things("I sent my data request form six weeks ago. Are they allowed to take this long?")
    assert specific_things("Do they keep my data for 7 years?")


@pytest.mark.parametrize("question, verdict", [
    ("Are they allowed to take three months over it?", NO),
    ("I sent my completed data request form back six weeks ago and still nothing. Are they allowed to take this long?",
     NO),
    ("Could it take two weeks?", YES),
])
def test_the_time_a_company_may_take_is_compared_with_the_limit_it_gives(question, verdict):
    sentence = "We will respond to any request as soon as possible, certainly within 1 calendar month of receiving it."
    assert asked_verdict(question, YES, sentence) == verdict


@pytest.mark.parametrize("question, sentence", [
    ("Will Concero's privacy notice stay the same from now on?", "However, this policy will change and evolve."),
    ("Once I've signed up, is CloudSentric's privacy policy locked in for good?",
     "CloudSentric may update the terms of this policy from time to time."),
    ("Do I have to wait until our support contract with CT1 ends before I can stop getting their marketing emails?",
     "You can opt out of marketing emails at any time by using the unsubscribe link."),
])
def test_a_policy_that_changes_or_a_choice_open_at_any_time_denies_the_question(question, sentence):
    assert asked_verdict(question, YES, sentence) == NO
    assert asked_verdict("Will they send me marketing emails?", YES, sentence) == YES


def test_keeping_data_after_it_is_no_longer_needed_asks_whether_keeping_is_unlimited():
    assert asks_unlimited("does ct1 hang on to personal data even after they no longer need it?")


@pytest.mark.parametrize("question, written", [
    ("When CloudSentric decides whether to give us credit terms, is that decision made automatically by a computer?",
     None),
    ("If we switch provider, can we get CloudSentric to give us our data in a format we can take to the new company?",
     "the right to receive your data in a structured, commonly used and machine-readable format"),
    ("Do 23T staff get any data protection training?", "All our staff receive data protection training."),
    ("r they cyber essentials certified", "We are Cyber Essentials certified."),
    ("can ct1 remote into my pc w/o asking me first??", "Our engineers may access your computer remotely."),
])
def test_details_and_things_a_policy_must_write(question, written):
    unsaid = "We use your data to provide our services and keep it secure."
    if written is None:  # a detail asked for: automated decisions
        assert demanded(question) and not any(d.search(unsaid) for d in demanded(question))
        return
    things = specific_things(question)
    assert things and unmentioned(things, unsaid) and not unmentioned(things, written)


@pytest.mark.parametrize("question", [
    "When they pass my data to their suppliers, which of these companies say they only hand over what is needed?",
    "We've got an IT firm looking after our servers. Which of these companies say their engineers might get in?",
    "If they change their privacy policy, which companies warn me before the change kicks in?",
    # "which of the five", after a dash; "which of their websites"
    "Which of the five pass our details on to outside contractors to help run their services?",
    "Comparing IT firms for a small accountancy practice - which of the five say they encrypt our data?",
    "which of their websites let the likes of Facebook or Google track you while you're on them?",
])
def test_which_companies_after_a_clause_or_a_scene_asks_each_company(question):
    assert question_kind(question) == YES_NO


def test_a_question_word_first_stays_an_open_question():
    assert question_kind("How long do they keep it, and which companies say so?") != YES_NO


def test_a_mobile_app_must_be_written():
    things = specific_things("Do any of these companies collect info about me through a mobile app?")
    assert things and unmentioned(things, "We collect your name when you fill in our website form.")
    assert not unmentioned(things, "If you use any of our mobile apps, we may use mobile analytics software.")
    assert not specific_things("how secure is this mobile app?")  # the service asked about


def test_a_policy_keeping_data_only_in_the_uk_answers_for_any_other_place():
    from qa.search.verdict import keeps_only_here, only_here_verdict

    text = "As CloudSentric is a UK only based organisation the data is held in the UK only."
    assert keeps_only_here(text) and not keeps_only_here("We use servers in the UK, EEA and USA.")
    assert "international-transfers" in cued_topics("Will any of these companies put my data on servers in America?",
                                                    ["international-transfers", "sharing"])
    assert only_here_verdict("Will they put my data on servers in America?", ["international-transfers"], YES,
                             text) == NO


def test_will_misspelt_still_asks_yes_or_no():
    from qa.search.spelling import respelled

    question = respelled("wil core office email me an order confirmation when i buy somthing")
    assert question.startswith("will ") and question_kind(question) == YES_NO


def test_an_or_joining_two_verbs_leaves_the_thing_asked():
    """"work out or record my location" asks about the location; "my IP address or my location" asks either."""
    assert specific_things("Do you work out or record my geographic location?")
    assert not specific_things("Do they track my IP address or my location?")
    assert not specific_things("Do they use cookies or web beacons?")


@pytest.mark.parametrize("question, names", [
    ("If HMRC or the courts legally require it, will CloudSentric hand over my data?", ["CloudSentric"]),
    ("If the courts or HMRC require it, will they hand over my data?", []),
    ("Do they use Google Analytics or similar tools?", []),
    # two names, either written: one name; a name beside a preposition is still asked
    ("Can I use my Facebook or Google account to sign up?", ["Facebook|Google"]),
    ("Does Concero share data with Facebook, or with Twitter?", ["Concero", "Facebook", "Twitter"]),
])
def test_a_name_offered_beside_a_thing_in_common_words_is_not_asked_for(question, names):
    assert named_things(question) == names


def test_a_change_made_without_notice_answers_whether_the_user_is_told():
    sentence = "123Greetings reserves the right to amend this Privacy Policy at any time and without notice."
    assert asked_verdict("Will 123Greetings notify me when they change their privacy policy?", YES, sentence) == NO
    assert asked_verdict("Can 123Greetings change its privacy policy?", YES, sentence) == YES
