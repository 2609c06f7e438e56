"""Two-qubit correlations (concurrence, discord) and entropy along trajectories, against closed
forms (Bell, Werner, Bell-diagonal, X states) and an independent brute-force optimisation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from symthermo.numeric.errors import InvalidDensityMatrixError, NumericDomainError
from symthermo.numeric.measures import (
    concurrence,
    entropy_balance,
    entropy_flux,
    entropy_rate,
    quantum_discord,
    quantum_discord_x_state,
    von_neumann_entropy,
)

LN2 = np.log(2.0)
K00, K01, K10, K11 = np.eye(4)
BELLS = {
    "phi+": (K00 + K11) / np.sqrt(2), "phi-": (K00 - K11) / np.sqrt(2),
    "psi+": (K01 + K10) / np.sqrt(2), "psi-": (K01 - K10) / np.sqrt(2),
}
PAULI = [np.array([[0, 1], [1, 0]]), np.array([[0, 1j], [-1j, 0]]), np.diag([-1.0, 1.0])]


def proj(v):
    return np.outer(v, np.conj(v))


def random_state(rng, rank=4):
    g = rng.normal(size=(4, rank)) + 1j * rng.normal(size=(4, rank))
    r = g @ g.conj().T
    return r / np.trace(r)


def wootters_eigen(rho):
    """Wootters's recipe literally: sqrt of the eigenvalues of rho rho~, decreasing."""
    yy = np.kron(PAULI[1], PAULI[1])
    lam = np.linalg.eigvals(rho @ yy @ rho.conj() @ yy)
    s = np.sort(np.sqrt(np.clip(lam.real, 0, None)))[::-1]
    return max(0.0, s[0] - s[1] - s[2] - s[3])


def entropy(r):
    lam = np.clip(np.linalg.eigvalsh(r), 0, None)
    lam = lam[lam > 1e-15]
    return float(-np.sum(lam * np.log(lam)))


def brute_force_discord(rho, starts=6, seed=1):
    """D^<- by a scipy minimisation over kets |u> of qubit b (Pi = |u><u|, 1 - |u><u|),
    with explicit post-measurement matrices (no Bloch algebra)."""
    r4 = rho.reshape(2, 2, 2, 2)
    rho_b = np.einsum("ajak->jk", r4)
    rho_a = np.einsum("ajbj->ab", r4)

    def cond(x):
        th, ph = x
        u = np.array([np.cos(th / 2), np.exp(1j * ph) * np.sin(th / 2)])
        total = 0.0
        for P in (proj(u), np.eye(2) - proj(u)):
            M = np.kron(np.eye(2), P) @ rho @ np.kron(np.eye(2), P)
            p = np.trace(M).real
            if p > 1e-14:
                total += p * entropy(np.einsum("ajbj->ab", M.reshape(2, 2, 2, 2)) / p)
        return total

    rng = np.random.default_rng(seed)
    best = min(
        minimize(cond, x0, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14}).fun
        for x0 in rng.uniform([0, 0], [np.pi, 2 * np.pi], size=(starts, 2))
    )
    mutual = entropy(rho_a) + entropy(rho_b) - entropy(rho)
    classical = entropy(rho_a) - best
    return mutual - classical


def bell_diagonal(c):
    return (np.eye(4) + sum(ci * np.kron(p, p) for ci, p in zip(c, PAULI, strict=True))) / 4


def luo_discord(c):
    """Luo, PRA 77, 042303 (2008): Bell-diagonal states, nats."""
    c1, c2, c3 = c
    lam = np.array([1 - c1 - c2 - c3, 1 - c1 + c2 + c3, 1 + c1 - c2 + c3, 1 + c1 + c2 - c3]) / 4
    lam = lam[lam > 1e-15]
    mutual = 2 * LN2 + float(np.sum(lam * np.log(lam)))
    m = max(abs(c1), abs(c2), abs(c3))
    classical = sum(x * np.log(2 * x) for x in ((1 - m) / 2, (1 + m) / 2) if x > 0)
    return mutual - classical


