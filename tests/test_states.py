"""trace_out against the matrix route Tr[(rho_S (x) rho_R) X].

Everything on the matrix side is built here with numpy: generator matrices written out
(index 0 = |0> ground, sigma_z = diag(-1, 1), sigma_y = [[0, i], [-i, 0]], truncated a),
ancilla density matrices from their definitions (exp(-beta H)/Z, populations), X as products
of those matrices.  The derived expression is evaluated by replacing each Expectation symbol
with Tr[rho_S O] for its monomial O (reference matrices again) and the parameters by numbers.
Tensor order: S1, S2, then the ancilla.

Also: the local and non-local heat and work currents of the two-qubit common-reservoir model
(common-reservoirs paper, Sec. 3-4, Eqs. (21)-(24)) computed with the algebra and trace_out
and checked against brute-force matrices at random points (the matrices are the reference,
not the printed equations).
"""

from __future__ import annotations

from functools import reduce

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

from symthermo.algebra import (
    Expectation,
    Operator,
    annihilation,
    boson,
    commutator,
    creation,
    identity,
    monomial_operator,
    number,
    operator_sum,
    qubit,
    qubits,
    sigma_minus,
    sigma_plus,
    sigma_x,
    sigma_y,
    sigma_z,
)
from symthermo.errors import StateError, SymthermoError
from symthermo.numeric.matrices import evaluate
from symthermo.states import (
    DensityMatrixState,
    DiagonalState,
    SqueezedThermalOscillator,
    ThermalOscillator,
    ThermalQubit,
    bath_mean,
    partial_trace,
    trace_out,
)

I2 = np.eye(2, dtype=complex)
SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, 1j], [-1j, 0]], dtype=complex)
SZ = np.diag([-1, 1]).astype(complex)
SP = np.array([[0, 0], [1, 0]], dtype=complex)  # |1><0|
SM = np.array([[0, 1], [0, 0]], dtype=complex)  # |0><1|
PAULI_REF = {1: SX, 2: SY, 3: SZ}
CUTOFF = 30  # oscillator levels: with nbar <= 0.3 the weight beyond is < 1e-18
A_REF = np.diag(np.sqrt(np.arange(1, CUTOFF)), 1).astype(complex)
AD_REF = A_REF.conj().T

S1, S2 = qubits("S1", "S2")
R = qubit("R")
B = boson("b")
J, g, h = sp.symbols("J g h", real=True)
omega, beta = sp.symbols("omega beta", positive=True)
t, p, nb = sp.symbols("t p nbar", positive=True)


def kron_all(mats: list[np.ndarray]) -> np.ndarray:
    return reduce(np.kron, mats, np.ones((1, 1), dtype=complex))


def system_matrix(mono: tuple) -> np.ndarray:
    """Reference matrix of a system Pauli string on (S1, S2)."""
    loc = dict(mono)
    assert set(loc) <= {"S1", "S2"}, f"not a system monomial: {mono}"
    return kron_all([PAULI_REF[loc[n]] if n in loc else I2 for n in ("S1", "S2")])


def random_rho(rng: np.random.Generator, d: int = 4) -> np.ndarray:
    """Random positive Hermitian matrix of trace one."""
    G = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    rho = G @ G.conj().T
    return rho / np.trace(rho).real


def evaluate_reference(expr: sp.Expr, rho_s: np.ndarray, values: dict) -> complex:
    """Value of a trace_out result: Expectation -> Tr[rho_S O], parameters -> numbers."""
    expr = sp.sympify(expr)
    repl = {}
    for s in expr.free_symbols:
        if isinstance(s, Expectation):
            repl[s] = complex(np.trace(rho_s @ system_matrix(s.monomial)))
        else:
            assert s in values, f"unexpected free symbol {s}"
            repl[s] = values[s]
    return complex(expr.xreplace(repl))


# --- generators: (operator, matrix on S1 (x) S2 (x) ancilla) ---------------------------------


