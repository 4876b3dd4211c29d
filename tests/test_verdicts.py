"""Verdicts on the answer path with a fake practice model: yes / no / not stated, the deciding sentence,
the literal-answer guard, questions over many policies, and the compare grid's cells."""

from __future__ import annotations

import numpy as np
import pytest

from qa.config import BuildSettings, RetrievalSettings
from qa.index.build import build_index
from qa.search.engine import Engine
from qa.search.practice import PracticeModel
from qa.search.verdict import NO, NOT_STATED, OPEN, STATED, YES, YES_NO, question_kind
from tests.conftest import FakeEmbedder
from tests.fakes import word_slot

DIM = 1024  # wide, so that no other word of these policies shares a slot with a head's words
TOPICS = ("sale", "retention")
WORDS = {"sale": ("sell", "sells", "sold"), "retention": ("keep", "retain", "days")}


def wide(model: str = "fake-embedder") -> FakeEmbedder:
    return FakeEmbedder(model, dimension=DIM)


def fake_practice(dimension: int = DIM) -> PracticeModel:
    """Topic heads that fire on their words, a stance head that fires on "not"/"never"; the question head
    is the topic head (the fake embedder embeds questions and sentences alike)."""
    topic = np.zeros((len(TOPICS), dimension), dtype=np.float32)
    for i, name in enumerate(TOPICS):
        for word in WORDS[name]:
            topic[i, word_slot(word, dimension)] = 40.0
    negated = np.zeros((1, dimension), dtype=np.float32)
    for word in ("not", "never"):
        negated[0, word_slot(word, dimension)] = 40.0
    bias = np.full(len(TOPICS), -4.0, dtype=np.float32)
    layers = {"topic": [(topic, bias)], "negated": [(negated, np.array([-4.0], dtype=np.float32))],
              "question": [(topic, bias)]}
    config = {"topics": list(TOPICS), "dimension": dimension, "thresholds": [0.5] * len(TOPICS),
              "question_threshold": 0.5, "stance_threshold": 0.5, "embedding": {"model": "fake-embedder"}}
    return PracticeModel(layers, config)


POLICIES = {
    "never": "Never Ltd Privacy Notice\n\nWe collect your name and email address.\n\n"
             "Never Ltd does not sell personal information about our customers.\n\nWe keep records for 30 days.",
    "seller": "Seller Inc Privacy Policy\n\nWe collect your name.\n\nWe sell your contact details to partners.\n",
    "silent": "Silent Co Privacy Policy\n\nWe collect your name and postal address to deliver orders.\n",
}


