from hypothesis import given, settings
from hypothesis import strategies as st

from qa.ingest.chunking import chunk_policy
from qa.ingest.policies import load_policies
from qa.ingest.sections import detect_headings
from qa.types import Policy
from tests.conftest import SEED_POLICIES


def seeds() -> list[Policy]:
    policies, errors = load_policies(SEED_POLICIES)
    assert errors == [] and len(policies) == 5
    return policies


def test_offsets_are_exact_on_every_seed_policy():
    for policy in seeds():
        passages = chunk_policy(policy)
        assert passages, policy.id
        for p in passages:
            assert policy.text[p.start:p.end] == p.text
            assert p.policy == policy.id
            assert 0 < len(p.text) <= 800


def test_passages_cover_every_word_of_the_policy():
    for policy in seeds():
        covered = bytearray(len(policy.text))
        for p in chunk_policy(policy):
            covered[p.start:p.end] = b"\x01" * (p.end - p.start)
        uncovered = "".join(ch for ch, c in zip(policy.text, covered) if not c)
        assert uncovered.strip() == "", (policy.id, uncovered.strip()[:80])


def test_passages_stay_inside_one_section():
    for policy in seeds():
        titles = {start: title for start, title in policy.headings}
        for p in chunk_policy(policy):
            # Headings may open a passage; a heading after body text would mean it ran into the next section.
            for s in (s for s in titles if p.start < s < p.end):
                before = [line.strip() for line in policy.text[p.start:s].splitlines() if line.strip()]
                assert set(before) <= set(titles.values()), (policy.id, p.start, before[:2])


def test_section_is_the_heading_above_the_passage():
    concero = next(p for p in seeds() if p.id == "concero")
    passage = next(p for p in chunk_policy(concero) if "30 days" in p.text)
    assert passage.section == "Telephone Communications"
    ct1 = next(p for p in seeds() if p.id == "ct1-technologies")
    retention = [p for p in chunk_policy(ct1) if p.section == "8. How long we keep your data"]
    assert retention and any("years" in p.text for p in retention)


def test_chunk_size_is_configurable():
    policy = next(p for p in seeds() if p.id == "23technology")
    small = chunk_policy(policy, chunk_size=300, chunk_overlap=0)
    assert max(len(p.text) for p in small) <= 300
    assert len(small) > len(chunk_policy(policy))


@settings(max_examples=150, deadline=None)
@given(text=st.text(st.characters(codec="utf-8"), max_size=3000),
       size=st.integers(min_value=50, max_value=400))
def test_offsets_are_exact_for_arbitrary_text(text, size):
    policy = Policy(id="p", name="P", text=text, headings=tuple(detect_headings(text)))
    for p in chunk_policy(policy, chunk_size=size, chunk_overlap=size // 5):
        assert text[p.start:p.end] == p.text
        assert len(p.text) <= size
