"""What a question asks beyond its practice, read from its own words: a guarantee, a fee, going on after an opt-out,
things a policy must write, why something is done, a way to refuse (unit tests; the seed policies' answers are in
tests/test_integration.py)."""

from __future__ import annotations

import numpy as np
import pytest

from qa.search.asked_names import SPELLED_OUT, named_things, unwritten
from qa.search.cues import cued_topics, reason_guard
from qa.search.details import demanded
from qa.search.evidence import Decision, answers_across, in_contents
from qa.search.kept import general_kept_decision, kept_in, kept_thing_decision, kept_words
from qa.search.marking import asks_non_personal, naming, personal_decision
from qa.search.practice_words import REQUIRED, SUFFICIENT, VETOES
from qa.search.readings import (
    EXCEPTIONS,
    asked_verdict,
    asks_always,
    asks_how,
    asks_only,
    asks_to_refuse,
    gives_means,
    no_way_to_refuse,
    offers_refusal,
    refused_terms,
)
from qa.search.specific import specific_things, unmentioned
from qa.search.spelling import respelled
from qa.search.terms import sentences_matching
from qa.search.verdict import NO, YES, asks_unlimited


@pytest.mark.parametrize("question, sentence, verdict", [
    ("Does CT1 guarantee that my data is completely secure?",
     "While we use reasonable efforts to protect your personal data, no transmission of data over the internet or any "
     "network can be guaranteed as completely secure.", NO),
    ("Is my data 100% safe with them?", "While no service is completely secure, we take precautionary measures.", NO),
    ("Can they guarantee my data will never be hacked?", "We guarantee that your data is fully protected.", YES),
])
def test_a_guarantee_of_security_is_read_from_what_the_sentence_denies_or_gives(question, sentence, verdict):
    assert asked_verdict(question, YES, sentence) == verdict
    assert unmentioned(specific_things(question), "We use encryption and firewalls to protect your data.")
    assert not specific_things("Do you guarantee to delete my data when I ask?")  # a guarantee of no security


@pytest.mark.parametrize("question, sentence, verdict", [
    ("Will CloudSentric keep sending me marketing after I opt out?",
     "Recipients may indicate at any later time whether or not they wish to receive such information.", NO),
    ("Will they still email me once I unsubscribe?", "You can opt out at any time using the unsubscribe link.", NO),
    ("Will they still email me once I unsubscribe?",
     "Even if you opt out, we may still send you messages about your account.", YES),
    ("Will they keep sending me marketing?", "You can opt out at any time.", YES),  # no refusal asked
])
def test_going_on_after_the_user_refuses_is_denied_by_a_way_to_refuse(question, sentence, verdict):
    assert asked_verdict(question, YES, sentence) == verdict


@pytest.mark.parametrize("question, sentence, verdict", [
    ("If I unsubscribe from Overleaf marketing, will they stop emailing me completely?",
     "Note, even if you unsubscribe from marketing messages, we may still send you emails about the services you use.",
     NO),
    ("Will they stop emailing me if I unsubscribe?", "Even if you unsubscribe, we may still send you service emails.",
     YES),  # not asked whether every email stops
    ("is scaleway responsible for backing up the stuff I host on their servers?",
     "It is also up to the customer to make any backups of their content.", NO),
    ("Is Concero responsible for my backups?", "Keeping your account password safe is your own responsibility.", NO),
    ("Do they back up the stuff I host?", "It is also up to the customer to make any backups of their content.", YES),
    ("I said yes to marketing when I placed my first order. Am I stuck getting their promo info now?",
     "Customers may indicate at any later time whether or not they wish to receive such information.", NO),
])
def test_what_goes_on_regardless_or_is_left_to_the_user_answers_no(question, sentence, verdict):
    assert asked_verdict(question, YES, sentence) == verdict


@pytest.mark.parametrize("question, sentence, verdict", [
    ("Can I get a copy of my personal data from Core Office without filling in any form?",
     "If you wish to access your data, you must complete a Personal Data Request Form.", NO),
    ("Can I get a copy of my data without filling in any form?", "You can ask for a copy of your data by email.", YES),
    ("can i browse the site without telling them who i am?", "Users can visit our site anonymously.", YES),
])
def test_what_the_user_may_do_without_something_is_no_where_the_sentence_says_they_must(question, sentence, verdict):
    from qa.search.readings import asks_without, without_verdict

    assert asks_without(question)
    assert asked_verdict(question, without_verdict(sentence), sentence) == verdict  # as `rereading` reads them


@pytest.mark.parametrize("question", [
    "Do I have to pay Concero to see my data?", "Is it free to ask Concero for my data?",
    "Will I be charged by CloudSentric for seeing what data they hold?",
])
def test_a_fee_to_see_ones_data_is_an_access_question_asking_for_a_fee(question):
    assert cued_topics(question, ["data-collected", "sharing", "access", "retention"]) == ["access"]
    assert any(d.search("we may charge a reasonable fee") for d in demanded(question))


@pytest.mark.parametrize("question, asks", [
    ("What email do I write to if I want OKX to delete my data?", True),
    ("which email address should I use to ask Chayn for a copy?", True),
    ("Do they have my email address?", False), ("What emails will Concero send me?", False),
])
def test_which_email_to_write_to_asks_for_an_email_address(question, asks):
    assert any(d.search("write to privacy@okx.com") for d in demanded(question)) is asks


@pytest.mark.parametrize("question", [
    "what payment details does Vanco collect when I pay for a school event?",
    "I'm in Germany and just use google pay to buy stuff. who is the data controller?",
])
def test_paying_for_what_one_buys_or_a_product_named_pay_asks_for_no_fee(question):
    assert not demanded(question)
    assert not any(s.search("There is no fee.") for s in specific_things(question))


@pytest.mark.parametrize("sentence, states", [
    ("Right of access – to obtain a copy of your personal data and information about how we process it.", True),
    ("8.1 obtain from CloudSentric confirmation that personal data is held, as well as a description of it;", True),
    ("You may request a copy of the personal information we hold about you.", True),
    ("You can make a subject access request by email.", True),
    ("We may need to access your company's accounts database to fix a fault.", False),
    ("Please keep a copy of your receipt.", False),
])
def test_the_right_of_access_in_its_own_words_states_access(sentence, states):
    assert bool(SUFFICIENT["access"].search(sentence)) is states


def test_a_fee_for_requests_states_access_and_a_table_of_contents_states_nothing():
    text = ("Contents:\n\n  • 1. Information We Collect\n  • 2. Analytics, Cookies and Other Technologies\n"
            "  • 3. Security\n\n1. Information We Collect\nWe collect your name.\n\n"
            "Rights:\n1. Right of access\n2. Right to erasure\n3. Right to object\n\n"
            "We may charge a reasonable administration fee for certain requests.")
    item = text.index("Analytics")
    assert in_contents(text, (item, text.index("\n", item)))
    assert in_contents(text, (0, len("Contents:")))
    right = text.index("Right to erasure")
    assert not in_contents(text, (right, right + len("Right to erasure")))  # a list of rights is no contents
    assert not in_contents(text, (text.index("We collect"), text.index("name.") + 5))
    fee = text.index("We may charge")
    assert sentences_matching(text, np.array([[fee, len(text)]]), SUFFICIENT["access"]).tolist() == [0]


@pytest.mark.parametrize("line, states_nothing", [
    ("[Pre-2023 version](https://duckduckgo.com/2012-privacy-policy)", True),
    ("[3\\. How We Use Your Information](#how-we-use-your-information)", True),
    ("14.  [International Data Transfers](https://www.twitch.tv/en/legal/privacy-notice/#transfers)", True),
    ("* [Google Analytics](https://policies.google.com/privacy)", False),  # an item of a list of recipients
    ("[privacy@academia.edu](mailto:privacy@academia.edu)", False),  # an address to write to
    ("Read our [Cookie Policy](https://example.com/cookies) to change your settings.", False),
])
def test_a_line_that_is_only_a_link_states_nothing(line, states_nothing):
    text = f"We will notify you of changes.\n\n{line}\n\nLast updated 06-03-26"
    start = text.index(line)
    assert in_contents(text, (start, start + len(line))) is states_nothing


