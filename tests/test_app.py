"""The chat page run by Streamlit's AppTest on the seed index and the real model."""

import hashlib
import html
import re
import shutil
import tomllib
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from qa.config import BuildSettings
from qa.index.build import build_index
from qa.search.answer import Answer, PolicyAnswer
from qa.search.engine import Engine
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

APP = str(ROOT / "app.py")
TIMEOUT = 180  # the first run loads the model; 2 CPU cores
CONCERO = "How long does Concero keep phone call recordings?"
MARKS = re.compile(r'<mark class="pq-mark">(.*?)</mark>', re.S)
QUOTES = re.compile(r'<div class="pq-quote pq-text">(.*?)</div>', re.S)
CITED = re.compile(r'<div class="pq-cite"><strong>(.*?)</strong>')
POLICY_NAMES = re.compile(r'<div class="pq-policy-name">(.*?)</div>')
NOT_STATED = re.compile(r'<div class="pq-muted">Not stated in (.*?)</div>')
SUMMARY = re.compile(r'<div class="pq-summary">(.*?)</div>')  # holds spans only: its first </div> is its own
NEW_POLICY = (b"Acme Widgets Privacy Policy\n\nKeeping records\n\n"
              b"We keep your invoices for seven years, as tax law requires. We delete support tickets after "
              b"one year.\n\nContact\n\nWrite to privacy@acme.example to see the data we hold about you.\n")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the sha256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def start_app(monkeypatch, seed_index_dir, seed_policies, tmp_path):
    """Open the page on an index folder (the shared seed index unless given) and a copy of the policies.

    Conversations go to this test's data folder; `params` are the URL's query parameters.
    """
    monkeypatch.setenv("POLICYQA_DATA", str(tmp_path / "data"))

    def start(index: Path = seed_index_dir, policies: Path = seed_policies, **params) -> AppTest:
        monkeypatch.setenv("POLICYQA_INDEX", str(index))
        monkeypatch.setenv("POLICYQA_POLICIES", str(policies))
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
        assert not at.exception, at.exception
        return at

    return start


@pytest.fixture
def own_index(seed_index_dir, tmp_path) -> Path:
    """A copy of the seed index that a test may rebuild."""
    folder = tmp_path / "index"
    shutil.copytree(seed_index_dir, folder)
    return folder


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def page_html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def marks(at: AppTest) -> list[str]:
    return [html.unescape(m) for m in MARKS.findall(page_html(at))]


def quotes(at: AppTest) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", q)) for q in QUOTES.findall(page_html(at))]


def cited(at: AppTest) -> set[str]:
    return {html.unescape(c) for c in CITED.findall(page_html(at))}


def texts(elements) -> list[str]:
    return [html.unescape(str(e.value)) for e in elements]


def labels(at: AppTest) -> list[str]:
    """Expander labels in the conversation (the sidebar's are left out)."""
    return [e.label for e in at.expander if e.label not in ("Advanced", "Add a policy")]


def open_expanders(at: AppTest, label: str) -> AppTest:
    """Open every expander labelled `label` (they build their content when opened) and rerun."""
    for expander in at.expander:
        if expander.label == label:
            at.session_state[expander.proto.id.split("-", 2)[2]] = True  # "$$ID-<hash>-<key>"
    at.run()
    assert not at.exception, at.exception
    return at


def test_concero_question_quotes_30_days_and_cites_concero(start_app):
    at = ask(start_app(), CONCERO)
    assert any("30 days" in q for q in quotes(at)), quotes(at)
    assert cited(at) == {"Concero Technology Services"}
    assert not marks(at)  # the answer card quotes; nothing else is on the page until asked for
    assert labels(at) == ["Sources, more passages and scores"]
    open_expanders(at, "Sources, more passages and scores")
    # The other passages, in tabs named by their sections; the answer's own passage is not repeated.
    assert [t.label for t in at.tabs] and all(not t.label.startswith("Excerpt") for t in at.tabs)
    assert "Advanced: retriever hybrid" in html.unescape(page_html(at))
    # Confidence labels, the words `policyqa ask` prints; never a raw percentage.
    assert re.search(r"Concero Technology Services: (states it|related passage)", html.unescape(page_html(at)))
    assert not re.search(r"\d%", html.unescape(page_html(at)))
    open_expanders(at, "Show in policy")
    policy_views = [m.value for m in at.markdown if m.value.startswith('<div class="pq-policy pq-text">')]
    assert policy_views and all('<span class="pq-anchor"></span><span class="pq-passage">' in v
                                for v in policy_views)
    assert any("30 days" in m for m in marks(at))
    # The question is shown, escaped, in the user's bubble, and the chat keeps it for the next run.
    assert any("pq-question" in m.value and CONCERO in m.value for m in at.markdown)
    at.run()
    assert any("30 days" in q for q in quotes(at))


