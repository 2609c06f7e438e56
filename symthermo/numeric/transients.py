"""Transient energetics: heat, work and entropy along a trajectory from a given initial state.

Two routes, for the same :class:`~symthermo.numeric.collision.CollisionRound`:

* :func:`collision_transient` -- the exact finite-tau collision model: rho_{n+1} = Phi rho_n
  (:func:`~symthermo.numeric.collision.collision_map`), with the per-round heat Q_k and work W of
  :func:`~symthermo.numeric.collision.collision_energetics` (memoryless-ness Eqs. (20), (21))
  at every rho_n. Times t_n = n T (T the time per round).
* :func:`lindblad_transient` -- the tau -> 0 master equation d rho/dt = L rho
  (:func:`~symthermo.numeric.collision.lindblad_limit_generator`) with the instantaneous currents
  of :func:`~symthermo.numeric.collision.lindblad_limit_currents` (Eqs. (22), (23)).

Both currents are linear in rho_S, so each is computed once on a Hermitian operator basis and
then applied to the whole trajectory (an exact rewriting, not an approximation). The running
integrals of the tau -> 0 route are exact as well: the currents a_m . vec(rho(t)) are integrated
by the exponential of the augmented generator [[L, 0], [a, 0]] (Van Loan), so the first law
E_S(t) - E_S(0) = W(t) + sum_k Q_k(t) holds to rounding along the whole path on both routes.

Conventions: Qdot_k > 0 is heat flowing from bath k INTO the system, Wdot > 0 is work done ON
the system; energies use the round's system Hamiltonian (``rnd.system_hamiltonian``);
entropies in nats. Entropy (given the baths' inverse temperatures ``betas``): S(t) of rho(t), the
entropy flux Phi(t) = sum_k beta_k Q_k(t) INTO the system and the entropy production
Sigma(t) = S(t) - S(0) - Phi(t) (:func:`~symthermo.numeric.measures.entropy_balance`); the
tau -> 0 route also gives the instantaneous rate sigma(t) = dS/dt - sum_k beta_k Qdot_k(t)
(memoryless-ness Eq. (18) with the heat counted into the system).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .collision import (
    CollisionRound,
    collision_energetics,
    collision_map,
    lindblad_limit_currents,
    lindblad_limit_generator,
)
from .errors import NumericDomainError
from .measures import (
    EntropyBalance,
    check_density_matrix,
    entropy_balance,
    entropy_flux,
    entropy_rate,
)

__all__ = ["Transient", "collision_transient", "lindblad_transient", "matrix_exponential"]


@dataclass(frozen=True)
class Transient:
    """Energetics along a trajectory sampled at times t_0 = 0 < t_1 < ... < t_n.

    states (n+1, d, d); system_energy (n+1,) = Tr[H_S rho(t_i)];
    heat (n+1, K), work (n+1,): running integrals Q_k(t_i), W(t_i) (zero at t_0);
    heat_currents (m, K), power (m,), current_times (m,): the currents -- for the finite-tau
    route the per-round averages Q_k/T, W/T of each round [t_i, t_{i+1}] (m = n, dated at
    the round's start t_i), for the tau -> 0 route the instantaneous values at every t_i
    (m = n + 1);
    entropy: the :class:`~symthermo.numeric.measures.EntropyBalance` (None without betas);
    entropy_production_rate (m,): per round (finite tau) or instantaneous sigma(t_i) (tau -> 0;
    +inf where dS/dt diverges, e.g. at t = 0 from a pure state); None without betas.
    """

    times: np.ndarray
    states: np.ndarray
    system_energy: np.ndarray
    heat: np.ndarray
    work: np.ndarray
    current_times: np.ndarray
    heat_currents: np.ndarray
    power: np.ndarray
    entropy: EntropyBalance | None
    entropy_production_rate: np.ndarray | None
    bath_names: tuple[str, ...] = ()

    @property
    def first_law_residual(self) -> float:
        """max_i |E_S(t_i) - E_S(0) - W(t_i) - sum_k Q_k(t_i)| (zero up to rounding)."""
        de = self.system_energy - self.system_energy[0]
        return float(np.max(np.abs(de - self.work - self.heat.sum(axis=-1))))


def _hermitian_basis(d: int) -> np.ndarray:
    """Orthonormal Hermitian basis G_m of d x d matrices (Tr G_m G_n = delta_mn), (d^2, d, d)."""
    out = []
    for i in range(d):
        for j in range(d):
            g = np.zeros((d, d), dtype=complex)
            if i == j:
                g[i, i] = 1.0
            elif i < j:
                g[i, j] = g[j, i] = 1 / np.sqrt(2)
            else:
                g[i, j], g[j, i] = 1j / np.sqrt(2), -1j / np.sqrt(2)
            out.append(g)
    return np.array(out)


def _linear_functionals(f, d: int) -> np.ndarray:
    """Rows a with f(rho) = a . coords(rho), coords_m = Tr[G_m rho] (real for Hermitian rho),
    for a real-valued f that is linear on Hermitian matrices; (k, d^2) for f -> (k,) values."""
    return np.array([np.atleast_1d(f(g)) for g in _hermitian_basis(d)]).T


def _coordinates(states: np.ndarray) -> np.ndarray:
    d = states.shape[-1]
    return np.einsum("mij,...ji->...m", _hermitian_basis(d), states).real


def matrix_exponential(a: ArrayLike) -> np.ndarray:
    """exp(a) of a square matrix or a stack (..., n, n) of small dense matrices.

    Scaling and squaring: a / 2^s has 1-norm <= 1/2 (one s for the whole stack, from the
    largest norm), its exponential is the degree-18 Taylor polynomial (truncation < 1e-22
    relative), then s squarings. Works for defective matrices (no eigendecomposition), e.g.
    propagators exp(L t) of Liouvillians at exceptional points.
    """
    a = np.asarray(a, dtype=complex)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise NumericDomainError(f"matrix_exponential needs (..., n, n), got {a.shape}")
    norm = float(np.max(np.sum(np.abs(a), axis=-2), initial=0.0))
    s = max(0, int(np.ceil(np.log2(norm / 0.5))) if norm > 0.5 else 0)
    x = a / 2.0**s
    eye = np.broadcast_to(np.eye(a.shape[-1], dtype=complex), a.shape)
    out = eye.copy()
    term = eye.copy()
    for k in range(1, 19):
        term = term @ x / k
        out = out + term
    for _ in range(s):
        out = out @ out
    return out


def _initial(rnd: CollisionRound, rho0: ArrayLike) -> np.ndarray:
    r = check_density_matrix(rho0)
    if r.shape != (rnd.system_dim, rnd.system_dim):
        raise NumericDomainError(
            f"initial state must be {rnd.system_dim}x{rnd.system_dim}, got {r.shape}")
    return r


def _betas(rnd: CollisionRound, betas: ArrayLike | None) -> np.ndarray | None:
    if betas is None:
        return None
    b = np.atleast_1d(np.asarray(betas, dtype=float))
    if b.shape != (len(rnd.baths),):
        raise NumericDomainError(
            f"betas needs one inverse temperature per bath ({len(rnd.baths)}), got {b.shape}")
    return b


def collision_transient(
    rnd: CollisionRound, rho0: ArrayLike, rounds: int, betas: ArrayLike | None = None,
    time_per_round: float | None = None,
) -> Transient:
    """The exact finite-tau trajectory rho_n = Phi^n rho_0, n = 0..rounds, and its energetics.

    Heat and work of round n are those of :func:`collision_energetics` at rho_n (exact in tau);
    running integrals are their cumulative sums, currents the per-round values over the time
    per round T (default tau x slots). ``betas``: one inverse temperature per bath of the round
    (for the entropy balance; Sigma of each round = Delta S - sum_k beta_k Q_k, Eq. (21) ff.).
    """
    if int(rounds) < 1:
        raise NumericDomainError(f"rounds must be a positive integer, got {rounds}")
    n = int(rounds)
    r0 = _initial(rnd, rho0)
    b = _betas(rnd, betas)
    T = rnd.time_per_round(time_per_round)
    d = rnd.system_dim
    Phi = collision_map(rnd)
    vecs = np.empty((n + 1, d * d), dtype=complex)
    vecs[0] = r0.reshape(-1, order="F")
    for i in range(n):
        vecs[i + 1] = Phi @ vecs[i]
    states = vecs.reshape(n + 1, d, d).transpose(0, 2, 1)  # column stacking -> matrices
    states = (states + states.conj().transpose(0, 2, 1)) / 2

    def per_round(g: np.ndarray) -> np.ndarray:
        e = collision_energetics(rnd, g, time_per_round)
        return np.concatenate([e.heat, [e.work]])

    funcs = _linear_functionals(per_round, d)  # (K + 1, d^2)
    values = _coordinates(states[:-1]) @ funcs.T  # (n, K + 1)
    heat_round, work_round = values[:, :-1], values[:, -1]
    heat = np.vstack([np.zeros(len(rnd.baths)), np.cumsum(heat_round, axis=0)])
    work = np.concatenate([[0.0], np.cumsum(work_round)])
    times = T * np.arange(n + 1)
    energy = np.einsum("ij,nji->n", rnd.system_hamiltonian, states).real
    balance = sigma = None
    if b is not None:
        balance = entropy_balance(times, states, heat, b)
        sigma = balance.production_rate
    return Transient(times, states, energy, heat, work, times[:-1], heat_round / T,
                     work_round / T, balance, sigma, tuple(x.name for x in rnd.baths))


def lindblad_transient(
    rnd: CollisionRound, rho0: ArrayLike, times: ArrayLike, betas: ArrayLike | None = None,
    time_per_round: float | None = None,
) -> Transient:
    """The tau -> 0 trajectory rho(t) = exp(L t) rho_0 at ``times`` (starting at 0, increasing)
    with the instantaneous currents (Eqs. (22), (23)) and their exact running integrals.

    L and the currents use the round's time normalisation (:func:`lindblad_limit_generator`,
    :func:`lindblad_limit_currents`); only tau / T enters, not tau itself.
    """
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size < 2 or t[0] != 0 or np.any(np.diff(t) <= 0):
        raise NumericDomainError("times must be increasing, start at 0 and have >= 2 points")
    r0 = _initial(rnd, rho0)
    b = _betas(rnd, betas)
    d = rnd.system_dim
    K = len(rnd.baths)
    L = lindblad_limit_generator(rnd, time_per_round)

    def currents(g: np.ndarray) -> np.ndarray:
        c = lindblad_limit_currents(rnd, g, time_per_round)
        return np.concatenate([c.heat_currents, [c.power]])

    # currents as functionals of vec(rho) (column stacking): value = A @ vec(rho)
    funcs = _linear_functionals(currents, d)  # on Hermitian coordinates
    basis = _hermitian_basis(d)
    # coords_m = Tr[G_m rho] = sum_ij G_m[j, i] rho[i, j] = (G_m^T).vec_F(rho)
    to_coords = np.array([g.T.reshape(-1, order="F") for g in basis])
    A = funcs @ to_coords  # (K + 1, d^2)
    big = np.zeros((d * d + K + 1, d * d + K + 1), dtype=complex)
    big[: d * d, : d * d] = L
    big[d * d:, : d * d] = A
    x = np.zeros((t.size, d * d + K + 1), dtype=complex)
    x[0, : d * d] = r0.reshape(-1, order="F")
    cache: dict[float, np.ndarray] = {}
    for i, dt in enumerate(np.diff(t)):
        key = round(float(dt), 15)
        if key not in cache:
            cache[key] = matrix_exponential(big * dt)
        x[i + 1] = cache[key] @ x[i]
    states = x[:, : d * d].reshape(t.size, d, d).transpose(0, 2, 1)
    states = (states + states.conj().transpose(0, 2, 1)) / 2
    integrals = x[:, d * d:].real
    heat, work = integrals[:, :K], integrals[:, K]
    inst = _coordinates(states) @ funcs.T
    energy = np.einsum("ij,nji->n", rnd.system_hamiltonian, states).real
    balance = sigma = None
    if b is not None:
        balance = entropy_balance(t, states, heat, b)
        vecs = x[:, : d * d]
        drho = (vecs @ L.T).reshape(t.size, d, d).transpose(0, 2, 1)
        drho = (drho + drho.conj().transpose(0, 2, 1)) / 2
        sigma = np.asarray(entropy_rate(states, drho)) - np.asarray(
            entropy_flux(inst[:, :K], np.broadcast_to(b, (t.size, K))))
    return Transient(t, states, energy, heat, work, t, inst[:, :K], inst[:, K], balance,
                     sigma, tuple(x.name for x in rnd.baths))
