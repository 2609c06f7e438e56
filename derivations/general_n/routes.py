"""Matrix routes for the general-N rows of the reports.

A general-N check compares two sums over indices.  Its matrix route picks a concrete size
(N = 3, M = 3), random parameters and a random system state, evaluates every top-level term
of the printed and derived general forms *after unrolling it at that size*, and returns
those values as the substitution (term -> number) together with the value of the same
physical quantity computed with plain matrices on the instance model built by hand.  So the
report's evidence line compares the matrix value with the general forms at N = 3.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import sympy

from symthermo.algebra.indexed import unroll
from symthermo.numeric.matrices import evaluate


def term_values(exprs: Sequence[sympy.Expr], env: Mapping, rho: np.ndarray, sites: Sequence,
                params: Mapping, cutoff: object = None) -> dict:
    """{top-level term: its value at rho} for every term of the expressions (unrolled at env)."""
    out: dict = {}
    for e in exprs:
        for t in sympy.Add.make_args(sympy.sympify(e)):
            if t in out or t.is_Number:
                continue
            out[t] = sympy.Float(evaluate(unroll(t, env), rho, sites, params, cutoff).real, 30)
    return out


def parameter_values(exprs: Sequence[sympy.Expr], env: Mapping, rng: np.random.Generator,
                     fixed: Mapping | None = None) -> dict:
    """Random values in [0.3, 1.0] for every parameter of the unrolled expressions (indexed
    parameters at concrete indices included), ``fixed`` ones kept."""
    out = dict(fixed or {})
    found: set = set()
    for e in exprs:
        for t in sympy.Add.make_args(sympy.sympify(e)):
            u = unroll(t, env)
            found |= u.atoms(sympy.Indexed)
            found |= {s for s in u.free_symbols if isinstance(s, sympy.Symbol)
                      and type(s) is sympy.Symbol}
    for s in sorted(found, key=str):
        if s not in out:
            out[s] = float(rng.uniform(0.3, 1.0))
    return out


def route(exprs: Sequence[sympy.Expr], env: Mapping, sites: Sequence,
          fixed: Callable[[np.random.Generator], Mapping],
          value: Callable[[np.ndarray, Mapping], float], dim: int,
          cutoff: Callable[[Mapping], object] | None = None
          ) -> Callable[[np.random.Generator], tuple[dict, float]]:
    """A Check.matrix_route for general forms (see the module docstring)."""
    from symthermo.numeric.model_matrices import random_density_matrix

    def run(rng: np.random.Generator) -> tuple[dict, float]:
        params = parameter_values(exprs, env, rng, fixed(rng))
        rho = random_density_matrix(dim, rng)
        cut = cutoff(params) if cutoff else None
        subs = {**params, **term_values(exprs, env, rho, sites, params, cut)}
        return subs, float(value(rho, params))

    return run