def test_an_example_button_asks_its_question(start_app):
    at = start_app()
    at.button(key="example-0").click().run()
    assert not at.exception, at.exception
    assert any("pq-question" in m.value and CONCERO in m.value for m in at.markdown)
    assert any("30 days" in q for q in quotes(at))
    assert not [b for b in at.button if b.key and b.key.startswith("example-")]  # the empty state is gone


def test_a_blank_question_does_nothing(start_app):
    at = ask(start_app(), "   \n ")
    assert not [m for m in at.markdown if 'class="pq-question"' in m.value]
    assert not at.warning and not at.error
    assert [b for b in at.button if b.key and b.key.startswith("example-")]  # still the empty state
    assert "chat" not in at.query_params


def test_a_question_nothing_addresses_is_not_stated_anywhere(start_app):
    at = ask(start_app(), "How tall is the Eiffel tower?")
    assert "The selected policies do not appear to address this question." in texts(at.info)
    assert len(NOT_STATED.findall(page_html(at))) == 5
    assert not [m for m in at.markdown if 'class="pq-answer"' in m.value]  # no answer block
    assert labels(at) == ["Nearest matches (not answers)"]
    open_expanders(at, "Nearest matches (not answers)")
    excerpts = [m.value for m in at.expander[0].markdown]
    assert len(excerpts) == 5 and all(m.startswith('<div class="pq-excerpt pq-nearest">') for m in excerpts)
    assert not marks(at)  # a nearest match's best sentences are hints, never the answer's mark


def test_a_question_about_every_company_starts_with_a_summary_by_verdict(start_app):
    at = ask(start_app(), "Which companies say they will never sell my data?")
    summary = SUMMARY.findall(page_html(at))
    assert len(summary) == 1
    line = html.unescape(re.sub(r"<[^>]+>", "", summary[0]))
    assert re.fullmatch(r"Say they don't: .+ · Don't say: .+ · Say they do: .+", line), line
    names = ["23Technology / Centerprise International", "CloudSentric", "Concero Technology Services",
             "Core Office IT", "CT1 Technologies"]
    assert sum(line.count(name) for name in names) == 5  # every company, once
    # Each answered company's block starts with its verdict word, in bold, before the quote.
    verdicts = re.findall(r'<span class="pq-verdict-lead"><strong>(.*?)</strong>', page_html(at))
    assert verdicts and set(verdicts) <= {"Yes", "No"}


def test_an_organisation_named_beside_an_indexed_one_gets_its_line(start_app, monkeypatch):
    fake_answer(monkeypatch, not_indexed=("Facebook",), kind="yes-no")
    at = ask(start_app(), "Does Facebook or Concero sell my data?")
    assert "Facebook: no policy indexed" in texts(at.info)
    summary = SUMMARY.findall(page_html(at))
    assert "No policy indexed: Facebook" in html.unescape(re.sub(r"<[^>]+>", "", summary[0]))
    assert POLICY_NAMES.findall(page_html(at)) == ["Concero Technology Services"]  # and it is answered


def test_a_policy_edited_since_the_build_is_warned_about_and_still_answered(start_app, seed_policies):
    with open(seed_policies / "concero.txt", "a", encoding="utf-8") as fh:
        fh.write("\nWe now keep recordings for ten years.\n")
    at = ask(start_app(policies=seed_policies), CONCERO)
    assert [w for w in texts(at.warning) if w.startswith("concero changed since the index was built; run "
                                                          "`policyqa index build`")]
    assert any("30 days" in q for q in quotes(at))