def generators(ancilla: str) -> tuple[dict, dict]:
    """System and ancilla generators for an ancilla kind ('qubit' or 'boson')."""
    d_anc = 2 if ancilla == "qubit" else CUTOFF
    eye_anc = np.eye(d_anc, dtype=complex)
    system, anc = {}, {}
    for k, site in enumerate((S1, S2)):
        for label, op, mat in (
            ("x", sigma_x, SX),
            ("y", sigma_y, SY),
            ("z", sigma_z, SZ),
            ("+", sigma_plus, SP),
            ("-", sigma_minus, SM),
        ):
            factors = [I2, I2, eye_anc]
            factors[k] = mat
            system[f"{label}{site.name}"] = (op(site), kron_all(factors))
    if ancilla == "qubit":
        table = (("x", sigma_x, SX), ("y", sigma_y, SY), ("z", sigma_z, SZ), ("+", sigma_plus, SP))
        for label, op, mat in table:
            anc[f"{label}R"] = (op(R), kron_all([I2, I2, mat]))
    else:
        for label, op, mat in (
            ("a", annihilation, A_REF),
            ("ad", creation, AD_REF),
            ("n", number, AD_REF @ A_REF),
        ):
            anc[f"{label}b"] = (op(B), kron_all([I2, I2, mat]))
    return system, anc


GENS = {kind: generators(kind) for kind in ("qubit", "boson")}
COEFFS = [sp.Integer(1), sp.Integer(-2), sp.Rational(1, 3), sp.I, J, g, J * g, 1 - h]


def product(names: list[str], table: dict, d: int) -> tuple[Operator, np.ndarray]:
    op, mat = identity(), np.eye(d, dtype=complex)
    for n in names:
        op = op * table[n][0]
        mat = mat @ table[n][1]
    return op, mat


def numeric(c: sp.Expr, values: dict) -> complex:
    return complex(sp.sympify(c).xreplace(values))


def coupling_terms(kind: str) -> st.SearchStrategy:
    system, anc = GENS[kind]
    return st.lists(
        st.tuples(
            st.sampled_from(COEFFS),
            st.lists(st.sampled_from(sorted(system)), min_size=1, max_size=2),
            st.sampled_from(sorted(anc)),
        ),
        min_size=1,
        max_size=3,
    )


def observable_terms(kind: str) -> st.SearchStrategy:
    system, anc = GENS[kind]
    names = sorted(system) + sorted(anc)
    return st.lists(
        st.tuples(st.sampled_from(COEFFS), st.lists(st.sampled_from(names), max_size=2)),
        min_size=1,
        max_size=3,
    )


def build_coupling(terms: list, kind: str, values: dict) -> tuple[Operator, np.ndarray]:
    system, anc = GENS[kind]
    table = {**system, **anc}
    d = 4 * (2 if kind == "qubit" else CUTOFF)
    op, mat = Operator(), np.zeros((d, d), dtype=complex)
    for c, sys_word, anc_name in terms:
        o, m = product([*sys_word, anc_name], table, d)
        op = op + c * o
        mat = mat + numeric(c, values) * m
    return op, mat


def build_observable(terms: list, kind: str, values: dict) -> tuple[Operator, np.ndarray]:
    system, anc = GENS[kind]
    table = {**system, **anc}
    d = 4 * (2 if kind == "qubit" else CUTOFF)
    op, mat = Operator(), np.zeros((d, d), dtype=complex)
    for c, word in terms:
        o, m = product(word, table, d)
        op = op + c * o
        mat = mat + numeric(c, values) * m
    return op, mat


# --- ancilla states and their reference density matrices -----------------------------------


def thermal_diag(energies: np.ndarray, beta_value: float) -> np.ndarray:
    w = np.exp(-beta_value * (energies - energies.min()))
    return np.diag(w / w.sum()).astype(complex)


