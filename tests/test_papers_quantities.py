"""The engine's per-bath dissipator, expectation polynomials, rescaled quantities and steady-state
helpers (symthermo.papers.quantities, symthermo.papers.steady, numeric.compiled_operator,
numeric.model_matrices.bath_dissipator_matrix), each against an independent route."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symthermo.algebra import Expectation, expectation, qubits
from symthermo.errors import ModelError, ParameterError
from symthermo.model import bath, collision_model
from symthermo.numeric.compiled_operator import CompiledOperator
from symthermo.numeric.matrices import operator_matrix
from symthermo.numeric.model_dynamics import direct_liouvillian, model_steady_state
from symthermo.numeric.model_matrices import (
    bath_dissipator_matrix,
    heat_current_matrix,
    random_density_matrix,
    work_current_matrix,
)
from symthermo.numeric.superop import hamiltonian_superop
from symthermo.papers import (
    STATUS_DIFFERS,
    STATUS_HOLDS,
    BathDissipator,
    Check,
    ExpectationPolynomial,
    Rescaled,
    Sampling,
    WorkCurrent,
    bath_system_sites,
    compare,
    derived_currents_at,
    derived_liouvillian,
    evaluate_at,
    golden_section_maximum,
    kernel_dimension,
    parabolic_maximum,
    sector_steady_summary,
)
from symthermo.states import ThermalQubit
from symthermo.thermo import heat_current, work_current

S1, S2, S3, A, B = qubits("S1", "S2", "S3", "A", "B")
w1, w2, w3, wa, wb, g1, g2, g3, jx, ta, tb = sp.symbols(
    "omega_S1 omega_S2 omega_S3 omega_A omega_B g_1 g_2 g_3 J_x T_A T_B", positive=True)
POINT = {w1: 1.1, w2: 0.9, w3: 1.3, wa: 1.0, wb: 1.2, g1: 0.5, g2: 0.7, g3: 0.6, jx: 0.3,
         ta: 0.8, tb: 1.7}


def _model(scheme: str = "simultaneous", round_duration: str = "tau"):
    """S1, S2 share bath A (scheme given), S3 has bath B; exchange couplings and interaction
    (the excitation number is conserved)."""
    bath_a = bath("A", ThermalQubit(A, omega=wa, beta=1 / ta), wa / 2 * A.z,
                  {"S1": g1 * (S1.x * A.x + S1.y * A.y), "S2": g2 * (S2.x * A.x + S2.y * A.y)},
                  scheme=scheme, beta=1 / ta)
    bath_b = bath("B", ThermalQubit(B, omega=wb, beta=1 / tb), wb / 2 * B.z,
                  {"S3": g3 * (S3.x * B.x + S3.y * B.y)}, beta=1 / tb)
    return collision_model([S1, S2, S3], w1 / 2 * S1.z + w2 / 2 * S2.z + w3 / 2 * S3.z,
                           [bath_a, bath_b], interaction=jx * (S2.x * S3.x + S2.y * S3.y),
                           round_duration=round_duration)


def _apply(lv: np.ndarray, rho: np.ndarray) -> np.ndarray:
    d = rho.shape[0]
    return (lv @ rho.reshape(-1, order="F")).reshape(d, d, order="F")


@pytest.mark.parametrize("scheme", ["simultaneous", "cascaded", "independent"])
@pytest.mark.parametrize("round_duration", ["tau", "strokes"])
def test_bath_dissipators_sum_to_the_direct_dissipator(scheme: str, round_duration: str) -> None:
    """sum_k D_k(rho) = (L_direct + i[H_S, .])(rho), L_direct from
    numeric.superop.collision_dissipator (ordered strokes, its own implementation); local +
    non-local = total."""
    model = _model(scheme, round_duration)
    rng = np.random.default_rng(1)
    rho = random_density_matrix(8, rng)
    h = operator_matrix(model.system_hamiltonian, model.system_sites, None, POINT)
    direct = _apply(direct_liouvillian(model, POINT) - hamiltonian_superop(h), rho)
    total = sum(bath_dissipator_matrix(model, k, "total", rho, POINT) for k in ("A", "B"))
    assert np.abs(total - direct).max() < 1e-12
    assert np.abs(direct).max() > 1e-2
    for k in ("A", "B"):
        parts = [bath_dissipator_matrix(model, k, p, rho, POINT) for p in ("local", "nonlocal")]
        assert np.abs(sum(parts) - bath_dissipator_matrix(model, k, "total", rho, POINT)).max() \
            < 1e-13
    if scheme == "independent":
        assert np.abs(bath_dissipator_matrix(model, "A", "nonlocal", rho, POINT)).max() < 1e-15


def test_bath_dissipator_on_its_own_sites() -> None:
    """D_A(rho_12 (x) rho_3) = D_A^{S1 S2}(rho_12) (x) rho_3 (bath A touches S1, S2 only); a
    state of the wrong size is refused."""
    model = _model("cascaded")
    assert bath_system_sites(model, "A") == (S1, S2)
    assert bath_system_sites(model, "B") == (S3,)
    rng = np.random.default_rng(2)
    r12, r3 = random_density_matrix(4, rng), random_density_matrix(2, rng)
    full = bath_dissipator_matrix(model, "A", "nonlocal", np.kron(r12, r3), POINT)
    sub = bath_dissipator_matrix(model, "A", "nonlocal", r12, POINT, sites=(S1, S2))
    assert np.abs(full - np.kron(sub, r3)).max() < 1e-13
    with pytest.raises(Exception, match="rho_S has dimension 2"):
        bath_dissipator_matrix(model, "A", "local", r3, POINT, sites=(S1, S2))


@pytest.mark.parametrize("scheme", ["simultaneous", "cascaded", "independent"])
@pytest.mark.parametrize("part", ["local", "nonlocal", "total"])
def test_bath_dissipator_check_holds_and_catches_a_wrong_form(scheme: str, part: str) -> None:
    q = BathDissipator(_model(scheme), ("A", "B"), part)
    _, symbols = q.state("A")
    assert len(symbols) == 15 and "r^xo_A" in {s.name for s in symbols.values()}
    derived = q.derived()
    c = compare(Check("eq", "D", derived, of=q))
    assert c.status == STATUS_HOLDS
    ev = c.evidence
    assert ev.matrix_value == pytest.approx(ev.derived_value, rel=1e-9, abs=1e-13)
    if scheme == "independent" and part == "nonlocal":
        assert derived == 0 and abs(ev.matrix_value) < 1e-13
        return
    assert abs(ev.matrix_value) > 1e-3
    wrong = compare(Check("eq", "D", 1.01 * derived, of=q))
    assert wrong.status == STATUS_DIFFERS


def test_bath_dissipator_pairing_of_a_printed_form() -> None:
    """pairing(d) of the exact local dissipator of bath B written by hand: for the exchange
    coupling g(s^x b^x + s^y b^y) = 2g(s^+ b^- + s^- b^+) with a thermal qubit,
    D(rho) = 4 g^2 [p1 D[s^+] + p0 D[s^-]](rho), p1 = <b^+ b^-> = 1/(1 + e^{omega/T})."""
    q = BathDissipator(_model(), ("B",), "local")
    p1 = 1 / (1 + sp.exp(wb / tb))
    p0 = 1 - p1

    def lindblad(jump, rho):
        return jump * rho * jump.dagger() - (jump.dagger() * jump * rho
                                             + rho * jump.dagger() * jump) / 2

    printed = q.pairing(lambda k, rho: 4 * g3**2 * (p1 * lindblad(S3.plus, rho)
                                                     + p0 * lindblad(S3.minus, rho)))
    c = compare(Check("hand", "D_B", printed, of=q))
    assert c.status == STATUS_HOLDS
    assert abs(c.evidence.matrix_value) > 1e-3


def test_routes_use_no_symbolic_products(monkeypatch: pytest.MonkeyPatch) -> None:
    import symthermo.algebra as algebra
    from symthermo.algebra.operator import Operator

    model = _model("cascaded")
    quantities = [BathDissipator(model, ("A", "B"), "nonlocal"),
                  ExpectationPolynomial(model, ((g1, (S1.z, S2.x * S3.y)), (2, (S3.x,)))),
                  Rescaled(WorkCurrent(model), g1 * jx)]
    routes = [q.matrix_route([q.derived()]) for q in quantities]

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the matrix route used the symbolic algebra")

    monkeypatch.setattr(Operator, "__mul__", forbidden)
    monkeypatch.setattr(Operator, "__rmul__", forbidden)
    monkeypatch.setattr(algebra, "commutator", forbidden)
    for route in routes:
        subs, value = route(np.random.default_rng(7))
        assert np.isfinite(value) and subs


def test_expectation_polynomial_and_rescaled() -> None:
    model = _model()
    terms = ((g1, (S1.z, S2.x * S3.y)), (2, (S3.x,)))
    q = ExpectationPolynomial(model, terms, Sampling(default=(0.3, 2.0)))
    z1 = Expectation(((("S1"), 3),))
    assert q.derived() == g1 * z1 * expectation(S2.x * S3.y) + 2 * expectation(S3.x)
    subs, value = q.matrix_route([q.derived()])(np.random.default_rng(4))
    # the same numbers by hand: the state's Pauli expectation values from the substitution
    assert value == pytest.approx(float(q.derived().xreplace(subs)), rel=1e-12)
    assert abs(value) > 1e-3
    w = WorkCurrent(model, None, "nonlocal", Sampling(default=(0.3, 2.0)))
    r = Rescaled(w, g1 * jx)
    subs_w, value_w = w.matrix_route([w.derived()])(np.random.default_rng(5))
    _, value_r = r.matrix_route([w.derived()])(np.random.default_rng(5))
    assert value_r == pytest.approx(value_w / (subs_w[g1] * subs_w[jx]), rel=1e-14)
    assert sp.simplify(r.derived() - w.derived() / (g1 * jx)) == 0


def test_compiled_operator_equals_operator_matrix() -> None:
    model = _model()
    op = work_current_operator_of(model)
    m = CompiledOperator(op, model.system_sites)
    assert np.abs(m(POINT) - operator_matrix(op, model.system_sites, None, POINT)).max() < 1e-13
    assert np.abs(m({str(k): v for k, v in POINT.items()}) - m(POINT)).max() == 0
    with pytest.raises(ParameterError, match="g_1"):
        m({k: v for k, v in POINT.items() if k != g1})


def work_current_operator_of(model):
    from symthermo.thermo import work_current_operator

    return work_current_operator(model, None, "total")


@pytest.mark.parametrize("scheme", ["simultaneous", "cascaded"])
def test_sector_steady_summary(scheme: str) -> None:
    """The sector steady state = the dense steady state of the derived form
    (numeric.model_dynamics.model_steady_state); the derived currents there = the matrix route
    (qubit ancillas: no cutoff) and the first law holds."""
    model = _model(scheme)
    s = sector_steady_summary(model, POINT)
    ref = model_steady_state(model, POINT, method="dense")
    assert s.dimension == 1 and ref.stationary_dimension == 1
    assert np.abs(s.rho - ref.rho).max() < 1e-10
    assert kernel_dimension(derived_liouvillian(model, POINT)) == 1
    for k in ("A", "B"):
        for part in ("local", "nonlocal", "total"):
            got = s.currents[f"Q_{k},{part}"]
            if part != "total":
                assert got == pytest.approx(
                    heat_current_matrix(model, k, part, s.rho, POINT), abs=1e-12)
            assert got == pytest.approx(
                evaluate_at(heat_current(model, k, part), s.rho, model.system_sites, POINT),
                abs=1e-12)
    assert s.work == pytest.approx(work_current_matrix(model, None, "local", s.rho, POINT)
                                   + work_current_matrix(model, None, "nonlocal", s.rho, POINT),
                                   abs=1e-12)
    assert s.work + sum(s.heat.values()) == pytest.approx(0, abs=1e-12)
    assert abs(s.heat["A"]) > 1e-4
    assert derived_currents_at(model, s.rho, POINT) == s.currents
    assert s.currents["W_total"] == pytest.approx(
        evaluate_at(work_current(model, None, "total"), s.rho, model.system_sites, POINT),
        abs=1e-12)


def test_kernel_dimension_and_golden_section_maximum() -> None:
    assert kernel_dimension(np.diag([1.0, 0.0, 2.0, 1e-14])) == 2
    assert golden_section_maximum(lambda x: -(x - 1.3) ** 2, 1.0, 2.0) == pytest.approx(1.3,
                                                                                        abs=1e-9)
    x = golden_section_maximum(lambda x: np.sin(x), 0.0, 3.0, iterations=20)
    assert x == pytest.approx(np.pi / 2, abs=1e-6)


def test_parabolic_maximum() -> None:
    x = np.linspace(0.0, 2.0, 11)
    r, top = parabolic_maximum(x, 3.0 - (x - 0.73) ** 2)
    assert r == pytest.approx(0.73, abs=1e-12) and top == pytest.approx(3.0, abs=1e-12)
    x3 = np.linspace(0.0, 3.0, 31)
    r, top = parabolic_maximum(x3, np.cos(3 * x3), where=x3 > 1.2)  # the one at 2 pi / 3
    assert r == pytest.approx(2 * np.pi / 3, abs=2e-2) and top == pytest.approx(1.0, abs=1e-2)
    r, _ = parabolic_maximum(x, (x - 1.0) ** 2)  # opens upwards: the grid maximum itself
    assert r in (x[1], x[-2])
    with pytest.raises(ValueError, match="at least three"):
        parabolic_maximum(x[:2], x[:2])


def test_bath_dissipator_bad_input() -> None:
    with pytest.raises(ModelError, match="no bath 'C'"):
        BathDissipator(_model(), ("A", "C"))
    with pytest.raises(ParameterError, match="part"):
        BathDissipator(_model(), ("A",), "nonlocl")


def test_product_form_is_exact_on_product_states_only() -> None:
    """<z_1 x_2 x_3> -> <z_1><x_2 x_3>: equal to the correlation at a product state
    rho_1 (x) rho_23 (Tr with numpy), different at a correlated one; bad monomials are named."""
    from symthermo.papers import product_form

    sites = (S1, S2, S3)
    expr = 2 * expectation(S1.z * S2.x * S3.x) - expectation(S3.z * S1.y)
    form = product_form(expr)
    assert form == sp.expand(2 * expectation(S1.z) * expectation(S2.x * S3.x)
                             - expectation(S3.z) * expectation(S1.y))
    rng = np.random.default_rng(5)
    r1, r23 = random_density_matrix(2, rng), random_density_matrix(4, rng)
    r3 = np.einsum("abac->bc", r23.reshape(2, 2, 2, 2))
    rho_prod = np.kron(r1, r23)  # S1 (x) (S2 S3)
    assert evaluate_at(form, rho_prod, sites) == pytest.approx(
        evaluate_at(expr, rho_prod, sites), abs=1e-12)
    # the z_3 y_1 term needs S1 and S3 uncorrelated: true here (r1 (x) r23), and <z_3> = Tr r3 z
    assert evaluate_at(expectation(S3.z), rho_prod, sites) == pytest.approx(
        float(np.real(r3[1, 1] - r3[0, 0])), abs=1e-12)
    rho_corr = random_density_matrix(8, rng)
    assert abs(evaluate_at(form, rho_corr, sites) - evaluate_at(expr, rho_corr, sites)) > 1e-6
    with pytest.raises(ValueError, match="exactly one Pauli factor"):
        product_form(expectation(S1.z * S2.z * S3.x))
    with pytest.raises(ValueError, match="exactly one Pauli factor"):
        product_form(expectation(S1.z))


def test_proportional_combination() -> None:
    """W = f C + constant with a known C (built by hand): C is recovered, constants dropped."""
    from symthermo.papers import proportional_combination

    f = g1 * jx / 2
    c = 3 * expectation(S1.x * S2.x) - expectation(S2.y * S3.y) / w1
    w = sp.expand(f * c + g2)
    got = proportional_combination(w, f)
    assert sp.simplify(got - sp.expand(c)) == 0
    assert all(isinstance(s, Expectation) or s == w1 for s in got.free_symbols)
