"""Steady states for a paper's statements: exact stationary expectation values from the engine's
Heisenberg equations, the steady-state currents there, and the numeric routes statements
compare them with (relaxation of the direct Liouvillian, the exact finite-tau collision map).

Exact route (:func:`stationary_expectations`): for system observables O_1..O_n whose
Heisenberg equations close linearly on their own expectation values,

    d<O>/dt = M x + c,   x = (<O_1>, ..., <O_n>),

the stationary point is x* = -adj(M) c / det M (det M != 0: a unique stationary point).  The
adjugate keeps everything polynomial (transcendental atoms such as tanh(beta omega/2) stay
atoms), which is much faster than cancelling the nested fractions of an LU solve.

Numeric routes (independent of the symbolic products): :func:`relaxation` uses the direct
Liouvillian L rho = -i[H_S, rho] - (1/2) Tr_R [V, [V, rho (x) rho_R]] from the coupling
matrices (column stacking, :func:`~symthermo.numeric.model_dynamics.direct_liouvillian`);
:func:`collision_step` and :func:`collision_fixed_point` use the exact collision
U = exp(-i tau (H_S + H_R + V/sqrt(tau))) with a fresh ancilla per round
(:func:`~symthermo.numeric.model_dynamics.collision_round`).

Sign conventions are the engine's: heat positive INTO the system, work positive when delivered
TO the system (switching the coupling on and off).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy

from ..algebra import expectation
from ..algebra.expectation import Expectation
from ..algebra.operator import Operator
from ..errors import ModelError
from ..model import CollisionModel
from ..numeric.collision import CollisionEnergetics, collision_energetics, collision_steady_state
from ..numeric.matrices import PAULI, evaluate
from ..numeric.model_dynamics import collision_round, direct_liouvillian
from ..numeric.steady import SteadyState, evolve, steady_state
from .records import MatrixRoute
from .routes import DEFAULT_SAMPLING, Sampling, currents_at, steady_summary

__all__ = [
    "Relaxation",
    "SteadyCurrent",
    "bloch_vector",
    "collision_fixed_point",
    "collision_step",
    "current_totals",
    "derived_totals",
    "inverse_temperature_of_bloch_z",
    "relaxation",
    "stationary_current",
    "stationary_equations",
    "stationary_expectations",
]

Cutoff = Mapping[str, int] | int | None


# exact: the engine's Heisenberg equations ----------------------------------------------------


def _unknown(op: Operator) -> Expectation:
    e = expectation(op)
    if not isinstance(e, Expectation):
        raise ModelError(f"{op} is not a single monomial: give the observables as monomials "
                         "(e.g. S.x, S.y, S.z) so that <O> is one unknown")
    return e


def stationary_equations(model: CollisionModel, observables: Sequence[Operator]
                         ) -> tuple[sympy.Matrix, sympy.Matrix]:
    """(M, c) with d<O>/dt = M x + c, x = (<O_1>, ..., <O_n>), from the engine's Heisenberg
    equations; ModelError when they involve other expectation values (not closed)."""
    from ..thermo import heisenberg_equation

    unknowns = [_unknown(o) for o in observables]
    rhs = [heisenberg_equation(model, o) for o in observables]
    others = {s for r in rhs for s in r.free_symbols
              if isinstance(s, Expectation) and s not in unknowns}
    if others:
        raise ModelError(f"{model.name}: the Heisenberg equations of the observables are not "
                         f"closed (they involve {sorted(map(str, others))}); add those "
                         "observables to the list")
    m, minus_c = sympy.linear_eq_to_matrix(rhs, unknowns)
    return m, -minus_c


@lru_cache(maxsize=32)
def stationary_expectations(model: CollisionModel, observables: tuple[Operator, ...]
                            ) -> dict[Expectation, sympy.Expr]:
    """The exact stationary <O_k>: x* = -adj(M) c / det M (see the module docstring).

    ModelError when det M = 0 (the stationary point is not unique).  Cached (model and
    observables are hashable): do not modify the returned dict.
    """
    m, c = stationary_equations(model, observables)
    det = sympy.expand(m.det(method="berkowitz"))
    if det == 0:
        raise ModelError(f"{model.name}: the stationary state is not unique (det M = 0)")
    num = m.adjugate(method="berkowitz") * c
    # cancel (a polynomial gcd) rather than factor: sympy's multivariate factorisation draws
    # random evaluation points, and with some global random states it ran for minutes
    return {_unknown(o): sympy.cancel(sympy.expand(-num[i]) / det)
            for i, o in enumerate(observables)}


def _heat_bath(model: CollisionModel, bath: str | None) -> str:
    """The bath of a heat current: ``bath``, or the model's only bath."""
    if bath is not None:
        return bath
    if len(model.baths) != 1:
        raise ModelError(f"{model.name} has {len(model.baths)} baths: name the bath of the heat "
                         f"current (one of {', '.join(b.name for b in model.baths)})")
    return model.baths[0].name


