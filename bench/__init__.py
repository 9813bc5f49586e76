"""Benchmarks for sckg: `python -m bench [--quick] [--json FILE]`."""
