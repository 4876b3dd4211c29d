"""How a question's places, acronyms and wording are read (unit tests; the seed policies' answers are in
tests/test_integration.py)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from qa.search.asked_names import SPELLED_OUT, named_things, unwritten
from qa.search.cues import cued_topics
from qa.search.evidence import Decision, question_guard
from qa.search.marking import named_sentence, naming, naming_decision
from qa.search.readings import asked_verdict
from qa.search.specific import specific_things, unmentioned
from qa.search.verdict import NO, STATED, YES, border_words, negated_by_words, negated_sentence
from qa.types import Hit


@pytest.mark.parametrize("question, names", [
    ("Does Concero send my data to the United States?", ["Concero", "USA"]),
    ("Is my data sent to the U.S. by CT1?", ["USA", "CT1"]),
    ("Do they store it in the United Kingdom or the European Union?", ["UK|EU"]),
])
def test_places_in_several_words_are_one_name(question, names):
    assert named_things(question) == names


def test_an_acronym_is_written_whole_and_its_spelled_out_forms_count():
    assert unwritten(["USA"], "Usage data – how you use our website") == ["USA"]
    assert unwritten(["USA"], "servers based in the UK, EEA and USA") == []
    assert unwritten(["USA"], "transferred to the United States") == []
    assert unwritten(["CT"], "CT1 Technologies Limited") == []  # a digit may follow
    assert unwritten(["ID"], "We may ask you for proof of identity.") == []
    assert unwritten(["EU"], "within the European Economic Area") == []
    assert unwritten(["DPO"], "contact the DPO@centerprise.co.uk") == []


@pytest.mark.parametrize("question", [
    "Does CloudSentric move my data outside Europe?", "Is my data sent to the U.S. by CT1?",
    "Will they take my data out of the UK?",
])
def test_a_place_beyond_asks_about_international_transfers(question):
    assert cued_topics(question, ["international-transfers", "sharing"]) == ["international-transfers"]


def test_moving_data_abroad_is_no_portability_but_moving_it_to_another_provider_is():
    text = "You may receive your data in a machine-readable format."
    assert not unmentioned(specific_things("Does CloudSentric move my data outside Europe?"), "held in the UK only")
    assert unmentioned(specific_things("Can I move my data to another provider?"), "held in the UK only")
    assert not unmentioned(specific_things("Can I move my data to another provider?"), text)


def test_a_sector_served_is_no_health_data():
    asked = specific_things("Do they collect health information?")
    assert unmentioned(asked, "a supplier within the Education and Healthcare sectors")
    assert not unmentioned(asked, "We may collect health data when you ask for it.")


def test_a_yes_no_question_on_leaving_a_place_needs_a_quote_saying_where_data_goes():
    [where] = border_words("Does CloudSentric transfer my data outside the EEA?", ["international-transfers"])
    assert where.search("the data is held in the UK only") and where.search("servers located outside the UK")
    assert not where.search("The law in certain jurisdictions (including countries within the EEA) gives you rights")
    assert border_words("What safeguards protect my data when it goes abroad?", ["international-transfers"]) == ()
    assert border_words("Does Concero send my data abroad?", ["sharing"]) == ()


def test_the_places_named_are_preferred_then_dropped_for_where_the_data_goes():
    border = border_words("Is my data sent outside the EEA?", ["international-transfers"])
    test = naming(["EEA"], (), SPELLED_OUT, border)
    rights, held, outside = "EEA law gives you rights.", "The data is held in the UK only.", "Some sit outside the EEA."
    text = f"{rights} {held} {outside}"
    spans = {s: (text.index(s), text.index(s) + len(s)) for s in (rights, held, outside)}
    first = Decision(True, spans[rights], 0.0, 1.0, "international-transfers", 1.0)

    def again(passing):
        found = [s for s in (held, outside) if passing(s)]
        return Decision(True, spans[found[0]], 0.0, 1.0, "international-transfers", 1.0) if found else Decision(False)

    assert naming_decision(first, text, test, again).sentence == spans[outside]  # writes the EEA, and where
    assert naming_decision(first, text, test, lambda passing: again(lambda s: s != outside and passing(s))
                           ).sentence == spans[held]  # none writes both: where the data goes


def test_a_marketing_question_turns_away_cookie_sentences():
    guard = question_guard("Can I opt out of marketing emails?", ["objection-marketing"])
    assert guard is not None and not guard("Install the Google Analytics opt-out browser add-on.")
    assert guard("You can unsubscribe from our emails at any time.")
    anything = "Install the Google Analytics opt-out browser add-on."
    assert question_guard("Can I opt out of marketing cookies?", ["objection-marketing"])(anything)
    assert question_guard("Can I opt out?", ["objection-marketing"])(anything)
    assert question_guard("Do they email me?", ["sharing"])(anything)
    sharing = question_guard("Does X share my data with third parties?", ["sharing"])  # denied for marketing alone
    assert sharing is not None and not sharing("We will not share your data with third parties for their direct "
                                               "marketing unless you consent.")
    assert sharing("We do not share your data with third parties except as described below.")
    assert sharing("We do not sell it, but we share it with partners for their own marketing purposes.")
    assert question_guard("Do they share my data with advertisers for marketing?", ["sharing"])(
        "We will not share your data with third parties for their direct marketing unless you consent.")
    # a sale (or sharing) denied for one named purpose the question does not name
    denial = "Disqus does not use or sell consumer personal data for the purpose of training large language models."
    sale = question_guard("Does Disqus sell my data?", ["sale"])
    assert sale is not None and not sale(denial) and sale("We do not sell your personal data.")
    training = question_guard("Does Disqus sell my data to train language models?", ["sale"])
    assert training is not None and training(denial)
    assert not question_guard("Does X share my data?", ["sharing"])(denial.replace("use or sell", "share"))
    # a browser signal not answered answers nothing else ("Does Starbucks track my phone with Bluetooth…?")
    signal = "We currently do not respond to browser “Do Not Track” signals."
    assert not question_guard("Does Starbucks track my phone?", ["data-collected"])(signal)
    assert question_guard("Does Starbucks honour Do Not Track signals?", ["cookies"]) is None
    children = "We do not knowingly sell or share the Personal Information of anyone under 16 years old."
    assert not sale(children) and question_guard("Does X sell my 15 year old's data?", ["sale"])(children)
    cookies = question_guard("Which companies let me opt out of cookies?", ["objection-marketing", "cookies"])
    assert cookies is not None and cookies("Most web browsers allow you to control cookies through their settings.")
    assert not cookies("You have the right to ask us to not process your information for marketing purposes.")


DISOWNING = ("We follow accepted standards to protect it, however, we cannot be held responsible for your own "
             "security measures.")


@pytest.mark.parametrize("question, verdict", [
    ("Does Core Office keep my data secure?", YES), ("Is my data safe with them?", YES),
    ("If my systems get hacked, will they take responsibility?", NO), ("Are they liable for a breach?", NO),
])
def test_disowning_what_the_user_does_denies_only_responsibility(question, verdict):
    assert asked_verdict(question, NO, DISOWNING) == verdict
    assert asked_verdict(question, NO, "We do not protect it, and cannot be held responsible for your own.") == NO


@pytest.mark.parametrize("question, sentence, verdict", [
    ("Does Proton encrypt my data?", "Under no circumstances can Proton decrypt end-to-end encrypted content.", YES),
    ("Is my mail encrypted?", "We are not capable of decrypting your messages.", YES),
    ("Can I enable two-factor login?", "You cannot disable it once it is on.", YES),
    # the action asked itself denied, or another denial beside the reverse one, stays a no
    ("Does Proton encrypt my data?", "We do not encrypt backups.", NO),
    ("Does Proton encrypt my data?", "We cannot decrypt your mail, and we do not encrypt backups.", NO),
    ("Can Proton decrypt my mail?", "Under no circumstances can Proton decrypt end-to-end encrypted content.", NO),
    ("Can I unsubscribe from service emails?", "You cannot unsubscribe from service emails.", NO),
    # a denial of doing it without what is asked
    ("Does Bitwarden encrypt my data?", "Your data is never sent to our servers without first being encrypted.", YES),
    ("Does the site use cookies?", "Some pages will not function properly without cookies.", YES),
    ("Does Bitwarden share my data?", "Your data is never shared with third parties without your consent.", NO),
    ("Do they share my data without consent?", "We never share your data without consent.", NO),  # asked so
    # a bracketed aside denying a narrower thing than asked
    ("Does Quora collect my location?", "Geolocation data, such as approximate location data (we don’t collect "
     "precise geolocation, but can infer general location from your IP address)", YES),
    ("does quora track my precise gps location", "Geolocation data, such as approximate location data (we don’t "
     "collect precise geolocation, but can infer general location from your IP address)", NO),
    # what the user need not do, unless what is needed is asked
    ("Does Crunchyroll use cookies?", "You do not need to have cookies enabled to use our Content.", YES),
    ("Do I need cookies turned on to use Crunchyroll?", "You do not need to have cookies enabled to use it.", NO),
    # keeping or restoring is the reverse of deleting, also where it is not required
    ("If I delete my Twitch account, is my data deleted?", "Once you have asked us to close your account, we will delete "
     "all information that we are not required or permitted to retain by law.", YES),
    ("If I delete my Quora account, is my data deleted?",
     "Then all your content will be removed from public visibility, and it may not be restored by us.", YES),
    ("Do they delete my data?", "We do not delete your data.", NO),
    # what the user will not be able to do, unless what the user can do is asked
    ("Does Bitwarden erase my data if I ask?",
     "If you ask us to delete it, you may no longer be able to access or use our services.", YES),
    ("Can I still log in after they erase my data?", "You will no longer be able to access our services.", NO),
])
def test_a_denial_of_the_reverse_action_is_no_no(question, sentence, verdict):
    assert asked_verdict(question, NO, sentence) == verdict


@pytest.mark.parametrize("sentence", [
    "These third parties have access to your Personal Data and are obligated not to disclose or use it otherwise.",
    "We share it with contractors that need to know it in order to provide the Services and that have agreed not to "
    "disclose it to others.",
    "*   to third parties who help us, to the limited extent required, on condition that they may not further disclose it",
    "Their use of the information is governed by their policies, and we do not control the third parties’ use of it.",
    "Third-Party Services are not owned or controlled by Miro.",
    "We will track your process across our websites to verify that you are not a bot.",
    "The following information is not PII: mailing address, IP Address.",
    "Anonymous information means information that does not directly or indirectly identify, and cannot reasonably be "
    "used to identify, an individual guest.",
    "We remember your information so that you will not have to re-enter it.",
    "If you make a purchase, you might not be able to change or delete it until after the completion of the purchase.",
    "If you request that it be removed, it may not be possible to completely delete all of your Information.",
    "For transfers from the EEA, and if the transfer is not to a country which is the subject of an adequacy decision, "
    "we rely on standard contractual clauses.",
    "We will comply with such requests unless we have a legitimate ground to not delete your personal data.",
    "If you delete your Content and then sync, it will no longer be accessible to you or others.",
    "Data will no longer be collected after you turn off this feature.",
    "Keep in mind that we cannot promise that all data will be deleted within a specific time frame.",
    "We may share non-personal information (meaning information that, by itself, does not identify who you are).",
])
def test_others_duties_disclaimers_and_definitions_deny_nothing(sentence):
    from qa.search.readings import asked_verdict

    assert not negated_by_words(sentence) or asked_verdict("Do they use my data?", NO, sentence) == YES


def test_the_companys_own_duty_and_promise_still_deny():
    assert negated_by_words("We are obliged not to share your data.")
    assert negated_by_words("We ensure that you are not tracked across other sites.")


def test_a_limit_denies_nothing():
    assert not negated_by_words("The period for erasure may be extended, but for no longer than two further months.")
    assert not negated_by_words("We collect no more than we need.")
    assert negated_by_words("We no longer collect it.")


def test_no_direct_relationship_denies_nothing_even_when_the_stance_head_reads_a_no():
    sentence = ("We may also collect information on behalf of our customers, and we may not have a direct "
                "relationship with the individuals whose personal data is processed.")
    assert not negated_by_words(sentence)
    text = f"{sentence} We do not sell it."
    engine, spans = _two_sentences(text, len(sentence), (0.81, 0.9))
    assert negated_sentence(engine, "p", tuple(spans[0])) is False  # its only negative words deny nothing
    assert negated_sentence(engine, "p", tuple(spans[1])) is True


def test_a_condition_with_only_outweighs_the_stance_head():
    """"Phone location data is only collected when your phone has location services turned on.": a condition on doing
    it, read "no" by the stance head; a sentence with no negative word and no "only" keeps the head's reading."""
    first = "Phone location data is only collected when your phone has location services turned on."
    text = f"{first} Your data stays on your device."
    engine, spans = _two_sentences(text, len(first), (0.53, 0.9))
    assert negated_sentence(engine, "p", tuple(spans[0])) is False
    assert negated_sentence(engine, "p", tuple(spans[1])) is True


