"""Deciding a :class:`~symthermo.papers.records.Check`: printed against derived, exactly.

:func:`zero_status` decides whether an expression is identically zero without trusting
``sympy.simplify`` alone: a non-zero value at a random rational point proves "not zero"; an
expansion or a simplification to 0 proves "zero"; anything else is *undecided* (``None``),
and :func:`compare` then reports the check as ``undecided`` (never as passing).

The matrix-route evidence of a check is the printed and derived forms evaluated at one random
state and parameter point next to the value of the same physical quantity computed with plain
matrices there (fixed seed, so reports are reproducible).
"""

from __future__ import annotations

import math
import random

import numpy as np
import sympy
from sympy.functions.elementary.hyperbolic import HyperbolicFunction
from sympy.functions.elementary.trigonometric import TrigonometricFunction

from ..algebra.expectation import Expectation
from .records import (
    STATUS_CONVENTION,
    STATUS_DIFFERS,
    STATUS_HOLDS,
    STATUS_UNDECIDED,
    Check,
    Evidence,
)


def _numerically_nonzero(expr: sympy.Expr, points: int = 2) -> bool:
    """True when expr is clearly non-zero at a random rational point (fixed seed).

    Values respect the sign and integer assumptions of the symbols.  An identically zero
    expression evaluates to 0 (or ~1e-40 at 40 digits), so True proves non-zero; False is
    inconclusive.  This spares ``sympy.simplify``, which can take minutes on a non-zero
    expression with tanh(...) terms, the only question being whether it is zero.
    """
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    rng = random.Random(20240601)
    for _ in range(points):
        point = {}
        for s in syms:
            value = sympy.Integer(rng.randint(2, 9)) if s.is_integer else sympy.Rational(
                rng.randint(7, 97), rng.randint(11, 53))
            point[s] = -value if (s.is_negative or s.is_nonpositive) else value
        try:
            v = complex(sympy.N(expr.xreplace(point), 40))
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if math.isfinite(v.real) and math.isfinite(v.imag) and abs(v) > 1e-25:
            return True
    return False


def zero_status(expr: sympy.Expr) -> bool | None:
    """True: expr is identically 0; False: it is not (a non-zero value was found);
    None: undecided (no proof either way)."""
    e = sympy.expand(expr)
    if e == 0:
        return True
    if _numerically_nonzero(e):
        return False
    if sympy.simplify(e) == 0:
        return True
    # simplify does not always see through hyperbolic forms inside Abs (e.g. |a + 1/(1 + 2 cosh x)|
    # against the same value written with exp(x)); the rewrite is an identity, so it cannot
    # turn a non-zero expression into zero
    if e.has(HyperbolicFunction, TrigonometricFunction) and (
        sympy.simplify(e.rewrite(sympy.exp)) == 0
    ):
        return True
    if _numerically_nonzero(e, points=6):
        return False
    if _nonzero_unrolled(e):
        return False
    return None


def _nonzero_unrolled(e: sympy.Expr) -> bool:
    """A general-N expression (indexed sums over a symbolic size) that is non-zero at a
    concrete size is not identically zero: unroll it at N = 2, 3, 4 (free indices 1, 2, ...)
    and look for a non-zero value there."""
    from ..algebra.indexed import IndexedSum, contains_symbolic_size, unroll
    from ..errors import IndexedError

    if not contains_symbolic_size(e):
        return False
    bound = {i for s in e.atoms(IndexedSum) for i in s.bound}
    idx = sorted(e.atoms(sympy.Idx), key=sympy.default_sort_key)
    sizes = sorted({i.upper for i in idx if i.upper is not None and not i.upper.is_number},
                   key=sympy.default_sort_key)
    for n in (2, 3, 4):
        values: dict = {size: n for size in sizes}
        values.update({i: k % n + 1 for k, i in enumerate(i for i in idx if i not in bound)})
        try:
            concrete = unroll(e, values)
        except IndexedError:
            continue
        if _numerically_nonzero(sympy.expand(concrete)):
            return True
    return False


def is_zero(expr: sympy.Expr) -> bool:
    """True only when expr is proven identically zero (see :func:`zero_status`)."""
    return zero_status(expr) is True


def _real(x: object) -> float:
    z = complex(sympy.N(x, 20))
    return z.real


def _resolve(check: Check) -> None:
    """Fill the derived side and the matrix route from the engine quantity ``check.of``."""
    if check.of is None:
        return
    if check.derived is None:
        check.derived = check.of.derived()
    if check.matrix_route is None:
        check.matrix_route = check.of.matrix_route([check.printed, check.derived])


def compare(check: Check, seed: int = 2024) -> Check:
    """Fill in status, difference and evidence of a check (deterministic: fixed seed)."""
    _resolve(check)
    if check.derived is None or check.printed is None:
        check.status = STATUS_UNDECIDED
        check.difference = None
        return check
    direct = zero_status(check.printed - check.derived)
    mapped = None
    if direct is not True and check.mapping is not None:
        mapped = zero_status(check.mapping(check.printed) - check.derived)
    if direct is True:
        check.status = STATUS_HOLDS
        check.difference = sympy.Integer(0)
    elif mapped is True:
        check.status = STATUS_CONVENTION
        check.difference = sympy.Integer(0)
    else:
        undecided = mapped is None if check.mapping is not None else direct is None
        check.status = STATUS_UNDECIDED if undecided else STATUS_DIFFERS
        printed = check.mapping(check.printed) if check.mapping else check.printed
        diff = sympy.expand(printed - check.derived)
        # factor only small differences: sympy.factor can run for minutes on large ones
        check.difference = sympy.factor(diff) if sympy.count_ops(diff) <= 300 else diff
    if check.matrix_route is not None:
        rng = np.random.default_rng(seed)
        subs, value = check.matrix_route(rng)
        printed = check.mapping(check.printed) if check.mapping else check.printed
        check.evidence = Evidence(
            point=f"random state and parameters (seed {seed})",
            matrix_value=float(value),
            derived_value=_real(check.derived.xreplace(dict(subs))),
            printed_value=_real(printed.xreplace(dict(subs))),
        )
    return check


def evidence_consistent(check: Check, rtol: float = 1e-8) -> bool:
    """The derived form agrees with the matrix route (a failure is our bug, not the paper's)."""
    ev = check.evidence
    if ev is None:
        return True
    scale = max(1.0, abs(ev.matrix_value))
    return abs(ev.derived_value - ev.matrix_value) <= rtol * scale


def expectation_values(expr_list: list[sympy.Expr], rho: np.ndarray, sites, cutoff=None) -> dict:
    """Numeric values of every Expectation symbol in the expressions at state rho."""
    from ..numeric.matrices import expectation_value

    out = {}
    for expr in expr_list:
        for s in sympy.sympify(expr).free_symbols:
            if isinstance(s, Expectation) and s not in out:
                out[s] = expectation_value(s, rho, sites, cutoff).real
    return out
