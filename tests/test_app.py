"""The chat page run by Streamlit's AppTest on the seed index and the real model."""

import hashlib
import html
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qa.answer import Answer, PolicyAnswer
from qa.engine import Engine
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

APP = str(ROOT / "app.py")
TIMEOUT = 180  # the first run loads the model; 2 CPU cores
CONCERO = "How long does Concero keep phone call recordings?"
MARKS = re.compile(r'<mark class="pq-mark">(.*?)</mark>', re.S)
CITED = re.compile(r'<div class="pq-cite"><strong>(.*?)</strong>')
POLICY_NAMES = re.compile(r'<div class="pq-policy-name">(.*?)</div>')
NEW_POLICY = (b"Acme Widgets Privacy Policy\n\nKeeping records\n\n"
              b"We keep your invoices for seven years, as tax law requires. We delete support tickets after "
              b"one year.\n\nContact\n\nWrite to privacy@acme.example to see the data we hold about you.\n")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the sha256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def start_app(monkeypatch, seed_index_dir, seed_policies):
    """Open the page on an index folder (the shared seed index unless given) and a copy of the policies."""

    def start(index: Path = seed_index_dir, policies: Path = seed_policies) -> AppTest:
        monkeypatch.setenv("POLICYQA_INDEX", str(index))
        monkeypatch.setenv("POLICYQA_POLICIES", str(policies))
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
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


def cited(at: AppTest) -> set[str]:
    return {html.unescape(c) for c in CITED.findall(page_html(at))}


def texts(elements) -> list[str]:
    return [html.unescape(str(e.value)) for e in elements]


def test_concero_question_marks_30_days_and_cites_concero(start_app):
    at = ask(start_app(), CONCERO)
    assert any("30 days" in m for m in marks(at)), marks(at)
    assert cited(at) == {"Concero Technology Services"}
    assert any(e.label == "Show in policy" for e in at.expander)
    policy_views = [m.value for m in at.markdown if m.value.startswith('<div class="pq-policy pq-text">')]
    assert policy_views and all('<span class="pq-anchor"></span><span class="pq-passage">' in v
                                for v in policy_views)
    # The question is shown, escaped, in the user's bubble, and the chat keeps it for the next run.
    assert any("pq-question" in m.value and CONCERO in m.value for m in at.markdown)
    at.run()
    assert any("30 days" in m for m in marks(at))


def test_an_example_button_asks_its_question(start_app):
    at = start_app()
    at.button(key="example-0").click().run()
    assert not at.exception, at.exception
    assert any("pq-question" in m.value and CONCERO in m.value for m in at.markdown)
    assert any("30 days" in m for m in marks(at))
    assert not [b for b in at.button if b.key and b.key.startswith("example-")]  # the empty state is gone


def test_a_question_nothing_addresses_is_not_stated_anywhere(start_app):
    at = ask(start_app(), "How tall is the Eiffel tower?")
    assert "The selected policies do not appear to address this question." in texts(at.info)
    muted = [html.unescape(m.value) for m in at.markdown if 'class="pq-muted"' in m.value]
    assert sum(m.startswith('<div class="pq-muted">Not stated in ') for m in muted) == 5
    assert not [m for m in at.markdown if 'class="pq-answer"' in m.value]  # no answer block
    nearest = [e for e in at.expander if e.label.startswith("Nearest")]
    assert [e.label for e in nearest] == ["Nearest matches (not answers)"]
    excerpts = [m.value for m in nearest[0].markdown]
    assert len(excerpts) == 5 and all(m.startswith('<div class="pq-excerpt pq-nearest">') for m in excerpts)


def test_a_named_policy_that_does_not_say_is_not_stated_in_it(start_app):
    at = ask(start_app(), "How tall is the Eiffel tower according to Concero?")
    assert texts(at.info) == ["Not stated in Concero Technology Services: the policy does not appear to "
                              "address this question."]
    assert [e.label for e in at.expander if e.label != "Add a policy"] == ["Nearest match (not an answer)"]


