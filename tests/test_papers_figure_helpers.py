"""symthermo.papers.figures helpers (grid, steady_sweep, finish_panels) against the direct
route: the steady state of the Liouvillian built from the coupling matrices, point by point."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from symthermo import papers
from symthermo.algebra import qubit
from symthermo.emit import load_kernels
from symthermo.model import bath, collision_model
from symthermo.papers.figures import finish_panels, grid, steady_sweep, style, subplots
from symthermo.states import ThermalQubit

S, R = qubit("S"), qubit("R")
w_s, w_r, t = sympy.symbols("omega_S omega_R T_R", positive=True)
gx, gy = sympy.symbols("g_x g_y", real=True)
MODEL = collision_model([S], w_s / 2 * S.z, bath(
    "R", ThermalQubit(R, omega=w_r, beta=1 / t), w_r / 2 * R.z,
    {"S": gx * S.x * R.x + gy * S.y * R.y}, beta=1 / t))


def test_grid_broadcasts_the_base_values():
    values = grid({"omega_S": 1.0, "g_x": 0.3}, g_x=np.array([0.1, 0.2, 0.4]))
    assert set(values) == {"omega_S", "g_x"}
    assert np.array_equal(values["omega_S"], np.ones(3))
    assert np.array_equal(values["g_x"], [0.1, 0.2, 0.4])


def test_steady_sweep_matches_the_direct_route_point_by_point():
    kernels = load_kernels(papers.current_quantities(MODEL, "R"), (S,),
                           module_name="figure_helpers_test")
    ratio = np.linspace(0.0, 2.0, 5)
    values = grid({"omega_S": 1.3, "omega_R": 0.9, "T_R": 0.7, "g_x": 0.6}, g_y=0.6 * ratio)
    d = steady_sweep(MODEL, kernels, values)
    assert d["rho"].shape == (5, 2, 2) and not d["projected"].any()
    for i, r in enumerate(ratio):
        p = {w_s: 1.3, w_r: 0.9, t: 0.7, gx: 0.6, gy: 0.6 * r}
        ss = papers.steady_summary(MODEL, p)
        assert np.allclose(d["rho"][i], ss.rho, atol=1e-10)
        assert d["heat"][i] == pytest.approx(ss.heat["R"], abs=1e-10)
        assert d["work"][i] == pytest.approx(ss.work, abs=1e-10)


def test_finish_panels_labels_and_limits():
    pytest.importorskip("matplotlib")
    x = np.linspace(0.5, 2.0, 4)
    with style() as plt:
        _, (a, b) = subplots(plt, 1, 2)
        finish_panels((a, b), xlabel="r", x=x, bottom=0)
        assert [ax.get_title(loc="left") for ax in (a, b)] == ["(a)", "(b)"]
        assert a.get_xlabel() == "r" and a.get_xlim() == (0.5, 2.0)
        assert b.get_ylim()[0] == 0