def write_policies(folder, policies: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for pid, text in policies.items():
        (folder / f"{pid}.txt").write_text(text, encoding="utf-8")


# The fake embedder's cosines say nothing of how near a sentence is to a question: no score bars a policy's row
# when several are asked (`RetrievalSettings.across_score`) unless a test sets one.
ANY_SCORE = float("-inf")


def engine_over(tmp_path, policies: dict[str, str], abstain_below: float = 0.0,
                across_score: float = ANY_SCORE) -> Engine:
    """An engine over `policies` (id -> text) built in `tmp_path` with the fake embedder and practice model,
    no reranker; the dense threshold `abstain_below` (0: every policy passes it)."""
    write_policies(tmp_path / "policies", policies)
    build_index(tmp_path / "policies", tmp_path / "index", BuildSettings(model="fake-embedder"), wide)
    return Engine.open(tmp_path / "index", embedder_factory=wide, reranker="none", practice=fake_practice(),
                       settings=RetrievalSettings(abstain_below=abstain_below, across_score=across_score))


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("verdicts")
    write_policies(root / "policies", POLICIES)
    build_index(root / "policies", root / "index", BuildSettings(model="fake-embedder"), wide)
    # Without a reranker a policy must also pass the dense threshold; the fake's cosines are low, so none here.
    return Engine.open(root / "index", embedder_factory=wide, reranker="none",
                       practice=fake_practice(), settings=RetrievalSettings(abstain_below=0.0, across_score=ANY_SCORE))


@pytest.mark.parametrize("question, kind", [
    ("Does Concero sell my data?", YES_NO), ("Can I delete my account?", YES_NO),
    ("Which companies sell my data?", YES_NO), ("Is my data transferred abroad?", YES_NO),
    ("And which of all these companies sell my data?", YES_NO), ("Which of them share my data?", YES_NO),
    ("Concero looks after our network. Can their engineers read our files?", YES_NO),
    ("How long do they keep call recordings?", OPEN), ("Who is the DPO?", OPEN),
    ("when I log a support call with CI, might they pull diagnostic info off my system?", YES_NO),
    ("When will they reply, do you know?", OPEN),
    ("What data do you collect?", OPEN), ("and who do they share it with?", OPEN),
    ("if i ring concero will they record the call?", YES_NO), ("If I leave how long will they keep it?", OPEN),
    ("If I delete my account what happens to my data?", OPEN), ("When do they delete it?", OPEN),
    ("I'm a teacher at a school that uses Concero - does Concero see our MIS data?", YES_NO),
    ("I'm applying for a job at 23Technology - what do they do with my CV?", OPEN),
    ("Which of CT1 and CloudSentric transfer data abroad?", YES_NO), ("Which of the rights do I have?", OPEN),
])
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_yes_no_and_not_stated_per_policy(engine):
    answer = engine.answer("Which companies sell my data?")
    assert answer.kind == YES_NO and answer.topics == ("sale",)
    verdicts = {row.policy: row.verdict for row in answer.rows}
    assert verdicts == {"never": NO, "seller": YES, "silent": NOT_STATED}
    never = next(r for r in answer.rows if r.policy == "never")
    assert "does not sell" in never.quotes[0].text
    text = engine.policies["never"].text
    assert all(text[q.start:q.end] == q.text for q in never.quotes)
    assert {v: sorted(names) for v, names in answer.summary().items()} == {
        NO: [engine.policies["never"].name], YES: [engine.policies["seller"].name],
        NOT_STATED: [engine.policies["silent"].name]}


@pytest.mark.parametrize("question", ["Which companies don't sell my data?", "Which companies never sell my data?",
                                      "Which companies say they will never sell my data?"])
def test_a_question_asking_who_does_not_is_answered_as_its_affirmative(engine, question):
    """Each verdict is about the practice: "No" is a company that does not sell, as the summary says."""
    answer = engine.answer(question)
    assert answer.interpreted_as != question and "n't" not in answer.interpreted_as
    assert "never" not in answer.interpreted_as
    assert {row.policy: row.verdict for row in answer.rows} == {"never": NO, "seller": YES, "silent": NOT_STATED}


@pytest.mark.parametrize("question, verdict, sentence, expected", [
    ("Which companies let me access my data for free?", YES, "obtain from CloudSentric, for a prescribed fee, "
     "confirmation that personal data is held", NO),
    ("Can I get a copy of my data for free?", NO, "We will not charge you for a copy of your data.", YES),
    ("Can I get a copy of my data for free?", YES, "Feel free to contact us for a copy.", YES),  # no fee named
    ("Can I get a copy of my data?", NO, "You cannot obtain a copy of marketing data.", NO),  # denies the user it
    ("Can I get a copy of my data?", NO, "We do not keep paper copies; you can ask for a digital one.", YES),
    ("can I see the profile they create about me?", NO, "A **profile** will be created in the system. **You will not "
     "have access to this profile.**", NO),  # denies the user access
    ("Can I see my data?", NO, "You do not have to pay a fee to access your data.", YES),
    # kept forever: read from the bound the quote gives
    ("Does CT1 keep my data forever?", YES, "We keep personal data only for as long as is reasonably necessary.", NO),
    ("Do they keep my data forever?", YES, "Your data may be kept for a maximum period of five (5) years.", NO),
    ("Do they keep my data forever?", YES, "We delete it once the retention period expires.", NO),
    ("Do they keep my data forever?", NO, "Anonymised data may be retained indefinitely.", YES),
    ("Do they keep my data forever?", YES, "We keep your records on our servers.", YES),  # neither: as it was
    ("Do they keep my data forever?", YES, "Your account will be permanently deleted after inactivity.", NO),
    ("Do they keep my data forever?", YES, "We are under no obligation to store such information indefinitely.", NO),
])
def test_the_questions_wording_reads_the_quote_a_fee_a_bound_or_a_denial_of_the_user(question, verdict, sentence,
                                                                                     expected):
    from qa.search.readings import asked_verdict

    assert asked_verdict(question, verdict, sentence) == expected


@pytest.mark.parametrize("question, read", [
    ("Does Concero not sell my data?", "Does Concero sell my data?"), ("Don't they sell my data?", "Do they sell my data?"),
    ("Won't CT1 tell me about a breach?", "Will CT1 tell me about a breach?"),
    ("Which companies do not honour Do Not Track?", "Which companies honour Do Not Track?"),
    ("Can I not receive marketing?", "Can I not receive marketing?"),  # the user's own "not"
    ("Can cloudsentric pass my data to a company it isn't affiliated with?",
     "Can cloudsentric pass my data to a company it isn't affiliated with?"),  # not the main verb's
    ("Does 23T honour do not track?", "Does 23T honour do not track?"), ("What data do they not collect?",
                                                                         "What data do they not collect?"),  # open
    ("Can CloudSentric's customers tell it not to send them promotions?",
     "Can CloudSentric's customers tell it not to send them promotions?"),  # an infinitive's "not"
    # what the company says it does not do, asked as what it says it does ("No — “We keep personal data only…”")
    ("Does CT1 say it doesn't keep data longer than necessary?",
     "Does CT1 say it does keep data longer than necessary?"),
])
def test_only_the_main_verbs_negation_is_turned(question, read):
    from qa.search.verdict import affirmative

    assert affirmative(question) == read


def test_open_question_is_stated_or_not(engine):
    answer = engine.answer("How long do you keep records?", policies=["never", "silent"])
    verdicts = {row.policy: row.verdict for row in answer.rows}
    assert verdicts == {"never": STATED, "silent": NOT_STATED}
    assert answer.to_dict()["answers"][0]["verdict"] in (STATED, NOT_STATED)


def test_practice_decides_alone_for_the_grid(engine):
    answer = engine.answer("Tell me about it", policies=["seller"], practice="sale")
    assert answer.rows[0].verdict == STATED and "sell" in answer.rows[0].quotes[0].text
    with pytest.raises(ValueError, match="unknown practice"):
        engine.answer("Tell me about it", policies=["seller"], practice="cookies")


def test_a_list_item_says_what_its_lead_in_says_of_it(tmp_path):
    """The item "sell your data to brokers;" decides a sale; its lead-in denies it ("We do not do any of the
    following:"), so the verdict is "no"; a lead-in with an exception denies nothing."""
    engine = engine_over(tmp_path / "a", {
        "lister": "Lister Ltd Privacy\n\nWe do not do any of the following:\n\n* sell your data to brokers;\n"
                  "* publish your name.\n",
        "excepter": "Excepter Ltd Privacy\n\nWe do not share your data except as follows:\n\n"
                    "* we sell your data to brokers;\n* we publish your name.\n"})
    rows = {row.policy: row for row in engine.answer("Do they sell my data?").rows}
    assert "sell your data to brokers" in rows["lister"].quotes[0].text
    assert (rows["lister"].verdict, rows["excepter"].verdict) == (NO, YES)


def test_many_policies_start_from_one_search(tmp_path):
    policies = {f"firm{i:02d}": f"Firm {i:02d} Privacy\n\nWe collect your name.\n\n" +
                ("We never sell your data.\n" if i % 3 == 0 else "We sell your data to brokers.\n" if i % 3 == 1
                 else "We use cookies.\n") for i in range(20)}
    engine = engine_over(tmp_path, policies)
    calls = []
    search = engine.search
    engine.search = lambda *a, **kw: calls.append(kw.get("policies")) or search(*a, **kw)  # type: ignore[method-assign]
    answer = engine.answer("Which companies sell my data?")
    assert len(answer.scope) == 20 and len(answer.rows) == 20 and answer.unchecked == 0
    assert calls[0] is None and len(calls) == 1 + 10  # one search over all, then the ten decided in full
    expected = {pid: NO if i % 3 == 0 else YES if i % 3 == 1 else NOT_STATED
                for i, pid in enumerate(sorted(policies))}
    assert {row.policy: row.verdict for row in answer.rows} == expected



def test_over_many_policies_one_that_never_writes_a_name_asked_does_not_say(tmp_path):
    """18 sellers, 3 naming Acme: "…sell my data to Acme?" is "yes" for those 3 and "not stated" for the
    others, the 10 decided in full and the 8 the practice model decides alone (before: "yes" for those 8)."""
    policies = {f"firm{i:02d}": f"Firm {i:02d} Privacy\n\nWe collect your name.\n\n" +
                ("We use cookies.\n" if i % 4 == 0 else "We sell your data to brokers such as Acme.\n" if i < 4
                 else "We sell your data to brokers.\n") for i in range(24)}
    engine = engine_over(tmp_path, policies)
    answer = engine.answer("Which companies sell my data to Acme?")
    assert len(answer.rows) == 24
    assert {row.policy for row in answer.rows if row.verdict == YES} == {"firm01", "firm02", "firm03"}
    assert all(row.verdict == NOT_STATED and row.abstained for row in answer.rows if row.policy not in
               {"firm01", "firm02", "firm03"})


def test_over_many_policies_a_model_that_reads_text_encodes_only_the_first_ones(tmp_path, monkeypatch):
    """A cold cache never makes one question encode every policy: the ten answered in full are encoded, the
    others are not decided (and the summary says so) until their practices are read, as a build does."""
    from qa.search.wording import summary_line

    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "cache"))
    policies = {f"firm{i:02d}": f"Firm {i:02d} Privacy\n\nWe collect your name.\n\n" +
                ("We never sell your data.\n" if i % 2 else "We sell your data to brokers.\n") for i in range(20)}
    engine = engine_over(tmp_path, policies)
    encoded: list[str] = []
    model = engine.practice
    model.encoder_config, model.folder = {"sha256": "fake", "max_length": 32}, tmp_path  # reads bare text

    def encode(texts):
        encoded.extend(texts)
        return wide().embed(list(texts))
    model.encode = encode
    answer = engine.answer("Which companies sell my data?")
    assert len(answer.scope) == 20 and len(answer.rows) == 10 and answer.unchecked == 10
    assert summary_line(answer).endswith(" · 10 not decided")
    assert len({t[:7] for t in encoded if t.startswith("Firm ")}) == 10  # the texts of ten policies, no more
    engine.read_practices()
    again = engine_over(tmp_path / "again", policies)
    again.practice.encoder_config, again.practice.folder, again.practice.encode = model.encoder_config, tmp_path, encode
    settled = again.answer("Which companies sell my data?")
    assert len(settled.rows) == 20 and settled.unchecked == 0
    assert {row.policy: row.verdict for row in settled.rows} == {
        pid: NO if i % 2 else YES for i, pid in enumerate(sorted(policies))}

