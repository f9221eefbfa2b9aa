"""Reproducible speed measurements; `make bench` runs them and writes BENCHMARKS.md."""