@pytest.mark.parametrize("question, written, unwritten_text", [
    ("Does CloudSentric use social media plugins?", "Our sites may include social media features, such as share buttons.",
     "CloudSentric may inform its customers about its products."),
    ("Does CT1 process special category data?", "We do not collect special categories of personal data.",
     "We may process any of the data categories above where necessary."),
    ("Does CT1 use my data for direct marketing by phone?", "We may contact you by telephone about our services.",
     "We may use your contact data to send you information about our services."),
    ("Will Concero phone me with marketing?", "We may contact you by phone with offers.",
     "We will inform you of our latest events and services via marketing."),
    ("Does CT1 share my data with advertisers?", "We work with advertising networks.", "We may share it with auditors."),
    ("Does Core Office IT use my data for advertising?", "We use data to provide relevant advertising.",
     "We use data to improve our services."),
    ("Does 23T share my data with debt collectors?", "We may pass details to a collection agency to recover debts.",
     "We share data with vendors."),
    ("Does CT1 use my data for research?", "• Conduct research and analysis", "usage statistics of devices"),
    ("Does CloudSentric use my data to personalise its website?", "to improve and personalise your experience",
     "CloudSentric obtains personal data from orders."),
    ("Does 23T link to other websites?", "Our site contains links to other websites.", "We use cookies on our website."),
    ("Does CT1 use third-party cookies?", "Our partners may set cookies on your device.",
     "Our website may use cookies and similar technologies to operate."),
    ("Will CT1 tell me if it uses my data for a new purpose?", "If we use your data for a new purpose, we will tell you.",
     "We may analyse usage data to develop new features."),
    ("Will they hand my data to the police?", "We may disclose data as required by law or in legal proceedings.",
     "We do have legal obligations where we may have to keep your details on file."),
    ("Which companies mention data breaches?", "In the event of a data breach we will act.",
     "We take measures to protect personal data against unauthorised access."),
    ("Do you pass my payment details to another company to process card payments?",
     "23T uses third party vendors for credit card processing.", "Billing and payment data – limited payment information."),
    ("Will CT1 check who I am first?", "We may need to verify your identity before fulfilling your request.",
     "We use your identity, contact and account data to respond to requests."),  # identity data is no check
    ("Which companies let me make a data request through their customer portal?",
     "they should raise a support ticket within the customer portal", "please contact us by email"),
    ("If I go to one of your events, what do you do with my details?", "information gathered at marketing events",
     "the events that occur within the application; in which event we will share your contact details"),
    ("Do any of these companies use fingerprinting?", "We may use device fingerprinting.", "We use cookies and pixels."),
    ("Does Core Office IT respond to Do Not Track signals?", "We do not respond to Do Not Track signals.",
     "We use tracking technologies to track user traffic patterns."),
    ("Does 23T collect my location?", "We may store your geographic location in a cookie.",
     "We collect your name and email address."),
    ("Does the Proton Mail app track my location?",
     "Our applications do not access or track any location-based information from your device.",
     "We collect your name and email address."),
    ("Which companies might keep my data because the law requires them to?",
     "we do have legal obligations where we may have to keep your details on file",
     "Under data protection law, you have the right to object to us using your data."),
    ("Does browsing the website count as agreeing to cookies?", "By visiting our website, you agree to the use of cookies.",
     "When you visit the website again, the cookie allows that site to recognise your browser."),
    ("Will 23T ever call me to sell me things?", "We may contact you by phone about our products.",
     "We do not and will not sell your data to third parties."),
    ("Will CT1 let me know if they use my data for something new?", "We will not use it for a new purpose.",
     "We use your data to respond to enquiries."),
    ("I got a marketing email but I never signed up. Is that allowed?",
     "If you have not opted in to our marketing process, we will not contact you.",
     "We will inform you of our latest events via marketing."),
    ("Does 23T let me complain to a regulator?", "You have the right to complain to the ICO.",
     "You can review, edit or delete your personal data by contacting us."),
    ("Which companies share data with their resellers?", "from resellers who pass on personal data to us",
     "We may also share non-personal information such as aggregated data with our partners."),
    ("Will Core Office tell me if they change their privacy policy?",
     "If we make any material changes we will provide notice on our website.",
     "We may update this Privacy Policy to reflect changes to our information practices."),
    ("What happens to my data if Concero goes out of business?",
     "If we become insolvent, your data may be transferred to an administrator.",
     "We may charge a reasonable administration fee for unfounded requests."),
    ("Which companies buy data about me from other companies?",
     "We may receive information from third parties from whom we have purchased data.",
     "When you buy from us, you may be asked to provide information so that we can complete your purchase."),
    ("Does 23T record my screen during remote support?", "We may view your screen during a remote session.",
     "The content of your chats and other communications with 23T services team (including voice recording)."),
    ("Does Concero keep my data after I die?", "If a customer dies, we will deal with their next of kin.",
     "We keep the recordings for 30 days in line with our Data Retention Policy."),
    ("Does Core Office IT have a bug bounty?", "Security researchers may report a vulnerability to us.",
     "If you have any questions about this policy please contact Core Office IT Limited by calling 01404 384483."),
    ("Does Concero anonymise my data?", "We may use aggregated or anonymised data for statistics.",
     "Concero will never share your data with anyone else."),
    ("Does CT1 carry out data protection impact assessments?", "We carry out a DPIA before new processing.",
     "We take appropriate technical and organisational measures to protect personal data."),
    ("Is my card data stored by 23T?", "Information may include your name and payment information.",
     "A 'cookie' is a small data file containing a string of characters."),
    ("Is there a fee to get my data from Core Office?", "We may charge a reasonable administration fee.",
     "If you have any questions about this policy please contact Core Office IT Limited by calling 01404 384483."),
    ("Which companies mention data centres?", "All of which are held in either Tier IV or Tier III+ facilities.",
     "We store your data on secure servers."),
    ("Which companies keep logs for security?", "We maintain logs and audit trails for security purposes.",
     "We use security cookies to authenticate users."),
    ("Does CT1 use persistent cookies?", "Persistent cookies stay on your device until they expire.",
     "Our website may use cookies and similar technologies to operate."),
    ("Does 23T combine data from third parties with its own?",
     "We may receive information about you from other sources and combine this data with information we hold.",
     "23T uses a variety of third party vendors to carry out services."),
    ("Who owns 23Technology?", "As part of the Centerprise International Group, 23Technology is committed…",
     "23Technology Ltd (23T) is a virtual / cloud platform design and integration business."),
    ("Does Core Office IT share data with other companies in its group?",
     "As part of the Centerprise International Group, 23Technology is committed to protecting your data.",
     "We may share your information with third party service providers."),
    ("Do you collect or keep my passwords or login details?",
     "This includes usernames and passwords needed to access your equipment.",
     "We take appropriate technical and organisational measures to protect personal data."),
    ("Do you carry out background or criminal record checks on staff who can access my data?",
     "All our engineers are DBS checked.", "We may need to verify your identity before fulfilling your request."),
    ("Will your engineers access the files and business data stored on our systems while supporting them?",
     "We may need to access your company's accounts database to fix data corruption.",
     "We may share your personal data with service providers and subcontractors."),
    ("If you process my data on behalf of one of your business customers, should I take my requests to them?",
     "We will retain personal data we process on behalf of our customer for as long as needed.",
     "To complete a transaction, provide a product or service you have requested."),
    ("Can their staff read our emails?", "Our engineers may access your network to carry out the work.",
     "Your data is protected with encryption during transition over the Internet."),
    ("Do you track whether I open the emails you send me?",
     "We use pixels in our email communications to understand whether they were opened.",
     "Our website may use cookies and similar technologies to operate."),
    ("If I take one of your training courses, do you send my coursework to an outside body for certification?",
     "We send coursework to our training suppliers for accreditation.",
     "Examples include browsing our website and contacting our sales representatives."),  # no "exam"
    ("Does the BBC use standard contractual clauses when it sends my data outside the UK?",
     "We rely on the European Commission's model contracts (the SCCs).",
     "Your data could be processed in a location outside the UK and the EEA."),
    ("Does the website honor Do Not Track signals?", "We do not respond to Do-Not-Track signals.",
     "We use web beacons to track if you visit specific pages."),
    ("does meetup do anything with do-not-track signals", "We currently do not take action in response to these signals.",
     "Some mobile and web browsers transmit \"do-not-track\" signals."),  # what is done with it, not what it is
    ("Does Quora respect my browser's Do Not Track setting?",
     "We do not change system behavior in response to browser requests not to be tracked.",
     "Do Not Track (“DNT”) is a privacy preference that users can set in certain web browsers."),
    ("Do any of these companies collect info about me through a mobile app?",
     "If you use any of our mobile apps, we may use mobile analytics software.",
     "To review any job applications sent to us; to keep cookies on your computer or mobile device."),
    ("Does Discord share my data with the government?",
     "…about how we respond to requests from governments and law enforcement entities.",
     "you may be required to provide … tax identification numbers, or government-issued ID"),
    ("Does Discord keep my search history?", "…without retention of your search history.",
     "We retain personal information until we determine it is no longer needed."),
    ("Which companies say they use firewalls?", "We use firewalls designed to protect against intruders.",
     "We use data to protect the security and safety of our products."),
    ("Does Qwant make automated decisions about me based on my data?",
     "You have the right not to be subject to a decision based solely on automated processing.",
     "We detect spam, automated activity and fraudulent clicks on advertisements."),
    ("What happens to my data if GraphCMS is sold to another company?",
     "If we are acquired by or merged with a third-party entity, your information may be transferred.",
     "The IP address transmitted by your browser in the context of Google Analytics is not merged with other Google data."),
    ("Do any of these companies have data protection agreements in place with the outside companies?",
     "We act under a written data processing agreement where required by law.",
     "…for essential purposes such as complying with our legal obligations, and resolving disputes and enforcing our "
     "agreements."),
    ("does CloudSentric check my credit?", "We may carry out credit checks with credit reference agencies.",
     "CloudSentric obtains personal data from orders placed by customers (whether by telephone, fax or email)."),
    ("Does Proton Mail use cookies?", "We use cookies to keep you signed in.",
     "The authentication logs feature records login attempts and does not track product-specific activity."),
    ("Do any of these companies share my data with recruitment agencies?",
     "…other third party service providers that may assist us in recruiting talent.",
     "…our procurement team do have to share some of your personal data with our approved suppliers."),
    ("Which of these companies say they pass my details to delivery or shipping firms?",
     "23T uses a variety of third party vendors to carry out services like product purchases and shipping.",
     "Service providers and subcontractors who help us deliver our services."),
    ("Is Concero's support desk outsourced to an overseas call centre?", "Our call centre is based in Manila.",
     "We use several servers based in the UK, EEA and USA."),
    ("Which companies pass my details on to phone or internet providers?",  # one thing: the providers of either
     "…CRM and ticketing systems, and telecoms providers.", "We may share your data with our service providers."),
    ("An engineer is coming to upgrade our office server. Will any of these companies take our data off site?",
     "During an install none of your data is taken off site, without prior consent.",
     "If Concero perform a network upgrade, our engineers will have to handle all the data on your network."),
    ("Which companies say they have contracts or agreements in place with the third parties they share my data with?",
     "…these transfers to subsequent third parties are covered by appropriate transfer agreements.",
     "As a general rule, CloudSentric does not disclose personal data to unaffiliated third parties."),
    ("Can Overleaf combine my data with data from other Digital Science products?",
     "*   to combine the account, usage or other personal data we have collected in connection with Overleaf…",
     "We may collect account data and usage data."),
    ("Does Miro use my data for profiling?", "We do not use your data for profiling or automated decisions.",
     "For example, a User’s name and Miro profile may be displayed."),
    ("If I block every cookie in my browser, will the shopping basket on the 23T site still work?",
     "Without these cookies, services like shopping baskets cannot be provided.",
     "When you visit the website again, the cookie allows that site to recognise your browser."),
    ("does this have access to my speaker?", "The app may use your device's microphone and speakers.",
     "We collect the pages you visit."),
    ("does ever note keep tracking of my handwriting style?", "We process handwriting to make it searchable.",
     "We collect the content you create."),
    ("who can see my medication list?", "We do not collect health information.", "Your list is private."),
    ("If I apply for a job at Concero, will they contact my references?", "We may contact your referees.",
     "The terms 'we' and 'us' are each intended as reference to 23Technology."),
    ("Does Proton Mail read my emails?",
     "We do not have the technical means to access the content of your encrypted emails, files, or notes.",
     "You will need access to the email account associated with your Quora account in order to verify."),
    ("can vanco read the messages i send other users thru the service?",
     "We may, at our discretion, monitor the communications that take place on our Services.",
     "You can edit or delete any message you have sent if you still have access to the space."),
    ("Does Discord read my messages?", "Your messages are never read by our staff.",
     "When you access the Twitch Services or open one of our emails, we record information about your system."),
    ("Which companies read my emails?", "We may scan your emails for malware.",
     "We use pixels to understand whether our email communication has been viewed."),
    ("Does X look at my browsing history?", "Web Clipper does not track or create a record of your browsing activity.",
     "When you visit the website again, the cookie allows that site to recognise your browser."),
    ("does it share my store browsing history?", "We may link them with usage data about your use of our sites.",
     "### 10. Usage data"),
    ("My company is hiring 23T for IT support. Will they sign a data processing agreement with us?",
     "Processors act under a written data processing agreement.", "We deliver the services defined in your service "
     "agreement. These transfers are covered by appropriate transfer agreements."),
    ("Is Concero registered under the Data Protection Act?", "We are registered with the ICO under the Data "
     "Protection Act.", "We are Concero Technology Services! Write to our registered office."),
    ("Does 23T share my data with my employer?", "Please contact your organisation, as the data controller.",
     "We only share your personal data as necessary."),
    ("Does Bitwarden collect my date of birth?", "You’ll also need to provide your birthday.",
     "The Service is not directed to individuals under the age of 13."),  # a minimum age collects no one's age
    ("Does Better Stack collect my phone number?", "This may include: email address and phone number.",
     "You can request that Miro does not record these calls. We collect your email address and payment details."),
    ("Does 23Technology use my data for marketing?", "We may contact you by email to inform you about new CI products.",
     "We use data to provide and improve the Products we offer and perform essential business operations."),
    ("does it use my browsing history?", "We record information from your browser, including the page you request.",
     "We log the IP address of the computer from which someone visits the website."),
    ("is ct1 tracking which pages i look at and what i click on their site?",
     "Usage data – information about how you use our website and services, including pages viewed, links clicked.",
     "Our website may use cookies and similar technologies to operate."),
    ("Can I use Steam without an account?", "As a visitor to the Steam Website without being logged in, you can…",
     "It is our policy to ensure a private and anonymous user experience. You can disable or delete your account."),
    ("Can I opt out of Steam selling my data?", "You may opt out of the sale of your personal information.",
     "As part of a sale or merger, customer information will be transferred. If we sell or transfer part of our "
     "business, data may be disclosed. You can opt out of marketing emails at any time."),
    ("Does Concero listen to my phone calls?", "All our phone calls are recorded for training and monitoring purposes.",
     "Ads so creepy it can seem like your devices are listening in on you."),
    ("Does Concero access my contacts?", "You can import your contacts from your address book.",
     "We will never sell or pass on your contacts details to a third party."),
])
def test_a_specific_thing_asked_must_be_written_in_the_policy(question, written, unwritten_text):
    """Recipients, uses, kinds of data and features a policy names when it has them: social-media plug-ins, special
    categories, marketing by phone, advertisers, debt collectors, research, personalisation, links to other sites,
    cookies set by others, a new purpose, a breach."""
    things = specific_things(question)
    assert things and not unmentioned(things, written) and unmentioned(things, unwritten_text)