def test_literal_first_stage_answer_stays_first(engine):
    from qa.search.reranker import keep_literal as _keep_literal
    from qa.types import Hit

    def hit(pid, text, score, probability=None):
        return Hit(policy="p", name="P", section="", start=0, end=len(text), text=text, score=score, passage_id=pid,
                   probability=probability)

    literal, paraphrase = hit("a", "We do not and will not sell personal information.", 0.9), \
        hit("b", "You can opt out of promotional emails.", 0.8)
    reranked = {"p": [hit("b", paraphrase.text, 0.8, 0.3), hit("a", literal.text, 0.9, 0.1)]}
    kept = _keep_literal({"p": [literal, paraphrase]}, reranked, ["sell"])
    assert [h.passage_id for h in kept["p"]] == ["a", "b"] and kept["p"][0].probability == 0.3
    assert kept["p"][0].score == 0.9  # its retrieval score stays its own
    # a reranker whose first passage holds the terms keeps its order
    assert _keep_literal({"p": [literal]}, {"p": [hit("c", "We never sell data.", 0.7, 0.5), literal]},
                         ["sell"])["p"][0].passage_id == "c"


@pytest.mark.parametrize("question, details", [
    ("How long does Concero keep phone call recordings?", ["time", "call recording"]),
    ("When I ring CloudSentric to place an order, is the call recorded?", ["call recording"]),
    ("When a Concero engineer remotes onto my PC, is that session recorded?", ["call recording"]),
    ("Will CT1 tell me if my data is caught up in a data breach?", ["breach notification", "breach notice"]),
    ("If Discord gets hacked, will they notify me?", ["breach notice"]),
    ("If I suspect my account was hacked, who do I contact?", []),
    ("What is CT1's postal address?", ["address"]), ("Does YouTube Kids collect my child's name or home address?", []),
    ("whats the minimum age for a steam account", ["age"]), ("How old do you have to be to get an account?", ["age"]),
    ("Is there an age limit for using it?", ["age"]), ("Can my 14 year old use it?", ["age"]),
    ("My 12 year old wants a Twitter account, is that allowed?", ["age"]), ("my sister is 17, can she use it?", ["age"]),
    ("my 16 yr old uses the starbucks app, do they sell or share his info for targeted ads?", []),
    ("Will any of these companies warn me before a major change to their privacy policy takes effect?",
     ["advance notice"]),
    ("Will they email me when they update the privacy notice?", ["told of a change"]),
    ("Which companies tell me about changes to the policy by email?", ["change told by email"]),
    ("Will they tell me before they share it?", []), ("Will they email me my data?", []),
    ("If I carry on using their services after a change, does that count as accepting it?", ["continued use"]), ("Has Concero ever been hacked?", ["breach notification"]),
    ("Do any of these companies say what they'll do if they have a data breach?", ["breach notification"]),
    ("when was concero's privacy notice last updated?", ["date"]),
    ("Who is Core Office's data protection officer?", ["data protection officer"]),
    ("How many days does CT1 have to respond to my subject access request?", ["time", "number of days"]),
    ("How many years does Concero keep my details after I stop being a customer?", ["time", "number of days"]),
    ("how quickly will they deal with it?", ["time"]),
    ("Which companies give a deadline for answering my request to access or delete my data?", ["time"]),
    ("What's 23T's postal address if I want to write to them about my data?", ["address"]),
    ("What is CloudSentric's registered office address?", ["address"]),
    ("Will 23T charge me for a copy of my personal data?", ["fee"]),
    ("Does Core Office charge a fee for a subject access request?", ["fee"]),
    ("Does 23T use my data for automated decision-making or profiling?", ["automated decisions"]),
    ("Can I object to CT1 profiling me?", ["automated decisions"]),
    ("Does CT1 use my data for automated decision making?", ["automated decisions"]),
    ("Is there a phone number I can ring 23T on about my personal data?", ["phone number"]),
    ("What email address can I use to contact Core Office about privacy?", ["email address"]),
    ("Does Concero sell my phone number to third parties?", []), ("Does CT1 collect my email address?", []),
    ("Do they look into our credit history before taking us on?", ["credit check"]),
    ("Does Core Office say when its preference cookies expire?", ["time"]),
    ("Does Concero sell my data?", []), ("Who is the DPO at Centerprise?", ["data protection officer"]),
    ("How do you protect my data against a breach?", []), ("Can I record what data you hold?", []),
    ("What's their email address?", ["email address"]), ("Do they keep my data safe?", []),
])
def test_the_details_a_question_asks_for(question, details):
    from qa.search.details import DETAILS, demanded

    asked = demanded(question)
    assert [name for name, _, gives in DETAILS if gives in asked] == details


@pytest.mark.parametrize("passage, gives", [
    ("we keep the recordings for 30 days", True), ("for as long as necessary to provide services", True),
    ("within one calendar month of receiving the request", True), ("It may take up to one week", True),
    ("We keep your records safely on our servers.", False), ("Contact us at privacy@example.com.", False),
])
def test_a_passage_gives_a_length_of_time(passage, gives):
    from qa.search.details import DETAILS

    time = next(pattern for name, _, pattern in DETAILS if name == "time")
    assert bool(time.search(passage)) is gives


@pytest.mark.parametrize("passage, gives", [
    ("we keep the recordings for 30 days", True), ("for seven (7) years after the contract ends", True),
    ("for as long as necessary to provide services", False), ("until you close your account", False),
])
def test_how_many_years_is_answered_by_a_number_of_them(passage, gives):
    from qa.search.details import DETAILS

    number = next(pattern for name, _, pattern in DETAILS if name == "number of days")
    assert bool(number.search(passage)) is gives


@pytest.mark.parametrize("passage, gives", [
    ("Decisions about you are never made by automated means.", True), ("We do not profile you.", True),
    ("We may automatically collect technical and usage data using cookies.", False),
])
def test_automatically_collecting_data_is_no_automated_decision(passage, gives):
    from qa.search.details import DETAILS

    automated = next(pattern for name, _, pattern in DETAILS if name == "automated decisions")
    assert bool(automated.search(passage)) is gives


def test_a_question_asking_for_a_detail_is_not_stated_where_no_passage_gives_it(tmp_path):
    """Both policies state retention (the practice model reads "keep"); only one says for how long."""
    engine = engine_over(tmp_path, {
        "timed": "Timed Ltd Privacy Notice\n\nWe keep call records for 30 days.\n",
        "vague": "Vague Ltd Privacy Notice\n\nWe keep call records safely on our own servers.\n"})
    verdicts = {row.policy: row.verdict for row in engine.answer("How long do you keep call records?").rows}
    assert verdicts == {"timed": STATED, "vague": NOT_STATED}
    said = {row.policy: row.verdict for row in engine.answer("Do you keep call records?").rows}
    assert said == {"timed": YES, "vague": YES}  # asked whether, not how long: both say so
    grid = engine.answer("How long do you keep call records?", policies=["vague"], practice="retention")
    assert grid.rows[0].verdict == STATED  # a grid's cell asks whether the practice is stated, nothing more


def test_a_sentence_repeating_the_questions_words_answers_below_the_threshold(tmp_path):
    """A question about no practice of the model: with a threshold no passage reaches, a policy is still
    answered by a sentence holding 2 of its 3 key terms ("size", "sector"), and not by one holding 1."""
    engine = engine_over(tmp_path, {
        "sized": "Sized Ltd Privacy Notice\n\nWe collect your company name, company size and sector.\n",
        "other": "Other Ltd Privacy Notice\n\nWe collect the size of your order.\n"}, abstain_below=0.99)
    rows = {row.policy: row for row in engine.answer("Do they record what size and sector my company is?").rows}
    assert rows["sized"].verdict == YES and "company size and sector" in rows["sized"].quotes[0].text
    assert rows["other"].verdict == NOT_STATED