def qubit_states(values: dict) -> list[tuple[object, np.ndarray]]:
    """(state, rho_R) pairs for the qubit ancilla R, from their definitions."""
    w, b = float(values[omega]), float(values[beta])
    tv, pv = float(values[t]), float(values[p])
    h_r = np.array([-w / 2, w / 2])  # H = (omega/2) sigma_z
    return [
        (ThermalQubit(R, omega=omega, beta=beta), thermal_diag(h_r, b)),
        (ThermalQubit(R, omega=sp.Rational(3, 2), beta=sp.Rational(1, 2)),
         thermal_diag(np.array([-0.75, 0.75]), 0.5)),
        # tanh stands for tanh(beta omega/2): p0 = (1 + tanh)/2
        (ThermalQubit(R, tanh=t), np.diag([(1 + tv) / 2, (1 - tv) / 2]).astype(complex)),
        (DiagonalState(R, (1 - p, p)), np.diag([1 - pv, pv]).astype(complex)),
        (DiagonalState(R, (sp.Rational(1, 4), sp.Rational(3, 4))),
         np.diag([0.25, 0.75]).astype(complex)),
        # coherence: rho = (1 + x sigma_x + y sigma_y + z sigma_z)/2, symbolic Bloch vector
        (DensityMatrixState(R, bloch_rho(3 * t / 5, -p / 2, sp.Rational(3, 10))),
         0.5 * (I2 + 0.6 * tv * SX - 0.5 * pv * SY + 0.3 * SZ)),
        (DensityMatrixState(R, ((0.5, 0.25 - 0.125j), (0.25 + 0.125j, 0.5))),
         np.array([[0.5, 0.25 - 0.125j], [0.25 + 0.125j, 0.5]])),
    ]


def bloch_rho(x: sp.Expr, y: sp.Expr, z: sp.Expr) -> sp.Matrix:
    """(1 + x sigma_x + y sigma_y + z sigma_z)/2 with sigma_y = [[0, i], [-i, 0]]."""
    return sp.Matrix([[(1 - z) / 2, (x + sp.I * y) / 2], [(x - sp.I * y) / 2, (1 + z) / 2]])


def squeezed_reference(nbar: float, r: float, phi: float) -> np.ndarray:
    """S(xi) rho_th S(xi)^dag, S = expm[(xi^* a^2 - xi a^dag^2)/2], built on 3 CUTOFF levels
    and cut to CUTOFF (population beyond below 1e-12 for nbar <= 0.3, r <= 1/5)."""
    big = 3 * CUTOFF
    a = np.diag(np.sqrt(np.arange(1, big)), 1).astype(complex)
    xi = r * np.exp(1j * phi)
    s = expm((np.conj(xi) * a @ a - xi * a.conj().T @ a.conj().T) / 2)
    rho = s @ np.diag((nbar / (1 + nbar)) ** np.arange(big) / (1 + nbar)) @ s.conj().T
    assert abs(np.trace(rho[:CUTOFF, :CUTOFF]) - 1) < 1e-12
    return rho[:CUTOFF, :CUTOFF]


def oscillator_states(values: dict) -> list[tuple[object, np.ndarray]]:
    """(state, rho_b) pairs for the oscillator ancilla b (converged at CUTOFF levels)."""
    levels = np.arange(CUTOFF, dtype=float)
    nv = float(values[nb])
    bw_of = lambda n: np.log(1 + 1 / n)  # noqa: E731  (beta*omega for a mean number n)
    pops = np.zeros(CUTOFF)
    pops[:3] = [0.5, 0.3, 0.2]
    return [
        (ThermalOscillator(B, nbar=sp.Rational(3, 10)), thermal_diag(levels, bw_of(0.3))),
        (ThermalOscillator(B, nbar=nb), thermal_diag(levels, bw_of(nv))),
        (ThermalOscillator(B, omega=omega, beta=beta),
         thermal_diag(levels * float(values[omega]), float(values[beta]))),
        (DiagonalState(B, (sp.Rational(1, 2), sp.Rational(3, 10), sp.Rational(1, 5))),
         np.diag(pops).astype(complex)),
        (SqueezedThermalOscillator(B, nbar=nb, r=sp.Rational(1, 5), phi=t),
         squeezed_reference(nv, 0.2, float(values[t]))),
        (SqueezedThermalOscillator.from_moments(B, N=sp.Rational(1, 10), M=sp.I / 10),
         squeezed_reference(*moments_to_squeezing(0.1, 0.1j))),
        (DensityMatrixState(B, fock3), np.pad(np.array(fock3, dtype=complex),
                                              ((0, CUTOFF - 3), (0, CUTOFF - 3)))),
    ]


