"""Shared matrices and random states for the numeric tests (conventions of DESIGN.md sec. 2)."""

from __future__ import annotations

import numpy as np

I2 = np.eye(2, dtype=complex)
SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, 1j], [-1j, 0]], dtype=complex)
SZ = np.diag([-1.0, 1.0]).astype(complex)
SP = np.array([[0, 0], [1, 0]], dtype=complex)  # sigma_+ = |1><0|
SM = SP.T.copy()  # sigma_- = |0><1|


def kron(*ops: np.ndarray) -> np.ndarray:
    out = np.ones((1, 1), dtype=complex)
    for op in ops:
        out = np.kron(out, op)
    return out


def site(op: np.ndarray, k: int, n: int) -> np.ndarray:
    """Qubit operator ``op`` on site k of n qubits (site 0 = leftmost factor)."""
    return kron(*[op if j == k else I2 for j in range(n)])


def thermal_qubit(omega: float, beta: float) -> np.ndarray:
    """Gibbs state of H = (omega/2) sigma_z: p1/p0 = exp(-beta omega)."""
    p = np.exp(-beta * omega * np.array([0.0, 1.0]))
    return np.diag(p / p.sum()).astype(complex)


def destroy(levels: int) -> np.ndarray:
    return np.diag(np.sqrt(np.arange(1, levels, dtype=float)), 1).astype(complex)


def thermal_oscillator(omega: float, beta: float, levels: int) -> np.ndarray:
    """Truncated Gibbs state of omega a^dag a (renormalised on the kept levels)."""
    p = np.exp(-beta * omega * np.arange(levels))
    return np.diag(p / p.sum()).astype(complex)


def random_hermitian(d: int, rng: np.random.Generator, scale: float = 1.0) -> np.ndarray:
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return scale * (a + a.conj().T) / 2


def random_density(d: int, rng: np.random.Generator, rank: int | None = None) -> np.ndarray:
    a = rng.normal(size=(d, rank or d)) + 1j * rng.normal(size=(d, rank or d))
    rho = a @ a.conj().T
    return rho / np.trace(rho)


def random_operator(d: int, rng: np.random.Generator) -> np.ndarray:
    return rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