def test_below_the_threshold_a_sentence_stating_the_practice_answers_as_a_related_passage(tmp_path):
    """No passage reaches the dense threshold and no sentence repeats the question's words ("retain",
    "anything"); a sentence stating the practice asked about (retention: "keep") still answers, labelled a
    related passage, and a policy stating no such practice stays "not stated"."""
    engine = engine_over(tmp_path, {"keeper": "Keeper Ltd Privacy Notice\n\nWe keep records for 30 days.\n",
                                    "silent": POLICIES["silent"]}, abstain_below=0.99)
    rows = {row.policy: row for row in engine.answer("Do they retain anything about me?").rows}
    assert rows["keeper"].verdict == YES and rows["keeper"].label == "related passage"
    assert "We keep records for 30 days." in rows["keeper"].quotes[0].text
    assert rows["silent"].verdict == NOT_STATED


def test_across_policies_a_row_needs_a_sentence_scoring_the_bar_or_writing_what_is_asked(tmp_path):
    """Over several policies a deciding sentence below `across_score` answers nothing ("not stated"), unless it
    writes what the question names; one policy asked alone is answered whatever its sentence scores."""
    policies = {"seller": POLICIES["seller"], "silent": POLICIES["silent"]}
    engine = engine_over(tmp_path / "low", policies)
    assert engine.answer("Which companies sell my data?").rows[0].verdict == YES
    barred = engine_over(tmp_path / "high", policies, across_score=100.0)
    assert {row.verdict for row in barred.answer("Which companies sell my data?").rows} == {NOT_STATED}
    assert barred.answer("Does Seller sell my data?").rows[0].verdict == YES  # one policy: no bar
    acme = engine_over(tmp_path / "acme", {**policies, "acme": "Acme Seller Ltd Privacy Policy\n\n"
                                                                "We sell your contact details to Zenith Marketing.\n"},
                       across_score=100.0)
    named = {r.policy: r.verdict for r in acme.answer("Which companies sell my data to Zenith Marketing?").rows}
    assert named == {"acme": YES, "seller": NOT_STATED, "silent": NOT_STATED}, named


@pytest.mark.parametrize("text, names_it", [
    ("We do not sell your personal information.", True), ("We may have sold data in the past year.", True),
    ("We share Purchase Information with sellers and service providers to deliver your order.", False),
    ("Contact the seller about your order.", False),
])
def test_a_sale_is_named_by_selling_not_by_sellers(text, names_it):
    from qa.search.cues import cued_topics
    from qa.search.practice_words import REQUIRED

    assert bool(REQUIRED["sale"].search(text)) is names_it
    assert ("sale" in cued_topics(text, ["sale"])) is names_it


@pytest.mark.parametrize("question, policy_text, said", [
    ("Does this track my location?", "We will share your order with a franchised location near you.", False),
    ("Does this track my location?", "We may collect your device's location with your permission.", True),
    ("do u share my location with anyone", "Our offices are in the same location as our warehouse.", False),
    ("Will my GPS data be shared?", "We use location data to show nearby stores.", True),
    ("Are my photos secure?", "Web beacons are small images embedded in pages.", False),
    ("Can it turn on my camera?", "We never access your camera.", True),
    ("do you record anything via my mic?", "When you call us, calls may be recorded.", False),
    ("Will this app use my microphone?", "Voice commands are processed on your device.", True),
    # the voice: a sentence on it, on audio or on recorded calls ("evaluate and improve the websites" is none)
    ("Does Windstream record my voice?", "We may use this information to evaluate and improve the websites.", False),
    ("Does 23T record my voice when I call?", "All our phone calls are recorded for training purposes.", True),
    ("Does it keep my voice recordings?", "You may provide your name, voice, or image.", True),
    ("Does it read my contacts list?", "We collect your name and email address.", False),
    ("Why do they need my contacts information?", "We collect your name and email address.", True),
    ("what permissions does the app require?", "We share data only with your permission.", False),
    ("does it require any special permissions?", "The app asks for permission to access your camera.", True),
])
def test_a_persons_location_or_photos_are_not_a_stores_location_or_a_beacons_image(question, policy_text, said):
    from qa.search.specific import specific_things, unmentioned

    assert unmentioned(specific_things(question), policy_text) is not said


def test_has_it_ever_been_hacked_asks_for_a_breach():
    from qa.search.details import demanded

    gives = demanded("has this system ever been hacked in the past?")
    assert gives and any(g.search("We had a security incident in 2019.") for g in gives)
    assert not any(g.search("We protect your data against unauthorised access.") for g in gives)


@pytest.mark.parametrize("question, security", [
    ("are my invoices safe.", True), ("Is my data kept safely?", True), ("How secure is my data?", True),
    ("would they hand over my info to protect someone else's safety?", False),
    ("Which companies train their staff on data protection?", True),
])
def test_is_it_safe_asks_about_security(question, security):
    from qa.search.cues import cued_topics

    assert ("security" in cued_topics(question, ["security"])) is security


@pytest.mark.parametrize("question, retention", [
    ("How long do you keep my data?", True), ("how long is information saved", True),
    ("Once I stop being a customer, how long do you hang on to my information?", True),
    ("how long do they have to reply?", False), ("How long will it take you to respond to my request?", False),
    ("how long will it take to delete my account", False),
    ("Which companies say they might keep my data because the law requires them to?", True),
    ("Once I leave, will you hang on to my information?", True), ("Do they keep my data safe?", False),
    ("Is it up to me to keep my contact details up to date?", False),
    ("Which companies keep my data in the UK?", False), ("Which companies keep my data only in the EU?", False),
])
def test_how_long_to_act_on_a_request_is_no_retention_question(question, retention):
    from qa.search.cues import cued_topics

    assert ("retention" in cued_topics(question, ["retention"])) is retention


@pytest.mark.parametrize("question, purposes", [
    ("Do any of these companies use my personal data to detect fraud?", True),
    ("Does Core Office use the data it collects for research?", True),
    ("Which companies use my data to improve their services?", True), ("What do they use my data for?", True),
    ("Who uses my data?", False), ("Does Concero use cookies to track me?", False),
])
def test_using_data_to_do_something_asks_about_purposes(question, purposes):
    from qa.search.cues import cued_topics

    assert ("purposes" in cued_topics(question, ["purposes"])) is purposes


@pytest.mark.parametrize("question, topic", [
    ("Who does Concero pass my details to when they set up our internet?", "sharing"),
    ("Which professional advisers might CT1 show my data to?", "sharing"),
    ("Does Concero send my details to its training suppliers?", "sharing"),
    ("Can I find out from CloudSentric what they hold on me?", "access"),
    ("Can I tell CloudSentric to stop sending me stuff about their new products?", "objection-marketing"),
])
def test_handing_data_on_seeing_what_is_held_and_stopping_mail_are_cued(question, topic):
    from qa.search.cues import cued_topics

    assert topic in cued_topics(question, [topic])
    assert not cued_topics("Does Concero send engineers to our school?", ["sharing"])
    assert not cued_topics("Can I send my data to you by post?", ["sharing"])  # to the company itself


@pytest.mark.parametrize("question, topics", [
    ("What happens to my data if Core Office is sold?", ["sharing"]),
    ("If the company gets bought, is my data sold?", ["sharing"]),
    ("will my data be sold to advertisers?", ["sale"]), ("if my data is sold who gets it?", ["sale"]),
    ("What does CloudSentric do with my email address?", []), ("What's their email address?", ["contact-dpo"]),
])
def test_the_company_sold_is_a_business_transfer_and_my_email_address_no_contact(question, topics):
    from qa.search.cues import cued_topics

    assert cued_topics(question, ["sale", "sharing", "contact-dpo"]) == topics