def _two_sentences(text: str, first_end: int, negated: tuple[float, float]):
    """An engine over one policy "p" of two sentences (the first ending at `first_end`) whose stance head reads
    `negated`; and the sentences' spans."""
    spans = np.array([(0, first_end), (first_end + 1, len(text))])
    engine = SimpleNamespace(
        policies={"p": SimpleNamespace(id="p", text=text, headings=())},
        evidence=SimpleNamespace(of=lambda pid: SimpleNamespace(spans=spans, negated=np.array(negated))),
        practice=SimpleNamespace(stance_threshold=0.5))
    return engine, spans


@pytest.mark.parametrize("sentence, denies", [
    ("Windstream’s dealers are prohibited from accessing or using your CPNI unless you sign a consent form.", True),
    ("Our staff are forbidden from sharing customer data.", True),
    ("We use your data to prevent prohibited activity.", False),
    # a condition on the user, up to its comma, and a caveat about other countries' laws deny nothing
    ("If your application does not match a position, we may pass it to another company in our group.", False),
    ("If you have been subject to an automated decision and do not agree with the outcome, you can ask us to review "
     "it.", False),
    ("Please contact them directly if: (i) you would no longer like to be contacted by them.", False),
    ("Your data will be transferred to the United States and other countries that may not provide the same level of "
     "data protection as your home country.", False),
    ("The laws outside the EEA may not be able to provide your data with the same protection.", False),
    ("If you ask us, we will not sell your data.", True),
    ("When you visit our website we do not collect any personal information.", True),  # the company's own clause
    ("If you are under 13, do not use our services.", True),
    ("While we take reasonable precautions to guard personal information, no security system is impenetrable.", False),
    # what the user may ask the company not to do
    ("You will be notified if a recording is made, and can request that Miro does not record these calls.", False),
    ("You can ask us not to record calls.", False),
    ("Miro does not record calls.", True),
])
def test_a_prohibition_denies_and_a_condition_or_a_caveat_does_not(sentence, denies):
    assert negated_by_words(sentence) is denies