# a state on |0>, |1>, |2> with a coherence between |0> and |2> (zero mean <b>)
fock3 = ((sp.Rational(1, 2), 0, sp.Rational(1, 5)), (0, sp.Rational(3, 10), 0),
         (sp.Rational(1, 5), 0, sp.Rational(1, 5)))


def moments_to_squeezing(n: float, m: complex) -> tuple[float, float, float]:
    """(nbar, r, phi) with N = nbar cosh 2r + sinh^2 r, M = -(nbar + 1/2) e^{i phi} sinh 2r."""
    nbar = np.sqrt((n + 0.5) ** 2 - abs(m) ** 2) - 0.5
    return nbar, 0.5 * np.arcsinh(abs(m) / (nbar + 0.5)), float(np.angle(-m))


# omega*beta >= 1.6 keeps the oscillator's nbar below 0.25, converged at CUTOFF levels
values_strategy = st.fixed_dictionaries(
    {
        J: st.floats(-2, 2),
        g: st.floats(-2, 2),
        h: st.floats(-2, 2),
        omega: st.floats(0.8, 3),
        beta: st.floats(2.0, 4),
        t: st.floats(0.05, 0.95),
        p: st.floats(0.05, 0.95),
        nb: st.floats(0.01, 0.3),
    }
).map(lambda d: {k: sp.Float(v) for k, v in d.items()})


def check_against_matrices(x: Operator, mx: np.ndarray, state, rho_anc, rho_s, values) -> None:
    expr = trace_out(x, state)
    for s in expr.free_symbols:
        assert isinstance(s, Expectation) or s in values, s
        if isinstance(s, Expectation):
            assert {n for n, _ in s.monomial} <= {"S1", "S2"}
    got = evaluate_reference(expr, rho_s, values)
    want = np.trace(np.kron(rho_s, rho_anc) @ mx)
    scale = max(1.0, float(np.abs(mx).max()))
    assert abs(got - want) <= 1e-9 * scale, (got, want, state)


@settings(max_examples=30, deadline=None)
@given(
    v_terms=st.data(),
    values=values_strategy,
    seed=st.integers(0, 2**32 - 1),
)
def test_trace_out_qubit_ancilla_matches_matrices(v_terms, values, seed) -> None:
    data = v_terms
    v1, m1 = build_coupling(data.draw(coupling_terms("qubit")), "qubit", values)
    v2, m2 = build_coupling(data.draw(coupling_terms("qubit")), "qubit", values)
    o, mo = build_observable(data.draw(observable_terms("qubit")), "qubit", values)
    x = commutator(v2, commutator(v1, o))
    mx = m2 @ (m1 @ mo - mo @ m1) - (m1 @ mo - mo @ m1) @ m2
    rho_s = random_rho(np.random.default_rng(seed))
    for state, rho_r in qubit_states(values):
        check_against_matrices(x, mx, state, rho_r, rho_s, values)
        check_against_matrices(o, mo, state, rho_r, rho_s, values)


@settings(max_examples=15, deadline=None)
@given(data=st.data(), values=values_strategy, seed=st.integers(0, 2**32 - 1))
def test_trace_out_oscillator_ancilla_matches_matrices(data, values, seed) -> None:
    v1, m1 = build_coupling(data.draw(coupling_terms("boson")), "boson", values)
    v2, m2 = build_coupling(data.draw(coupling_terms("boson")), "boson", values)
    o, mo = build_observable(data.draw(observable_terms("boson")), "boson", values)
    x = commutator(v2, commutator(v1, o))
    c1 = m1 @ mo - mo @ m1
    mx = m2 @ c1 - c1 @ m2
    rho_s = random_rho(np.random.default_rng(seed))
    for state, rho_b in oscillator_states(values):
        check_against_matrices(x, mx, state, rho_b, rho_s, values)


