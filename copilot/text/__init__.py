"""Chinese text normalisation shared by ingestion, the rulebook, retrieval and the checker."""