TOPICS = ["sale", "sharing", "access", "objection-marketing", "purposes", "international-transfers"]


@pytest.mark.parametrize("question, topics", [
    ("Which companies say my data may go to another company if they are sold?", ["sharing"]),
    ("Which companies say how quickly they answer a data request?", ["access"]),
    ("How long do they take to respond to my request?", ["access"]),
    ("Which companies use my data for marketing?", ["purposes"]),  # sending marketing is a purpose
    ("Which companies send newsletters?", ["purposes"]),
    ("Can I opt out of marketing?", ["objection-marketing", "purposes"]),
    ("Which companies use service providers to process my data?", ["sharing"]),
    ("Is Concero a data processor?", []),
    ("If I buy something on the store, who gets my personal data?", ["sharing"]),  # no sale: the user buys
])
def test_what_a_question_names_cues_its_practice(question, topics):
    assert cued_topics(question, TOPICS) == topics


@pytest.mark.parametrize("question", ["How can I contact GitLab about privacy?",
                                      "im not on email, can i phone core office about my data instead?"])
def test_how_to_contact_a_company_about_privacy_cues_its_contact(question):
    assert cued_topics(question, [*TOPICS, "contact-dpo"]) == ["contact-dpo"]


@pytest.mark.parametrize("question", ["Is Core Office's privacy policy set in stone?",
                                      "Will Concero's privacy notice stay the same from now on?"])
def test_asking_whether_a_policy_stays_as_it_is_cues_policy_changes(question):
    assert cued_topics(question, [*TOPICS, "policy-changes"]) == ["policy-changes"]


def test_selling_part_of_the_business_is_a_business_transfer_written():
    asked = specific_things("What happens to my data if they are sold?")
    assert not unmentioned(asked, "Business transferees – if we sell or transfer part of our business or assets, data "
                                  "may be disclosed to prospective or actual buyers")
    assert unmentioned(asked, "We never sell your data.")


def test_a_fee_for_requests_is_a_detail_asked():
    from qa.search.details import demanded

    [fee] = [d for d in demanded("Which companies say they may charge a fee for requests?")]
    assert fee.search("obtain from CloudSentric, for a prescribed fee, confirmation") and not fee.search("contact us")


def test_professional_advisers_must_be_written():
    asked = specific_things("Which companies share data with professional advisers like lawyers?")
    assert not unmentioned(asked, "Professional advisers such as solicitors, auditors, accountants and insurers")
    assert unmentioned(asked, "We may share non-personal information with our partners.")


def test_checking_who_i_am_is_an_identity_check_and_a_period_in_years_a_number_asked():
    from qa.search.details import demanded

    asked = specific_things("does core office check who I am before giving me my data?")
    assert unmentioned(asked, "We keep your data secure.")
    assert not unmentioned(asked, "We will always check the identity of the individual making the request.")
    [number] = [d for d in demanded("Which companies give a retention period in years?")]
    assert number.search("retained for up to 2 years") and not number.search("actual retention periods can vary")


@pytest.mark.parametrize("question, topics", [
    ("How does 23Technology use my personal information?", ["purposes"]),
    ("How will CT1 use my data?", ["purposes"]),
    ("How do I use my account?", []),
])
def test_how_a_company_uses_my_data_asks_its_purposes(question, topics):
    assert cued_topics(question, ["purposes"]) == topics


@pytest.mark.parametrize("question, unlimited", [
    ("Does 23T keep my data longer than necessary?", True), ("Does CT1 keep my data longer than it needs to?", True),
    ("Do they keep it for more than a year?", False), ("How long do they keep my data?", False),
])
def test_longer_than_necessary_asks_about_a_limit(question, unlimited):
    from qa.search.verdict import LIMITING, asks_unlimited

    assert asks_unlimited(question) is unlimited
    assert LIMITING.search("We keep personal data only for as long as is reasonably necessary.")


def test_insurers_must_be_written_and_a_fixed_period_is_a_length_of_time_asked():
    from qa.search.details import demanded

    asked = specific_things("Does Core Office IT share my data with insurance companies?")
    assert unmentioned(asked, "We do not share your personal information with third parties except as described.")
    assert not unmentioned(asked, "Professional advisers such as solicitors, auditors, accountants and insurers")
    [time] = [d for d in demanded("Does CloudSentric keep my data for a fixed period?")][:1]
    assert time.search("enquiry data is retained for up to 2 years") and not time.search("rights to access data")


@pytest.mark.parametrize("question", [
    "How quickly will 23Technology / Centerprise International respond to me?",
    "How long will Concero take to reply to my request?", "Does CloudSentric charge for access requests?",
])
def test_how_soon_a_request_is_answered_and_access_requests_ask_about_access(question):
    assert cued_topics(question, ["access", "retention"]) == ["access"]
    assert cued_topics("How long do they keep my data?", ["access", "retention"]) == ["retention"]


def test_payment_information_is_data_collected_no_fee_asked():
    from qa.search.details import demanded

    assert demanded("Which ones collect payment information?") == ()
    assert demanded("Do they charge for a copy of my data?") != ()


@pytest.mark.parametrize("question", [
    "How do I stop marketing emails from each of these companies?", "How do I get off CT1's mailing list?",
    "I want to no longer receive their newsletters",
])
def test_stopping_marketing_mail_is_an_objection(question):
    assert "objection-marketing" in cued_topics(question, ["objection-marketing", "purposes"])


def test_what_a_company_has_is_no_subject_unless_has_opens_the_question():
    from qa.search.names import subject_organisations

    assert subject_organisations("Which companies say they have ISO certification?") == []
    assert subject_organisations("Which companies have Facebook pixels?") == []
    assert subject_organisations("Has Facebook sold my data?") == ["Facebook"]
    assert subject_organisations("Does Facebook sell my data?") == ["Facebook"]


def test_trained_staff_and_restricted_access_are_read():
    asked = specific_things("Which companies say their staff are trained in data protection?")
    assert unmentioned(asked, "We use a variety of security technologies.")
    assert not unmentioned(asked, "These measures may include access controls, encryption and staff training.")
    topics = ["access", "security"]
    assert cued_topics("Which companies say they restrict access to my data internally?", topics) == ["security"]
    assert cued_topics("Can I get access to my data?", topics) == ["access"]


