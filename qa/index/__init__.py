"""Step 3: the index: building it, the folder store (FAISS + bm25s) and the PostgreSQL store."""
