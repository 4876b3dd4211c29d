"""`streamlit run` with the fake embedder registered (`python -m tests.fake_streamlit run app.py …`).

For browser tests on an index built with `tests.fakes.FakeEmbedder`: the page runs in this process, so
it finds the fake through `qa.embed.load.register_embedder`, the seam conftest's `fake_model` uses.
"""

import sys

from qa.embed.load import register_embedder
from tests.fakes import FAKE_MODEL, FakeEmbedder

register_embedder(FAKE_MODEL, lambda model, backend=None: FakeEmbedder(model))

if __name__ == "__main__":
    from streamlit.web import cli

    sys.exit(cli.main())
