"""Steady states on the invariant sector of equal excitation numbers (qubit systems).

For qubits the excitation number of a basis state |i> is the number of sites in |1> (the
popcount of i in the engine's tensor order).  When the derived Lindblad form conserves it, i.e.

* H (with the cascaded corrections) conserves the excitation number,
* every jump operator changes it by one definite amount, and
* the rate matrix pairs only jump operators with equal changes,

the density-matrix elements |i><j| with equal excitation numbers of i and j form an invariant
sector of the Liouvillian, and every stationary state lives there.  The stationary problem can
then be solved on sum_k C(N, k)^2 elements instead of 4^N (924 instead of 4096 for N = 6).
:func:`lindblad_parts` checks the three conditions (ValueError otherwise).  The jump operators
are those of the derived Lindblad form, one per operator of the ancilla's basis: a thermal
oscillator's a, a^dag give definite changes (sigma^-, sigma^+); a qubit ancilla's Pauli basis
(sigma^x, sigma^y) mixes them even for an excitation-conserving coupling.

Vectorisation is column stacking, vec(rho)[i + j d] = rho[i, j]; the sector's elements are
listed in that order (:func:`equal_excitation_elements`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from ..model import CollisionModel
from ..thermo import lindblad_form
from .matrices import _numeric, operator_matrix

__all__ = [
    "equal_excitation_elements",
    "lindblad_parts",
    "sector_generator",
    "sector_projection",
    "sector_steady_state",
]


def _excitations(n_qubits: int) -> np.ndarray:
    return np.array([bin(i).count("1") for i in range(2**n_qubits)])


@lru_cache(maxsize=16)
def equal_excitation_elements(n_qubits: int) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) of the elements |i><j| with equal excitation numbers, column-stacking order."""
    exc = _excitations(n_qubits)
    d = 2**n_qubits
    pairs = np.array([(i, j) for j in range(d) for i in range(d) if exc[i] == exc[j]])
    return pairs[:, 0], pairs[:, 1]


def _qubit_count(model: CollisionModel) -> int:
    sites = model.system_sites
    if any(s.kind != "qubit" for s in sites):
        raise ValueError("excitation sectors are defined here for qubit systems only")
    return len(sites)


def _excitation_change(m: np.ndarray, exc: np.ndarray) -> set[int]:
    rows, cols = np.nonzero(np.abs(m) > 1e-14)
    return {int(exc[i] - exc[j]) for i, j in zip(rows, cols, strict=True)}


