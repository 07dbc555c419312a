"""Benchmarks: the mock beside Prism, Connexion's mock mode and a bare Starlette app, measured in one run.

`python -m benchmarks` (or `nox -s bench`) writes `benchmarks/results/latest.{md,json,png}`.
"""
