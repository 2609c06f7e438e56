"""symthermo.papers.printed (printed GKSL and sandwich forms) against plain numpy matrices."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from symthermo.algebra import qubit
from symthermo.numeric.matrices import evaluate, operator_matrix
from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.papers import gksl_heisenberg, sandwich

S1, S2 = qubit("S1"), qubit("S2")
SITES = (S1, S2)
a, b, w = sympy.symbols("a b omega", real=True)
VALUES = {a: 0.7, b: -1.3, w: 0.9}


def mat(op):
    return operator_matrix(op, SITES, None, VALUES)


def test_sandwich_is_minus_half_the_double_commutator():
    v = a * S1.x * S2.y + b * S1.z
    x = w * S2.z + S1.x
    got = mat(sandwich(v, x))
    vm, xm = mat(v), mat(x)
    inner = vm @ xm - xm @ vm
    assert np.allclose(got, -0.5 * (vm @ inner - inner @ vm), atol=1e-13)


def test_gksl_heisenberg_matches_the_schroedinger_generator_with_matrices():
    h = w / 2 * (S1.z + S2.z) + a * S1.x * S2.x
    jumps = [S1.x - sympy.I * S1.y, b * S2.x + S1.z]
    rates = [[sympy.Rational(3, 2), 0.4 * sympy.I], [-0.4 * sympy.I, 1]]  # Hermitian, >= 0
    obs = S1.z * S2.x + S2.y
    expr = gksl_heisenberg(h, jumps, rates, obs)
    rho = random_density_matrix(4, np.random.default_rng(1))
    hm, om = mat(h), mat(obs)
    js = [mat(j) for j in jumps]
    g = np.array([[complex(r) for r in row] for row in rates])
    drho = -1j * (hm @ rho - rho @ hm)
    for j in range(2):
        for k in range(2):
            kd_j = js[k].conj().T @ js[j]
            drho += g[j, k] * (js[j] @ rho @ js[k].conj().T - 0.5 * (kd_j @ rho + rho @ kd_j))
    assert evaluate(expr, rho, SITES, VALUES).real == pytest.approx(
        np.trace(om @ drho).real, abs=1e-12)


def test_gksl_heisenberg_refuses_a_rate_matrix_of_the_wrong_size():
    with pytest.raises(ValueError, match="2 x 2"):
        gksl_heisenberg(S1.z, [S1.x, S1.y], [[1]], S1.z)
