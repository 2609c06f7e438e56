"""Superoperators: vec convention, Lindblad Liouvillian (vs QuTiP), collision dissipator."""

from __future__ import annotations

import numpy as np
import pytest
import qutip
from hypothesis import given, settings
from hypothesis import strategies as st

from symthermo.numeric.errors import (
    NonZeroBathMeanError,
    NotTracePreservingError,
    NumericDomainError,
)
from symthermo.numeric.superop import (
    bath_mean_operator,
    check_trace_preserving,
    collision_dissipator,
    commutator_superop,
    lindblad_liouvillian,
    partial_trace_ancilla,
    spost,
    spre,
    sprepost,
    unvec,
    vec,
)

from ._helpers import (
    I2,
    SM,
    SP,
    SX,
    SY,
    SZ,
    destroy,
    kron,
    random_density,
    random_hermitian,
    random_operator,
    site,
    thermal_oscillator,
    thermal_qubit,
)


def test_pauli_convention():
    assert np.allclose(SX @ SY, 1j * SZ)
    assert np.allclose(SP, (SX + 1j * SY) / 2)
    assert np.allclose(SP @ SM, np.diag([0, 1]))  # sigma_+ sigma_- = |1><1|
    assert np.allclose(SZ, SP @ SM - SM @ SP)


def test_vec_is_column_stacking():
    rho = np.arange(9).reshape(3, 3) + 1j * np.arange(9).reshape(3, 3) ** 2
    v = vec(rho)
    for i in range(3):
        for j in range(3):
            assert v[i + 3 * j] == rho[i, j]
    assert np.array_equal(v, rho.reshape(-1, order="F"))
    assert np.array_equal(unvec(v), rho)
    assert np.array_equal(unvec(v), v.reshape(3, 3, order="F"))
    # same as QuTiP's operator_to_vector
    q = qutip.operator_to_vector(qutip.Qobj(rho)).full().ravel()
    assert np.array_equal(q, v)


def test_vec_batched_roundtrip():
    rng = np.random.default_rng(0)
    rho = rng.normal(size=(2, 5, 3, 3))
    v = vec(rho)
    assert v.shape == (2, 5, 9)
    assert np.array_equal(v[1, 3], vec(rho[1, 3]))
    assert np.array_equal(unvec(v, 3), rho)
    with pytest.raises(NumericDomainError):
        unvec(np.zeros(8))


def test_sprepost_identity_and_qutip():
    rng = np.random.default_rng(1)
    d = 3
    A, B, rho = random_operator(d, rng), random_operator(d, rng), random_operator(d, rng)
    assert np.allclose(sprepost(A, B) @ vec(rho), vec(A @ rho @ B), atol=1e-13)
    assert np.allclose(sprepost(A, B), np.kron(B.T, A))
    assert np.allclose(spre(A), qutip.spre(qutip.Qobj(A)).full())
    assert np.allclose(spost(A), qutip.spost(qutip.Qobj(A)).full())
    H = random_hermitian(d, rng)
    assert np.allclose(commutator_superop(H) @ vec(rho), vec(H @ rho - rho @ H))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(2, 5), K=st.integers(1, 3))
def test_liouvillian_properties(seed, d, K):
    """vec(A rho B) = sprepost(A, B) vec(rho); Lindblad generators preserve trace and
    Hermiticity for any Hermitian rate matrix."""
    rng = np.random.default_rng(seed)
    A, B, rho = random_operator(d, rng), random_operator(d, rng), random_operator(d, rng)
    assert np.allclose(sprepost(A, B) @ vec(rho), vec(A @ rho @ B), atol=1e-12)
    J = np.stack([random_operator(d, rng) for _ in range(K)])
    L = lindblad_liouvillian(random_hermitian(d, rng), J, random_hermitian(K, rng))
    check_trace_preserving(L)
    out = unvec(L @ vec(random_hermitian(d, rng)), d)
    assert np.allclose(out, out.conj().T, atol=1e-12)