def test_a_named_policy_that_does_not_say_is_not_stated_in_it(start_app):
    at = ask(start_app(), "How tall is the Eiffel tower according to Concero?")
    assert texts(at.info) == ["Not stated in Concero Technology Services: the policy does not appear to "
                              "address this question."]
    assert labels(at) == ["Nearest match (not an answer)"]


def fake_answer(monkeypatch, **fields):
    """Make Engine.answer return an Answer built from real hits, plus `fields`; returns the calls made."""
    calls = []

    def answer(self, question, k=5, policies=None, retriever=None, history=(), **kwargs):
        calls.append({"question": question, "policies": policies, "history": list(history)})
        concero = self.search(question, k=1, policies=["concero"])[0]
        ct1 = self.search(question, k=1, policies=["ct1-technologies"])[0]
        rows = (PolicyAnswer("concero", concero.name, False, concero.score, hits=(concero,), confidence=0.91,
                             verdict="yes", label="states it"),
                PolicyAnswer("ct1-technologies", ct1.name, True, ct1.score, hits=(ct1,), confidence=0.12),
                PolicyAnswer("cloudsentric", "CloudSentric", True, 0.0))
        return Answer(question, rows, scope=("concero", "ct1-technologies", "cloudsentric"), **fields)

    monkeypatch.setattr(Engine, "answer", answer)
    return calls


def test_answered_and_not_stated_policies_are_told_apart(start_app, monkeypatch):
    fake_answer(monkeypatch, reranker="policyqa-reranker")
    at = ask(start_app(), "Do they record phone calls?")
    assert POLICY_NAMES.findall(page_html(at)) == ["Concero Technology Services"]
    assert NOT_STATED.findall(page_html(at)) == ["CT1 Technologies", "CloudSentric"]
    assert labels(at) == ["Nearest match (not an answer)", "Sources, more passages and scores"]
    open_expanders(at, "Nearest match (not an answer)")
    nearest = at.expander[0]
    assert [m.value.startswith('<div class="pq-excerpt pq-nearest">') for m in nearest.markdown] == [True]
    assert "CT1 Technologies" in html.unescape(nearest.markdown[0].value)
    assert not at.info  # some policy answered: no "do not appear to address" banner
    open_expanders(at, "Sources, more passages and scores")
    # Labels, as `policyqa ask` prints them, instead of the reranker's probabilities as percentages.
    page = html.unescape(page_html(at))
    assert "Concero Technology Services: states it (1 passage)" in page and not re.search(r"\d%", page)


def test_how_the_question_was_read_is_shown(start_app, monkeypatch):
    fake_answer(monkeypatch, interpreted_as="Who does Concero share my data with?",
                corrections=(("Cloudsentrik", "cloudsentric"),))
    at = ask(start_app(), "and who do they share it with?")
    notes = [html.unescape(n) for n in re.findall(r'<div class="pq-note">(.*?)</div>', page_html(at))]
    assert notes == ["Interpreted as: Who does Concero share my data with?", "Showing results for CloudSentric"]


def test_a_company_with_no_policy_says_so_and_labels_its_mentions(start_app, monkeypatch):
    at = start_app()

    def not_indexed(self, question, **kwargs):
        mention = self.search("cookies", k=1, policies=["concero"])[0]
        return Answer(question, (), scope=(), not_indexed=("Facebook",), mentions=(mention,))

    monkeypatch.setattr(Engine, "answer", not_indexed)
    ask(at, "What does Facebook do with my data?")
    assert texts(at.info) == ["No policy of Facebook is indexed — indexed: 23Technology / Centerprise "
                              "International, CloudSentric, Concero Technology Services, Core Office IT, "
                              "CT1 Technologies; add one with the sidebar."]
    assert labels(at) == ["Mentions of Facebook in indexed policies (not answers)"]
    open_expanders(at, "Mentions of Facebook in indexed policies (not answers)")
    assert [m.value.startswith('<div class="pq-excerpt pq-nearest">') for m in at.expander[0].markdown] == [True]
    assert not [m for m in at.markdown if 'class="pq-answer"' in m.value]


