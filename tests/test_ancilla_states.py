"""Ancilla states beyond thermal populations (issue 17).

Every reference is built here with numpy from the state's *definition*: the squeezed thermal
state as S(xi) rho_th S(xi)^dag with S = expm[(xi^* a^2 - xi a^dag^2)/2] on a large Fock space
(written out below, not the library's construction), density matrices as given, products by
np.kron.  Moments are compared with Tr(rho X), truncation converged (population beyond the
cutoff below 1e-14); closed forms (N, M of the papers) are compared symbolically.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy.linalg import expm

from symthermo.algebra import Expectation, boson, commutator, expectation, qubit, qubits
from symthermo.crosscheck import check_model
from symthermo.errors import ModelError, StateError
from symthermo.model import bath, collision_model
from symthermo.numeric.collision import collision_map
from symthermo.numeric.matrices import evaluate, operator_matrix
from symthermo.numeric.model_dynamics import (
    collision_round,
    direct_liouvillian,
    model_steady_state,
)
from symthermo.numeric.model_matrices import (
    ancilla_state_matrix,
    converged_cutoff,
    heat_current_matrix,
    random_density_matrix,
)
from symthermo.states import (
    DensityMatrixState,
    DiagonalState,
    ProductState,
    SqueezedThermalOscillator,
    ThermalOscillator,
    ThermalQubit,
    effective_beta,
    trace_out,
)
from symthermo.thermo import (
    entropy_flux,
    entropy_flux_operator,
    first_law_residual,
    heat_current,
    heisenberg_equation,
    lindblad_form,
)

B = boson("b")
R = qubit("R")
BIG = 160  # Fock levels of the reference construction (cut to the cutoff afterwards)

SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, 1j], [-1j, 0]], dtype=complex)  # DESIGN.md: sigma_y = [[0, i], [-i, 0]]
SZ = np.diag([-1.0, 1.0]).astype(complex)
PAULI = {1: SX, 2: SY, 3: SZ}


def ladder(levels: int) -> np.ndarray:
    return np.diag(np.sqrt(np.arange(1, levels, dtype=float)), 1).astype(complex)


def normal_ordered(m: int, n: int, levels: int) -> np.ndarray:
    a = ladder(levels)
    return np.linalg.matrix_power(a.conj().T, m) @ np.linalg.matrix_power(a, n)


def squeezed_reference(nbar: float, r: float, phi: float, levels: int) -> np.ndarray:
    """S(xi) rho_th(nbar) S(xi)^dag on BIG levels, cut to ``levels`` (unnormalised cut)."""
    a = ladder(BIG)
    xi = r * np.exp(1j * phi)
    s = expm((np.conj(xi) * a @ a - xi * a.conj().T @ a.conj().T) / 2)
    p = (nbar / (1 + nbar)) ** np.arange(BIG) / (1 + nbar)
    return (s @ np.diag(p) @ s.conj().T)[:levels, :levels]


def converged_levels(rho_big: np.ndarray, tol: float = 1e-14) -> int:
    tail = np.cumsum(np.diag(rho_big).real[::-1])[::-1]
    return int(np.nonzero(tail < tol)[0][0]) + 2


def numeric(expr: sp.Expr) -> complex:
    return complex(sp.sympify(expr).evalf(30))


# --- squeezed thermal oscillator: closed forms and moments ---------------------------------------

nbar_s, r_s, phi_s = sp.symbols("nbar r phi", positive=True)


def test_squeezed_closed_forms_are_the_papers_N_and_M() -> None:
    st = SqueezedThermalOscillator(B, nbar=nbar_s, r=r_s, phi=phi_s)
    N = st.local_expectation((1, 1))
    M = st.local_expectation((0, 2))
    assert sp.simplify(N - (nbar_s * sp.cosh(2 * r_s) + sp.sinh(r_s) ** 2)) == 0
    assert sp.simplify(M + (2 * nbar_s + 1) * sp.exp(sp.I * phi_s) * sp.sinh(r_s)
                       * sp.cosh(r_s)) == 0
    assert sp.simplify(st.local_expectation((2, 0)) - sp.conjugate(M)) == 0
    # the squeezing invariant: N (N + 1) - |M|^2 = nbar (nbar + 1) >= 0
    assert sp.simplify((N * (N + 1) - M * sp.conjugate(M)).rewrite(sp.exp)
                       - nbar_s * (nbar_s + 1)) == 0
    # <a a^dag> = N + 1 from the normally ordered moments; odd moments vanish
    assert st.local_expectation((1, 0)) == 0 and st.local_expectation((2, 1)) == 0
    # Wick: <a^dag^2 a^2> = 2 N^2 + |M|^2
    assert sp.simplify(st.local_expectation((2, 2)) - (2 * N**2 + M * sp.conjugate(M))) == 0


SQUEEZED_CASES = [
    (dict(nbar=sp.Rational(3, 10), r=sp.Rational(1, 2), phi=sp.Rational(7, 10)), (0.3, 0.5, 0.7)),
    (dict(nbar=0, r=sp.Rational(2, 5), phi=-sp.pi / 3), (0.0, 0.4, -np.pi / 3)),
    (dict(omega=2, beta=sp.Rational(1, 2), r=sp.Rational(3, 10), phi=0),
     (1 / (np.exp(1.0) - 1), 0.3, 0.0)),
]


@pytest.mark.parametrize(("kwargs", "numbers"), SQUEEZED_CASES)
def test_squeezed_moments_against_the_matrix_route(kwargs, numbers) -> None:
    st = SqueezedThermalOscillator(B, **kwargs)
    big = squeezed_reference(*numbers, BIG)
    levels = converged_levels(big)
    assert levels < BIG - 40  # converged well inside the reference space
    rho = big[:levels, :levels]
    assert abs(np.trace(rho) - 1) < 1e-13
    for m in range(5):
        for n in range(5):
            want = np.trace(rho @ normal_ordered(m, n, levels))
            got = numeric(st.local_expectation((m, n)))
            assert abs(got - want) < 1e-8 * max(1.0, abs(want)), (m, n, got, want)
    # the library's own numeric construction agrees with this one
    lib = ancilla_state_matrix(st, None, levels)
    assert np.abs(lib - rho / np.trace(rho)).max() < 1e-12


def test_squeezed_from_moments_is_the_same_state() -> None:
    by_params = SqueezedThermalOscillator(B, nbar=sp.Rational(1, 4), r=sp.Rational(1, 3),
                                          phi=sp.Rational(1, 2))
    N, M = by_params.mean_number, by_params.squeezing_moment
    by_moments = SqueezedThermalOscillator.from_moments(B, N=N, M=M)
    for m, n in [(1, 1), (0, 2), (2, 0), (2, 2), (3, 1), (4, 2), (3, 3)]:
        assert abs(numeric(by_params.local_expectation((m, n)))
                   - numeric(by_moments.local_expectation((m, n)))) < 1e-25
    assert abs(numeric(by_moments.thermal_number) - 0.25) < 1e-25
    levels = 50
    assert np.abs(ancilla_state_matrix(by_params, None, levels)
                  - ancilla_state_matrix(by_moments, None, levels)).max() < 1e-12
    # the symbols of the papers, and their values
    symbolic, values = by_params.in_moment_symbols()
    assert {str(s) for s in values} == {"N_b", "M_b"}
    expr = symbolic.local_expectation((2, 2)).subs(values)
    assert abs(numeric(expr) - numeric(by_params.local_expectation((2, 2)))) < 1e-25


@pytest.mark.parametrize(("kwargs", "numbers"), SQUEEZED_CASES[:1] + SQUEEZED_CASES[2:])
def test_squeezed_entropy_operator_is_minus_log_rho(kwargs, numbers) -> None:
    """exp(-K) / Tr = rho: K is -ln rho up to a constant (checked on the converged block)."""
    st = SqueezedThermalOscillator(B, **kwargs)
    big = squeezed_reference(*numbers, BIG)
    levels = converged_levels(big)
    k = operator_matrix(st.entropy_operator(), [B], BIG)
    gibbs = expm(-k)[:levels, :levels]
    gibbs /= np.trace(gibbs)
    assert np.abs(gibbs - big[:levels, :levels]).max() < 1e-12
    n_sym, m_sym = sp.symbols("N M")
    with pytest.raises(StateError, match=r"pure \(\|M\|\^2 = N \(N \+ 1\)\)"):
        SqueezedThermalOscillator.from_moments(B, N=1, M=sp.sqrt(2)).entropy_operator()
    assert n_sym != m_sym


# --- density matrices, clusters ------------------------------------------------------------------


def test_qubit_density_matrix_with_coherence_moments() -> None:
    rng = np.random.default_rng(3)
    for _ in range(5):
        rho = random_density_matrix(2, rng)
        st = DensityMatrixState(R, rho)  # a numpy array: entries read exactly
        for k, s in PAULI.items():
            assert abs(numeric(st.local_expectation(k)) - np.trace(rho @ s)) < 1e-14
        # a tuple of rows is accepted too
        st2 = DensityMatrixState(R, tuple(tuple(row) for row in rho.tolist()))
        assert st2.rho == st.rho
    # sigma_+ = |1><0|: <sigma_+> = rho_01
    x, y, z = sp.symbols("x y z", real=True)
    rho = sp.Matrix([[(1 - z) / 2, (x + sp.I * y) / 2], [(x - sp.I * y) / 2, (1 + z) / 2]])
    st = DensityMatrixState(R, rho)
    assert [sp.expand(st.local_expectation(k)) for k in (1, 2, 3)] == [x, y, z]
    assert trace_out(R.plus, st) == sp.expand((x + sp.I * y) / 2)


def test_oscillator_and_cluster_density_matrices() -> None:
    rng = np.random.default_rng(5)
    rho = random_density_matrix(4, rng)  # a Fock-space state on |0>..|3>
    even = np.diag([1.0, 0, 1, 0])
    odd = np.eye(4) - even
    rho = even @ rho @ even + odd @ rho @ odd  # parity-dephased: <b> = 0, a zero bath mean
    st = DensityMatrixState(B, sp.Matrix(rho.tolist()))
    for m in range(4):
        for n in range(4):
            want = np.trace(rho @ normal_ordered(m, n, 4))
            assert abs(numeric(st.local_expectation((m, n))) - want) < 1e-13
    assert converged_cutoff(_model_with(st), None) == {"b": 4}
    # two qubits in a correlated (entangled) state: one state on two sites
    r1, r2 = qubits("R1", "R2")
    rho2 = random_density_matrix(4, rng)
    pair = DensityMatrixState((r1, r2), rho2)
    for k1 in (0, 1, 2, 3):
        for k2 in (0, 1, 2, 3):
            if k1 == k2 == 0:
                continue
            op = (r1.x, r1.y, r1.z)[k1 - 1] if k1 else 1
            op = op * ((r2.x, r2.y, r2.z)[k2 - 1] if k2 else 1)
            m1 = PAULI.get(k1, np.eye(2))
            m2 = PAULI.get(k2, np.eye(2))
            want = np.trace(rho2 @ np.kron(m1, m2))
            assert abs(numeric(trace_out(op, pair)) - want) < 1e-13
    # a product cluster: moments factorise, the numeric state is the Kronecker product
    th = ThermalQubit(r1, tanh=sp.Rational(1, 3))
    sq = SqueezedThermalOscillator(B, nbar=sp.Rational(1, 5), r=sp.Rational(1, 4), phi=0)
    cluster = ProductState((th, sq))
    expr = trace_out(r1.z * B.a * B.a, cluster)
    assert sp.simplify(expr - th.z_mean * sq.squeezing_moment) == 0
    levels = 30
    want = np.kron(ancilla_state_matrix(th), ancilla_state_matrix(sq, None, levels))
    assert np.abs(ancilla_state_matrix(cluster, None, {"b": levels}) - want).max() < 1e-15


def _model_with(state) -> object:
    s = boson("s") if state.sites[0].kind == "boson" else qubit("s")
    anc = state.sites[0]
    v = s.adag * anc.a + s.a * anc.adag if anc.kind == "boson" else s.x * anc.x
    h_s = s.n if s.kind == "boson" else s.z
    return collision_model([s], h_s, bath("B", state, anc.n, {"s": v}))


# --- the engine with these states ----------------------------------------------------------------

w, g = sp.symbols("omega g", positive=True)


def damped_oscillator():
    a = boson("a")
    st = SqueezedThermalOscillator.from_moments(B)
    model = collision_model([a], w * a.n, bath("h", st, w * B.n,
                                                {"a": g * (a.adag * B.a + a.a * B.adag)}))
    return a, st, model


def test_squeezed_damped_oscillator_steady_state_symbolic_and_numeric() -> None:
    """<a^dag a>* = N, <a a>* = -G M/(G + 2 i omega), G = g^2 (beam splitter coupling)."""
    a, st, model = damped_oscillator()
    N, M = st.N, st.M
    G = g**2
    assert lindblad_form(model).channels[0].rates == sp.ImmutableMatrix(
        [[N, M], [sp.conjugate(M), N + 1]])
    n, aa = Expectation((("a", (1, 1)),)), Expectation((("a", (0, 2)),))
    eqs = [heisenberg_equation(model, a.n), heisenberg_equation(model, a.a * a.a)]
    sol = sp.solve(eqs, [n, aa], dict=True)
    assert len(sol) == 1
    assert sp.simplify(sol[0][n] - N) == 0
    assert sp.simplify(sol[0][aa] + G * M / (G + 2 * sp.I * w)) == 0
    assert first_law_residual(model) == 0
    # numerically: Liouvillian built from matrices (direct route), squeezed ancilla truncated
    values = {w: 0.8, g: 0.6, N: 0.4, M: 0.25 - 0.3j}
    cut = {"a": 22, **converged_cutoff(model, values)}
    ss = model_steady_state(model, values, cut, route="direct")
    nv, mv = 0.4, 0.25 - 0.3j
    assert abs(evaluate(n, ss.rho, [a], values, cut) - nv) < 1e-7
    want = -0.36 * mv / (0.36 + 1.6j)
    assert abs(evaluate(aa, ss.rho, [a], values, cut) - want) < 1e-7


def coherent_qubit_model():
    """Two qubits in a common reservoir of qubits that carry coherence (a density matrix with
    symbolic Bloch vector), couplings shifted by their bath mean (zero bath mean)."""
    s1, s2 = qubits("S1", "S2")
    x, y, z = sp.symbols("x_R y_R z_R", real=True)
    jx, jy, jz, h, wr = sp.symbols("J_x J_y J_z h omega_R", real=True)
    rho = ((1 - z) / 2, (x + sp.I * y) / 2), ((x - sp.I * y) / 2, (1 + z) / 2)
    st = DensityMatrixState(R, rho)
    mean = {1: x, 2: y, 3: z}

    def fluct(k: int):  # sigma^k_R - <sigma^k_R>
        return (R.x, R.y, R.z)[k - 1] - mean[k]

    couplings = {
        "S1": jx * s1.x * fluct(1) + jy * s1.y * fluct(2),
        "S2": jz * s2.z * fluct(3) + jx * s2.x * fluct(2),
    }
    model = collision_model([s1, s2], s1.z + 0.7 * s2.z + h * s1.x * s2.x,
                            bath("R", st, wr / 2 * R.z, couplings))
    return model, (x, y, z, jx, jy, jz, h, wr)


@pytest.mark.parametrize("scheme", ["simultaneous", "cascaded", "independent"])
def test_coherent_qubit_ancillas_against_the_matrix_route(scheme) -> None:
    model, symbols = coherent_qubit_model()
    model = model.with_scheme(scheme)  # type: ignore[attr-defined]
    rng = np.random.default_rng(11)
    for _ in range(3):
        bloch = rng.normal(size=3)
        bloch *= rng.uniform(0.1, 0.95) / np.linalg.norm(bloch)
        params = dict(zip(symbols, [*bloch, *rng.uniform(-1.5, 1.5, size=4),
                                    rng.uniform(0.5, 2)], strict=True))
        rows = {name: (ok, detail) for name, ok, detail in check_model(model, params, rng)}
        for name in ("first law (symbolic)", "currents vs matrix route",
                     "Liouvillian: derived vs direct"):
            assert rows[name][0], (scheme, name, rows[name][1])
        # (the finite-tau row expects O(tau): see the next test for coherent ancillas)


def test_coherent_ancillas_finite_tau_converges_as_sqrt_tau() -> None:
    """The exact collision map approaches the derived generator, but as sqrt(tau): the third
    moments of a coherent ancilla (<sigma^x_R> != 0) do not vanish, so the tau^(3/2) term
    (i/6) Tr_R[V, [V, [V, rho (x) rho_R]]] survives (thermal ancillas: O(tau))."""
    model, symbols = coherent_qubit_model()
    rng = np.random.default_rng(11)
    bloch = rng.normal(size=3)
    bloch *= 0.6 / np.linalg.norm(bloch)
    params = dict(zip(symbols, [*bloch, 0.8, -0.5, 0.6, 0.3, 1.2], strict=True))
    generator = direct_liouvillian(model, params, None)
    errors = []
    for tau in (0.01, 0.005, 0.0025):
        rnd, t_round, _ = collision_round(model, tau, params, None)
        phi = collision_map(rnd)
        errors.append(np.abs((phi - np.eye(phi.shape[0])) / t_round - generator).max())
    assert errors[0] > errors[1] > errors[2]
    assert 1.3 < errors[1] / errors[2] < 1.6  # sqrt(2) = 1.41: O(sqrt(tau))


def test_nonzero_bath_mean_of_a_coherent_or_squeezed_state_is_refused_with_the_mean() -> None:
    s = qubit("S")
    st = DensityMatrixState(R, ((sp.Rational(1, 2), sp.Rational(1, 4)),
                                (sp.Rational(1, 4), sp.Rational(1, 2))))
    with pytest.raises(ModelError, match=r"non-zero bath mean Tr_R\(rho_R V\) = .*1/2.*sigma"):
        collision_model([s], s.z, bath("R", st, R.z, {"S": s.x * R.x}))
    sq = SqueezedThermalOscillator(B, nbar=0, r=1, phi=0)
    with pytest.raises(ModelError, match=r"non-zero bath mean .*sinh\(1\)"):
        collision_model([s], s.z, bath("B", sq, B.n, {"S": s.x * (B.a * B.a + B.adag * B.adag)}))
    # zero mean: <b> = 0 for a squeezed state, so a linear coupling is fine
    collision_model([s], s.z, bath("B", sq, B.n, {"S": s.x * (B.a + B.adag)}))


def test_coupling_labels_must_be_system_sites_and_couplings_must_touch_the_system() -> None:
    s = qubit("S")
    th = ThermalQubit(R, tanh=sp.Rational(1, 2))
    with pytest.raises(ModelError, match=r"coupling label 'T' is not a system site.*\['S'\]"):
        collision_model([s], s.z, bath("R", th, R.z, {"T": s.x * R.x}))
    with pytest.raises(ModelError, match=r"coupling 'S' acts on no system site"):
        collision_model([s], s.z, bath("R", th, R.z, {"S": R.x}))


# --- thermodynamics with non-thermal baths -------------------------------------------------------


def test_entropy_flux_uses_a_temperature_only_where_one_exists() -> None:
    s = qubit("S")
    beta = sp.Symbol("beta", positive=True)
    v = {"S": s.x * R.x}
    thermal = collision_model([s], s.z, bath("R", ThermalQubit(R, omega=2, beta=beta), R.z, v))
    flux = entropy_flux(thermal, "R")
    assert flux.beta == beta and "Gibbs state" in flux.note
    assert sp.expand(flux.flux - beta * heat_current(thermal, "R")) == 0
    # the general route -d<-ln rho_R>/dt gives the same for a thermal bath
    general = expectation(entropy_flux_operator(thermal, "R"))
    assert sp.expand(general - flux.flux) == 0
    # a coherent qubit ancilla has no temperature: said so
    coherent = DensityMatrixState(R, ((sp.Rational(1, 2), sp.Rational(1, 5)),
                                      (sp.Rational(1, 5), sp.Rational(1, 2))))
    assert effective_beta(coherent, R.z) is None
    # a diagonal qubit state has one (possibly negative: population inversion)
    inverted = DiagonalState(R, (sp.Rational(1, 4), sp.Rational(3, 4)))
    assert sp.simplify(effective_beta(inverted, R.z) - sp.log(sp.Rational(1, 3)) / 2) == 0
    # a state without closed-form ln rho: refused with the reason
    fock = DensityMatrixState(B, ((sp.Rational(1, 2), 0), (0, sp.Rational(1, 2))))
    a = boson("a")
    m = collision_model([a], a.n, bath("B", fock, B.n, {"a": a.adag * B.a + a.a * B.adag}))
    with pytest.raises(StateError, match=r"bath 'B' has no entropy flux in closed form"):
        entropy_flux(m, "B")


def test_squeezed_entropy_flux_against_the_matrix_route() -> None:
    """Phi = Tr[(rho_S (x) rho_R) (1/2)[V, [V, K]]] with K = -ln rho_R (checked above)."""
    a = boson("a")
    st = SqueezedThermalOscillator(B, nbar=sp.Rational(1, 5), r=sp.Rational(2, 5),
                                   phi=sp.Rational(1, 3))
    model = collision_model([a], w * a.n, bath("h", st, w * B.n,
                                               {"a": g * (a.adag * B.a + a.a * B.adag)}))
    flux = entropy_flux(model, "h")
    assert flux.beta is None and "no temperature" in flux.note and "Manzano" in flux.note
    values = {w: 1.3, g: 0.7}
    cut = {"a": 8, **converged_cutoff(model, values)}
    rng = np.random.default_rng(2)
    rho_s = np.zeros((8, 8), dtype=complex)  # supported well below the system cutoff
    rho_s[:5, :5] = random_density_matrix(5, rng)
    k = operator_matrix(st.entropy_operator(), [a, B], cut, values)
    vm = operator_matrix(model.baths[0].couplings[0][1], [a, B], cut, values)
    rho = np.kron(rho_s, ancilla_state_matrix(st, values, cut))
    inner = vm @ k - k @ vm
    want = 0.5 * np.trace(rho @ (vm @ inner - inner @ vm))
    got = evaluate(flux.flux, rho_s, [a], values, cut)
    assert abs(got - want) < 1e-9 * max(1.0, abs(want))
    # and the heat current stays -d<H_R>/dt (matrix route)
    q = evaluate(heat_current(model, "h"), rho_s, [a], values, cut)
    assert abs(q - heat_current_matrix(model, "h", "total", rho_s, values, cut)) < 1e-9


# --- bad states ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "pattern"),
    [
        (lambda: SqueezedThermalOscillator.from_moments(B, N=1, M=2),
         r"\|M\|\^2 = 4 is not allowed; it must satisfy \|M\|\^2 <= N \(N \+ 1\) = 2"),
        (lambda: SqueezedThermalOscillator.from_moments(B, N=-0.5, M=0),
         r"N = -1/2 is not allowed; it must satisfy 0 <= N"),
        (lambda: SqueezedThermalOscillator(B, nbar=0.1, r=-1, phi=0),
         r"r = -1 is not allowed; it must satisfy 0 <= r.*sign into the phase"),
        (lambda: SqueezedThermalOscillator(B, nbar=0.1, phi=0),
         r"needs the squeezing r"),
        (lambda: SqueezedThermalOscillator(B, nbar=0.1, r=1, N=1, M=0),
         r"either .* or the moments N and M \(not both\)"),
        (lambda: DensityMatrixState(R, ((0.5, 0.1), (0.2, 0.5))),
         r"rho - rho\^dag = .* not allowed; it must satisfy rho Hermitian"),
        (lambda: DensityMatrixState(R, ((0.5, 0), (0, 0.6))),
         r"Tr rho = 1.10* is not allowed; it must satisfy Tr rho = 1"),
        (lambda: DensityMatrixState(R, ((0.5, 0.8), (0.8, 0.5))),
         r"smallest eigenvalue .* positive semidefinite"),
        (lambda: DensityMatrixState(R, ((1, 0, 0), (0, 0, 0), (0, 0, 0))),
         r"a 3x3 matrix does not fit sites"),
        (lambda: DensityMatrixState(R, (1, 0)), r"sympy Matrix or a tuple of rows"),
        (lambda: DensityMatrixState(R, ((1, 0), (0,))), r"must be square"),
        (lambda: ThermalQubit(R, tanh=sp.Rational(3, 2)),
         r"tanh = 3/2 is not allowed; it must satisfy -1 <= tanh <= 1"),
        (lambda: ThermalQubit(R, omega=1, beta=-2),
         r"beta = -2 is not allowed; it must satisfy 0 < beta"),
        (lambda: ThermalQubit(R, omega=1, beta=float("inf")),
         r"beta = oo is not allowed; it must satisfy 0 < beta, real and finite"),
        (lambda: DiagonalState(R, (float("nan"), 0.5)),
         r"population nan of site 'R' is not a finite real number"),
        (lambda: ThermalQubit(R, omega=1, beta=sp.oo), r"beta = oo is not allowed"),
        (lambda: ThermalQubit(R, omega=1, beta=sp.Symbol("b", negative=True)),
         r"beta = b is not allowed"),
        (lambda: ThermalOscillator(B, nbar=-0.25), r"nbar = -1/4 is not allowed; .* 0 <= nbar"),
        (lambda: ThermalOscillator(B, omega=-1, beta=1), r"omega = -1 is not allowed"),
        (lambda: DiagonalState(R, (sp.I / 2 + sp.Rational(1, 2), sp.Rational(1, 2) - sp.I / 2)),
         r"population 1/2 \+ I/2 of site 'R' is not a finite real number"),
        (lambda: DiagonalState(R, sp.Matrix([[0.5, 0.1], [0.1, 0.5]])),
         r"not a matrix: give a density matrix as DensityMatrixState\(site, rho\)"),
        (lambda: DiagonalState(R, ((0.5, 0.1), (0.1, 0.5))), r"DensityMatrixState\(site, rho\)"),
        (lambda: DiagonalState(R, (1 / 3, 2 / 3)),
         r"sum to 9999999999999999/10000000000000000, not 1: normalise them.*exact rationals"),
    ],
)
def test_bad_states_are_refused_naming_the_condition(build, pattern) -> None:
    with pytest.raises(StateError, match=pattern):
        build()


def test_values_substituted_later_are_checked_too() -> None:
    """Symbols pass where undecided; the numbers substituted later (model.subs, the numeric
    routes) are checked by the same requirements."""
    beta, t, n_, m_ = sp.symbols("beta t N M")
    s = qubit("S")
    model = collision_model([s], s.z, bath("R", ThermalQubit(R, omega=1, beta=beta), R.z,
                                            {"S": s.x * R.x}))
    with pytest.raises(StateError, match=r"beta = -1 is not allowed"):
        model.subs({beta: -1})
    with pytest.raises(StateError, match=r"tanh = 2 is not allowed"):
        ThermalQubit(R, tanh=t).subs({"t": 2})
    sq = SqueezedThermalOscillator.from_moments(B, N=n_, M=m_)
    with pytest.raises(StateError, match=r"\|M\|\^2 .* <= N \(N \+ 1\)"):
        ancilla_state_matrix(sq, {n_: 0.1, m_: 0.5}, 10)
    p = sp.Symbol("p")
    dm = DensityMatrixState(R, ((1 - p, 0.3), (0.3, p)))
    with pytest.raises(StateError, match=r"smallest eigenvalue .* positive semidefinite"):
        ancilla_state_matrix(dm, {p: 0.05})
    assert np.allclose(ancilla_state_matrix(dm, {p: 0.5}), [[0.5, 0.3], [0.3, 0.5]])


def test_float_sums_are_accepted_when_exactly_one_and_symbolic_checks_defer() -> None:
    DiagonalState(R, (0.25, 0.75))  # exact binary fractions
    DiagonalState(B, (0.1, 0.2, 0.7))  # read as 1/10, 2/10, 7/10: exactly 1
    ThermalQubit(R, omega=sp.Symbol("w"), beta=sp.Symbol("b"))  # undecided: allowed
    x = sp.Symbol("x", real=True)
    DensityMatrixState(R, ((sp.Rational(1, 2), x), (x, sp.Rational(1, 2))))
    # a product state over the same site twice is refused
    with pytest.raises(StateError, match=r"a site has two states"):
        ProductState((ThermalQubit(R, tanh=0), ThermalQubit(R, tanh=0)))
    # commutator sanity: the algebra sees the ancilla of a density-matrix state as a qubit
    assert commutator(R.x, R.y) == 2 * sp.I * R.z


def test_sweeps_check_the_states_at_every_point() -> None:
    """LiouvillianBuilder (batched sweeps) checks the ancilla states at every parameter point:
    the first violating point is named with its value and the allowed range."""
    from symthermo.numeric.model_dynamics import LiouvillianBuilder
    from symthermo.states import check_values

    s = qubit("S")
    T = sp.Symbol("T_R")
    model = collision_model([s], s.z, bath("R", ThermalQubit(R, omega=1, beta=1 / T), R.z,
                                            {"S": s.x * R.x + s.y * R.y}))
    builder = LiouvillianBuilder(model)
    assert builder({"T_R": np.array([0.5, 1.0, 2.0])}).shape == (3, 4, 4)
    with pytest.raises(StateError, match=r"beta = -2 is not allowed at parameter point \(1,\)"
                                         r"; it must satisfy 0 < beta"):
        builder({"T_R": np.array([0.5, -0.5, 2.0])})
    n_, m_ = sp.symbols("N M", real=True)
    sq = SqueezedThermalOscillator.from_moments(B, N=n_, M=m_)
    check_values(sq, {"N": np.array([0.1, 0.2]), "M": np.array([0.2, 0.3])})
    with pytest.raises(StateError, match=r"\|M\|\^2 = 0.36 is not allowed at .* point \(1,\)"):
        check_values(sq, {"N": np.array([0.1, 0.2]), "M": np.array([0.2, 0.6])})
    x = sp.Symbol("x", real=True)
    dm = DensityMatrixState(R, ((sp.Rational(1, 2), x), (x, sp.Rational(1, 2))))
    with pytest.raises(StateError, match=r"eigenvalue = -0.1 is not allowed at .* point \(0, 2\)"):
        check_values(dm, {x: np.array([[0.1, 0.2, 0.6]])})


@pytest.mark.parametrize("scheme", ["simultaneous", "cascaded"])
def test_clusters_of_ancillas_against_the_matrix_route(scheme) -> None:
    """A cluster per collision: a product (thermal qubit (x) squeezed oscillator) and a
    correlated two-qubit density matrix (Bell-diagonal: every single-site mean vanishes, the
    correlations <sigma^a_R1 sigma^b_R2> do not), both met by two system qubits."""
    s1, s2 = qubits("S1", "S2")
    r1, r2 = qubits("R1", "R2")
    c, jx, jy, wr = sp.symbols("c J_x J_y omega_R", real=True)
    product = ProductState((ThermalQubit(r1, tanh=sp.Rational(2, 5)),
                            SqueezedThermalOscillator(B, nbar=sp.Rational(1, 10),
                                                      r=sp.Rational(1, 4), phi=c)))
    h_s = s1.z + sp.Rational(7, 10) * s2.z + sp.Rational(3, 10) * s1.x * s2.x
    m1 = collision_model([s1, s2], h_s, bath(
        "C", product, wr / 2 * r1.z + B.n,
        {"S1": jx * (s1.x * r1.x + s1.y * r1.y), "S2": jy * s2.x * (B.a + B.adag)},
        scheme=scheme))
    bell = [0.4, 0.3, 0.2, 0.1]  # weights of the four Bell states
    phi_p, phi_m = np.array([1, 0, 0, 1]) / np.sqrt(2), np.array([1, 0, 0, -1]) / np.sqrt(2)
    psi_p, psi_m = np.array([0, 1, 1, 0]) / np.sqrt(2), np.array([0, 1, -1, 0]) / np.sqrt(2)
    rho = sum(wt * np.outer(v, v) for wt, v in zip(bell, (phi_p, phi_m, psi_p, psi_m),
                                                   strict=True))
    pair = DensityMatrixState((r1, r2), rho)
    for k in (1, 2, 3):  # zero bath means
        assert trace_out((r1.x, r1.y, r1.z)[k - 1], pair) == 0
    assert trace_out(r1.x * r2.x, pair) != 0
    m2 = collision_model([s1, s2], h_s, bath(
        "P", pair, wr / 2 * (r1.z + r2.z),
        {"S1": jx * s1.x * r1.x + jy * s1.y * r2.y, "S2": jy * s2.z * r2.x},
        scheme=scheme))
    rng = np.random.default_rng(4)
    for model in (m1, m2):
        params = {c: 0.7, jx: 0.8, jy: -0.6, wr: 1.3}
        for name, ok, detail in check_model(model, params, rng):
            assert ok, (model.baths[0].name, scheme, name, detail)


def test_a_new_state_needs_only_its_moments() -> None:
    """The public interface: a frozen dataclass with ``site``, ``local_expectation`` and
    ``requirements`` works with trace_out, the Lindblad rates and the currents."""
    from dataclasses import dataclass

    from symthermo.states import AncillaState, Requirement

    @dataclass(frozen=True)
    class FockNumberState(AncillaState):
        """|n><n|: <a^dag^m a^m> = n!/(n-m)!, zero off the diagonal."""

        site: object
        n: int = 1
        site_kind = "boson"

        def __post_init__(self) -> None:
            self.validate()

        def requirements(self) -> list[Requirement]:
            return [Requirement("n", self.n, "n a non-negative integer",
                                lambda v: not (isinstance(v, int) and v >= 0))]

        def local_expectation(self, local: object) -> sp.Expr:
            m, k = local  # type: ignore[misc]
            if m != k or m > self.n:
                return sp.Integer(0)
            return sp.factorial(self.n) / sp.factorial(self.n - m)

    with pytest.raises(StateError, match=r"n = -1 is not allowed; it must satisfy n a non-neg"):
        FockNumberState(B, -1)
    a = boson("a")
    fock = collision_model([a], w * a.n, bath("F", FockNumberState(B, 2), w * B.n,
                                              {"a": g * (a.adag * B.a + a.a * B.adag)}))
    same = collision_model([a], w * a.n, bath("F", DiagonalState(B, (0, 0, 1)), w * B.n,
                                              {"a": g * (a.adag * B.a + a.a * B.adag)}))
    assert heat_current(fock, "F") == heat_current(same, "F")
    assert lindblad_form(fock).channels[0].rates == lindblad_form(same).channels[0].rates
    n = Expectation((("a", (1, 1)),))
    assert sp.expand(heat_current(fock, "F") - g**2 * w * (2 - n)) == 0


def test_second_law_with_the_squeezed_flux_at_random_steady_states() -> None:
    """Sigma = -Phi_h - Phi_c >= 0 at the steady state of the squeezed engine (closed form),
    while -beta_h Qdot_h - beta_c Qdot_c (the hot temperature taken at face value) can be < 0."""
    a, bh, bc = boson("a"), boson("b_h"), boson("b_c")
    wh, wc, gh, gc, bh_, bc_, r, phi = sp.symbols(
        "omega_h omega_c g_h g_c beta_h beta_c r phi", positive=True)
    hot = SqueezedThermalOscillator(bh, omega=wh, beta=bh_, r=r, phi=phi)
    model = collision_model([a], w * a.n, [
        bath("h", hot, wh * bh.n, {"a": gh * (a.adag * bh.a + a.a * bh.adag)}),
        bath("c", ThermalOscillator(bc, omega=wc, beta=bc_), wc * bc.n,
             {"a": gc * (a.adag * bc.a + a.a * bc.adag)}),
    ])
    unknowns = [Expectation((("a", m),)) for m in ((1, 1), (0, 2), (2, 0))]
    eqs = [heisenberg_equation(model, op) for op in (a.n, a.a * a.a, a.adag * a.adag)]
    steady = sp.solve(eqs, unknowns, dict=True)[0]
    sigma = -(entropy_flux(model, "h").flux + entropy_flux(model, "c").flux).xreplace(steady)
    naive = -(bh_ * heat_current(model, "h") + bc_ * heat_current(model, "c")).xreplace(steady)
    f_sigma = sp.lambdify([w, wh, wc, gh, gc, bh_, bc_, r, phi], sigma, "numpy")
    f_naive = sp.lambdify([w, wh, wc, gh, gc, bh_, bc_, r, phi], naive, "numpy")
    rng = np.random.default_rng(17)
    points = np.column_stack([rng.uniform(0.3, 3, size=(400, 5)), rng.uniform(0.3, 3, 400),
                              rng.uniform(0.3, 3, 400), rng.uniform(0, 1, 400),
                              rng.uniform(0, 2 * np.pi, 400)])
    s = np.array([complex(f_sigma(*p)) for p in points])
    nv = np.array([complex(f_naive(*p)) for p in points])
    assert np.abs(s.imag).max() < 1e-12
    assert s.real.min() > -1e-12  # the second law, with the squeezed bath's entropy flux
    assert nv.real.min() < -1e-3  # ... but not with T_h taken as the bath's temperature
