"""Exact steady states of collective qubit models on the symmetric (Dicke) subspace.

For N qubits the Dicke states are |D_k> = C(N, k)^-1/2 sum_{|i| = k} |i> (uniform superposition
of the computational states with k excitations, engine basis: |0> ground, first site the most
significant bit).  V = [|D_0>, ..., |D_N>] is an isometry of C^(N+1) into C^(2^N).

When the derived Lindblad generator L leaves the operators on span{|D_k>} invariant
(Q L(V E V^dag) = L(V E V^dag) Q = 0 with Q = 1 - V V^dag, :func:`symmetric_invariance_defect`)
its restriction L_D(rho_D) = V^dag L(V rho_D V^dag) V is exact, and a state that starts there
(e.g. |0...0> = |D_0>) stays there.  If moreover H is diagonal in the Dicke basis and every jump
operator changes the excitation number by a definite amount, the Dicke-diagonal states are
invariant too and the populations w_k of |D_k> obey d w/dt = G w with an (N+1) x (N+1) matrix
G; its one-dimensional kernel gives the stationary populations exactly
(:func:`symmetric_stationary_populations`).

For the state rho = sum_k w_k |D_k><D_k| (w_k >= 0): its computational-basis l1 coherence is
sum_k w_k (C(N, k) - 1) (block k has C(N, k)^2 equal entries w_k/C(N, k)), and its spectrum is
{w_k} and 2^N - N - 1 zeros (:func:`symmetric_state_measures`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np
import sympy
from sympy.polys.matrices import DomainMatrix

from .algebra.operator import Operator, operator_sum
from .exact_states import _exact
from .model import CollisionModel
from .numeric.matrices import monomial_matrix
from .numeric.sectors import lindblad_parts
from .thermo import lindblad_form

__all__ = [
    "dicke_diagonal_matrix",
    "dicke_pattern",
    "restrict_to_symmetric",
    "symmetric_invariance_defect",
    "symmetric_state_measures",
    "symmetric_stationary_populations",
]


@cache
def dicke_pattern(n: int) -> np.ndarray:
    """Unnormalised isometry V_u (2^N x (N+1)): column k = sum of the k-excitation states."""
    vu = np.zeros((2**n, n + 1))
    for i in range(2**n):
        vu[i, bin(i).count("1")] = 1.0
    return vu


def restrict_to_symmetric(op: Operator, sites: tuple) -> sympy.Matrix:
    """V^dag op V exactly ((N+1) x (N+1), Dicke basis); op an operator on the qubit ``sites``.

    The Pauli-string matrices come from :func:`symthermo.numeric.matrices.monomial_matrix`
    (integer entries, made exact), never from the symbolic algebra's products."""
    n = len(sites)
    vu = dicke_pattern(n)
    out = sympy.zeros(n + 1, n + 1)
    for mono, coeff in op.terms.items():
        m = vu.T @ monomial_matrix(mono, sites) @ vu
        out += coeff * sympy.Matrix([[_exact(x) for x in row] for row in m])
    norm = sympy.diag(*[1 / sympy.sqrt(sympy.binomial(n, k)) for k in range(n + 1)])
    return (norm * out * norm).applyfunc(sympy.expand)


def symmetric_invariance_defect(model: CollisionModel, params: Mapping) -> float:
    """max |Q L(V E_kl V^dag)|, |L(V E_kl V^dag) Q| over the Dicke matrix units E_kl, with the
    derived Lindblad form at numbers (:func:`symthermo.numeric.sectors.lindblad_parts`):
    zero when the operators on the symmetric subspace are invariant."""
    n = len(model.system_sites)
    _, left, right, sandwiches = lindblad_parts(model, params)
    vu = dicke_pattern(n)
    v = vu / np.sqrt(vu.sum(axis=0))
    q = np.eye(2**n) - v @ v.T
    worst = 0.0
    for k in range(n + 1):
        for m in range(n + 1):
            e = np.outer(v[:, k], v[:, m]).astype(complex)
            out = left @ e + e @ right
            for a_mat, b_mat in sandwiches:
                out = out + a_mat @ e @ b_mat
            worst = max(worst, float(np.abs(q @ out).max()), float(np.abs(out @ q).max()))
    return worst


