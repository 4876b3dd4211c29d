"""Training run here (never in the tests): query adapters and the reranker, and the policy split."""
