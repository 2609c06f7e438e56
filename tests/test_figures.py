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
    assert available("common-reservoirs") == [
        "fig1", "fig2", "fig3", "fig4", "fig5", "fig6", "fig7"]
    assert available("common_reservoirs") == available("common-reservoirs")
    assert available("coupled-ensembles") == ["fig2", "fig3", "fig4"]
    assert available("memoryless-ness") == ["fig1", "fig2", "fig3"]
    assert set(figures.FIGURES["memoryless_ness"]) == {"fig1", "fig2", "fig3"}
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
    paths = make_figures("memoryless-ness", tmp_path, which=["fig1"])
    fig_dir = tmp_path / "memoryless_ness" / "figures"
    assert paths == [fig_dir / "fig1.png", fig_dir / "captions.md"]
    assert _is_png(paths[0])
    assert (fig_dir / "fig1.pdf").read_bytes().startswith(b"%PDF")  # vector copy beside it
    messages = []
    make_figures("memoryless-ness", tmp_path, which=["fig2"], progress=messages.append)
    assert len(messages) == 1 and "fig2" in messages[0]
    assert make_figures("memoryless-ness", tmp_path, which=["Fig. 2"])[0].name == "fig2.png"
    assert _is_png(fig_dir / "fig2.png")
    captions = (fig_dir / "captions.md").read_text()
    # making fig2 kept fig1's caption; sections in the paper's order
    assert captions.index("## fig1:") < captions.index("## fig2:")
    assert "J_x = 2 J_y = 1" in captions


def test_png_bytes_are_reproducible(tmp_path):
    from derivations.figures import memoryless_ness as mf

    first = make_figures("memoryless-ness", tmp_path / "one", which=["fig3"])[0]
    mf.fig3_data.cache_clear()  # recompute the numbers too, not only the drawing
    second = make_figures("memoryless-ness", tmp_path / "two", which=["fig3"])[0]
    assert first.read_bytes() == second.read_bytes()
    assert b"Software" not in first.read_bytes()  # no matplotlib version in the metadata
    pdf1, pdf2 = first.with_suffix(".pdf").read_bytes(), second.with_suffix(".pdf").read_bytes()
    assert pdf1 == pdf2
    assert b"CreationDate" not in pdf1 and b"Matplotlib" not in pdf1


def test_common_reservoirs_figures_written(tmp_path):
    paths = make_figures("common-reservoirs", tmp_path)
    assert [p.name for p in paths] == [
        "fig1.png", "fig2.png", "fig3.png", "fig4.png", "fig5.png", "fig6.png", "fig7.png",
        "captions.md"]
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


@pytest.mark.parametrize(("i", "pd"), [(20, 0.3), (100, 0.9)])
def test_common_reservoirs_fig4_matches_the_direct_route(i, pd):
    """Fig. 4: the projected steady state, currents and generated coherence against the
    direct Liouvillian's spectral projector and the matrix-route currents."""
    from derivations.figures import common_reservoirs as fig
    from symthermo.numeric.steady import steady_state

    d = fig.fig4_data()
    model = fig.models()["single"]
    params = _symbol_params(d["values"], i)
    dark = np.outer(fig.PSI_D, fig.PSI_D.conj())
    ss = steady_state(direct_liouvillian(model, params),
                      initial_state=pd * dark + (1 - pd) * fig.GROUND)
    assert ss.stationary_dimension > 1
    ref = currents_at(model, ss.rho, params)
    assert d[pd]["work"][i] == pytest.approx(ref["W_local"] + ref["W_nonlocal"], abs=1e-10)
    rest = ss.rho - pd * dark
    generated = sum(abs(rest[a, b]) for a in range(4) for b in range(4) if a != b)
    assert d[pd]["generated_coherence"][i] == pytest.approx(generated, abs=1e-10)


def test_common_reservoirs_fig6_matches_the_direct_route():
    from derivations.figures import common_reservoirs as fig
    from symthermo.numeric.measures import ergotropy
    from symthermo.numeric.steady import steady_state

    d = fig.fig6_data()
    model = fig.models()["single"]
    h0 = np.diag([-3.0, 0.0, 0.0, 3.0])  # (omega/2)(sigma^z_1 + sigma^z_2), omega = 3
    for t, i in ((1.0, 150), (1.5, 60)):
        values = dict(fig.BASE, T_R=t, Jx_s=0.5, Jy_s=0.5, Jy_1=0.4, Jy_2=1.2, Jx_2=fig.JX2_FIG6,
                      Jx_1=fig.RATIO_FIG6[i] * fig.JX2_FIG6)
        params = _symbol_params(values, 0)
        rho = steady_state(direct_liouvillian(model, params)).rho
        assert d[t]["ergotropy_local"][i] == pytest.approx(ergotropy(rho, h0), abs=1e-10)
        assert np.allclose(d[t]["eigenvalues"][i], np.sort(np.linalg.eigvalsh(rho))[::-1])


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


