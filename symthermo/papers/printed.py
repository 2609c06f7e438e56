"""Building blocks for transcribing a paper's printed master-equation forms as sympy.

Papers print their generators in a few standard shapes; these functions build those shapes
with the symbolic algebra *as printed* (they are the printed side of a check, compared with
the engine's derivation, so they never use the engine's derived forms):

* :func:`sandwich`: V X V - {V^2, X}/2 (the printed form of -(1/2)[V, [V, X]]);
* :func:`gksl_term`: A rho B - {B A, rho}/2, one term of a printed dissipator;
* :func:`gksl_heisenberg`: the Heisenberg form of a GKSL generator with jump operators S_j
  and a rate matrix gamma_jk,

      Tr[O L(rho)] = <i[H, O]> + sum_jk gamma_jk <S_k^dag O S_j - {S_k^dag S_j, O}/2>,

  for L(rho) = -i[H, rho] + sum_jk gamma_jk (S_j rho S_k^dag - {S_k^dag S_j, rho}/2).

Expectation values are the engine's structured Expectation symbols of the operators'
canonical monomials.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from ..algebra import anticommutator, commutator, expectation
from ..algebra.operator import Operator

__all__ = ["gksl_heisenberg", "gksl_term", "sandwich"]

_HALF = sympy.Rational(1, 2)


def sandwich(v: Operator, x: Operator) -> Operator:
    """V X V - {V^2, X}/2 (equal to -(1/2)[V, [V, X]])."""
    return v * x * v - _HALF * anticommutator(v**2, x)


def gksl_term(a: Operator, b: Operator, rho: Operator) -> Operator:
    """A rho B - {B A, rho}/2 (with B = A^dag, the dissipator D[A](rho) of a jump A)."""
    return a * rho * b - _HALF * anticommutator(b * a, rho)


def gksl_heisenberg(hamiltonian: Operator, jumps: Sequence[Operator],
                    rates: Sequence[Sequence[sympy.Expr]], observable: Operator) -> sympy.Expr:
    """d<O>/dt of a GKSL generator with jump operators S_j and rates gamma_jk = rates[j][k]
    (see the module docstring), expanded.  ``rates`` must be len(jumps) x len(jumps)."""
    n = len(jumps)
    if len(rates) != n or any(len(row) != n for row in rates):
        raise ValueError(f"rates must be a {n} x {n} matrix (one row and column per jump "
                         "operator)")
    o = observable
    total = expectation(commutator(hamiltonian, o) * sympy.I)
    for j, s_j in enumerate(jumps):
        for k, s_k in enumerate(jumps):
            body = s_k.dagger() * o * s_j - _HALF * anticommutator(s_k.dagger() * s_j, o)
            total = total + rates[j][k] * expectation(body)
    return sympy.expand(total)
