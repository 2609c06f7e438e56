"""Ancilla states and the partial trace over ancillas.

Ancilla states are diagonal in the local energy (Fock / computational) basis and the ancillas
of a collision are in a product state, so the partial trace of a monomial factorises:

    Tr_R[(rho_S (x) rho_R) X_S (x) X_R] = <X_S>_{rho_S} * prod_sites <X_site>_{rho_site}.

Local expectation values (DESIGN.md section 2):

* thermal qubit, H = (omega/2) sigma_z (or omega sigma_+ sigma_-):
  <sigma_x> = <sigma_y> = 0, <sigma_z> = -tanh(beta*omega/2);
* thermal oscillator, H = omega a^dag a: <a^dag^m a^n> = delta_mn m! nbar^m with
  nbar = 1/(exp(beta*omega) - 1);
* diagonal state with populations p_k: <sigma_z> = p_1 - p_0, <a^dag^m a^m> = sum_k p_k k!/(k-m)!.

:func:`trace_out` returns a sympy expression in the parameters and in
:class:`~symthermo.algebra.Expectation` symbols of the remaining (system) monomials.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from math import factorial

import sympy

from .algebra.coefficients import (
    cmono_factors,
    cmono_mul,
    fast_add,
    fast_mul,
    scalar_to_sympy,
    sort_factors,
    to_scalar,
)
from .algebra.expectation import Expectation
from .algebra.monomials import monomial_sort_key
from .algebra.operator import Operator
from .algebra.sites import Site
from .errors import StateError


def _sym(value: object, what: str) -> sympy.Expr:
    try:
        expr = sympy.sympify(value, strict=True)
    except (sympy.SympifyError, TypeError) as exc:
        raise StateError(f"{what} must be a number or sympy expression, got {value!r}") from exc
    if isinstance(value, float):
        expr = sympy.Rational(repr(value))
    return expr


class AncillaState:
    """Base of the diagonal ancilla states; ``local_expectation(local)`` gives <local>."""

    site: Site

    def local_expectation(self, local: object) -> sympy.Expr:  # pragma: no cover - abstract
        raise NotImplementedError

    def populations(self, levels: int | None = None) -> list[sympy.Expr]:
        """Diagonal of rho in the local basis (bosons: first ``levels`` Fock populations)."""
        raise NotImplementedError  # pragma: no cover

    def _check_kind(self, kind: str) -> None:
        if not isinstance(self.site, Site):
            raise StateError(f"an ancilla state needs a Site, got {self.site!r}")
        if self.site.kind != kind:
            raise StateError(
                f"{type(self).__name__} describes a {kind}, but site {self.site.name!r} "
                f"is a {self.site.kind}"
            )


@dataclass(frozen=True)
class ThermalQubit(AncillaState):
    """Thermal qubit, H = (omega/2) sigma_z: <sigma_z> = -tanh(beta*omega/2).

    Give ``omega`` and ``beta``, or ``tanh`` = a symbol (or value) standing for
    tanh(beta*omega/2).
    """

    site: Site
    omega: object = None
    beta: object = None
    tanh: object = None

    def __post_init__(self) -> None:
        self._check_kind("qubit")
        by_tanh = self.tanh is not None
        some_temp = self.omega is not None or self.beta is not None
        by_temp = self.omega is not None and self.beta is not None
        if by_tanh == some_temp or (not by_tanh and not by_temp):
            raise StateError(
                "ThermalQubit needs either omega and beta, or tanh (a symbol for "
                "tanh(beta*omega/2)), not both"
            )

    @property
    def z_mean(self) -> sympy.Expr:
        if self.tanh is not None:
            return -_sym(self.tanh, "tanh")
        return -sympy.tanh(_sym(self.beta, "beta") * _sym(self.omega, "omega") / 2)

    def local_expectation(self, local: object) -> sympy.Expr:
        return self.z_mean if local == 3 else sympy.Integer(0)

    def populations(self, levels: int | None = None) -> list[sympy.Expr]:
        z = self.z_mean
        return [(1 - z) / 2, (1 + z) / 2]


@dataclass(frozen=True)
class ThermalOscillator(AncillaState):
    """Thermal oscillator, H = omega a^dag a: <a^dag^m a^n> = delta_mn m! nbar^m.

    Give ``nbar`` (a symbol or value), or ``omega`` and ``beta`` (nbar = 1/(e^{beta omega}-1)).
    """

    site: Site
    nbar: object = None
    omega: object = None
    beta: object = None

    def __post_init__(self) -> None:
        self._check_kind("boson")
        by_nbar = self.nbar is not None
        some_temp = self.omega is not None or self.beta is not None
        by_temp = self.omega is not None and self.beta is not None
        if by_nbar == some_temp or (not by_nbar and not by_temp):
            raise StateError("ThermalOscillator needs either nbar, or omega and beta (not both)")

    @property
    def mean_number(self) -> sympy.Expr:
        if self.nbar is not None:
            return _sym(self.nbar, "nbar")
        return 1 / (sympy.exp(_sym(self.beta, "beta") * _sym(self.omega, "omega")) - 1)

    def local_expectation(self, local: object) -> sympy.Expr:
        m, n = local  # type: ignore[misc]
        if m != n:
            return sympy.Integer(0)
        return factorial(m) * self.mean_number**m

    def populations(self, levels: int | None = None) -> list[sympy.Expr]:
        if levels is None:
            raise StateError("a thermal oscillator has infinitely many levels: pass `levels`")
        nb = self.mean_number
        return [nb**k / (1 + nb) ** (k + 1) for k in range(levels)]


@dataclass(frozen=True)
class DiagonalState(AncillaState):
    """Any state diagonal in the local basis, given by its populations p_0, p_1, ...

    A qubit needs two populations; a boson any number (higher Fock levels are empty).
    The populations must sum to one (checked exactly with sympy).
    """

    site: Site
    probabilities: tuple = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.site, Site):
            raise StateError(f"an ancilla state needs a Site, got {self.site!r}")
        probs = tuple(_sym(p, "population") for p in self.probabilities)
        object.__setattr__(self, "probabilities", probs)
        if self.site.kind == "qubit" and len(probs) != 2:
            raise StateError(
                f"a qubit state needs 2 populations (p0, p1), got {len(probs)} for "
                f"site {self.site.name!r}"
            )
        if not probs:
            raise StateError("DiagonalState needs at least one population")
        total = sympy.simplify(sympy.Add(*probs) - 1)
        if total != 0:
            raise StateError(
                f"populations of site {self.site.name!r} sum to {sympy.Add(*probs)}, not 1: "
                "normalise them"
            )
        for p in probs:
            if p.is_negative:
                raise StateError(f"population {p} of site {self.site.name!r} is negative")

    def local_expectation(self, local: object) -> sympy.Expr:
        p = self.probabilities
        if self.site.kind == "qubit":
            return p[1] - p[0] if local == 3 else sympy.Integer(0)
        m, n = local  # type: ignore[misc]
        if m != n:
            return sympy.Integer(0)
        return sympy.Add(*[p[k] * (factorial(k) // factorial(k - m)) for k in range(m, len(p))])

    def populations(self, levels: int | None = None) -> list[sympy.Expr]:
        p = list(self.probabilities)
        if levels is not None:
            if levels < len(p) and any(x != 0 for x in p[levels:]):
                raise StateError(f"{levels} levels cannot hold the populations {p}")
            p = (p + [sympy.Integer(0)] * levels)[:levels]
        return p


def _state_map(states: Iterable[AncillaState] | AncillaState) -> dict[str, AncillaState]:
    if isinstance(states, AncillaState):
        states = [states]
    out: dict[str, AncillaState] = {}
    for st in states:
        if not isinstance(st, AncillaState):
            raise StateError(f"expected ancilla states (ThermalQubit, ...), got {st!r}")
        if st.site.name in out:
            raise StateError(f"two states given for ancilla site {st.site.name!r}")
        out[st.site.name] = st
    return out


def partial_trace(op: Operator, states: Iterable[AncillaState] | AncillaState) -> Operator:
    """Tr_R[(1 (x) rho_R) op]: the operator on the remaining sites (exact)."""
    smap = _state_map(states)
    cache: dict[tuple, dict] = {}
    out: dict = {}
    for (om, cm), r in op.raw_items():
        sys_part = tuple(p for p in om if p[0] not in smap)
        anc_part = tuple(p for p in om if p[0] in smap)
        factor = cache.get(anc_part)
        if factor is None:
            for s, loc in anc_part:
                st = smap[s]
                if isinstance(loc, tuple) != (st.site.kind == "boson"):
                    used = "boson" if isinstance(loc, tuple) else "qubit"
                    raise StateError(
                        f"operator acts on {s!r} as a {used} but its state is for a "
                        f"{st.site.kind}"
                    )
            value = sympy.Mul(*[smap[s].local_expectation(loc) for s, loc in anc_part])
            factor = to_scalar(value)
            cache[anc_part] = factor
        for cm2, r2 in factor.items():
            sign, cm3 = cmono_mul(cm, cm2)
            key = (sys_part, cm3)
            v = out.get(key, 0) + sign * r * r2
            if v == 0:
                out.pop(key, None)
            else:
                out[key] = v
    return Operator(out)


def trace_out(op: Operator, states: Iterable[AncillaState] | AncillaState) -> sympy.Expr:
    """Tr[(rho_S (x) rho_R) op] as a sympy expression in parameters and system expectations.

    One :class:`Expectation` symbol per canonical system monomial; terms in monomial order.
    """
    reduced = partial_trace(op, states)
    grouped: dict[tuple, dict] = {}
    for (om, cm), r in reduced.raw_items():
        grouped.setdefault(om, {})[cm] = r
    # built with the fast constructors of .algebra.coefficients (same expression as
    # sum(coefficient * Expectation), without re-flattening every product)
    terms: list[sympy.Expr] = []
    number: sympy.Expr = sympy.S.Zero
    slow: list[sympy.Expr] = []
    for mono in sorted(grouped, key=monomial_sort_key):
        scalar = grouped[mono]
        if not mono:
            number, rest = scalar_to_sympy(scalar).as_coeff_Add()
            terms.extend(sympy.Add.make_args(rest) if rest != 0 else ())
            continue
        symbol = Expectation(mono)
        if len(scalar) == 1:
            ((cm, r),) = scalar.items()
            factors = cmono_factors(cm) if not (len(cm) == 1 and not cm[0]) else ()
            if factors is not None:
                args = [*factors, symbol]
                sort_factors(args)
                terms.append(fast_mul(r, args))
                continue
        coeff = scalar_to_sympy(scalar)
        if coeff.is_Add:
            args = [coeff, symbol]
            sort_factors(args)
            terms.append(sympy.Mul._from_args(tuple(args)))
        else:
            slow.append(coeff * symbol)
    if slow:
        return sympy.Add(number, *terms, *slow)
    return fast_add(terms, Fraction(int(number.p), int(number.q)))


def bath_mean(coupling: Operator, states: Iterable[AncillaState] | AncillaState) -> Operator:
    """Tr_R(rho_R V): the bath mean of a coupling, an operator on the system.

    A collision model needs it to vanish; otherwise the V/sqrt(tau) scaling diverges as tau -> 0.
    """
    return partial_trace(coupling, states)


__all__ = [
    "AncillaState",
    "DiagonalState",
    "ThermalOscillator",
    "ThermalQubit",
    "bath_mean",
    "partial_trace",
    "trace_out",
]
