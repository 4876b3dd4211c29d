"""Which sentence is marked (qa.search.marking): the one writing what the question names, or giving its detail."""

import re
from types import SimpleNamespace

from qa.ingest.sentences import split_sentences
from qa.search.asked_names import SPELLED_OUT
from qa.search.evidence import Decision
from qa.search.marking import both, naming, naming_decision

TEXT = "We use cookies and similar technologies. We use Google Analytics to count visits. Our DPO is Ann."
COOKIES = (0, TEXT.index(".") + 1)
ANALYTICS = (TEXT.index("We use Google"), TEXT.index("visits.") + len("visits."))


def test_naming_needs_every_name_and_specific_thing_in_any_case_or_spelled_out():
    named = naming(["Google Analytics"], (), SPELLED_OUT)
    assert named("we use google analytics.") and not named("We use Google Tag Manager.")
    assert not named("We use XGoogle Analytics.")  # at the start of a word
    assert naming(["DPO"], (), SPELLED_OUT)("Contact our data protection officer.")
    location = re.compile(r"\blocation\b")
    both_asked = naming(["Google"], (location,), SPELLED_OUT)
    assert both_asked("Google reads your location.") and not both_asked("Google reads your IP address.")
    assert naming([], (), SPELLED_OUT) is None


def test_a_decision_moves_to_a_sentence_writing_the_name_when_one_states_the_practice():
    named = naming(["Google Analytics"], (), SPELLED_OUT)
    tried = []

    def again(test):
        tried.append(test)
        return Decision(True, ANALYTICS, 0.1)
    first = Decision(True, COOKIES, 0.2)
    assert naming_decision(first, TEXT, named, again).sentence == ANALYTICS
    assert tried == [named]
    assert naming_decision(Decision(True, ANALYTICS), TEXT, named, again).sentence == ANALYTICS  # already names it
    assert len(tried) == 1
    assert naming_decision(first, TEXT, named, lambda test: Decision(False)) is first  # none states it: kept
    assert naming_decision(Decision(False), TEXT, named, again) == Decision(False)  # not stated stays so


def test_a_denial_is_not_traded_for_a_sentence_that_only_writes_what_is_named():
    """"Can Bitwarden employees see the passwords in my vault?": "Bitwarden cannot access Vault Data." stays the
    deciding sentence, not "Vault Data includes … login credentials"; a denial with an exception is traded."""
    text = "Bitwarden cannot access Vault Data. Vault Data includes login credentials. We never sell passwords."
    denial, definition, other = split_sentences(text)
    named = naming([], (re.compile(r"passwords|credentials"),), SPELLED_OUT)

    def again(test):
        return Decision(True, definition)
    assert naming_decision(Decision(True, denial), text, named, again).sentence == denial
    assert naming_decision(Decision(True, denial), text, named, lambda test: Decision(True, other)).sentence == other
    shared = "We do not share it except as described here. We share credentials with hosts."
    first, then = split_sentences(shared)
    assert naming_decision(Decision(True, first), shared, named, lambda test: Decision(True, then)).sentence == then


def test_both_passes_what_both_pass():
    assert both(None, str.isupper)("ABC")
    combined = both(lambda s: "x" in s, str.islower)
    assert combined("ax") and not combined("AX") and not combined("ab")


RIGHTS = "We may share your data with service providers. Our rights list follows.\n- Right to data portability – to receive it."


def _hit(text: str, start: int, end: int, passage_id: str, highlight: tuple[int, int]):
    from qa.types import Hit

    return Hit(policy="p", name="P", section="", start=start, end=end, text=text[start:end], score=0.0,
               passage_id=passage_id, highlights=(highlight,))