@pytest.mark.parametrize("question", [
    "If our office network gets hacked because our own staff used weak passwords, is Core Office responsible?",
    "Are the outside training companies Concero uses for accredited courses covered by its privacy notice?",
    "Can your staff access my personal data?",  # limited access to data: security, written in many ways
    # a deletion or sale of search history is answered by one of any personal data
    "can i delete my search history?", "Do they sell my search history?",
    # an email address is no message read; others seeing a message is a question of sharing
    "how many months without logging in before gitlab deletes my account?",  # no use without an account
    "Does Concero sell my phone number to third parties?",  # any sale denial answers it
    "What is the ICO's phone number?",  # a detail asked for, not the user's number kept
    "My employer buys CloudSentric's services and I'm just one of the users. Might CloudSentric contact me?",
    "Do they check my email address is real?", "If I email duckduckgo support, who else might see my message?",
])
def test_a_thing_in_the_scene_is_not_asked_about(question):
    assert not specific_things(question)


def test_a_legal_basis_is_named_not_a_purpose_nor_agreeing_to_a_changed_policy():
    required = REQUIRED["legal-basis"]
    for sentence in ("If you continue to use the Services after those changes are in effect, you agree to the revised "
                     "policy.", "We may use the data (d) as required by law; (e) to fulfil our contracts.",
                     "We use data to report on the performance of our business."):
        assert not required.search(sentence), sentence
    for sentence in ("We only use your personal data where we have a valid legal basis.",
                     "The reasons we can process your data include Performance of a contract, Consent, Billing.",
                     "Legal basis: our legitimate interests in ensuring the security of our services."):
        assert required.search(sentence), sentence


def test_reselling_data_is_a_sale_and_reselling_products_or_being_a_reseller_is_not():
    required, veto = REQUIRED["sale"], VETOES["sale"]
    denial = "Scaleway does not resell any personal data of its customers or contacts."
    assert required.search(denial) and not veto.search(denial)
    assert required.search("…third parties who purchase the Personal Information we hold from reselling it…")
    assert veto.search("We share data with partners that resell our products and services.")
    assert not required.search("We obtain personal data from resellers who pass it on to us.")


def test_a_shared_interest_shares_no_data():
    assert VETOES["sharing"].search("You and Aetna agree that the parties have a shared interest in reducing the fees.")
    assert not VETOES["sharing"].search("Your data may be shared with our service providers.")


@pytest.mark.parametrize(("sentence", "vetoed"), [
    ("You may not, however, opt out of the Service-related emails, as described above.", True),
    ("You may not be able to opt out of all emails, including certain administrative or billing communications.", True),
    ("(7) To send important notifications. Opting out of these is not possible due to their importance.", True),
    ("You can opt out of marketing emails at any time.", False),
    ("You cannot opt out of marketing emails.", False),
])
def test_messages_no_one_can_opt_out_of_are_no_marketing(sentence, vetoed):
    from qa.search.evidence import question_guard

    guard = question_guard("Can I opt out of marketing emails?", ["objection-marketing"])
    assert guard is not None and guard(sentence) != vetoed
    service = question_guard("Can I opt out of service emails like payment confirmations?", ["objection-marketing"])
    assert service is not None and service(sentence)  # asked of them: the denial answers


def test_a_parents_request_for_a_child_is_no_statement_on_children():
    assert VETOES["children"].search("You may also make a verifiable consumer request on behalf of your minor child.")
    assert not VETOES["children"].search("We do not knowingly collect personal data from children under 13.")


def test_selling_alone_states_no_sharing():
    assert VETOES["sharing"].search("We'll never sell your personal information.")
    assert VETOES["sharing"].search("Windstream does not sell PII of its customers.")
    assert not VETOES["sharing"].search("We do not sell or share your data with third parties.")
    assert not VETOES["sharing"].search("We may disclose it to partners, but we never sell it.")


def test_the_user_selling_something_is_no_sale_of_their_data():
    veto = VETOES["sale"]
    assert veto.search("If you sell something through Discord, you may be required to provide additional information.")
    assert veto.search("This helps when you sell your items on the Platform.")
    assert not veto.search("We will never sell your data, even if you ask us to.")
    assert veto.search("For users based in the UK and selling on a Google marketplace, the data controller is Google.")
    # nor is a question about a user who sells, or does not
    topics = ["sale", "sharing"]
    assert not cued_topics("I just use google pay to buy stuff (not selling). who is the data controller?", topics)
    assert cued_topics("I sell on their marketplace, do they share my data?", topics) == ["sharing"]
    assert "sale" not in cued_topics("I want to sell courses on Academia. Will they collect my bank details?", topics)
    assert "sale" not in cued_topics("Does Zora keep a record of the tokens I buy and sell?", topics)
    assert "sale" in cued_topics("Do they want to sell my data?", topics)
    assert cued_topics("Which companies are selling my data?", topics) == ["sale"]


def test_specific_things_come_in_the_order_asked_and_the_last_is_looked_for_alone_when_none_writes_all():
    question = "Could the social media share buttons on their website pick up my IP address?"
    things = specific_things(question)
    assert len(things) == 2 and things[-1].search("your IP address") and not things[-1].search("share buttons")
    test = naming([], things, SPELLED_OUT)
    assert test("Social media buttons may collect your IP address.")
    assert not test("These features may collect your IP address.")
    assert test.looser("These features may collect your IP address.")


def test_the_things_asked_are_looked_for_without_the_names_around_them_when_none_writes_both():
    question = "Will Concero want ID from me when I send in a GDPR request?"
    test = naming(["ID", "GDPR"], specific_things(question), SPELLED_OUT)
    assert not test("We may ask you for proof of identity.")
    assert test.looser("We may ask you for proof of identity.")
    assert not test.looser("To enact your rights under the GDPR please contact us.")


@pytest.mark.parametrize("question, topics", [
    ("Why does CT1 collect my data?", ["purposes"]),
    ("For what reason does CT1 share my details?", ["purposes"]),
    ("Why do they keep my data?", ["purposes", "retention"]),
    ("Does CT1 collect my data?", ["data-collected"]),
    ("Do any of these firms look me up in public sources?", ["data-collected"]),
    ("Which companies get my details from third-party databases?", ["data-collected"]),
])
def test_asking_why_asks_for_the_purposes_not_what_is_collected_or_shared(question, topics):
    assert cued_topics(question, ["data-collected", "purposes", "sharing", "retention"]) == topics


def test_a_refusal_is_offered_by_a_way_to_stop_not_by_a_choice_to_opt_in():
    assert asks_to_refuse("Can I stop Concero sending me marketing?")
    assert not asks_to_refuse("Does Concero send marketing?")
    assert offers_refusal("You have the right to ask us to not process your information for marketing purposes.")
    assert offers_refusal("You can opt out of marketing emails at any time.")
    assert offers_refusal("You can revoke your consent to receive our newsletter at any time.")
    assert offers_refusal("You can reply STOP any time to 22023 to cancel.")
    assert not offers_refusal("If you have not opted in to our marketing process, we will not contact you.")
    assert not offers_refusal("Session cookies will only stay on your device until you stop browsing.")
    assert refused_terms(["stop", "sending", "marketing"]) == ["marketing"]
    assert asks_to_refuse("How do I stop you sending me promotional emails?") and asks_how("How can I opt out?")
    assert asks_how("A colleague wants a copy of what CT1 holds on her. How does she exercise her rights?")
    assert not asks_how("How does Concero use my data?") and not asks_how("How do they use my data?")
    assert gives_means("If you wish to stop receiving emails from us, you can do so by following the instructions.")
    assert not gives_means("We will stop sending you promotional emails once you unsubscribe.")
    assert gives_means("If you wish to stop receiving notifications by telephone, reply STOP to any text message.")
    assert gives_means("To stop receiving text alerts, text **STOP** to 37046.")
    assert not gives_means("We will stop texting you once you ask us.")


