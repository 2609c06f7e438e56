"""A paper's checks: its printed equations against the engine's derivation, one module per paper.

``derivations/checks/<paper>.py`` holds the :class:`~symthermo.papers.Check` records of the
paper ``derivations/<paper>.py`` (as ``derivations/statements/<paper>.py`` holds its
statements and ``derivations/figures/<paper>.py`` its figures): it imports the paper module's
models, printed equations, convention mappings and routes, and the paper module's
``checks()`` imports it inside the function (no import cycle).  Only papers whose declaration
would otherwise exceed 600 lines are split this way.  This package is not a paper:
``symthermo derive --all`` runs the names in ``derivations.NAMES`` only.
"""
