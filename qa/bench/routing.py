"""Bench phase: routing a question by company names (`match_names`) over many synthetic policies.

The policies are made-up companies ("Velorix Analytics Ltd", aliases "Velorix Analytics", "Velorix", and
sometimes "VA"), so no name is ordinary English; the questions name one exactly, misspell one, name a
company with no policy, or name none, as people ask.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping

ROUTING_SEED = 25
_SYLLABLES = ("ka ve lo rix zen tra mor qui dal fen bro xa ny pol tek sor vim lu gar hex "
              "ond pra sil tor vex wyn zu mi cor dra").split()
_KINDS = ("Analytics", "Holdings", "Media", "Networks", "Labs", "Systems", "Games", "Health", "Travel", "Foods")
_TOPICS = ("keep my data", "sell my personal data", "use cookies", "share my location", "let me delete my account")


def synthetic_policies(count: int, seed: int = ROUTING_SEED) -> dict:
    """`count` policies with made-up names and 2-3 aliases each (text empty: routing reads names only)."""
    from qa.types import Policy

    rng = random.Random(seed)
    policies: dict = {}
    while len(policies) < count:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        kind = rng.choice(_KINDS)
        pid = f"{word.lower()}-{kind.lower()}"
        if pid in policies:
            continue
        aliases = [f"{word} {kind}", word]
        if rng.random() < 0.5:
            aliases.append(f"{word[0]}{kind[0]}".upper())
        policies[pid] = Policy(id=pid, name=f"{word} {kind} Ltd", text="", aliases=tuple(aliases))
    return policies


def routing_questions(policies: Mapping, count: int = 200, seed: int = ROUTING_SEED) -> list[str]:
    """`count` questions: a quarter each naming a policy exactly, misspelling one, naming a company with no
    policy, and naming none."""
    rng = random.Random(seed + 1)
    ids = list(policies)
    questions = []
    for i in range(count):
        topic = rng.choice(_TOPICS)
        policy = policies[rng.choice(ids)]
        word = policy.aliases[1]
        kind = i % 4
        if kind == 0:
            questions.append(f"Does {word} {topic}?")
        elif kind == 1:
            at = rng.randrange(1, len(word) - 1)
            questions.append(f"Does {word[:at] + word[at] + word[at:]} {topic}?")  # a doubled letter
        elif kind == 2:
            questions.append(f"What does {rng.choice(['Facebook', 'Google', 'Acme Widgets', 'Barclays'])} do "
                             f"when I ask it to {topic.split()[0]} things?")
        else:
            questions.append(f"Which companies {topic}?")
    return questions


def time_routing(route: Callable[[str, Mapping], object], policies: Mapping, questions: list[str]) -> dict:
    """First call (compiling the names, if `route` does) and p50/p95 of the rest, in milliseconds."""
    from qa.bench.measure import summary_ms

    started = time.perf_counter()
    route(questions[0], policies)
    first_ms = (time.perf_counter() - started) * 1000
    samples = []
    for question in questions:
        started = time.perf_counter()
        route(question, policies)
        samples.append((time.perf_counter() - started) * 1000)
    return {"policies": len(policies), "first_ms": round(first_ms, 3), **summary_ms(samples)}


def task_routing(sizes: list[int]) -> dict:
    """Routing times at each number of synthetic policies (the bench's child task)."""
    from qa.search.names import match_names

    results = {}
    for size in sizes:
        policies = synthetic_policies(size)
        results[str(size)] = time_routing(match_names, policies, routing_questions(policies))
    return results