@pytest.mark.parametrize("question, transfers", [
    ("Which companies keep my data only in the EU?", True), ("Is my data stored only within the EEA?", True),
    ("Is my data kept in the UK only?", True), ("Do they send my data abroad?", True),
    ("Do they only keep my data for a year?", False), ("Is it only in some cases?", False),
    ("Where is my data stored?", True), ("Where does Discord keep my data?", True),
    ("Which companies send my data to the United States?", True), ("Is my data stored in the US?", True),
    ("Do they send my data to us?", False), ("Which companies keep my data in the UK?", True),
    ("Which countries does Zoom send my data to?", True), ("is the information about where i go stored?", False),
])
def test_only_in_the_uk_or_eu_asks_about_international_transfers(question, transfers):
    from qa.search.cues import cued_topics

    assert ("international-transfers" in cued_topics(question, ["international-transfers"])) is transfers


@pytest.mark.parametrize("text, mentioned", [
    ("In the event that you contact us we retain any correspondence.", False),
    ("In the unfortunate event of a data breach we shall tell you.", False),
    ("We will inform you of our latest events and services.", True),
    ("when you attend a meeting, webinar or event organised by us", True),
])
def test_in_the_event_that_names_no_event_a_person_attends(text, mentioned):
    from qa.search.specific import specific_things, unmentioned

    asked = specific_things("If I go to one of your events, what do you do with my details?")
    assert unmentioned(asked, text) is not mentioned


@pytest.mark.parametrize("term, text, found", [
    ("sharing", "We may share it.", True), ("accepting", "constitutes your acceptance", True),
    ("policy", "our policies", True), ("companies", "the company", True), ("sells", "we sold", False),
    ("recorded", "call recordings", True), ("emails", "by email", True),
])
def test_a_key_term_matches_the_other_forms_of_its_word(term, text, found):
    from qa.search.terms import terms_in

    assert (terms_in(text, [term]) == 1.0) is found


@pytest.mark.parametrize("sentence, vetoed", [
    ("If we learn that a child under the age of 13 has provided us with personal information, we will delete it.",
     True),
    ("Parents may request that we delete the personal information of their children.", False),
    ("You can ask us to delete your personal data.", False),
])
def test_deleting_a_childs_data_on_discovery_is_no_erasure_right(sentence, vetoed):
    from qa.search.practice_words import VETOES

    assert bool(VETOES["erasure"].search(sentence)) is vetoed


@pytest.mark.parametrize("sentence, denies", [
    ("We will not sell your data.", True), ("No personal data is transferred outside the UK.", True),
    ("We may share it with partners, including but not limited to payment processors.", False),
    ("If you do not want to receive marketing, you can unsubscribe at any time.", False),
    ("Please do not hesitate to contact us.", False), ("We delete it when it is no longer needed.", False),
    ("If you do not want emails, tell us; we will not pass your address on.", True),
    ("As you may or may not be aware the Data Protection Law will change on 25th May 2018.", False),
    ("These rights are not absolute and may be subject to certain conditions, but they typically include:", False),
    ("You have the right to ask us to not process your information for marketing purposes.", False),
    ("You have the right not to be subject to a decision based solely on automated processing.", False),
    ("You can ask us to stop sending emails, but we will not delete your data.", True),
    ("While we use reasonable efforts, no transmission of data over the internet can be guaranteed as completely "
     "secure.", False),
    ("We cannot be held responsible for your own security measures.", True),  # it denies responsibility
    # a signal's or a link's name denies nothing; a heading saying what the company does not do does
    ("We honour Do Not Track signals.", False), ("Click Do Not Sell My Personal Information to opt out.", False),
    ("*   We Do Not Sell Your Personal Information.", True),
    # a need that ends, the user's choice, a part of what is done
    ("If we no longer need your data, we will delete it or make it anonymous.", False),
    ("We do not need your phone number.", True),
    ("You can decide not to receive these emails at any time.", False),
    ("We do not record every call made to our customer service team.", False),
    ("We do not record calls made to our customer service team.", True),
    ("We may sell data as allowed under local laws, which may not require your consent for us to do so.", False),
    ("However, no one can guarantee the complete safety of your information.", False),
    ("Xanga does\xa0_not_\xa0provide any personally identifiable information to the advertiser.", True),  # emphasis
    ("If a data subject does not agree with the creation of the account, they can delete the account.", False),
    ("With your consent, we may share it with companies not affiliated with us.", False),
    ("If you have an active account with Vodafone, we will be unable to delete your personal data.", True),
    ("We facilitate calls between Riders and Drivers without sharing either party's actual phone number.", True),
    ("It is impossible to delete your entry without retaining residual information.", False),
    # an alternative set aside, a concession the main clause overrides
    ("When using the chat, you may be interacting with a generative AI platform and not a live person.", False),
    ("Although we do not sell personal data for monetary consideration, we do sell personal data for ads.", False),
    ("Although we do not sell personal data, we share it with partners.", True),
    ("This site is for human users, not robots or third-party sites, and may use cookies.", False),
])
def test_the_fallback_stance_ignores_words_that_deny_nothing(sentence, denies):
    from qa.search.verdict import negated_by_words

    assert negated_by_words(sentence) is denies


@pytest.mark.parametrize("check, question, asks", [
    ("asks_unlimited", "Can Core Office share my personal info with any third party it likes?", True),
    ("asks_unlimited", "can ct1's subcontractors do whatever they want with my data?", True),
    ("asks_unlimited", "Can anyone who works at CloudSentric look at my personal data?", True),
    ("asks_unlimited", "Are my data protection rights with CT1 absolute?", True),
    ("asks_unlimited", "Does Concero sell my data?", False), ("asks_unlimited", "Can I delete any data I want?", False),
    ("asks_unlimited", "Who can see my data?", False),
    ("asks_unlimited", "Could they pass my details on for a reason that isn't in their privacy statement?", True),
    ("asks_unlimited", "Does it ignore any restrictions the source put on my data?", True),
    ("asks_unlimited", "Is my data in their privacy policy?", False),
    ("asks_only", "Does 23Technology only use session cookies?", True),
    ("asks_only", "is the privacy statement only about their website?", True),
    ("asks_only", "Is this the only policy?", False), ("asks_only", "Do they not only sell but also share my data?", False),
    ("asks_only", "Which companies keep my data only as long as necessary?", False),  # a limit, not a kind
    ("asks_only", "What do they use my data for?", False),
])
def test_questions_whether_the_company_may_do_as_it_likes_or_does_it_only(check, question, asks):
    from qa.search import readings, verdict

    assert getattr(readings if check == "asks_only" else verdict, check)(question) is asks


@pytest.mark.parametrize("question, sentence, quoted", [
    ("Can they keep my records for anything they want?", "We keep them only for the purposes of billing.",
     "only for the purposes of billing"),
    ("Do they only keep session records?", "We keep both session and account records.", "both session and account"),
])
def test_a_sentence_that_limits_it_or_says_it_is_broader_answers_no(tmp_path, question, sentence, quoted):
    engine = engine_over(tmp_path, {
        "limited": f"Limited Ltd Privacy Notice\n\nWe keep session records. {sentence}\n",
        "open": "Open Ltd Privacy Notice\n\nWe keep session records on our servers.\n"})
    rows = {r.policy: r for r in engine.answer(question).rows}
    assert rows["limited"].verdict == NO and quoted in rows["limited"].quotes[0].text
    assert rows["open"].verdict == YES
    plain = {r.policy: r.verdict for r in engine.answer("Do they keep session records?").rows}
    assert plain == {"limited": YES, "open": YES}


