"""Engine quantities of qubit systems: a whole generator against a general observable, and
numbers of stationary projections.

==============================  ==================================  ============================
quantity                        derived (symbolic engine)           matrix route (plain numpy)
==============================  ==================================  ============================
:class:`GeneratorPairing`       Tr[X L(rho)] = d<X>/dt of the       Tr[X L(rho)] with the direct
                                engine's Heisenberg equation, X =   (collision) Liouvillian at
                                sum_P x_P P (all Pauli strings),    a random rho and random
                                rho = 2^-N (1 + sum_P <P> P)        coefficients x_P
:class:`SteadyStateMeasure`     (given by the paper's check, e.g.   measure(P rho_0): P the
                                an exact stationary family)         stationary projection of an
                                                                    initial state rho_0
==============================  ==================================  ============================

A printed master equation is compared through :meth:`GeneratorPairing.pairing`: the printed
map G (Schroedinger picture, written with the engine's operators) becomes Tr[X G(rho)] for the
same X and rho, so printed and derived generators agree iff the two scalars are equal
polynomials in x_P and <P>.

Random draws, in this order (so a route is reproducible from its seed): the parameters
(:class:`~symthermo.papers.routes.Sampling`), the state rho (or the initial state rho_0), then
the observable's coefficients x_P ~ N(0, 1), one per Pauli string in the order of
:func:`symthermo.closure.pauli_strings`.  Vectorisation is column stacking
(:mod:`symthermo.numeric.superop`).  Independence: the matrix routes take the declared
operators' matrices and multiply them with numpy; they never use the symbolic algebra's
products or commutators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from ..algebra.expectation import Expectation
from ..algebra.operator import Operator, monomial_operator, operator_sum
from ..closure import pauli_strings
from ..model import CollisionModel
from ..numeric.matrices import monomial_matrix
from ..numeric.model_dynamics import direct_liouvillian, lindblad_liouvillian_of
from ..numeric.model_matrices import random_density_matrix
from ..numeric.sectors import sector_projection
from ..numeric.steady import steady_state
from ..numeric.superop import unvec, vec
from .compare import expectation_values
from .records import MatrixRoute
from .routes import DEFAULT_SAMPLING, Sampling

__all__ = [
    "GeneratorPairing",
    "SteadyStateMeasure",
    "closed_form_state_deviation",
    "direct_stationary_projection",
    "pauli_observable",
    "pauli_state",
]

_AXES = "0xyz"


def pauli_observable(sites: Sequence, name: str = "x") -> dict[tuple, sympy.Symbol]:
    """Coefficients x_P of X = sum_P x_P P over the non-identity Pauli strings P on ``sites``:
    ``{monomial: Symbol("x_<labels>")}`` (labels in 0xyz per site, e.g. ``x_0z``), real, in the
    order of :func:`symthermo.closure.pauli_strings`."""
    out = {}
    for mono in pauli_strings(tuple(sites)):
        loc = dict(mono)
        label = "".join(_AXES[loc.get(s.name, 0)] for s in sites)
        out[mono] = sympy.Symbol(f"{name}_{label}", real=True)
    return out


def pauli_state(sites: Sequence) -> Operator:
    """rho = 2^-N (1 + sum_P <P> P) with the engine's Expectation symbols <P>."""
    rho = Operator.scalar(1) + operator_sum(
        Expectation(mono) * monomial_operator(mono) for mono in pauli_strings(tuple(sites)))
    return rho * sympy.Rational(1, 2 ** len(sites))


def _observable_matrix(coefficients: Mapping[tuple, float], sites: Sequence) -> np.ndarray:
    return sum(x * monomial_matrix(mono, sites) for mono, x in coefficients.items())


def _draw_observable(symbols: Mapping[tuple, sympy.Symbol], rng: np.random.Generator
                     ) -> dict[tuple, float]:
    return {mono: float(rng.normal()) for mono in symbols}