@pytest.mark.parametrize("question, sentence, unsaid", [
    ("Does Concero let me opt out of call recording?", "All our phone calls are recorded for training.", True),
    ("Can I opt out of marketing emails?", "You can opt out at any time using the unsubscribe link.", False),
    ("Can I turn off cookies?", "Most web browsers allow you to control cookies through their settings.", False),
    ("Do they record my calls?", "All our phone calls are recorded for training.", False),  # no refusal asked
])
def test_a_user_asking_to_refuse_is_answered_only_by_a_way_to_refuse(question, sentence, unsaid):
    assert no_way_to_refuse(question, YES, sentence) is unsaid


def test_asked_why_a_sentence_must_give_a_reason():
    guard = reason_guard("Why does 23T use cookies?")
    assert guard is not None and not guard("23Technology uses both types of cookies.")
    assert guard("These cookies are essential for you to browse our website.")
    assert guard("We may process technical and usage data to:")
    assert reason_guard("Does 23T use cookies?") is None
    assert not guard("…from resellers who pass on personal data to CloudSentric about end users.")  # a recipient


def test_asking_us_not_to_process_for_marketing_states_the_objection():
    text = "You have the right to ask us to not process your information for marketing purposes. We keep data."
    spans = np.array([[0, 85], [86, len(text)]], dtype=np.int64)
    assert sentences_matching(text, spans, SUFFICIENT["objection-marketing"]).tolist() == [0]


@pytest.mark.parametrize("question, sentence, verdict", [
    ("Does CT1 keep enquiry data for more than two years?",
     "enquiry data is retained for up to 2 years after our last interaction with you, unless we enter into a contract;",
     NO),
    ("Does Concero keep call recordings longer than 30 days?",
     "We keep the recordings for 30 days. Unless there is an issue in which case we may keep recordings for longer.",
     YES),
    ("Does CT1 keep my data for more than two years?", "We keep data for as long as necessary.", YES),
])
def test_kept_beyond_a_period_is_denied_by_a_bound_at_it(question, sentence, verdict):
    assert asked_verdict(question, YES, sentence) == verdict


def test_always_every_and_no_longer_than_necessary_are_read():
    assert asks_always("Does CloudSentric always get my consent before disclosing my data?")
    assert EXCEPTIONS.search("As a general rule, CloudSentric does not disclose personal data except where consent…")
    assert asks_only("Is every cookie 23T uses strictly necessary?")
    assert asks_only("Are all of 23T's cookies essential?") and not asks_only("Is all my data kept in the UK?")
    assert not asks_unlimited("Does 23T keep my data no longer than necessary?")
    assert asks_unlimited("Does 23T keep my data longer than necessary?")
    # the user seeing their own data is an access request; staff seeing it is not
    assert cued_topics("Can I see what data you hold?", ["access", "security"]) == ["access"]
    assert "access" not in cued_topics("Which staff can see my data?", ["access", "security"])


def test_common_misspellings_are_put_right_whole_words_only():
    assert respelled("Dose CT1 sel my infomation to thrid partys?") == "Does CT1 sell my information to third parties?"
    assert respelled("Selby Dosecorp sells information") == "Selby Dosecorp sells information"  # whole words only
    assert respelled("r my calls to concero recorded") == "are my calls to concero recorded"  # text speak
    assert respelled("do CI flog customer details?") == "do CI sell customer details?"  # slang
    assert respelled("whats cloudsentrics address") == "what's cloudsentrics address"
    assert respelled("can ipinfo guarentee my data wont get stolen?") == "can ipinfo guarantee my data won't get stolen?"
    assert respelled("Does CT1 send data to the U.S. or R&D partners?") == "Does CT1 send data to the U.S. or R&D partners?"
    assert respelled("Waht cookis does 23T use?") == "What cookies does 23T use?"


def test_what_a_how_long_question_says_is_kept_is_read_for_the_sentence_that_keeps_it():
    assert kept_words("How long does Concero keep my support requests?") == ("support", "requests")
    assert kept_words("How long does CT1 keep my contract data?") == ("contract",)
    assert kept_words("How long are they going to hang on to our staff's details?") == ()  # whose, not what
    assert kept_words("Which companies give an actual time limit for how long they keep data?") == ()
    assert kept_words("How long does Proton Mail keep cookies on my device?") == ("cookies",)  # a bare kind kept
    assert kept_words("How long do they hang on to my information?") == ()
    assert kept_words("How long does CT1 keep the browsing and usage data?") == ("browsing", "usage")
    assert kept_words("How long does Valve keep my purchase/transaction records?") == ("purchase", "transaction")
    assert kept_words("How long will they keep the data they've been processing for us?") == ()  # no thing named
    assert kept_words("how long does my personal data get stored on your servers?") == ()
    # no determiner: a kind of data named before "data", "records", "logs"…
    assert kept_words("How long does CT1 keep enquiry data?") == ("enquiry",)
    assert kept_words("how long do they store chat logs?") == ("chat", "logs")
    assert kept_words("How long do they keep it for?") == kept_words("How long do they keep data?") == ()
    text = "We keep the recordings for 30 days. We retain any support requests you make. We review applications."
    spans = [(0, 35), (36, 77), (78, len(text))]
    first, other, hiring = (Decision(True, span, 0.0, 0.9, "retention") for span in spans)

    def again(test):
        return next((Decision(True, span, 0.0, 0.9, "retention") for span in spans if test(text[span[0]:span[1]])),
                    Decision(False))
    assert kept_thing_decision(first, text, ("support", "requests"), again) == other
    assert kept_thing_decision(first, text, (), again) is first
    # no sentence of the practice names them: the policy does not say how long it keeps them
    assert not kept_thing_decision(first, text, ("emails",), again).stated
    assert kept_thing_decision(first, text, ("emails",), again, strict=False) is first  # "…kept forever?": as decided
    assert kept_thing_decision(first, text, ("cv",), again) == hiring  # what a policy also calls a CV
    cheating = "We keep it. Data used to prevent cheating in the Game is deleted six months after collection."
    assert kept_thing_decision(Decision(True, (0, 11)), cheating, ("anti-cheat",), lambda test: Decision(
        test(cheating[12:]), (12, len(cheating)))).sentence == (12, len(cheating))  # "anti-cheat data": cheating
    facial = "We keep it. We keep data about your facial geometry while the feature is on."
    geometry = (12, len(facial))
    assert kept_thing_decision(Decision(True, (0, 11)), facial, ("face",), lambda test: Decision(
        test(facial[12:]), geometry)).sentence == geometry  # "my face data": facial
    located = "We keep it. We retain your Geolocation Data for 2 years from the time it is collected."
    assert kept_thing_decision(Decision(True, (0, 11)), located, ("gps", "location"), lambda test: Decision(
        test(located[12:]), (12, len(located)))).sentence == (12, len(located))  # "my GPS location data": geolocation
    contact = "We keep it. We will retain contact details when you subscribe to our newsletter until you unsubscribe."
    assert kept_thing_decision(Decision(True, (0, 11)), contact, ("email", "address"), lambda test: Decision(
        test(contact[12:]), (12, len(contact)))).sentence == (12, len(contact))  # "my email address": contact details


def test_a_time_given_beside_what_names_the_kind_kept_decides_when_no_sentence_names_it():
    from qa.search.kept import named_beside_time

    text = ("We may ask you for additional information for billing purposes. We delete this data within 6 months "
            "after our contract ends.\n\nWe keep logs for a while.\n\nWe store it for up to 30 days:\n\n"
            "*   Your IP address\n*   What you did on the site\n\nWe keep your messages for 3 years.")
    deleted = (text.index("We delete"), text.index("\n\n"))
    assert named_beside_time(text, text[deleted[0]:deleted[1]], ("billing",))  # its paragraph names it
    assert not named_beside_time(text, text[deleted[0]:deleted[1]], ("messages",))  # another paragraph's
    assert not named_beside_time(text, "We may ask you for additional information for billing purposes.",
                                 ("billing",))  # no time given
    assert named_beside_time(text, "We store it for up to 30 days:", ("ip",))  # the list it opens
    assert not named_beside_time(text, "We store it for up to 30 days:", ("messages",))
    spans = [deleted, (text.index("We keep logs"), text.index("We keep logs") + 25)]

    def again(test):
        return next((Decision(True, span, 0.0, 0.9, "retention") for span in spans if test(text[span[0]:span[1]])),
                    Decision(False))
    logs = Decision(True, spans[1], 0.0, 0.9, "retention")
    assert kept_thing_decision(logs, text, ("billing",), again).sentence == deleted
    assert not kept_thing_decision(logs, text, ("cookies",), again).stated


def test_a_detail_asked_is_read_in_the_sentences_after_the_chosen_one_on_its_line():
    from qa.search.details import detail_after

    text = ("You can turn off name tags and delete this data. Zoom will retain this data for up to three years.\n"
            "We keep logs for 30 days.")
    first = (0, text.index(".") + 1)
    found = detail_after(text, first, demanded("How long does Zoom keep my face data?"))
    assert found is not None and text[found[0]:found[1]].startswith("Zoom will retain")
    alone = text.replace("for up to three years", "as you wish")
    assert detail_after(alone, first, demanded("How long does Zoom keep my face data?")) is None  # not on the next line
    assert detail_after(text, first, ()) is None


