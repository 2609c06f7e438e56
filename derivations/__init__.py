"""Paper derivations: one module per paper, each exposing ``build() -> Derivation``.

A module may also offer its models and default parameters cheaply (without running the
checks), for ``symthermo list/steady/sweep``: ``build_models()`` and ``build_parameters()``,
or module constants ``MODELS`` and ``PARAMETERS`` ({variant: {Symbol: value}}), and ``TITLE``.

See :mod:`derivations.framework` for the records (checks of printed equations, statements)
and for the writer of ``generated/<paper>/``.
"""

NAMES = ("common_reservoirs", "coupled_ensembles", "collective_ergotropy", "memoryless_ness")
