"""Benchmarks and the load run: the real server on loopback, in-process stage timings, naive baselines."""
