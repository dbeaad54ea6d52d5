"""Benchmarks of issue 6: each scenario timed against its ceiling in the same run.

`make bench SCALE=M` runs them all (`python -m benchmarks.run`); docs/performance.md explains
the method and holds the results.
"""