def test_without_a_practice_the_passage_writing_what_is_named_leads_with_that_sentence_marked():
    from dataclasses import replace

    from qa.search.marking import writing_first
    from qa.search.specific import specific_things

    split = RIGHTS.index("Our")
    first = _hit(RIGHTS, 0, split, "a", (0, RIGHTS.index(".") + 1))
    second = _hit(RIGHTS, split, len(RIGHTS), "b", (split, RIGHTS.index("follows.") + len("follows.")))
    named = naming([], specific_things("Which companies let me move my data to another provider?"), SPELLED_OUT)
    held = []

    def hold(sentence):
        held.append(sentence)
        return replace(second, highlights=(sentence,))
    led = writing_first(RIGHTS, [first, second], named, hold)
    assert [h.passage_id for h in led] == ["b", "a"]
    assert "portability" in RIGHTS[led[0].highlights[0][0]:led[0].highlights[0][1]]
    assert writing_first(RIGHTS, [first, second], None, hold) == [first, second]  # nothing named
    assert writing_first(RIGHTS, [first], named, hold) == [first]  # no passage writes it
    # nor any sentence of the policy; the first of them that writes it leads when one does
    assert writing_first(RIGHTS, [first], named, hold, [(0, split - 1)]) == [first]
    whole = writing_first(RIGHTS, [first], named, hold, [(0, split - 1), (split, len(RIGHTS))])
    assert [h.passage_id for h in whole] == ["b", "a"]
    marked = replace(second, highlights=held[:1])
    assert writing_first(RIGHTS, [marked, first], named, hold)[0] is marked  # its marked sentence writes it already


def test_the_next_sentence_of_the_paragraph_is_marked_too_when_it_repeats_more_of_the_question():
    from qa.search.marking import with_next_repeating

    text = ("We sometimes use small images known as pixels. We use pixels in our emails to see whether they are "
            "opened.\n\nOpened emails are counted.")
    first = (0, text.index("pixels.") + len("pixels."))
    second = (first[1] + 1, text.index("opened.") + len("opened."))
    hit = _hit(text, 0, len(text), "a", first)

    def unquoted(lead):
        return ()
    assert with_next_repeating(text, hit, first, ["opened", "emails"], unquoted).highlights == (first, second)
    # holding no more of the question's words, only in the next paragraph, or quoted already: the deciding one alone
    assert with_next_repeating(text, hit, first, ["pixels"], unquoted).highlights == (first,)
    assert with_next_repeating(text, _hit(text, 0, len(text), "a", second), second,
                               ["opened", "emails", "counted"], unquoted).highlights == (second,)

    def quoted_whole(lead):  # anything with a start and an end
        return (_hit(text, 0, second[1], "a", first),)
    assert with_next_repeating(text, hit, first, ["opened", "emails"], quoted_whole).highlights == (first,)


def test_a_question_asking_which_kinds_of_data_marks_the_sentence_after_the_chosen_one_that_lists_them():
    from qa.search.marking import asks_kinds, with_next_listing

    assert asks_kinds("What billing details does Quora collect if I subscribe?")
    assert asks_kinds("What info do Flutterwave's cookies remember about me?")
    assert asks_kinds("They asked me for my passport. What info from the ID do they process?")
    assert not asks_kinds("How long do they keep my billing details?")
    assert not asks_kinds("Which companies will tell me what personal data they hold?")
    text = ("We collect billing information if you subscribe. A cookie is small. Depending on where you are, this "
            "information may include your address, card number and phone number.\n\nWe share it with banks.")
    spans = [(0, text.index("subscribe.") + 10), (text.index("A cookie"), text.index("small.") + 6),
             (text.index("Depending"), text.index("number.\n") + 7), (text.index("We share"), len(text))]
    hit = _hit(text, 0, len(text), "a", spans[0])
    assert with_next_listing(text, hit, spans[0]).highlights == (spans[0], spans[2])  # the one after the next
    assert with_next_listing(text, _hit(text, 0, len(text), "a", spans[1]), spans[1]).highlights == (spans[1], spans[2])
    # the listing one goes on from nothing before it in the next paragraph, and a listing chosen one needs none
    assert with_next_listing(text, _hit(text, 0, len(text), "a", spans[2]), spans[2]).highlights == (spans[2],)
    plain = "We collect billing information. We also run a blog, a shop, and a forum."
    first = (0, plain.index(".") + 1)
    assert with_next_listing(plain, _hit(plain, 0, len(plain), "a", first), first).highlights == (first,)
    announced = "We collect the following information: \n(a) email address, name, and phone number"
    head = (0, announced.index(":") + 1)
    listing = split_sentences(announced, 0)[-1]
    assert with_next_listing(announced, _hit(announced, 0, len(announced), "a", head), head).highlights == (
        head, listing)


