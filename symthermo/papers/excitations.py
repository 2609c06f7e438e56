"""Numbers of N qubits whose free Hamiltonian counts excitations, H_0 = omega sum_i
sigma_i^+ sigma_i^-: states, measures and sample grids that papers' checks and statements share.

Conventions (DESIGN.md section 2): |0> is the ground state; the computational basis index i
of N qubits is a bit string with the first site as the most significant bit, and its
excitation number k(i) is the number of 1s.  H_0 is diagonal there, with entries omega k(i).

* states: :func:`all_ground_state` (|0...0><0...0|), :func:`excitation_gibbs_state`
  (exp(-beta H_0)/Z), :func:`excitation_block_state` (rho_ij = d_k when k(i) = k(j) = k, the
  block form D_k = d_k U_k of a permutation-symmetric steady state), :func:`random_state_in_range`
  (a random state supported on a projector's range);
* measures in the form ``measure(rho, params) -> float`` of
  :class:`~symthermo.papers.state_routes.SteadyStateMeasure`: :func:`l1_measure`
  (C_l1 = sum_{i != j} |rho_ij|) and :func:`ergotropy_measure` (ergotropy w.r.t. H_0 at the
  point's omega);
* :func:`excitation_hamiltonian`, :func:`excitation_numbers`: H_0 and k(i) as arrays;
* :func:`product_grid`: exact sample points {labels..., omega, beta} at fixed products
  beta*omega = x (for :func:`symthermo.exact_states.ergotropy_formula`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import sympy

from ..numeric.measures import ergotropy, l1_coherence
from ..numeric.model_matrices import random_density_matrix

__all__ = [
    "Measure",
    "all_ground_state",
    "ergotropy_measure",
    "excitation_block_state",
    "excitation_gibbs_state",
    "excitation_hamiltonian",
    "excitation_numbers",
    "l1_measure",
    "product_grid",
    "random_state_in_range",
]

#: ``measure(rho, params) -> float``, a number of a state at a parameter point.
Measure = Callable[[np.ndarray, Mapping], float]


def _qubits(n: int) -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"the number of qubits must be a positive integer, got {n!r}")
    return int(n)


def _n_of(rho: np.ndarray) -> int:
    d = rho.shape[0]
    n = d.bit_length() - 1
    if d < 2 or 2**n != d:
        raise ValueError(f"a {d}x{d} matrix is not a state of qubits (dimension 2^N)")
    return n


def excitation_numbers(n: int) -> np.ndarray:
    """k(i) = number of excited qubits in computational basis state i (length 2^N)."""
    n = _qubits(n)
    return np.array([bin(i).count("1") for i in range(2**n)])


def excitation_hamiltonian(n: int, omega: float) -> np.ndarray:
    """H_0 = omega sum_i sigma_i^+ sigma_i^- = diag(omega k(i)), complex 2^N x 2^N."""
    return np.diag(float(omega) * excitation_numbers(n).astype(float)).astype(complex)


def all_ground_state(n: int) -> np.ndarray:
    """|0...0><0...0| of N qubits (the basis state with index 0)."""
    n = _qubits(n)
    rho = np.zeros((2**n, 2**n), dtype=complex)
    rho[0, 0] = 1
    return rho


def excitation_gibbs_state(n: int, x: float) -> np.ndarray:
    """exp(-beta H_0)/Tr exp(-beta H_0) at beta*omega = x: diag(e^{-x k(i)})/Z, the product
    of N thermal qubits."""
    p = np.exp(-float(x) * excitation_numbers(n).astype(float))
    return np.diag(p / p.sum()).astype(complex)


def excitation_block_state(weights: Sequence[float]) -> np.ndarray:
    """The matrix with entries rho_ij = d_k when k(i) = k(j) = k, else 0: blocks D_k = d_k U_k
    (U_k all ones) on the k-excitation states, N = len(weights) - 1, weights d_0..d_N.  The
    trace is sum_k C(N, k) d_k; the weights are the caller's (not normalised here)."""
    n = _qubits(len(weights) - 1)
    exc = excitation_numbers(n)
    rho = np.zeros((2**n, 2**n), dtype=complex)
    for k, d in enumerate(weights):
        idx = np.flatnonzero(exc == k)
        rho[np.ix_(idx, idx)] = float(d)
    return rho


def random_state_in_range(projector: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """P sigma P / Tr(P sigma P) for a random density matrix sigma
    (:func:`~symthermo.numeric.model_matrices.random_density_matrix`, drawn from ``rng``): a
    random state supported on the range of the orthogonal projector P."""
    p = np.asarray(projector, dtype=complex)
    if p.ndim != 2 or p.shape[0] != p.shape[1] or not np.allclose(p @ p, p) \
            or not np.allclose(p, p.conj().T):
        raise ValueError("random_state_in_range needs an orthogonal projector (square, "
                         "Hermitian, P^2 = P)")
    sigma = p @ random_density_matrix(p.shape[0], rng) @ p
    trace = float(np.trace(sigma).real)
    if trace <= 0:
        raise ValueError("the projector is zero: no state lies in its range")
    return sigma / trace


def l1_measure(rho: np.ndarray, params: Mapping) -> float:
    """C_l1 = sum_{i != j} |rho_ij| (computational basis); ``params`` is not used."""
    return float(l1_coherence(rho))


def ergotropy_measure(omega: sympy.Symbol) -> Measure:
    """``measure(rho, params)`` = ergotropy of rho w.r.t. H_0 = diag(params[omega] k(i)):
    Tr(rho H_0) - sum_j lambda_j^down e_j^up (:func:`symthermo.numeric.measures.ergotropy`)."""

    def measure(rho: np.ndarray, params: Mapping) -> float:
        return float(ergotropy(rho, excitation_hamiltonian(_n_of(rho), float(params[omega]))))

    return measure


def product_grid(
    labels: Mapping[sympy.Symbol, Sequence],
    omega: sympy.Symbol,
    beta: sympy.Symbol,
    products: Sequence,
    omegas: Sequence = (1, sympy.Rational(3, 2)),
) -> list[dict]:
    """Exact sample points ``{label: v, ..., omega: w, beta: x/w}`` with beta*omega = x, for
    every combination of the labels' values (outermost loop, in the labels' order), x in
    ``products`` and w in ``omegas`` (innermost); label values and x are made exact with
    :func:`sympy.nsimplify`."""
    names = list(labels)
    points = []
    for values in itertools.product(*(labels[s] for s in names)):
        for x in products:
            for w in omegas:
                point = {s: sympy.nsimplify(v) for s, v in zip(names, values, strict=True)}
                point.update({omega: w, beta: sympy.nsimplify(x) / w})
                points.append(point)
    return points