# --- concurrence -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BELLS))
def test_bell_states_are_maximally_entangled(name):
    rho = proj(BELLS[name])
    assert concurrence(rho) == pytest.approx(1.0, abs=1e-7)
    assert quantum_discord(rho) == pytest.approx(LN2, abs=1e-9)


@pytest.mark.parametrize("p", [0.0, 0.2, 1 / 3, 0.5, 0.8, 1.0])
def test_werner_concurrence(p):
    rho = p * proj(BELLS["psi-"]) + (1 - p) * np.eye(4) / 4
    assert concurrence(rho) == pytest.approx(max(0.0, (3 * p - 1) / 2), abs=1e-7)


def test_concurrence_of_pure_states_and_wootters_recipe():
    rng = np.random.default_rng(3)
    for _ in range(20):
        v = rng.normal(size=4) + 1j * rng.normal(size=4)
        v /= np.linalg.norm(v)
        # pure state a|00> + b|01> + c|10> + d|11>: C = 2|ad - bc|
        assert concurrence(proj(v)) == pytest.approx(2 * abs(v[0] * v[3] - v[1] * v[2]), abs=1e-7)
    states = np.array([random_state(rng, rank) for rank in (2, 3, 4) for _ in range(10)])
    ours = concurrence(states)
    assert ours.shape == (30,)
    assert np.allclose(ours, [wootters_eigen(r) for r in states], atol=1e-7)
    assert concurrence(np.kron(np.diag([0.3, 0.7]), np.diag([0.9, 0.1]))) == pytest.approx(0)


def test_correlations_reject_bad_input():
    with pytest.raises(NumericDomainError, match="two-qubit"):
        concurrence(np.eye(2) / 2)
    with pytest.raises(InvalidDensityMatrixError):
        quantum_discord(np.eye(4))
    with pytest.raises(NumericDomainError, match="measured"):
        quantum_discord(np.eye(4) / 4, measured=2)
    with pytest.raises(NumericDomainError, match="not an X state"):
        quantum_discord_x_state(proj(np.ones(4) / 2))


# --- discord ---------------------------------------------------------------------------------


def test_discord_of_bell_diagonal_states_matches_luo():
    rng = np.random.default_rng(5)
    cs = []
    while len(cs) < 15:
        c = rng.uniform(-1, 1, 3)
        if np.linalg.eigvalsh(bell_diagonal(c))[0] >= 0:
            cs.append(c)
    rhos = np.array([bell_diagonal(c) for c in cs])
    expected = [luo_discord(c) for c in cs]
    assert np.allclose(quantum_discord(rhos), expected, atol=1e-9)
    assert np.allclose(quantum_discord_x_state(rhos), expected, atol=1e-9)


def test_discord_zero_for_classical_correlations_and_product_states():
    rng = np.random.default_rng(7)
    ra, rb = random_state(rng)[:2, :2], np.diag([0.4, 0.6])
    ra = ra / np.trace(ra)
    assert quantum_discord(np.kron(ra, rb)) == pytest.approx(0, abs=1e-9)
    # quantum-classical with the measured qubit b classical: sum_j p_j rho_j (x) |j><j|
    r1, r2 = random_state(rng)[:2, :2], random_state(rng)[2:, 2:]
    qc = 0.3 * np.kron(r1 / np.trace(r1), np.diag([1.0, 0])) + 0.7 * np.kron(
        r2 / np.trace(r2), np.diag([0, 1.0]))
    assert quantum_discord(qc) == pytest.approx(0, abs=1e-9)
    assert quantum_discord(qc, measured=0) > 1e-3  # but not when a is measured


def test_discord_matches_brute_force_on_random_states():
    rng = np.random.default_rng(11)
    states = np.array([random_state(rng, rank) for rank in (1, 2, 4) for _ in range(4)])
    ours = quantum_discord(states)
    brute = np.array([brute_force_discord(r) for r in states])
    assert np.allclose(ours, brute, atol=1e-8)
    # pure states: discord = entanglement entropy
    pure = states[:4]
    assert np.allclose(ours[:4], [entropy(np.einsum("ajbj->ab", r.reshape(2, 2, 2, 2)))
                                  for r in pure], atol=1e-9)
    # measuring a: swap the qubits and measure b
    swap = np.eye(4)[[0, 2, 1, 3]]
    assert np.allclose(quantum_discord(states, measured=0),
                       quantum_discord(swap @ states @ swap), atol=1e-12)


