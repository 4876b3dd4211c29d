"""Questions on a user's rights read against what they ask, Title Case and elliptical questions
(`qa.search.evidence.question_guard`, `in_own_words`; `qa.search.asked_names.named_things`; `question_kind`)."""

import pytest

from qa.search.asked_names import named_things, title_cased
from qa.search.evidence import in_own_words, question_guard
from qa.search.specific import specific_things, unmentioned
from qa.search.verdict import OPEN, YES_NO, question_kind

COMPANY_REACHING = "We collect and require access to different types of information in order to provide you with the " \
    "Services you have requested us to supply to you, including:"
USER_ACCESS = "If you wish to access, correct or request deletion of any personal data being held about you, you must " \
    "complete a Personal Data Request Form, which can be obtained from Us."


@pytest.mark.parametrize(("question", "sentence", "passes"), [
    ("Can I ask Core Office for a copy of my data?", COMPANY_REACHING, False),
    ("Can I ask Core Office for a copy of my data?", "For example, we may need to access your company's accounts "
     "database if you have asked us to attempt to fix data corruption within that database.", False),
    ("Can I ask Core Office for a copy of my data?", USER_ACCESS, True),
    # the company reaching data beside the user's access: the user's
    ("Can I see my data?", "Our engineers access your systems only as needed, and you can access your data at any "
     "time.", True),
    # a question on the company reaching the user's systems reads such sentences
    ("Will CT1 engineers be able to access my files?", COMPANY_REACHING, True),
    ("Can their support staff see my computer?", "We may need to access your computer remotely.", True),
])
def test_the_company_reaching_data_is_no_right_of_the_users_to_see_it(question, sentence, passes):
    guard = question_guard(question, ["access"])
    assert guard is not None and guard(sentence) is passes


def test_the_company_reaching_data_is_read_for_other_practices():
    guard = question_guard("What data does Core Office collect?", ["data-collected"])
    assert guard is not None and guard(COMPANY_REACHING)


@pytest.mark.parametrize(("question", "topics", "sentence", "states"), [
    # correcting, in the practice's own words, with commas between the verbs
    ("can I get my details corrected if they're wrong?", ["access"], USER_ACCESS, True),
    ("can I get my details corrected if they're wrong?", ["access"],
     "- Right to rectification – to have inaccurate or incomplete data corrected.", True),
    # seeing the data
    ("Which companies will tell me what personal data they hold about me?", ["access"],
     "Core Office IT Limited will also, when you request, provide you with information about whether we hold, or "
     "process on behalf of a third party, any of your personal information.", True),
    ("Which companies will tell me what personal data they hold about me?", ["access"],
     "You can review, edit or delete your personal data by contacting us directly at DPO@centerprise.co.uk.", True),
    # a right to see answers no question on correcting, nor a correction one on seeing
    ("can I get my details corrected if they're wrong?", ["access"],
     "You have the right of access to your personal data.", False),
    ("Which companies will tell me what personal data they hold about me?", ["access"],
     "- Right to rectification – to have inaccurate or incomplete data corrected.", False),
    # "so you can see who and where your personal data will be used" gives no access
    ("Which companies will tell me what personal data they hold about me?", ["access"],
     "For your peace of mind, we have created this list below, so you can see who and where your personal data will "
     "be used:", False),
    # a fee for requests answers no question on a right by itself
    ("can I get my details corrected if they're wrong?", ["access"],
     "Please be aware that we hold the right to charge a reasonable administration fee for certain requests should "
     "we deem them unfounded or excessive.", False),
    ("Can I opt out of marketing?", ["objection-marketing"], "You can unsubscribe at any time.", True),
])
def test_a_right_in_its_own_words_answers_what_the_question_asks_of_it(question, topics, sentence, states):
    own = in_own_words(topics, question)
    assert own is not None and own(sentence) is states


def test_an_identity_check_asks_for_a_check_in_its_own_words_not_a_right():
    own = in_own_words(["access"], "Which of these companies check who you are before dealing with a request?")
    assert own is not None and own("We may need to verify your identity before fulfilling your request.")
    assert not own("- Right to rectification – to have inaccurate or incomplete data corrected.")
    assert in_own_words(["sharing"], "Who do they share my data with?") is None