def test_follow_ups_get_the_earlier_answers_and_the_filter_passes_policies(start_app, monkeypatch):
    calls = fake_answer(monkeypatch)
    at = ask(start_app(), "What does Core Office collect about me?")
    ask(at, "and who do they share it with?")
    assert [len(c["history"]) for c in calls] == [0, 1]
    assert calls[1]["history"][0].question == "What does Core Office collect about me?"
    assert calls[0]["policies"] is None  # every policy selected: the engine routes by the names asked
    at.multiselect[0].set_value(["ct1-technologies"]).run()
    ask(at, CONCERO)
    assert calls[2]["policies"] == ["ct1-technologies"]


def test_the_policy_filter_restricts_the_rows(start_app):
    question = "Which companies say they will never sell my data?"
    everyone = ask(start_app(), question)
    assert len(cited(everyone)) > 1, cited(everyone)  # the filter below is what makes it one

    at = start_app()
    at.multiselect[0].set_value(["ct1-technologies"]).run()
    ask(at, question)
    # CT1 answers, or says it does not say (a row, or the one-policy notice): either way CT1 alone.
    shown = POLICY_NAMES.findall(page_html(at)) + [html.unescape(m) for m in NOT_STATED.findall(page_html(at))] \
        + re.findall(r"^Not stated in (.*?): ", "\n".join(texts(at.info)), flags=re.M)
    assert shown == ["CT1 Technologies"]
    assert cited(at) <= {"CT1 Technologies"}
    assert "Searched 1 policy" in page_html(at)


def test_a_question_does_not_reload_the_engine(start_app, monkeypatch):
    at = start_app()  # loads (or reuses) the engine for this index

    def refuse(*args, **kwargs):
        raise AssertionError("the engine or the model was loaded again for a question")

    monkeypatch.setattr(Engine, "open", refuse)
    monkeypatch.setattr("qa.embed.sentence.SentenceEmbedder.__init__", refuse)
    ask(at, CONCERO)
    assert any("30 days" in q for q in quotes(at))


def test_an_index_rebuilt_elsewhere_is_used_by_the_next_question(start_app, own_index, seed_policies, real_embedder):
    at = start_app(own_index)
    assert [m.value for m in at.metric if m.label == "Policies"] == ["5"]
    (seed_policies / "acme-widgets.txt").write_bytes(NEW_POLICY)
    build_index(seed_policies, own_index, BuildSettings(), lambda: real_embedder)  # as `policyqa index build`
    ask(at, "How long does Acme Widgets keep invoices?")
    assert cited(at) == {"Acme Widgets"}, cited(at)
    assert any("seven years" in q for q in quotes(at)), quotes(at)
    assert [m.value for m in at.metric if m.label == "Policies"] == ["6"]


def test_a_conversation_survives_a_new_session_and_a_permalink_reopens_it(start_app, monkeypatch):
    at = ask(start_app(), CONCERO)
    chat = at.query_params["chat"]
    chat = chat[0] if isinstance(chat, list) else chat
    href = re.search(r'<a href="([^"]+)">Link to this answer</a>', page_html(at)).group(1)
    link = dict(parse_qsl(html.unescape(href).removeprefix("?")))
    turn = re.search(r'data-turn="([^"]+)"', page_html(at)).group(1)
    assert link == {"chat": chat, "answer": turn}

    def refuse(*args, **kwargs):
        raise AssertionError("a saved answer was asked again")

    monkeypatch.setattr(Engine, "answer", refuse)
    again = start_app(chat=chat)  # a reload: a new session, the URL naming the chat
    assert any("pq-question" in m.value and CONCERO in m.value for m in again.markdown)
    assert any("30 days" in q for q in quotes(again))
    by_link = start_app(answer=turn)  # a permalink names the answer; its chat comes with it
    assert any("30 days" in q for q in quotes(by_link))


def test_new_chat_starts_empty_and_past_chats_reopen(start_app):
    at = ask(start_app(), CONCERO)
    at.button(key="new-chat").click().run()
    assert not quotes(at)
    assert [b for b in at.button if b.key and b.key.startswith("example-")]  # the empty state again
    past = [b for b in at.button if b.key and b.key.startswith("chat-")]
    assert [b.label for b in past] == [CONCERO]
    past[0].click().run()
    assert any("30 days" in q for q in quotes(at))


