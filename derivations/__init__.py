"""Paper derivations: one module per paper, each exposing ``build() -> Derivation``.

See :mod:`derivations.framework` for the records (checks of printed equations, statements)
and for the writer of ``generated/<paper>/``.
"""

NAMES = ("common_reservoirs", "coupled_ensembles", "collective_ergotropy", "memoryless_ness")