@pytest.mark.parametrize(("question", "titled", "read"), [
    ("Does Concero Keep Call Recordings?", True, "Does Concero keep call recordings?"),
    ("Which Companies Sell My Data?", True, "Which companies sell my data?"),
    # not a company with no policy: "Be Handed Over If The Company Is Sold Or Merged"
    ("Will My Data Be Handed Over If The Company Is Sold Or Merged?", True,
     "Will my data be handed over if the company is sold or merged?"),
    ("Does the company Keep Call Recordings?", True, "Does the company keep call recordings?"),
    # acronyms, inner capitals, known services and uncommon words stay
    ("Does CT1 Use Google Analytics?", True, "Does CT1 use Google Analytics?"),
    ("Does CloudSentric Share Data With The ICO?", True, "Does CloudSentric share data with the ICO?"),
    ("Does Core Office IT use Acme Analytics?", False, "Does Core Office IT use Acme Analytics?"),
])
def test_title_case_is_read_in_lower_case_but_for_names(question, titled, read):
    from qa.search.asked_names import untitled

    assert title_cased(question) is titled
    assert untitled(question) == read
    assert "Keep Call Recordings" not in named_things(untitled(question))


def test_either_of_two_names_will_do_past_a_capitalised_common_word():
    assert named_things("Do they get info from LinkedIn or Companies House?") == ["LinkedIn|House"]


@pytest.mark.parametrize(("question", "kind"), [
    ("any of them record your calls?", YES_NO),
    ("Any of these companies sell data?", YES_NO),
    ("any of them say how long they keep data?", YES_NO),  # as "Do any of them say…?"
    ("what do any of them collect?", OPEN),
    # a company or "they", then a verb, with no auxiliary
    ("concero sell data?", YES_NO),
    ("they keep my data forever?", YES_NO),
    ("Who does concero share data with?", OPEN),
    ("where do they store data?", OPEN),
    ("Concero data retention period?", OPEN),
])
def test_any_of_them_without_do_asks_yes_or_no(question, kind):
    assert question_kind(question) == kind


def test_calls_to_a_company_recorded_ask_for_a_recording_of_calls():
    specific = specific_things("Are calls to Core Office recorded?")
    assert specific
    assert unmentioned(specific, "This software may record information such as how often you use the application.")
    assert not unmentioned(specific, "All our phone calls are recorded for training and monitoring purposes.")


def test_where_data_comes_from_gives_no_reason():
    from qa.search.cues import reason_guard

    guard = reason_guard("Why does CT1 collect my data?")
    assert guard is not None
    assert not guard("Directly from you – for example when you:")  # where data comes from gives no reason
    assert guard("We use your identity, contact, enquiry, account, support and billing data to:")


@pytest.mark.parametrize(("question", "read"), [
    ("HOW LONG DOES CONCERO KEEP CALL RECORDINGS?", "how long does concero keep call recordings?"),
    # acronyms written in capitals anyway, and names holding a digit, stay
    ("DOES CT1 SHARE MY DATA WITH THE ICO?", "does CT1 share my data with the ICO?"),
    ("DO THEY STORE DATA IN THE USA?", "do they store data in the USA?"),
    # not a question with a few capitals
    ("Does Concero use CCTV?", "Does Concero use CCTV?"),
    ("HOW long?", "HOW long?"),
    ("does centerprise recrod my calls with the suport team", "does centerprise record my calls with the support team"),
])
def test_a_question_typed_in_capitals_is_read_in_lower_case(question, read):
    from qa.search.spelling import respelled

    assert respelled(question) == read


def test_acronyms_typed_in_lower_case_are_names():
    assert named_things("can i complain to the ico about them") == ["ICO"]
    assert named_things("who is their dpo") == ["DPO"]


