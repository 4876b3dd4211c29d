"""`policyqa bench`: how fast policyqa is on this machine, beside a plain sentence-transformers + FAISS pipeline.

What is measured, and on what:

- embedding backends (PyTorch, ONNX float32, ONNX int8) on the seed policies, each with real vectors:
  a full index build (passages per second), one question's embedding, and golden-set quality;
  the plain baseline is `SentenceTransformer.encode` of the same texts (`backends`, `plain`);
- warm per-question latency, end to end (`Engine.answer`: routing, retrieval, highlighting), and the
  bare FAISS search, over the golden questions, for the seed index and for synthetic corpora of about
  30,000 and 300,000 passages; the plain baseline embeds each question with PyTorch and searches an
  exact IndexFlatIP of the same passage vectors (`serve`, `plain`);
- the approximate index's recall@10 against exact search, for the golden questions' real vectors
  (`synthetic`, on the corpora `corpus` makes from the seed index: real text, near-real vectors);
- cold start: process start to first answer for `policyqa ask` and for the Streamlit chat, `--help`
  (`coldstart`; the chat server and browser harness in `server` is shared with tests/test_e2e.py);
- peak memory (RSS) of the process that serves each index, and the index's size on disk (`measure`).

Each phase runs in a child process (`child`), so its peak RSS is its own and no model stays loaded into
the next. `cli` holds the parser, the command and the run; `report` the targets and report.md; `plot`
latency.png. Synthetic corpora are made in a scratch folder and deleted afterwards, never committed.
"""