def test_how_long_data_in_general_is_kept_is_not_read_from_a_kind_of_data_kept():
    assert kept_words("How many years does Concero keep my details after I stop being a customer?") == ()
    assert kept_words("How long will my browser history be kept?") == ("browser", "history")
    assert kept_words("How long are call recordings stored?") == ("call", "recordings")
    assert kept_in("Only the telephone number is kept alongside the recording, and we keep the recordings for 30 "
                   "days.") == {"telephone", "number", "recordings"}
    assert kept_in("Enquiry data is retained for up to 2 years.") == {"enquiry"}
    assert kept_in("We keep personal data only for as long as is reasonably necessary.") == set()
    assert kept_in("All data stored by Concero is kept and transported in an encrypted format.") == set()
    text = "We keep the recordings for 30 days. We may have to keep your details on file."
    sentences = {(0, 35): text[:35], (36, len(text)): text[36:]}
    first = Decision(True, (0, 35), 0.0, 0.9, "retention")
    other = Decision(True, (36, len(text)), 0.0, 0.9, "retention")

    def again(test):
        return next((other if span[0] == 36 else first for span, s in sentences.items() if test(s)), Decision(False))
    assert general_kept_decision(first, text, ["long", "keep", "details"], again) is other
    assert general_kept_decision(first, text, ["long", "keep", "recordings"], again) is first  # asked about them


def test_the_time_to_answer_a_request_and_a_right_to_deletion_keep_nothing():
    veto = VETOES["retention"]
    assert veto.search("request the deletion or rectification of personal data which is inaccurate; and")
    assert not REQUIRED["retention"].search("obtain confirmation that personal data is held, as well as a description")
    assert veto.search("We also hold the right to extend the response time for requests to longer than the allotted 28 "
                       "days.")
    assert not veto.search("We keep the recordings for 30 days in line with our Data Retention Policy.")


@pytest.mark.parametrize("question, sentence, verdict", [
    ("Does Concero share more than my contact details with a third party during an install?",
     "…in which event we will only ever share your contact details and nothing else.", NO),
    ("Does CT1 collect more than my name?", "We collect your name, job title and company name.", YES),
    ("Does CT1 keep my data longer than two years?", "We keep only what we need.", YES),  # a period: `_bounded_at`
])
def test_more_than_something_is_denied_by_only_that(question, sentence, verdict):
    assert asked_verdict(question, YES, sentence) == verdict


def test_a_credit_check_asks_what_is_collected():
    assert cued_topics("Which companies check my creditworthiness?", ["data-collected", "sharing"]) == ["data-collected"]


def test_data_kept_beyond_a_right_to_erasure_is_no_denial():
    from qa.search.verdict import negated_by_words
    assert not negated_by_words("We may have to keep your details on file and they will not be subject to the Right to "
                                "be Forgotten.")
    assert negated_by_words("Your details will not be kept on file.")


def test_a_user_giving_an_age_under_18_asks_about_children():
    assert cued_topics("I'm 15 and want to sign up to 23T's newsletter. Is that allowed?", ["children"]) == ["children"]
    assert cued_topics("My son is 12. Can he use the website?", ["children"]) == ["children"]
    assert cued_topics("My 16 year old wants to use Better Stack, is that allowed?", ["children"]) == ["children"]
    assert cued_topics("My 40 year old brother wants to use it. Is that allowed?", ["children"]) == []
    assert cued_topics("I'm 25 and want to sign up to 23T's newsletter. Is that allowed?", ["children"]) == []
    assert cued_topics("I'm 5 minutes late with my request. Is that a problem?", ["children"]) == []


def test_where_my_data_is_stored_asks_for_a_place():
    from qa.search.details import ASKS_PLACE
    assert ASKS_PLACE.search("Does Core Office say where my data is stored?")
    assert ASKS_PLACE.search("Where is my data stored?")
    assert not ASKS_PLACE.search("Does Core Office say how my data is stored?")
    assert ASKS_PLACE.search("Where are Concero's servers?") and ASKS_PLACE.search("Where is my data?")
    assert not ASKS_PLACE.search("Where is Concero based?")  # the company, not its servers


def test_asking_what_rights_one_has_asks_about_access_and_correction():
    assert cued_topics("What rights do I have with Concero?", ["access", "legal-basis"]) == ["access"]
    assert cued_topics("What are my GDPR rights?", ["access", "legal-basis"]) == ["access"]
    assert cued_topics("Do they hold the right to charge a fee?", ["access", "legal-basis"]) == []


def test_sharing_data_that_identifies_no_one_does_not_answer_a_question_about_my_data():
    assert asks_non_personal("Do they share aggregated data?") and not asks_non_personal("Who do they share my data with?")
    text = "We may also share non-personal information such as aggregated data. We share your data with vendors."
    first = Decision(True, (0, 60), 0.0, 0.9, "sharing")
    other = Decision(True, (61, len(text)), 0.0, 0.9, "sharing")

    def again(test):
        return other if test(text[61:]) else Decision(False)
    assert personal_decision(first, text, again) is other
    assert personal_decision(Decision(True, (0, 60), 0.0, 0.9, "security"), text, again).sentence == (0, 60)


def test_when_data_is_deleted_asks_how_long_it_is_kept_and_for_a_time():
    from qa.search.details import demanded

    assert "retention" in cued_topics("When will CT1 delete my enquiry data?", ["retention", "erasure"])
    [time] = demanded("When will CT1 delete my enquiry data?")
    assert time.search("enquiry data is retained for up to 2 years")
    [time] = demanded("After how much inactivity will BeReal delete my account?")
    assert time.search("your account may be deleted after three (3) years of continuous inactivity")
    assert not time.search("your account will be deleted in the event of prolonged inactivity")


def test_where_a_named_companys_data_is_stored_asks_for_a_place():
    from qa.search.details import demanded

    [place] = demanded("Where is Concero's data stored?")
    assert place.search("We use several servers based in the UK, EEA and USA")
    # a place's law is no place data goes
    assert not place.search("In order to comply with European data privacy laws, we are required to set out…")
    assert not place.search("Under UK law you have rights.") and place.search("…stored in the EU.")


def test_reviewing_or_editing_ones_data_asks_for_access_and_logging_a_call_names_no_log():
    assert cued_topics("Which companies let me review or edit my data?", ["data-collected", "access"]) == ["access"]
    assert not specific_things("when I log a support call with CI, might they pull diagnostic info off my system?")
    # logging into a computer asks for access to it, not for logs kept
    things = specific_things("Can Core Office IT staff log into my computer?")
    assert things and all(thing.search("Accessing your equipment or data to perform the services") for thing in things)
    assert not any(thing.search("We keep logs and audit trails.") for thing in things)


def test_what_a_company_does_with_ones_data_asks_its_purposes():
    assert cued_topics("What does Centerprise International do with my personal information?",
                       ["data-collected", "purposes", "sharing"]) == ["purposes"]


def test_where_a_companys_providers_are_asks_for_a_place_not_its_address():
    from qa.search.details import demanded

    [place] = demanded("Where are CT1's service providers located?")
    assert place.search("Some of our service providers may be located outside the UK")
    assert len(demanded("Where is CT1 based?")) == 1


def test_combining_data_with_what_a_company_has_asks_what_it_collects_not_for_access():
    topics = cued_topics("Does Core Office IT combine third-party data with what it has on me?",
                         ["data-collected", "sharing", "access"])
    assert "access" not in topics and "data-collected" in topics
    assert cued_topics("How can I see what Core Office has on me?", ["data-collected", "access"]) == ["access"]


def test_a_recipient_using_data_for_its_own_ends_asks_whether_use_is_unlimited():
    from qa.search.verdict import asks_unlimited

    assert asks_unlimited("Can CT1's service providers use my data for their own marketing?")
    assert not asks_unlimited("Does CT1 use my data for marketing?")


def test_needing_consent_to_process_asks_for_the_legal_basis():
    topics = ["legal-basis", "cookies", "objection-marketing"]
    assert cued_topics("Does Proton VPN need my consent to process my data?", topics) == ["legal-basis"]
    assert "legal-basis" not in cued_topics("Do they need my consent before setting cookies?", topics)


def test_being_forgotten_asks_for_erasure():
    assert cued_topics("can i make 23t forget me", ["data-collected", "erasure", "objection-marketing"]) == ["erasure"]


@pytest.mark.parametrize("sentence, topic, score, writes, answers", [
    ("We know that wondering who has access to your data is always a worry.", "security", 0.65, None, False),
    ("We know that wondering who has access to your data is always a worry.", "security", 1.2, None, True),
    ("We use Zenith Analytics on our website.", "cookies", 0.5, lambda s: "Zenith" in s, True),
    ("We use Zenith Analytics on our website.", "cookies", 0.5, lambda s: "Acme" in s, False),
    # the practice's own words state it, however far the wording is from the question's
    ("Customers may indicate whether or not they wish to receive such information.", "objection-marketing", 0.7,
     None, True),
    ("Customers may indicate their preferences.", "objection-marketing", 0.7, None, False),
])
def test_answers_across_several_policies(sentence, topic, score, writes, answers):
    text = "Intro. " + sentence
    decision = Decision(True, (7, len(text)), topic=topic, score=score)
    assert answers_across(decision, text, 1.0, writes) is answers
    assert not answers_across(Decision(False), text, 1.0, writes)


def test_what_the_question_names_may_follow_in_the_deciding_sentences_paragraph():
    sentence = "Please contact us and we will handle your request within 28 days."
    text = f"Intro. {sentence} We may ask you for proof of identity.\nWe use cookies. We may check your identity."
    decision = Decision(True, (7, 7 + len(sentence)), topic="access", score=0.8)
    assert answers_across(decision, text, 1.0, lambda s: "proof of identity" in s)
    assert not answers_across(decision, text, 1.0, lambda s: "cookies" in s)  # another paragraph's


def test_a_law_named_by_its_acronym_is_written_in_full():
    from qa.search.asked_names import named_things, unwritten

    [ccpa] = named_things("how long does wp engine take to respond to a CCPA request?")
    assert not unwritten([ccpa], "Under the California Consumer Privacy Act, you may request…")
    assert unwritten([ccpa], "Under the laws of your state, you may request…")


TOPICS = ("access", "contact-dpo", "retention")


@pytest.mark.parametrize("question, topics", [
    ("how long will twitch take to answer my privacy question", ["access", "contact-dpo"]),
    ("Will they reply to my email?", ["contact-dpo"]),
    ("How quickly will CT1 respond to my subject access request?", ["access"]),
    ("What questions does Concero answer?", []),
])
def test_a_reply_to_someone_who_writes_is_asked_of_the_contact_practice(question, topics):
    assert cued_topics(question, TOPICS) == topics


def test_a_sentence_on_children_names_them_or_an_age():
    required = REQUIRED["children"]
    for sentence in ("We collect information when you use our website.", "Our services are for businesses."):
        assert not required.search(sentence), sentence
    for sentence in ("We do not knowingly collect personal data from children under 13.",
                     "Our services are restricted to users who are 18 years of age or older.",
                     "If you are under 16, ask a parent or guardian first.", "Minors may not register."):
        assert required.search(sentence), sentence


