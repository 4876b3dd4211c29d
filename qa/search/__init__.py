"""Step 4: answering: retrieval, reranking, highlights, names and follow-ups, assembled into an Answer."""