def stationary_current(model: CollisionModel, kind: str, stationary: Mapping,
                       bath: str | None = None) -> sympy.Expr:
    """The engine's heat current of ``bath`` (kind ``"heat"``; ``bath`` may be left out when
    the model has one bath) or total work current (kind ``"work"``) at the stationary
    expectation values ``stationary``, factored."""
    from ..thermo import heat_current, work_current

    if kind not in ("heat", "work"):
        raise ValueError(f"kind must be 'heat' or 'work', got {kind!r}")
    current = (heat_current(model, _heat_bath(model, bath)) if kind == "heat"
               else work_current(model))
    return sympy.factor(sympy.cancel(sympy.together(current.xreplace(dict(stationary)))))


@dataclass(frozen=True)
class SteadyCurrent:
    """A steady-state current as an engine quantity for a :class:`~symthermo.papers.Check`.

    derived: :func:`stationary_current` at :func:`stationary_expectations` of ``observables``;
    matrix route: the numeric steady state of the direct Liouvillian at a random point of
    ``sampling`` and the current there by the matrix route (:func:`steady_summary`).  A value
    below ``zero`` in size is an exact zero computed in floating point and is reported as 0
    (so that the report does not depend on the BLAS).
    """

    model: CollisionModel
    kind: str
    observables: tuple[Operator, ...]
    bath: str | None = None
    sampling: Sampling = DEFAULT_SAMPLING
    zero: float = 1e-13

    def derived(self) -> sympy.Expr:
        ss = stationary_expectations(self.model, self.observables)
        return stationary_current(self.model, self.kind, ss, self.bath)

    def matrix_route(self, exprs: Sequence[sympy.Expr]) -> MatrixRoute:
        def route(rng: np.random.Generator) -> tuple[dict, float]:
            params = self.sampling.parameters(self.model, rng)
            ss = steady_summary(self.model, params)
            value = (ss.heat[_heat_bath(self.model, self.bath)] if self.kind == "heat"
                     else ss.work)
            return dict(params), 0.0 if abs(value) < self.zero else value

        return route


# numeric ------------------------------------------------------------------------------------


def current_totals(model: CollisionModel, rho_s: np.ndarray, params: Mapping,
                   cutoff: Cutoff = None) -> tuple[dict[str, float], float]:
    """({bath: heat current into the system}, work current) at rho_S by the matrix route:
    local + non-local parts of :func:`~symthermo.papers.routes.currents_at`."""
    cur = currents_at(model, rho_s, params, cutoff)
    heat = {b.name: cur[f"Q_{b.name},local"] + cur[f"Q_{b.name},nonlocal"] for b in model.baths}
    return heat, cur["W_local"] + cur["W_nonlocal"]