def test_revoking_consent_to_a_newsletter_and_replying_stop_state_a_way_to_refuse_marketing():
    sufficient = SUFFICIENT["objection-marketing"]
    for sentence in ("You can revoke your consent to receive our newsletter at any time.",
                     "You can reply STOP any time to 22023 to cancel."):
        assert sufficient.search(sentence), sentence
    assert not sufficient.search("You can withdraw your consent to processing based on consent.")
    assert respelled("how do i stop windstream text msgs") == "how do i stop windstream text messages"


def test_idioms_of_keeping_ask_no_time_and_a_record_of_what_was_said_is_collected():
    known = ["data-collected", "purposes", "retention", "cookies", "contact-dpo", "objection-marketing"]
    assert "retention" not in cued_topics("CT1 keeps an eye out for people misusing their services. Do they use my "
                                          "data for that?", known)
    assert "retention" in cued_topics("Do they keep my emails for a year?", known)
    assert cued_topics("Which companies keep tabs on how I use their website?", known) == ["cookies"]
    assert cued_topics("Which companies keep a record of what I've said to their support team?", known) == [
        "data-collected"]
    assert cued_topics("im not on email, can i phone core office about my data instead??", known) == ["contact-dpo"]


@pytest.mark.parametrize("question, asks", [
    ("Which service providers does Quora share data with?", True),
    ("Which analytics companies does Crunchyroll use?", True),
    ("which company runs the chat widget on the hygraph website?", True),
    ("Which outside company handles NYT card payments?", True),
    ("Who hosts my data?", True),
    # which of the companies asked about, or what kind of company
    ("Which companies sell my data?", False),
    ("Which companies will check my identity before acting on a data request?", False),
    ("Which of these companies do not sell my data?", False),
    ("What kinds of companies does 23T share my data with?", False),
])
def test_asking_which_outside_organisation_asks_for_one_named(question, asks):
    from qa.search.details import ORGANISATION

    assert (ORGANISATION in demanded(question)) is asks


@pytest.mark.parametrize("detail, sentence, gives", [
    ("ORGANISATION", "Key service providers we use include Amazon Web Services, Stripe, Zendesk, and Google.", True),
    ("ORGANISATION", "We use the external service provider Intercom, Inc. for the provision of the chat function.", True),
    ("ORGANISATION", "Such service providers include: Netsuite, Inc. for billing (USA).", True),
    ("ORGANISATION", "We use HubSpot to send newsletters.", True),
    ("ORGANISATION", "We share data with payment processors, hosting providers, auditors and advisors.", False),
    ("ORGANISATION", "Our Privacy Policy explains how we use Personal Data.", False),
    # how soon a request is answered, in its many forms
    ("RESPONSE_TIME", "Your request will be processed within a maximum delay of 2 months following receipt.", True),
    ("RESPONSE_TIME", "We endeavor to substantively respond to a verifiable consumer request within forty-five (45) days.",
     True),
    ("RESPONSE_TIME", "Responses to a verified request may take up to 45 calendar days, or longer.", True),
    ("RESPONSE_TIME", "In some cases, we may require up to 45 days to process your request.", True),
    ("RESPONSE_TIME", "Please allow up to thirty (30) days for a response.", True),
    ("RESPONSE_TIME", "Your request will be processed by our privacy team.", False),
    ("RESPONSE_TIME", "To handle and remedy any errors and incidents | Up to 90 days from the event being logged.", False),
    ("RESPONSE_TIME", "We keep logs for up to 30 days.", False),
])
def test_a_detail_is_given_in_its_forms(detail, sentence, gives):
    """An organisation by a known provider, a company form or camel case; a response time in its many forms."""
    from qa.search import details

    assert bool(getattr(details, detail).search(sentence)) is gives


def test_purging_asks_for_erasure_and_limited_staff_for_security():
    known = ["erasure", "security", "sharing"]
    assert cued_topics("We've asked them to purge some customer records. How fast do they have to do it?", known) == [
        "erasure"]
    assert cued_topics("Which companies say only limited staff can get at my personal data?", known) == ["security"]


def test_a_reasonable_timeframe_gives_a_time_and_no_specific_time_frame_does_not():
    [time] = demanded("How fast do they have to do it?")
    assert time.search("If requested to remove data by our customer, we will respond within a reasonable timeframe.")
    assert not time.search("We cannot promise that all data will be deleted within a specific time frame.")
    assert time.search("We retain essential data on active accounts. This data is deleted when your account is deleted.")
    assert not time.search("You can delete your account in the settings.")


def test_how_long_until_a_request_is_answered_asks_no_retention_and_how_ill_know_of_a_change_asks_how_told():
    known = ["retention", "access"]
    assert cued_topics("I requested my data from discord, how long until I get it?", known) == ["access"]
    assert cued_topics("How long do they keep my data?", known) == ["retention"]
    assert "access" not in cued_topics("I requested my data to be deleted. Is it gone?", known)
    [known] = demanded("how will I know if tp-link changes its privacy policy?")
    assert known.search("This Privacy Policy may change and we may notify you by updating its effective date.")
    assert known.search("Any updates will be posted on this page with a revised “last updated” date.")
    assert not known.search("This Privacy Policy may change from time to time.")


@pytest.mark.parametrize("question", ["I want to complain to the ICO about Concero — what number do I ring?",
                                      "Which number should I call about my data?"])
def test_which_number_to_ring_asks_for_a_phone_number(question):
    [phone] = demanded(question)
    assert phone.search("Tel: 0303 123 1113") and not phone.search("Information Commissioner's Office")


def test_recorded_calls_are_read_across_a_list_of_teams():
    things = specific_things("Does SurveyMonkey record calls with its support and sales teams?")
    assert things and not unmentioned(
        things, "We also record the content of Customer Support, Customer Success, and Sales calls.")
    assert unmentioned(things, "We record your preferences. " + "x" * 120 + " You can call us.")


def test_a_hash_is_no_encryption_and_messages_accessed_may_be_said_in_the_next_sentence():
    encrypted = specific_things("Is my data encrypted by Fox News?")
    assert unmentioned(encrypted, "We share a hash of an identifier (a value generated using a cryptographic hash).")
    assert not unmentioned(encrypted, "We use cryptographic keys.")
    read = specific_things("Can Bluesky read my DMs?")
    assert not unmentioned(read, "We store your direct messages so you can talk. These are unencrypted and can be "
                                 "accessed for Trust & Safety purposes.")
    assert unmentioned(read, "We store your direct messages so you can talk. Your account can be accessed by you.")
    assert unwritten(named_things("Can Bluesky read my DMs?"), "Your Direct Messages are stored.") == ["Bluesky"]


def test_deleted_as_soon_as_something_is_done_gives_how_long():
    (length,) = demanded("How long do they keep my ID photo?")
    assert length.search("It is normally deleted as soon as the identification verification is complete.")
    assert not length.search("We delete it at your request.")


@pytest.mark.parametrize("question, response", [
    ("I sent Zoom a California privacy request. How long do they have to respond?", True),
    ("How long does it take to process a deletion request?", True),
    ("I asked Bluesky for a copy of my data. How long should it take?", True),
    ("How quickly does X respond to data requests?", True),
    ("How long does Zoom keep my data?", False),
    ("How long does it take to delete my account?", False),  # a deletion's time, not an answer's
    ("How long do you process my data?", False),
])
def test_how_soon_a_request_is_answered_asks_for_a_response_time_alone(question, response):
    from qa.search.details import RESPONSE_TIME

    demands = demanded(question)
    assert (demands == (RESPONSE_TIME,)) is response and (bool(demands) or not response)


def test_a_response_time_is_found_anywhere_in_the_policy():
    from qa.ingest.sentences import split_sentences
    from qa.search.details import sentence_giving

    text = ("We respond to all enquiries. You have rights. We will acknowledge receipt of your request within 10 business "
            "days. We respond within a reasonable timeframe.")
    spans = split_sentences(text)
    demands = demanded("How long do they have to respond to my request?")
    found = sentence_giving(text, spans, demands)
    assert found is not None and text[found[0]:found[1]].startswith("We will acknowledge receipt")
    assert sentence_giving(text, spans, demanded("How long do they keep my data?")) is None  # no other time
    assert sentence_giving("We respond to all enquiries.", [(0, 28)], demands) is None
    past = "We have collected, processed, and used these categories within the preceding 12 months."
    assert sentence_giving(past, [(0, len(past))], demands) is None  # a past period, no time to respond
    month = "If you make a request, we have one month to respond to you."
    assert sentence_giving(month, [(0, len(month))], demands) == (0, len(month))  # the time before the answering


def test_a_data_protection_officer_with_a_way_to_reach_them_is_found_anywhere_in_the_policy():
    from qa.ingest.sentences import split_sentences
    from qa.search.details import sentence_giving

    text = ("Our data protection officer monitors compliance. Contact us with questions.\n\n"
            "| Data Protection Officer | Privacity GmbH <br>Neuer Wall 50, 20354 Hamburg, Germany |")
    spans = split_sentences(text)
    found = sentence_giving(text, spans, demanded("who is spark's data protection officer and how do i contact them"))
    assert found is not None and "Privacity GmbH" in text[found[0]:found[1]]
    only = "Our data protection officer monitors compliance."
    assert sentence_giving(only, [(0, len(only))], demanded("Who is their DPO?")) is None  # no way to reach them


def test_a_breach_told_is_found_anywhere_in_the_policy():
    from qa.ingest.sentences import split_sentences
    from qa.search.details import sentence_giving

    text = ("All communications with Tildes are encrypted. Please notify us of any breach of security you notice. If a "
            "data breach that includes personal data is discovered, it will be disclosed to the affected users.")
    found = sentence_giving(text, split_sentences(text), demanded("Will Tildes tell me if there's a data breach?"))
    assert found is not None and text[found[0]:found[1]].startswith("If a data breach")
    for other in ("Monitor, investigate and report any attempts to breach the security of our website.",
                  "We cannot guarantee that such information may not be accessed, disclosed or destroyed by breach.",
                  "We monitor, detect and respond to security incidents and alerts."):
        assert sentence_giving(other, [(0, len(other))], demanded("Will Gartner notify me of a data breach?")) is None


def test_a_user_shutting_down_an_account_is_no_company_going_out_of_business():
    assert not specific_things("I shut down my Xanga account. Do they still keep a copy of my stuff?")
    assert specific_things("What happens to my data if Concero shuts down?")


