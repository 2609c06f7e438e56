"""symthermo.papers.regimes: expectation-kind tables, operating regimes over a grid, the
excitation balance and the steady-state performance route, each against an independent route
(the physics of a small two-bath machine, the dense steady state, hand-built currents)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symthermo.algebra import operator_sum, qubits
from symthermo.model import bath, collision_model
from symthermo.numeric.model_dynamics import model_steady_state
from symthermo.papers import (
    evaluate_at,
    excitation_balance_residual,
    expectation_kind_table,
    kind_table_markdown,
    regime_letter,
    regimes_over_grid,
    sector_steady_summary,
    steady_measure_route,
    two_bath_machine_performance,
)
from symthermo.states import ThermalQubit
from symthermo.thermo import heat_current, work_current

S1, S2, S3, A, B = qubits("S1", "S2", "S3", "A", "B")
w1, w2, w3, wa, wb, g1, g2, g3, jx, ta, tb = sp.symbols(
    "omega_S1 omega_S2 omega_S3 omega_A omega_B g_1 g_2 g_3 J_x T_A T_B", positive=True)
POINT = {w1: 1.1, w2: 0.9, w3: 1.3, wa: 1.6, wb: 1.0, g1: 0.5, g2: 0.7, g3: 0.6, jx: 0.3,
         ta: 2.0, tb: 0.7}
ROWS = (("local heat", "heat", "local"), ("non-local heat", "heat", "nonlocal"),
        ("local work", "work", "local"), ("non-local work", "work", "nonlocal"))


def _model(interaction=None):
    """S1, S2 share bath A (simultaneous), S3 has bath B; exchange couplings, and by default
    the exchange interaction J_x(S2^x S3^x + S2^y S3^y) (the excitation number is conserved)."""
    bath_a = bath("A", ThermalQubit(A, omega=wa, beta=1 / ta), wa / 2 * A.z,
                  {"S1": g1 * (S1.x * A.x + S1.y * A.y), "S2": g2 * (S2.x * A.x + S2.y * A.y)},
                  scheme="simultaneous", beta=1 / ta)
    bath_b = bath("B", ThermalQubit(B, omega=wb, beta=1 / tb), wb / 2 * B.z,
                  {"S3": g3 * (S3.x * B.x + S3.y * B.y)}, beta=1 / tb)
    h_i = jx * (S2.x * S3.x + S2.y * S3.y) if interaction is None else interaction
    return collision_model([S1, S2, S3], w1 / 2 * S1.z + w2 / 2 * S2.z + w3 / 2 * S3.z,
                           [bath_a, bath_b], interaction=h_i)


def test_expectation_kind_table_follows_the_couplings() -> None:
    """Local heat: populations only (each TLS exchanges with its own ancilla); non-local heat:
    the S1-S2 coherence of the shared bath; work: the S2-S3 coherence across the baths (the
    interaction couples them), and none of it without an interaction -- read off the model."""
    table = expectation_kind_table({"m": _model()}, ROWS)
    assert table["local heat"] == {"population"}
    assert table["non-local heat"] == {"coherence_same_bath"}
    assert "coherence_across_baths" in table["local work"] & table["non-local work"]
    # without the interaction nothing couples the baths: no coherence across them anywhere
    # (the off-resonant collisions, omega_S != omega_A, still do work)
    free = expectation_kind_table({"m": _model(interaction=0 * S1.z)}, ROWS)
    assert all("coherence_across_baths" not in kinds for kinds in free.values())
    assert free["local heat"] == {"population"}
    both = expectation_kind_table({"m": _model(), "free": _model(interaction=0 * S1.z)}, ROWS)
    assert both == {row: table[row] | free[row] for row in table}  # the union over models
    with pytest.raises(ValueError, match="'heat' or 'work'"):
        expectation_kind_table({"m": _model()}, [("x", "energy", "local")])


def test_kind_table_markdown() -> None:
    md = kind_table_markdown({"local heat": {"population"}, "work": {"b", "population"}},
                             [("population", "Population"), ("b", "B")])
    assert md.splitlines() == ["| thermodynamic quantity | Population | B |", "|---|---|---|",
                               "| local heat | yes |  |", "| work | yes | yes |"]


@pytest.mark.parametrize("ratio,q,expected", [(0.5, 1.0, "A"), (1.5, 1.0, "E"), (2.5, -1.0, "R"),
                                              (1.5, -1.0, "R"), (0.5, -1.0, "-")])
def test_regimes_from_the_balance_laws(ratio: float, q: float, expected: str) -> None:
    """Currents built by hand from Qc = -Qh/ratio and W = -(Qh + Qc): Qh > 0 below resonance is
    an accelerator, above it an engine; Qh < 0 above resonance a refrigerator; below it heat
    flows into both baths (W > 0, Qh < 0, Qc < 0: no regime)."""
    qh, qc = q, -q / ratio
    w = -(qh + qc)
    assert regime_letter(w, qh, qc) == expected
    grid = regimes_over_grid({("x", ratio): {"W": w, "Qh": qh, "Qc": qc},
                              ("y", 0.1): {"W": 0.0, "Qh": 0.0, "Qc": 0.0}})
    assert list(grid) == sorted([ratio, 0.1]) and grid[ratio] == {"x": expected}
    assert grid[0.1] == {"y": "-"}


def test_excitation_balance_residual_vanishes_only_when_n_is_conserved() -> None:
    """Exchange couplings and an exchange interaction: d<N>/dt = Q_A/omega_A + Q_B/omega_B
    exactly; a bare S2^x S3^x interaction does not conserve N and leaves a residual, and a wrong
    frequency leaves one too."""
    n = operator_sum((s.z + 1) / 2 for s in (S1, S2, S3))
    assert excitation_balance_residual(_model(), n, {"A": wa, "B": wb}) == 0
    assert excitation_balance_residual(_model(jx * S2.x * S3.x), n, {"A": wa, "B": wb}) != 0
    assert excitation_balance_residual(_model(), n, {"A": 2 * wa, "B": wb}) != 0
    with pytest.raises(ValueError, match="bath"):
        excitation_balance_residual(_model(), n, {"A": wa})


def test_machine_performance_at_the_dense_steady_state() -> None:
    """eta, COP_R, COP_A of the balance laws vs the currents at the dense steady state of the
    derived form (numeric.model_dynamics.model_steady_state), evaluated from the derived current
    expressions; the steady-measure route (sector steady state, plain matrices) agrees."""
    f = two_bath_machine_performance(wa, wb)
    assert sp.simplify(f["eta"] - (1 - wb / wa)) == 0
    assert sp.simplify(f["COP_R"] - wb / (wa - wb)) == 0
    assert sp.simplify(f["COP_A"] - wa / (wb - wa)) == 0
    model = _model()
    rho = model_steady_state(model, POINT, method="dense").rho
    qa, qb, w = (evaluate_at(e, rho, model.system_sites, POINT) for e in (
        heat_current(model, "A", "total"), heat_current(model, "B", "total"),
        work_current(model, None, "total")))
    eta = float(f["eta"].subs({wa: POINT[wa], wb: POINT[wb]}))
    assert qa > 0 and w < 0 and -w / qa == pytest.approx(eta, abs=1e-9)
    assert qb / POINT[wb] == pytest.approx(-qa / POINT[wa], abs=1e-12)  # d<N>/dt = 0

    def draw(rng, key):
        return {**POINT, wa: float(rng.uniform(1.2, 1.8))}

    def measure(c):
        q = c["Q_A,local"] + c["Q_A,nonlocal"]
        return -(q + c["Q_B,local"] + c["Q_B,nonlocal"]) / -q

    route = steady_measure_route({"m": model}, draw, measure, {}, [wa, wb])
    rng = np.random.default_rng(3)
    for _ in range(2):
        point, value = route(rng)
        assert set(point) == {wa, wb} and point[wb] == POINT[wb]
        assert value == pytest.approx(1 - point[wb] / point[wa], abs=1e-9)
    s = sector_steady_summary(model, POINT)
    assert np.abs(s.rho - rho).max() < 1e-10