def test_trace_out_uses_the_stated_conventions() -> None:
    """<sigma_z> = -tanh(beta omega/2); <a^dag a> = nbar; <a^dag^2 a^2> = 2 nbar^2."""
    th = ThermalQubit(R, omega=omega, beta=beta)
    assert trace_out(sigma_z(R), th) == -sp.tanh(beta * omega / 2)
    assert trace_out(sigma_x(R), th) == 0
    assert trace_out(sigma_plus(R) * sigma_minus(R), th) == (1 - sp.tanh(beta * omega / 2)) / 2
    assert trace_out(sigma_z(R), ThermalQubit(R, tanh=t)) == -t
    osc = ThermalOscillator(B, nbar=nb)
    assert trace_out(number(B), osc) == nb
    assert trace_out(annihilation(B) * creation(B), osc) == nb + 1
    assert sp.expand(trace_out(creation(B) ** 2 * annihilation(B) ** 2, osc) - 2 * nb**2) == 0
    assert trace_out(creation(B) * annihilation(B) ** 2, osc) == 0
    by_temp = trace_out(number(B), ThermalOscillator(B, omega=omega, beta=beta))
    assert sp.simplify(by_temp - 1 / (sp.exp(beta * omega) - 1)) == 0
    # diagonal boson state: <n> = sum_k k p_k, <a^dag^2 a^2> = sum_k k(k-1) p_k
    diag = DiagonalState(B, (sp.Rational(1, 3),) * 3)
    assert trace_out(number(B), diag) == 1
    assert trace_out(creation(B) ** 2 * annihilation(B) ** 2, diag) == sp.Rational(2, 3)
    # system monomials stay as Expectation symbols that remember their operator
    expr = trace_out(J * sigma_x(S1) * sigma_z(R) + sigma_y(S2), th)
    e_x = Expectation((("S1", 1),))
    e_y = Expectation((("S2", 2),))
    assert expr == -J * sp.tanh(beta * omega / 2) * e_x + e_y
    assert e_x.operator == sigma_x(S1)


def test_partial_trace_and_bath_mean() -> None:
    th = ThermalQubit(R, omega=omega, beta=beta)
    v = J * sigma_x(S1) * sigma_x(R) + g * sigma_y(S1) * sigma_y(R)
    assert bath_mean(v, th).is_zero()
    reduced = partial_trace(sigma_z(S1) * sigma_z(R) + 2 * sigma_x(S2), th)
    assert reduced == -sp.tanh(beta * omega / 2) * sigma_z(S1) + 2 * sigma_x(S2)
    assert bath_mean(J * sigma_z(S1) * sigma_z(R), ThermalQubit(R, tanh=t)) == -J * t * sigma_z(S1)


def test_numeric_evaluate_agrees_with_reference_substitution() -> None:
    """symthermo.numeric.matrices.evaluate on trace_out results (tensor order S1, S2)."""
    rng = np.random.default_rng(7)
    rho_s = random_rho(rng)
    th = ThermalQubit(R, omega=omega, beta=beta)
    v = J * sigma_x(S1) * sigma_x(R) + g * sigma_y(S2) * sigma_y(R)
    x = commutator(v, commutator(v, sigma_z(R) + h * sigma_x(S1) * sigma_x(S2)))
    expr = trace_out(x, th)
    values = {J: 0.7, g: -1.3, h: 0.4, omega: 1.1, beta: 0.9}
    want = evaluate_reference(expr, rho_s, {k: sp.Float(v) for k, v in values.items()})
    got = evaluate(expr, rho_s, [S1, S2], params=values)
    assert abs(got - want) < 1e-10


# --- the common-reservoir currents (Eqs. (21)-(24) of the common-reservoirs paper) -----------


W1, W2, WR = sp.symbols("omega_S1 omega_S2 omega_R", positive=True)
JXS, JYS, JX1, JY1, JX2, JY2 = sp.symbols("Jx_s Jy_s Jx_1 Jy_1 Jx_2 Jy_2", real=True)
BETA = sp.Symbol("beta_R", positive=True)


