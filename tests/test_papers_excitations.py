"""symthermo.papers.excitations: states, measures and grids of N qubits with
H_0 = omega sum sigma^+ sigma^-, against independent routes (explicit Kronecker products,
scipy's matrix exponential, pure-state energies)."""

from __future__ import annotations

from functools import reduce

import numpy as np
import pytest
import scipy.linalg
import sympy

from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.papers.excitations import (
    all_ground_state,
    ergotropy_measure,
    excitation_block_state,
    excitation_gibbs_state,
    excitation_hamiltonian,
    l1_measure,
    product_grid,
    random_state_in_range,
)

UP = np.diag([0.0, 1.0])  # sigma^+ sigma^- = |1><1| (|0> ground)


def _kron_number_operator(n: int) -> np.ndarray:
    """sum_i 1 (x) ... (x) |1><1|_i (x) ... (x) 1, the first site the leftmost factor."""
    return sum(reduce(np.kron, [UP if j == i else np.eye(2) for j in range(n)])
               for i in range(n))


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_hamiltonian_and_states_are_the_kronecker_products(n):
    number = _kron_number_operator(n)
    assert np.allclose(excitation_hamiltonian(n, 1.7), 1.7 * number)
    assert np.allclose(all_ground_state(n), reduce(np.kron, [np.diag([1.0, 0.0])] * n))
    gibbs = scipy.linalg.expm(-0.8 * number)
    assert np.allclose(excitation_gibbs_state(n, 0.8), gibbs / np.trace(gibbs))


def test_block_state_puts_each_weight_on_its_excitation_block():
    n, weights = 3, [0.4, 0.1, 0.05, 0.02]
    number = np.diag(_kron_number_operator(n)).round().astype(int)
    expected = sum(d * np.outer(number == k, number == k) for k, d in enumerate(weights))
    rho = excitation_block_state(weights)
    assert np.allclose(rho, expected)
    assert rho[3, 5] == pytest.approx(0.05) and rho[1, 3] == 0  # |011>,|101>: k = 2; k = 1, 2


def test_random_state_in_range_is_a_state_on_the_range():
    rng = np.random.default_rng(3)
    psi = np.array([0, 1, -1, 0]) / np.sqrt(2)
    p = np.eye(4) - np.outer(psi, psi)  # the triplet
    rho = random_state_in_range(p, rng)
    assert np.trace(rho).real == pytest.approx(1.0)
    assert np.allclose(rho, rho.conj().T) and np.linalg.eigvalsh(rho).min() > -1e-12
    assert np.allclose(p @ rho @ p, rho) and abs(psi @ rho @ psi) < 1e-12
    with pytest.raises(ValueError, match="projector"):
        random_state_in_range(np.diag([1.0, 0.5]), rng)
    with pytest.raises(ValueError, match="zero"):
        random_state_in_range(np.zeros((2, 2)), rng)


def test_measures_against_hand_values():
    omega = sympy.Symbol("omega", positive=True)
    rng = np.random.default_rng(5)
    rho = random_density_matrix(4, rng)
    assert l1_measure(rho, {}) == pytest.approx(np.abs(rho).sum() - np.abs(np.diag(rho)).sum())
    # a pure state's passive state is the ground state (energy 0): W = <psi|H_0|psi>
    for n in (2, 3):
        psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
        psi /= np.linalg.norm(psi)
        w = ergotropy_measure(omega)(np.outer(psi, psi.conj()), {omega: 1.3})
        assert w == pytest.approx(float(np.real(psi.conj() @ (1.3 * _kron_number_operator(n))
                                                @ psi)))
    with pytest.raises(ValueError, match="2\\^N"):
        ergotropy_measure(omega)(np.eye(3) / 3, {omega: 1.0})


def test_product_grid_fixes_beta_omega():
    c, omega, beta = sympy.symbols("c omega beta", positive=True)
    points = product_grid({c: [0, 0.25]}, omega, beta, [sympy.Rational(1, 10), 3])
    assert len(points) == 2 * 2 * 2
    assert [list(p) for p in points] == [[c, omega, beta]] * 8
    assert points[1] == {c: 0, omega: sympy.Rational(3, 2), beta: sympy.Rational(1, 15)}
    assert all(p[beta] * p[omega] in (sympy.Rational(1, 10), 3) for p in points)
    assert points[-1][c] == sympy.Rational(1, 4)  # exact
