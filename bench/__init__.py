"""Benchmarks: each runs the project and its reference in the same run, on the same data."""