def common_reservoir_model():
    h_s = (
        W1 / 2 * sigma_z(S1)
        + W2 / 2 * sigma_z(S2)
        + JXS * sigma_x(S1) * sigma_x(S2)
        + JYS * sigma_y(S1) * sigma_y(S2)
    )
    h_r = WR / 2 * sigma_z(R)
    v = [
        JX1 * sigma_x(S1) * sigma_x(R) + JY1 * sigma_y(S1) * sigma_y(R),
        JX2 * sigma_x(S2) * sigma_x(R) + JY2 * sigma_y(S2) * sigma_y(R),
    ]
    return h_s, h_r, v


def derived_currents() -> dict[str, sp.Expr]:
    h_s, h_r, v = common_reservoir_model()
    state = ThermalQubit(R, omega=WR, beta=BETA)
    half = sp.Rational(1, 2)

    def dc(i: int, j: int, x: Operator) -> sp.Expr:  # <[V_j, [V_i, X]]>
        return trace_out(commutator(v[j], commutator(v[i], x)), state)

    pairs_loc = [(0, 0), (1, 1)]
    pairs_non = [(0, 1), (1, 0)]
    return {
        "Qloc": half * sum(dc(i, j, h_r) for i, j in pairs_loc),
        "Qnonloc": half * sum(dc(i, j, h_r) for i, j in pairs_non),
        "Wloc": -half * sum(dc(i, j, h_s + h_r) for i, j in pairs_loc),
        "Wnonloc": -half * sum(dc(i, j, h_s + h_r) for i, j in pairs_non),
    }


def matrix_currents(values: dict, rho_s: np.ndarray) -> dict[str, float]:
    """Brute force: Tr[(rho_S (x) rho_R) [V_j, [V_i, X]]] with 8x8 matrices (S1, S2, R)."""
    f = {k: float(v) for k, v in values.items()}
    x1, y1, z1 = (kron_all([m, I2, I2]) for m in (SX, SY, SZ))
    x2, y2, z2 = (kron_all([I2, m, I2]) for m in (SX, SY, SZ))
    xr, yr, zr = (kron_all([I2, I2, m]) for m in (SX, SY, SZ))
    h_s = f[W1] / 2 * z1 + f[W2] / 2 * z2 + f[JXS] * x1 @ x2 + f[JYS] * y1 @ y2
    h_r = f[WR] / 2 * zr
    v = [f[JX1] * x1 @ xr + f[JY1] * y1 @ yr, f[JX2] * x2 @ xr + f[JY2] * y2 @ yr]
    rho_r = thermal_diag(np.array([-f[WR] / 2, f[WR] / 2]), f[BETA])
    rho = np.kron(rho_s, rho_r)

    def c(a, b):
        return a @ b - b @ a

    def dc(i, j, x):
        return np.trace(rho @ c(v[j], c(v[i], x)))

    return {
        "Qloc": 0.5 * (dc(0, 0, h_r) + dc(1, 1, h_r)),
        "Qnonloc": 0.5 * (dc(0, 1, h_r) + dc(1, 0, h_r)),
        "Wloc": -0.5 * (dc(0, 0, h_s + h_r) + dc(1, 1, h_s + h_r)),
        "Wnonloc": -0.5 * (dc(0, 1, h_s + h_r) + dc(1, 0, h_s + h_r)),
    }


CURRENTS = derived_currents()


