"""Exception types of symthermo.

Every error a user can trigger derives from :class:`SymthermoError`, so the command line can
print its message (one line, no traceback) and exit with status 2.  Each subclass names the
requirement that was violated; messages say what is wrong and how to fix it.
"""

from __future__ import annotations


class SymthermoError(Exception):
    """Base class of all user-facing symthermo errors."""


class SiteError(SymthermoError, ValueError):
    """A site is unknown, badly named, or used with an operator of the wrong kind."""


class CoefficientError(SymthermoError, TypeError):
    """A coefficient is not a scalar (a sympy expression free of operators, or a number)."""


class StateError(SymthermoError, ValueError):
    """An ancilla state is malformed (populations not summing to one, wrong site kind, ...)."""


class ModelError(SymthermoError, ValueError):
    """A collision model violates a requirement (Hermiticity, bath mean, unknown site, ...)."""


class IndexedError(SymthermoError, ValueError):
    """An index or family is unknown or misused, or a symbolic size N reached a routine that
    needs a concrete one (unroll first)."""