def test_memoryless_transients_match_a_hand_built_collision_model():
    """Fig. 1(b)-(d) data at J_y/J_x = 1/2: the engine's collision_round + collision_transient
    against 40 collisions written out with numpy/scipy matrices (U = exp(-i dt (H_S + H_A +
    V/sqrt(dt))), heat = -Delta<H_A>, work = Delta<H_S + H_A>)."""
    from scipy.linalg import expm

    from derivations.figures import memoryless_ness as fig

    sx = np.array([[0, 1], [1, 0]], dtype=complex)
    sy = np.array([[0, 1j], [-1j, 0]])
    sz = np.diag([-1.0, 1.0]).astype(complex)
    hs, ha = np.kron(sz / 2, np.eye(2)), np.kron(np.eye(2), sz / 2)
    v = np.kron(sx, sx) + 0.5 * np.kron(sy, sy)
    dt = fig.DT
    u = expm(-1j * dt * (hs + ha + v / np.sqrt(dt)))
    p_exc = np.exp(-fig.BETA_TRANSIENT) / (1 + np.exp(-fig.BETA_TRANSIENT))
    rho_a = np.diag([1 - p_exc, p_exc])
    rho = np.outer(fig.PSI, fig.PSI.conj())
    heat = work = 0.0
    for _ in range(40):
        x = np.kron(rho, rho_a)
        y = u @ x @ u.conj().T
        heat -= np.trace(ha @ (y - x)).real
        work += np.trace((hs + ha) @ (y - x)).real
        rho = np.einsum("iaja->ij", y.reshape(2, 2, 2, 2))
    tr = fig.fig1_transients()[0.5]["finite"]
    assert tr.heat[40, 0] == pytest.approx(heat, abs=1e-12)
    assert tr.work[40] == pytest.approx(work, abs=1e-12)
    assert np.allclose(tr.states[40], rho, atol=1e-12)


def test_memoryless_fig3_map_matches_the_direct_liouvillian():
    """Fig. 3(a) at one grid point: exp(L t)|0><0| with L built from the coupling matrices
    (direct_liouvillian) and scipy's expm, then the ergotropy."""
    from scipy.linalg import expm

    from derivations import memoryless_ness as mn
    from derivations.figures import memoryless_ness as fig
    from symthermo.numeric.measures import ergotropy
    from symthermo.numeric.model_dynamics import direct_liouvillian

    d = fig.fig3_data()
    for iy, ix in ((30, 20), (60, 70), (100, 110)):
        a, g = fig.ALPHA_MAP[ix], fig.GAMMA_MAP[iy]
        params = {mn.omega_s: 1.0, mn.omega_a: 1.0, mn.beta: 1.0, mn.J_x: np.cos(a) * np.cos(g),
                  mn.J_y: np.cos(a) * np.sin(g), mn.J_zy: np.sin(a)}
        L = direct_liouvillian(mn.MODELS["ssc"], params)
        rho = (expm(L * fig.T_FINAL) @ np.array([1.0, 0, 0, 0])).reshape(2, 2, order="F")
        assert d["map"][iy, ix] == pytest.approx(ergotropy(rho, fig.H_S), abs=1e-10)


def test_coupled_ensembles_figures_on_a_coarse_grid(tmp_path, monkeypatch):
    """All three figures on a 9-point grid; the plotted currents at one point equal the
    derivation's own route (steady state in the excitation sector, current operators)."""
    from derivations.figures import coupled_ensembles as fig
    from derivations.statements import coupled_ensembles as ce

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


def test_collective_ergotropy_figures_written(tmp_path, monkeypatch):
    from derivations.figures import collective_ergotropy as fig

    monkeypatch.setattr(fig, "N_SAMPLES", 2_000)  # the full 10^5 samples are for derive
    fig.fig3_data.cache_clear()
    try:
        paths = make_figures("collective-ergotropy", tmp_path)
    finally:
        fig.fig3_data.cache_clear()
    assert [p.name for p in paths] == ["fig1.png", "fig2.png", "fig3.png", "fig4.png",
                                       "captions.md"]
    assert "2,000 random initial states" in paths[-1].read_text()
    assert all(_is_png(p) for p in paths[:-1])
    assert "beta -> 0" in paths[-1].read_text()


def _eq8_measures(c: np.ndarray, beta: float, omega: float = 1.0) -> tuple:
    """C_l1 (Eq. (9)) and the ergotropy from the spectrum Eq. (10) of the paper's Eq. (8)."""
    x = np.exp(-beta * omega)
    z_plus, z = 1 + x + x**2, 1 + 2 * x + x**2
    coherence = np.abs(c * z / z_plus - 1)
    energy = (1 - c) * omega + c / z_plus * (omega * x + 2 * omega * x**2)
    lam = np.stack([1 - c, c * x**2 / z_plus, c * x / z_plus, c / z_plus], axis=-1)  # Eq. (10)
    lam = np.sort(lam, axis=-1)[:, ::-1]
    passive = lam @ np.array([0.0, omega, omega, 2 * omega])
    return coherence, energy - passive