def test_superops_batched():
    rng = np.random.default_rng(2)
    A = rng.normal(size=(4, 3, 3)) + 1j * rng.normal(size=(4, 3, 3))
    B = rng.normal(size=(4, 3, 3))
    for k in range(4):
        assert np.allclose(spre(A)[k], spre(A[k]))
        assert np.allclose(spost(A)[k], spost(A[k]))
        assert np.allclose(sprepost(A, B)[k], sprepost(A[k], B[k]))


@pytest.mark.parametrize("d,K", [(2, 1), (3, 2), (4, 3)])
def test_lindblad_matches_qutip(d, K):
    rng = np.random.default_rng(10 + d)
    H = random_hermitian(d, rng)
    J = np.stack([random_operator(d, rng) for _ in range(K)])
    g = rng.random(K) + 0.1
    L = lindblad_liouvillian(H, J, np.diag(g))
    Lq = qutip.liouvillian(qutip.Qobj(H), [np.sqrt(g[k]) * qutip.Qobj(J[k]) for k in range(K)])
    assert np.max(np.abs(L - Lq.full())) < 1e-12
    check_trace_preserving(L)


def test_lindblad_nondiagonal_rates_equal_diagonalised_form():
    """sum_ab gamma_ab (L_a rho L_b^dag ...) = sum_k g_k D[c_k], c_k = sum_a U_ak L_a."""
    rng = np.random.default_rng(3)
    d, K = 3, 3
    H = random_hermitian(d, rng)
    J = np.stack([random_operator(d, rng) for _ in range(K)])
    X = random_operator(K, rng)
    gamma = X @ X.conj().T  # Hermitian positive
    g, U = np.linalg.eigh(gamma)
    c_ops = [qutip.Qobj(np.sqrt(g[k]) * np.einsum("a,aij->ij", U[:, k], J)) for k in range(K)]
    Lq = qutip.liouvillian(qutip.Qobj(H), c_ops).full()
    assert np.max(np.abs(lindblad_liouvillian(H, J, gamma) - Lq)) < 1e-12


def test_lindblad_batched_and_broadcast():
    rng = np.random.default_rng(4)
    d, K, B = 2, 2, 5
    H = np.stack([random_hermitian(d, rng) for _ in range(B)])
    J = np.stack([random_operator(d, rng) for _ in range(K)])
    rates = np.stack([np.diag(rng.random(K)) for _ in range(B)])
    L = lindblad_liouvillian(H, J, rates)
    assert L.shape == (B, d * d, d * d)
    for b in range(B):
        assert np.allclose(L[b], lindblad_liouvillian(H[b], J, rates[b]))
    # per-point jump operators too
    Jb = np.broadcast_to(J, (B, K, d, d))
    assert np.allclose(lindblad_liouvillian(H, Jb, rates), L)


def test_lindblad_rejects_non_hermitian_rates():
    with pytest.raises(NumericDomainError, match="Hermitian"):
        lindblad_liouvillian(np.eye(2), np.stack([SM, SP]), np.array([[1, 0.5], [0, 1]]))


def test_partial_trace_ancilla():
    rng = np.random.default_rng(5)
    A, B = random_operator(3, rng), random_operator(4, rng)
    assert np.allclose(partial_trace_ancilla(np.kron(A, B), 3, 4), A * np.trace(B))
    X = rng.normal(size=(2, 12, 12))
    out = partial_trace_ancilla(X, 3, 4)
    assert out.shape == (2, 3, 3)
    assert np.allclose(out[1], partial_trace_ancilla(X[1], 3, 4))


def _brute_dissipator(strokes, rho_R, dS):
    """Apply the defining double commutators to every matrix unit."""
    dR = rho_R.shape[0]
    D = np.zeros((dS * dS, dS * dS), dtype=complex)
    for c in range(dS * dS):
        e = np.zeros(dS * dS)
        e[c] = 1
        X = np.kron(unvec(e, dS), rho_R)
        out = np.zeros((dS, dS), dtype=complex)
        for s, V in enumerate(strokes):
            inner = V @ X - X @ V
            out -= 0.5 * partial_trace_ancilla(V @ inner - inner @ V, dS, dR)
            for V2 in strokes[s + 1 :]:
                out -= partial_trace_ancilla(V2 @ inner - inner @ V2, dS, dR)
        D[:, c] = vec(out)
    return D