def lindblad_parts(
    model: CollisionModel, params: Mapping
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """The derived Lindblad form at numbers, as L(rho) = A rho + rho B + sum_k S_k rho T_k.

    Returns (H, A, B, [(S_k, T_k)]) with A = -iH - G/2, B = iH - G/2, G = sum gamma_ab L_b^dag L_a,
    and the sandwiches from the eigen-decomposition of the rate matrix within each group of jump
    operators that change the excitation number by the same amount.  Checks the excitation
    structure (ValueError otherwise, see the module docstring).
    """
    n = _qubit_count(model)
    lf = lindblad_form(model)
    sites = model.system_sites
    p = {k: float(v) for k, v in params.items()}
    exc = _excitations(n)
    h = operator_matrix(lf.hamiltonian, sites, params=p)
    if _excitation_change(h, exc) - {0}:
        raise ValueError("H does not conserve the excitation number")
    left = -1j * h
    right = 1j * h
    sandwiches = []
    for ch in lf.channels:
        jumps = [operator_matrix(op, sites, params=p) for op in ch.jump_operators]
        values = {x: complex(_numeric(x, p, "rate")) for x in set(ch.rates) if x != 0}
        rates = np.array([[values.get(x, 0j) for x in ch.rates.row(a)]
                          for a in range(len(jumps))])
        changes = []
        for jm in jumps:
            ch_set = _excitation_change(jm, exc)
            if len(ch_set) != 1:
                raise ValueError("a jump operator mixes excitation changes")
            changes.append(ch_set.pop())
        for a in range(len(jumps)):
            for b in range(len(jumps)):
                if rates[a, b] != 0 and changes[a] != changes[b]:
                    raise ValueError("the rate matrix pairs different excitation changes")
        stack = np.stack(jumps)
        for change in sorted(set(changes)):
            idx = [a for a in range(len(jumps)) if changes[a] == change]
            lam, vecs = np.linalg.eigh(rates[np.ix_(idx, idx)])
            # sum_ab gamma_ab L_a rho L_b^dag = sum_k lam_k K_k rho K_k^dag
            for k in range(len(idx)):
                if abs(lam[k]) <= 1e-14 * max(1.0, np.abs(lam).max()):
                    continue
                kk = np.tensordot(vecs[:, k], stack[idx], axes=1)
                prod = kk.conj().T @ kk
                left = left - 0.5 * lam[k] * prod
                right = right - 0.5 * lam[k] * prod
                sandwiches.append((lam[k] * kk, kk.conj().T))
    return h, left, right, sandwiches


def sector_generator(model: CollisionModel, params: Mapping) -> np.ndarray:
    """The Liouvillian of the derived Lindblad form on the sector of equal excitation numbers
    (rows and columns in the order of :func:`equal_excitation_elements`)."""
    _, left, right, sandwiches = lindblad_parts(model, params)
    n = _qubit_count(model)
    d = 2**n
    ii, jj = equal_excitation_elements(n)
    eye = np.eye(d, dtype=complex)
    # (A rho B)_{mn} = sum A_mi rho_ij B_jn ; rows alpha = (m, n), columns beta = (i, j)
    m_, n_ = ii[:, None], jj[:, None]
    i_, j_ = ii[None, :], jj[None, :]
    gen = left[m_, i_] * eye[j_, n_] + eye[m_, i_] * right[j_, n_]
    for a_mat, b_mat in sandwiches:
        gen = gen + a_mat[m_, i_] * b_mat[j_, n_]
    return gen


@lru_cache(maxsize=64)
def _sector_kernel(model: CollisionModel, key: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(right kernel, left kernel pre-multiplied by (l^dag r)^-1) of the sector generator."""
    gen = sector_generator(model, dict(key))
    u, s, vh = np.linalg.svd(gen)
    k = int(np.count_nonzero(s <= 1e-10 * s[0]))
    left, right = u[:, -k:], vh[-k:].conj().T
    return right, np.linalg.solve(left.conj().T @ right, left.conj().T)


def sector_projection(
    model: CollisionModel, params: Mapping, rho0: np.ndarray
) -> tuple[np.ndarray, int]:
    """P rho0 (the spectral projector onto the kernel of L) computed on the sector; returns
    (rho_ss, kernel dimension in the sector).

    Only the sector's part of rho0 reaches the kernel (the other sectors are invariant too and
    decay at finite temperature).  Kernels are cached per model and parameter values."""
    key = tuple(sorted(((k, float(v)) for k, v in params.items()), key=lambda kv: kv[0].name))
    right, proj = _sector_kernel(model, key)
    n = _qubit_count(model)
    ii, jj = equal_excitation_elements(n)
    v = right @ (proj @ rho0[ii, jj])
    rho = np.zeros((2**n, 2**n), dtype=complex)
    rho[ii, jj] = v
    return 0.5 * (rho + rho.conj().T), right.shape[1]


def sector_steady_state(L: np.ndarray, n_qubits: int) -> tuple[np.ndarray, int]:
    """The steady state (trace 1) of a full column-stacking generator L restricted to the sector,
    and the kernel dimension within the sector (SVD, s <= 1e-10 s_max).

    A unique steady state within the sector is found even where the full kernel is degenerate
    (coherences between different excitation numbers): the sector's stationary equations with
    the first replaced by Tr rho = 1, solved directly."""
    d = 2**n_qubits
    ii, jj = equal_excitation_elements(n_qubits)
    idx = ii + jj * d
    ls = L[np.ix_(idx, idx)]
    s = np.linalg.svd(ls, compute_uv=False)
    kernel = int(np.sum(s <= 1e-10 * s[0]))
    trace_row = np.array([1.0 if (k % d) == (k // d) else 0.0 for k in idx], dtype=complex)
    a = ls.copy()
    a[0, :] = trace_row
    rhs = np.zeros(len(idx), dtype=complex)
    rhs[0] = 1.0
    x = np.linalg.solve(a, rhs)
    full = np.zeros(d * d, dtype=complex)
    full[idx] = x
    rho = full.reshape(d, d, order="F")
    rho = (rho + rho.conj().T) / 2
    return rho / np.trace(rho).real, kernel