def symmetric_stationary_populations(
    model: CollisionModel, atoms: Mapping[sympy.Expr, sympy.Symbol] | None = None
) -> tuple[sympy.Expr, ...]:
    """Stationary populations (w_0, ..., w_N) of the Dicke states, exact and normalised.

    The derived Lindblad form's H must be diagonal in the Dicke basis (ValueError otherwise);
    d w_m/dt = sum_i G_mi w_i with G_mi = sum_ab gamma_ab (L_a)_mi (L_b^dag)_im (i != m or
    not) - delta_mi (sum_ab gamma_ab L_b^dag L_a)_mm, all restricted to the Dicke basis.  The
    kernel of G must be one-dimensional (ValueError otherwise).  ``atoms`` (e.g.
    ``{exp(beta omega): q}``) are replaced by symbols for the exact kernel and put back.
    Presupposes the invariance of the symmetric subspace (check it with
    :func:`symmetric_invariance_defect`)."""
    sites = tuple(model.system_sites)
    n = len(sites)
    lf = lindblad_form(model)
    h = restrict_to_symmetric(lf.hamiltonian, sites)
    size = n + 1
    if any(h[m, i] != 0 for m in range(size) for i in range(size) if m != i):
        raise ValueError("H is not diagonal in the Dicke basis: the Dicke-diagonal states are "
                         "not invariant")
    gen = sympy.zeros(size, size)
    for ch in lf.channels:
        ops = ch.jump_operators
        a_m = [restrict_to_symmetric(la, sites) for la in ops]
        b_m = [restrict_to_symmetric(la.dagger(), sites) for la in ops]
        g_op = operator_sum(ch.rates[a, b] * (lb.dagger() * la)
                            for a, la in enumerate(ops) for b, lb in enumerate(ops)
                            if ch.rates[a, b] != 0)
        g_m = restrict_to_symmetric(g_op, sites)
        for m in range(size):
            gen[m, m] -= g_m[m, m]
            for i in range(size):
                for a in range(len(ops)):
                    if a_m[a][m, i] == 0:
                        continue
                    for b in range(len(ops)):
                        rate = ch.rates[a, b]
                        if rate != 0 and b_m[b][i, m] != 0:
                            gen[m, i] += rate * a_m[a][m, i] * b_m[b][i, m]
    to_atoms = dict(atoms or {})
    back = {s: e for e, s in to_atoms.items()}
    gen = gen.applyfunc(lambda e: sympy.cancel(sympy.together(e.xreplace(to_atoms))))
    kernel = DomainMatrix.from_Matrix(gen).to_field().nullspace().to_Matrix()
    if kernel.rows != 1:
        raise ValueError(f"the symmetric diagonal sector has {kernel.rows} stationary states")
    w = kernel.row(0)
    total = sympy.cancel(sum(w))
    return tuple(sympy.factor(sympy.cancel(x / total)).xreplace(back) for x in w)


def symmetric_state_measures(
    populations: tuple[sympy.Expr, ...], frequency: sympy.Expr | int = 1,
) -> tuple[sympy.Expr, list[sympy.Expr], list[sympy.Expr], sympy.Expr]:
    """For rho = sum_k w_k |D_k><D_k| of N qubits and H_0 = frequency sum_i sigma^+_i sigma^-_i:
    (C_l1, eigenvalues, levels of H_0 in the computational basis, Tr(rho H_0)).
    C_l1 = sum_k w_k (C(N, k) - 1) presupposes w_k >= 0."""
    w = populations
    n = len(w) - 1
    l1 = sympy.Add(*[w[k] / sympy.binomial(n, k) * (sympy.binomial(n, k) ** 2
                                                     - sympy.binomial(n, k))
                     for k in range(n + 1)])
    lam = list(w) + [sympy.Integer(0)] * (2**n - n - 1)
    levels = [frequency * bin(i).count("1") for i in range(2**n)]
    energy = sympy.Add(*[k * frequency * w[k] for k in range(n + 1)])
    return l1, lam, levels, energy


def dicke_diagonal_matrix(populations: np.ndarray | list[float]) -> np.ndarray:
    """sum_k w_k |D_k><D_k| as a 2^N x 2^N matrix (computational basis): the block of
    excitation number k has every entry equal to w_k / C(N, k)."""
    w = np.asarray(populations, dtype=float)
    n = len(w) - 1
    vu = dicke_pattern(n)
    return ((vu * (w / vu.sum(axis=0))) @ vu.T).astype(complex)
