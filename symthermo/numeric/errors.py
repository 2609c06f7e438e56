"""Domain errors of the numeric layer (symthermo.numeric).

Every error raised on purpose by ``symthermo.numeric`` derives from :class:`NumericDomainError`
(a ``ValueError`` and a :class:`symthermo.errors.SymthermoError`, so the command line prints its
message without a traceback). Each subclass names the requirement that was violated and the
message says how to get out of it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ParameterError, SymthermoError


class NumericDomainError(SymthermoError, ValueError):
    """A numeric input lies outside the domain where the requested quantity is defined."""


class NumericParameterError(NumericDomainError, ParameterError):
    """A number or option handed to the numeric layer is outside its domain (a tolerance that
    is not positive and finite, a duration tau <= 0, ...); ``parameter`` names it."""


class InvalidDensityMatrixError(NumericDomainError):
    """A matrix passed as a density matrix is not Hermitian, not positive or not of unit trace.

    ``condition`` names the violated requirement: ``"square"``, ``"hermitian"``,
    ``"positive semidefinite"`` or ``"unit trace"``.
    """

    def __init__(self, message: str, condition: str) -> None:
        super().__init__(message)
        self.condition = condition


class NonZeroBathMeanError(NumericDomainError):
    """Tr_R[(1 (x) rho_R) V] != 0 for a stroke: the tau -> 0 collision limit diverges.

    ``stroke`` is the index (0-based, in the order given) of the offending stroke.
    """

    def __init__(self, message: str, stroke: int) -> None:
        super().__init__(message)
        self.stroke = stroke


class NotTracePreservingError(NumericDomainError):
    """A generator that should preserve the trace does not: vec(I)^dag L != 0."""


class DegenerateSteadyStateError(NumericDomainError):
    """The stationary space has dimension > 1, so the steady state depends on the initial state.

    ``dimension`` is the dimension of the stationary space (kernel of the Liouvillian) for a
    single problem; ``indices`` lists the degenerate points of a batched problem (flat indices
    into the batch).
    """

    def __init__(
        self, message: str, dimension: int | None = None, indices: Sequence[int] = ()
    ) -> None:
        super().__init__(message)
        self.dimension = dimension
        self.indices = tuple(int(i) for i in indices)
