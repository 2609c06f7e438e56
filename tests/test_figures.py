"""Figures of the papers (derivations/figures): API, PNGs, byte stability, and the plotted
numbers against independent routes (direct Liouvillians from the coupling matrices, the
matrix route for currents, exact stationary Bloch vectors)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from derivations import figures
from derivations.figures import available, make_figures
from symthermo.errors import SymthermoError
from symthermo.numeric.model_dynamics import direct_liouvillian
from symthermo.papers import currents_at

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _is_png(path) -> bool:
    data = path.read_bytes()
    return len(data) > 1000 and data.startswith(PNG_SIGNATURE)


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------


def test_available_lists_the_papers_figures():
    assert available("common-reservoirs") == ["fig1", "fig2", "fig3", "fig5", "fig7"]
    assert available("common_reservoirs") == available("common-reservoirs")
    assert available("coupled-ensembles") == ["fig2", "fig3", "fig4"]
    assert available("memoryless-ness") == ["fig1a", "fig2a"]
    assert set(figures.FIGURES["memoryless_ness"]) == {"fig1a", "fig2a"}
    assert list(figures.FIGURES) == list(figures.PAPERS)


def test_unknown_names_raise_domain_errors(tmp_path):
    with pytest.raises(SymthermoError, match="no figures for 'nonsense'"):
        available("nonsense")
    with pytest.raises(SymthermoError, match="has no figure fig9"):
        make_figures("memoryless-ness", tmp_path, which=["fig9"])
    with pytest.raises(KeyError):
        figures.FIGURES["nonsense"]


def test_missing_matplotlib_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    with pytest.raises(SymthermoError, match=r"pip install 'symthermo\[plot\]'"):
        make_figures("memoryless-ness", tmp_path)


# --------------------------------------------------------------------------------------------
# PNGs, captions, byte stability
# --------------------------------------------------------------------------------------------


def test_memoryless_figures_and_captions(tmp_path):
    paths = make_figures("memoryless-ness", tmp_path, which=["fig1a"])
    fig_dir = tmp_path / "memoryless_ness" / "figures"
    assert paths == [fig_dir / "fig1a.png", fig_dir / "captions.md"]
    assert _is_png(paths[0])
    messages = []
    make_figures("memoryless-ness", tmp_path, which=["fig2a"], progress=messages.append)
    assert len(messages) == 1 and "fig2a" in messages[0]
    assert make_figures("memoryless-ness", tmp_path, which=["Fig. 2a"])[0].name == "fig2a.png"
    assert _is_png(fig_dir / "fig2a.png")
    captions = (fig_dir / "captions.md").read_text()
    # making fig2a kept fig1a's caption; sections in the paper's order
    assert captions.index("## fig1a:") < captions.index("## fig2a:")
    assert "J_x = 2 J_y = 1" in captions


def test_png_bytes_are_reproducible(tmp_path):
    from derivations.figures import memoryless_ness as mf

    first = make_figures("memoryless-ness", tmp_path / "one", which=["fig1a"])[0]
    mf.fig1_data.cache_clear()  # recompute the numbers too, not only the drawing
    second = make_figures("memoryless-ness", tmp_path / "two", which=["fig1a"])[0]
    assert first.read_bytes() == second.read_bytes()
    assert b"Software" not in first.read_bytes()  # no matplotlib version in the metadata


def test_common_reservoirs_figures_written(tmp_path):
    paths = make_figures("common-reservoirs", tmp_path)
    assert [p.name for p in paths] == [
        "fig1.png", "fig2.png", "fig3.png", "fig5.png", "fig7.png", "captions.md"]
    assert all(_is_png(p) for p in paths[:-1])
    text = paths[-1].read_text()
    for fid in available("common-reservoirs"):
        assert f"## {fid}:" in text


# --------------------------------------------------------------------------------------------
# the plotted numbers against independent routes
# --------------------------------------------------------------------------------------------


def _symbol_params(values: dict, i: int) -> dict:
    from derivations import common_reservoirs as cr

    symbols = {str(s): s for s in cr.build_parameters()["single"]}
    return {symbols[k]: float(np.ravel(v)[i]) for k, v in values.items()}


@pytest.mark.parametrize("i", [17, 120])
def test_common_reservoirs_fig1_numbers_match_the_matrix_route(i):
    """Plotted currents = direct Liouvillian (coupling matrices) steady state + matrix-route
    currents Tr[(rho_S (x) rho_R)[V_j,[V_i, X]]]."""
    from derivations.figures import common_reservoirs as fig
    from symthermo.numeric.steady import steady_state

    d = fig.fig1_data()
    model = fig.models()["single"]
    params = _symbol_params(d["values"], i)
    rho = steady_state(direct_liouvillian(model, params)).rho
    ref = currents_at(model, rho, params)
    assert np.allclose(d["rho"][i], rho, atol=1e-10)
    for ours, theirs in (("heat_local", "Q_R,local"), ("heat_nonlocal", "Q_R,nonlocal"),
                         ("work_local", "W_local"), ("work_nonlocal", "W_nonlocal")):
        assert d[ours][i] == pytest.approx(ref[theirs], abs=1e-10), ours
    assert abs(d["work"][i]) > 1e-3  # a point with non-zero currents


def test_common_reservoirs_fig2_projection_matches_direct_route():
    from derivations.figures import common_reservoirs as fig
    from symthermo.numeric.steady import steady_state

    d = fig.fig2_data()
    i, pd = 140, 0.6
    model = fig.models()["single"]
    params = _symbol_params(d["values"], i)
    rho0 = pd * np.outer(fig.PSI_D, fig.PSI_D.conj()) + (1 - pd) * fig.GROUND
    ss = steady_state(direct_liouvillian(model, params), initial_state=rho0)
    assert ss.stationary_dimension > 1 and bool(d[pd]["projected"][i])
    ref = currents_at(model, ss.rho, params)
    assert d[pd]["work"][i] == pytest.approx(ref["W_local"] + ref["W_nonlocal"], abs=1e-10)
    assert d[pd]["heat"][i] == pytest.approx(ref["Q_R,local"] + ref["Q_R,nonlocal"], abs=1e-10)


def test_memoryless_figures_match_the_exact_bloch_vectors():
    """beta_eff and C from the batched numeric steady states = the derivation's exact
    stationary Bloch vectors (engine's Heisenberg equations, solved symbolically)."""
    import sympy

    from derivations import memoryless_ness as mn
    from derivations.figures import memoryless_ness as fig

    args = (mn.J_x, mn.J_y, mn.omega_s, mn.omega_a, mn.beta)
    ss = mn.bloch_steady_state(mn.MODELS["xy"])
    z = sympy.lambdify(args, ss[mn.SZ])
    d1 = fig.fig1_data()
    for i, j in ((0, 10), (2, 200), (4, 140)):
        b, r = fig.BETAS[i], fig.RATIO[j]
        zz = z(fig.JX, r * fig.JX, fig.OMEGA, fig.OMEGA, b)  # <sigma_z> = p1 - p0
        beta_eff = np.log((1 - zz) / (1 + zz)) / fig.OMEGA
        assert d1["beta_ratio"][i, j] == pytest.approx(beta_eff / b, rel=1e-8, abs=1e-12)

    ss2 = mn.bloch_steady_state(mn.MODELS["ssc"])
    f = sympy.lambdify((*args, mn.J_zy), [ss2[mn.SX], ss2[mn.SY]])
    d2 = fig.fig2_data()
    for i, j in ((0, 50), (4, 98), (2, 180)):
        a = fig.ALPHA[j]
        x, y = f(fig.JX, fig.JY_FIG2, fig.OMEGA, fig.OMEGA, fig.BETAS[i],
                 np.tan(a) * np.hypot(fig.JX, fig.JY_FIG2))
        assert d2["coherence"][i, j] == pytest.approx(np.hypot(x, y), rel=1e-8)


def test_coupled_ensembles_figures_on_a_coarse_grid(tmp_path, monkeypatch):
    """All three figures on a 9-point grid; the plotted currents at one point equal the
    derivation's own route (steady state in the excitation sector, current operators)."""
    from derivations import coupled_ensembles as ce
    from derivations.figures import coupled_ensembles as fig

    grid = np.array([0.5, 0.9, 1.2, 1.3, 1.4, 1.5, 1.7, 2.5, 3.0])
    monkeypatch.setattr(fig, "RATIO", grid)
    fig.sweep.cache_clear()
    try:
        paths = make_figures("coupled-ensembles", tmp_path)
        assert all(_is_png(p) for p in paths[:-1])
        s = fig.sweep()
        assert list(s["com1"]["regime"]) == ["accelerator"] * 2 + ["engine"] * 5 + [
            "refrigerator"] * 2
        j = 5  # omega_h/omega_c = 1.5
        for v in ("com2", "cas1"):
            ref = ce.steady_currents(v, ce.fig_point(v, grid[j]))
            for ours, theirs in (("W", "W"), ("Qh", "Qh"), ("Qc", "Qc"), ("W_loc", "Wloc"),
                                 ("W_nonloc", "Wnonloc")):
                assert s[v][ours][j] == pytest.approx(ref[theirs], rel=1e-7, abs=1e-12)
        r, eta, power = fig.maximum_power("ind2")
        assert 1.0 < r < 2.0 and eta == pytest.approx(1 - 1 / r)
        engine = s["ind2"]["regime"] == "engine"
        assert power >= (-s["ind2"]["W"])[engine].max() - 1e-12
    finally:
        fig.sweep.cache_clear()


def test_collective_ergotropy_fig1_matches_the_direct_collision_route():
    """Projected steady states of the derived Lindblad form = those of the direct collision
    dissipator from the coupling matrices (oscillator ancilla truncated), and the plotted C_l1
    = the paper's closed form Eq. (9); the states do not depend on g and f."""
    from derivations.figures import collective_ergotropy as fig
    from symthermo.numeric.measures import ergotropy, l1_coherence
    from symthermo.numeric.model_dynamics import direct_liouvillian, lindblad_liouvillian_of
    from symthermo.numeric.steady import steady_state

    d = fig.fig1_data()
    model = fig.model(2)
    h0 = fig.free_hamiltonian(2)
    for i, j in ((1, 30), (1, 170), (2, 60)):
        b, c = fig.BETAS[i], fig.C_AXIS[j]
        params = {fig.omega: fig.OMEGA, fig.beta: b, fig.g: 0.7, fig.f: 0.3}
        rho0 = fig.initial_state(c)
        direct = steady_state(direct_liouvillian(model, params, cutoff={"R": 40}), rho0).rho
        other = steady_state(lindblad_liouvillian_of(model, params), rho0).rho
        assert np.allclose(direct, other, atol=1e-9)
        assert d["coherence"][i, j] == pytest.approx(l1_coherence(direct), abs=1e-9)
        assert d["ergotropy"][i, j] == pytest.approx(ergotropy(direct, h0), abs=1e-9)
        eq9 = abs(-1 + c + c / (1 + 2 * np.cosh(b * fig.OMEGA)))
        assert d["coherence"][i, j] == pytest.approx(eq9, abs=1e-12)


def test_collective_ergotropy_fig2_reduction_matches_the_full_liouvillian():
    """The Dicke-subspace reduction = the projection of |000> with the full 64 x 64 generator."""
    from derivations.figures import collective_ergotropy as fig
    from symthermo.numeric.measures import ergotropy, l1_coherence
    from symthermo.numeric.model_dynamics import lindblad_liouvillian_of
    from symthermo.numeric.steady import steady_state

    d = fig.fig2_data()
    n = 3
    params = {fig.omega: fig.OMEGA, fig.beta: fig.BETA_FIG2, fig.g: fig.G, fig.f: 0.4}
    rho0 = np.zeros((8, 8), dtype=complex)
    rho0[0, 0] = 1.0
    rho = steady_state(lindblad_liouvillian_of(fig.model(n), params), rho0).rho
    k = list(d["N"]).index(n)
    assert d["coherence"][k] == pytest.approx(l1_coherence(rho), rel=1e-8)
    assert d["ergotropy"][k] == pytest.approx(ergotropy(rho, fig.free_hamiltonian(n)), rel=1e-8)


def test_collective_ergotropy_figures_written(tmp_path):
    paths = make_figures("collective-ergotropy", tmp_path)
    assert [p.name for p in paths] == ["fig1.png", "fig2.png", "captions.md"]
    assert all(_is_png(p) for p in paths[:-1])
    assert "beta -> 0" in paths[-1].read_text()