def test_a_missing_index_says_how_to_build_it(start_app, tmp_path):
    at = start_app(tmp_path / "no-index")
    assert any("no index at" in e for e in texts(at.error))
    assert any("policyqa index build" in m.value for m in at.markdown)
    assert not at.chat_input


def test_without_an_index_the_page_can_build_one(start_app, tmp_path):
    policies = tmp_path / "few-policies"
    policies.mkdir()
    (policies / "acme-widgets.txt").write_bytes(NEW_POLICY)
    at = start_app(tmp_path / "new-index", policies)
    at.button(key="build-index").click().run()
    assert not at.exception, at.exception
    assert (tmp_path / "new-index" / "manifest.json").is_file()
    assert any(s.startswith("Index built: added 1") for s in texts(at.success))
    ask(at, "How long are invoices kept?")
    assert any("seven years" in q for q in quotes(at)), quotes(at)


def test_a_corrupt_index_says_so_instead_of_crashing(start_app, own_index):
    (own_index / "manifest.json").write_text("{not json", encoding="utf-8")
    at = start_app(own_index)
    assert any("corrupt" in e for e in texts(at.error))


def choose_file(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    return at


def add(at: AppTest, replace: bool = False) -> AppTest:
    at.checkbox[0].set_value(replace)
    at.button(key="add-policy-submit").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "file is empty"),
    ("blob.txt", bytes(range(256)) * 40, "binary"),
])
def test_an_unreadable_upload_is_refused_before_anything_is_written(start_app, own_index, seed_policies, name, data,
                                                                     reason):
    policies_before, index_before = snapshot(seed_policies), snapshot(own_index)
    at = choose_file(start_app(own_index), name, data)
    errors = texts(at.error)
    assert len(errors) == 1 and reason in errors[0], errors
    assert at.button(key="add-policy-submit").disabled
    assert snapshot(seed_policies) == policies_before and snapshot(own_index) == index_before


def test_an_existing_policy_is_not_replaced_unless_asked(start_app, own_index, seed_policies):
    policies_before, index_before = snapshot(seed_policies), snapshot(own_index)
    at = add(choose_file(start_app(own_index), "concero.txt", NEW_POLICY))
    errors = texts(at.error)
    assert len(errors) == 1 and "already exists" in errors[0], errors
    assert snapshot(seed_policies) == policies_before and snapshot(own_index) == index_before
    assert not at.status  # no rebuild was started


def test_an_upload_is_named_indexed_and_answered(start_app, own_index, seed_policies):
    at = choose_file(start_app(own_index), "Acme Widgets.txt", NEW_POLICY)
    # Prefilled from the file's title, editable before it is added.
    assert at.text_input[0].value == "Acme Widgets"
    assert "Acme" in at.text_input[1].value.split(", ")  # qa.search.names.suggest_aliases
    at.text_input[0].set_value("Acme Widgets Ltd")
    at.text_input[1].set_value("Acme Widgets, Acme, data, Concero").run()
    # An ordinary word or another policy's name would misroute questions: left out, and said so.
    assert [w for w in texts(at.warning) if w.startswith("Left out: ")] == [
        "Left out: alias 'data' of acme-widgets is a common word, it would match most questions.",
        "Left out: alias 'Concero' of acme-widgets is another policy's name."]
    add(at)
    assert (seed_policies / "acme-widgets.txt").read_bytes() == NEW_POLICY
    entries = tomllib.loads((seed_policies / "policies.toml").read_text(encoding="utf-8"))
    assert entries["acme-widgets"] == {"name": "Acme Widgets Ltd", "aliases": ["Acme Widgets", "Acme"]}
    assert entries["concero"]["name"] == "Concero Technology Services"  # the other entries are kept
    assert texts(at.success) == ["Acme Widgets Ltd added — ask about it now."]
    assert [m.value for m in at.metric if m.label == "Policies"] == ["6"]
    ask(at, "How long does Acme keep invoices?")
    assert cited(at) == {"Acme Widgets Ltd"}
    assert any("seven years" in q for q in quotes(at)), quotes(at)


