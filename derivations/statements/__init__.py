"""A paper's statements about its steady states, regimes and measures: one module per paper, imported by the paper module (derivations/<paper>.py) when it builds its derivation."""
