"""Exact steady states on ladder coordinates and closed-form currents (issue 15) vs numerics.

Reference: the numeric steady state of the Liouvillian built directly from the couplings'
matrices (``model_steady_state(..., route="direct")``, no code shared with the closure), and for
the bosonic model the same route truncated at growing Fock cutoffs.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from closure_models import (
    absorption_refrigerator,
    common_reservoir_two_qubits,
    coupled_oscillators,
    xx_chain,
)
from test_model import catalogue

from symthermo.algebra import boson
from symthermo.closure import steady_state_currents, steady_state_values, symbolic_steady_state
from symthermo.errors import ModelError
from symthermo.exact import BACKENDS
from symthermo.model import bath, collision_model
from symthermo.numeric.matrices import expectation_value, operator_matrix
from symthermo.numeric.model_dynamics import (
    LiouvillianBuilder,
    direct_liouvillian,
    model_steady_state,
)
from symthermo.states import ThermalOscillator
from symthermo.thermo import heat_current_operator, work_current_operator

ROOT = Path(__file__).resolve().parent.parent

QUBIT_MODELS = {
    "reservoir2": common_reservoir_two_qubits,
    "fridge": absorption_refrigerator,
    "chain3": lambda: xx_chain(3),
    "chain4": lambda: xx_chain(4),
}
# the four-qubit chain's 255 exact values take ~2 s on python-flint and minutes in pure sympy
# (large multivariate gcds): without flint (the `flint` extra, in the test extra) it is skipped
NEEDS_FLINT = pytest.mark.skipif(len(BACKENDS) < 2, reason="python-flint not installed: the "
                                 "four-qubit chain takes minutes in pure sympy")
QUBIT_CASES = [pytest.param(name, marks=NEEDS_FLINT) if name == "chain4" else name
               for name in QUBIT_MODELS]


def random_point(model, rng) -> dict:
    """Thermal factors m, xi in (-0.9, 0.9); mean numbers in (0.02, 0.2); others (0.3, 1.5)."""
    out = {}
    cutoff = 2 if not model.is_qubit_system else None
    for p in LiouvillianBuilder(model, cutoff).parameters:
        name = str(p)
        if name.startswith(("m_", "xi")):
            out[p] = rng.uniform(-0.9, 0.9)
        elif name.startswith("n_"):
            out[p] = rng.uniform(0.02, 0.2)
        else:
            out[p] = rng.uniform(0.3, 1.5)
    return out


def value_at(expr: sp.Expr, point: dict) -> float:
    return float(sp.lambdify(list(point), expr, "mpmath")(*point.values()))


def numeric_current(model, op, rho, point, cutoff=None) -> float:
    return np.trace(rho @ operator_matrix(op, model.system_sites, cutoff, point)).real


@pytest.mark.parametrize("name", QUBIT_CASES)
def test_unique_steady_state_equals_direct_numeric(name: str) -> None:
    model = QUBIT_MODELS[name]()
    family = symbolic_steady_state(model)
    assert family.is_unique and len(family.values) == 4 ** len(model.system_sites) - 1
    rng = np.random.default_rng(abs(hash(name)) % 1000)
    for _ in range(2):
        point = random_point(model, rng)
        rho = model_steady_state(model, point, route="direct").rho
        for e, value in family.values.items():
            exact = value_at(value, point)
            assert exact == pytest.approx(
                expectation_value(e, rho, model.system_sites).real, abs=1e-10
            ), e


@pytest.mark.parametrize("name", QUBIT_CASES)
def test_steady_state_currents_equal_numeric(name: str) -> None:
    model = QUBIT_MODELS[name]()
    currents = steady_state_currents(model)
    assert set(currents) == {f"Qdot_{b.name}" for b in model.baths} | {"Wdot"}
    rng = np.random.default_rng(7)
    point = random_point(model, rng)
    rho = model_steady_state(model, point, route="direct").rho
    for b in model.baths:
        op = heat_current_operator(model, b.name)
        assert value_at(currents[f"Qdot_{b.name}"].expr, point) == pytest.approx(
            numeric_current(model, op, rho, point), abs=1e-10
        )
    assert value_at(currents["Wdot"].expr, point) == pytest.approx(
        numeric_current(model, work_current_operator(model), rho, point), abs=1e-10
    )


def test_refrigerator_cold_current_is_prefactor_times_virtual_temperature_criterion() -> None:
    """Linden-Popescu-Skrzypczyk: Qdot_cold proportional to
    (1+m1)(1-m2)(1+m3) - (1-m1)(1+m2)(1-m3), found without hand work."""
    model = absorption_refrigerator()
    currents = steady_state_currents(model)
    m1, m2, m3 = sp.symbols("m_1 m_2 m_3", real=True)
    criterion = (1 + m1) * (1 - m2) * (1 + m3) - (1 - m1) * (1 + m2) * (1 - m3)
    for name in ("Qdot_B1", "Qdot_B2", "Qdot_B3"):
        form = currents[name]
        assert form.driving == (criterion,), (name, form.driving)
        # no other thermal factor is left in the prefactor or the numerator
        rest = sp.Mul(form.prefactor, *form.numerator)
        assert not rest.free_symbols & {m1, m2, m3}
    cold = currents["Qdot_B1"]
    assert sp.sstr(criterion) in str(cold)
    assert "\\left[" in cold.latex() and cold.latex().startswith("\\dot{Q}_{\\mathrm{B1}} =")
    # the three heat currents are w1 : -(w1 + w3) : w3 (energy conservation, no work)
    w1, w3 = sp.symbols("omega_1 omega_3", real=True)
    ratio = sp.cancel(currents["Qdot_B2"].expr / cold.expr)
    assert sp.simplify(ratio + (w1 + w3) / w1) == 0
    assert currents["Wdot"].is_zero


@pytest.mark.parametrize("n", [3, pytest.param(4, marks=NEEDS_FLINT)])
def test_chain_heat_current_is_proportional_to_the_thermal_factor_difference(n: int) -> None:
    currents = steady_state_currents(xx_chain(n))
    ml, mr = sp.symbols("m_L m_R", real=True)
    assert currents["Qdot_L"].driving == (ml - mr,)
    assert sp.expand(currents["Qdot_L"].expr + currents["Qdot_R"].expr) == 0


def test_coupled_oscillators_converge_to_the_exact_moments_as_the_cutoff_grows() -> None:
    model = coupled_oscillators()
    a, b = model.system_sites
    observables = {"n_a": a.n, "n_b": b.n}
    exact = steady_state_values(model, observables)
    currents = steady_state_currents(model)
    nl, nr = sp.symbols("n_L n_R", real=True)
    assert currents["Qdot_L"].driving == (nl - nr,)
    point = random_point(model, np.random.default_rng(3))
    errors = []
    for cutoff in (3, 4, 5, 6):
        rho = model_steady_state(model, point, cutoff=cutoff, route="direct").rho
        err = max(
            abs(value_at(exact[k].expr, point) - numeric_current(model, op, rho, point, cutoff))
            for k, op in observables.items()
        )
        op = heat_current_operator(model, "L")
        err = max(err, abs(value_at(currents["Qdot_L"].expr, point)
                           - numeric_current(model, op, rho, point, cutoff)))
        errors.append(err)
    assert all(e2 < e1 for e1, e2 in itertools.pairwise(errors)), errors
    assert errors[-1] < 1e-4, errors


def test_moments_that_do_not_close_are_refused_with_the_reason() -> None:
    """A cross-Kerr term chi n_a n_b next to hopping: d<a^dag b>/dt involves a third moment."""
    a, b, c = boson("a"), boson("b"), boson("c")
    w, chi, g, hop, nb = sp.symbols("omega chi g G n", real=True)
    bth = bath("B", ThermalOscillator(c, nbar=nb), w * c.n,
               {"a": g * (a.adag * c.a + a.a * c.adag)})
    kerr = collision_model([a, b], w * (a.n + b.n) + chi * a.n * b.n, bth,
                           interaction=hop * (a.adag * b.a + b.adag * a.a))
    with pytest.raises(ModelError, match="do not close"):
        steady_state_currents(kerr)
    with pytest.raises(ModelError, match="qubits"):
        symbolic_steady_state(kerr)


@pytest.mark.skipif(len(BACKENDS) < 2, reason="python-flint not installed")
def test_flint_and_pure_sympy_backends_print_the_same() -> None:
    model = absorption_refrigerator()
    by_backend = [
        [str(f) for f in steady_state_currents(model, backend=be).values()] for be in BACKENDS
    ]
    assert by_backend[0] == by_backend[1]
    chain = xx_chain(3)
    states = [
        [sp.srepr(v) for v in symbolic_steady_state(chain, backend=be).values.values()]
        for be in BACKENDS
    ]
    assert states[0] == states[1]


_PRINT = """
import sys
sys.path[:0] = ['.', 'tests']
from closure_models import absorption_refrigerator, xx_chain
from symthermo.closure import steady_state_currents, symbolic_steady_state
for f in steady_state_currents(absorption_refrigerator()).values():
    print(f)
    print(f.latex())
