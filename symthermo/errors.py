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


class ParameterError(SymthermoError, ValueError):
    """A numeric value handed to symthermo is missing or outside its domain.

    Raised where numbers enter (parameter values substituted into derived expressions,
    kernel arguments, tolerances, option choices); the message names the parameter, the
    value received and the allowed range.  ``parameter`` is that name.
    """

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class ArgumentError(ParameterError, TypeError):
    """A function was called with a missing, unknown, None or non-numeric argument."""


class IndexedError(SymthermoError, ValueError):
    """An index or family is unknown or misused, or a symbolic size N reached a routine that
    needs a concrete one (unroll first)."""
