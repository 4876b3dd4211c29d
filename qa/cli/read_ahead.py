"""After a build: what a practice model that reads text (`qa.search.practice.PracticeModel.reads_text`)
reads in every policy, encoded once and kept on disk, so that no question pays for it."""

from __future__ import annotations

import sys

from qa.cli.output import progress_bar, terminal_safe


def read_practices_after_build(location, quiet: bool) -> None:
    """After a build: what a practice model that reads text reads in each policy, encoded now (and kept on
    disk) rather than by the first question. A failure here costs the build nothing (the answer path reads
    them on first use)."""
    from qa.search.engine import open_engine
    from qa.search.practice import load_practice_model

    try:
        practice = load_practice_model()
        if practice is None or not practice.reads_text:  # it reads the index's own vectors: nothing to do
            return
        engine = open_engine(location)
        with progress_bar("reading practices", "policy", quiet) as progress:
            engine.read_practices(progress)
    except Exception as err:  # noqa: BLE001 - a read-ahead: whatever stops it, the build stands
        print(f"warning: practices not read ahead ({terminal_safe(str(err))}); the first question reads them",
              file=sys.stderr)