@pytest.mark.parametrize(("question", "kind"), [
    ("Can you tell me how long Concero keeps data?", OPEN),
    ("Do you know who the DPO is?", OPEN),
    ("I was wondering if you could tell me whether I have the right to complain to the ICO", YES_NO),
    ("Could you tell me if Concero sells my data?", YES_NO),
    ("I'd like to know whether CT1 records calls.", YES_NO),
    ("Can you tell me which companies sell my data?", YES_NO),
    ("Can you delete my data?", YES_NO),
    # a verb read as a noun's modifier asks no yes or no
    ("23T delete request response time?", OPEN),
])
def test_a_request_to_be_told_is_read_by_the_question_inside_it(question, kind):
    assert question_kind(question) == kind


@pytest.mark.parametrize("sentence", [
    "We may ask you for proof of identity.",
    "We may need to verify your identity before fulfilling your request.",
    "Please note that We will always check the identity of the individual making the request before processing it.",
])
def test_checking_who_asks_states_access_when_the_question_asks_about_it(sentence):
    from qa.search.practice_words import SUFFICIENT, asked_own_words

    stating = asked_own_words("If I ask Concero for a copy, might they want me to prove it's really me?")
    assert stating["access"].search(sentence)
    assert asked_own_words("will they want ID before they hand over my data?")
    # not for a question on a copy of the data, nor as access in its own words for every question
    assert asked_own_words("Can I get a copy of the data Palia has on me?") == {}
    assert not SUFFICIENT["access"].search(sentence)
    own = in_own_words(["access"], "which of them let me see and correct my data?")
    assert own is not None and not own(sentence)


def test_a_length_of_time_in_the_scene_is_not_asked_for():
    question = "I'm opening an account on 30-day payment terms. Will they look into our finances before giving us credit?"
    assert specific_things(question)  # the whole question names 30 days
    assert not specific_things(question, "Will they look into our finances before giving us credit?")
    assert specific_things("Do they keep recordings for 30 days?", "Do they keep recordings for 30 days?")


def test_a_mere_identity_check_answers_no_question_on_seeing_the_data():
    identity = "We may need to verify your identity before fulfilling your request."
    guard = question_guard("Can I see what data CT1 holds about me?", ["access"])
    assert guard is not None and not guard(identity)
    assert guard("You can request access to your personal data; we will verify your identity first.")
    asked = question_guard("Will they check who I am before giving me a copy?", ["access"])
    assert asked is not None and asked(identity)


@pytest.mark.parametrize(("sentence", "fluff"), [
    ("CloudSentric takes customer confidentiality and security very seriously.", True),
    ("Sci-News.com is committed to protecting and respecting your privacy.", True),
    ("Ensuring your privacy is important to us.", True),
    ("CloudSentric has implemented appropriate internal security procedures that restrict access to and disclosure "
     "of personal data within CloudSentric.", False),
])
def test_a_sentence_of_attitude_is_no_practice(sentence, fluff):
    from qa.search.practice_words import FLUFF

    assert (FLUFF.search(sentence) is not None) is fluff


@pytest.mark.parametrize(("question", "asks_email"), [
    ("quick one - which of these can I just email with a privacy question?", True),
    ("email address for privacy questions - which ones give one?", True),
    ("Do they have my email address?", False),
    ("Do they send marketing emails?", False),
])
def test_a_question_on_emailing_them_asks_for_an_email_address(question, asks_email):
    from qa.search.details import demanded

    found = demanded(question)
    assert any(d.search("privacy@example.com") for d in found) is asks_email


@pytest.mark.parametrize(("question", "judged"), [
    ("Which company is best for privacy?", True),
    ("which one should I trust with my data?", True),
    ("So which of them is the most secure?", True),
    ("Which companies sell my data?", False),
    ("Which company keeps data the longest?", False),  # a fact each policy may state
    ("Does Better Stack use cookies?", False),
])
def test_a_judgement_between_companies_is_stated_by_no_policy(question, judged):
    from qa.search.asking import Asked, asks_judgement, unsaid

    assert asks_judgement(question) is judged
    assert unsaid(Asked(thresholds={}, judged=judged), "We take privacy seriously.") is judged
