"""Training the shipped models (run by hand; the tests run the loops on toy data only): query adapters, the
reranker, the practice model, and the policy split."""
