"""Benchmarks of mentorbot, runnable as `python -m bench` (see bench/README.md)."""
