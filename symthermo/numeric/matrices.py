"""Matrices of operators and numeric values of expectation symbols.

Conventions (DESIGN.md section 2):

* qubit basis index 0 = |0> (ground), 1 = |1> (excited): sigma_z = diag(-1, 1),
  sigma_x = [[0, 1], [1, 0]], sigma_y = [[0, i], [-i, 0]] (so sigma_x sigma_y = i sigma_z),
  sigma_+ = |1><0|;
* boson basis: Fock states |0>, ..., |cutoff - 1>; a is truncated (a|0> = 0, no wrap-around),
  so products are exact only on states well below the cutoff;
* tensor order: the order of ``sites`` (first site = leftmost Kronecker factor).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

import numpy as np
import sympy

from ..algebra.expectation import Expectation
from ..algebra.monomials import OMono
from ..algebra.operator import Operator
from ..algebra.sites import Site
from ..errors import ParameterError, SiteError, SymthermoError
from ..validate import estimate_bytes, validate_parameter_values

PAULI = {
    0: np.eye(2, dtype=complex),
    1: np.array([[0, 1], [1, 0]], dtype=complex),
    2: np.array([[0, 1j], [-1j, 0]], dtype=complex),
    3: np.array([[-1, 0], [0, 1]], dtype=complex),
}

Cutoff = int | Mapping[str, int]


@cache
def _annihilation(levels: int) -> np.ndarray:
    return np.diag(np.sqrt(np.arange(1, levels, dtype=float)), 1).astype(complex)


#: A system boson truncated at L Fock levels is converged when the steady-state population of
#: its top level |L - 1> is at most this; above it the results depend on the cutoff and are
#: reported, never printed (``symthermo steady``, ``symthermo sweep``).
TRUNCATION_POPULATION_LIMIT = 1e-6


def _levels(site: Site, cutoff: Cutoff | None) -> int:
    if site.kind == "qubit":
        return 2
    if cutoff is None:
        raise SiteError(f"boson site {site.name!r} needs a cutoff (number of Fock levels)")
    if isinstance(cutoff, Mapping):
        if site.name not in cutoff:
            raise SiteError(
                f"boson site {site.name!r} has no cutoff in {dict(cutoff)!r}: add its number "
                "of Fock levels"
            )
        levels = cutoff[site.name]
    else:
        levels = cutoff
    if isinstance(levels, bool) or not isinstance(levels, (int, np.integer)) or levels < 1:
        raise SiteError(
            f"cutoff of boson site {site.name!r} must be a positive int (Fock levels), "
            f"got {levels!r}"
        )
    return int(levels)


def dimensions(sites: Sequence[Site], cutoff: Cutoff | None = None) -> list[int]:
    """Local dimensions in tensor order (refused when one matrix would not fit in memory)."""
    _check_sites(sites)
    dims = [_levels(s, cutoff) for s in sites]
    estimate_bytes(f"a matrix on the sites {[s.name for s in sites]} (dimensions {dims})",
                   float(np.prod(dims, dtype=float)) ** 2, 16)
    return dims


def top_level_populations(
    rho: np.ndarray, sites: Sequence[Site], cutoff: Cutoff | None
) -> dict[str, np.ndarray]:
    """Population of the top Fock level of every boson site, for a stack (..., d, d) of states.

    The truncation at ``cutoff`` levels is converged where it is at most
    :data:`TRUNCATION_POPULATION_LIMIT`.
    """
    dims = dimensions(sites, cutoff)
    diag = np.diagonal(np.asarray(rho), axis1=-2, axis2=-1).real
    pops = diag.reshape(*diag.shape[:-1], *dims)
    batch = diag.ndim - 1
    out = {}
    for k, s in enumerate(sites):
        if s.kind == "boson":
            top = np.take(pops, dims[k] - 1, axis=batch + k)
            out[s.name] = top.reshape(*diag.shape[:-1], -1).sum(axis=-1)
    return out


def local_matrix(site: Site, local: object, cutoff: Cutoff | None = None) -> np.ndarray:
    """Matrix of one local operator (Pauli index 0..3, or boson (m, n) for a^dag^m a^n)."""
    if site.kind == "qubit":
        if not isinstance(local, int):
            raise SiteError(f"site {site.name!r} is a qubit but the operator acts on a boson")
        if local not in PAULI:
            raise SiteError(f"site {site.name!r} is a qubit but the operator on it, {local!r}, "
                            "is not a Pauli index 0..3")
        return PAULI[local]
    if not isinstance(local, tuple):
        raise SiteError(f"site {site.name!r} is a boson but the operator acts on a qubit")
    a = _annihilation(_levels(site, cutoff))
    m, n = local
    return np.linalg.matrix_power(a.conj().T, m) @ np.linalg.matrix_power(a, n)


def _check_sites(sites: Sequence[Site]) -> dict[str, int]:
    if isinstance(sites, (str, bytes)) or not hasattr(sites, "__iter__"):
        raise SiteError(
            f"sites must be a list of Site objects (qubit('S1'), boson('R')), got {sites!r}"
        )
    index: dict[str, int] = {}
    for i, s in enumerate(sites):
        if not isinstance(s, Site):
            raise SiteError(f"sites must be Site objects (qubit('S1'), boson('R')), got {s!r}")
        if s.name in index:
            raise SiteError(f"site {s.name!r} appears twice in the site list")
        index[s.name] = i
    return index


def monomial_matrix(mono: OMono, sites: Sequence[Site], cutoff: Cutoff | None = None) -> np.ndarray:
    """Matrix of a canonical monomial on the full tensor product of ``sites``."""
    index = _check_sites(sites)
    locals_ = dict(mono)
    for name in locals_:
        if name not in index:
            raise SiteError(
                f"operator acts on site {name!r}, which is not among the sites "
                f"{[s.name for s in sites]}: add it to the site list"
            )
    out = np.ones((1, 1), dtype=complex)
    for s in sites:
        loc = locals_.get(s.name)
        if loc is None:
            m = np.eye(_levels(s, cutoff), dtype=complex)
        else:
            m = local_matrix(s, loc, cutoff)
        out = np.kron(out, m)
    return out


def _exact_values(params: Mapping) -> dict:
    """Parameter values as sympy numbers keyed by symbol (xreplace is much faster than subs).

    This is where numbers are substituted into derived expressions, so the values are
    checked here (:func:`symthermo.validate.validate_parameter_values`): real and finite,
    one number per parameter.
    """
    validate_parameter_values(params)
    out = {}
    for k, v in params.items():
        key = sympy.Symbol(k) if isinstance(k, str) else k
        if isinstance(v, sympy.Basic):
            out[key] = v
        elif isinstance(v, (int, float)):
            out[key] = sympy.Float(float(v), 30)
        else:
            out[key] = sympy.sympify(v)
    return out


def _numeric(expr: sympy.Expr, params: Mapping | None, what: str) -> complex:
    value = sympy.sympify(expr)
    if params and value.free_symbols:
        value = value.xreplace(_exact_values(params))
        if value.free_symbols:  # keys given under other assumptions: fall back to names
            by_name = {str(k): v for k, v in _exact_values(params).items()}
            value = value.xreplace(
                {s: by_name[str(s)] for s in value.free_symbols if str(s) in by_name}
            )
    free = value.free_symbols
    if free:
        names = ", ".join(sorted(str(f) for f in free))
        raise ParameterError(
            f"{what} still depends on {names}: give their values in params",
            sorted(str(f) for f in free)[0],
        )
    try:
        result = complex(value.evalf())
    except (TypeError, ValueError, OverflowError) as exc:
        raise ParameterError(f"{what} = {value} is not a finite number at these parameter "
                             "values") from exc
    if not np.isfinite(result):
        raise ParameterError(
            f"{what} evaluates to {result} (not finite) at these parameter values: a division "
            "by zero or an overflow (e.g. a temperature of zero); change the parameters"
        )
    return result


def operator_matrix(
    op: Operator,
    sites: Sequence[Site],
    cutoff: Cutoff | None = None,
    params: Mapping | None = None,
) -> np.ndarray:
    """Numpy matrix of an operator in the tensor order of ``sites``, parameters substituted."""
    dims = dimensions(sites, cutoff)
    out = np.zeros((int(np.prod(dims)),) * 2, dtype=complex)
    for mono, coeff in op.terms.items():
        c = _numeric(coeff, params, f"coefficient of {mono}")
        out += c * monomial_matrix(mono, sites, cutoff)
    return out


def expectation_value(
    symbol: Expectation,
    rho: np.ndarray,
    sites: Sequence[Site],
    cutoff: Cutoff | None = None,
) -> complex:
    """Tr[rho O] for the monomial O of an Expectation symbol."""
    m = monomial_matrix(symbol.monomial, sites, cutoff)
    rho = np.asarray(rho)
    if rho.dtype.kind not in "fiuc" or not np.isfinite(rho).all():
        raise SymthermoError("rho must be a finite numeric matrix (no NaN, inf or None)")
    if rho.shape != m.shape:
        raise SymthermoError(
            f"rho has shape {rho.shape} but the sites {[s.name for s in sites]} need {m.shape}"
        )
    return complex(np.trace(rho @ m))


def evaluate(
    expr: sympy.Expr,
    rho: np.ndarray,
    sites: Sequence[Site],
    params: Mapping | None = None,
    cutoff: Cutoff | None = None,
) -> complex:
    """Numeric value of an expression in parameters and Expectation symbols at state rho."""
    if not isinstance(expr, (sympy.Expr, int, float, complex)) or isinstance(expr, bool):
        raise SymthermoError(
            f"evaluate needs a sympy expression (e.g. heat_current(...)), got {expr!r:.60}"
        )
    expr = sympy.sympify(expr)
    values = {
        e: expectation_value(e, rho, sites, cutoff)
        for e in expr.free_symbols
        if isinstance(e, Expectation)
    }
    expr = expr.xreplace({k: sympy.Float(v.real, 30) + sympy.I * sympy.Float(v.imag, 30)
                          for k, v in values.items()})
    return _numeric(expr, params, "expression")


__all__ = [
    "PAULI",
    "dimensions",
    "evaluate",
    "expectation_value",
    "local_matrix",
    "monomial_matrix",
    "operator_matrix",
]
