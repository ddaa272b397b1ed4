"""Knowledge → Chroma collections (passages and rulebook entries), re-embedding only what changed."""