def test_collision_dissipator_matches_definition_random():
    rng = np.random.default_rng(6)
    dS, dR = 3, 3
    rho_R = random_density(dR, rng)

    def zero_mean(V):
        return V - np.kron(bath_mean_operator(V, rho_R, dS), np.eye(dR))

    strokes = [zero_mean(random_hermitian(dS * dR, rng)) for _ in range(3)]
    D = collision_dissipator(strokes, rho_R, dS)
    assert np.max(np.abs(D - _brute_dissipator(strokes, rho_R, dS))) < 1e-12
    check_trace_preserving(D)
    # batched strokes: a stack of scaled couplings
    Db = collision_dissipator([np.stack([V, 2 * V]) for V in strokes], rho_R, dS)
    assert Db.shape == (2, dS * dS, dS * dS)
    assert np.allclose(Db[0], D) and np.allclose(Db[1], 4 * D)


def test_simultaneous_two_qubits_equals_lindblad_form():
    """V = sum_a S_a (x) B_a (Hermitian factors): D = Lindblad with gamma_ab = Tr(rho_R B_b B_a)."""
    g = [0.7, 0.4, 0.3, 0.9]
    S = [site(SX, 0, 2), site(SX, 1, 2), site(SY, 0, 2), site(SY, 1, 2)]
    Bops = [SX, SX, SY, SY]
    rho_R = thermal_qubit(1.3, 0.8)
    V = sum(gi * np.kron(Si, Bi) for gi, Si, Bi in zip(g, S, Bops, strict=True))
    D = collision_dissipator([V], rho_R, 4)
    Bg = [gi * Bi for gi, Bi in zip(g, Bops, strict=True)]
    gamma = np.array([[np.trace(rho_R @ Bb @ Ba) for Bb in Bg] for Ba in Bg])  # [a, b]
    L = lindblad_liouvillian(np.zeros((4, 4)), np.stack(S), gamma)
    assert np.max(np.abs(D - L)) < 1e-12


def test_simultaneous_oscillator_bath_gives_paper_rates():
    """coupled-ensembles Eqs. (9)-(11): V = g sum_n (s+_n a + s-_n a^dag), thermal oscillator.

    Expected: gamma^- = g_k g_l (n+1) on sigma^-, gamma^+ = g_k g_l n on sigma^+ (truncated
    oscillator: <a a^dag> is computed in the truncated space).
    """
    levels, omega, beta = 30, 1.0, 0.7
    a = destroy(levels)
    rho_R = thermal_oscillator(omega, beta, levels)
    g = [0.5, 0.8]
    sp = [site(SP, k, 2) for k in range(2)]
    sm = [site(SM, k, 2) for k in range(2)]
    V = sum(g[k] * (np.kron(sp[k], a) + np.kron(sm[k], a.conj().T)) for k in range(2))
    D = collision_dissipator([V], rho_R, 4)
    n_up = np.trace(rho_R @ a.conj().T @ a).real
    n_down = np.trace(rho_R @ a @ a.conj().T).real
    gg = np.outer(g, g)
    J = np.stack(sm + sp)
    rates = np.zeros((4, 4))
    rates[:2, :2] = gg * n_down
    rates[2:, 2:] = gg * n_up
    L = lindblad_liouvillian(np.zeros((4, 4)), J, rates)
    assert np.max(np.abs(D - L)) < 1e-12
    n_th = 1 / np.expm1(beta * omega)  # DESIGN.md: <a^dag a> = 1/(exp(beta omega) - 1)
    assert abs(n_up - n_th) < 1e-6 and abs(n_down - n_th - 1) < 1e-6


