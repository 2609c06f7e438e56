"""More engine quantities for checks: one bath's dissipator, polynomials in expectation values,
and a quantity divided by a parameter factor (see :mod:`symthermo.papers.routes` for the
currents, the whole dissipator and Heisenberg equations).

==============================  ================================  ===============================
quantity                        derived (symbolic engine)         matrix route (plain numpy)
==============================  ================================  ===============================
:class:`BathDissipator`         sum_k Tr[sigma_k D_k(rho_k)],     sum_k Tr[sigma_k D_k(rho_k)],
                                D_k^dag from the derived Lindblad D_k = -scale sum w Tr_R[V_in,
                                form restricted to bath k         [V_out, rho_k (x) rho_R]]
                                                                  (:func:`~symthermo.numeric.
                                                                  model_matrices.bath_dissipator_
                                                                  matrix`)
:class:`ExpectationPolynomial`  sum_t c_t prod_j <O_tj>           sum_t c_t prod_j Tr[rho O_tj]
                                (Expectation symbols)             with the operators' matrices
:class:`Rescaled`               the quantity's derived side / f   its matrix value / f(params)
==============================  ================================  ===============================

Random points follow :class:`~symthermo.papers.routes.Sampling`: parameters first, then the
random states (rho_S = G G^dag / Tr, G complex Gaussian).  :class:`BathDissipator` draws, for
each bath in the given order, rho_k then sigma_k on the system sites the bath's couplings act
on.  Independence: the matrix routes multiply the matrices of the declared operators with
numpy; they never use the symbolic algebra's products or commutators.

Two helpers build derived sides from derived currents: :func:`proportional_combination` (the
combination of expectation values a current is proportional to, divided by a prefactor, e.g. a
paper's coherence-related quantity C with W = f C) and :func:`product_form` (every <sigma^z_a X>
replaced by <sigma^z_a><X>, a mean-field product form).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
import sympy

from ..algebra.expectation import Expectation, expectation
from ..algebra.operator import Operator, commutator, identity, operator_sum
from ..algebra.sites import Site
from ..model import CollisionModel
from ..numeric.matrices import monomial_matrix, operator_matrix
from ..numeric.model_matrices import bath_dissipator_matrix, random_density_matrix
from .records import MatrixRoute
from .routes import DEFAULT_SAMPLING, Sampling, _state_route

__all__ = [
    "BathDissipator",
    "ExpectationPolynomial",
    "Rescaled",
    "bath_system_sites",
    "product_form",
    "proportional_combination",
]

#: letters of the Pauli components of a generic state: identity, x, y, z
PAULI_LETTERS = "oxyz"


def bath_system_sites(model: CollisionModel, bath: str) -> tuple[Site, ...]:
    """The system sites that a bath's couplings act on, in the model's declared order."""
    names: set[str] = set()
    for _, v in model.bath(bath).couplings:
        names |= set(v.site_names)
    return tuple(s for s in model.system_sites if s.name in names)


def _pauli(site: Site, k: int) -> Operator:
    return identity() if k == 0 else (site.x, site.y, site.z)[k - 1]


@dataclass(frozen=True)
class BathDissipator:
    """The dissipator of some baths, each on its own sites, as a pairing of two general states:

        sum_k Tr[sigma_k D_k^part(rho_k)],

    D_k the part (``local``, ``nonlocal`` or ``total``) of bath k's dissipator, which acts on
    the system sites its couplings touch (:func:`bath_system_sites`); the non-local part
    includes the cascaded Hamiltonian of the bath's channels, -i[H_cas, .] (the antisymmetric
    part of the ordered cross terms).  rho_k = 2^-n sum_a r^a_k P_a over Pauli strings
    (symbols ``<state_name>^<letters>_<bath>``, letters in ``oxyz``, r^{o..o} = 1); sigma_k
    enters through its expectation values <P_a> (Expectation symbols).  Qubit sites only.

    ``derived()``: Tr[D_k^dag(P_a) rho_k] with the engine's adjoint generator;
    compare the paper's dissipator with ``pairing(printed)``.
    """

    model: CollisionModel
    baths: tuple[str, ...]
    part: str = "total"
    sampling: Sampling = DEFAULT_SAMPLING
    state_name: str = "r"

    def __post_init__(self) -> None:
        from ..errors import ModelError
        from ..validate import choice

        choice("part", self.part, ("local", "nonlocal", "total"))
        names = [b.name for b in self.model.baths]
        for k in self.baths:
            if k not in names:
                raise ModelError(f"BathDissipator: no bath {k!r}; the model's baths are {names}")
            if not self.sites(k) or any(s.kind != "qubit" for s in self.sites(k)):
                raise ModelError(f"BathDissipator: bath {k!r} acts on no system site or on "
                                 "non-qubit sites; the general state is written with Pauli "
                                 "strings (qubits only)")

    def sites(self, bath: str) -> tuple[Site, ...]:
        """The system sites bath k's couplings act on (:func:`bath_system_sites`)."""
        return bath_system_sites(self.model, bath)

    def state(self, bath: str) -> tuple[Operator, dict]:
        """(rho_k, {Pauli monomial: symbol}) of a general state on the bath's sites."""
        sites = self.sites(bath)
        terms, symbols = [], {}
        for labels in product(range(4), repeat=len(sites)):
            p = _pauli(sites[0], labels[0])
            for s, k in zip(sites[1:], labels[1:], strict=True):
                p = p * _pauli(s, k)
            if not any(labels):
                terms.append(p)
                continue
            name = "".join(PAULI_LETTERS[k] for k in labels)
            r = sympy.Symbol(f"{self.state_name}^{name}_{bath}", real=True)
            symbols[p.monomials[0]] = r
            terms.append(p * r)
        return operator_sum(terms) / 2 ** len(sites), symbols

    def pairing(self, d_of_rho: Callable[[str, Operator], Operator]) -> sympy.Expr:
        """sum_k Tr[sigma_k D(k, rho_k)] of a Schroedinger-picture map (the printed one):
        ``d_of_rho(bath, rho_k)`` is the paper's D_k applied to the general state."""
        return sympy.Add(*[expectation(d_of_rho(k, self.state(k)[0])) for k in self.baths])

    def derived_bath(self, bath: str) -> sympy.Expr:
        """Tr[sigma_k D_k(rho_k)] = 2^-n sum_a <P_a> Tr[D_k^dag(P_a) rho_k]."""
        from ..thermo import LindbladForm, lindblad_form

        channels = tuple(ch for ch in lindblad_form(self.model).channels if ch.bath == bath)
        h_cas = operator_sum(ch.hamiltonian for ch in channels)
        sub = LindbladForm(h_cas, channels)
        _, symbols = self.state(bath)
        out = []
        for mono in symbols:
            p = Operator.from_monomial(mono)
            dag = sub.adjoint(p, self.part)
            if self.part == "nonlocal":
                dag = dag + commutator(h_cas, p) * sympy.I
            tr = [c if m == () else c * symbols[m] for m, c in dag.terms.items()]
            out.append(Expectation(mono) * sympy.Add(*tr) / 2 ** len(self.sites(bath)))
        return sympy.expand(sympy.Add(*out))

    def derived(self) -> sympy.Expr:
        return sympy.Add(*[self.derived_bath(k) for k in self.baths])

    def matrix_route(self, exprs: Sequence[sympy.Expr]) -> MatrixRoute:
        model, sampling = self.model, self.sampling
        pauli = {}
        for k in self.baths:
            sites = self.sites(k)
            pauli[k] = {mono: (r, monomial_matrix(mono, sites))
                        for mono, r in self.state(k)[1].items()}

        def route(rng: np.random.Generator) -> tuple[dict, float]:
            params = sampling.parameters(model, rng)
            subs: dict = dict(params)
            value = 0.0
            for k in self.baths:
                d = 2 ** len(self.sites(k))
                rho = random_density_matrix(d, rng)
                sigma = random_density_matrix(d, rng)
                for mono, (r, pm) in pauli[k].items():
                    subs[r] = float(np.trace(rho @ pm).real)
                    subs[Expectation(mono)] = float(np.trace(sigma @ pm).real)
                dk = bath_dissipator_matrix(model, k, self.part, rho, params, sampling.cutoff,
                                            self.sites(k))
                value += float(np.trace(sigma @ dk).real)
            return subs, value

        return route