@pytest.mark.parametrize("topic, sentence, states_it", [
    ("cookies", "We use cookies and similar technologies on our website.", True),
    ("cookies", "Google Analytics helps us understand how visitors use the site.", True),
    ("cookies", "We may also keep details of your visit to our websites, such as traffic and location data.", False),
    ("cookies", "Or through your Zendesk portal control panel found here.", False),
    ("policy-changes", "However, this policy will change and evolve, so please check this on a regular basis.", True),
    ("policy-changes", "We will post any changes on this page.", True),
    ("policy-changes", "- Notify you about changes to our services;", False),
    ("policy-changes", "As you may be aware the Data Protection Law will change on 25th May 2018.", False),
    ("retention", "We keep the recordings for 30 days.", True),
    ("retention", "Data is retained for as long as necessary.", True),
    ("retention", "Enquiry data is deleted after 2 years.", True),
    ("retention", "CloudSentric needs certain personal data to enable it to provide its products and services.", False),
])
def test_a_sentence_stating_a_practice_holds_the_words_that_name_it(topic, sentence, states_it):
    """Cookie use names a tracking technology; a change to the policy is to the policy itself, not to "our
    services" or the law; keeping data says how long or until when."""
    from qa.search.practice_words import REQUIRED

    assert bool(REQUIRED[topic].search(sentence)) is states_it


def test_downloading_my_data_asks_for_a_copy_to_take_away_not_data_sent_abroad():
    asked = specific_things("Which companies let me download my data?")
    assert cued_topics("Which companies let me download my data?", ["access", "sharing"]) == ["access"]
    assert unmentioned(asked, "Right of access – to obtain a copy of your personal data.")
    assert not unmentioned(asked, "Right to data portability – in a machine-readable format.")
    assert not unmentioned(specific_things("Does CT1 export my data to the US?"), "held in the UK only")
    assert "access" not in cued_topics("Does CT1 export my data to the US?", ["access", "sharing"])


def test_a_backup_must_be_written():
    asked = specific_things("Does Concero back up my data?")
    assert unmentioned(asked, "All data stored by Concero is kept in an encrypted format.")
    assert not unmentioned(asked, "cloud platforms, backup and monitoring providers")


@pytest.mark.parametrize("sentence, verdict", [
    ("If you have not opted in to our marketing process, we will not contact you with any marketing material.", YES),
    ("We will never contact you without your permission.", YES),
    ("We do not need your consent to contact you about your orders.", NO),
])
def test_a_denial_hinging_on_consent_says_consent_is_needed(sentence, verdict):
    assert asked_verdict("Does Concero need my consent to contact me?", NO, sentence) == verdict
    assert asked_verdict("Does Concero contact me?", NO, sentence) == NO
    assert asked_verdict("Does Concero need my business's consent to contact me?", NO, sentence) == verdict


@pytest.mark.parametrize("question", ["Does Concero need my consent to contact me?",
                                      "Do they ask my permission before emailing me?"])
def test_consent_to_be_contacted_is_a_marketing_choice(question):
    assert "objection-marketing" in cued_topics(question, ["objection-marketing", "purposes"])


def test_words_of_refusing_marketing_state_the_objection_whatever_the_model_reads():
    from qa.search.practice_words import SUFFICIENT
    from qa.search.terms import sentences_matching

    text = ("We may send you news. Customers may indicate whether or not they wish to receive such information. "
            "You may object to any unsolicited information. We keep your data.")
    spans = np.array([[0, 21], [22, 102], [103, 147], [148, 166]], dtype=np.int64)
    assert sentences_matching(text, spans, SUFFICIENT["objection-marketing"]).tolist() == [1, 2]


@pytest.mark.parametrize("question, topic", [
    ("Does CloudSentric get financial information about me from third parties?", "data-collected"),
    ("Do they buy my details from data brokers?", "data-collected"),
    ("Does Concero charge for extra copies of my data?", "access"),
    ("Is there a fee for a subject access request?", "access"),
])
def test_where_data_comes_from_and_a_fee_for_a_copy_are_read(question, topic):
    topics = ["data-collected", "sharing", "access", "retention"]
    assert cued_topics(question, topics) == [topic]


def test_an_exception_introduced_by_unless_is_no_denial_but_a_condition_is():
    from qa.search.verdict import excepts

    assert excepts("We will never share your data with a third party, unless we need to use one to provide our service.")
    assert excepts("It is not shared with third parties unless required by law.")
    assert not excepts("We will not send you marketing unless you consent to it.")
    assert not excepts("We do not retain personal information unless you choose to provide it.")
    assert not excepts("It is not shared with third parties unless we give prior notice and choice.")
    # an exception after a second verb excepts that verb's act
    assert not excepts("Cloudflare does not share this data and deletes this after 24 hours unless necessary for security.")


def test_without_a_court_order_asks_for_a_safeguard():
    from qa.search.readings import asks_without

    assert asks_without("Will CT1 disclose my data to the police without a court order?")
    assert asks_without("Do they hand data to the police without a warrant?")
    # "with no …" asks the same
    assert asks_without("One of CT1's hosting partners uses a sub-processor in India. Could my data just end up there "
                        "with no protection at all?")


def test_a_company_number_is_no_phone_number_and_a_named_company_asks_for_one():
    from qa.search.details import demanded

    [phone] = demanded("What is CT1's phone number?")
    assert not phone.search("Company number: 16827653") and not phone.search("company number: 06673066")
    assert phone.search("0333 111 0004") and phone.search("by calling 01404 384483") and phone.search("+44 1404384483")
    assert "contact-dpo" in cued_topics("What is CT1's phone number?", ["contact-dpo", "data-collected"])
    assert "contact-dpo" not in cued_topics("Does CT1 collect my phone number?", ["contact-dpo", "data-collected"])
    [phone] = demanded("Which companies give a phone number for privacy questions?")
    assert phone.search("by calling 01404 384483") and not phone.search("Company number: 16827653")
    assert not demanded("Does CT1 collect my phone number?")
    [address] = demanded("Where is CT1 based?")
    assert address.search("Registered office: 71 New Dover Road, Canterbury, England, CT1 3DZ")
    assert address not in demanded("Where is my data located?")  # a place, no address
    assert address in demanded("Where's CloudSentric's head office?")


def test_a_way_to_reach_the_company_is_looked_for_beyond_the_first_passage_but_not_in_the_regulators():
    from qa.search.details import demanded
    from qa.search.marking import reaching
    from qa.types import Hit

    demands = demanded("What is the phone number for Concero?")
    own = Hit("p", "P", "Contact us", 0, 40, "Contact us\n\n 0333 111 0004", 1.0, "a")
    regulators = Hit("p", "P", "Complaints", 50, 99, "Information Commissioner's Office\nTel: 0303 123 1113", 1.0, "b")
    found = Decision(True, (13, 26), 0.0, 0.9, "contact-dpo", 1.0)
    assert reaching(demands, lambda test: found, lambda sentence: own) == (own, found)
    assert reaching(demands, lambda test: found, lambda sentence: regulators) is None
    assert reaching(demanded("How long do they keep it?"), lambda test: found, lambda sentence: own) is None


@pytest.mark.parametrize("question, topic", [
    ("I got a marketing email from CloudSentric. How do I stop them?", "objection-marketing"),
    ("I called 23T's support line. Was the call recorded?", "data-collected"),
    ("Will Core Office IT tell me if they lose my data?", "security"),
    ("I emailed them last year. Do they still have it?", "retention"),
    ("Does hide.me keep logs of the websites I visit?", "retention"),
])
def test_a_question_in_the_users_own_words_is_read(question, topic):
    assert topic in cued_topics(question, ["objection-marketing", "data-collected", "security", "retention"])


def test_who_else_can_see_my_data_is_no_access_request():
    topics = ["access", "sharing", "security"]
    assert "access" not in cued_topics("Who can see my data at Concero?", topics)
    assert cued_topics("Can I see my data held by CT1?", topics) == ["access"]


