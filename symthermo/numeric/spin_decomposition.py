"""The stationary projection of collectively coupled qubits in the spin decomposition.

C^(2^N) = sum_j C^(d_j) (x) C^(2j+1) (total spin j, multiplicity d_j): collective operators
(sums over identical qubits: J_z = sum_i sigma^z_i / 2, J_+ = sum_i sigma^+_i) act as
1 (x) (spin-j matrix).  When a model's derived Lindblad generator is collective in that sense
(checked numerically when built), its stationary projection P acts block by block: each
(j, j') block generator is solved once, and P|psi><psi| = sum_j C_j (x) tau_j with C_j the
spin-traced j block of |psi><psi| and tau_j the stationary spin-j state.  The C_l1 coherence
(computational basis) and the ergotropy w.r.t. H_0 = omega sum_i sigma^+_i sigma^-_i of many
steady states then follow without 2^N x 2^N matrices (:func:`random_state_measures`).

Basis: the engine's (|0> ground, first site leftmost); vectorisation column stacking,
vec(A X B) = (B^T (x) A) vec(X).  This dense construction is for N up to about 10; the
permutation-invariant route (:mod:`symthermo.numeric.permutation`) covers large N for states
in the symmetric sector.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from ..errors import SymthermoError
from ..model import CollisionModel
from ..thermo import lindblad_form
from .matrices import operator_matrix

__all__ = [
    "CollectiveSteadyStates",
    "SpinDecomposition",
    "collective_spin_operators",
    "collective_steady_states",
    "haar_random_states",
    "random_state_measures",
    "spin_decomposition",
    "stationary_projector",
]


def collective_spin_operators(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(J_z, J_+) = (sum_i sigma^z_i / 2, sum_i sigma^+_i) on 2^n dimensions (engine basis)."""
    sz = np.diag([-0.5, 0.5])
    sp = np.array([[0.0, 0.0], [1.0, 0.0]])
    jz = np.zeros((2**n, 2**n))
    jp = np.zeros((2**n, 2**n))
    for i in range(n):
        left, right = np.eye(2**i), np.eye(2 ** (n - i - 1))
        jz += np.kron(np.kron(left, sz), right)
        jp += np.kron(np.kron(left, sp), right)
    return jz, jp


@dataclass(frozen=True)
class SpinDecomposition:
    """C^(2^n) = sum_j C^(d_j) (x) C^(2j+1): the orthogonal U with columns |j, alpha, m>.

    sectors: tuple of (j, d_j, first column); columns of sector j are ordered (alpha, m) with m
    running -j..j fastest.  J_z, J_+- act as 1 (x) (spin-j matrices): every collective operator
    (sums over identical qubits) is block diagonal with the same block for every alpha.
    """

    n: int
    U: np.ndarray
    sectors: tuple[tuple[float, int, int], ...]


