"""General-N (symbolic N and M) declarations of the papers' models (issue 12).

Each module declares a paper's model over site families with a symbolic size
(:mod:`symthermo.algebra.indexed`, :mod:`symthermo.indexed_thermo`) and, for the tests, the
same model built by hand at a concrete size with the instance engine.
"""
