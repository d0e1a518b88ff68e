"""Benchmarks of the running gateway (``make bench``) and of its refusals (``bench/hostile.py``)."""