@dataclass(frozen=True)
class GeneratorPairing:
    """Tr[X L(rho)] of a qubit system's whole generator (Hamiltonian and dissipator) for a
    general observable X and state rho (see the module docstring)."""

    model: CollisionModel
    sampling: Sampling = DEFAULT_SAMPLING

    @property
    def symbols(self) -> dict[tuple, sympy.Symbol]:
        return pauli_observable(self.model.system_sites)

    @property
    def observable(self) -> Operator:
        return operator_sum(x * monomial_operator(mono) for mono, x in self.symbols.items())

    def derived(self) -> sympy.Expr:
        """d<X>/dt by the engine's Heisenberg equation, expanded."""
        from ..thermo import heisenberg_equation

        return sympy.expand(heisenberg_equation(self.model, self.observable))

    def pairing(self, generator: Callable[[Operator], Operator]) -> sympy.Expr:
        """Tr[X G(rho)] = 2^N sum_P x_P [G(rho)]_P of a Schroedinger-picture map G (e.g. the
        printed master equation), rho the general state :func:`pauli_state`."""
        sites = self.model.system_sites
        terms = generator(pauli_state(sites)).terms
        return sympy.expand(sum(2 ** len(sites) * x * terms.get(mono, 0)
                                for mono, x in self.symbols.items()))

    def matrix_route(self, exprs: Sequence[sympy.Expr]) -> MatrixRoute:
        model, sampling = self.model, self.sampling
        sites = model.system_sites
        symbols = self.symbols
        d = 2 ** len(sites)

        def route(rng: np.random.Generator) -> tuple[dict, float]:
            params = sampling.parameters(model, rng)
            rho = random_density_matrix(d, rng)
            xs = _draw_observable(symbols, rng)
            lv = direct_liouvillian(model, {k: float(v) for k, v in params.items()},
                                    sampling.cutoff)
            value = float(np.trace(_observable_matrix(xs, sites) @ unvec(lv @ vec(rho), d)).real)
            subs = {**params, **{symbols[m]: v for m, v in xs.items()},
                    **expectation_values(list(exprs), rho, sites)}
            return subs, value

        return route


#: How :class:`SteadyStateMeasure` finds the stationary projection of rho_0.
GENERATORS = ("direct", "lindblad", "sector")


@dataclass(frozen=True)
class SteadyStateMeasure:
    """A number of the stationary projection rho_ss = P rho_0 of an initial state.

    initial:     ``initial(rng) -> rho_0`` (drawn after the parameters);
    coordinates: ``coordinates(params, rho_0) -> {symbol: value}``, the point at which the
                 compared expressions are evaluated (e.g. the paper's c of rho_0, omega, beta);
    measure:     ``measure(rho_ss, params) -> float``; with ``pair_observable`` the number is
                 instead Tr[X rho_ss] for X = sum_P x_P P with coefficients drawn after the
                 steady state (:func:`pauli_observable` symbols join the coordinates);
    generator:   ``direct`` (the collision Liouvillian from the coupling matrices, ancilla
                 cutoff ``sampling.cutoff``), ``lindblad`` (the derived Lindblad form at
                 numbers) or ``sector`` (the derived form on the sector of equal excitation
                 numbers, :func:`symthermo.numeric.sectors.sector_projection`);
    at:          ``at(params) -> params``, applied after the draws (e.g. a limit temperature).
    """

    model: CollisionModel
    initial: Callable[[np.random.Generator], np.ndarray]
    coordinates: Callable[[Mapping, np.ndarray], Mapping]
    measure: Callable[[np.ndarray, Mapping], float] | None = None
    sampling: Sampling = DEFAULT_SAMPLING
    generator: str = "direct"
    at: Callable[[dict], dict] | None = None
    pair_observable: bool = False

    def __post_init__(self) -> None:
        if self.generator not in GENERATORS:
            raise ValueError(f"generator {self.generator!r}: use one of {GENERATORS}")
        if (self.measure is None) != self.pair_observable:
            raise ValueError("give a measure, or pair_observable=True (Tr[X rho_ss]), not both")

    def steady_state(self, params: Mapping, rho0: np.ndarray) -> np.ndarray:
        """P rho_0 by the chosen generator."""
        if self.generator == "sector":
            return sector_projection(self.model, params, rho0)[0]
        p = {k: float(v) for k, v in params.items()}
        if self.generator == "direct":
            lv = direct_liouvillian(self.model, p, self.sampling.cutoff)
        else:
            lv = lindblad_liouvillian_of(self.model, p)
        return steady_state(lv, initial_state=rho0).rho

    def matrix_route(self, exprs: Sequence[sympy.Expr] = ()) -> MatrixRoute:
        sites = self.model.system_sites

        def route(rng: np.random.Generator) -> tuple[dict, float]:
            params = self.sampling.parameters(self.model, rng)
            rho0 = self.initial(rng)
            if self.at is not None:
                params = self.at(params)
            rho = self.steady_state(params, rho0)
            subs = dict(self.coordinates(params, rho0))
            if not self.pair_observable:
                return subs, float(self.measure(rho, params))  # type: ignore[misc]
            symbols = pauli_observable(sites)
            xs = _draw_observable(symbols, rng)
            subs.update({symbols[m]: v for m, v in xs.items()})
            return subs, float(np.trace(_observable_matrix(xs, sites) @ rho).real)

        return route

    def observable_expr(self, values: Mapping[Expectation, sympy.Expr]) -> sympy.Expr:
        """Tr[X rho] = sum_P x_P <P> for a state given by its Pauli expectations (the derived
        side of a ``pair_observable`` check)."""
        return sympy.Add(*[x * values[Expectation(mono)]
                           for mono, x in pauli_observable(self.model.system_sites).items()])