for e, v in symbolic_steady_state(xx_chain(3)).values.items():
    print(e, v)
"""


def test_results_are_byte_identical_across_hash_seeds() -> None:
    outputs = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "OPENBLAS_NUM_THREADS": "1"}
        run = subprocess.run([sys.executable, "-c", _PRINT], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True)
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1] and "m_1" in outputs[0]


PAPER_MODELS = [
    "common-reservoirs M=1",
    "common-reservoirs M=3",
    "common-reservoirs M=1 cascaded",
    "common-reservoirs M=1 independent",
    "memoryless-ness",
]


@pytest.mark.parametrize("name", PAPER_MODELS)
def test_paper_models_steady_state_equals_direct_numeric(name: str) -> None:
    spec = catalogue()[name]
    model = spec.model()
    family = symbolic_steady_state(model)
    assert family.is_unique
    rng = np.random.default_rng(11)
    params = spec.random_parameters(rng)
    point = {s: params[s.name] for s in LiouvillianBuilder(model).parameters}
    rho = model_steady_state(model, point, route="direct").rho
    for e, value in family.values.items():
        assert value_at(value, point) == pytest.approx(
            expectation_value(e, rho, model.system_sites).real, abs=1e-10
        ), e


def test_four_qubit_degenerate_family_is_fixed_by_its_conserved_quantity() -> None:
    """Three-qubit chain between two baths plus a fourth qubit coupled by lambda z_3 z_4:
    <sigma^z_4> is conserved, the stationary family has one free constant."""
    from symthermo.algebra import qubit

    base = xx_chain(3)
    s3, s4 = base.system_sites[2], qubit("S4")
    w4, lam = sp.symbols("omega_4 lambda", real=True)
    model = base.replace(
        system_sites=(*base.system_sites, s4),
        hamiltonian=base.hamiltonian + w4 / 2 * s4.z,
        interaction=base.interaction + lam * s3.z * s4.z,
    )
    family = symbolic_steady_state(model)
    assert family.dimension == 2
    (q,) = family.conserved
    assert {str(s) for s in q.free_symbols} == {"<sigma^z_{S4}>"}
    rng = np.random.default_rng(5)
    point = random_point(model, rng)
    g = rng.normal(size=(16, 16)) + 1j * rng.normal(size=(16, 16))
    rho0 = g @ g.conj().T
    rho0 /= np.trace(rho0)
    rho = model_steady_state(model, point, initial_state=rho0, route="direct").rho
    sites = model.system_sites
    initial = {e: expectation_value(e, rho0, sites).real for e in family.values}
    k = family.free_constants[0]
    # <sigma^z_4> at the start fixes k (the conserved quantity is that expectation itself)
    k_value = sp.solve(sp.Eq(q.xreplace(family.values), q.xreplace(initial)), k)[0]
    for e, value in family.values.items():
        exact = value_at(value.xreplace({k: k_value}), point)
        assert exact == pytest.approx(expectation_value(e, rho, sites).real, abs=1e-10), e


def test_coupled_ensembles_independent_currents_equal_direct_numeric() -> None:
    """Four qubits with oscillator baths (H_I of Eq. 31, independent collisions): the closed
    system of the currents has 8 moments; the heat currents carry the driving factor
    n_h - n_c.  (The simultaneous and cascaded schemes and H_I of Eq. 29 couple 68-69 moments
    with twelve parameters: out of reach of the exact route, see the report of issue 15.)"""
    spec = catalogue()["coupled-ensembles H_I(2) independent"]
    model = spec.model()
    currents = steady_state_currents(model)
    n_h, n_c = (st.mean_number for b in model.baths for st in b.ancillas)
    assert currents["Qdot_h"].driving == (n_h - n_c,)
    params = spec.random_parameters(np.random.default_rng(2))
    point = {s: params[s.name] for s in LiouvillianBuilder(model).parameters}
    # the direct route builds the oscillator ancillas at the catalogue's converged cutoff
    rho = model_steady_state(model, point, cutoff=spec.cutoff, route="direct").rho
    for b in model.baths:
        op = heat_current_operator(model, b.name)
        assert value_at(currents[f"Qdot_{b.name}"].expr, point) == pytest.approx(
            numeric_current(model, op, rho, point), abs=1e-10
        )


def test_a_block_too_large_for_the_exact_route_is_refused_with_the_way_out() -> None:
    """Coupled ensembles with Eq. (29)'s all-to-all H_I met simultaneously, all twelve
    parameters symbolic: 69 coupled moments whose solution has degree 100 in each g (the
    interpolation grid would have ~10^21 points): refused at once, naming the degrees."""
    model = catalogue()["coupled-ensembles H_I(1) simultaneous"].model()
    with pytest.raises(ModelError, match="69 coupled moments") as info:
        steady_state_currents(model)
    message = str(info.value)
    assert "degree 100 in g_c1" in message and "44 in Omega_11" in message
    assert "34 in w_h" in message and "Substitute values" in message


COUPLED_ENSEMBLES = [name for name in catalogue() if name.startswith("coupled-ensembles")]


def thermal_beta(n: sp.Rational, w: sp.Expr) -> sp.Expr:
    """beta with 1/(exp(beta w) - 1) = n: the thermal factor stays an exact rational."""
    return sp.log(1 + 1 / n) / w


@pytest.mark.parametrize("name", COUPLED_ENSEMBLES)
def test_coupled_ensembles_currents_in_the_hot_temperature_equal_direct_numeric(
    name: str,
) -> None:
    """Every coupled-ensembles model (Eqs. 29 and 31, three schemes) with rational couplings and
    frequencies, a rational cold occupation and beta_h symbolic: the 69-moment blocks are
    solved by interpolation modulo primes; the currents as functions of beta_h equal the
    direct numeric steady state at two hot occupations."""
    spec = catalogue()[name]
    model = spec.model()
    params = spec.random_parameters(np.random.default_rng(3))
    symbols = {s.name: s for s in LiouvillianBuilder(model).parameters}
    exact = {s: sp.Rational(params[n]).limit_denominator(20) for n, s in symbols.items()
             if not n.startswith("beta")}
    n_c = sp.Rational(1, 10)
    exact[symbols["beta_c"]] = thermal_beta(n_c, exact[symbols["w_c"]])
    currents = steady_state_currents(model.subs(exact))
    beta_h = symbols["beta_h"]
    for n_h in (sp.Rational(2, 5), sp.Rational(1, 20)):
        value = thermal_beta(n_h, exact[symbols["w_h"]])
        point = {s: float(v) for s, v in exact.items()} | {beta_h: float(value)}
        rho = model_steady_state(model, point, cutoff=spec.cutoff, route="direct").rho
        for b in model.baths:
            exact_value = currents[f"Qdot_{b.name}"].expr.xreplace({beta_h: value})
            assert exact_value.is_Rational
            op = heat_current_operator(model, b.name)
            assert float(exact_value) == pytest.approx(
                numeric_current(model, op, rho, point), abs=1e-10
            ), b.name


def test_coupled_ensembles_all_255_stationary_values_in_the_hot_temperature() -> None:
    """The whole four-qubit steady state of Eq. (29)'s model met in cascade (rational
    parameters, beta_h symbolic): all 255 Pauli expectations equal the direct numeric state."""
    spec = catalogue()["coupled-ensembles H_I(1) cascaded"]
    model = spec.model()
    params = spec.random_parameters(np.random.default_rng(4))
    symbols = {s.name: s for s in LiouvillianBuilder(model).parameters}
    exact = {s: sp.Rational(params[n]).limit_denominator(20) for n, s in symbols.items()
             if not n.startswith("beta")}
    exact[symbols["beta_c"]] = thermal_beta(sp.Rational(1, 7), exact[symbols["w_c"]])
    family = symbolic_steady_state(model.subs(exact))
    assert family.is_unique and len(family.values) == 255
    beta_h = symbols["beta_h"]
    value = thermal_beta(sp.Rational(1, 3), exact[symbols["w_h"]])
    point = {s: float(v) for s, v in exact.items()} | {beta_h: float(value)}
    rho = model_steady_state(model, point, cutoff=spec.cutoff, route="direct").rho
    for e, v in family.values.items():
        assert float(v.xreplace({beta_h: value})) == pytest.approx(
            expectation_value(e, rho, model.system_sites).real, abs=1e-10), e


@pytest.mark.parametrize(("n", "dimension"), [(2, 2), (3, 5)])
def test_collective_family_matches_the_projected_numeric_state(n: int, dimension: int) -> None:
    """collective-ergotropy N = 2 and 3: stationary families of dimension 2 and 5 (the
    commutant of the collective dissipator: j = 1 and 0; j = 3/2 and two copies of j = 1/2);
    the member fixed by the conserved quantities of a random initial state is the numeric state
    reached from it."""
    spec = catalogue()[f"collective-ergotropy N={n}"]
    model = spec.model()
    family = symbolic_steady_state(model)
    assert family.dimension == dimension and len(family.conserved) == dimension - 1
    rng = np.random.default_rng(8)
    params = spec.random_parameters(rng)
    point = {s: params[s.name] for s in LiouvillianBuilder(model).parameters}
    dim = 2**n
    g = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    rho0 = g @ g.conj().T
    rho0 /= np.trace(rho0)
    rho = model_steady_state(model, point, cutoff=spec.cutoff, initial_state=rho0,
                             route="direct").rho
    sites = model.system_sites
    # the conserved quantities are conserved: d<q>/dt = 0 in any state (direct generator)
    drho = (direct_liouvillian(model, point, spec.cutoff) @ rho0.reshape(-1, order="F"))
    drho = drho.reshape(dim, dim, order="F")
    for q in family.conserved:
        rates = {e: expectation_value(e, drho, sites).real for e in q.free_symbols}
        assert float(q.xreplace(rates)) == pytest.approx(0, abs=1e-12), q
    initial = {e: expectation_value(e, rho0, sites).real for e in family.values}
    numeric_point = {s: sp.Float(v, 30) for s, v in point.items()}
    at_point = {e: v.xreplace(numeric_point) for e, v in family.values.items()}
    equations = [sp.expand(q.xreplace(at_point) - q.xreplace(initial)) for q in family.conserved]
    (ks,) = sp.linsolve(equations, family.free_constants)
    fixed = dict(zip(family.free_constants, ks, strict=True))
    for e, value in at_point.items():
        assert float(value.xreplace(fixed)) == pytest.approx(
            expectation_value(e, rho, sites).real, abs=1e-10
        ), e