def test_a_rebuild_from_the_page_names_what_it_left_alone(start_app, own_index, seed_policies):
    (seed_policies / ".notes.txt").write_text("someone's notes\n")  # hidden: not a policy, left alone
    (seed_policies / "drafts.txt").mkdir()  # a folder named like a policy file
    at = add(choose_file(start_app(own_index), "Acme Widgets.txt", NEW_POLICY))
    left_alone = [t for t in texts(at.info) if t.startswith("Not a policy file, left alone: ")]
    assert len(left_alone) == 2 and any(".notes.txt" in t for t in left_alone) and any("drafts.txt" in t for t in left_alone)
    assert (seed_policies / ".notes.txt").read_text() == "someone's notes\n"


def test_the_upload_limit_is_the_build_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    from qa.ingest.formats import DEFAULT_MAX_BYTES

    assert config["server"]["maxUploadSize"] == DEFAULT_MAX_BYTES // 1_000_000 == 10
    assert config["client"]["toolbarMode"] == "minimal"


def test_with_many_policies_the_filter_starts_empty_and_searches_every_policy(start_app, seed_policies, tmp_path,
                                                                            real_embedder):
    """Past MANY_POLICIES (a store holds thousands) the sidebar does not list every policy as selected:
    it starts empty, which searches every policy, and a question naming a company still goes to it."""
    from qa.config import BuildSettings
    from qa.index.build import build_index

    for n in range(8):
        (seed_policies / f"acme-{n}.txt").write_text(f"Acme {n} Privacy\n\nWe keep your email address for {n + 1} "
                                                     "years and never sell it.\n", encoding="utf-8")
    folder = tmp_path / "many"
    build_index(seed_policies, folder, BuildSettings(), lambda: real_embedder)
    at = start_app(index=folder)
    assert at.sidebar.multiselect[0].value == []
    ask(at, "How long does Concero keep phone call recordings?")
    assert "No policy is selected" not in page_html(at) + "\n".join(texts(at.error) + texts(at.warning))
    assert cited(at) == {"Concero Technology Services"}
    ask(at, "Which companies never sell my email address?")
    assert "Searched 13 policies" in page_html(at)


def test_an_answer_over_many_companies_shows_ten_at_a_time_strongest_first(monkeypatch, tmp_path, fake_model):
    """30 policies (fake embedder): the counted summary, the 10 strongest companies, then 10 more a click."""
    from tests.fakes import FakeEmbedder
    from tests.many_policies import write_many_policies

    monkeypatch.setenv("POLICYQA_RERANKER", "none")
    names = write_many_policies(tmp_path / "policies", 30)
    build_index(tmp_path / "policies", tmp_path / "index", BuildSettings(model=fake_model), lambda: FakeEmbedder())
    for variable, folder in (("INDEX", "index"), ("POLICIES", "policies"), ("DATA", "data")):
        monkeypatch.setenv(f"POLICYQA_{variable}", str(tmp_path / folder))
    question = "What personal data do you collect about me?"
    # 29 of the 30 chosen: a chosen set is answered policy by policy in full (all 30 would mean "every
    # policy", whose first stage decides only the strongest), so there are more than 10 to page through.
    chosen = list(names)[1:]
    expected = Engine.open(tmp_path / "index").answer(question, policies=chosen)
    strongest = [row.name for row in expected.answered]
    assert len(strongest) > 20  # three pages: 10, 20, the rest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.sidebar.multiselect[0].set_value(chosen).run()
    ask(at, question)

    def shown() -> list[str]:
        return [html.unescape(n) for n in POLICY_NAMES.findall(page_html(at))]

    def more_button():
        return [b for b in at.button if b.label.startswith("Show more companies")]

    summary = html.unescape(SUMMARY.search(page_html(at)).group(1))
    assert summary == f"Checked 29 policies: {len(strongest)} states it · {29 - len(strongest)} not stated"
    assert shown() == strongest[:10]
    assert more_button()[0].label == f"Show more companies (10 of {len(strongest) - 10} more)"
    more_button()[0].click().run()
    assert not at.exception, at.exception
    assert shown() == strongest[:20]
    more_button()[0].click().run()
    assert shown() == strongest and not more_button()