@pytest.mark.parametrize("question, text, missing", [
    ("Does the Concero portal use two-factor authentication?", "We keep your data secure.", True),
    ("Does the Concero portal use two-factor authentication?", "Logins need 2FA.", False),
    ("Does CT1 carry out penetration testing?", "We run regular vulnerability scans.", False),
    ("Does Core Office encrypt my passwords?", "Data is sent over TLS.", False),
    ("Does Core Office encrypt my passwords?", "We protect your passwords.", True),
    ("Do they use my data to train AI models?", "We use your data to provide the service.", True),
    ("Do they collect my details at their events?", "We collect your name.", True),
    ("Do they share my data to prevent fraud?", "We share it with our payment processor.", True),
    ("Do they keep my bank details?", "We collect billing information.", False),
    ("Do they collect my date of birth?", "We collect your name and email address.", True),
    ("Might they collect my details if I visit their offices?", "Visitors to our offices sign in.", False),
    ("Do they keep my data secure?", "We keep your data secure.", False),
    ("Do they give my data to the police?", "We share it with our payment processor.", True),
    ("Does Netflix encrypt my data?", "See [our help centre](https://help.netflix.com/legal).", True),  # a link
    ("Does Coinbase encrypt my data?", "We hold cryptocurrency for you.", True),
    ("Does Netflix encrypt my data?", "Connections use HTTPS.", False),
    ("Which companies share my data with law enforcement?", "We disclose it when required by law.", False),
    ("Will they hand my data to the government?", "We respond to requests from public authorities.", False),
    ("Do they work with government customers?", "We share it with our payment processor.", False),  # none asked
    ("Which companies record phone calls?", "We collect your phone number.", True),
    ("Which companies record phone calls?", "All our phone calls are recorded for training.", False),
    ("Which companies record phone calls?", "…communications with our team (including voice recording).", False),
    ("Can they keep a call recording for longer than 30 days?", "We keep the recordings for 30 days.", False),
    ("Which companies keep data about job applicants?", "We collect your name and job title.", True),
    ("Which companies keep data about job applicants?", "If you apply for a vacancy we keep your CV.", False),
    ("Which companies carry out credit checks?", "We process card payments.", True),
    ("Do they buy data about me from other companies?", "We share data with our partners.", True),
    ("Do they buy data about me from other companies?", "…third parties from whom we have purchased data.", False),
    ("Can I move my data to another provider?", "- Right to data portability", False),
    ("Can I restrict processing of my data?", "Access to our systems is restricted.", True),
    ("Do they rely on legitimate interests?", "We process it to improve our service.", True),
    ("Do they share my data with their group companies?", "We share it with our payment processor.", True),
    ("Can they pass my data to a company they are not affiliated with?", "We share it with processors.", False),
    ("Which companies use CCTV?", "We monitor our premises with CCTV.", False),
    ("Does Concero keep my data for 7 years?", "We keep the recordings for 30 days.", True),
    ("Does Concero keep my data for 7 years?", "We keep invoices for seven (7) years.", False),
    ("Does 23T keep my data for more than ten years?", "We keep it for 10 years.", False),
    ("Does CT1 keep enquiry data for 2 years?", "Enquiry data is retained for up to 2 years.", False),
    ("Will Concero want ID from me when I send in a request?", "We will handle your request in 28 days.", True),
    ("Does CT1 check my identity before handing over my data?", "We may need to verify your identity.", False),
    ("do you track personal identification", "We collect your name.", False),  # identifying data: none asked
    ("how long do they have to reply?", "Enquiry data is retained for up to 2 years.", True),
    ("how long do they have to reply?", "We will respond to any request to access or delete your personal data as "
     "soon as possible, certainly within 1 calendar month.", False),
    ("How quickly will they respond to my request?", "We respond within 28 days.", False),
    ("Which companies train their staff on data protection?", "Our training suppliers issue certificates.", True),
    ("Which companies train their staff on data protection?", "Measures include backups and staff training.", False),
    ("What happens to my data if CloudSentric is sold or merged?", "We share data with our processors.", True),
    ("What happens to my data if Core Office is sold?", "As part of a sale or merger, customer data transfers.", False),
    ("will my data be sold to advertisers?", "We share data with our processors.", False),  # a sale of data
    ("Which companies use my data to train AI?", "We use AI tools to help provide customer support.", True),
    ("Which companies use my data to train AI?", "Public information may help train Google's AI models.", False),
    ("Is my data used for model training?", "We never use your data to train our models.", False),
    ("Does Concero act as a data processor for my school?", "Concero may be both Data Controller and Data "
     "Processor.", False),
    ("Does Concero act as a data processor for my school?", "Your data is your own.", True),
    ("Does Netflix act as a data controller?", "Connect a Netflix Game Controller to play.", True),  # a game's
    # one of two things joined by "or" need not be written, unless both are forms of one thing
    ("Does the website use cookies or web beacons to collect my information?", "We use cookies.", False),
    ("Do you keep track of my IP address or device IDs?", "We collect device identifiers.", False),
    ("Will they hand my data to the police or other authorities?", "We share it with our payment processor.", True),
    ("Do they use biometrics or facial recognition?", "We collect your name.", True),
    # what a policy writes for them, in other words
    ("Which companies use CCTV?", "Our offices are covered by closed-circuit television.", False),
    ("Which companies keep data about job applicants?", "If you apply for a job with us we keep your details.", False),
    ("Do they buy data about me from other companies?", "We obtain information about you from third parties.", False),
    ("how long do they have to reply?", "We will complete your request within one month.", False),
    ("Which companies train their staff on data protection?", "All team members are trained in GDPR.", False),
    ("Does Core Office use Facebook pixels?", "We use web bugs to count visits.", False),
    ("Which companies carry out credit checks?", "…to assess its risks in granting credit terms.", False),
    ("Does Core Office use Facebook pixels?", "Social media features may set a cookie.", True),
    ("Is Concero registered with the ICO?", "Concero are a registered company, company number 06673066.", True),
    ("Is Concero registered with the ICO?", "We are registered with the ICO under number Z123.", False),
    ("Which companies share my data with courier companies?", "We share data with our processors.", True),
    ("Which companies share my data with courier companies?", "Vendors carry out shipping for us.", False),
    ("Which companies collect my job title?", "We collect your name and email address.", True),
    ("Which companies collect my job title?", "We collect your name, job title and company name.", False),
    ("Does CT1 collect my IP address?", "We collect Internet Protocol (IP) Addresses.", False),
    ("Which companies let me withdraw my consent at any time?", "You can opt out of marketing emails.", True),
    ("Which companies let me withdraw my consent at any time?", "You can withdraw that consent at any time.", False),
    ("Does Core Office keep a log of who accesses my data?", "We collect your login details.", True),
    ("Does CT1 keep logs and audit trails?", "We maintain logs and audit trails for security.", False),
    ("is there 2-step verification in case somebody logs in from a new device?", "We offer 2-step verification.",
     False),  # logging in is no log
])
def test_a_specific_thing_a_policy_never_writes_is_not_stated(question, text, missing):
    from qa.search.specific import specific_things, unmentioned

    assert unmentioned(specific_things(question), text) is missing


@pytest.mark.parametrize("question, asks", [
    ("When Core Office transfers my data to its suppliers, is that done without any agreement in place?", True),
    ("Will they share more than a contact at our school without asking us first?", True),
    ("Do they share my data without my consent?", True),
    ("Can I make them stop using it without deleting it?", False), ("Can I use the site without cookies?", False),
])
def test_a_question_whether_they_act_without_a_safeguard(question, asks):
    from qa.search.readings import asks_without

    assert asks_without(question) is asks


@pytest.mark.parametrize("sentence, verdict", [
    ("These transfers are covered by appropriate transfer agreements.", NO),
    ("Concero will never share your data with anyone else, without explicit permission.", NO),
    ("We will not share it without your consent.", NO),
    ("We may disclose your data without your consent where the law requires it.", YES),
])
def test_without_a_safeguard_is_yes_only_where_a_sentence_says_so(sentence, verdict):
    from qa.search.readings import without_verdict

    assert without_verdict(sentence) == verdict