def test_marketing_by_post_must_be_written_as_post_or_letters():
    asked = specific_things("Does 23T send me marketing by post?")
    assert unmentioned(asked, "We may contact you by email. We collect your postal address. We will post the revised "
                              "policy on our website.")
    assert not unmentioned(asked, "We may send you offers by post or email.")
    assert not unmentioned(asked, "You can opt out of our mailings at any time.")


def test_an_address_asked_of_a_named_company_is_a_postal_one():
    from qa.search.details import demanded

    [address] = demanded("What is CloudSentric's address?")
    assert address.search("registered office: 303 Tettenhall Road, Wolverhampton, WV6 0LB")
    assert not address.search("raise a support ticket within the customer portal")
    assert demanded("What is CT1's email address?") != demanded("What is CloudSentric's address?")


@pytest.mark.parametrize("question, sentence, only", [
    ("Does CT1 use my data for profiling?", "- Right to object – to object to our processing of your data where we are "
     "relying on legitimate interests (including profiling).", True),
    ("Does CT1 use my data for profiling?", "We use profiling to tailor our offers to you.", False),
    ("Can I object to profiling with CT1?", "- Right to object – to object to our processing (including profiling).",
     False),
    ("Does CT1 let me stop direct marketing?", "You have the right to object to direct marketing at any time.", False),
    # the sentence also gives the right asked about (to delete), or another one (to access: still refusal only)
    ("Will Concero delete my data when I ask?", "Under data protection law, you have the right to object to us using "
     "your data or to delete it.", False),
    ("Will Concero delete my data when I ask?", "You have the right to object to profiling and to access your data.",
     True),
    ("Will they send me copies of my data?", "You have the right to object or to request a copy of it.", False),
])
def test_a_right_to_refuse_a_practice_says_nothing_of_the_company_doing_it(question, sentence, only):
    from qa.search.readings import refusal_only

    assert refusal_only(question, YES, sentence) is only
    assert not refusal_only(question, NO, sentence)


def test_data_processed_by_automated_means_for_portability_is_no_automated_decision():
    from qa.search.details import demanded

    [automated] = demanded("Does CT1 make automated decisions about me?")
    assert not automated.search("where our processing is carried out by automated means")
    assert automated.search("We do not make decisions based solely on automated processing.")


@pytest.mark.parametrize("question, asks", [
    ("What personal data does CloudSentric hold about end users?", True),
    ("What do they collect about me at CT1?", True),
    ("What types of personal data does 23Technology process?", True),
    ("What data does Concero share with third parties?", False),
    ("What does Concero keep recordings for?", False),
    ("What does 23T do with my data?", False),
    ("What data do they keep and for how long?", False),
])
def test_a_question_asking_which_data_a_company_has(question, asks):
    from qa.search.readings import asks_what_data

    assert asks_what_data(question) is asks


def test_a_choice_a_cookie_remembers_offers_no_refusal():
    from qa.search.readings import offers_refusal

    assert not offers_refusal("These cookies allow our websites to remember choices you make.")
    assert offers_refusal("You have choices about the cookies we use.")


def test_an_abbreviation_is_written_when_its_spelled_out_form_is():
    assert not unwritten(["AV"], "If you are having an equipment install for Audio Visual equipment, no personal data…")
    assert unwritten(["AV"], "We install equipment at your site.")


def test_a_plural_acronym_is_written_as_its_singular_and_a_thing_needing_it_is_no_denial():
    from qa.search.verdict import negated_by_words

    assert named_things("Does Concero use ISPs that it has checked?") == ["Concero", "ISP"]
    assert not negated_by_words("Without these cookies, services like shopping baskets cannot be provided")
    assert negated_by_words("We cannot provide shopping baskets.")


def test_the_dpo_named_with_a_possessive_is_written_as_dpo():
    assert named_things("What is the DPO's email at Centerprise?") == ["DPO", "Centerprise"]
    assert not unwritten(["DPO"], "contact us directly at DPO@centerprise.co.uk.")


@pytest.mark.parametrize("sentence, lists", [
    ("The personal data collected will generally include: company name, company size and sector, individual contact "
     "names and job titles, postal address, telephone and fax numbers, e-mail addresses.", True),
    ("We may collect and process the following categories of personal data:", True),
    ("CloudSentric obtains personal data in a number of ways including from orders placed by customers and end users "
     "(whether by telephone, fax or email or by application form); from enquiries made by existing customers", False),
    ("We collect personal data in the following ways:", False),
    ("Most of CloudSentric' use of personal data is necessary to enable it to provide a service, including order "
     "processing, delivery, installation and support services", False),
    ("This includes operating products, maintaining and improving the performance of products, including developing "
     "new features, research and providing customer support.", False),
])
def test_a_sentence_listing_kinds_of_data_not_its_sources_or_uses(sentence, lists):
    from qa.search.readings import lists_data

    assert lists_data(sentence) is lists


def test_a_contact_email_a_company_has_is_a_detail_asked_for():
    from qa.search.details import demanded

    [email] = demanded("Does Core Office IT have a privacy contact email?")
    assert email.search("contact us at DPO@centerprise.co.uk") and not email.search("please contact us")
    assert not demanded("Does Concero have my email address?")


@pytest.mark.parametrize("sentence, denies", [
    ('We support Do Not Track ("DNT").', False),
    ("Windstream complies with all applicable laws regarding “Do Not Call” Lists.", False),
    ("Click Do Not Sell or Share My Personal Information to opt out.", False),
    ("Some browsers send do-not-track signals.", False),
    ("We do not track your location.", True),  # a denial in lower case is one
    ("We do not respond to Do Not Track signals.", True),
    ('At this time we do not respond to "do not track" signals.', True),
    ("Because the “Do Not Track” signal has yet to gain acceptance, we don’t currently respond to it.", True),
    ("We don’t sell your data.", True),  # a curly apostrophe denies as a straight one does
    ("Collection may occur in the background even when you aren’t using the services.", False),  # a condition
])
def test_the_name_of_a_signal_a_list_or_a_link_denies_nothing(sentence, denies):
    assert negated_by_words(sentence) is denies


@pytest.mark.parametrize("question, verdict", [
    ("my little sister is 17, can she use okcupid?", NO),
    ("my 16 yo son wants to use it, do they knowingly let minors on?", NO),
    ("I am 19, can I join?", YES),
    ("Does my 16 year old need my consent to join?", "as read"),  # needed, not allowed: left as the sentence reads
    ("Can I join?", "as read"),  # no age told
])
def test_an_age_the_user_tells_is_compared_with_the_minimum_age(question, verdict):
    sentence = "Our services are restricted to users who are 18 years of age or older."
    ageless = "Our services are restricted to adult users."
    for read in (YES, NO):
        as_read = asked_verdict(question, read, ageless)
        assert asked_verdict(question, read, sentence) == (as_read if verdict == "as read" else verdict)


@pytest.mark.parametrize("question, sentence, verdict", [
    ("Does Steam let children under 13 use it?", "The minimum age to create a Steam User Account is 13.", NO),
    # children asked of, no age told, beside a minimum age of 13 or more
    ("Does Flutterwave collect information from children?",
     "You are only permitted to use the Services if you are aged 18 or older.", NO),
    ("Can kids below the age of 16 sign up?", "You must be at least 18 to use the services.", NO),
    ("Can children under 16 use Steam?", "The minimum age to create a Steam User Account is 13.", "as read"),  # some
])
def test_everyone_under_an_age_is_compared_with_the_minimum_age(question, sentence, verdict):
    for read in (YES, NO):
        assert asked_verdict(question, read, sentence) == (read if verdict == "as read" else verdict)