@settings(max_examples=25, deadline=None)
@given(
    params=st.lists(st.floats(-2, 2), min_size=6, max_size=6),
    freqs=st.lists(st.floats(0.1, 3), min_size=3, max_size=3),
    beta_value=st.floats(0.05, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_common_reservoir_currents_match_matrices(params, freqs, beta_value, seed) -> None:
    values = dict(zip((JXS, JYS, JX1, JY1, JX2, JY2), params, strict=True))
    values.update(zip((W1, W2, WR), freqs, strict=True))
    values[BETA] = beta_value
    values = {k: sp.Float(v) for k, v in values.items()}
    rho_s = random_rho(np.random.default_rng(seed))
    want = matrix_currents(values, rho_s)
    for name, expr in CURRENTS.items():
        got = evaluate_reference(expr, rho_s, values)
        assert abs(got.imag) < 1e-9, (name, got)
        assert abs(got - want[name]) < 1e-9 * max(1.0, abs(want[name])), (name, got, want)


def test_common_reservoir_currents_structure() -> None:
    """Free symbols are parameters and system expectations; heat needs the bath's tanh."""
    allowed = {W1, W2, WR, JXS, JYS, JX1, JY1, JX2, JY2, BETA}
    for name, expr in CURRENTS.items():
        params = {s for s in expr.free_symbols if not isinstance(s, Expectation)}
        assert params <= allowed, (name, params)
        assert expr != 0, name
    # the non-local heat involves two-site system correlations only
    for e in (s for s in CURRENTS["Qnonloc"].free_symbols if isinstance(s, Expectation)):
        assert len(e.monomial) == 2, e


# --- errors ---------------------------------------------------------------------------------------


def test_populations_not_summing_to_one_are_refused() -> None:
    with pytest.raises(StateError, match=r"populations of site 'R' sum to p \+ 1/2, not 1"):
        DiagonalState(R, (sp.Rational(1, 2), p))
    with pytest.raises(StateError, match=r"site .b. sum to 11/10, not 1: normalise them"):
        DiagonalState(B, (0.5, 0.4, 0.2))
    with pytest.raises(StateError, match=r"a qubit state needs 2 populations \(p0, p1\), got 3"):
        DiagonalState(R, (0.5, 0.25, 0.25))
    with pytest.raises(StateError, match=r"population -1/2 of site 'R' is negative"):
        DiagonalState(R, (sp.Rational(3, 2), sp.Rational(-1, 2)))
    with pytest.raises(StateError, match=r"population must be a number or sympy expression"):
        DiagonalState(R, ("half", 0.5))
    assert issubclass(StateError, SymthermoError)


def test_malformed_ancilla_states_are_refused() -> None:
    with pytest.raises(StateError, match=r"ThermalQubit describes a qubit, but site 'b' is a"):
        ThermalQubit(B, omega=omega, beta=beta)
    with pytest.raises(StateError, match=r"ThermalOscillator describes a boson, but site 'R'"):
        ThermalOscillator(R, nbar=nb)
    with pytest.raises(StateError, match=r"either omega and beta, or tanh"):
        ThermalQubit(R, omega=omega, beta=beta, tanh=t)
    with pytest.raises(StateError, match=r"either omega and beta, or tanh"):
        ThermalQubit(R, omega=omega)
    with pytest.raises(StateError, match=r"either omega and beta, or tanh"):
        ThermalQubit(R, omega=omega, tanh=t)  # half a temperature and a tanh: ambiguous
    with pytest.raises(StateError, match=r"needs either nbar, or omega and beta"):
        ThermalOscillator(B)
    with pytest.raises(StateError, match=r"needs either nbar, or omega and beta"):
        ThermalOscillator(B, nbar=nb, beta=beta)
    with pytest.raises(StateError, match=r"infinitely many levels: pass `levels`"):
        ThermalOscillator(B, nbar=nb).populations()
    th = ThermalQubit(R, omega=omega, beta=beta)
    with pytest.raises(StateError, match=r"two states given for ancilla site 'R'"):
        trace_out(sigma_z(R), [th, ThermalQubit(R, tanh=t)])
    with pytest.raises(StateError, match=r"expected ancilla states"):
        trace_out(sigma_z(R), ["R"])
    boson_on_r = monomial_operator((("R", (1, 1)),))
    with pytest.raises(StateError, match=r"acts on 'R' as a boson but its state is for a qubit"):
        trace_out(boson_on_r, th)


def test_operator_sum_of_currents_is_consistent() -> None:
    """Sum over all (i, j) of the double commutator = [V, [V, X]] with V = sum_i V_i."""
    h_s, h_r, v = common_reservoir_model()
    total = operator_sum(v)
    x = h_s + h_r
    full = commutator(total, commutator(total, x))
    parts = operator_sum(commutator(v[j], commutator(v[i], x)) for i in (0, 1) for j in (0, 1))
    assert full == parts