def test_where_a_data_centre_is_asks_for_a_place_not_a_postal_address():
    from qa.search.details import PLACE

    assert demanded("Where are Outbrain's data centers located?") == (PLACE,)  # no postal address
    assert PLACE not in demanded("Where is CT1 based?") and len(demanded("Where is CT1 based?")) == 1  # its address


def test_giving_advertisers_my_data_is_sharing_and_a_public_posts_definition_denies_nothing():
    from qa.search.verdict import negated_by_words

    assert "sharing" in cued_topics("Does 123Greetings give advertisers my personal information?", ["sharing"])
    assert not cued_topics("Do I have to give my phone number?", ["sharing"])
    assert not negated_by_words("Such information includes content shared publicly, publicly posted content (such as "
                                "photos) which do not have a restricted audience.")


@pytest.mark.parametrize("question, text", [
    ("Does YC run background checks on founders who apply?", "We use it to prevent fraud, criminal activity, or misuse."),
    ("Does Spotify upload my phone contacts to find friends?",
     "Customer Service Data: information about your contacts with our Customer Service."),
])
def test_a_thing_asked_is_not_written_by_a_near_phrase(question, text):
    assert unmentioned(specific_things(question), text)


def test_prices_set_by_data_are_no_fee():
    assert not specific_things("Does Instacart charge me different prices based on my personal data?")
    assert specific_things("Will they charge me for a copy of my data?")


def test_an_incident_affecting_personal_data_is_a_breach_told():
    demands = demanded("Will Hugging Face notify me if my personal data is affected by a security incident?")
    sentence = ("In the event of an incident affecting your Personal Information, we will act promptly to identify and "
                "address the incident, and to notify you.")
    assert demands and all(d.search(sentence) for d in demands)
    assert not all(d.search("We respond to any type of threats or incidents.") for d in demands)


def test_a_denial_of_doing_it_with_no_one_involved_is_read_when_the_question_asks_so():
    from qa.search.verdict import denies_other

    sentence = ("We do not use automated decision-making without human intervention, including profiling, in a way "
                "that produces legal effects concerning you.")
    assert not denies_other("Does CoinDesk use fully automated decisions with no human involved?", sentence)
    assert denies_other("Does Bitwarden encrypt my data?", "Your data is never sent without first being encrypted.")


def test_which_organisation_a_named_company_uses_is_an_open_question_answered_from_a_passage_naming_it():
    from qa.search.details import ORGANISATION
    from qa.search.phrases import COMPANY_SOLD
    from qa.search.verdict import question_kind

    assert question_kind("Which company does OKX use for ID verification?") == "open"
    assert question_kind("Which companies do they share my data with?") == "open"
    assert question_kind("Which companies sell my data?") == question_kind("Which companies do not sell it?") == "yes-no"
    assert ORGANISATION.search("We currently use identity verification services provided by Sumsub.")
    assert not ORGANISATION.search("These services are provided by us and by the company.")
    import re
    assert not re.search(COMPANY_SOLD, "Who processes my payments when I buy a the company subscription?", re.I)
    assert re.search(COMPANY_SOLD, "What if someone buys the company?", re.I)


@pytest.mark.parametrize(("question", "names"), [
    ("does dune use google analytics", ["Google Analytics"]),
    ("does concero use mailchimp for their newsletters", ["Mailchimp"]),
    ("which payment provider processes devcon ticket payments, is it stripe?", ["Stripe"]),
    ("does bitwarden share my data with facebook for ads?", ["Facebook"]),
    ("does imdb share my watchlist with netflix", ["Netflix"]),
    ("does hoyoverse share my account info with tencent", ["Tencent"]),
    ("do they sell my data to google or amazon?", ["Google|Amazon"]),
    ("ISO 27001 - which of these are certified or compliant?", ["ISO"]),  # an acronym opening the question
    ("FYI does Concero sell my data?", ["Concero"]),
    ("can they get my info from places like companies house or linkedin?", []),  # a thing like it will do
    ("will mozilla respond to my request even though I don't live in the EU?", []),
    ("does dune use analytics?", []),
])
def test_services_typed_in_lower_case_are_names(question, names):
    """A user types "google analytics" as often as "Google Analytics": either way a policy that never writes it
    does not say (a cookie sentence is no "yes" to it)."""
    assert named_things(question) == names
    if names:
        assert unwritten(named_things(question), "We use cookies to measure how our site is used.") == names


def test_a_transfer_framework_is_one_name_not_a_place():
    """"the EU-U.S. Data Privacy Framework" names the framework (written "Data Privacy Framework" or "DPF"), not the
    USA and a "Framework" a policy must write."""
    question = "Is Grammarly part of the EU-U.S. Data Privacy Framework?"
    assert named_things(question) == ["Grammarly", "DPF"]
    assert unwritten(["DPF"], "We comply with the EU-U.S. Data Privacy Framework.") == []
    assert unwritten(["DPF"], "We rely on the EU-U.S. DPF and its UK Extension.") == []
    assert unwritten(["DPF"], "We use standard contractual clauses for transfers to the U.S.") == ["DPF"]



@pytest.mark.parametrize(("question", "text", "unsaid"), [
    ("are bumble chats end-to-end encrypted?", "All communications with us are encrypted via the HTTPS protocol.", True),
    ("are bumble chats end-to-end encrypted?", "Your messages are end-to-end encrypted.", False),
    ("Is my Wix site data encrypted at rest on their servers?",
     "We offer HTTPS secure access to most areas of our Services.", True),
    ("Does Magnite encrypt the data it stores about me?", "Data stored in our databases is encrypted.", False),
    ("Does IBM Cloudant encrypt my data at rest?", "All data is encrypted in transit and at rest.", False),
    ("Do you encrypt my data, either when it's sent or when it's stored?",
     "When we transmit data over the Internet, we protect it using encryption.", False),  # either will do
    ("Does Glassdoor collect biometric data like face scans or fingerprints?",
     "Individuals in this category include those who are the public face of the company.", True),
    ("Does Firefox collect biometric data like Face ID?", "…such as our anti-fingerprinting work.", True),
    ("Does Bumble use facial recognition?", "This scan can include the use of facial recognition technology.", False),
    ("Does Cloudflare require or offer two-factor authentication?", "We commit to providing security.", True),
    ("Do they use cookies or web beacons?", "We use web beacons.", False),  # either answers
    # card details: not "bankruptcy", not "financial" firms data is shared with
    ("Does OpenSea store my credit card number?", "In the event of an insolvency, bankruptcy, or receivership…", True),
    ("Does Shockwave keep my card details?", "…consumer products, telecom, financial, military…", True),
    ("Does Zillow store my credit card number?", "We use third-party payment tools to process payment information.",
     False),
    ("Is my card data stored?", "We never hold your bank details.", False),
    # being told of the police's request: a notice beside the request, not a disclosure alone
    ("If the police ask Viber for my data, will Viber let me know?",
     "We may disclose your data to law enforcement where required by law. We will notify you of changes.", True),
    ("will X notify me if police or the government ask for my data?",
     "We share data with law enforcement when the law requires. We attempt to notify Members about legal demands for "
     "their personal data when appropriate.", False),
    ("Will Wikipedia tell me before giving my data to the police?",
     "We are committed to notifying you via email before we disclose your Personal Information in response to a "
     "legal demand from the government.", False),
    ("If I comment on someone's WordPress.com blog, can the site owner see my email and IP address?",
     "If you leave a comment, your IP address and email address may be shared with the site's administrator.", False),
    ("Does the Gumb app access the contacts on my phone?", "If you contact us by email, we process your data.", True),
    ("Does the WebCrawler app read the contacts stored on my phone?",
     "With your permission, the app may have access to contacts on your device.", False),
    ("If I stop using my Starbucks account for a few years, will they automatically delete it?",
     "You can delete your account at any time.", True),
    ("If I stop using Tinder for a long time, will they close my account automatically?",
     "We will close your account automatically if you are inactive for two years.", False),
    ("Does happn have an incognito mode so I can browse profiles without being seen?",
     "Your profile is visible to other members you cross paths with.", True),
    ("Does Badoo have an incognito mode?", "In Incognito mode, only people you like can see your profile.", False),
    ("I sent Bluesky a request for a copy of my data. How long should it take them to respond?",
     "In the UK, EU, and Brazil, our policy is to resolve simple requests within 30 days.", False),
    ("If the police ask Wire for my messages, will Wire tell me?",
     "We will inform you of any request from law enforcement unless the law prohibits it.", False),
    ("how long does qiwi have to respond to my GDPR request", "If you make a request, we have one month to respond.",
     False),
    ("Does Visible record calls when I contact customer support?",
     "When you contact us or we contact you, we may monitor or record that communication.", False),
    ("Does Visible record calls when I contact customer support?",
     "We record your communications preferences.", True),
    ("If the police or a court ask Scaleway for my data, can they warn me first?",
     "Scaleway may receive requests from competent authorities to transmit certain data. In this case, and to the "
     "extent that Scaleway is legally entitled to do so, Scaleway may inform its customers in advance.", False),
    # reports, scanning, drivers, devices, wallets, appeals, health: a policy never writing them says nothing of them
    ("Does TikTok publish a transparency report showing how many government data requests it gets?",
     "We value transparency. We may disclose data to law enforcement.", True),
    ("Does Roblox publish a transparency report?", "See our Transparency Report for the requests we receive.", False),
    ("does paypal have a bug bounty program", "…information related to your vulnerability, vulnerability-related "
                                              "information provided…", True),  # a customer's, not a software flaw
    ("does paypal have a bug bounty program", "Security researchers may report a vulnerability to us.", False),
    ("Does Uschovna scan uploaded files for viruses?", "We collect the files sent and their recipients.", True),
    ("Does Uschovna scan uploaded files for viruses?", "Uploaded files are checked for malware.", False),
    ("Our office got hit by ransomware because our own antivirus was out of date. Do any of these IT companies say "
     "they're responsible for our own security set-up?", "We cannot be held responsible for your own security.",
     False),  # the scene, not a thing asked
    ("Is the Honkai: Star Rail anti-cheat a kernel-level driver that runs on my PC all the time?",
     "Our anti-cheat system collects device data to detect cheating.", True),
    ("can arc access my microphone or camera", "If you allow access, Arc will read and display this information.",
     True),
    ("can arc access my microphone or camera", "Arc may use your microphone for voice search.", False),
    ("I'm a bit paranoid about cameras. Does Bolt record video inside my car?",
     "We record trip audio where the feature is on.", True),  # audio is a microphone's
    ("Does Flickr upload my whole camera roll?", "Photos from your device may be uploaded automatically.", False),
    ("do overleaf's offices have CCTV cameras recording visitors?", "Our offices use CCTV for security.", False),
    ("Does OpenSea store my wallet's private keys or seed phrase?", "You connect your wallet to the Services.", True),
    ("If Exponential denies my privacy request, can I appeal the decision?",
     "You may participate in contests sponsored by us.", True),
    ("If GitHub denies my request, can I appeal?", "You have the right to appeal that decision.", False),
    ("Does Amazon collect health or fitness data about me?", "We collect your name, address and payment details.",
     True),
    ("Does Amazon collect health or fitness data about me?", "We collect data from your fitness tracker.", False),
    ("Spotify denied my deletion appeal. Can I complain to my state attorney general?",
     "You may appeal our decision by contacting us.", True),
    ("Can my spouse submit a data access request on my behalf as an authorized agent?",
     "You have the right to access your data upon request.", True),
    ("Can my spouse submit a data access request as an authorized agent?",
     "You may designate an agent to make a request on your behalf.", False),
    ("Will Zora make me upload a passport or government ID to verify my identity?",
     "We share data with government agencies and law enforcement.", True),  # not an identity document
    ("does fedex collect my drivers license number??", "We may collect your driver’s license number.", False),
    ("does bolt use my phone's accelerometer to score harsh braking or fast acceleration?",
     "We collect contact data and location data.", True),
    ("Does Forbes track whether I'm using an ad blocker?", "We detect ad blocking software.", False),
    ("Does Parler share my profile info or activity with political campaigns or PACs?",
     "Lounge creators may see member activity.", True),
    ("I have a Ring doorbell and a smart thermostat. Does Allstate collect data from smart home devices?",
     "We collect information about the computer, tablet, smartphone or other device you use.", True),
    ("Can I password-protect a WeTransfer download link?", "You provide your email address and password.", True),
    ("does finnair track what websites i visit on the inflight wifi",
     "Our partners log the websites you visit and your browsing history.", True),
    ("does finnair track what websites i visit on the inflight wifi",
     "Our onboard Wi-Fi partner logs the websites you visit.", False),
    # how one pays is no fee asked; a location in a list of data is the user's
    ("can i pay for proton with cash so it's anonymous", "Anonymous cash or Bitcoin payments are accepted.", False),
    ("Will I have to pay for a copy of my data?", "We will send you a copy.", True),
    ("What happens to my account after I die? Can my family have it memorialized?",
     "We share information when there is a risk of death.", True),
    ("Can my family have my account memorialized?", "Accounts of deceased users can be closed by family.", False),
    ("Does hi5 run background checks or screen users against sex offender registries?",
     "We collect biometric information with your consent.", True),
    ("Do they get people's details from bought-in lists?", "Customers give us their details.", True),
    ("Could they sell our staff contact list to other companies?", "We never sell your data.", False),  # no phone's
    ("If I ask Concero for a copy, might they want me to prove it's really me?", "We reply within 28 days.", True),
    ("If I ask Concero for a copy, might they want me to prove it's really me?", "We may ask for proof of identity.",
     False),
    ("Which of these companies buy personal data or get contact lists from list brokers?",
     "Customers give us their details when they place an order.", True),
    ("If one of these IT firms gets bought out or merges with another company, could my data be handed over?",
     "We may share your personal data with our suppliers.", True),
    ("If one of these IT firms gets bought out or merges with another company, could my data be handed over?",
     "As part of a sale or merger, customer information will be one of the transferred assets.", False),
    ("does visible collect my location when I use their wireless service?",
     "This includes wireless network and device information, including location, IP address.", False),
])
def test_specific_things_a_policy_must_write(question, text, unsaid):
    from qa.search.specific import specific_things, unmentioned

    assert unmentioned(specific_things(question), text) is unsaid