@pytest.mark.parametrize("text, told, least", [
    ("my 16 yo son", 16, None), ("I'm 5 minutes late", None, None), ("a 12-year-old", 12, None),
    ("can my 12 yr old son make a gitlab account?", 12, None), ("My 10 yrs old", 10, None),
    ("We do not knowingly collect personal data from children under the age of sixteen (16).", None, 16),
    ("You are only permitted to use the Services if you are 18 or older.", None, 18),
    ("We keep it for at least 13 months.", None, None), ("under 30 days", None, None),
])
def test_ages_told_and_minimum_ages_written(text, told, least):
    from qa.search.lengths import age_told, minimum_age

    assert age_told(text) == told and minimum_age(text) == least
    if told is not None:  # a child's age told cues the children practice
        assert "children" in cued_topics(text, ["children", "sharing"])


def test_an_age_is_no_length_of_time_a_policy_must_write():
    from qa.search.lengths import periods

    assert periods("My 16 year old wants to use Better Stack, is that allowed?") == ()
    assert periods("a 12-year-old") == ()
    assert [p.search("we keep it for 7 years") is not None for p in periods("Do they keep my data for 7 years?")] == [True]


@pytest.mark.parametrize("question, verdict", [
    ("Do I have to give 23T my phone number when I place an order?", NO),
    ("Do I have to give 23T my name when I place an order?", YES),  # not the item marked optional
    ("Does 23T collect my phone number?", YES),  # not asked whether it must be given
])
def test_a_thing_marked_optional_need_not_be_given(question, verdict):
    sentence = "We collect: Your name, phone number (optional), email address, and payment information."
    assert asked_verdict(question, YES, sentence) == verdict


@pytest.mark.parametrize("question, sentence, verdict", [
    ("If I tell FedEx to stop using my data for marketing, can they keep doing it?",
     "You may ask us to stop using your Personal Data for marketing, and if you do so, FedEx will immediately cease to "
     "use your Personal Data.", NO),
    ("I said yes to Microsoft ad cookies but changed my mind. Does Microsoft keep collecting my info?",
     "If you consented but subsequently change your choice, any collection of information will be immediately stopped.",
     NO),
    ("Does Microsoft keep collecting my info?", "Any collection of information will be immediately stopped.", YES),
    ("If I tell them to stop, can they keep doing it?", "We will still send you service emails.", YES),
])
def test_what_stops_once_the_user_refuses_answers_whether_it_goes_on(question, sentence, verdict):
    assert asked_verdict(question, YES, sentence) == verdict


@pytest.mark.parametrize("question, sentence, verdict", [
    ("I cancelled my account a while ago, do they still have my data?",
     "Once an account is terminated, all data associated with it is deleted from all of our systems.", NO),
    ("Do they still have my data?", "Data is deleted after 30 days unless we need to keep it.", YES),  # kept in a case
    ("Do they have my data?", "Data is deleted after 30 days.", YES),  # not asked whether it is still held
])
def test_data_deleted_after_an_end_answers_whether_it_is_still_held(question, sentence, verdict):
    assert asked_verdict(question, YES, sentence) == verdict


@pytest.mark.parametrize("sentence, denies", [
    ("Qwant preserves your privacy, without targeted advertising or retention of your search history.", True),
    ("We share data without identifying you.", False),
    ("It may be impossible to delete your entry without retaining some residual information.", False),
])
def test_without_retention_or_tracking_denies_it(sentence, denies):
    assert negated_by_words(sentence) is denies


SOCIAL = ("We are active on Facebook and Instagram. For example, if you browse Facebook, Facebook will know what you do.\n\n"
          "Some of our service providers are:\n\n* Payment services (e.g., Stripe (USA), PayPal (USA)).\n\n"
          "We share your data with Google to show ads.\n")


@pytest.mark.parametrize("topic, name, quoted", [
    ("sharing", "Facebook", None),  # named, never as a recipient
    ("sharing", "PayPal", "* Payment services (e.g., Stripe (USA), PayPal (USA))."),  # an item of a list of recipients
    ("sharing", "Google", "We share your data with Google to show ads."),
    ("social-media", "Facebook", "We are active on Facebook and Instagram."),  # another practice: any naming sentence
])
def test_a_recipient_asked_is_quoted_only_where_data_is_passed_to_it(topic, name, quoted):
    """`marking.named_sentence`: for a sharing question, a sentence naming the recipient asked counts only when it
    (or its list's lead-in) passes data on or names recipients."""
    topics = ("sharing", "social-media")
    spans = np.array([[0, 1]])  # no sentence states the practice: only the first passage's sentences can be quoted
    evidence = SimpleNamespace(of=lambda _: SimpleNamespace(spans=spans, stating=lambda i, bar: (np.zeros(0, int), None)))
    engine = SimpleNamespace(policies={"p": SimpleNamespace(text=SOCIAL, headings=())}, evidence=evidence,
                             practice=SimpleNamespace(topics=topics))
    hit = Hit(policy="p", name="P", section="", start=0, end=len(SOCIAL), text=SOCIAL, score=1.0)
    found = named_sentence(engine, "p", Decision(True, (0, 10), topic=topic), 0.5, [hit], lambda s: name in s)
    assert (None if found is None else SOCIAL[found[0]:found[1]]) == quoted


def test_a_sentence_about_what_other_websites_do_is_never_the_one_naming_what_is_asked():
    """"Does OkCupid respond to Do Not Track signals?": not "If a website that responds to a DNT signal…"."""
    text = ("If a website that responds to a DNT signal receives a DNT signal, the browser can block it. "
            "For this reason, many businesses, including OkCupid, do not currently respond to DNT signals.")
    spans = np.array([[0, 1]])
    evidence = SimpleNamespace(of=lambda _: SimpleNamespace(spans=spans, stating=lambda i, bar: (np.zeros(0, int), None)))
    engine = SimpleNamespace(policies={"p": SimpleNamespace(text=text, headings=())}, evidence=evidence,
                             practice=SimpleNamespace(topics=("cookies",)))
    hit = Hit(policy="p", name="P", section="", start=0, end=len(text), text=text, score=1.0)
    found = named_sentence(engine, "p", Decision(True, (0, 10), topic="cookies"), 0.5, [hit], lambda s: "DNT" in s)
    assert found is not None and text[found[0]:found[1]].startswith("For this reason")


def test_data_kept_after_the_account_closes_is_no_to_whether_it_is_deleted_then():
    question = "Does the NYT delete my data when I close my account?"
    assert asked_verdict(question, YES, "This means we might retain your personal information even after you close "
                                        "your account with us.") == NO
    assert asked_verdict(question, YES, "Your data is deleted when you close your account.") == YES