def direct_stationary_projection(model: CollisionModel, params: Mapping, rho0: np.ndarray,
                                 cutoff: Mapping[str, int] | int | None = None
                                 ) -> tuple[np.ndarray, int]:
    """(P rho_0, dim ker L): the stationary projection of rho_0 under the collision generator
    built from the coupling matrices (:func:`symthermo.numeric.model_dynamics.direct_liouvillian`,
    ancilla Fock cutoff ``cutoff``), and the dimension of the stationary space (> 1: the steady
    state depends on the initial state)."""
    lv = direct_liouvillian(model, {k: float(v) for k, v in params.items()}, cutoff)
    ss = steady_state(lv, initial_state=rho0)
    return ss.rho, ss.stationary_dimension


def closed_form_state_deviation(route: SteadyStateMeasure, printed: sympy.Matrix,
                                seeds: Sequence[int]) -> float:
    """max over seeds of max_ij |rho_ss - rho_printed|: a printed closed-form steady state
    against the engine's stationary projection.

    For each seed the route draws, from ``numpy.random.default_rng(seed)``, its parameters and
    initial state rho_0 (the order of :meth:`SteadyStateMeasure.matrix_route`), projects rho_0
    (:meth:`SteadyStateMeasure.steady_state`) and evaluates ``printed`` at the route's
    coordinates (e.g. the paper's c of rho_0, omega, beta), which must name every free symbol
    of ``printed`` (else ValueError)."""
    symbols = sorted(printed.free_symbols, key=str)
    closed_form = sympy.lambdify(symbols, printed, "numpy")
    worst = 0.0
    for seed in seeds:
        rng = np.random.default_rng(seed)
        params = route.sampling.parameters(route.model, rng)
        rho0 = route.initial(rng)
        if route.at is not None:
            params = route.at(params)
        point = route.coordinates(params, rho0)
        missing = [s for s in symbols if s not in point]
        if missing:
            raise ValueError(f"the route's coordinates do not give {missing}: the printed state "
                             "must be a function of the coordinates")
        rho = route.steady_state(params, rho0)
        value = np.array(closed_form(*(point[s] for s in symbols)), dtype=complex)
        worst = max(worst, float(np.abs(rho - value).max()))
    return worst