@dataclass(frozen=True)
class ExpectationPolynomial:
    """sum_t c_t prod_j <O_tj> at a random system state: e.g. <H_I> (one factor) or a
    paper's product form <sigma^z_a><X> (two factors).

    ``terms``: ``((c_t, (O_t1, O_t2, ...)), ...)`` with c_t numbers or parameter expressions
    and O_tj operators on the system sites.
    """

    model: CollisionModel
    terms: tuple[tuple[Any, tuple[Operator, ...]], ...]
    sampling: Sampling = DEFAULT_SAMPLING

    def derived(self) -> sympy.Expr:
        return sympy.Add(*[sympy.sympify(c) * sympy.Mul(*[expectation(o) for o in ops])
                           for c, ops in self.terms])

    def matrix_route(self, exprs: Sequence[sympy.Expr]) -> MatrixRoute:
        sites, cutoff = self.model.system_sites, self.sampling.cutoff

        def value(params: dict, rho: np.ndarray) -> float:
            total = 0.0
            for c, ops in self.terms:
                f = complex(sympy.sympify(c).xreplace(params))
                for o in ops:
                    f = f * np.trace(rho @ operator_matrix(o, sites, cutoff, params)).real
                total += float(np.real(f))
            return total

        return _state_route(self.model, self.sampling, value, exprs)


