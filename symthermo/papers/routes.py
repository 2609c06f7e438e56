"""Engine quantities: what a printed equation is *about*, with its derived expression and an
independent matrix route built from the model.

A :class:`~symthermo.papers.records.Check` with ``of=HeatCurrent(model, "R", "local")`` needs
neither a derived expression nor a hand-written route: the engine supplies both.

==========================  ===============================  =================================
quantity                    derived (symbolic engine)        matrix route (plain numpy)
==========================  ===============================  =================================
:class:`HeatCurrent`        :func:`thermo.heat_current`      scale sum w Tr[(rho_S (x) rho_R)
                                                             [V_i,[V_j,H_R]]]
:class:`WorkCurrent`        :func:`thermo.work_current`      -scale sum w Tr[(rho_S (x) rho_R)
                                                             [V_i,[V_j,H_S + H_R]]]
:class:`Heisenberg`         :func:`thermo.heisenberg_equa    Tr[O L(rho_S)], L the direct
                            tion` d<O>/dt                    Liouvillian from the couplings'
                                                             matrices
:class:`Dissipator`         Tr[D^dag(X) rho_S] for a         Tr[X D(rho_S)], D = L - (-i[H_S,.])
                            general rho_S and X (Pauli       of the direct Liouvillian, random
                            components as symbols)           rho_S and Hermitian X
:class:`AncillaExpectation` Tr_R over the ancilla states     Tr[rho_R O] with the ancillas'
                                                             density matrices
==========================  ===============================  =================================

Independence: the matrix routes never use the symbolic algebra's products or commutators;
they take the matrices of the declared operators (:func:`~symthermo.numeric.matrices.
operator_matrix`) and multiply them with numpy
(:mod:`symthermo.numeric.model_matrices`, :func:`~symthermo.numeric.model_dynamics.
direct_liouvillian`).

Random points (:class:`Sampling`): parameters first, drawn in the order of their names
(uniform in a range chosen by exact name, else by the longest matching ``prefix*``, else the
default range), then the random state rho_S = G G^dag / Tr (G complex Gaussian), then (for a
dissipator) the Hermitian observable X = G + G^dag.  The substitution of a route holds every
parameter and every Expectation symbol of the system in the compared expressions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from itertools import product

import numpy as np
import sympy

from ..algebra.expectation import Expectation
from ..algebra.operator import Operator, operator_sum
from ..model import CollisionModel
from ..numeric.matrices import dimensions, monomial_matrix, operator_matrix
from ..numeric.model_dynamics import direct_liouvillian
from ..numeric.model_matrices import (
    ancilla_density_matrix,
    heat_current_matrix,
    random_density_matrix,
    work_current_matrix,
)
from ..numeric.steady import steady_state
from ..numeric.superop import hamiltonian_superop
from .compare import expectation_values
from .records import MatrixRoute

__all__ = [
    "AncillaExpectation",
    "Dissipator",
    "HeatCurrent",
    "Heisenberg",
    "Sampling",
    "SteadySummary",
    "WorkCurrent",
    "currents_at",
    "general_observable",
    "general_state",
    "gibbs_state",
    "model_parameters",
    "stationarity",
    "steady_summary",
    "system_trace",
]


def model_parameters(model: CollisionModel) -> list[sympy.Symbol]:
    """Every parameter of a model (Hamiltonians, couplings, ancilla states), sorted by name."""
    found: set[sympy.Symbol] = set()
    ops = [model.hamiltonian, model.interaction]
    for b in model.baths:
        ops.append(b.hamiltonian)
        ops.extend(v for _, v in b.couplings)
    for op in ops:
        for c in op.terms.values():
            found |= sympy.sympify(c).free_symbols
    for st in model.ancilla_states:
        for p in st.populations(2):
            found |= sympy.sympify(p).free_symbols
    return sorted(found, key=lambda s: s.name)


@dataclass(frozen=True)
class Sampling:
    """How a random point is drawn (see the module docstring).

    ranges:  ``{name or "prefix*": (low, high)}`` for uniform parameter draws;
    default: the range of every other parameter (positive symbols: ``positive_default``);
    draw:    ``draw(rng, symbols) -> {Symbol: value}`` replaces the range rule (e.g. when one
             parameter is drawn relative to another);
    cutoff:  Fock levels of bosonic sites in the matrix routes (None: the sites' own).
    """

    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    default: tuple[float, float] = (-1.5, 1.5)
    draw: Callable[[np.random.Generator, Sequence[sympy.Symbol]], dict] | None = None
    cutoff: Mapping[str, int] | int | None = None
    positive_default: tuple[float, float] = (0.2, 1.5)

    def range_of(self, symbol: sympy.Symbol) -> tuple[float, float]:
        """The symbol's range: by exact name, else the longest matching ``prefix*``, else the
        default; a symbol declared positive (or non-negative) without a range of its own whose
        default reaches below 0 takes ``positive_default`` (its assumptions hold at the point)."""
        name = symbol.name
        if name in self.ranges:
            return self.ranges[name]
        best = ""
        for key in self.ranges:
            if key.endswith("*") and name.startswith(key[:-1]) and len(key) > len(best):
                best = key
        if best:
            return self.ranges[best]
        if self.default[0] < 0 and (symbol.is_positive or symbol.is_nonnegative):
            return self.positive_default
        return self.default

    def parameters(self, model: CollisionModel, rng: np.random.Generator) -> dict:
        symbols = model_parameters(model)
        if self.draw is not None:
            return dict(self.draw(rng, symbols))
        out = {}
        for s in symbols:
            low, high = self.range_of(s)
            out[s] = float(rng.uniform(low, high))
        return out


DEFAULT_SAMPLING = Sampling(ranges={"omega*": (1.0, 4.0), "T_*": (0.5, 3.0),
                                    "beta*": (0.3, 2.0)})


def _system_only(model: CollisionModel, exprs: Sequence[sympy.Expr]) -> list[sympy.Expr]:
    """The expressions with Expectation symbols of non-system sites dropped (set to 0)."""
    names = {s.name for s in model.system_sites}
    out = []
    for e in exprs:
        e = sympy.sympify(e)
        out.append(e.xreplace({z: 0 for z in e.free_symbols
                               if isinstance(z, Expectation) and not set(z.site_names) <= names}))
    return out


def _state_route(
    model: CollisionModel,
    sampling: Sampling,
    value: Callable[[dict, np.ndarray], float],
    exprs: Sequence[sympy.Expr],
) -> MatrixRoute:
    """params, then a random rho_S; value(params, rho) with the matrices; expectation values."""

    def route(rng: np.random.Generator) -> tuple[dict, float]:
        params = sampling.parameters(model, rng)
        d = int(np.prod(dimensions(model.system_sites, sampling.cutoff)))
        rho = random_density_matrix(d, rng)
        subs = dict(params)
        subs.update(expectation_values(_system_only(model, exprs), rho, model.system_sites,
                                       sampling.cutoff))
        return subs, float(value(params, rho))

    return route


@dataclass(frozen=True)
class HeatCurrent:
    """Qdot of one bath (``part``: local, nonlocal or total), heat INTO the system."""

    model: CollisionModel
    bath: str
    part: str = "total"
    sampling: Sampling = DEFAULT_SAMPLING

    def derived(self) -> sympy.Expr:
        from ..thermo import heat_current

        return heat_current(self.model, self.bath, self.part)

    def matrix_route(self, exprs: Sequence[sympy.Expr]) -> MatrixRoute:
        def value(params: dict, rho: np.ndarray) -> float:
            return heat_current_matrix(self.model, self.bath, self.part, rho, params,
                                       self.sampling.cutoff)

        return _state_route(self.model, self.sampling, value, exprs)


@dataclass(frozen=True)
class WorkCurrent:
    """Wdot (all baths, or one bath's share), work delivered TO the system."""

    model: CollisionModel
    bath: str | None = None
    part: str = "total"
    sampling: Sampling = DEFAULT_SAMPLING

    def derived(self) -> sympy.Expr:
        from ..thermo import work_current

        return work_current(self.model, self.bath, self.part)

    def matrix_route(self, exprs: Sequence[sympy.Expr]) -> MatrixRoute:
        def value(params: dict, rho: np.ndarray) -> float:
            return work_current_matrix(self.model, self.bath, self.part, rho, params,
                                       self.sampling.cutoff)

        return _state_route(self.model, self.sampling, value, exprs)


def _apply(generator: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """L(rho) with a column-stacking superoperator."""
    d = rho.shape[0]
    return (generator @ rho.reshape(-1, order="F")).reshape(d, d, order="F")


@dataclass(frozen=True)
class Heisenberg:
    """d<O>/dt of a system observable O (the whole generator: Hamiltonian and dissipator)."""

    model: CollisionModel
    observable: Operator
    sampling: Sampling = DEFAULT_SAMPLING

    def derived(self) -> sympy.Expr:
        from ..thermo import heisenberg_equation

        return heisenberg_equation(self.model, self.observable)

    def matrix_route(self, exprs: Sequence[sympy.Expr]) -> MatrixRoute:
        cutoff = self.sampling.cutoff

        def value(params: dict, rho: np.ndarray) -> float:
            drho = _apply(direct_liouvillian(self.model, params, cutoff), rho)
            o = operator_matrix(self.observable, self.model.system_sites, cutoff, params)
            return float(np.trace(o @ drho).real)

        return _state_route(self.model, self.sampling, value, exprs)


# general states and observables of qubit systems ----------------------------------------------

_AXES = ("0", "x", "y", "z")


def _pauli_string(sites: Sequence, labels: Sequence[str]) -> Operator:
    ops = [Operator.scalar(1) if a == "0" else getattr(s, a) for s, a in zip(sites, labels,
                                                                              strict=True)]
    return reduce(lambda x, y: x * y, ops)


def _monomial(sites: Sequence, labels: Sequence[str]):
    return next(iter(_pauli_string(sites, labels).terms))


def _labels(n: int) -> list[tuple[str, ...]]:
    return list(product(_AXES, repeat=n))


def general_state(sites: Sequence, name: str = "rho") -> tuple[Operator, dict]:
    """rho_S = 2^-n sum_a rho_a sigma_a (Pauli strings a, rho_0...0 = 1) and its symbols.

    ``rho_a = Tr(rho_S sigma_a)`` are real symbols named ``rho_<labels>`` (labels in 0xyz per
    site, e.g. ``rho_x0``).  Returns (operator, {labels: symbol}).
    """
    n = len(sites)
    symbols = {lab: sympy.Symbol(f"{name}_{''.join(lab)}", real=True)
               for lab in _labels(n) if set(lab) != {"0"}}
    terms = [Operator.scalar(sympy.Rational(1, 2**n))]
    terms += [_pauli_string(sites, lab) * (s / 2**n) for lab, s in symbols.items()]
    return operator_sum(terms), symbols


def general_observable(sites: Sequence, name: str = "X") -> tuple[Operator, dict]:
    """X = sum_a X_a sigma_a over all Pauli strings (real symbols ``X_<labels>``)."""
    symbols = {lab: sympy.Symbol(f"{name}_{''.join(lab)}", real=True)
               for lab in _labels(len(sites))}
    return operator_sum(_pauli_string(sites, lab) * s for lab, s in symbols.items()), symbols


def system_trace(op: Operator, n_qubits: int) -> sympy.Expr:
    """Tr over n system qubits of an operator: 2^n times its identity component."""
    return sympy.expand(2**n_qubits * op.scalar_part())


@dataclass(frozen=True)
class Dissipator:
    """The dissipator D = L + i[H_S, .] of a qubit system, as the pairing Tr[X D(rho_S)] for a
    general state rho_S and observable X (every Pauli component a symbol).

    ``derived()`` is Tr[(L^dag(X) - i[H_S, X]) rho_S] with the engine's adjoint generator;
    compare the paper's D(rho) with ``pairing(printed_D)``.
    """

    model: CollisionModel
    sampling: Sampling = DEFAULT_SAMPLING

    @property
    def state(self) -> tuple[Operator, dict]:
        return general_state(self.model.system_sites)

    @property
    def observable(self) -> tuple[Operator, dict]:
        return general_observable(self.model.system_sites)

    def pairing(self, d_of_rho: Callable[[Operator], Operator]) -> sympy.Expr:
        """Tr[X D(rho_S)] of a Schroedinger-picture map D (e.g. the printed dissipator)."""
        rho, _ = self.state
        x, _ = self.observable
        return system_trace(x * d_of_rho(rho), len(self.model.system_sites))

    def derived(self) -> sympy.Expr:
        from ..algebra import commutator
        from ..thermo import lindblad_form

        rho, _ = self.state
        x, _ = self.observable
        adj = lindblad_form(self.model).adjoint(x) - commutator(
            self.model.system_hamiltonian, x) * sympy.I
        return system_trace(adj * rho, len(self.model.system_sites))

    def matrix_route(self, exprs: Sequence[sympy.Expr]) -> MatrixRoute:
        model, sampling = self.model, self.sampling
        sites = model.system_sites
        _, rho_symbols = self.state
        _, x_symbols = self.observable
        d = 2 ** len(sites)
        # Pauli-string matrices, made before any random draw (the route itself multiplies
        # numpy matrices only)
        paulis = {lab: np.eye(d) if set(lab) == {"0"} else
                  monomial_matrix(_monomial(sites, lab), sites) for lab in x_symbols}

        def route(rng: np.random.Generator) -> tuple[dict, float]:
            params = sampling.parameters(model, rng)
            rho = random_density_matrix(d, rng)
            g = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
            x = g + g.conj().T
            h = operator_matrix(model.system_hamiltonian, sites, None, params)
            diss = direct_liouvillian(model, params) - hamiltonian_superop(h)
            value = float(np.trace(x @ _apply(diss, rho)).real)
            subs: dict = dict(params)
            for lab, s in rho_symbols.items():
                subs[s] = float(np.trace(rho @ paulis[lab]).real)
            for lab, s in x_symbols.items():
                subs[s] = float(np.trace(x @ paulis[lab]).real / d)
            return subs, value

        return route


@dataclass(frozen=True)
class AncillaExpectation:
    """<O>_{rho_R} of an operator on a bath's ancillas (e.g. a collective <S^z_R>)."""

    model: CollisionModel
    bath: str
    operator: Operator
    sampling: Sampling = DEFAULT_SAMPLING

    def derived(self) -> sympy.Expr:
        from ..states import trace_out

        return trace_out(self.operator, self.model.bath(self.bath).ancillas)

    def matrix_route(self, exprs: Sequence[sympy.Expr]) -> MatrixRoute:
        b = self.model.bath(self.bath)

        def route(rng: np.random.Generator) -> tuple[dict, float]:
            params = self.sampling.parameters(self.model, rng)
            rho_r = ancilla_density_matrix(b, params, self.sampling.cutoff)
            o = operator_matrix(self.operator, b.ancilla_sites, self.sampling.cutoff, params)
            return dict(params), float(np.trace(rho_r @ o).real)

        return route


def gibbs_state(h: np.ndarray, temperature: float) -> np.ndarray:
    """exp(-H/T) / Tr exp(-H/T) of a Hermitian matrix H (by its eigen-decomposition)."""
    energies, vectors = np.linalg.eigh(h)
    weights = np.exp(-(energies - energies.min()) / temperature)
    return (vectors * (weights / weights.sum())) @ vectors.conj().T


@dataclass(frozen=True)
class SteadySummary:
    """A numeric steady state with its currents (matrix route, see :func:`currents_at`).

    dimension: dim ker L (> 1: ``rho`` is the projection of the initial state);
    heat: {bath: total heat current}; work: the total work current.
    """

    dimension: int
    rho: np.ndarray
    currents: dict[str, float]
    heat: dict[str, float]
    work: float


def steady_summary(model: CollisionModel, params: Mapping, initial_state: np.ndarray | None = None,
                   cutoff: Mapping[str, int] | int | None = None) -> SteadySummary:
    """Steady state of the direct Liouvillian (coupling matrices; projected from
    ``initial_state`` when not unique) and every current there by the matrix route."""
    ss = steady_state(direct_liouvillian(model, params, cutoff), initial_state)
    cur = currents_at(model, ss.rho, params, cutoff)
    heat = {b.name: cur[f"Q_{b.name},local"] + cur[f"Q_{b.name},nonlocal"] for b in model.baths}
    return SteadySummary(ss.stationary_dimension, ss.rho, cur, heat,
                         cur["W_local"] + cur["W_nonlocal"])


def stationarity(model: CollisionModel, params: Mapping, rho: np.ndarray,
                 cutoff: Mapping[str, int] | int | None = None) -> tuple[int, float]:
    """(dim ker L, max |L(rho)|) with the direct Liouvillian: is rho stationary, and is the
    stationary state unique?"""
    lv = direct_liouvillian(model, params, cutoff)
    n = rho.shape[0]
    dim = steady_state(lv, np.eye(n) / n).stationary_dimension
    return dim, float(np.max(np.abs(_apply(lv, rho))))


def currents_at(model: CollisionModel, rho_s: np.ndarray, params: Mapping,
                cutoff: Mapping[str, int] | int | None = None) -> dict[str, float]:
    """Every current at rho_S by the matrix route: ``Q_<bath>,<part>`` and ``W_<part>``
    (parts local and nonlocal)."""
    out = {}
    for b in model.baths:
        for part in ("local", "nonlocal"):
            out[f"Q_{b.name},{part}"] = heat_current_matrix(model, b.name, part, rho_s, params,
                                                            cutoff)
    for part in ("local", "nonlocal"):
        out[f"W_{part}"] = work_current_matrix(model, None, part, rho_s, params, cutoff)
    return out