@pytest.mark.parametrize("question, sentence, verdict", [
    ("Can I stop Concero sending me marketing?",
     "If you have not opted in to our marketing process, we will not contact you with any marketing material.", YES),
    ("Can I delete my account?", "You cannot delete your account while a contract is open.", NO),
    ("Can I opt out?", "It is not possible to opt out of service emails.", NO),
    ("Does Concero sell my data?", "We will not sell your data.", NO),
    ("Which companies let me delete my data?", "Please note these requests will not extend to copies held by "
     "others.", YES),
    ("Does Spotify allow me to download my data?", "The right to have us delete the data we maintain.", YES),
    ("Which companies let me delete my data?", "It may not be possible to completely delete all of it.", NO),
])
def test_a_companys_not_is_no_denial_of_what_the_user_can_do(question, sentence, verdict):
    from qa.search.readings import asked_verdict

    assert asked_verdict(question, NO, sentence) == verdict


@pytest.mark.parametrize("question, names", [
    ("Does CT1 follow the e-privacy rules (PECR) for marketing emails?", ["CT1", "PECR"]),
    ("Does 23T use Google Analytics?", ["Google Analytics"]),
    ("(Sorry) Does it sell data?", []),
])
def test_an_acronym_is_a_name_even_in_brackets(question, names):
    from qa.search.asked_names import named_things, unwritten

    assert named_things(question) == names
    assert unwritten(["PECR"], "permitted to do so under e-privacy rules") == []


def test_the_gdpr_is_written_as_data_protection_law():
    from qa.search.asked_names import unwritten

    assert unwritten(["GDPR"], "Under data protection law, you have a number of rights.") == []
    assert unwritten(["GDPR"], "Under the Data Protection Act 2018 you may complain.") == []
    assert unwritten(["GDPR"], "You have a number of rights.") == ["GDPR"]


def test_names_joined_by_or_need_one_of_them_written():
    from qa.search.asked_names import named_things, unwritten
    from qa.search.marking import naming

    names = named_things("Do they share my data with Facebook or Google?")
    assert names == ["Facebook|Google"]
    assert unwritten(names, "We use Google services.") == []
    assert unwritten(names, "We use Twitter.") == names
    assert naming(names, (), {})("Google reads it.") and not naming(names, (), {})("Twitter reads it.")
    assert named_things("Does CT1 host data on AWS or Microsoft Azure?") == ["CT1", "AWS|Microsoft", "Azure"]


@pytest.mark.parametrize("question, buyers", [
    ("Does Concero sell my data to Facebook?", ("Facebook",)),
    ("Is my info sold or rented to data brokers like Acxiom?", ("Acxiom",)),
    ("Will CT1 sell my details to Facebook or Google?", ("Facebook|Google",)),
    ("Does Concero share my data with Facebook?", ()),  # sharing: a denial rarely covers every recipient
    ("Does Facebook sell my data?", ()),  # the seller, no buyer
    ("Does Concero sell my CCTV footage to anyone?", ()),  # what is sold
])
def test_a_name_asked_only_as_the_buyer_of_a_sale(question, buyers):
    from qa.search.asked_names import named_things, sold_to

    assert sold_to(question, named_things(question)) == buyers


@pytest.mark.parametrize("sentence, excepted", [
    ("We do not share your personal information with third parties except as described in this privacy policy.",
     True),
    ("We will never sell your data.", False),
    ("We hold no data other than outlined above on your staff and absolutely no data on your pupils.", False),
])
def test_a_denial_with_an_exception_is_no_no(sentence, excepted):
    from qa.search.verdict import excepts

    assert excepts(sentence) is excepted


def test_a_listed_summary_says_how_many_policies_were_not_decided():
    from types import SimpleNamespace

    from qa.search.wording import summary_line

    answer = SimpleNamespace(kind=YES_NO, scope=tuple(f"p{i}" for i in range(30)), not_indexed=(), unchecked=27,
                             summary=lambda: {NO: ["Gofile"], NOT_STATED: ["GitLab"], YES: ["Allrecipes"]})
    assert summary_line(answer) == ("Say they don't: Gofile · Don't say: GitLab · Say they do: Allrecipes · "
                                    "27 of 30 policies not decided")
    assert summary_line(SimpleNamespace(**{**vars(answer), "unchecked": 0})).endswith("Say they do: Allrecipes")


@pytest.mark.parametrize("question, verdict, quote, expected", [
    ("Which companies keep my data only in the UK?", YES,
     "Some of our service providers or their sub-processors may be located outside the UK.", NO),
    ("Is my data stored only within the EEA?", YES, "We use servers in the UK, EEA and USA.", NO),
    ("Which companies keep my data only in the UK?", YES, "The data is held in the UK only.", YES),  # says "only"
    ("Do they send my data abroad?", YES, "We may transfer your data outside the UK.", YES),  # no "only" asked
    # a denial of sending it beyond says it stays
    ("Which companies keep my data only in the UK?", NO, "We never transfer your personal data outside the UK.", YES),
    ("Is my data kept only in the EEA?", NO, "Your data is not stored overseas.", YES),
    ("Is my data kept only in the EEA?", NO,
     "We do not transfer your data outside the EEA except where adequate safeguards are in place.", NO),  # except
    ("Is my data kept only in the UK?", NO, "We do not use cookies.", NOT_STATED),  # says neither where nor beyond
    ("Is my data stored only in the EEA?", YES, "If you are located in the EEA, you have certain rights.",
     NOT_STATED),  # where the user is, not the data
    ("Is my data kept only in the UK?", YES, "All data is stored in our data centres which are located within the UK.",
     YES),
    ("Is my data kept only in the EEA?", NO,
     "The laws in countries outside the EEA may not be able to protect your data.", NO),  # denies no sending
    ("Do they send my data abroad?", NO, "We never transfer your personal data outside the UK.", NO),  # no "only"
    # "only" about where outside it goes is no "only here"
    ("Which companies keep my data only in the EU?", YES,
     "We transfer your personal data only to a country considered to have an adequate level of protection.", NO),
    ("Which companies keep my data only in the EU?", YES,
     "If applicable, we will only transfer your personal data outside the UK/EEA to an adequate country.", NO),
    ("Is my data stored only in the EEA?", NO, "We store and process your data only within the EU/EEA and do not "
     "transfer it to any country outside the EU/EEA.", YES),  # the quote says it stays
    ("Is my data stored only in the EEA?", YES, "Any personal data is stored in our data centres located within the "
     "EEA.", YES),  # says nothing of beyond
    # "kept in the UK?" asks it as "only in the UK?" does
    ("Which companies keep my data in the UK?", NO, "The data is held in the UK only.", YES),
    ("Which companies keep my data in the UK?", YES, "Our providers may be located outside the UK.", NO),
    # beyond asked, without "only": a quote keeping the data here, and sending none beyond, says no
    ("Does CloudSentric send my data outside the UK?", YES,
     "As CloudSentric is a UK only based organisation the data is held in the UK only.", NO),
    ("Does CloudSentric send my data outside the UK?", YES,
     "The data is held in the UK only, but backups are stored outside the UK.", YES),
])
def test_only_here_reads_the_quote_on_sending_data_beyond(question, verdict, quote, expected):
    from qa.search.verdict import only_here_verdict

    assert only_here_verdict(question, ("international-transfers",), verdict, quote) == expected
    assert only_here_verdict(question, ("retention",), verdict, quote) == verdict  # another practice asked