@cache
def spin_decomposition(n: int) -> SpinDecomposition:
    """Highest-weight vectors (kernel of J_+ at excitation number k >= n/2) lowered by J_-."""
    _jz, jp = collective_spin_operators(n)
    jm = jp.T
    weight = np.array([bin(i).count("1") for i in range(2**n)])
    cols: list[np.ndarray] = []
    sectors = []
    for k in range(n, (n - 1) // 2, -1):  # k = j + n/2, j = n/2, n/2 - 1, ...
        j = k - n / 2
        idx = np.flatnonzero(weight == k)
        up = np.flatnonzero(weight == k + 1)
        block = jp[np.ix_(up, idx)] if up.size else np.zeros((0, idx.size))
        _, sv, vh = np.linalg.svd(block) if block.size else (None, np.zeros(0), np.eye(idx.size))
        rank = int(np.sum(sv > 1e-10))
        null = vh[rank:].T  # orthonormal kernel of J_+ in the sector
        d_j = null.shape[1]
        start = len(cols)
        for a in range(d_j):
            v = np.zeros(2**n)
            v[idx] = null[:, a]
            ladder = [v]
            m = j
            for _ in range(round(2 * j)):
                v = jm @ v / np.sqrt(j * (j + 1) - m * (m - 1))
                m -= 1
                ladder.append(v)
            cols.extend(ladder[::-1])  # m = -j .. j
        sectors.append((j, d_j, start))
    U = np.array(cols).T
    if U.shape != (2**n, 2**n) or np.max(np.abs(U.T @ U - np.eye(2**n))) > 1e-10:
        raise SymthermoError(f"spin decomposition of {n} qubits failed (not orthogonal)")
    return SpinDecomposition(n, U, tuple(sectors))


def stationary_projector(L: np.ndarray) -> np.ndarray:
    """Spectral projector onto ker L (right null vectors R, left null vectors Y):
    P = R (Y^dag R)^-1 Y^dag (0 if the kernel is trivial)."""
    _u, sv, vh = np.linalg.svd(L)
    tol = 1e-9 * max(1.0, float(sv[0]))
    right = vh[sv <= tol].conj().T
    if right.shape[1] == 0:
        return np.zeros_like(L)
    _u2, sv2, vh2 = np.linalg.svd(L.conj().T)
    left = vh2[sv2 <= tol].conj().T
    return right @ np.linalg.solve(left.conj().T @ right, left.conj().T)


@dataclass(frozen=True)
class CollectiveSteadyStates:
    """The stationary projection of the collective model in the spin-j decomposition.

    For every spin j the projection maps the (j, j) block of the initial state to
    Tr_spin(block) (x) tau_j with tau_j = diag(t_{j,m}); blocks between different j (and
    between different alpha copies' spin parts) keep only their trace.  Checked when built:
    the engine's H and jump operators are 1 (x) A_j in the decomposition, each (j, j')
    block generator has a one-dimensional (j = j') or trivial (j != j') kernel, and tau_j is
    diagonal in m.
    """

    decomposition: SpinDecomposition
    tau: dict[float, np.ndarray]  # j -> t_{j,m}, m = -j..j


def collective_steady_states(model: CollisionModel, params: Mapping) -> CollectiveSteadyStates:
    """Build (and check) the stationary projection of the model's derived Lindblad generator
    (its N qubits collectively coupled) in the spin decomposition; ``params`` keyed by symbol
    or by name.  SymthermoError when the generator is not collective or a block's stationary
    space is not as stated in :class:`CollectiveSteadyStates`."""
    from ..papers.routes import model_parameters

    lf = lindblad_form(model)
    sites = model.system_sites
    n = len(sites)
    subs = {sym: params[sym] if sym in params else params[sym.name]
            for sym in model_parameters(model)}
    ham = operator_matrix(lf.hamiltonian, sites, None, subs)
    jumps = []
    for ch in lf.channels:
        ls = np.stack([operator_matrix(op, sites, None, subs) for op in ch.jump_operators])
        gamma = np.array(ch.rates.xreplace(subs).evalf(), dtype=complex)
        lam, u = np.linalg.eigh((gamma + gamma.conj().T) / 2)
        for lm, vec in zip(lam, u.T, strict=True):
            if lm > 1e-12 * max(1.0, float(lam.max())):
                jumps.append(math.sqrt(lm) * np.einsum("a,aij->ij", vec, ls))
    dec = spin_decomposition(n)
    U = dec.U
    blocks: dict[float, list[np.ndarray]] = {}
    for x in [ham, *jumps]:
        y = U.T @ x @ U
        expected = np.zeros_like(y)
        for j, d_j, start in dec.sectors:
            s2 = round(2 * j) + 1
            a = y[start:start + s2, start:start + s2]
            blocks.setdefault(j, []).append(a)
            sl = slice(start, start + d_j * s2)
            expected[sl, sl] = np.kron(np.eye(d_j), a)
        if np.max(np.abs(y - expected)) > 1e-9 * max(1.0, float(np.abs(x).max())):
            raise SymthermoError(f"{model.name}: the generator is not collective (not "
                                 "1 (x) A_j in the spin decomposition); the fast projection "
                                 "does not apply")
    tau: dict[float, np.ndarray] = {}
    for j, _, _ in dec.sectors:
        for j2, _, _ in dec.sectors:
            h1, h2 = blocks[j][0], blocks[j2][0]
            k1, k2 = blocks[j][1:], blocks[j2][1:]
            d1, d2 = h1.shape[0], h2.shape[0]
            e1, e2 = np.eye(d1), np.eye(d2)
            # column stacking: vec(A X B) = (B^T (x) A) vec(X)
            L = -1j * (np.kron(e2, h1) - np.kron(h2.T, e1))
            for a, b in zip(k1, k2, strict=True):
                L += np.kron(b.conj(), a)
                L -= 0.5 * np.kron(e2, a.conj().T @ a) + 0.5 * np.kron((b.conj().T @ b).T, e1)
            P = stationary_projector(L)
            rank = round(np.trace(P).real)
            if (j != j2 and rank != 0) or (j == j2 and rank != 1):
                raise SymthermoError(f"{model.name}: unexpected stationary space of the "
                                     f"(j = {j:g}, j' = {j2:g}) block (dimension {rank})")
            if j == j2:
                t = (P @ np.eye(d1).reshape(-1, order="F")).reshape(d1, d1, order="F")
                t = t / np.trace(t).real  # the stationary spin-j state, unit trace
                if np.max(np.abs(t - np.diag(np.diag(t)))) > 1e-10:
                    raise SymthermoError(f"{model.name}: tau_j not diagonal in m")
                tau[j] = np.diag(t).real.copy()
    return CollectiveSteadyStates(dec, tau)


def haar_random_states(n: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` Haar-random pure states of n qubits: normalised complex Gaussian vectors."""
    psi = rng.standard_normal((count, 2**n)) + 1j * rng.standard_normal((count, 2**n))
    return psi / np.linalg.norm(psi, axis=1, keepdims=True)


def _dagger(x: np.ndarray) -> np.ndarray:
    """Contiguous conjugate transpose of a stack (numpy's stacked matmul is ~3x faster on it)."""
    return np.ascontiguousarray(np.conj(np.swapaxes(x, -1, -2)))


def random_state_measures(css: CollectiveSteadyStates, psi: np.ndarray,
                          frequency: float = 1.0) -> dict:
    """C_l1 (computational basis) and ergotropy (H_0 = omega sum_i sigma^+_i sigma^-_i, omega =
    ``frequency``) of the steady states reached from the pure states ``psi`` (count, 2^n),
    without forming the 2^n x 2^n matrices.

    With Phi_j the (d_j, 2j+1) coordinates of |psi> in sector j, the steady state is
    sum_j sum_m t_jm W_jm C_j W_jm^T, C_j = Phi_j Phi_j^dag, W_jm the columns |j, ., m>:
    its eigenvalues are eig(C_j) t_jm, its energy sum_j Tr C_j sum_m t_jm omega (m + n/2),
    and its block of excitation number k is X_k X_k^dag with X_k = [sqrt(t_jm) W_jm Phi_j]_j.
    """
    dec = css.decomposition
    n = dec.n
    phi = psi @ dec.U  # coordinates |j, alpha, m> (U is real orthogonal)
    weight = np.array([bin(i).count("1") for i in range(2**n)])
    count = psi.shape[0]
    eigs, energies = [], []
    energy = np.zeros(count)
    columns: dict[int, list[np.ndarray]] = {}
    for j, d_j, start in dec.sectors:
        s2 = round(2 * j) + 1
        Phi = phi[:, start:start + d_j * s2].reshape(count, d_j, s2)
        C = Phi @ _dagger(Phi)  # Tr over spin: (count, d_j, d_j)
        c_eig = np.clip(np.linalg.eigvalsh(C), 0.0, None)
        t = css.tau[j]
        ms = np.arange(s2) - j
        eigs.append((c_eig[:, :, None] * t[None, None, :]).reshape(count, -1))
        energies.append(np.broadcast_to(frequency * (ms + n / 2), (d_j, s2)).reshape(-1))
        energy += np.trace(C, axis1=1, axis2=2).real * float(np.sum(t * frequency * (ms + n / 2)))
        for mi, mval in enumerate(ms):
            k = round(mval + n / 2)
            rows = np.flatnonzero(weight == k)
            W = dec.U[np.ix_(rows, start + mi + s2 * np.arange(d_j))]  # (C(n,k), d_j)
            # W @ Phi for the whole stack as one BLAS product: (count, C(n,k), 2j+1)
            g_jm = np.tensordot(Phi, W, axes=([1], [1])).transpose(0, 2, 1)
            columns.setdefault(k, []).append(math.sqrt(max(t[mi], 0.0)) * g_jm)
    coherence = np.zeros(count)
    for cols in columns.values():
        X = np.concatenate(cols, axis=2)
        a = np.abs(X @ _dagger(X))
        coherence += a.sum(axis=(1, 2)) - np.trace(a, axis1=1, axis2=2)
    lam = np.sort(np.concatenate(eigs, axis=1), axis=1)[:, ::-1]
    e = np.sort(np.concatenate(energies))
    erg = np.maximum(energy - lam @ e, 0.0)
    return {"coherence": coherence, "ergotropy": erg}
