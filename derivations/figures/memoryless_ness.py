"""Figures of "Non-equilibrium steady states of memoryless quantum collision models".

Fig. 1(a): beta_eff/beta of the steady state vs J_y/J_x (coupling Eq. (26)); Fig. 2(a): l1
coherence of the steady state vs alpha (coupling Eq. (29)), each for beta = 1, 3, 5, 7, 9.
Figs. 1(b)-(d), 2(b)-(d): work, heat and entropy-production currents along the trajectory from
|Psi(15 pi/16)> with their running integrals as insets, on the exact collision model at the
paper's dt = 0.05 (:func:`symthermo.numeric.transients.collision_transient`) and on the
dt -> 0 master equation (:func:`~symthermo.numeric.transients.lindblad_transient`).
Fig. 3: ergotropy of the state at t = n dt = 50 over the parametrisation Eq. (31), from the
batched derived generator and batched propagators exp(L t).
Models: :mod:`derivations.memoryless_ness` (``xy`` and ``ssc``).  Numbers: the derived Lindblad
generator on stacks of parameter points, one batched steady-state solve per figure
(:func:`derivations.figures.steady_states`), then
:func:`~symthermo.numeric.measures.effective_temperature` and
:func:`~symthermo.numeric.measures.l1_coherence`.  The derivation's exact stationary Bloch
vectors (solved symbolically from the engine's Heisenberg equations) are the tests' independent
route.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np

from derivations import memoryless_ness as mn
from derivations.figures import Figure, full, panel_label, save, steady_states, style, subplots

#: Inverse temperatures of both figures (captions: beta = 9 to 1 in steps of 2).
BETAS = (9.0, 7.0, 5.0, 3.0, 1.0)
#: J_y / J_x axis of Fig. 1(a), J_x = 1.
RATIO = np.linspace(-3.0, 3.0, 241)
#: alpha axis of Fig. 2(a): [0, pi/2) (J_zy = tan(alpha) sqrt(J_x^2 + J_y^2) diverges at pi/2).
ALPHA = np.linspace(0.0, 0.49 * math.pi, 197)
#: omega_S = omega_A = 1 (the paper's unit), J_x of Fig. 1, J_x = 2 J_y = 1 of Fig. 2.
OMEGA = 1.0
JX = 1.0
JY_FIG2 = 0.5


def _colors() -> dict[float, tuple]:
    """beta = 9 light blue ... beta = 1 dark red (the captions' colour gradient)."""
    import matplotlib

    cmap = matplotlib.colormaps["coolwarm"]
    return {b: cmap(x) for b, x in zip(BETAS, (0.3, 0.1, 0.0, 0.85, 1.0), strict=True)}


@cache
def fig1_data() -> dict:
    """beta_eff/beta vs J_y/J_x for each beta (model ``xy``, resonant, J_x = 1)."""
    from symthermo.numeric.measures import effective_temperature

    beta, ratio = np.meshgrid(np.array(BETAS), RATIO, indexing="ij")
    values = full(beta.shape, {"omega_S": OMEGA, "omega_A": OMEGA, "J_x": JX})
    values["J_y"] = ratio * JX
    values["beta"] = beta
    ss = steady_states(mn.MODELS["xy"], values)
    t_eff = effective_temperature(ss.rho, OMEGA)
    with np.errstate(divide="ignore"):
        beta_eff = 1.0 / t_eff  # T_eff = +-inf (p0 = p1) -> beta_eff = 0
    return {"ratio": RATIO, "betas": BETAS, "rho": ss.rho, "projected": ss.projected,
            "beta_eff": beta_eff, "beta_ratio": beta_eff / beta, "values": values}


@cache
def fig2_data() -> dict:
    """l1 coherence vs alpha for each beta (model ``ssc``, J_x = 2 J_y = 1)."""
    from symthermo.numeric.measures import l1_coherence

    beta, alpha = np.meshgrid(np.array(BETAS), ALPHA, indexing="ij")
    values = full(beta.shape, {"omega_S": OMEGA, "omega_A": OMEGA, "J_x": JX, "J_y": JY_FIG2})
    values["J_zy"] = np.tan(alpha) * math.hypot(JX, JY_FIG2)
    values["beta"] = beta
    ss = steady_states(mn.MODELS["ssc"], values)
    return {"alpha": ALPHA, "betas": BETAS, "rho": ss.rho, "projected": ss.projected,
            "coherence": l1_coherence(ss.rho), "values": values}


def _draw_fig1a(ax, d: dict) -> None:
    colors = _colors()
    ax.axhline(0, color="0.8", lw=0.8)
    for i, b in enumerate(BETAS):
        ax.plot(d["ratio"], d["beta_ratio"][i], color=colors[b], label=rf"$\beta = {b:g}$")
    ax.set_xlabel(r"$J_y/J_x$")
    ax.set_ylabel(r"$\beta_{\mathrm{eff}}/\beta$")
    ax.set_xlim(RATIO[0], RATIO[-1])
    ax.set_ylim(-1.05, 1.05)
    panel_label(ax, "(a)")
    ax.legend(loc="lower right")


def _caption1a() -> str:
    d = fig1_data()
    r = d["beta_ratio"]
    i0 = int(np.argmin(abs(RATIO)))
    i1 = int(np.argmin(abs(RATIO - 1.0)))
    return (
        "beta_eff/beta of the steady state vs J_y/J_x for beta = 9 (light blue), 7, 5, 3, 1 "
        "(dark red); coupling Eq. (26) J_x sigma_x sigma_x + J_y sigma_y sigma_y, resonant "
        f"omega_S = omega_A = {OMEGA:g}. beta_eff from the populations of the numeric steady "
        "state, beta_eff = ln(p_0/p_1)/omega_S (the paper's Eq. (28): the states are diagonal). "
        f"**Our reading:** the paper does not give J_x; we use J_x = {JX:g} (beta_eff/beta "
        f"depends on J_y/J_x only, J_x sets the rates), J_y/J_x in [{RATIO[0]:g}, "
        f"{RATIO[-1]:g}]. As in the paper: beta_eff = 0 at J_y/J_x = 0 (here "
        f"{float(np.max(abs(r[:, i0]))):.1e}), equilibrium beta_eff/beta = 1 only at "
        f"J_y/J_x = 1 (here {float(np.min(r[:, i1])):.6f}), |beta_eff/beta| <= 1 everywhere "
        f"(max {float(np.max(abs(r))):.6f}), negative beta_eff (population inversion) for "
        "J_y/J_x < 0, and colder baths stay further from equilibrium. We plot the steady state "
        "of the master equation (the dt -> 0 limit); the paper's numerics use collisions of "
        "duration dt = 0.05 for n = 1000 steps."
    )


def _draw_fig2a(ax, d: dict) -> None:
    colors = _colors()
    for i, b in enumerate(BETAS):
        ax.plot(d["alpha"], d["coherence"][i], color=colors[b], label=rf"$\beta = {b:g}$")
    ax.set_xlabel(r"$\alpha$")
    ax.set_ylabel(r"$\mathcal{C}$")
    _alpha_axis(ax)
    ax.set_ylim(bottom=0)
    panel_label(ax, "(a)")
    ax.legend(loc="upper right")


def _alpha_axis(ax, top: float = math.pi / 2) -> None:
    ticks = [x for x in (0, math.pi / 8, math.pi / 4, 3 * math.pi / 8, math.pi / 2) if x <= top]
    names = ["0", r"$\pi/8$", r"$\pi/4$", r"$3\pi/8$", r"$\pi/2$"][: len(ticks)]
    ax.set_xlim(0.0, top)
    ax.set_xticks(ticks, names)


def _caption2a() -> str:
    d = fig2_data()
    c = d["coherence"]
    peak = [float(ALPHA[int(np.argmax(c[i]))] / math.pi) for i in range(len(BETAS))]
    return (
        "l1-norm coherence C = sum_{l != m} |rho*_lm| of the steady state vs alpha = "
        "arctan(J_zy / sqrt(J_x^2 + J_y^2)) for beta = 9 (top, light blue) to 1 (bottom, dark "
        "red); coupling Eq. (29), J_x sigma_x sigma_x + J_y sigma_y sigma_y + J_zy sigma_z "
        f"sigma_y, omega_S = omega_A = {OMEGA:g}. Parameters (caption): J_x = 2 J_y = 1, so "
        "J_zy = tan(alpha) sqrt(5)/2 (the caption's fixed J_x, J_y; the normalised "
        "parametrisation of Sec. IV B is not used here). alpha runs to 0.49 pi (J_zy diverges at "
        "pi/2). The paper writes J_yz in alpha and J_zy in Eq. (29); both are read as the "
        "sigma_z^S sigma_y^A coupling. As in the paper, C = 0 at alpha = 0 and C decreases "
        "with temperature; **difference:** the maximum is not exactly at alpha = pi/4 but at "
        f"alpha/pi = {peak[0]:.3f} (the same for every beta: C is proportional to "
        "tanh(beta omega_A/2)); it tends to pi/4 only for omega_S << J (see the derivation's "
        "statement 'Sec. IV A, Fig. 2(a): maximal SSC'). The master equation has a unique "
        "steady state for every alpha < pi/2 (the initial state of the paper does not matter "
        "here)."
    )


# --------------------------------------------------------------------------------------------
# Figs. 1(b)-(d), 2(b)-(d): transients
# --------------------------------------------------------------------------------------------

#: The paper's collision time and number of collisions (Sec. III C: dt = 0.05, n = 10^3).
DT = 0.05
ROUNDS = 1000
#: beta of panels (b)-(d) (captions).
BETA_TRANSIENT = 1.0
#: J_y/J_x of Fig. 1(b)-(d) and their line styles (caption).
RATIOS_FIG1 = {-0.5: ":", 0.0: "-.", 0.5: "--", 1.0: "-"}
#: alpha of Fig. 2(b)-(d) and their line styles (caption).
ALPHAS_FIG2 = {0.0: "-", math.pi / 8: ":", math.pi / 4: "--", 3 * math.pi / 8: "-."}
#: |Psi(theta)> = cos(theta)|1> + sin(theta)|0>, theta = 15 pi/16 (index 0 = |0>, ground).
THETA = 15 * math.pi / 16
PSI = np.array([math.sin(THETA), math.cos(THETA)], dtype=complex)
TRANSIENT_COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red")


def _transients(variant: str, params: dict) -> dict:
    """Exact dt = 0.05 collisions and the dt -> 0 master equation from |Psi(15 pi/16)>."""
    from symthermo.numeric.model_dynamics import collision_round
    from symthermo.numeric.transients import collision_transient, lindblad_transient

    rnd, per_round, _ = collision_round(mn.MODELS[variant], DT, params)
    rho0 = np.outer(PSI, PSI.conj())
    betas = [BETA_TRANSIENT]
    finite = collision_transient(rnd, rho0, ROUNDS, betas, time_per_round=per_round)
    limit = lindblad_transient(rnd, rho0, finite.times, betas, time_per_round=per_round)
    return {"finite": finite, "limit": limit}


def _xy_params(ratio: float) -> dict:
    return {mn.omega_s: OMEGA, mn.omega_a: OMEGA, mn.beta: BETA_TRANSIENT, mn.J_x: JX,
            mn.J_y: ratio * JX}


def _ssc_params(alpha: float) -> dict:
    return {mn.omega_s: OMEGA, mn.omega_a: OMEGA, mn.beta: BETA_TRANSIENT, mn.J_x: JX,
            mn.J_y: JY_FIG2, mn.J_zy: math.tan(alpha) * math.hypot(JX, JY_FIG2)}


@cache
def fig1_transients() -> dict:
    """Transients of Fig. 1(b)-(d): ratio J_y/J_x -> {"finite", "limit"} Transient records."""
    return {r: _transients("xy", _xy_params(r)) for r in RATIOS_FIG1}


@cache
def fig2_transients() -> dict:
    """Transients of Fig. 2(b)-(d): alpha -> {"finite", "limit"} Transient records."""
    return {a: _transients("ssc", _ssc_params(a)) for a in ALPHAS_FIG2}


def _series(tr, kind: str) -> tuple:
    """(times of the current, current, times of the integral, integral) of one quantity."""
    if kind == "work":
        return tr.current_times, tr.power, tr.times, tr.work
    if kind == "heat":
        return tr.current_times, tr.heat_currents[:, 0], tr.times, tr.heat[:, 0]
    rate = np.asarray(tr.entropy_production_rate)
    keep = np.isfinite(rate)  # dS/dt = +inf at t = 0 from a pure state (tau -> 0 route)
    return tr.current_times[keep], rate[keep], tr.times, tr.entropy.production


_CURRENT_LABELS = {"work": (r"$\dot{W}$", r"$W$"), "heat": (r"$\dot{Q}$", r"$Q$"),
                   "entropy": (r"$\sigma$", r"$\Sigma$")}


def _draw_transients(fig, axes_rows, data: dict, styles: dict, labels: dict) -> None:
    """Rows (finite dt, dt -> 0) x columns (work, heat, entropy), each with an inset.

    The y range leaves the upper half of each panel to the inset (no curve hidden under it).
    """
    for row, route in enumerate(("finite", "limit")):
        for col, kind in enumerate(("work", "heat", "entropy")):
            ax = axes_rows[row][col]
            inset = ax.inset_axes([0.5, 0.55, 0.46, 0.38])
            lo, hi = np.inf, -np.inf
            for k, (key, ls) in enumerate(styles.items()):
                tc, cur, ti, integ = _series(data[key][route], kind)
                color = TRANSIENT_COLORS[k]
                ax.plot(tc, cur, color=color, ls=ls, lw=1.1,
                        label=labels[key] if row == col == 0 else None)
                inset.plot(ti, integ, color=color, ls=ls, lw=0.9)
                lo, hi = min(lo, float(np.min(cur)), 0.0), max(hi, float(np.max(cur)), 0.0)
            span = hi - lo
            ax.set_ylim(lo - 0.05 * span, hi + 1.15 * span)
            ax.axhline(0, color="0.8", lw=0.6, zorder=0)
            ax.set_xlim(0, ROUNDS * DT)
            ax.set_ylabel(_CURRENT_LABELS[kind][0])
            inset.set_xlim(0, ROUNDS * DT)
            inset.tick_params(labelsize=6)
            inset.set_title(_CURRENT_LABELS[kind][1], fontsize=7, pad=1)
            if row == 1:
                ax.set_xlabel(r"$t = n\,\delta t$")
            route_name = (rf"exact collisions, $\delta t = {DT:g}$" if row == 0
                          else r"master equation, $\delta t \to 0$")
            panel_label(ax, "(" + "bcd"[col] + ") " + route_name)


def _transient_figure(fig_dir: Path, name: str, draw_a, data_a: dict, data: dict,
                      styles: dict, labels: dict) -> Path:
    with style() as plt:
        fig = plt.subplots(1, 1, figsize=(13.0, 6.4))[0]
        fig.clf()
        grid = fig.add_gridspec(2, 4, width_ratios=(1.15, 1, 1, 1))
        ax_a = fig.add_subplot(grid[:, 0])
        draw_a(ax_a, data_a)
        rows = [[fig.add_subplot(grid[r, c]) for c in (1, 2, 3)] for r in (0, 1)]
        _draw_transients(fig, rows, data, styles, labels)
        fig.tight_layout(rect=(0, 0.045, 1, 1))
        handles, names = rows[0][0].get_legend_handles_labels()
        fig.legend(handles, names, loc="lower center", bbox_to_anchor=(0.62, 0.0),
                   ncol=len(styles), fontsize=8)
        return save(fig, fig_dir / name)


def _fig1(fig_dir: Path) -> Path:
    labels = {r: rf"$J_y/J_x = {r:g}$" for r in RATIOS_FIG1}
    return _transient_figure(fig_dir, "fig1.png", _draw_fig1a, fig1_data(), fig1_transients(),
                             RATIOS_FIG1, labels)


def _alpha_name(a: float) -> str:
    return {0.0: "0", math.pi / 8: r"\pi/8", math.pi / 4: r"\pi/4",
            3 * math.pi / 8: r"3\pi/8"}[a]


def _fig2(fig_dir: Path) -> Path:
    labels = {a: rf"$\alpha = {_alpha_name(a)}$" for a in ALPHAS_FIG2}
    return _transient_figure(fig_dir, "fig2.png", _draw_fig2a, fig2_data(), fig2_transients(),
                             ALPHAS_FIG2, labels)


def _transient_summary(data: dict, names: dict) -> str:
    parts = []
    for key, d in data.items():
        fin, lim = d["finite"], d["limit"]
        parts.append(
            f"{names[key]}: at t = {fin.times[-1]:g} Wdot = {fin.power[-1]:.4f} "
            f"(dt -> 0: {lim.power[-1]:.4f}), Qdot = {fin.heat_currents[-1, 0]:.4f} "
            f"({lim.heat_currents[-1, 0]:.4f}), sigma = {fin.entropy_production_rate[-1]:.4f} "
            f"({lim.entropy_production_rate[-1]:.4f}); W = {fin.work[-1]:.3f} "
            f"({lim.work[-1]:.3f}), Q = {fin.heat[-1, 0]:.3f} ({lim.heat[-1, 0]:.3f}), "
            f"Sigma = {fin.entropy.production[-1]:.3f} ({lim.entropy.production[-1]:.3f})")
    resid = max(max(d["finite"].first_law_residual, d["limit"].first_law_residual)
                for d in data.values())
    return "; ".join(parts) + (
        f". First law along every path: max |Delta E_S - W - Q| = {resid:.1e}.")


_TRANSIENT_COMMON = (
    "Panels (b)-(d): work current Wdot, heat current Qdot and entropy production rate sigma "
    "against t = n dt, with the running integrals W(t), Q(t), Sigma(t) as insets; top row the "
    "exact collision model at the paper's dt = 0.05 (n = 1000 collisions, t = 50; per-collision "
    "W and Q of Eqs. (20), (21) divided by dt, U = exp(-i dt (H_S + H_A + H_SA/sqrt(dt)))), "
    "bottom row the dt -> 0 master equation from the same state with the currents of Eqs. (22), "
    "(23) and exactly integrated running integrals. beta = 1, omega_S = omega_A = 1, initial "
    "state |Psi(15 pi/16)> = cos(15 pi/16)|1> + sin(15 pi/16)|0> (|1> excited: excited "
    "population cos^2(15 pi/16) = 0.96). Entropy production Sigma(t) = S(rho_S(t)) - "
    "S(rho_S(0)) - beta Q(t) and sigma its rate (per collision on the top row; dS/dt - beta "
    "Qdot on the bottom row, drawn from t > 0 since dS/dt diverges at t = 0 for a pure "
    "state). **Signs:** Qdot > 0 is heat INTO the system (the paper's Eqs. (21), (23) count "
    "the heat into the ancilla, the opposite sign) and Wdot > 0 is work done ON the system "
    "(Eq. (22)'s sign; Eq. (20) as printed has the opposite sign, see the report). The paper "
    "does not say which sign its panels use; ours follow the engine's convention. Values "
)


def _caption1() -> str:
    data = fig1_transients()
    names = {r: f"J_y/J_x = {r:g} ({RATIOS_FIG1[r]})" for r in RATIOS_FIG1}
    eq = data[1.0]["finite"]
    w_eq = float(np.max(np.abs(eq.work)))
    end = {r: abs(float(d["finite"].heat_currents[-1, 0])) for r, d in data.items()}
    largest = max(end, key=end.get)
    return (
        "**(a)** " + _caption1a() + "\n\n" + _TRANSIENT_COMMON.replace(
            "Panels (b)-(d)", "**(b)-(d)** Coupling Eq. (26), J_x = 1 (our reading, as in (a)), "
            "J_y/J_x = -1/2 (dotted), 0 (dot-dashed), 1/2 (dashed), 1 (solid); panels (b)-(d)")
        + "(finite dt, with dt -> 0 in brackets): " + _transient_summary(data, names)
        + f" As in the paper: for J_y = J_x the work vanishes throughout (max |W| = {w_eq:.1e}) "
        "and the heat and entropy currents vanish at the steady state (equilibrium, |Qdot| = "
        f"{end[1.0]:.1e} at t = 50); the other ratios keep constant housekeeping currents with "
        f"Wdot = -Qdot, the largest for J_y/J_x = {largest:g}."
    )


def _caption2() -> str:
    data = fig2_transients()
    names = {a: f"alpha = {_alpha_name(a).replace(chr(92), '')} ({ALPHAS_FIG2[a]})"
             for a in ALPHAS_FIG2}
    q0 = abs(float(data[0.0]["limit"].heat_currents[-1, 0]))
    higher = [_alpha_name(a).replace(chr(92), "") for a, d in data.items()
              if a > 0 and abs(float(d["limit"].heat_currents[-1, 0])) > q0]
    lower = [_alpha_name(a).replace(chr(92), "") for a, d in data.items()
             if a > 0 and abs(float(d["limit"].heat_currents[-1, 0])) <= q0]
    return (
        "**(a)** " + _caption2a() + "\n\n" + _TRANSIENT_COMMON.replace(
            "Panels (b)-(d)", "**(b)-(d)** Coupling Eq. (29), J_x = 2 J_y = 1, J_zy = tan(alpha) "
            "sqrt(J_x^2 + J_y^2) with alpha = 0 (solid), pi/8 (dotted), pi/4 (dashed), 3 pi/8 "
            "(dot-dashed); panels (b)-(d)")
        + "(finite dt, with dt -> 0 in brackets): " + _transient_summary(data, names)
        + " As in the paper the steady states carry equal and opposite heat and work currents. "
        "**Difference from the paper's text:** it says the asymptotic heat current and "
        "entropy production rate are increased by the SSC with respect to alpha = 0; with "
        "the caption's J_x = 2 J_y = 1 held fixed (J_zy growing as tan(alpha)), |Qdot| at "
        f"t = 50 is larger than at alpha = 0 for alpha = {', '.join(higher) or 'none'} and "
        f"smaller for alpha = {', '.join(lower) or 'none'}. At alpha = 3 pi/8 (J_zy = 2.7) the "
        "parallel term dominates the rates."
    )


# --------------------------------------------------------------------------------------------
# Fig. 3: ergotropy over Eq. (31)
# --------------------------------------------------------------------------------------------

#: Grids of Fig. 3(a) (alpha on x, gamma on y) and (b) (alpha, gamma = 0).
ALPHA_MAP = np.linspace(0.0, 0.5 * math.pi, 121)
GAMMA_MAP = np.linspace(-0.5 * math.pi, 0.5 * math.pi, 121)
ALPHA_FIG3B = np.linspace(0.0, 0.5 * math.pi, 181)
#: Fig. 3(b) is drawn up to this alpha (the caption truncates the range, without a value).
ALPHA_TOP_FIG3B = 0.49 * math.pi
#: The paper's evolution time t = n dt = 50 (Sec. III C).
T_FINAL = ROUNDS * DT


def _eq31_values(alpha: np.ndarray, gamma: np.ndarray, beta_values: np.ndarray) -> dict:
    """Parameters of Eq. (31): J_x = cos a cos g, J_y = cos a sin g, J_zy = sin a."""
    values = full(alpha.shape, {"omega_S": OMEGA, "omega_A": OMEGA})
    values["J_x"] = np.cos(alpha) * np.cos(gamma)
    values["J_y"] = np.cos(alpha) * np.sin(gamma)
    values["J_zy"] = np.sin(alpha)
    values["beta"] = beta_values
    return values


def _evolved(values: dict, rho0: np.ndarray, t: float) -> np.ndarray:
    """exp(L t) rho0 for the derived generator at every point (batched)."""
    from symthermo.numeric.model_dynamics import LiouvillianBuilder
    from symthermo.numeric.transients import matrix_exponential

    L = LiouvillianBuilder(mn.MODELS["ssc"])(values)
    v = matrix_exponential(L * t) @ rho0.reshape(-1, order="F")
    rho = np.swapaxes(v.reshape(*v.shape[:-1], 2, 2), -1, -2)
    return (rho + np.conj(np.swapaxes(rho, -1, -2))) / 2


GROUND = np.diag([1.0, 0.0]).astype(complex)
EXCITED = np.diag([0.0, 1.0]).astype(complex)
H_S = np.diag([-OMEGA / 2, OMEGA / 2]).astype(complex)


@cache
def fig3_data() -> dict:
    """Ergotropy (H_S = (omega_S/2) sigma_z) of the state at t = 50 and of the steady state."""
    from symthermo.numeric.measures import ergotropy

    a, g = np.meshgrid(ALPHA_MAP, GAMMA_MAP, indexing="xy")
    values = _eq31_values(a, g, np.full(a.shape, 1.0))
    rho_t = _evolved(values, GROUND, T_FINAL)
    inner = a < 0.5 * math.pi - 1e-9  # alpha = pi/2 is pure dephasing: no unique steady state
    ss = steady_states(mn.MODELS["ssc"], {k: v[inner] for k, v in values.items()})
    erg_ss = np.full(a.shape, np.nan)
    erg_ss[inner] = ergotropy(ss.rho, H_S)
    out = {"alpha": ALPHA_MAP, "gamma": GAMMA_MAP, "map": ergotropy(rho_t, H_S),
           "map_steady": erg_ss, "b": {}}
    ab, bb = np.meshgrid(ALPHA_FIG3B, np.array(BETAS), indexing="xy")
    vb = _eq31_values(ab, np.zeros(ab.shape), bb)
    for name, rho0 in (("ground", GROUND), ("excited", EXCITED)):
        out["b"][name] = ergotropy(_evolved(vb, rho0, T_FINAL), H_S)
    inner_b = ab < 0.5 * math.pi - 1e-9
    ssb = steady_states(mn.MODELS["ssc"], {k: v[inner_b] for k, v in vb.items()})
    steady_b = np.full(ab.shape, np.nan)
    steady_b[inner_b] = ergotropy(ssb.rho, H_S)
    out["b"]["steady"] = steady_b
    out["finite_dt_check"] = _finite_dt_check(a, g, out["map"])
    return out


def _finite_dt_check(a: np.ndarray, g: np.ndarray, erg_map: np.ndarray) -> float:
    """max |E(dt = 0.05) - E(dt -> 0)| at t = 50 over a few map points, the dt = 0.05 state
    from the exact collision model (n = 1000 collisions from |0><0|)."""
    from symthermo.numeric.measures import ergotropy
    from symthermo.numeric.model_dynamics import collision_round
    from symthermo.numeric.transients import collision_transient

    worst = 0.0
    for iy, ix in ((60, 0), (30, 15), (45, 40), (80, 60), (20, 90)):
        params = {mn.omega_s: OMEGA, mn.omega_a: OMEGA, mn.beta: 1.0,
                  mn.J_x: math.cos(a[iy, ix]) * math.cos(g[iy, ix]),
                  mn.J_y: math.cos(a[iy, ix]) * math.sin(g[iy, ix]), mn.J_zy: math.sin(a[iy, ix])}
        rnd, per_round, _ = collision_round(mn.MODELS["ssc"], DT, params)
        tr = collision_transient(rnd, GROUND, ROUNDS, time_per_round=per_round)
        worst = max(worst, abs(float(ergotropy(tr.states[-1], H_S)) - float(erg_map[iy, ix])))
    return worst


def _fig3(fig_dir: Path) -> Path:
    d = fig3_data()
    with style() as plt:
        colors = _colors()
        fig, (a, b) = subplots(plt, 1, 2, size=(10.0, 4.0))
        mesh = a.pcolormesh(d["alpha"], d["gamma"], d["map"], shading="nearest",
                            cmap="viridis", rasterized=True)
        fig.colorbar(mesh, ax=a, label=r"$\mathcal{E}$")
        a.axvline(math.pi / 4, color="w", ls="--", lw=1.0)
        _alpha_axis(a)
        a.set_yticks([-math.pi / 2, -math.pi / 4, 0, math.pi / 4, math.pi / 2],
                     [r"$-\pi/2$", r"$-\pi/4$", "0", r"$\pi/4$", r"$\pi/2$"])
        a.set_xlabel(r"$\alpha$")
        a.set_ylabel(r"$\gamma$")
        panel_label(a, r"(a) $\beta = 1$, $\rho_S(0) = |0\rangle\langle 0|$, $t = 50$")
        shown = ALPHA_FIG3B <= ALPHA_TOP_FIG3B + 1e-12  # the caption truncates the alpha range
        for i, bt in enumerate(BETAS):
            b.plot(ALPHA_FIG3B[shown], d["b"]["ground"][i][shown], color=colors[bt], ls="-",
                   label=rf"$\beta = {bt:g}$")
            b.plot(ALPHA_FIG3B[shown], d["b"]["excited"][i][shown], color=colors[bt], ls="--")
        b.plot([], [], color="0.4", ls="-", label=r"$|0\rangle$")
        b.plot([], [], color="0.4", ls="--", label=r"$|1\rangle$")
        b.axvline(math.pi / 4, color="0.6", ls=":", lw=0.8)
        _alpha_axis(b, ALPHA_TOP_FIG3B)
        b.set_ylim(bottom=0)
        b.set_xlabel(r"$\alpha$")
        b.set_ylabel(r"$\mathcal{E}$")
        panel_label(b, r"(b) $\gamma = 0$, $t = 50$")
        b.legend(loc="upper left", ncol=2, fontsize=6.5)
        fig.tight_layout()
        return save(fig, fig_dir / "fig3.png")


def _caption3() -> str:
    d = fig3_data()
    m = d["map"]
    iy, ix = np.unravel_index(int(np.nanargmax(m)), m.shape)
    left = d["alpha"] < math.pi / 4
    dev = np.nanmax(np.abs(m - d["map_steady"])[:, left])
    right = (d["alpha"] > math.pi / 4) & (d["alpha"] < 0.49 * math.pi)
    dev_r = np.nanmax(np.abs(m - d["map_steady"])[:, right])
    bg, be = d["b"]["ground"], d["b"]["excited"]
    alpha = ALPHA_FIG3B
    sel_l = alpha < math.pi / 4
    diff = np.abs(bg - be)
    diff_l = float(np.max(diff[:, sel_l]))
    onset = float(alpha[int(np.argmax(np.max(diff, axis=0) > 1e-3))] / math.pi)
    shown = alpha <= ALPHA_TOP_FIG3B + 1e-12
    excited_more = bool(np.all(be[:, shown] >= bg[:, shown] - 1e-9))
    monotone = bool(np.all(np.diff(bg[:, shown][::-1], axis=0) >= -1e-9))  # BETAS descending
    return (
        "Ergotropy E = Tr[rho H_S] - sum_k r_k e_k (Eq. (30); H_S = (omega_S/2) sigma_z, "
        "omega_S = omega_A = 1) over the parametrisation Eq. (31), H_SA = cos(alpha)(cos(gamma) "
        "sigma_x sigma_x + sin(gamma) sigma_y sigma_y) + sin(alpha) sigma_z sigma_y. "
        "(a) beta = 1, from rho_S(0) = |0><0| (caption), alpha in [0, pi/2] (x), gamma in "
        "[-pi/2, pi/2] (y; the paper does not give the ranges), 121 x 121 points; dashed line "
        "alpha = pi/4. (b) gamma = 0, beta = 1 (dark red) ... 9 (light blue), solid from "
        "|0><0|, dashed from |1><1| (caption), alpha shown up to 0.49 pi (the caption truncates "
        "the range without a value). "
        "**Our reading of 'steady state' and 'extremal values':** the master equation has a "
        "unique steady state for every alpha < pi/2 (the derivation's statement 'Sec. IV A: "
        "initial-state dependence'), so the initial-state dependence the paper shows is that "
        "of the state after the paper's finite evolution time t = n dt = 50; we plot the "
        "state exp(L t) rho_S(0) at t = 50 of the dt -> 0 master equation (derived generator, "
        "batched propagators), not the exact dt = 0.05 collisions (checked at five map "
        "points against 1000 exact collisions of dt = 0.05: max difference "
        f"{d['finite_dt_check']:.1e}). Against the true steady "
        f"state: max difference {dev:.1e} for alpha < pi/4 and up to {dev_r:.2f} for "
        "pi/4 < alpha < 0.49 pi (slow population relaxation ~ cos^2 alpha). As in the paper, "
        f"the largest ergotropy is at gamma = {d['gamma'][iy] / math.pi:+.2f} pi, alpha = "
        f"{d['alpha'][ix] / math.pi:.2f} pi (E = {float(m[iy, ix]):.3f}; the caption: "
        "gamma = -pi/4, alpha = 0, the most inverted populations). In (b), for alpha < pi/4 "
        f"the two initial states give the same ergotropy (max difference {diff_l:.1e}). "
        "**Difference from the paper's text:** the paper finds a strong initial-state "
        "dependence for alpha > pi/4; at t = 50 we find the two curves separate (by > 1e-3) "
        f"only from alpha = {onset:.2f} pi on" + (
            ", the excited initial state keeping the larger ergotropy" if excited_more else "")
        + (". The ergotropy from |0> grows with beta at every alpha shown." if monotone else
           ". The ergotropy from |0> does not grow monotonically with beta everywhere.")
    )


def figures() -> list[Figure]:
    return [
        Figure("fig1", "Fig. 1: beta_eff/beta vs J_y/J_x; transient work, heat and entropy "
               "currents (Eq. (26))", _fig1, _caption1),
        Figure("fig2", "Fig. 2: l1 coherence vs alpha; transient currents (Eq. (29))", _fig2,
               _caption2),
        Figure("fig3", "Fig. 3: ergotropy over Eq. (31)", _fig3, _caption3),
    ]