@pytest.mark.parametrize("sentence, vetoed", [
    ("If we sell, merge or reorganize our company, your data will be transferred.", True),
    ("As we continue to develop our business, we might sell or buy other businesses or services.", True),
    ("We may choose to buy or sell assets.", True),
    ("MediaNews Group affiliates may buy or sell various assets.", True),
    ("In connection with a sale of all or part of our business.", True),
    ("If we merge with another company, data may move.", True),
    ("We do not sell data to companies.", False),
    ("We never sell your personal information to third-party companies.", False),
    ("We may sell your data to advertising companies.", False),
    ("If we choose to sell, transfer, or merge parts of our business or our assets, data would be shared.", True),
    ("We sell premium Services that provide our customers with search tools.", True),
    ("We also offer services or sell product lines jointly with third-party businesses.", True),
    ("SPE or any of its assets may be sold, and your Personal Data may be one of the assets.", True),
    ("We sell your browsing data to advertisers.", False),
    # a definition states no sale either way
    ("Under the laws of California, “sell” means exchanging your Personal Information for value.", True),
    ("By sell, we mean exchanging your data with another party for financial compensation.", True),
    ("CCPA also defines the term “sell” broadly.", True),
    ("We have sold these categories of personal information in the past 12 months.", False),
    ("We may disclose your information to a third party if we decide to sell a line of business to it.", True),
    ("| Purchasers of our business | User Data | If we were to sell our business |", True),
    ("If you sell or return a computer or Netflix supported device, be sure to first log out.", True),
    # a link's name alone, not a sentence that names it
    ("\"Do not sell or share my personal information\"", True),
    ("Use the “Do Not Sell or Share My Personal Information” link to opt out of the sale of your data.", False),
    # others selling
    ("We obtain personal data from advertising partners and third-party data brokers who sell personal data.", True),
    ("These include data brokers who may further sell or share your personal data.", True),
    ("Were we ever to sell Personal Information, we would provide information on our opt out.", True),  # supposed
    # a denial citing a definition denies
    ("Apple does not sell your personal data including as “sale” is defined in Nevada and California.", False),
    ("“Sale” is defined as exchanging personal information for money.", True),
])
def test_selling_the_business_or_its_assets_is_no_sale_of_personal_data(sentence, vetoed):
    from qa.search.practice_words import VETOES

    assert bool(VETOES["sale"].search(sentence)) is vetoed


@pytest.mark.parametrize("question, place", [
    ("Where is my data stored?", True), ("Which countries does Zoom send my data to?", True),
    ("Where does Discord keep my data?", True), ("Where can I write to them?", False), ("What data is stored?", False),
])
def test_where_is_it_stored_asks_for_a_place(question, place):
    from qa.search.details import PLACE, demanded

    assert (PLACE in demanded(question)) is place
    assert PLACE.search("servers located in Canada") and not PLACE.search("kept in an encrypted format")


def test_a_heading_says_nothing_either_way_the_sentence_after_it_is_read():
    """The deciding sentence may be a heading ("7. Personal information of children"); its quote starts with
    the sentence after it, and that sentence's stance is the verdict's."""
    from types import SimpleNamespace

    from qa.search.verdict import negated_sentence
    from qa.types import Policy

    text = "Intro.\n\n7. Personal information of children\n\nWe do not knowingly collect data from children under 13.\n"
    heading = text.index("7.")
    denial = (text.index("We do not"), text.index("13.") + 3)
    spans = np.array([(0, 6), (heading, heading + len("7. Personal information of children")), denial])
    engine = SimpleNamespace(
        policies={"p": Policy(id="p", name="P", text=text, headings=((heading, "7. Personal information of children"),))},
        evidence=SimpleNamespace(of=lambda pid: SimpleNamespace(spans=spans, negated=np.array([0.0, 0.0, 0.0]))),
        practice=SimpleNamespace(stance_threshold=0.5))
    assert negated_sentence(engine, "p", tuple(spans[1])) is True  # the heading: read as the denial after it
    assert negated_sentence(engine, "p", (0, 6)) is False


def test_a_question_whether_data_stays_only_in_a_place_is_not_asked_whether_broader():
    """"Is CloudSentric's data held in the UK only?" was "no": "only" sent it to the check for a broader practice,
    which took "…confirmation that personal data is held, as well as a written description…" for one."""
    from qa.search.verdict import asks_only_here

    assert asks_only_here("Is CloudSentric's data held in the UK only?", ["international-transfers"])
    assert not asks_only_here("Does CT1 only use session cookies?", ["cookies"])
    # the scene set before the question is not what it asks
    assert not asks_only_here("Our governors want all data kept in the UK. Which of these companies transfer personal "
                              "data outside the UK?", ["international-transfers"])


@pytest.mark.parametrize("name, passage, gives", [
    ("breach notice", "We will notify you and the ICO of any personal data breach within 72 hours.", True),
    ("breach notice", "If we become aware of a security incident, we will let you know.", True),
    ("breach notice", "In the unfortunate event of a data breach we shall ensure that our obligations under GDPR will "
     "be followed.", False),  # what it does about a breach, not that it tells anyone
    ("breach notice", "We cannot guarantee that such information may not be accessed by breach of our safeguards.", False),
    ("breach notice", "We may suspend the services without notice if we detect any breach of security.", False),
    ("age", "The minimum age to create a Steam User Account is 13.", True), ("age", "users aged 18 or over", True),
    ("age", "We do not knowingly collect personal data from children under the age of 16.", True),
    ("age", "not intended for individuals under thirteen years old", True),
    ("age", "Any children wishing to use our services must be accompanied by an adult.", False),
    ("age", "In some cases, we may require additional information to verify your age.", False),
    ("age", "We keep logs for 13 months.", False),
    # an age no sale of a minor's data is made at is no age to use the service
    ("age", "We do not have actual knowledge that we sell or share personal information of individuals under the age "
     "of 16.", False),
    ("age", "We never sell data. Our services are not directed to children under 13.", True),
    ("age", "For all users of our Services including users under the age of majority:", False),
    ("advance notice", "We will notify you by posting a notice of such changes before they take effect.", True),
    ("advance notice", "We may notify you by email prior to the change becoming effective.", True),
    ("advance notice", "We will notify you at least 30 days prior to the change.", True),
    ("advance notice", "We may update this Privacy Policy from time to time.", False),
    ("advance notice", "We'll notify you before we make material changes to this Policy.", True),
    ("advance notice", "We will notify you of changes by email before you log in.", False),
    ("continued use", "Your continued use of the service will constitute your acceptance of such modification.", True),
    ("continued use", "If you continue to use the Services after those changes, you agree to the revised policy.", True),
    ("continued use", "Any updates will be posted on this page with a revised date.", False),
    ("told of a change", "We may notify you by email prior to the change becoming effective.", True),
    ("told of a change", "CloudSentric may update this policy and will post the revised policy at our website.", False),
    ("change told by email", "If we make any material changes, we will notify you by email.", True),
    ("change told by email", "We will notify you by posting a notice of such changes before they take effect.", False),
])
def test_a_passage_gives_the_detail_asked(name, passage, gives):
    """A breach told of, an age, notice ahead of a change, continued use as assent, being told of a change."""
    from qa.search.details import DETAILS

    pattern = next(p for n, _, p in DETAILS if n == name)
    assert bool(pattern.search(passage)) is gives


@pytest.mark.parametrize("question, verdict", [
    ("Which companies store data in Ireland?", "no"), ("Is my data kept in the United States?", "no"),
    ("Is my data stored in the UK?", "yes"), ("Do they use cookies?", "yes"),  # no place asked
])
def test_a_place_asked_beside_data_kept_only_in_another_is_a_no(question, verdict):
    from qa.search.verdict import only_elsewhere

    quote = "As CloudSentric is a UK only based organisation the data is held in the UK only."
    assert only_elsewhere(question, "yes", quote) == verdict
    assert only_elsewhere(question, "no", quote) == "no"
