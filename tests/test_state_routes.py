"""symthermo.papers.state_routes: the engine's routes for a whole generator against a general
observable and for stationary projections, checked against independent routes."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from collective_models import b, collective, g, w

from symthermo.algebra import anticommutator, commutator
from symthermo.numeric.matrices import monomial_matrix
from symthermo.numeric.model_dynamics import lindblad_liouvillian_of
from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.numeric.steady import steady_state
from symthermo.numeric.superop import unvec, vec
from symthermo.papers import STATUS_DIFFERS, STATUS_HOLDS, Check, Sampling, compare
from symthermo.papers.state_routes import (
    GeneratorPairing,
    SteadyStateMeasure,
    pauli_observable,
    pauli_state,
)

SAMPLING = Sampling(ranges={"w": (0.8, 1.5), "b": (1.0, 2.0), "g": (0.5, 1.2),
                            "f": (-0.5, 0.5)}, cutoff=40)


def _hand_written_generator(model, nbar_factor=1):
    """-i[H, rho] + sum_ij g^2 (nbar + 1) D[s_j^-, s_i^+] + g^2 nbar D[s_j^+, s_i^-], written
    out with the engine's operators (the paper's form, in the collective limit)."""
    qs = model.system_sites
    nbar = 1 / (sympy.exp(b * w) - 1)
    h = model.system_hamiltonian

    def gen(rho):
        out = commutator(h, rho) * (-sympy.I)
        for qi in qs:
            for qj in qs:
                out = out + (qj.minus * rho * qi.plus - anticommutator(qi.plus * qj.minus, rho)
                             / 2) * (g**2 * (nbar + 1))
                out = out + (qj.plus * rho * qi.minus - anticommutator(qi.minus * qj.plus, rho)
                             / 2) * (g**2 * nbar * nbar_factor)
        return out

    return gen


def test_pauli_observable_and_state_name_every_string():
    ss = collective(2).system_sites
    xs = pauli_observable(ss)
    assert len(xs) == 15 and sympy.Symbol("x_z0", real=True) in xs.values()
    rho = pauli_state(ss)
    assert rho.scalar_part() == sympy.Rational(1, 4)


def test_generator_pairing_derived_equals_the_matrix_route():
    pairing = GeneratorPairing(collective(2), SAMPLING)
    derived = pairing.derived()
    route = pairing.matrix_route([derived])
    for seed in (1, 2):
        subs, value = route(np.random.default_rng(seed))
        assert float(derived.xreplace(subs)) == pytest.approx(value, abs=1e-10)


def test_generator_pairing_decides_a_printed_generator():
    model = collective(2)
    pairing = GeneratorPairing(model, SAMPLING)
    right = compare(Check("right", "generator", pairing.pairing(_hand_written_generator(model)),
                          of=pairing))
    assert right.status == STATUS_HOLDS
    assert right.evidence.matrix_value == pytest.approx(right.evidence.printed_value, abs=1e-10)
    wrong = compare(Check("wrong", "generator",
                          pairing.pairing(_hand_written_generator(model, nbar_factor=2)),
                          of=GeneratorPairing(model, SAMPLING)))
    assert wrong.status == STATUS_DIFFERS
    assert abs(wrong.evidence.matrix_value - wrong.evidence.printed_value) > 1e-6


def _numeric_lindblad_steady(model, params, rho0):
    return steady_state(lindblad_liouvillian_of(model, params), initial_state=rho0).rho


@pytest.mark.parametrize("generator", ["direct", "lindblad", "sector"])
def test_steady_state_measure_generators_agree(generator):
    model = collective(2)
    ground = np.diag([1.0, 0, 0, 0]).astype(complex)
    route = SteadyStateMeasure(model, lambda rng: ground, lambda p, rho0: dict(p),
                               lambda rho, p: float(rho[1, 2].real), SAMPLING, generator)
    subs, value = route.matrix_route()(np.random.default_rng(3))
    expected = _numeric_lindblad_steady(model, subs, ground)
    assert value == pytest.approx(expected[1, 2].real, abs=1e-9)
    assert value > 1e-3  # the ground state's projection carries coherence


def test_steady_state_measure_pairs_an_observable_and_applies_at():
    model = collective(2)
    rho0 = np.eye(4, dtype=complex) / 4

    def cold(p):
        return {**p, b: 30.0}

    route = SteadyStateMeasure(model, lambda rng: rho0, lambda p, r0: {b: p[b]},
                               sampling=SAMPLING, generator="lindblad", at=cold,
                               pair_observable=True)
    subs, value = route.matrix_route()(np.random.default_rng(5))
    assert subs[b] == 30.0
    xs = pauli_observable(model.system_sites)
    assert set(xs.values()) <= set(subs)
    # Tr[X rho_ss] rebuilt from the drawn coefficients and an independent steady state at the
    # same parameters (same seed: parameters are the first draws)
    params = SAMPLING.parameters(model, np.random.default_rng(5))
    params[b] = 30.0
    rho = _numeric_lindblad_steady(model, params, rho0)
    x = sum(subs[s] * monomial_matrix(m, model.system_sites) for m, s in xs.items())
    assert value == pytest.approx(np.trace(x @ rho).real, abs=1e-10)


def test_steady_state_measure_refuses_bad_declarations():
    model = collective(2)
    with pytest.raises(ValueError, match="generator"):
        SteadyStateMeasure(model, lambda rng: None, lambda p, r: {}, lambda r, p: 0.0,
                           generator="exact")
    with pytest.raises(ValueError, match="not both"):
        SteadyStateMeasure(model, lambda rng: None, lambda p, r: {}, lambda r, p: 0.0,
                           pair_observable=True)


def test_the_matrix_routes_use_no_symbolic_products(monkeypatch):
    """Independence: with the algebra's operator products disabled the routes still run."""
    from symthermo.algebra import operator as operator_module

    model = collective(2)
    pairing = GeneratorPairing(model, SAMPLING)
    route = pairing.matrix_route([pairing.derived()])
    steady = SteadyStateMeasure(model, lambda rng: np.diag([1.0, 0, 0, 0]).astype(complex),
                                lambda p, rho0: {}, lambda rho, p: float(rho[1, 2].real),
                                SAMPLING, "direct").matrix_route()

    def refuse(*args, **kwargs):
        raise AssertionError("a matrix route used the symbolic algebra's products")

    monkeypatch.setattr(operator_module.Operator, "__mul__", refuse)
    monkeypatch.setattr(operator_module.Operator, "__rmul__", refuse)
    assert np.isfinite(route(np.random.default_rng(1))[1])
    assert steady(np.random.default_rng(2))[1] > 1e-3