@pytest.mark.parametrize(("question", "text", "unsaid"), [
    ("Does Tumblr respect the Global Privacy Control (GPC) signal from my browser?",
     "We also respect the GPC browser signal and will treat it as a valid means of communicating your desire.", False),
    ("Does Nextdoor honor my browser's Do Not Track signal?",
     "Our systems are not currently configured to accept browsers’ “Do Not Track” signals.", False),
    ("does cloudflare honor the do not track setting in my browser",  # another signal
     "Cloudflare responds to GPC signals by processing them as a request to opt out.", True),
    ("Does Spotify honor Do Not Track signals?", "Some browsers transmit Do Not Track signals.", True),
])
def test_a_browser_signal_asked_is_written_with_what_the_company_does_with_it(question, text, unsaid):
    """The signal is one name however a question writes it ("Global Privacy Control", "do not track"), and a policy
    writes what it does with one when it respects, accepts, honours… it."""
    from qa.search.specific import specific_things, unmentioned

    names = [n for n in named_things(question) if n in ("GPC", "DNT")]
    assert names == [("GPC" if "Global" in question else "DNT")]
    assert (unmentioned(specific_things(question), text) or bool(unwritten(names, text))) is unsaid


@pytest.mark.parametrize(("sentence", "verdict"), [
    ("These cookies are automatically enabled and cannot be turned off because they are essential.", NO),
    ("If you have not opted in to our marketing, we will not contact you.", YES),  # the company's "not"
])
def test_what_cannot_be_done_to_a_thing_denies_the_user_it(sentence, verdict):
    assert asked_verdict("can i turn off samsung's essential cookies on their website?", NO, sentence) == verdict


def test_a_request_the_company_will_not_accept_is_denied_to_the_user():
    question = "Can I just go to Pixiv's Tokyo office and make my data disclosure request in person?"
    assert asked_verdict(question, NO, "Further, we will not accept requests made in person at our office.") == NO
    question = "can i see which passenger gave me a 1 star rating on bolt"  # what the user will not see
    assert asked_verdict(question, NO, "You won’t see individual ratings or know which Passenger gave which feedback.") == NO
    assert asked_verdict(question, NO, "We won't sell your ratings.") == YES  # (the company's "not")


def test_essential_cookies_are_a_thing_a_policy_must_write():
    from qa.search.specific import specific_things, unmentioned

    things = specific_things("can i switch off the essential cookies?")
    assert not unmentioned(things, "Strictly necessary cookies are always active.")
    assert unmentioned(things, "We use analytics cookies to count visits.")


@pytest.mark.parametrize(("question", "sentence", "uses"), [
    ("Does The Reach Group use Google Analytics on its websites?",
     "The IP address transmitted by your browser in the context of Google Analytics is not merged with other data.", True),
    ("does dune use google analytics", "Google Analytics does not collect your name.", True),
    ("Does X use Google Analytics?", "We do not use Google Analytics.", False),
    ("Does X use Google Analytics?", "Google Analytics is not used on our site.", False),
    ("I'm a lawyer using Westlaw - does Thomson Reuters sell my personal information?",  # the scene, not the question
     "Thomson Reuters does not sell the personal information of users of its services (including Westlaw).", False),
])
def test_a_service_written_beside_another_denial_is_used(question, sentence, uses):
    from qa.search.asked_names import uses_named

    used = uses_named(question)  # (None: the question asks of no service's use)
    assert (used is not None and used(sentence)) is uses


def test_what_is_not_presently_possible_is_denied_to_the_user():
    sentence = "Where you use our apps, it is not presently possible to opt-out of these similar technologies."
    assert asked_verdict("Can I opt out of analytics tracking in the Daily Mail app?", NO, sentence) == NO


def test_only_in_a_sentence_setting_the_scene_asks_nothing_only():
    from qa.search.readings import asks_only

    assert not asks_only("I always assumed only algorithms look at my stuff. Do actual humans ever review my info?")
    assert asks_only("Do they only use session cookies?")


def test_a_two_step_process_is_no_two_factor_login():
    from qa.search.specific import specific_things, unmentioned

    things = specific_things("can i turn on two-factor authentication for my dailymotion account?")
    assert unmentioned(things, "Opting back in is an easy two-step process: you request it, then confirm.")
    assert not unmentioned(things, "You can turn on two-step verification in your settings.")


def test_ai_is_written_as_artificial_intelligence_or_machine_learning():
    [ai] = [n for n in named_things("Does X use my posts to train its AI?") if n == "AI"]
    assert not unwritten([ai], "We may use it to help train our machine learning or artificial intelligence models.")
    assert unwritten([ai], "We use your posts to show you relevant content.")


@pytest.mark.parametrize(("question", "sentence", "verdict"), [
    # the scene before the question neither asks "without…?" nor hides a "can I…?"
    ("The admin of my sports club created a Gumb account for me without asking. Can I get it deleted?",
     "If a data subject does not agree with the creation of the account, they can delete the account themselves.", YES),
    ("I deactivated my ASKfm profile a few months ago because of exams. Can I still restore it?",
     "You should ordinarily be able to restore your account within 12 months, but we cannot guarantee that this will "
     "always be the case.", YES),  # a guarantee disclaimed denies the user nothing
    ("I applied for ThryvPay. Can I opt out of Thryv's profiling of me for that?",
     "To the extent you chose to use Thryv's financial products, you do not have an option to opt-out of this practice.",
     NO),
])
def test_a_question_set_in_a_scene_is_read_by_its_asking_sentence(question, sentence, verdict):
    from qa.search.readings import asks_without

    assert not asks_without(question)
    assert asked_verdict(question, NO, sentence) == verdict


def test_a_set_number_of_days_or_years_asks_for_a_length_of_time():
    question = "Which companies actually say how long they keep my data, like a set number of days or years?"
    assert not all(d.search("We keep it for as long as needed to provide the Services.") for d in demanded(question))
    assert all(d.search("We keep the recordings for 30 days.") for d in demanded(question))


@pytest.mark.parametrize("question, topic", [
    ("we'd have to give our IT provider admin logins. which of these companies say they collect or hold passwords?",
     "data-collected"),
    ("Do they store passwords securely?", "security"), ("Are my passwords safe with Concero?", "security"),
    ("I rang the 23T service desk and had a rant. Will they have a recording of that call?", "data-collected"),
])
def test_passwords_collected_or_held_are_data_collected_and_kept_safe_are_security(question, topic):
    assert cued_topics(question, ["data-collected", "security"])[0] == topic