def test_x_state_closed_form_against_the_optimisation():
    rng = np.random.default_rng(13)
    rhos = []
    while len(rhos) < 60:
        p = rng.dirichlet(np.ones(4))
        z1 = rng.uniform(0, np.sqrt(p[0] * p[3])) * np.exp(1j * rng.uniform(0, 2 * np.pi))
        z2 = rng.uniform(0, np.sqrt(p[1] * p[2])) * np.exp(1j * rng.uniform(0, 2 * np.pi))
        r = np.diag(p).astype(complex)
        r[0, 3], r[3, 0], r[1, 2], r[2, 1] = z1, np.conj(z1), z2, np.conj(z2)
        rhos.append(r)
    rhos = np.array(rhos)
    closed = quantum_discord_x_state(rhos)
    opt = quantum_discord(rhos)
    assert np.all(opt <= closed + 1e-9)  # the closed form minimises over fewer measurements
    assert np.mean(np.abs(opt - closed) < 1e-8) > 0.9
    for r, o in list(zip(rhos, opt, strict=True))[:5]:
        assert brute_force_discord(r) == pytest.approx(o, abs=1e-8)


def test_werner_discord_closed_form():
    for p in (0.1, 0.5, 0.9):
        rho = p * proj(BELLS["psi-"]) + (1 - p) * np.eye(4) / 4
        # Ollivier-Zurek (PRL 88, 017901): Werner discord in nats
        d = ((1 - p) / 4 * np.log(1 - p) - (1 + p) / 2 * np.log(1 + p)
             + (1 + 3 * p) / 4 * np.log(1 + 3 * p))
        assert quantum_discord(rho) == pytest.approx(d, abs=1e-9)


# --- entropy along a trajectory ----------------------------------------------------------------


def test_entropy_rate_matches_finite_differences():
    rng = np.random.default_rng(17)
    r0 = random_state(rng)
    h = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    drho = (h + h.conj().T) - np.trace(h + h.conj().T) / 4 * np.eye(4)  # traceless
    eps = 1e-6
    fd = (von_neumann_entropy(r0 + eps * drho) - von_neumann_entropy(r0 - eps * drho)) / (2 * eps)
    assert entropy_rate(r0, drho) == pytest.approx(fd, rel=1e-6)
    # pure state with inflow into an empty level: +inf
    pure = np.diag([1.0, 0, 0, 0]).astype(complex)
    assert entropy_rate(pure, np.diag([-1.0, 1.0, 0, 0])) == np.inf
    assert entropy_rate(pure, np.zeros((4, 4))) == 0.0


def test_entropy_balance_bookkeeping():
    t = np.linspace(0, 1, 5)
    states = np.array([np.diag([1 - x, x]) for x in np.linspace(0.1, 0.5, 5)], dtype=complex)
    heat = np.stack([np.linspace(0, 0.2, 5), np.linspace(0, -0.1, 5)], axis=-1)
    betas = np.array([1.0, 3.0])
    eb = entropy_balance(t, states, heat, betas)
    s = np.array([entropy(r) for r in states])
    assert np.allclose(eb.entropy, s)
    assert np.allclose(eb.flux, heat @ betas)
    assert np.allclose(eb.production, s - s[0] - heat @ betas)
    assert np.allclose(eb.production_rate, np.diff(eb.production) / 0.25)
    assert entropy_flux([0.2, -0.1], betas) == pytest.approx(0.2 - 0.3)
    with pytest.raises(NumericDomainError, match="heat\\[0\\]"):
        entropy_balance(t, states, heat + 1, betas)
    with pytest.raises(NumericDomainError, match="increasing"):
        entropy_balance(t[::-1], states, heat, betas)
