"""A corpus of many small policies derived from the five seed policies, for the Compare page at corpus scale.

Each policy is a seed policy cut to a varying number of paragraphs, with the seed company's names replaced by
a made-up one, so verdicts differ from policy to policy. Names mix short and long words ("Telecommunications",
"Internationalisation") so a test can check that none is broken mid-word. Deterministic: same count, same files.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from tests.conftest import SEED_POLICIES

FIRST = ["Aurora", "Bluefin", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Indigo", "Juniper",
         "Kestrel", "Lumen", "Meridian", "Northwind", "Orchid", "Pinnacle", "Quartz", "Riverstone", "Sable",
         "Tidewater", "Umbra", "Vantage", "Willow", "Xylem", "Yarrow", "Zenith", "Internationalisation",
         "Ouagadougou", "Mäkelä", "O'Brien"]
SECOND = ["Telecommunications", "Labs", "Analytics", "Health", "Logistics", "Insurance", "Media",
          "Software", "Holdings"]
SUFFIX = ["Ltd", "plc", "GmbH", "Inc.", "Group", "Services"]


def company_name(n: int) -> str:
    """The `n`th made-up company name (unique for n < 1,620)."""
    return f"{FIRST[n % len(FIRST)]} {SECOND[(n // len(FIRST)) % len(SECOND)]} {SUFFIX[(n // 270) % len(SUFFIX)]}"


def write_many_policies(folder: Path, count: int = 330, seed: Path = SEED_POLICIES) -> dict[str, str]:
    """`count` policies in `folder` (with their policies.toml); returns {policy id: display name}."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = tomllib.loads((seed / "policies.toml").read_text(encoding="utf-8"))
    seeds = []
    for pid in sorted(meta):
        names = sorted({meta[pid]["name"], *meta[pid]["aliases"]}, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(n) for n in names if len(n) > 3))
        paragraphs = (seed / f"{pid}.txt").read_text(encoding="utf-8").split("\n\n")
        seeds.append((pattern, paragraphs))
    made, toml = {}, []
    for n in range(count):
        pattern, paragraphs = seeds[n % len(seeds)]
        name = company_name(n)
        keep = max(6, len(paragraphs) * (3 + n % 5) // 8)  # 3/8 to 7/8 of the seed policy
        text = pattern.sub(name, "\n\n".join(paragraphs[:keep]))
        pid = f"co-{n:03d}"
        (folder / f"{pid}.txt").write_text(f"{name} Privacy Policy\n\n{text}\n", encoding="utf-8")
        made[pid] = name
        toml.append(f'[{pid}]\nname = "{name}"\naliases = []\n')
    (folder / "policies.toml").write_text("\n".join(toml), encoding="utf-8")
    return made