def test_collective_ergotropy_fig3_at_n2_agrees_with_eqs_8_to_11():
    """Random-state statistics at N = 2: the fast projection against the paper's closed forms
    evaluated at each sample's c (same ensemble), and Eq. (11) where it applies (c < 1/2)."""
    from derivations.figures import collective_ergotropy as fig

    params = {"omega": 1.0, "beta": 0.7, "g": 1.0, "f": 0.0}
    css = fig.collective_steady_states(2, params)
    psi = fig.haar_random_states(2, 4000, np.random.default_rng(3))
    ours = fig.random_state_measures(css, psi)
    c = 1 - np.abs(psi @ fig.PSI_MINUS.conj()) ** 2  # overlap with psi_0, psi_+, psi_1
    coherence, ergotropy = _eq8_measures(c, 0.7)
    assert np.allclose(ours["coherence"], coherence, atol=1e-12)
    assert np.allclose(ours["ergotropy"], ergotropy, atol=1e-12)
    assert ours["coherence"].mean() == pytest.approx(coherence.mean(), abs=1e-13)
    assert ours["ergotropy"].std() == pytest.approx(ergotropy.std(), abs=1e-13)
    bw = 0.7
    low = c < 0.5
    eq11 = 1 - c * (1 + 3 * np.cosh(bw) + np.sinh(bw)) / (1 + 2 * np.cosh(bw))
    assert low.sum() > 50
    assert np.allclose(ours["ergotropy"][low], eq11[low], atol=1e-12)
    # the Haar ensemble itself: c ~ Beta(3, 1), so <C_l1> -> 54/256 as beta -> 0
    hot = fig.collective_steady_states(2, dict(params, beta=1e-4))
    many = fig.random_state_measures(hot, fig.haar_random_states(2, 40_000,
                                                                 np.random.default_rng(4)))
    assert many["coherence"].mean() == pytest.approx(54 / 256, abs=0.004)


@pytest.mark.parametrize("n", [3, 4])
def test_collective_ergotropy_fast_projection_matches_the_full_liouvillian(n):
    """N = 3, 4: C_l1 and W from the spin-decomposed projection = the engine's full
    Liouvillian spectral projector (steady_state with the initial state), state by state."""
    from derivations.figures import collective_ergotropy as fig
    from symthermo.numeric.measures import ergotropy, l1_coherence
    from symthermo.numeric.model_dynamics import LiouvillianBuilder
    from symthermo.numeric.steady import steady_state

    params = {"omega": 1.0, "beta": 0.3, "g": 1.0, "f": 0.4}
    css = fig.collective_steady_states(n, params)
    psi = fig.haar_random_states(n, 3, np.random.default_rng(n))
    ours = fig.random_state_measures(css, psi)
    L = LiouvillianBuilder(fig.model(n))(params)
    for i in range(3):
        rho = steady_state(L, initial_state=np.outer(psi[i], psi[i].conj())).rho
        assert ours["coherence"][i] == pytest.approx(l1_coherence(rho), abs=1e-10)
        assert ours["ergotropy"][i] == pytest.approx(
            ergotropy(rho, fig.free_hamiltonian(n)), abs=1e-10)


def test_collective_ergotropy_fig4_against_wootters_and_brute_force():
    from scipy.optimize import minimize

    from derivations.figures import collective_ergotropy as fig

    d = fig.fig4_data()
    rho_all = fig.fig1_data()["rho"]
    yy = np.kron([[0, 1j], [-1j, 0]], [[0, 1j], [-1j, 0]])
    for i, k in ((0, 30), (1, 120), (2, 190)):
        rho = rho_all[i, k]
        lam = np.sort(np.sqrt(np.clip(np.linalg.eigvals(rho @ yy @ rho.conj() @ yy).real, 0,
                                      None)))[::-1]
        assert d["concurrence"][i, k] == pytest.approx(max(0, lam[0] - lam[1:].sum()), abs=1e-7)

        def entropy(r):
            w = np.linalg.eigvalsh(r)
            w = w[w > 1e-14]
            return float(-np.sum(w * np.log2(w)))

        def conditional(x, rho=rho):
            u = np.array([np.cos(x[0] / 2), np.exp(1j * x[1]) * np.sin(x[0] / 2)])
            total = 0.0
            for proj in (np.outer(u, u.conj()), np.eye(2) - np.outer(u, u.conj())):
                m = np.kron(np.eye(2), proj) @ rho @ np.kron(np.eye(2), proj)
                p = np.trace(m).real
                if p > 1e-14:
                    total += p * entropy(np.einsum("ajbj->ab", m.reshape(2, 2, 2, 2)) / p)
            return total

        best = min(minimize(conditional, x0, method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-14}).fun
                   for x0 in ([0.3, 0.1], [1.5, 2.0], [2.8, 4.0]))
        rho_b = np.einsum("ajak->jk", rho.reshape(2, 2, 2, 2))
        assert d["discord"][i, k] == pytest.approx(entropy(rho_b) - entropy(rho) + best,
                                                   abs=1e-8)