def test_a_detail_no_sentence_of_the_practice_gives_is_read_from_the_sentence_beside_the_chosen_one():
    from qa.search.details import demanded
    from qa.search.marking import giving

    text = ("We periodically update this policy. If we make a material change, we will notify you at least 30 days "
            "prior to the changes taking effect. We will do this via email.\n\nThis policy was updated before.")
    spans = [(0, 35), (36, text.index("effect.") + 7), (text.index("We will do"), text.index("email.") + 6)]
    hit = _hit(text, 0, len(text), "a", spans[2])
    demands = demanded("How much notice does the NYT give before a major privacy policy change?")
    assert demands

    def stating_none(test):
        return Decision(False)
    assert giving(text, hit, (spans[2], 0.1), demands, None, stating_none) == (spans[1], None)
    # the chosen sentence gives it: kept; a sentence of the practice that gives it: that one
    assert giving(text, hit, (spans[1], 0.1), demands, None, stating_none) == (spans[1], 0.1)
    assert giving(text, hit, (spans[2], 0.1), demands, None,
                  lambda test: Decision(True, spans[1], 0.2)) == (spans[1], 0.2)


def test_asking_what_is_kept_after_an_account_ends_wants_a_sentence_about_that_end():
    from qa.search.endings import ENDING, asks_after_ending

    assert asks_after_ending("How long does OkCupid keep my info after I delete my account?")
    assert asks_after_ending("I'm deleting my Register account. How long might they hang on to my data afterwards?")
    assert not asks_after_ending("How long do they keep my data?")
    assert ENDING.search("If you delete your account, we may need to keep some data for up to six years.")
    assert not ENDING.search("You should expect us to keep your data for as long as you have a registered account.")


def test_a_regulators_contact_block_is_marked_only_when_the_question_asks_for_the_regulator():
    from qa.search.details import demanded
    from qa.search.marking import with_contact_after

    text = ("You can complain to the Information Commissioner's Office.\n\nWycliffe House\nWilmslow\n"
            "Tel: 0303 123 1113\n\nOur other offices are listed on the website.")
    spans = split_sentences(text, 0)
    chosen, tel = spans[0], next(s for s in spans if text[s[0]:s[1]].startswith("Tel"))
    hit = _hit(text, 0, len(text), "a", chosen)

    def quoted(lead):  # each marked sentence its own quote
        return [SimpleNamespace(text=text[a:b]) for a, b in lead.highlights]
    phone = demanded("What is the ICO's phone number?")
    assert phone  # a phone number asked
    marked = with_contact_after(text, hit, chosen, ["ico's", "phone", "number"], phone, quoted).highlights
    assert marked[0] == chosen and marked[-1] == tel
    assert [text[a:b] for a, b in marked[1:]] == ["Wycliffe House", "Wilmslow", "Tel: 0303 123 1113"]
    # the company's own number is asked: a regulator's helpline is not it
    assert with_contact_after(text, hit, chosen, ["phone", "number"], phone, quoted).highlights == (chosen,)
    # a quote that gives it already, or no contact detail asked: unchanged
    assert with_contact_after(text, _hit(text, 0, len(text), "a", tel), tel, ["ico"], phone, quoted).highlights == (tel,)
    assert with_contact_after(text, hit, chosen, ["ico"], demanded("How long is it kept?"), quoted).highlights == \
        (chosen,)


def test_deletion_on_leaving_is_not_answered_by_a_right_to_ask_for_it():
    from qa.search.endings import ASKS_DELETED, ON_ENDING, RIGHT_TO_DELETE

    assert ASKS_DELETED.search("If I stop being a 23Technology / Centerprise International customer, do they delete my data?")
    assert ASKS_DELETED.search("Does the NYT delete my data when I close my account?")
    assert not ASKS_DELETED.search("Can I ask them to delete my data?")
    right = "We will respond to any request to access or delete your personal data within 1 calendar month."
    assert RIGHT_TO_DELETE.search(right) and not ON_ENDING.search(right)
    ending = "If you terminate your relationship with us, we will delete your data; you may also request deletion."
    assert RIGHT_TO_DELETE.search(ending) and ON_ENDING.search(ending)  # it says what happens at the end


def test_a_sentence_writing_the_kind_of_data_kept_is_not_traded_for_one_writing_the_name():
    text = "Face Data is deleted within 30 days. Photo Verification lets you verify your profile photos."
    face, verification = (0, 36), (37, len(text))
    decision = Decision(True, face, topic="retention", score=0.8)

    def named(sentence):
        return "Photo Verification" in sentence

    def again(test):
        return Decision(True, verification, topic="retention", score=0.5)
    assert naming_decision(decision, text, named, again, ("face",)).sentence == face
    assert naming_decision(decision, text, named, again).sentence == verification
    # the kind kept is the name itself: "…keep my Email Protection address…"
    assert naming_decision(decision, text, named, again, ("photo", "verification")).sentence == verification