@dataclass(frozen=True)
class Rescaled:
    """A quantity divided by a parameter factor f (e.g. a paper's coherence-related quantity
    C = W / (Omega Gamma / 2)): derived side derived/f, matrix route value/f(params).

    f is evaluated with numpy (``sympy.lambdify``) at the route's parameters.
    """

    quantity: Any
    factor: sympy.Expr

    def derived(self) -> sympy.Expr:
        return self.quantity.derived() / self.factor

    def matrix_route(self, exprs: Sequence[sympy.Expr]) -> MatrixRoute:
        symbols = sorted(self.factor.free_symbols, key=lambda s: s.name)
        f = sympy.lambdify(symbols, self.factor, "numpy")
        base = self.quantity.matrix_route(exprs)

        def route(rng: np.random.Generator) -> tuple[dict, float]:
            subs, value = base(rng)
            return subs, value / float(f(*[subs[s] for s in symbols]))

        return route


def proportional_combination(expr: sympy.Expr, factor: sympy.Expr) -> sympy.Expr:
    """C = sum_e cancel(c_e / factor) e for expr = sum_e c_e e + (terms free of expectation
    values): the combination of Expectation symbols e that ``expr`` is proportional to, each
    coefficient divided by ``factor`` and simplified (symbols in order of their names; the terms
    free of expectation values are left out)."""
    expr = sympy.expand(expr)
    return sympy.Add(*[sympy.cancel(expr.coeff(e) / factor) * e for e in
                       sorted(expr.free_symbols, key=str) if isinstance(e, Expectation)])


def product_form(expr: sympy.Expr, axis: int = 3) -> sympy.Expr:
    """``expr`` with every <P_a X> replaced by <P_a> <X> and expanded, where P_a is the one
    factor of the Pauli string on component ``axis`` (1 x, 2 y, 3 z) and X the other factors:
    the product form of a correlation (exact when rho = rho_a (x) rho_rest).  A ValueError
    names an expectation value with no such factor, more than one, or nothing else."""
    from ..thermo import map_expectations

    def split(e: Expectation) -> sympy.Expr:
        on = [p for p in e.monomial if p[1] == axis]
        rest = tuple(p for p in e.monomial if p[1] != axis)
        if len(on) != 1 or not rest:
            raise ValueError(f"product_form needs exactly one Pauli factor on component {axis} "
                             f"and at least one other factor, got {e}")
        return Expectation(on) * Expectation(rest)

    return sympy.expand(map_expectations(expr, split))
