"""Hybrid retrieval: BM25 over jieba tokens and dense vectors from Chroma, fused by weighted RRF."""