@pytest.mark.parametrize("question, sentence, verdict", [
    ("Are the third party cookies on 23Technology's site covered by 23T's own privacy statement?",
     "These cookies are subject to the respective privacy policies for these external services.", NO),
    ("When I use the Twitter share button on Core Office's site, is that covered by Core Office's own privacy policy?",
     "Your interactions with these features are governed by the privacy policy of the company providing them.", NO),
    ("Is my account covered by this privacy policy?", "Your account is governed by the terms of this policy.", YES),
    ("Are the cookies advertisers place on WebProNews covered by WebProNews's own privacy policy?",
     "These cookies are sent from third-party computers and are subject to such third parties’ policies.", NO),
])
def test_something_handed_to_another_companys_policy_is_not_covered_by_the_companys_own(question, sentence, verdict):
    assert asked_verdict(question, YES, sentence) == verdict


def test_something_that_cannot_work_without_what_the_user_refuses_does_not_still_work():
    question = "If I block every cookie in my browser, will the shopping basket on the 23T site still work?"
    assert asked_verdict(question, YES, "- **Strictly necessary cookies.** These cookies are essential for you to "
                                        "browse our website. Without these cookies, services like shopping baskets "
                                        "cannot be provided") == NO
    assert asked_verdict(question, YES, "The basket works whether or not you accept cookies.") == YES


@pytest.mark.parametrize("sentence, points", [
    ("For more information about the cookies we use and how to control them, please refer to our separate Cookie "
     "Policy (where available).", True),
    ("For more information about personalized ads, including how to opt-out, visit our [Cookie Notice]"
     "(https://evernote.com/privacy/cookies).", True),
    ("You may read our [Cookie Policy](https://www.okcupid.com/legal/cookies) for more information on why we use them.",
     True),
    ("You can block cookies in your browser settings, see our Cookie Policy.", False),  # it says how first
    ("To control our use of cookies, please visit our Cookie notice and select “Manage Cookies”.", False),
])
def test_a_pointer_to_another_document_explains_nothing(sentence, points):
    from qa.search.rereading import _ASKS_EXPLAINED, _POINTER

    assert bool(_POINTER.search(sentence)) is points
    assert _ASKS_EXPLAINED.search("Which of these companies explain how I can block or switch off cookies?")
    assert not _ASKS_EXPLAINED.search("How do I block cookies?")  # asks the way, which a pointer may give


def test_a_sharing_question_reads_past_a_sale_denied_on_the_same_line():
    from qa.ingest.sentences import split_sentences
    from qa.search.verdict import past_sale

    text = "Sharing\nWe'll never sell your information. We do share it with others in these ways:\nWe never rent it."
    spans = np.array(split_sentences(text))
    policy = SimpleNamespace(id="p", text=text, headings=((0, "Sharing"),))
    engine = SimpleNamespace(policies={"p": policy}, evidence=SimpleNamespace(of=lambda _: SimpleNamespace(spans=spans)))
    sold, shared, rented = (tuple(int(x) for x in spans[k]) for k in (1, 2, 3))
    assert past_sale(engine, "p", sold, ("sharing",)) == shared
    assert past_sale(engine, "p", tuple(int(x) for x in spans[0]), ("sharing",)) == shared  # under its heading
    assert past_sale(engine, "p", sold, ("sharing", "sale")) is None  # a question on selling reads the denial
    assert past_sale(engine, "p", shared, ("sharing",)) is None
    assert past_sale(engine, "p", rented, ("sharing",)) is None  # nothing after it on its line


def test_a_denial_decided_is_not_traded_for_a_named_sentence_that_denies_nothing():
    """"Can Bitwarden employees see the passwords in my vault?": the deciding "Bitwarden cannot access Vault Data."
    is kept (None: no sentence instead), not traded for "Vault Data includes login credentials."."""
    from qa.ingest.sentences import split_sentences

    text = "Bitwarden cannot access Vault Data. Vault Data includes login credentials."
    spans = np.array(split_sentences(text))
    evidence = SimpleNamespace(of=lambda _: SimpleNamespace(spans=spans, stating=lambda i, bar: (np.array([0, 1]), None)))
    engine = SimpleNamespace(policies={"p": SimpleNamespace(text=text, headings=())}, evidence=evidence,
                             practice=SimpleNamespace(topics=("security",)))
    shown = Hit(policy="p", name="P", section="", start=0, end=len(text), text=text, score=1.0)
    writes = lambda s: "credentials" in s  # noqa: E731
    denial, definition = ((int(a), int(b)) for a, b in spans)
    assert named_sentence(engine, "p", Decision(True, denial, topic="security"), 0.5, [shown], writes) is None
    plain = text.replace("cannot access", "may read all ")
    engine.policies["p"].text = plain  # (the same length: the spans still hold)
    assert named_sentence(engine, "p", Decision(True, denial, topic="security"), 0.5, [shown], writes) == definition


def test_a_specific_thing_asked_is_quoted_from_a_stating_sentence_beyond_the_shown_passages():
    """"Does DuckDuckGo read my private messages?": with `anywhere`, the policy's first sentence that states the
    practice and writes the thing ("…DuckDuckGo cannot decrypt and read your chats…"), when no shown one does."""
    from qa.ingest.sentences import split_sentences

    text = "We keep your settings. Click timing helps us fight fraud. DuckDuckGo cannot decrypt and read your chats."
    spans = np.array(split_sentences(text))
    stating = np.array([1, 2])
    evidence = SimpleNamespace(of=lambda _: SimpleNamespace(spans=spans, stating=lambda i, bar: (stating, None)))
    engine = SimpleNamespace(policies={"p": SimpleNamespace(text=text, headings=())}, evidence=evidence,
                             practice=SimpleNamespace(topics=("data-collected",)))
    shown = Hit(policy="p", name="P", section="", start=0, end=int(spans[1][1]), text=text[:int(spans[1][1])],
                score=1.0)
    decision = Decision(True, (int(spans[1][0]), int(spans[1][1])), topic="data-collected")
    writes = lambda s: "chats" in s  # noqa: E731
    assert named_sentence(engine, "p", decision, 0.5, [shown], writes) is None
    found = named_sentence(engine, "p", decision, 0.5, [shown], writes, anywhere=True)
    assert found is not None and text[found[0]:found[1]] == "DuckDuckGo cannot decrypt and read your chats."


def test_a_system_no_one_can_guarantee_100_percent_secure_is_no_guarantee():
    assert asked_verdict("Can Visible guarantee my data is 100% secure?", YES, "You should understand that no data "
                         "storage system or transmission of data over the Internet or any other public network can be "
                         "guaranteed to be 100 percent secure.") == NO


def test_a_do_not_track_signal_named_in_lower_case_denies_nothing():
    assert not negated_by_words("We currently respect any do not track signals.")
    assert negated_by_words("We do not respond to do not track signals.")


@pytest.fixture
def calls(monkeypatch):
    """Each call of `rereading.remarked` as (the sentence it marks, the changes it makes), the row left as it is."""
    from qa.search import rereading

    made = []
    monkeypatch.setattr(rereading, "remarked", lambda engine, row, sentence, reranked, **changes: made.append(
        (engine.policies[row.policy].text[sentence[0]:sentence[1]], changes)) or row)
    return made


