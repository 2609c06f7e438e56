"""Paper derivations: one module per paper, each a *declaration* for :mod:`symthermo.papers`.

A module declares its models and parameters (``MODELS``/``build_models()``, ``PARAMETERS``/
``build_parameters()``, ``TITLE``), its printed equations (``checks()``), statements,
quantities and notes; or, for full control, ``build() -> Derivation``.  The framework compares
every check, builds the matrix routes from the models and writes ``generated/<paper>/``; see
:mod:`symthermo.papers.declaration`.

``NAMES`` lists the papers ``symthermo derive --all`` runs from a checkout (an installed
symthermo finds the same modules through the entry-point group ``symthermo.papers``).
"""

NAMES = ("common_reservoirs", "coupled_ensembles", "collective_ergotropy", "memoryless_ness")
