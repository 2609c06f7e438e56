"""The fault hunt as a test suite: bad input through the public API and the command line.

Every case must end in a clear error (a :class:`~symthermo.errors.SymthermoError` whose
message names what is wrong) or in the correct value, never in a silent wrong number, a
non-physical state or a bare IndexError/KeyError/AttributeError/LinAlgError from deep inside;
the command line must answer a user error with one line ``symthermo: error: ...`` and exit 2.
The classes follow issue 13: the five bugs of the hunt (regression tests), coefficients,
site kinds, numeric parameter values, initial states, measures, tolerances, system-boson
truncation, Heisenberg equations, sweeps, kernels, and the command line.  Hypothesis draws
further bad values where a whole family of inputs must behave alike.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symthermo.algebra import boson, commutator, expectation, qubit, qubits
from symthermo.errors import (
    ArgumentError,
    CoefficientError,
    ModelError,
    ParameterError,
    SiteError,
    SymthermoError,
)
from symthermo.model import bath, collision_model
from symthermo.numeric.errors import (
    DegenerateSteadyStateError,
    InvalidDensityMatrixError,
    NumericDomainError,
)
from symthermo.numeric.matrices import evaluate, operator_matrix
from symthermo.numeric.measures import (
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
from symthermo.numeric.model_dynamics import (
    LiouvillianBuilder,
    lindblad_liouvillian_of,
    model_steady_state,
    steady_states_sweep,
)
from symthermo.numeric.steady import steady_state, steady_states_batched
from symthermo.states import ThermalOscillator, ThermalQubit
from symthermo.thermo import heat_current, heisenberg_equation
from symthermo.validate import (
    choice,
    positive_finite,
    real_number,
    validate_parameter_values,
)

ROOT = Path(__file__).resolve().parent.parent
HAS_CC = shutil.which("cc") is not None
needs_cc = pytest.mark.skipif(not HAS_CC, reason="no C compiler")

S1, S2, R = qubits("S1", "S2", "R")
W, G1, G2, XI, J = sp.symbols("omega g_1 g_2 xi J", real=True)


def common_bath_model(g2=G2):
    """Two qubits in one common reservoir qubit (the README model without H_I)."""
    reservoir = bath(
        "R", ThermalQubit(R, tanh=XI), W / 2 * R.z,
        {"S1": G1 * (S1.x * R.x + S1.y * R.y), "S2": g2 * (S2.x * R.x + S2.y * R.y)},
    )
    return collision_model([S1, S2], W / 2 * (S1.z + S2.z), reservoir,
                           interaction=J * S1.x * S2.x)


MODEL = common_bath_model()
VALUES = {W: 1.0, G1: 0.5, G2: 0.8, XI: 0.4, J: 0.3}

# values that are not one real, finite number: (label, value)
BAD_SCALARS = [
    ("None", None),
    ("nan", float("nan")),
    ("inf", float("inf")),
    ("-inf", float("-inf")),
    ("np.nan", np.nan),
    ("np.float64 inf", np.float64("inf")),
    ("complex", 1 + 2j),
    ("np.complex128", np.complex128(0.5 + 0.1j)),
    ("sympy.I", sp.I),
    ("sympy.nan", sp.nan),
    ("sympy.oo", sp.oo),
    ("sympy.zoo", sp.zoo),
    ("string", "0.5"),
    ("bool", True),
    ("list", [0.5, 0.6]),
    ("array", np.array([0.5, 0.6])),
    ("2-d array", np.ones((2, 2))),
    ("dict", {"a": 1}),
    ("symbol", sp.Symbol("x")),
    ("object", object()),
]
BAD_IDS = [label for label, _ in BAD_SCALARS]
BAD_VALUES = [value for _, value in BAD_SCALARS]


def assert_names(exc: pytest.ExceptionInfo, *words: str) -> None:
    text = str(exc.value)
    for w in words:
        assert w in text, f"{w!r} not in {text!r}"


# --------------------------------------------------------------------------------------------
# 1. the five bugs of the hunt (regression tests)
# --------------------------------------------------------------------------------------------


@needs_cc
def test_compile_c_kernels_twice_in_one_directory_runs_each_library(tmp_path: Path) -> None:
    from symthermo.emit import Quantity, compile_c_kernels

    a, b = sp.symbols("a b", real=True)
    z = expectation(S1.z)
    first = compile_c_kernels([Quantity("q", a * z)], [S1], directory=tmp_path)
    second = compile_c_kernels([Quantity("q", b**2 * z + 1), Quantity("p", b - z)], [S1],
                               directory=tmp_path)
    assert first.path != second.path
    assert first.evaluate(a=2.0, E_S1z=3.0)["q"] == 6.0
    out = second.evaluate(b=2.0, E_S1z=3.0)
    assert out["q"] == 13.0 and out["p"] == -1.0
    # the same content again: the same file, the same numbers
    again = compile_c_kernels([Quantity("q", a * z)], [S1], directory=tmp_path)
    assert again.path == first.path and again.evaluate(a=-1.0, E_S1z=0.5)["q"] == -0.5


@pytest.mark.parametrize("backend", ["c", "numpy"])
@pytest.mark.parametrize("condition_limit", [None, 1e12])
def test_degenerate_point_is_flagged_by_both_backends(backend: str, condition_limit) -> None:
    """Equal couplings in one common reservoir: a dark state, a 2-d stationary space."""
    from symthermo.numeric import steady_c

    if backend == "c" and not steady_c.available():
        pytest.skip("no compiled solver")
    builder = LiouvillianBuilder(common_bath_model(g2=G1))
    point = {"omega": 1.0, "g_1": 0.5, "xi": 0.4, "J": 0.0}
    with pytest.raises(DegenerateSteadyStateError):
        builder.steady_states(point, condition_limit=condition_limit, backend=backend)
    rho = builder.steady_states(point, condition_limit=condition_limit, backend=backend,
                                on_degenerate="nan")
    assert np.isnan(rho).all()
    # unequal couplings: a unique steady state, solved, and a state
    generic = LiouvillianBuilder(MODEL)
    point = {str(k): v for k, v in VALUES.items()}
    good = generic.steady_states(point, condition_limit=condition_limit, backend=backend)
    ref = steady_state(generic(point)).rho
    assert np.allclose(good, ref, atol=1e-10)
    assert np.linalg.eigvalsh(good).min() > -1e-10


@pytest.mark.parametrize("bad", ["Tau", "TAU", "stroke", "Strokes", " tau", "round", "", None,
                                 1, "tau "])
def test_round_duration_typo_is_refused(bad) -> None:
    with pytest.raises(ModelError) as exc:
        MODEL.replace(round_duration=bad)
    assert_names(exc, "round_duration", "'tau'", "'strokes'")
    with pytest.raises(ModelError):
        collision_model([S1, S2], MODEL.hamiltonian, MODEL.baths, round_duration=bad)


def test_round_duration_valid_values_keep_their_meaning() -> None:
    cascaded = MODEL.with_scheme("cascaded")
    per_stroke = cascaded.replace(round_duration="strokes")
    q_tau = heat_current(cascaded, "R")
    q_strokes = heat_current(per_stroke, "R")
    assert sp.expand(q_tau - 2 * q_strokes) == 0  # two strokes per round


@pytest.mark.parametrize(
    "make",
    [
        lambda: 2 * expectation(S1.z),
        lambda: expectation(S1.z),
        lambda: expectation(S1.x * S2.x) * W - expectation(S1.z) ** 2,
        lambda: heat_current(MODEL, "R"),
        lambda: expectation(boson("a").adag * boson("a").a) / 3,
        lambda: expectation(boson("a").a) + expectation(boson("a").adag ** 2),
    ],
    ids=["2<z>", "<z>", "mixed", "heat current", "<n>/3", "boson ladder"],
)
def test_sympy_printers_show_expectation_values(make) -> None:
    expr = make()
    latex = sp.latex(expr)
    assert r"\langle" in latex and r"\rangle" in latex
    pretty = sp.pretty(expr)
    assert "<" in pretty and ">" in pretty and "E[]" not in pretty
    assert "<" in str(expr)


def test_symthermo_latex_printer_keeps_its_notation() -> None:
    from symthermo.emit import latex

    text = latex(2 * expectation(S1.z))
    assert text == r"2 \langle \hat{\sigma}^{z}_{S_1} \rangle_{\rho_S}"


def test_steady_json_into_a_closed_pipe_ends_quietly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "symthermo.cli", "steady", "memoryless_ness", "--model", "xy",
         "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    first = proc.stdout.readline()  # like `| head -1`
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    code = proc.wait(timeout=600)
    assert first.strip() == b"{"
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
    assert code == 0


# --------------------------------------------------------------------------------------------
# 2a. coefficients
# --------------------------------------------------------------------------------------------

PHI = sp.Symbol("phi", real=True)


def _matrix(op, sites, values):
    return operator_matrix(op, sites, params=values)


@pytest.mark.parametrize(
    "c",
    [sp.exp(sp.I * PHI), sp.exp(-2 * sp.I * PHI) * W, sp.exp(sp.I * PHI + W), (1 + sp.I) ** 2,
     sp.sqrt(-2), sp.cos(sp.I * W), sp.exp(sp.I * sp.pi / 7), 1 / (1 + sp.I * W),
     sp.exp(sp.Rational(1, 2) * sp.I * PHI), sp.I * sp.tanh(W)],
    ids=str,
)
def test_complex_atoms_are_conjugated_correctly(c) -> None:
    """dagger of c sigma_+ agrees with the conjugate transpose of its matrix."""
    values = {PHI: 0.7, W: 0.3}
    op = c * S1.plus + 2 * S1.z
    m = _matrix(op, [S1], values)
    assert np.allclose(_matrix(op.dagger(), [S1], values), m.conj().T, atol=1e-13)
    assert op.is_hermitian() == np.allclose(m, m.conj().T, atol=1e-13)
    herm = c * S1.plus + op.dagger() - 2 * S1.z
    assert herm.is_hermitian()


def test_phase_atoms_cancel_exactly() -> None:
    e = sp.exp(sp.I * PHI)
    assert (e * S1.x) * (sp.exp(-sp.I * PHI) * S1.x) == 1
    coupling = e * S1.plus * R.minus + sp.exp(-sp.I * PHI) * S1.minus * R.plus
    assert coupling.is_hermitian()
    assert not (e * S1.plus * R.minus + e * S1.minus * R.plus).is_hermitian()


@pytest.mark.parametrize(
    "symbol",
    [sp.Symbol("z", complex=True), sp.Symbol("z", imaginary=True),
     sp.Symbol("z", extended_real=False)],
    ids=["complex", "imaginary", "not real"],
)
def test_symbols_declared_complex_are_refused(symbol) -> None:
    with pytest.raises(CoefficientError) as exc:
        symbol * S1.z
    assert_names(exc, "z", "real")


@pytest.mark.parametrize("c", [sp.I, (1 + sp.I) ** 2, sp.exp(sp.I * PHI), 1j, sp.I * W])
@pytest.mark.parametrize("where", ["hamiltonian", "interaction", "coupling", "bath hamiltonian"])
def test_non_hermitian_operators_are_refused_by_the_model(c, where: str) -> None:
    h, hi, hr = W / 2 * (S1.z + S2.z), J * S1.x * S2.x, W / 2 * R.z
    v = G1 * (S1.x * R.x + S1.y * R.y)
    if where == "hamiltonian":
        h = h + c * S1.z
    elif where == "interaction":
        hi = hi + c * S1.x * S2.x
    elif where == "coupling":
        v = v + c * S1.x * R.x
    else:
        hr = hr + c * R.z
    with pytest.raises(ModelError, match="Hermitian"):
        collision_model([S1, S2], h, bath("R", ThermalQubit(R, tanh=XI), hr, {"S1": v}),
                        interaction=hi)


NON_FINITE = [float("nan"), float("inf"), -float("inf"), np.nan, np.float64("inf"),
              np.float32("nan"), sp.nan, sp.oo, -sp.oo, sp.zoo, complex(float("nan"), 0),
              sp.Float("nan"), sp.oo * W]


@pytest.mark.parametrize("c", NON_FINITE, ids=repr)
def test_non_finite_coefficients_are_refused_from_either_side(c) -> None:
    with pytest.raises(CoefficientError):
        S1.z * c
    with pytest.raises(CoefficientError):
        S1.z + c
    with pytest.raises(CoefficientError):
        S1.z / c if c != 0 else S1.z * c
    # c * op: refused at once, or (sympy's nan/oo absorb the operator first) by the model
    try:
        left = c * S1.z
    except CoefficientError:
        return
    with pytest.raises((CoefficientError, ModelError)):
        collision_model([S1], left, bath("R", ThermalQubit(R, tanh=XI), W * R.z,
                                         {"S1": G1 * S1.x * R.x}))
    with pytest.raises(SymthermoError):
        commutator(left, S1.x)


@pytest.mark.parametrize(
    "number, python",
    [(np.float64(0.25), 0.25), (np.float32(0.5), 0.5), (np.int64(3), 3), (np.int8(-2), -2),
     (np.complex128(1j), 1j), (np.float64(1e-300), 1e-300), (Fraction(1, 3), Fraction(1, 3)),
     (np.uint16(7), 7)],
    ids=repr,
)
def test_numpy_scalars_are_numbers_on_both_sides(number, python) -> None:
    ref = python * S1.x
    assert number * S1.x == ref
    assert S1.x * number == ref
    assert (S1.x + number) == S1.x + python


@pytest.mark.parametrize("bad", [np.array([1.0, 2.0]), [1, 2], "J", np.ones((2, 2)), True,
                                 sp.Matrix([1, 2]), None, S1.x.terms])
def test_non_scalars_are_refused_as_coefficients(bad) -> None:
    with pytest.raises(CoefficientError):
        S1.x * bad
    with pytest.raises((CoefficientError, TypeError)):
        bad * S1.x


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.integers(min_value=-10**6, max_value=10**6),
    st.fractions(max_denominator=1000),
))
def test_finite_numbers_of_every_kind_scale_an_operator(x) -> None:
    for value in (x, np.float64(x) if not isinstance(x, Fraction) else x):
        op = value * (S1.x + S2.z)
        if x == 0:
            assert op.is_zero()
        else:
            m = operator_matrix(op, [S1, S2])
            assert np.allclose(m, float(x) * operator_matrix(S1.x + S2.z, [S1, S2]))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([float("nan"), float("inf"), -float("inf")]).map(
    lambda v: [v, np.float64(v), complex(v, 0), complex(0, v)]))
def test_non_finite_numbers_never_become_coefficients(values) -> None:
    for v in values:
        with pytest.raises(CoefficientError):
            S1.x * v


# --------------------------------------------------------------------------------------------
# 2b. site kinds
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["hamiltonian", "interaction", "coupling", "bath hamiltonian",
                                   "ancilla"])
def test_a_name_used_as_qubit_and_boson_is_refused(where: str) -> None:
    q, b = qubit("A"), boson("A")
    sites = [q, S2]
    h, hi, hr = W * q.z + W * S2.z, J * q.x * S2.x, W * R.z
    v = {"A": G1 * (q.x * R.x), "S2": G1 * S2.x * R.x}
    if where == "hamiltonian":
        h = h + W * b.n
    elif where == "interaction":
        hi = hi + J * (b.a + b.adag) * S2.x
    elif where == "coupling":
        v["A"] = G1 * (b.a + b.adag) * R.x
    elif where == "bath hamiltonian":
        hr = hr + W * boson("R").n
    else:
        v["S2"] = G1 * S2.x * (boson("R").a + boson("R").adag)
    with pytest.raises((ModelError, SiteError)) as exc:
        collision_model(sites, h, bath("R", ThermalQubit(R, tanh=XI), hr, v), interaction=hi)
    assert "qubit" in str(exc.value) and "boson" in str(exc.value)


def test_products_of_mixed_kinds_are_refused() -> None:
    q, b = qubit("A"), boson("A")
    with pytest.raises(SiteError, match="both as a qubit and as a boson"):
        q.x * b.a
    with pytest.raises(SiteError):
        commutator(q.z, b.n)
    with pytest.raises(SymthermoError, match="boson"):
        ThermalOscillator(q, nbar=1)
    with pytest.raises(SiteError):
        operator_matrix(b.n, [q], cutoff=3)


# --------------------------------------------------------------------------------------------
# 2c. numeric parameter values
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", BAD_VALUES, ids=BAD_IDS)
def test_bad_parameter_values_are_refused_by_name_in_the_matrix_route(bad) -> None:
    values = {**VALUES, G1: bad}
    with pytest.raises(ParameterError) as exc:
        operator_matrix(MODEL.bath("R").coupling_map["S1"], [S1, S2, R], params=values)
    assert_names(exc, "g_1")
    rho = np.eye(4) / 4
    with pytest.raises(ParameterError) as exc:
        evaluate(heat_current(MODEL, "R"), rho, [S1, S2], values)
    assert_names(exc, "g_1")


@pytest.mark.parametrize("bad", BAD_VALUES, ids=BAD_IDS)
def test_bad_parameter_values_are_refused_by_name_in_steady_states(bad) -> None:
    values = {**VALUES, XI: bad}
    with pytest.raises(ParameterError) as exc:
        model_steady_state(MODEL, values)
    assert_names(exc, "xi")
    with pytest.raises(ParameterError) as exc:
        lindblad_liouvillian_of(MODEL, {str(k): v for k, v in values.items()})
    assert_names(exc, "xi")


BAD_ARRAYS = [
    ("None", None), ("nan", np.array([0.1, np.nan])), ("inf", np.array([np.inf, 0.2])),
    ("complex", np.array([0.1 + 1j, 0.2])), ("strings", np.array(["a", "b"])),
    ("object None", [0.1, None]), ("sympy nan", [sp.nan, 0.1]), ("nested str", ["0.1", 0.2]),
    ("complex scalar", 1j), ("nan scalar", float("nan")),
]


@pytest.mark.parametrize("bad", [v for _, v in BAD_ARRAYS], ids=[k for k, _ in BAD_ARRAYS])
def test_bad_sweep_values_are_refused_by_name(bad) -> None:
    builder = LiouvillianBuilder(MODEL)
    values = {"omega": 1.0, "g_1": 0.5, "g_2": 0.8, "xi": bad, "J": 0.3}
    with pytest.raises(ParameterError) as exc:
        builder.steady_states(values)
    assert_names(exc, "xi")
    with pytest.raises(ParameterError) as exc:
        builder(values)
    assert_names(exc, "xi")
    with pytest.raises(ParameterError) as exc:
        steady_states_sweep(MODEL, values)
    assert_names(exc, "xi")


def test_missing_sweep_values_are_named_and_shapes_must_broadcast() -> None:
    builder = LiouvillianBuilder(MODEL)
    with pytest.raises(ParameterError) as exc:
        builder({"omega": 1.0, "g_1": 0.5, "g_2": 0.8, "J": 0.3})
    assert_names(exc, "xi")
    with pytest.raises(ParameterError, match="broadcast"):
        builder({"omega": np.ones(3), "g_1": np.ones(2), "g_2": 0.8, "xi": 0.1, "J": 0.3})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.none(), st.text(max_size=4), st.booleans(),
    st.complex_numbers(allow_nan=True, allow_infinity=True).filter(lambda z: z.imag != 0),
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.lists(st.floats(allow_nan=False), min_size=2, max_size=3),
))
def test_validate_parameter_values_refuses_every_non_real_scalar(bad) -> None:
    with pytest.raises(ParameterError) as exc:
        validate_parameter_values({"beta": bad})
    assert "beta" in str(exc.value)


@settings(max_examples=80, deadline=None)
@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                 st.integers(min_value=-10**12, max_value=10**12),
                 st.fractions(max_denominator=10**6)))
def test_validate_parameter_values_keeps_real_numbers(x) -> None:
    out = validate_parameter_values({"beta": x, sp.Symbol("g"): np.float64(float(x))})
    assert out["beta"] == float(x) and out[sp.Symbol("g")] == float(x)


def test_sympy_numbers_stay_exact_and_are_checked() -> None:
    out = validate_parameter_values({"a": sp.Rational(1, 3), "b": sp.sqrt(2)})
    assert out["a"] == sp.Rational(1, 3) and out["b"] == sp.sqrt(2)
    for bad in (sp.sqrt(-2), sp.oo, sp.nan, sp.zoo, sp.I):
        with pytest.raises(ParameterError):
            validate_parameter_values({"a": bad})


def test_real_number_messages_name_value_and_range() -> None:
    with pytest.raises(ParameterError) as exc:
        real_number("T_c", float("inf"))
    assert_names(exc, "T_c", "inf", "finite")
    with pytest.raises(ParameterError) as exc:
        real_number("g", 1 + 2j)
    assert_names(exc, "g", "complex", "real")
    with pytest.raises(ParameterError) as exc:
        real_number("g", np.zeros(3))
    assert_names(exc, "g", "single number", "(3,)")
    assert real_number("g", np.array(0.5)) == 0.5
    assert real_number("g", 1 + 0j) == 1.0


# --------------------------------------------------------------------------------------------
# 2d. initial states, measures, tolerances
# --------------------------------------------------------------------------------------------

DEGENERATE_L = lindblad_liouvillian_of(common_bath_model(g2=G1),
                                       {W: 1.0, G1: 0.5, XI: 0.4, J: 0.0})

BAD_STATES = [
    ("not Hermitian", np.array([[0.5, 0.5], [0.0, 0.5]]), "hermitian"),
    ("trace 2", np.eye(2), "unit trace"),
    ("negative", np.diag([1.5, -0.5]), "positive semidefinite"),
]


def _lift(rho2: np.ndarray) -> np.ndarray:
    return np.kron(rho2, np.eye(2) / 2)


@pytest.mark.parametrize("label, rho2, condition", BAD_STATES, ids=[b[0] for b in BAD_STATES])
def test_initial_state_of_a_projection_is_checked_as_a_density_matrix(label, rho2, condition):
    with pytest.raises(InvalidDensityMatrixError) as exc:
        steady_state(DEGENERATE_L, initial_state=_lift(rho2))
    assert exc.value.condition == condition


@pytest.mark.parametrize("bad", [np.full((4, 4), np.nan), np.eye(3) / 3, None, "ground",
                                 np.eye(4)[None] / 4, [[1, 0], [0, 0]]],
                         ids=["nan", "3x3", "None-as-array", "string", "stack", "2x2"])
def test_malformed_initial_states_are_refused(bad) -> None:
    if bad is None:  # None means "no initial state": a degenerate L then says so
        with pytest.raises(DegenerateSteadyStateError, match="initial_state"):
            steady_state(DEGENERATE_L, initial_state=None)
        return
    with pytest.raises(NumericDomainError):
        steady_state(DEGENERATE_L, initial_state=bad)


def test_a_valid_initial_state_projects_to_a_state() -> None:
    ss = steady_state(DEGENERATE_L, initial_state=np.diag([1.0, 0, 0, 0]))
    assert ss.stationary_dimension == 2
    assert np.linalg.eigvalsh(ss.rho).min() > -1e-10
    assert abs(np.trace(ss.rho) - 1) < 1e-12


RHO = np.diag([0.7, 0.3]).astype(complex)
H = np.diag([-0.5, 0.5])
BAD_RHOS = [
    ("nan", np.array([[np.nan, 0], [0, 1.0]])),
    ("inf", np.array([[np.inf, 0], [0, 1.0]])),
    ("not square", np.ones((2, 3)) / 2),
    ("empty", np.zeros((0, 0))),
    ("non-Hermitian", np.array([[0.5, 0.3], [0.0, 0.5]])),
    ("negative", np.diag([1.2, -0.2])),
    ("trace", np.diag([0.2, 0.2])),
    ("strings", np.array([["a", "b"], ["c", "d"]])),
    ("None", None),
]
MEASURES = [
    ("von_neumann_entropy", lambda r: von_neumann_entropy(r)),
    ("l1_coherence", lambda r: l1_coherence(r)),
    ("relative_entropy_of_coherence", lambda r: relative_entropy_of_coherence(r)),
    ("ergotropy", lambda r: ergotropy(r, H)),
    ("ergotropy_split", lambda r: ergotropy_split(r, H)),
    ("effective_temperature", lambda r: effective_temperature(r, 1.0)),
    ("check_density_matrix", lambda r: check_density_matrix(r)),
]


@pytest.mark.parametrize("measure", [m for _, m in MEASURES], ids=[n for n, _ in MEASURES])
@pytest.mark.parametrize("bad", [r for _, r in BAD_RHOS], ids=[n for n, _ in BAD_RHOS])
def test_measures_refuse_bad_states(measure, bad) -> None:
    with pytest.raises(NumericDomainError):
        measure(bad)


BAD_HAMILTONIANS = [
    ("non-Hermitian", np.array([[0.0, 1.0], [0.0, 0.0]])),
    ("nan", np.array([[np.nan, 0], [0, 1.0]])),
    ("inf", np.diag([np.inf, 1.0])),
    ("wrong shape", np.eye(3)),
    ("complex diagonal", np.diag([1j, 0])),
]


@pytest.mark.parametrize("bad", [h for _, h in BAD_HAMILTONIANS],
                         ids=[n for n, _ in BAD_HAMILTONIANS])
def test_measures_refuse_bad_hamiltonians(bad) -> None:
    with pytest.raises(NumericDomainError):
        ergotropy(RHO, bad)
    with pytest.raises(NumericDomainError):
        ergotropy_split(RHO, bad)
    if bad.shape == (2, 2):
        with pytest.raises(NumericDomainError):
            energy_basis(bad)


def test_measures_keep_their_values_on_valid_input() -> None:
    rho = np.array([[0.3, 0.2], [0.2, 0.7]])
    assert ergotropy(rho, H) == pytest.approx(
        np.trace(rho @ H).real - np.sort(np.linalg.eigvalsh(rho))[::-1] @ np.linalg.eigvalsh(H))
    assert l1_coherence(rho) == pytest.approx(0.4)


@pytest.mark.parametrize("bad", [[np.nan, 1.0], [np.inf, 1.0], [1j, 1.0], None, ["a", "b"]])
def test_entropy_production_refuses_bad_currents_and_betas(bad) -> None:
    with pytest.raises(NumericDomainError):
        entropy_production_rate(bad, [1.0, 2.0])
    with pytest.raises(NumericDomainError):
        entropy_production_rate([0.1, -0.1], bad)


@pytest.mark.parametrize("bad", [[0.0, 1.0], [-1.0, 2.0]])
def test_entropy_production_needs_positive_betas(bad) -> None:
    with pytest.raises(NumericDomainError, match="positive"):
        entropy_production_rate([0.1, -0.1], bad)


@pytest.mark.parametrize("tol", [float("nan"), float("inf"), -1e-3, None, "1e-3", 1j])
def test_tolerances_must_be_positive_and_finite(tol) -> None:
    rho = np.eye(2) / 2
    with pytest.raises(SymthermoError):
        check_density_matrix(rho, atol=tol)
    with pytest.raises(SymthermoError):
        steady_state(DEGENERATE_L, initial_state=np.eye(4) / 4, rtol=tol)
    with pytest.raises(SymthermoError):
        steady_states_batched(DEGENERATE_L[None], condition_limit=tol if tol is not None
                              else float("nan"))
    with pytest.raises(SymthermoError):
        operating_regime(-1.0, 2.0, -1.0, tol=tol)
    with pytest.raises(SymthermoError):
        operating_regimes([-1.0], [2.0], [-1.0], tol=tol)
    with pytest.raises(SymthermoError):
        positive_finite("rtol", tol)


@pytest.mark.parametrize("bad", [float("nan"), None, "x", 1j, float("inf")])
def test_operating_regime_refuses_bad_currents(bad) -> None:
    with pytest.raises(SymthermoError):
        operating_regime(bad, 1.0, -1.0)
    with pytest.raises(SymthermoError):
        operating_regimes([bad], [1.0], [-1.0])


@pytest.mark.parametrize(
    "kwargs",
    [{"on_degenerate": "NaN"}, {"on_degenerate": None}, {"backend": "C"}, {"backend": "gpu"},
     {"workers": 0}, {"workers": -2}, {"workers": 1.5}, {"workers": True}],
    ids=repr,
)
def test_batched_solver_options_are_checked(kwargs) -> None:
    with pytest.raises(SymthermoError):
        steady_states_batched(DEGENERATE_L[None], **kwargs)


@pytest.mark.parametrize("bad", [None, "L", [[None]], np.full((16, 16), np.nan), np.ones((3, 4))])
def test_steady_state_refuses_malformed_generators(bad) -> None:
    with pytest.raises(NumericDomainError):
        steady_state(bad)


def test_model_steady_state_route_is_a_choice() -> None:
    with pytest.raises(SymthermoError, match="route"):
        model_steady_state(MODEL, VALUES, route="Direct")


# --------------------------------------------------------------------------------------------
# 2e. system bosons: truncation, cutoffs
# --------------------------------------------------------------------------------------------

CAV, ANC = boson("c"), boson("e")
NB = sp.Symbol("n_b", positive=True)


def cavity_model():
    """A cavity mode in contact with thermal oscillator ancillas: thermal state, mean nbar."""
    b = bath("E", ThermalOscillator(ANC, nbar=NB), W * ANC.n,
             {"c": G1 * (CAV.a * ANC.adag + CAV.adag * ANC.a)})
    return collision_model([CAV], W * CAV.n, b)


def test_unconverged_boson_truncation_is_reported_not_printed() -> None:
    from symthermo.steadycli import steady_report

    models = {"cav": cavity_model()}
    params = {"cav": {W: 1.0, G1: 0.5, NB: 3.0}}
    with pytest.raises(ParameterError) as exc:
        steady_report("cav", models, params, None, {}, None, cutoff=6)
    assert_names(exc, "'c'", "cutoff", "top Fock level")
    ok = steady_report("cav", models, params, None, {"n_b": 0.05}, None, cutoff=12)
    # thermal state with nbar = 0.05: <n> = nbar, so E = omega nbar and no heat at steady state
    assert abs(ok["heat"]["E"]["total"]) < 1e-10


def test_sweep_marks_unconverged_points_and_says_so(capsys) -> None:
    from symthermo.sweep import GridAxis, run_sweep

    table = run_sweep(cavity_model(), {"omega": 1.0, "g_1": 0.5},
                      [GridAxis.parse("n_b=0.05:3:2")], cutoff=8, progress=None)
    assert np.isfinite(table["heat_E_total"][0]) and np.isnan(table["heat_E_total"][1])
    assert "not converged in the boson cutoff" in capsys.readouterr().err


@pytest.mark.parametrize("cutoff", [0, -1, 2.5, "3", True, None, {"x": 3}, 10**6])
def test_bad_cutoffs_are_refused(cutoff) -> None:
    with pytest.raises(SymthermoError):
        lindblad_liouvillian_of(cavity_model(), {W: 1.0, G1: 0.5, NB: 0.1}, cutoff)


# --------------------------------------------------------------------------------------------
# 2f. Heisenberg equations, sweeps, kernels
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "observable",
    [lambda: R.z, lambda: S1.x * R.x, lambda: qubit("S3").z, lambda: boson("S1").n,
     lambda: "S1.z", lambda: None, lambda: sp.nan * S1.z],
    ids=["ancilla", "system x ancilla", "unknown site", "wrong kind", "string", "None", "nan"],
)
def test_heisenberg_equation_refuses_non_system_observables(observable) -> None:
    with pytest.raises(SymthermoError):
        heisenberg_equation(MODEL, observable())


def test_heisenberg_equation_of_system_observables_still_works() -> None:
    assert heisenberg_equation(MODEL, 3) == 0
    eq = heisenberg_equation(MODEL, S1.z)
    assert eq.free_symbols  # non-trivial, in parameters and expectation values


@pytest.mark.parametrize("grid", ["J=1:2:3", "omega=0:1:2"])
def test_sweep_refuses_a_repeated_axis(grid: str) -> None:
    from symthermo.sweep import GridAxis, run_sweep

    axes = [GridAxis.parse(grid), GridAxis.parse(grid.replace(":3", ":4").replace(":2", ":5"))]
    with pytest.raises(ParameterError, match="more than once"):
        run_sweep(MODEL, {k: v for k, v in VALUES.items()}, axes, progress=None)


@pytest.mark.parametrize(
    "text",
    ["J=nan:1:3", "J=0:inf:3", "J=0:1:0", "J=0:1:-4", "J=0:1", "J", "J=a:b:c", "J=0:1:2.5",
     "J=-1e308:1e308:3", "J=0:1:1e20", "J=0:1:100000000000"],
)
def test_bad_grid_axes_are_refused(text: str) -> None:
    from symthermo.sweep import GridAxis

    with pytest.raises(SymthermoError):
        GridAxis.parse(text)


def test_sweep_values_stay_right_after_validation() -> None:
    from symthermo.sweep import GridAxis, run_sweep

    table = run_sweep(MODEL, {str(k): v for k, v in VALUES.items() if k != J},
                      [GridAxis.parse("J=0.1:0.5:3")], progress=None)
    for j, q in zip(table["J"], table["heat_R_total"], strict=True):
        rho = model_steady_state(MODEL, {**VALUES, J: j}).rho
        ref = evaluate(heat_current(MODEL, "R"), rho, [S1, S2], {**VALUES, J: j}).real
        assert q == pytest.approx(ref, abs=1e-10)


@pytest.fixture(scope="module")
def numpy_kernels():
    from symthermo.emit import Quantity, load_kernels

    return load_kernels([Quantity("heat", heat_current(MODEL, "R"))], [S1, S2])


@needs_cc
@pytest.mark.parametrize("bad", [None, "0.5", 1j, np.array([0.1j]), [None], object()],
                         ids=["None", "str", "complex", "complex array", "[None]", "object"])
def test_c_kernels_refuse_bad_arguments_by_name(bad, tmp_path: Path) -> None:
    from symthermo.emit import Quantity, compile_c_kernels

    ck = compile_c_kernels([Quantity("heat", heat_current(MODEL, "R"))], [S1, S2],
                           directory=tmp_path)
    args = {a: 0.5 for a in ck.arguments["all"]}
    name = ck.arguments["all"][0]
    args[name] = bad
    with pytest.raises(ArgumentError) as exc:
        ck.evaluate(**args)
    assert name in str(exc.value)
    del args[name]
    with pytest.raises(ArgumentError) as exc:  # a missing argument is named
        ck.evaluate(**args)
    assert name in str(exc.value)
    with pytest.raises(ArgumentError):
        ck.heat(**args)


def test_numpy_kernels_name_missing_arguments(numpy_kernels) -> None:
    with pytest.raises(TypeError, match="missing"):
        numpy_kernels.evaluate(omega=1.0)


# --------------------------------------------------------------------------------------------
# 3. the command line
# --------------------------------------------------------------------------------------------


def cli(*args: str, cwd: Path = ROOT, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "symthermo.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout, env=env)


def cli_in_process(*args: str) -> subprocess.CompletedProcess:
    """``symthermo ARGS`` run by :func:`symthermo.cli.main` in this process (fast)."""
    import contextlib
    import io

    from symthermo.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("symthermo: error:")]
    assert len(errors) == 1, result.stderr
    others = [ln for ln in result.stderr.splitlines()
              if ln.strip() and not ln.startswith(("symthermo: error:", "["))]
    assert not others, result.stderr
    for f in fragments:
        assert f in errors[0], errors[0]


TINY = '''
import sympy as sp
from derivations.framework import Derivation
from symthermo.algebra import qubits
from symthermo.emit import Quantity
from symthermo.model import bath, collision_model
from symthermo.states import ThermalQubit
from symthermo.thermo import heat_current, work_current

NAMES = {names!r}


def build():
    S, R = qubits("S", "R")
    w, g, xi = sp.symbols("omega g xi", real=True)
    model = collision_model([S], w / 2 * S.z, bath(
        "R", ThermalQubit(R, tanh=xi), w / 2 * R.z, {{"S": g * (S.x * R.x + S.y * R.y)}}))
    exprs = {{"heat": heat_current(model, "R"), "work": work_current(model)}}
    return Derivation(name="tiny", title="Tiny", sources=("none",), models={{"m": model}},
                      parameters={{"m": {{w: 1.0, g: 0.5, xi: 0.3}}}},
                      quantities=[Quantity(n, exprs[n]) for n in NAMES])
'''


def tiny(tmp_path: Path, names=("heat", "work"), file: str = "tiny.py") -> Path:
    path = tmp_path / file
    path.write_text(TINY.format(names=list(names)))
    return path


BROKEN_DERIVATIONS = {
    "syntax": ("def build(:\n", "syntax error"),
    "import": ("import no_such_module_for_symthermo\n", "No module named"),
    "top-level raise": ("raise ValueError('bad top level')\n", "bad top level"),
    "no build": ("TITLE = 'x'\n", "declares no models"),
    "build not callable": ("build = 3\n", "not a function"),
    "build raises": ("def build():\n    raise RuntimeError('boom')\n", "boom"),
    "build returns None": ("def build():\n    return None\n", "not a Derivation"),
    "build returns dict": ("def build():\n    return {'name': 'x'}\n", "not a Derivation"),
    "build symthermo error": (
        "from symthermo.algebra import qubit\ndef build():\n    return qubit('1x')\n",
        "site name"),
    "build needs arguments": ("def build(x):\n    return x\n", "build()"),
    "build recursion": ("def build():\n    return build()\n", "RecursionError"),
}


@pytest.mark.parametrize("command", ["derive", "check", "steady"])
@pytest.mark.parametrize("case", list(BROKEN_DERIVATIONS))
def test_broken_derivation_files_give_one_line(case: str, command: str, tmp_path: Path) -> None:
    source, fragment = BROKEN_DERIVATIONS[case]
    path = tmp_path / "broken.py"
    path.write_text(source)
    extra = ["--out", str(tmp_path / "out")] if command == "derive" else []
    assert_one_line_error(cli_in_process(command, str(path), *extra), fragment)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["steady", "memoryless_ness", "--set", "beta=nan"], "beta"),
        (["steady", "memoryless_ness", "--set", "beta=inf"], "beta"),
        (["steady", "memoryless_ness", "--set", "beta=1e400"], "beta"),
        (["steady", "memoryless_ness", "--set", "beta=1+2j"], "not a number"),
        (["steady", "memoryless_ness", "--set", "beta=1", "--set", "beta=2"], "twice"),
        (["steady", "memoryless_ness", "--model", "xy", "--set", "J_x=1e308"], "non-finite"),
        (["steady", "common_reservoirs", "--set", "T_R=0"], "not finite"),
        (["steady", "memoryless_ness", "--cutoff", "0"], "--cutoff"),
        (["steady", "memoryless_ness", "--cutoff", "x"], "--cutoff"),
        (["steady", "memoryless_ness", "--initial", "Ground"], "did you mean 'ground'"),
        (["steady", "memoryless_ness", "--bogus"], "unrecognized"),
        (["sweep", "memoryless_ness", "--grid", "beta=1:2:3", "--grid", "beta=1:3:2",
          "--out", "{tmp}/x.csv"], "more than once"),
        (["sweep", "memoryless_ness", "--grid", "beta=1:2:100000000000", "--out",
          "{tmp}/x.csv"], "GiB"),
        (["sweep", "memoryless_ness", "--grid", "beta=nan:2:3", "--out", "{tmp}/x.csv"],
         "NaN"),
        (["sweep", "memoryless_ness", "--grid", "beta=1:2:3", "--out", "{tmp}/x.txt"],
         ".csv or .npz"),
        (["sweep", "memoryless_ness", "--grid", "beta=1:2:3", "--out", "{tmp}"], ".csv"),
        (["sweep", "memoryless_ness", "--grid", "beta=1:2:3", "--chunk", "0", "--out",
          "{tmp}/x.csv"], "--chunk"),
        (["sweep", "memoryless_ness", "--grid", "nope=1:2:3", "--out", "{tmp}/x.csv"],
         "not a parameter"),
        (["sweep", "memoryless_ness", "--model", "xy", "--grid", "J_x=1e300:1e308:3", "--out",
          "{tmp}/x.csv"], "non-finite"),
        (["derive", "memoryless_ness", "--out", "{tmp}/file"], "not a directory"),
        (["derive", "no_such.py", "--out", "{tmp}/o"], "no derivation file"),
        (["figure", "no_such_paper"], "unknown derivation"),
        (["check", "--bogus"], "unrecognized"),
        (["derive", "--all", "memoryless_ness", "--out", "{tmp}/o"], "not both"),
        (["check", "--all", "memoryless_ness"], "not both"),
    ],
)
def test_cli_user_errors_are_one_line(args: list[str], fragment: str, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert_one_line_error(cli_in_process(*args), fragment)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_cli_unwritable_out_is_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert_one_line_error(cli("derive", str(tiny(tmp_path)), "--out", str(locked)),
                              "not writable")
        assert_one_line_error(cli("derive", str(tiny(tmp_path)), "--out",
                                  str(locked / "sub")), "cannot access")
        assert_one_line_error(cli("sweep", "memoryless_ness", "--grid", "beta=1:2:3", "--out",
                                  str(locked / "x.csv")), "not writable")
    finally:
        locked.chmod(0o700)


def test_derive_creates_parents_writes_and_removes_stale_fragments(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "generated"
    first = cli("derive", str(tiny(tmp_path, ("heat", "work"))), "--out", str(out),
                "--no-figures")
    assert first.returncode == 0, first.stderr
    fragments = out / "tiny" / "fragments"
    assert sorted(p.name for p in fragments.iterdir()) == ["all.tex", "heat.tex", "work.tex"]
    (fragments / "notes.txt").write_text("mine")  # not ours: kept
    second = cli("derive", str(tiny(tmp_path, ("heat",))), "--out", str(out), "--no-figures")
    assert second.returncode == 0, second.stderr
    assert sorted(p.name for p in fragments.iterdir()) == ["all.tex", "heat.tex", "notes.txt"]
    assert not list(out.rglob("*.tmp"))


def test_interrupted_write_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    from symthermo import files

    target = tmp_path / "report.md"
    files.write_bytes_atomic(target, b"old")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_bytes_atomic(target, b"new " * 1000)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_sweep_creates_missing_parent_directories(tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir" / "table.csv"
    result = cli("sweep", "memoryless_ness", "--model", "xy", "--grid", "beta=1:2:2",
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = out.read_text().splitlines()
    assert len(rows) == 3 and rows[0].startswith("beta,")


def test_steady_json_is_valid_and_finite() -> None:
    result = cli("steady", "memoryless_ness", "--model", "xy", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    flat = [data["energy_rate"], data["l1_coherence"], data["ergotropy"],
            *data["work"].values(), *[v for b in data["heat"].values() for v in b.values()]]
    assert all(math.isfinite(v) for v in flat)


def test_cli_internal_errors_are_one_line_too(monkeypatch, capsys) -> None:
    from symthermo import cli as cli_module

    def broken(args):
        raise IndexError("tuple index out of range")

    parser = cli_module.build_parser()
    args = parser.parse_args(["list"])
    args.func = broken
    monkeypatch.delenv("SYMTHERMO_TRACEBACK", raising=False)
    assert cli_module.run_command(args) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: IndexError" in err


@pytest.mark.parametrize("error, fragment", [
    (MemoryError(), "not enough memory"),
    (PermissionError(13, "Permission denied", "/x/y"), "/x/y"),
    (OverflowError("math range error"), "overflows"),
    (ParameterError("option 'rtol' = -1 must be positive"), "rtol"),
])
def test_cli_maps_error_types_to_one_line(error, fragment, capsys) -> None:
    from symthermo import cli as cli_module

    def failing(args):
        raise error

    args = cli_module.build_parser().parse_args(["list"])
    args.func = failing
    assert cli_module.run_command(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("symthermo: error:") and fragment in err


def test_argparse_errors_are_one_line() -> None:
    result = cli("steady")
    assert_one_line_error(result, "required")
    result = cli("nonsense-command")
    assert_one_line_error(result, "invalid choice")


def test_derivation_file_with_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "paper.py"
    path.write_text(textwrap.dedent("""
        x = 1
        def build():
            return (
    """))
    result = cli("derive", str(path), "--out", str(tmp_path / "o"))
    assert_one_line_error(result, "syntax error", "line")


@pytest.mark.parametrize("bad", ["Numpy", "NUMPY", " numpy"])
def test_choice_names_the_options_and_the_close_one(bad: str) -> None:
    with pytest.raises(ParameterError) as exc:
        choice("backend", bad, ("auto", "c", "numpy"))
    assert_names(exc, "backend", repr(bad), "did you mean 'numpy'", "'auto', 'c', 'numpy'")
    assert choice("backend", "numpy", ("auto", "c", "numpy")) == "numpy"


@pytest.mark.parametrize("bad", [None, "0.5", object(), [None, 1.0]], ids=repr)
def test_numpy_kernels_refuse_non_numbers_by_name(numpy_kernels, bad) -> None:
    args = {a: 0.5 for a in numpy_kernels.QUANTITIES["heat"]["parameters"]}
    args.update({a: 0.1 for a in numpy_kernels.QUANTITIES["heat"]["expectations"]})
    name = numpy_kernels.QUANTITIES["heat"]["parameters"][0]
    for call in (numpy_kernels.heat, numpy_kernels.evaluate):
        with pytest.raises(TypeError) as exc:
            call(**{**args, name: bad})
        assert repr(name) in str(exc.value)
    good = numpy_kernels.heat(**args)
    assert np.isfinite(good)


# --------------------------------------------------------------------------------------------
# a table of hostile calls through the public API: each must be a SymthermoError
# --------------------------------------------------------------------------------------------


def _hostile_calls():
    from symthermo.algebra import anticommutator, collective, sigma_x
    from symthermo.numeric.matrices import dimensions, monomial_matrix
    from symthermo.numeric.model_dynamics import collision_round
    from symthermo.numeric.steady import evolve, expm
    from symthermo.numeric.superop import hamiltonian_superop, lindblad_liouvillian
    from symthermo.states import DiagonalState

    rho4 = np.eye(4) / 4
    L2 = hamiltonian_superop(np.diag([0.0, 1.0]))
    return {
        "heat_current(None)": lambda: heat_current(None, "R"),
        "heat part typo": lambda: heat_current(MODEL, "R", "Local"),
        "heat unknown bath": lambda: heat_current(MODEL, "X"),
        "heat bath None": lambda: heat_current(MODEL, None),
        "expectation(str)": lambda: expectation("x"),
        "expectation(None)": lambda: expectation(None),
        "commutator(None, op)": lambda: commutator(None, S1.x),
        "anticommutator(list, op)": lambda: anticommutator([1], S1.x),
        "collective(None)": lambda: collective(None, [S1]),
        "collective over None": lambda: collective(sigma_x, [None]),
        "op ** -1": lambda: S1.x ** -1,
        "op ** 0.5": lambda: S1.x ** 0.5,
        "op / 0": lambda: S1.x / 0,
        "op / 0.0": lambda: S1.x / 0.0,
        "op / op": lambda: S1.x / S1.x,
        "op.subs nan": lambda: (W * S1.x).subs({W: float("nan")}),
        "op.subs str": lambda: (W * S1.x).subs({W: "a"}),
        "op.subs None": lambda: (W * S1.x).subs({W: None}),
        "model.subs complex": lambda: MODEL.subs({G1: 1j}),
        "model.subs nan": lambda: MODEL.subs({G1: sp.nan}),
        "model.subs inf": lambda: MODEL.subs({G1: float("inf")}),
        "qubit(3)": lambda: qubit(3),
        "qubit('')": lambda: qubit(""),
        "qubit(None)": lambda: qubit(None),
        "boson('1a')": lambda: boson("1a"),
        "sites as strings": lambda: collision_model(["S1"], W * S1.z, MODEL.baths),
        "sites None": lambda: collision_model(None, W * S1.z, MODEL.baths),
        "site twice": lambda: collision_model([S1, S1], W * S1.z, MODEL.baths),
        "hamiltonian None": lambda: collision_model([S1, S2], None, MODEL.baths),
        "hamiltonian number": lambda: collision_model([S1, S2], 3, MODEL.baths),
        "hamiltonian on ancilla": lambda: collision_model([S1, S2], W * R.z, MODEL.baths),
        "bath without couplings": lambda: bath("R", ThermalQubit(R, tanh=XI), W * R.z, {}),
        "bath couplings None": lambda: bath("R", ThermalQubit(R, tanh=XI), W * R.z, None),
        "bath ancillas None": lambda: bath("R", None, W * R.z, {"S1": G1 * S1.x * R.x}),
        "bath name None": lambda: bath(None, ThermalQubit(R, tanh=XI), W * R.z,
                                       {"S1": G1 * S1.x * R.x}),
        "coupling not operator": lambda: bath("R", ThermalQubit(R, tanh=XI), W * R.z,
                                              {"S1": 3}),
        "coupling with bath mean": lambda: collision_model(
            [S1], W * S1.z, bath("R", ThermalQubit(R, tanh=XI), W * R.z, {"S1": G1 * S1.x * R.z})),
        "scheme typo": lambda: MODEL.with_scheme("Cascaded"),
        "scheme None": lambda: MODEL.with_scheme(None),
        "replace sites None": lambda: MODEL.replace(system_sites=None),
        "operator_matrix sites None": lambda: operator_matrix(S1.x, None),
        "operator_matrix site names": lambda: operator_matrix(S1.x, ["S1"]),
        "operator_matrix missing site": lambda: operator_matrix(S1.x, [S2]),
        "operator_matrix params list": lambda: operator_matrix(W * S1.x, [S1], params=[1.0]),
        "operator_matrix missing param": lambda: operator_matrix(W * S1.x, [S1], params={}),
        "evaluate rho None": lambda: evaluate(heat_current(MODEL, "R"), None, [S1, S2], VALUES),
        "evaluate rho 2x2": lambda: evaluate(heat_current(MODEL, "R"), np.eye(2) / 2, [S1, S2],
                                             VALUES),
        "evaluate rho nan": lambda: evaluate(heat_current(MODEL, "R"), np.full((4, 4), np.nan),
                                             [S1, S2], VALUES),
        "evaluate expr None": lambda: evaluate(None, rho4, [S1, S2], VALUES),
        "evaluate expr str": lambda: evaluate("x", rho4, [S1, S2], VALUES),
        "model_steady_state initial str": lambda: model_steady_state(MODEL, VALUES,
                                                                     initial_state="x"),
        "builder values None": lambda: LiouvillianBuilder(MODEL).steady_states(None),
        "builder values list": lambda: LiouvillianBuilder(MODEL).steady_states([1, 2]),
        "collision_round tau 0": lambda: collision_round(MODEL, 0.0, VALUES),
        "collision_round tau -1": lambda: collision_round(MODEL, -1.0, VALUES),
        "collision_round tau nan": lambda: collision_round(MODEL, float("nan"), VALUES),
        "collision_round tau inf": lambda: collision_round(MODEL, float("inf"), VALUES),
        "collision_round tau None": lambda: collision_round(MODEL, None, VALUES),
        "collision_round tau str": lambda: collision_round(MODEL, "0.1", VALUES),
        "steady_state zeros": lambda: steady_state(np.zeros((4, 4))),
        "steady_states_batched 3x3": lambda: steady_states_batched(np.zeros((2, 3, 3))),
        "evolve nan time": lambda: evolve(L2, np.eye(2) / 2, [np.nan]),
        "evolve complex time": lambda: evolve(L2, np.eye(2) / 2, [1j]),
        "evolve rho0 3x3": lambda: evolve(L2, np.eye(3) / 3, [1.0]),
        "evolve method typo": lambda: evolve(L2, np.eye(2) / 2, [1.0], method="EIG"),
        "expm nan": lambda: expm(np.full((2, 2), np.nan)),
        "expm None": lambda: expm(None),
        "lindblad nan jumps": lambda: lindblad_liouvillian(np.eye(2), np.full((1, 2, 2), np.nan),
                                                           np.eye(1)),
        "lindblad non-Hermitian H": lambda: lindblad_liouvillian(np.array([[0, 1], [0, 0.0]]),
                                                                 np.zeros((1, 2, 2)), np.eye(1)),
        "lindblad non-Hermitian rates": lambda: lindblad_liouvillian(
            np.eye(2), np.zeros((2, 2, 2)), np.array([[1.0, 1.0], [0.0, 1.0]])),
        "ergotropy H None": lambda: ergotropy(np.eye(2) / 2, None),
        "effective_temperature omega nan": lambda: effective_temperature(np.eye(2) / 2, np.nan),
        "effective_temperature 4x4": lambda: effective_temperature(rho4, 1.0),
        "l1 basis not unitary": lambda: l1_coherence(np.eye(2) / 2, basis=np.ones((2, 2))),
        "l1 basis nan": lambda: l1_coherence(np.eye(2) / 2, basis=np.full((2, 2), np.nan)),
        "heisenberg list": lambda: heisenberg_equation(MODEL, [S1.z]),
        "dimensions None": lambda: dimensions(None),
        "monomial_matrix bad local": lambda: monomial_matrix((("S1", 7),), [S1]),
        "diagonal state text": lambda: DiagonalState(R, (0.5, "a")),
        "operator times True": lambda: S1.x * True,
    }


HOSTILE = _hostile_calls()


@pytest.mark.parametrize("label", list(HOSTILE))
def test_hostile_api_calls_give_symthermo_errors(label: str) -> None:
    with pytest.raises(SymthermoError) as exc:
        HOSTILE[label]()
    assert str(exc.value).strip()  # a message, never an empty one


@pytest.mark.parametrize("kwargs", [{"on_degenerate": "Raise"}, {"on_degenerate": None},
                                    {"chunk_bytes": 0}, {"chunk_bytes": float("nan")}], ids=repr)
def test_steady_states_sweep_options_are_checked(kwargs) -> None:
    with pytest.raises(SymthermoError):
        steady_states_sweep(MODEL, {str(k): v for k, v in VALUES.items()}, **kwargs)


@pytest.mark.parametrize("chunk", [0, -3, None, 2.5, True])
def test_run_sweep_chunk_is_a_positive_int(chunk) -> None:
    from symthermo.sweep import GridAxis, run_sweep

    with pytest.raises(ParameterError, match="chunk"):
        run_sweep(MODEL, {str(k): v for k, v in VALUES.items() if k != J},
                  [GridAxis.parse("J=0:1:2")], chunk=chunk, progress=None)


@pytest.mark.parametrize("tol", [0.0, -1e-14, float("nan"), None])
def test_converged_cutoff_tolerance_is_checked(tol) -> None:
    from symthermo.numeric.model_matrices import converged_cutoff

    with pytest.raises(SymthermoError):
        converged_cutoff(cavity_model(), {W: 1.0, G1: 0.5, NB: 0.1}, tol=tol)