def derived_totals(model: CollisionModel, rho_s: np.ndarray, params: Mapping,
                   cutoff: Cutoff = None) -> tuple[dict[str, float], float]:
    """({bath: heat current into the system}, work current) at rho_S from the engine's derived
    (symbolic) currents, evaluated with the expectation values of rho_S; compare with the
    matrix route :func:`current_totals`."""
    from ..thermo import heat_current, work_current

    sites = model.system_sites
    heat = {b.name: float(evaluate(heat_current(model, b.name), rho_s, sites, params,
                                   cutoff).real) for b in model.baths}
    return heat, float(evaluate(work_current(model), rho_s, sites, params, cutoff).real)


def bloch_vector(rho: np.ndarray) -> tuple[float, float, float]:
    """(<sigma_x>, <sigma_y>, <sigma_z>) = Re Tr(rho sigma_a) of a qubit state (2x2 matrix,
    basis |0> ground, |1> excited, sigma_z = |1><1| - |0><0|)."""
    rho = np.asarray(rho)
    if rho.shape != (2, 2):
        raise ValueError(f"bloch_vector needs a qubit density matrix (2x2), got {rho.shape}")
    return tuple(float(complex(np.trace(rho @ PAULI[a])).real)  # type: ignore[return-value]
                 for a in (1, 2, 3))


def inverse_temperature_of_bloch_z(z: float, omega: float) -> float:
    """beta_eff of a diagonal qubit state with H = (omega/2) sigma_z and <sigma_z> = z:
    z = -tanh(beta_eff omega / 2), so beta_eff = (2/omega) atanh(-z) (negative for inverted
    populations, z > 0)."""
    if not abs(z) < 1:
        raise ValueError(f"<sigma_z> = {z} has no finite inverse temperature (|z| must be < 1)")
    return 2.0 / omega * math.atanh(-z)


@dataclass(frozen=True)
class Relaxation:
    """How the direct Liouvillian relaxes.

    dimension:      dim ker L (1: a unique stationary state);
    slowest_rate:   the smallest |Re lambda| among the non-stationary eigenvalues of L;
    trace_distance: (1/2) ||e^{L t}(rho_a - rho_b)||_1 at the time asked for.
    """

    dimension: int
    slowest_rate: float
    trace_distance: float


def relaxation(model: CollisionModel, params: Mapping, rho_a: np.ndarray, rho_b: np.ndarray,
               time: float, cutoff: Cutoff = None) -> Relaxation:
    """Uniqueness, slowest rate and the distance at ``time`` between the evolutions from two
    initial states, with the direct Liouvillian (see :class:`Relaxation`)."""
    gen = direct_liouvillian(model, params, cutoff)
    dim = steady_state(gen).stationary_dimension
    rates = np.sort(np.abs(np.linalg.eigvals(gen).real))
    d = evolve(gen, (np.asarray(rho_a) - np.asarray(rho_b)).astype(complex), [time],
               method="expm")[0]
    dist = 0.5 * float(np.abs(np.linalg.eigvalsh(0.5 * (d + d.conj().T))).sum())
    return Relaxation(dim, float(rates[dim]), dist)


def collision_step(model: CollisionModel, params: Mapping, rho_s: np.ndarray, tau: float,
                   cutoff: Cutoff = None) -> CollisionEnergetics:
    """One exact collision round from rho_S at finite tau (heat per channel INTO the system,
    switching work TO the system, rho_S'), U = exp(-i tau (H_S + H_R + V/sqrt(tau)))."""
    rnd, _, _ = collision_round(model, tau, params, cutoff)
    return collision_energetics(rnd, rho_s)


def collision_fixed_point(model: CollisionModel, params: Mapping, tau: float,
                          cutoff: Cutoff = None,
                          initial_state: np.ndarray | None = None) -> SteadyState:
    """The fixed point of the exact finite-tau round map rho_S -> Tr_R[U rho_S (x) rho_R U^dag]
    (its ``rho`` and ``stationary_dimension``)."""
    return collision_steady_state(collision_round(model, tau, params, cutoff)[0], initial_state)