def test_a_contrast_after_a_denial_holding_more_of_the_question_leaves_the_denial_to_answer(calls):
    from types import SimpleNamespace

    import numpy as np

    from qa.search import rereading
    from qa.search.result import PolicyAnswer
    from qa.types import Hit

    text = ("It is our policy to never store any activity logs. However, in some situations we might process your "
            "personal data if you are making payments.")
    split = text.index(" However")
    spans = np.array([(0, split), (split + 1, len(text))])
    engine = SimpleNamespace(policies={"m": SimpleNamespace(text=text)},
                             evidence=SimpleNamespace(of=lambda policy: SimpleNamespace(spans=spans)))

    def row(decided):
        hit = Hit("m", "Mullvad", "", 0, len(text), text, 1.0, highlights=(decided,))
        return PolicyAnswer("m", "Mullvad", False, 1.0, hits=(hit,), verdict=YES)

    rereading.contrasted_denial(engine, row((split + 1, len(text))), ["log", "connected", "vpn"], True)
    assert calls == [(text[:split], {"verdict": NO})]
    calls.clear()  # the denial holds no more of the question than the contrast ("…sell or share…?")
    rereading.contrasted_denial(engine, row((split + 1, len(text))), ["process", "payments"], True)
    rereading.contrasted_denial(engine, row((0, split)), ["log"], True)  # no contrast decided
    assert calls == []


def test_a_denial_in_the_answering_passage_repeating_more_of_the_question_answers_no(calls):
    import dataclasses

    from qa.search import rereading
    from qa.search.result import PolicyAnswer
    from qa.types import Hit

    text = ("If using a credit card, the card type and certain digits of your card number. Note: For security, Spotify "
            "never stores your full card number.")
    engine = SimpleNamespace(policies={"s": SimpleNamespace(text=text)})
    first = (0, text.index(" Note"))
    row = PolicyAnswer("s", "Spotify", False, 1.0, verdict=YES,
                       hits=(Hit("s", "Spotify", "", 0, len(text), text, 1.0, highlights=(first,)),))
    question = "Does Spotify store my full credit card number?"
    rereading.denial_beside(engine, row, question, ["store", "full", "credit", "card", "number"], True)
    assert calls == [("Note: For security, Spotify never stores your full card number.", {"verdict": NO})]
    calls.clear()  # a denial repeating less than half of the question, or no more than the sentence decided
    rereading.denial_beside(engine, row, question, ["store", "full", "card", "number", "cvv", "expiry", "bank", "sort",
                                                    "code"], True)
    rereading.denial_beside(engine, dataclasses.replace(row, verdict=NO), question, ["store", "full", "card"], True)
    # the question's wording reads the denial otherwise: "can I…?" beside a denial of nothing the user does
    rereading.denial_beside(engine, row, "Can I see the card number Spotify stores?", ["card", "number", "stores"], True)
    assert calls == []


def test_a_denial_right_after_the_sentence_decided_completing_the_question_answers_no(calls):
    from qa.search import rereading
    from qa.search.result import PolicyAnswer
    from qa.types import Hit

    text = ("We use third-party payment tools to process and store payment information like credit card numbers. "
            "We do not store this information ourselves. We never sell it.")
    engine = SimpleNamespace(policies={"z": SimpleNamespace(text=text)})

    def row(decided):
        hit = Hit("z", "Zillow", "", 0, len(text), text, 1.0, highlights=(decided,))
        return PolicyAnswer("z", "Zillow", False, 1.0, hits=(hit,), verdict=YES)

    first = (0, text.index(" We do not"))
    question = "Does Zillow itself store my credit card number?"
    rereading.denial_after(engine, row(first), question, ["itself", "store", "credit", "card", "number"], True)
    assert calls == []  # the two hold 4 of the 5 terms, but the denial adds none the sentence decided lacks
    rereading.denial_after(engine, row(first), question, ["ourselves", "store", "credit", "card", "number"], True)
    assert calls == [("We do not store this information ourselves.", {"verdict": NO})]
    calls.clear()  # together short of the question's terms; a denial further on; decided by the last sentence
    rereading.denial_after(engine, row(first), question, ["ourselves", "store", "bank", "sort", "code"], True)
    rereading.denial_after(engine, row(first), "Does Zillow sell my card number?", ["sell", "card", "number"], True)
    rereading.denial_after(engine, row((text.index("We never"), len(text))), question, ["sell", "card"], True)
    assert calls == []


def test_a_sentence_of_the_rerankers_first_passage_writing_far_more_of_the_question_leads(monkeypatch, calls):
    import dataclasses

    from qa.search import rereading
    from qa.search.result import PolicyAnswer
    from qa.types import Hit

    first_text = "We engage in cookie syncing with other ad companies. We care about you."
    decided_text = "We use cookies on our sites."
    text = first_text + "\n\n" + decided_text
    engine = SimpleNamespace(policies={"a": SimpleNamespace(text=text)})
    monkeypatch.setattr(rereading, "negated_sentence", lambda engine, policy, sentence, probability, topics: False)
    first = Hit("a", "AcuityAds", "", 0, len(first_text), first_text, 0.2, probability=0.9)
    start = len(first_text) + 2
    lower = Hit("a", "AcuityAds", "", start, len(text), decided_text, 0.3, probability=0.4,
                highlights=((start, len(text)),))
    row = PolicyAnswer("a", "AcuityAds", False, 0.9, hits=(lower, first), verdict=NO)
    terms = ["cookie", "syncing", "ad", "companies"]
    rereading.literal_first(engine, row, terms, ["tracking"])
    assert calls == [("We engage in cookie syncing with other ad companies.", {"verdict": YES})]
    calls.clear()  # led by the reranker's first already; no sentence writing enough more of the question
    rereading.literal_first(engine, dataclasses.replace(row, hits=(first, lower)), terms, ["tracking"])
    rereading.literal_first(engine, row, ["cookie", "sites", "track", "pixels"], ["tracking"])
    assert calls == []


def test_how_do_i_is_answered_by_the_sentence_giving_the_means_whatever_the_practice():
    from qa.search.rereading import reread
    from qa.search.result import PolicyAnswer
    from qa.types import Hit, Policy

    text = ("When you attend our conferences, you may be issued a badge with an RFID chip. You may request a "
            "non-RFID badge by asking staff at the registration desk.")
    engine = SimpleNamespace(policies={"g": Policy(id="g", name="Gartner", text=text)}, evidence=None)
    first = (0, text.index(" You may"))
    hit = Hit("g", "Gartner", "", 0, len(text), text, 0.5, probability=0.9, highlights=(first,))
    row = PolicyAnswer("g", "Gartner", False, 0.9, hits=(hit,), ranked=(hit,), verdict=STATED)
    question = "How do I get a conference badge without an RFID chip?"
    (answered,) = reread(engine, [row], question, ["conference", "badge", "rfid", "chip"], ["tracking"], True)
    assert text[slice(*answered.hits[0].highlights[0])].startswith("You may request a non-RFID badge")
    (as_it_was,) = reread(engine, [row], question, ["conference", "badge", "rfid", "chip"], ["tracking"], True,
                          own=False)  # a grid's topic quotes the practice
    assert as_it_was.hits[0].highlights[0] == first


@pytest.mark.parametrize("sentence, verdict", [
    ("Dedications to the Public Domain may not be revoked.", NO),  # denied the user in the passive
    ("Dedications to the Public Domain may be revoked by writing to us.", YES),
])
def test_what_may_not_be_done_denies_the_user_asking_whether_they_can(sentence, verdict):
    question = "I dedicated a correction to the public domain on Project Gutenberg. Can I take that dedication back?"
    assert asked_verdict(question, NO, sentence) == verdict
