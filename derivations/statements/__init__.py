"""A paper's statements about its steady states and measures, one module per paper.

``derivations/statements/<paper>.py`` holds the :class:`~symthermo.papers.Statement` records
of the paper ``derivations/<paper>.py`` (as ``derivations/figures/<paper>.py`` holds its
figures and ``derivations/general_n/<paper>.py`` its general-N declaration): it imports the
paper module's models, parameters and printed equations, and the paper module's
``statements()`` imports it inside the function (no import cycle).  This package is not a
paper: ``symthermo derive --all`` runs the names in ``derivations.NAMES`` only.
"""
