"""Figures of "Non-equilibrium steady states of memoryless quantum collision models".

Fig. 1(a): beta_eff/beta of the steady state vs J_y/J_x (coupling Eq. (26)); Fig. 2(a): l1
coherence of the steady state vs alpha (coupling Eq. (29)), each for beta = 1, 3, 5, 7, 9.
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
from derivations.figures import Figure, full, save, steady_states, style, subplots

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


def _fig1a(fig_dir: Path) -> Path:
    d = fig1_data()
    with style() as plt:
        colors = _colors()
        fig, ax = subplots(plt, size=(5.2, 3.9))
        ax.axhline(0, color="0.8", lw=0.8)
        for i, b in enumerate(BETAS):
            ax.plot(d["ratio"], d["beta_ratio"][i], color=colors[b], label=rf"$\beta = {b:g}$")
        ax.set_xlabel(r"$J_y/J_x$")
        ax.set_ylabel(r"$\beta_{\mathrm{eff}}/\beta$")
        ax.set_xlim(RATIO[0], RATIO[-1])
        ax.set_ylim(-1.05, 1.05)
        ax.text(0.02, 0.96, "(a)", transform=ax.transAxes, ha="left", va="top")
        ax.legend(loc="lower right")
        fig.tight_layout()
        return save(fig, fig_dir / "fig1a.png")


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


def _fig2a(fig_dir: Path) -> Path:
    d = fig2_data()
    with style() as plt:
        colors = _colors()
        fig, ax = subplots(plt, size=(5.2, 3.9))
        for i, b in enumerate(BETAS):
            ax.plot(d["alpha"], d["coherence"][i], color=colors[b], label=rf"$\beta = {b:g}$")
        ax.set_xlabel(r"$\alpha$")
        ax.set_ylabel(r"$\mathcal{C}$")
        ax.set_xlim(0.0, math.pi / 2)
        ax.set_xticks([0, math.pi / 8, math.pi / 4, 3 * math.pi / 8, math.pi / 2],
                      ["0", r"$\pi/8$", r"$\pi/4$", r"$3\pi/8$", r"$\pi/2$"])
        ax.set_ylim(bottom=0)
        ax.text(0.02, 0.96, "(a)", transform=ax.transAxes, ha="left", va="top")
        ax.legend(loc="upper right")
        fig.tight_layout()
        return save(fig, fig_dir / "fig2a.png")


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


def figures() -> list[Figure]:
    return [
        Figure("fig1a", "Fig. 1(a): beta_eff/beta vs J_y/J_x", _fig1a, _caption1a),
        Figure("fig2a", "Fig. 2(a): l1 coherence vs alpha", _fig2a, _caption2a),
    ]
