"""Measures: coherence, entropy, ergotropy (incl. eigenvalue-ordering crossings), temperatures,
entropy production, operating regimes, and rejection of invalid density matrices."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symthermo.numeric.errors import InvalidDensityMatrixError, NumericDomainError
from symthermo.numeric.measures import (
    OperatingRegime,
    check_density_matrix,
    effective_temperature,
    energy_basis,
    entropy_production_rate,
    ergotropy,
    ergotropy_split,
    l1_coherence,
    operating_regime,
    operating_regimes,
    relative_entropy_of_coherence,
    von_neumann_entropy,
)

from ._helpers import SM, SP, SX, SZ, random_density, random_hermitian, site, thermal_qubit

PLUS = np.full((2, 2), 0.5, dtype=complex)  # |+><+|


def test_coherence_of_plus_state():
    assert l1_coherence(PLUS) == pytest.approx(1.0)
    assert relative_entropy_of_coherence(PLUS) == pytest.approx(np.log(2))
    # in the eigenbasis of sigma_x, |+> is incoherent
    assert l1_coherence(PLUS, basis=energy_basis(SX)) == pytest.approx(0.0, abs=1e-14)
    assert relative_entropy_of_coherence(PLUS, basis=energy_basis(SX)) == pytest.approx(
        0.0, abs=1e-12
    )
    assert l1_coherence(thermal_qubit(1.0, 0.3)) == 0.0


def test_l1_coherence_maximally_coherent_state():
    d = 4
    psi = np.ones(d) / np.sqrt(d)
    assert l1_coherence(np.outer(psi, psi)) == pytest.approx(d - 1)
    assert relative_entropy_of_coherence(np.outer(psi, psi)) == pytest.approx(np.log(d))


def test_von_neumann_entropy():
    assert von_neumann_entropy(np.eye(3) / 3) == pytest.approx(np.log(3))
    assert von_neumann_entropy(PLUS) == pytest.approx(0.0, abs=1e-12)
    p = 0.2
    rho = np.diag([p, 1 - p])
    assert von_neumann_entropy(rho) == pytest.approx(-p * np.log(p) - (1 - p) * np.log(1 - p))
    batch = np.stack([np.eye(2) / 2, PLUS])
    assert np.allclose(von_neumann_entropy(batch), [np.log(2), 0.0])


def test_ergotropy_known_states():
    omega = 1.7
    H = omega / 2 * SZ
    assert ergotropy(thermal_qubit(omega, 0.4), H) == pytest.approx(0.0, abs=1e-15)
    excited = np.diag([0.0, 1.0])
    assert ergotropy(excited, H) == pytest.approx(omega)
    assert ergotropy(PLUS, H) == pytest.approx(omega / 2)
    # population inversion at negative temperature: W = omega (p1 - p0)
    inverted = np.diag([0.3, 0.7])
    assert ergotropy(inverted, H) == pytest.approx(omega * 0.4)
    # degenerate H: any state of a degenerate subspace is passive within it
    Hdeg = np.diag([0.0, 1.0, 1.0])
    rho = np.diag([0.5, 0.0, 0.5])
    assert ergotropy(rho, Hdeg) == pytest.approx(0.0, abs=1e-15)
    assert ergotropy(np.diag([0.2, 0.0, 0.8]), Hdeg) == pytest.approx(0.6)


def _collective_state(c, beta, omega=1.0):
    """collective-ergotropy Eq. (8)."""
    psi_m = np.array([0, 1, -1, 0]) / np.sqrt(2)
    psi_p = np.array([0, 1, 1, 0]) / np.sqrt(2)
    e00, e11 = np.eye(4)[0], np.eye(4)[3]
    z_plus = 1 + np.exp(-omega * beta) + np.exp(-2 * omega * beta)
    return (1 - c) * np.outer(psi_m, psi_m) + c / z_plus * (
        np.exp(-2 * omega * beta) * np.outer(e11, e11)
        + np.exp(-omega * beta) * np.outer(psi_p, psi_p)
        + np.outer(e00, e00)
    )


def _passive_energy_brute_force(rho, H):
    r = np.linalg.eigvalsh(rho)
    e = np.linalg.eigvalsh(H)
    return min(sum(r[p] * ek for p, ek in zip(perm, e, strict=True))
               for perm in itertools.permutations(range(len(r))))


@pytest.mark.parametrize("beta", [0.01, 1.0, 10.0])
@pytest.mark.parametrize("c", [0.1, 0.3, 0.45, 0.55, 0.7, 0.8, 0.95, 1.0])
def test_ergotropy_through_eigenvalue_crossings(beta, c):
    """collective-ergotropy Eqs. (10)-(13): rho's eigenvalue order changes with c; sorting them
    is what makes w_erg right on both sides of the crossings."""
    omega = 1.0
    H0 = omega * (site(SP @ SM, 0, 2) + site(SP @ SM, 1, 2))
    rho = _collective_state(c, beta, omega)
    w_erg = ergotropy(rho, H0)
    brute = np.trace(rho @ H0).real - _passive_energy_brute_force(rho, H0)
    assert w_erg == pytest.approx(brute, abs=1e-14)
    ch, sh = np.cosh(beta * omega), np.sinh(beta * omega)
    if c < 0.5:  # Eq. (11), first branch
        assert w_erg == pytest.approx(omega * (1 - c * (1 + 3 * ch + sh) / (1 + 2 * ch)), abs=1e-13)
    if c == 1.0:
        # Eq. (11) prints omega / (1 + e^{-omega beta} + e^{-2 omega beta}), which tends to omega
        # as beta -> oo although the state tends to |00> (w_erg -> 0, Eq. (12)); the exponents'
        # sign is slipped. Correct: omega e^{-2 beta omega} / Z_+.
        expected = omega / (1 + np.exp(beta * omega) + np.exp(2 * beta * omega))
        assert w_erg == pytest.approx(expected, rel=1e-12)
    if beta == 10.0:  # Eq. (12), low-temperature limit
        assert w_erg == pytest.approx(omega * max(1 - 2 * c, 0.0), abs=1e-4)
    # high temperature: w_erg / omega = C_l1 (Sec. IV A)
    if beta == 0.01:
        assert w_erg == pytest.approx(abs(4 * c / 3 - 1), abs=0.01)
        assert l1_coherence(rho) == pytest.approx(abs(4 * c / 3 - 1), abs=0.01)


def test_ergotropy_split():
    omega = 1.0
    H = omega / 2 * SZ
    inc, coh = ergotropy_split(PLUS, H)
    assert inc == pytest.approx(0.0, abs=1e-15) and coh == pytest.approx(omega / 2)
    inc, coh = ergotropy_split(np.diag([0.3, 0.7]), H)
    assert inc == pytest.approx(0.4) and coh == pytest.approx(0.0, abs=1e-15)
    # collective state (Eq. (8)), dephased in the product basis: without population inversion
    # (p_00 > p_01 = p_10 > p_11, here c = 1 and beta omega = 1 > ln 2) W is all coherent
    H0 = site(SP @ SM, 0, 2) + site(SP @ SM, 1, 2)
    rho = _collective_state(1.0, 1.0)
    p = np.diag(rho).real
    assert p[0] > p[1] and p[2] > p[3] and abs(p[1] - p[2]) < 1e-15
    inc, coh = ergotropy_split(rho, H0, basis=np.eye(4))
    assert inc == pytest.approx(0.0, abs=1e-14)
    assert coh == pytest.approx(ergotropy(rho, H0)) and coh > 0.05
    # ... but for small c the single-excitation populations exceed p_00 (inversion), so part of
    # W is incoherent even though Sec. IV A says the populations of Eq. (8) are not inverted
    rho = _collective_state(0.3, 1.0)
    p = np.diag(rho).real
    assert p[1] > p[0]
    inc, coh = ergotropy_split(rho, H0, basis=np.eye(4))
    assert inc == pytest.approx(ergotropy(np.diag(p), H0)) and inc > 0.1
    assert inc + coh == pytest.approx(ergotropy(rho, H0))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(2, 4), rank=st.integers(1, 4))
def test_ergotropy_properties(seed, d, rank):
    rng = np.random.default_rng(seed)
    rho = random_density(d, rng, rank=min(rank, d))
    H = random_hermitian(d, rng)
    w_erg = ergotropy(rho, H)
    assert w_erg >= 0
    brute = np.trace(rho @ H).real - _passive_energy_brute_force(rho, H)
    assert w_erg == pytest.approx(brute, abs=1e-12)
    inc, coh = ergotropy_split(rho, H)
    assert inc >= 0 and coh >= 0
    assert inc + coh == pytest.approx(w_erg, abs=1e-12)
    # unitarily invariant spectrum: w_erg of the passive state is zero
    _, v = np.linalg.eigh(H)
    passive = (v * np.sort(np.linalg.eigvalsh(rho))[::-1]) @ v.conj().T
    assert ergotropy(passive, H) == pytest.approx(0.0, abs=1e-12)


def test_measures_are_batched():
    rng = np.random.default_rng(1)
    rhos = np.stack([random_density(3, rng) for _ in range(5)])
    H = random_hermitian(3, rng)
    for f in (lambda r: ergotropy(r, H), l1_coherence, relative_entropy_of_coherence,
              von_neumann_entropy):
        out = f(rhos)
        assert out.shape == (5,)
        assert np.allclose(out, [f(r) for r in rhos])
    inc, _ = ergotropy_split(rhos, H)
    assert np.allclose(inc, [ergotropy_split(r, H)[0] for r in rhos])


def test_effective_temperature():
    omega, beta = 1.3, 0.8
    assert effective_temperature(thermal_qubit(omega, beta), omega) == pytest.approx(1 / beta)
    assert effective_temperature(np.eye(2) / 2, omega) == np.inf
    ground = effective_temperature(np.diag([1.0, 0.0]), omega)
    assert ground == 0.0 and not np.signbit(ground)
    top = effective_temperature(np.diag([0.0, 1.0]), omega)
    assert top == 0.0 and np.signbit(top)
    inverted = effective_temperature(np.diag([0.25, 0.75]), omega)
    assert inverted == pytest.approx(omega / np.log(1 / 3)) and inverted < 0
    batch = effective_temperature(np.stack([thermal_qubit(omega, b) for b in (0.5, 2.0)]), omega)
    assert np.allclose(batch, [2.0, 0.5])
    with pytest.raises(NumericDomainError, match="qubit"):
        effective_temperature(np.eye(3) / 3, omega)


def test_entropy_production_rate():
    assert entropy_production_rate([0.3, -0.2], [0.5, 2.0]) == pytest.approx(-0.15 + 0.4)
    q = np.array([[0.3, -0.2], [0.1, -0.1]])
    assert np.allclose(entropy_production_rate(q, [0.5, 2.0]), [0.25, 0.15])


@pytest.mark.parametrize(
    "W,Qh,Qc,name",
    [
        (-0.1, 0.5, -0.4, "engine"),
        (0.1, -0.3, 0.2, "refrigerator"),
        (0.2, 0.1, -0.3, "accelerator"),
        (0.2, -0.1, -0.1, "heater"),
        (-0.1, -0.1, 0.2, "none"),
        (0.0, 0.0, 0.0, "none"),
    ],
)
def test_operating_regimes(W, Qh, Qc, name):
    reg = operating_regime(W, Qh, Qc)
    assert isinstance(reg, OperatingRegime) and reg.name == name
    if name == "engine":
        assert reg.efficiency == pytest.approx(-W / Qh)
        assert reg.coefficient_of_performance is None
    elif name == "refrigerator":
        assert reg.coefficient_of_performance == pytest.approx(Qc / W)
        assert reg.efficiency is None
    else:
        assert reg.efficiency is None and reg.coefficient_of_performance is None


def test_operating_regimes_vectorised():
    W = np.array([-0.1, 0.1, 0.2, 0.2])
    Qh = np.array([0.5, -0.3, 0.1, -0.1])
    Qc = np.array([-0.4, 0.2, -0.3, -0.1])
    names, eta, cop = operating_regimes(W, Qh, Qc)
    assert names.tolist() == ["engine", "refrigerator", "accelerator", "heater"]
    assert eta[0] == pytest.approx(0.2) and np.isnan(eta[1:]).all()
    assert cop[1] == pytest.approx(2.0) and np.isnan(cop[[0, 2, 3]]).all()


@pytest.mark.parametrize(
    "rho,condition",
    [
        (np.array([[0.5, 0.1], [0.0, 0.5]]), "hermitian"),
        (np.eye(2), "unit trace"),
        (np.diag([1.2, -0.2]), "positive semidefinite"),
        (np.ones((2, 3)), "square"),
    ],
)
def test_invalid_density_matrices_are_rejected(rho, condition):
    with pytest.raises(InvalidDensityMatrixError, match=f"(?i){condition}") as info:
        check_density_matrix(rho)
    assert info.value.condition == condition
    assert isinstance(info.value, NumericDomainError) and isinstance(info.value, ValueError)
    for f in (von_neumann_entropy, l1_coherence, relative_entropy_of_coherence,
              lambda r: ergotropy(r, np.eye(r.shape[-1]))):
        with pytest.raises(InvalidDensityMatrixError):
            f(rho)


def test_tolerance_is_respected():
    slightly_off = np.diag([0.5 + 1e-10, 0.5])
    check_density_matrix(slightly_off)
    with pytest.raises(InvalidDensityMatrixError):
        check_density_matrix(slightly_off, atol=1e-12)