def test_direct_stationary_projection_is_the_long_time_limit():
    """P rho_0 against exp(L t) rho_0 at a long time t (scipy's expm of the numeric
    Lindblad Liouvillian); the collective model keeps a two-dimensional stationary space."""
    import scipy.linalg

    from symthermo.papers.state_routes import direct_stationary_projection

    model = collective(2)
    rng = np.random.default_rng(8)
    params = SAMPLING.parameters(model, rng)
    rho0 = random_density_matrix(4, rng)
    rho, dim = direct_stationary_projection(model, params, rho0, 40)
    lv = lindblad_liouvillian_of(model, {k: float(v) for k, v in params.items()})
    late = unvec(scipy.linalg.expm(lv * 400.0) @ vec(rho0), 4)
    assert dim == 2
    assert np.abs(rho - late).max() < 1e-8
    _, dim_independent = direct_stationary_projection(collective(2, "independent"), params,
                                                      rho0, 40)
    assert dim_independent == 1


def test_closed_form_state_deviation_separates_right_and_wrong_states():
    """The independent scheme thermalises each qubit: the product Gibbs state deviates by
    rounding only; the same state at the wrong temperature (b -> b/2) is far off."""
    from symthermo.papers.state_routes import closed_form_state_deviation

    model = collective(2, "independent")
    gibbs1 = sympy.diag(1, sympy.exp(-b * w)) / (1 + sympy.exp(-b * w))
    gibbs = sympy.kronecker_product(gibbs1, gibbs1)
    route = SteadyStateMeasure(model, lambda rng: random_density_matrix(4, rng),
                               lambda p, rho0: {w: p[w], b: p[b]}, l1_value, SAMPLING)
    assert closed_form_state_deviation(route, gibbs, (1, 2)) < 1e-10
    assert closed_form_state_deviation(route, gibbs.xreplace({b: b / 2}), (1, 2)) > 1e-2
    with pytest.raises(ValueError, match="coordinates"):
        closed_form_state_deviation(route, gibbs * g, (1,))


def l1_value(rho, params):
    return float(np.abs(rho).sum() - np.abs(np.diag(rho)).sum())