def _exact_two_stroke_generator(strokes, rho_R, dS, tau):
    """(Phi - 1)/tau for U_2 U_1 with U_s = exp(-i sqrt(tau) V_s) (no free Hamiltonians)."""
    dR = rho_R.shape[0]

    def u(V):
        e, v = np.linalg.eigh(V)
        return (v * np.exp(-1j * np.sqrt(tau) * e)) @ v.conj().T

    W = np.eye(dS * dR, dtype=complex)
    for V in strokes:
        W = u(V) @ W
    G = np.zeros((dS * dS, dS * dS), dtype=complex)
    for c in range(dS * dS):
        e = np.zeros(dS * dS)
        e[c] = 1
        rho = unvec(e, dS)
        out = partial_trace_ancilla(W @ np.kron(rho, rho_R) @ W.conj().T, dS, dR)
        G[:, c] = vec(out - rho) / tau
    return G


def test_cascaded_cross_term_order_against_exact_expansion():
    """Two strokes (S1 then S2 meet the same ancilla): compare with Richardson-extrapolated
    (Phi - 1)/tau of the exact U_2 U_1; reversing the stroke order must change the answer."""
    rho_R = thermal_qubit(1.0, 0.6)
    V1 = 0.8 * np.kron(site(SX, 0, 2), SX) + 0.5 * np.kron(site(SY, 0, 2), SY)
    V2 = 0.6 * np.kron(site(SX, 1, 2), SX) + 0.9 * np.kron(site(SY, 1, 2), SY)
    tau = 1e-3
    G1 = _exact_two_stroke_generator([V1, V2], rho_R, 4, tau)
    G2 = _exact_two_stroke_generator([V1, V2], rho_R, 4, tau / 2)
    limit = 2 * G2 - G1  # removes the O(tau) term
    D = collision_dissipator([V1, V2], rho_R, 4)
    assert np.max(np.abs(limit - D)) < 1e-5
    D_rev = collision_dissipator([V2, V1], rho_R, 4)
    assert np.max(np.abs(D_rev - D)) > 1e-2  # the order matters


def test_independent_baths_have_no_cross_terms():
    """Two strokes on two fresh ancillas = sum of single-stroke dissipators."""
    rho_R = thermal_qubit(1.0, 0.6)
    V1 = np.kron(site(SX, 0, 2), SX)
    V2 = np.kron(site(SY, 1, 2), SY)
    D_ind = collision_dissipator([V1], rho_R, 4) + collision_dissipator([V2], rho_R, 4)
    D_casc = collision_dissipator([V1, V2], rho_R, 4)
    assert not np.allclose(D_ind, D_casc)
    # the cross term is exactly -Tr_R [V2, [V1, . (x) rho_R]]
    assert np.max(np.abs(D_casc - D_ind - (_brute_dissipator([V1, V2], rho_R, 4)
                                          - _brute_dissipator([V1], rho_R, 4)
                                          - _brute_dissipator([V2], rho_R, 4)))) < 1e-12


def test_nonzero_bath_mean_is_rejected_naming_the_stroke():
    rho_R = thermal_qubit(1.0, 0.6)  # <sigma_z> != 0
    V_ok = np.kron(SX, SX)
    V_bad = np.kron(SX, SZ)
    mean = bath_mean_operator(V_bad, rho_R, 2)
    assert np.allclose(mean, SX * np.trace(rho_R @ SZ))
    with pytest.raises(NonZeroBathMeanError, match="stroke 1") as info:
        collision_dissipator([V_ok, V_bad], rho_R, 2)
    assert info.value.stroke == 1
    assert "diverges" in str(info.value)


def test_check_trace_preserving():
    rng = np.random.default_rng(7)
    L = lindblad_liouvillian(random_hermitian(3, rng), random_operator(3, rng)[None], np.eye(1))
    check_trace_preserving(L)
    check_trace_preserving(np.stack([L, 2 * L]))
    bad = L.copy()
    bad[0, 4] += 1e-3  # row of rho_00, column of |1><1|
    with pytest.raises(NotTracePreservingError, match=r"\|1><1\|"):
        check_trace_preserving(bad)
    with pytest.raises(NotTracePreservingError, match="batch index"):
        check_trace_preserving(np.stack([L, bad]))


def test_identity_and_tensor_helpers():
    assert np.allclose(kron(I2, SZ), site(SZ, 1, 2))