def test_answered_and_not_stated_policies_are_told_apart(start_app, monkeypatch):
    # Built from real hits so the rows are realistic, whatever the library's calibration is today.
    def mixed(self, question, k=5, policies=None, retriever=None):
        concero = self.search(question, k=1, policies=["concero"])[0]
        ct1 = self.search(question, k=1, policies=["ct1-technologies"])[0]
        rows = (PolicyAnswer("concero", concero.name, False, concero.score, hits=(concero,)),
                PolicyAnswer("ct1-technologies", ct1.name, True, ct1.score, hits=(ct1,)),
                PolicyAnswer("cloudsentric", "CloudSentric", True, 0.0))
        return Answer(question, rows, scope=("concero", "ct1-technologies", "cloudsentric"))

    monkeypatch.setattr(Engine, "answer", mixed)
    at = ask(start_app(), "Do they record phone calls?")
    assert POLICY_NAMES.findall(page_html(at)) == ["Concero Technology Services"]
    muted = [html.unescape(m.value) for m in at.markdown if 'class="pq-muted"' in m.value]
    assert '<div class="pq-muted">Not stated in CT1 Technologies</div>' in muted
    assert '<div class="pq-muted">Not stated in CloudSentric</div>' in muted
    nearest = [e for e in at.expander if e.label.startswith("Nearest")]
    assert [e.label for e in nearest] == ["Nearest match (not an answer)"]  # CloudSentric had no passage
    assert [m.value.startswith('<div class="pq-excerpt pq-nearest">') for m in nearest[0].markdown] == [True]
    assert "CT1 Technologies" in html.unescape(nearest[0].markdown[0].value)
    assert not at.info  # some policy answered: no "do not appear to address" banner


def test_the_policy_filter_restricts_the_rows(start_app):
    question = "Which companies say they will never sell my data?"
    everyone = ask(start_app(), question)
    assert len(cited(everyone)) > 1, cited(everyone)  # the filter below is what makes it one

    at = start_app()
    at.multiselect[0].set_value(["ct1-technologies"]).run()
    ask(at, question)
    # CT1 answers, or says it does not say (a row, or the one-policy notice): either way CT1 alone.
    shown = POLICY_NAMES.findall(page_html(at)) + [html.unescape(m) for m in re.findall(
        r'<div class="pq-muted">Not stated in (.*?)</div>', page_html(at))] + re.findall(
        r"^Not stated in (.*?): ", "\n".join(texts(at.info)), flags=re.M)
    assert shown == ["CT1 Technologies"]
    assert cited(at) <= {"CT1 Technologies"}
    assert any("Searched 1 policy" in c.value for c in at.caption)

    ask(at, CONCERO)  # names a policy left out of the filter: searched in CT1 only, and said so
    assert "Concero Technology Services is not among the selected policies." in texts(at.warning)
    assert cited(at) <= {"CT1 Technologies"}


def test_a_question_does_not_reload_the_engine(start_app, monkeypatch):
    at = start_app()  # loads (or reuses) the engine for this index

    def refuse(*args, **kwargs):
        raise AssertionError("the engine or the model was loaded again for a question")

    monkeypatch.setattr(Engine, "open", refuse)
    monkeypatch.setattr("qa.embedding.SentenceEmbedder.__init__", refuse)
    ask(at, CONCERO)
    assert any("30 days" in m for m in marks(at))


def test_clear_chat_empties_the_history(start_app):
    at = ask(start_app(), CONCERO)
    assert at.button(key="clear-chat").disabled is False
    at.button(key="clear-chat").click().run()
    assert not marks(at)
    assert [b for b in at.button if b.key and b.key.startswith("example-")]  # the empty state again


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
    assert any(s.startswith("Built the index. Index rebuilt: added 1") for s in texts(at.success))
    ask(at, "How long are invoices kept?")
    assert any("seven years" in m for m in marks(at)), marks(at)


def test_a_corrupt_index_says_so_instead_of_crashing(start_app, own_index):
    (own_index / "manifest.json").write_text("{not json", encoding="utf-8")
    at = start_app(own_index)
    assert any("corrupt" in e for e in texts(at.error))


def upload(at: AppTest, name: str, data: bytes, replace: bool = False) -> AppTest:
    at.file_uploader[0].set_value((name, data, "application/octet-stream"))
    at.checkbox[0].set_value(replace)
    at.button(key="add-policy-submit").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "file is empty"),
    ("blob.txt", bytes(range(256)) * 40, "binary"),
    ("concero.txt", NEW_POLICY, "already exists"),
])
def test_a_rejected_upload_changes_nothing(start_app, own_index, seed_policies, name, data, reason):
    policies_before, index_before = snapshot(seed_policies), snapshot(own_index)
    at = upload(start_app(own_index), name, data)
    errors = texts(at.error)
    assert len(errors) == 1 and reason in errors[0], errors
    assert snapshot(seed_policies) == policies_before
    assert snapshot(own_index) == index_before
    assert not at.status  # no rebuild was started


def test_an_upload_is_indexed_and_answered(start_app, own_index, seed_policies):
    at = upload(start_app(own_index), "Acme Widgets.txt", NEW_POLICY)
    assert (seed_policies / "acme-widgets.txt").read_bytes() == NEW_POLICY
    assert any(s.startswith("Added acme-widgets.txt. Index rebuilt: added 1") for s in texts(at.success))
    assert [m.value for m in at.metric if m.label == "Policies"] == ["6"]
    ask(at, "How long does Acme Widgets keep invoices?")
    assert cited(at) == {"Acme Widgets"}
    assert any("seven years" in m for m in marks(at)), marks(at)
