"""Figures of "Quantum thermodynamics in common reservoirs" (Figs. 1 to 7).

Model: :mod:`derivations.common_reservoirs`.  Numbers: the engine's batched steady states of
the derived Lindblad generator over each curve's parameter grid
(:func:`symthermo.papers.figures.steady_sweep`), the derived currents through the generated
numpy kernels, coherence, effective temperature and ergotropy from
:mod:`symthermo.numeric.measures`.  The data functions (``fig1_data`` ...) are cached and
public: the tests compare them with an independent route.
"""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path

import numpy as np

from derivations import common_reservoirs as cr
from derivations.figures import Figure, partial_trace_last, save, style, subplots
from symthermo import papers
from symthermo.algebra.indexed import contains_symbolic_size
from symthermo.numeric.measures import (
    effective_temperature,
    entropy_production_rate,
    ergotropy,
    l1_coherence,
)
from symthermo.papers.figures import finish_panels, grid, steady_sweep

#: Jy_s of Figs. 1-3 and 5 (not given in their captions; Figs. 6-7 use Jx_s = Jy_s = 0.5).
JY_S = 0.5
#: Jx_s / Jy_s axis of Figs. 1, 2, 3, 5.
RATIO = np.linspace(0.0, 3.0, 151)
#: Reservoir temperatures of Figs. 3 and 5 (not given in the captions; Sec. 5.2 names
#: T_R = 1 and 1.5 for Fig. 6 and Fig. 7 uses T_R = 2).
TEMPERATURES = (1.0, 1.5, 2.0)
#: Dark-state proportions of Fig. 2 (caption).
DARK_PROPORTIONS = (0.0, 0.3, 0.6, 0.9)
#: Jx_1 / Jx_2 axis of Fig. 7, with Jx_2 = Jy_2 = 1.2 held fixed (our reading).
RATIO_FIG7 = np.linspace(0.0, 2.0, 151)
JX2_FIG7 = 1.2
#: Fig. 4: Jx_R / Jy_R axis, Jy_R held fixed (not given in the caption; J = 1.2 as in Fig. 2).
RATIO_FIG4 = np.linspace(0.0, 3.0, 151)
JY_R_FIG4 = 1.2
#: Fig. 6: Jx_1 / Jx_2 axis with Jx_2 = 1.2 held fixed (as Fig. 7) and the temperatures.
RATIO_FIG6 = np.linspace(0.0, 2.0, 241)  # contains 1/3 (equilibrium point)
JX2_FIG6 = 1.2
T_INSET_FIG6 = 1.5

BASE = {  # Fig. 1 caption: omega_S1 = omega_S2 = omega_R = 3, J1 = 0.4, J2 = 1.2, T_R = 1
    "omega_S1": 3.0, "omega_S2": 3.0, "omega_R": 3.0, "T_R": 1.0,
    "Jx_1": 0.4, "Jy_1": 0.4, "Jx_2": 1.2, "Jy_2": 1.2, "Jx_s": 1.0, "Jy_s": JY_S}

PSI_D = cr.DARK_STATE  # (|01> - |10>)/sqrt(2)
GROUND = papers.basis_state("00")  # |00><00| (S1 leftmost)


# engine objects (built once) ------------------------------------------------------------------


@cache
def models() -> dict:
    """The derivation's models plus the M = 2 cluster (built the same way, Eq. (28))."""
    return {**cr.build_models(), "cluster_M2": cr.cluster_model(2, "cluster_M2")}


@cache
def kernels():
    """Kernels of the derivation's quantities (M = 1, 3) and of the M = 2 cluster's currents."""
    from symthermo.emit import load_kernels

    qs = [q for q in cr.quantities(models()) if not contains_symbolic_size(q.expr)]  # concrete M
    qs += papers.current_quantities(models()["cluster_M2"], "R", "_M2", r"_{M=2}",
                                    "cluster of M = 2 reservoir qubits")
    return load_kernels(qs, cr.SYSTEM, module_name="common_reservoirs_figures")


def hamiltonians(values: dict) -> tuple[np.ndarray, np.ndarray]:
    """(H_0 = H_S1 + H_S2, H_S = H_0 + H_S1S2) at every point of ``values`` (S1 leftmost)."""
    h_local, h_int = cr._system_parts()
    return (papers.operator_stack(h_local, cr.SYSTEM, values),
            papers.operator_stack(h_local + h_int, cr.SYSTEM, values))


def _sweep(model_name: str, values: dict, initial_state=None) -> dict:
    return steady_sweep(models()[model_name], kernels(), values, initial_state)


def _ergotropies(rho: np.ndarray, values: dict) -> dict:
    """Ergotropy of the states with respect to H_0 (``local``) and H_S (``full``)."""
    h0, hs = hamiltonians(values)
    return {"ergotropy_local": ergotropy(rho, h0), "ergotropy_full": ergotropy(rho, hs)}


# data -----------------------------------------------------------------------------------------


@cache
def fig1_data() -> dict:
    """Currents and their local/non-local parts vs Jx_s/Jy_s at Fig. 1's parameters."""
    values = grid(BASE, Jx_s=RATIO * JY_S)
    return {**_sweep("single", values), "ratio": RATIO, "values": values}


@cache
def fig2_data() -> dict:
    """Total heat and work vs Jx_s/Jy_s for the dark-state proportions P_D (J1 = J2 = 1.2).

    The stationary space is degenerate (the dark state psi_D is stationary), so every point is
    the projection P rho_0 of rho_0 = P_D |psi_D><psi_D| + (1 - P_D) |00><00|.
    """
    values = grid(dict(BASE, Jx_1=1.2, Jy_1=1.2), Jx_s=RATIO * JY_S)
    out: dict = {"ratio": RATIO, "values": values}
    for pd in DARK_PROPORTIONS:
        rho0 = pd * papers.projector(PSI_D) + (1 - pd) * GROUND
        out[pd] = _sweep("single", values, initial_state=rho0)
    return out


@cache
def fig3_data() -> dict:
    """Per T_R: steady states, currents, C_l1, T_S1/T_R, entropy production, ergotropies."""
    out: dict = {"ratio": RATIO}
    for t in TEMPERATURES:
        values = grid(dict(BASE, T_R=t), Jx_s=RATIO * JY_S)
        d = _sweep("single", values)
        rho = d["rho"]
        d["coherence"] = l1_coherence(rho)
        d["T_S1"] = effective_temperature(partial_trace_last(rho, 2), BASE["omega_S1"])
        d["entropy_production"] = entropy_production_rate(d["heat"][..., None], 1.0 / t)
        d.update(_ergotropies(rho, values))
        h_s1 = np.diag([-BASE["omega_S1"] / 2, BASE["omega_S1"] / 2])  # (omega/2) sigma^z
        d["ergotropy_S1"] = ergotropy(partial_trace_last(rho, 2), h_s1)
        out[t] = d
    return out


@cache
def fig7_data() -> dict:
    """Currents, coherence and ergotropy vs Jx_1/Jx_2 for clusters of M = 1, 2, 3 qubits."""
    params = dict(BASE, T_R=2.0, Jx_s=0.5, Jy_s=0.5, Jy_1=0.4, Jy_2=1.2, Jx_2=JX2_FIG7)
    values = grid(params, Jx_1=RATIO_FIG7 * JX2_FIG7)
    out: dict = {"ratio": RATIO_FIG7, "values": values}
    for m, name, suffix in ((1, "single", ""), (2, "cluster_M2", "_M2"), (3, "cluster_M3", "_M3")):
        d = _sweep(name, values)
        out[m] = {"heat": d["heat" + suffix], "work": d["work" + suffix],
                  "coherence": l1_coherence(d["rho"]), **_ergotropies(d["rho"], values),
                  "projected": d["projected"], "rho": d["rho"]}
    return out


# drawing --------------------------------------------------------------------------------------

T_COLORS = {1.0: "tab:blue", 1.5: "tab:orange", 2.0: "tab:green"}
M_COLORS = {1: "tab:blue", 2: "tab:orange", 3: "tab:green"}
RATIO_LABEL = r"$J^x_s/J^y_s$"


def _fig1(fig_dir: Path) -> Path:
    d = fig1_data()
    x = d["ratio"]
    with style() as plt:
        fig, ax = subplots(plt)
        ax.axhline(0, color="0.8", lw=0.8)
        ax.plot(x, d["heat"], color="k", label=r"$\dot{Q}$")
        ax.plot(x, d["heat_local"], color="k", ls="--", label=r"$\dot{Q}_{loc}$")
        ax.plot(x, d["heat_nonlocal"], color="k", ls=":", label=r"$\dot{Q}_{non-loc}$")
        ax.plot(x, d["work"], color="tab:red", label=r"$\dot{W}$")
        ax.plot(x, d["work_local"], color="tab:red", ls="--", label=r"$\dot{W}_{loc}$")
        ax.plot(x, d["work_nonlocal"], color="tab:red", ls=":", label=r"$\dot{W}_{non-loc}$")
        ax.set_xlabel(RATIO_LABEL)
        ax.set_ylabel("currents")
        ax.set_xlim(x[0], x[-1])
        ax.legend(ncol=2, loc="upper center")
        fig.tight_layout()
        return save(fig, fig_dir / "fig1.png")


def _caption1() -> str:
    d = fig1_data()
    i1 = int(np.argmin(abs(d["ratio"] - 1.0)))
    resid = float(np.max(abs(d["heat"] + d["work"])))
    away = abs(d["ratio"] - 1.0) > 0.05
    opposite = bool(np.all(d["work_nonlocal"][away] * d["work"][away] < 0)
                    and np.all(d["work_nonlocal"][away] * d["work_local"][away] < 0))
    return (
        "Steady-state heat current Qdot (black) and work current Wdot (red) with their local "
        "(dashed) and non-local (dotted) parts vs Jx_s/Jy_s, single common reservoir. "
        "Parameters (caption): omega_S1 = omega_S2 = omega_R = 3, J1 = 0.4, J2 = 1.2 "
        "(Jx_i = Jy_i = J_i, so [V_i, H_Si + H_R] = 0), T_R = 1. **Our reading:** the caption "
        f"does not give Jy_s; we take Jy_s = {JY_S} (the value of Figs. 6-7) and vary Jx_s, "
        f"Jx_s/Jy_s in [{RATIO[0]:g}, {RATIO[-1]:g}]; the curves' scale depends on this choice. "
        "Signs: Qdot > 0 is heat into the system (the paper's sign as well: its first law is "
        "Qdot + Wdot = 0). As in the paper, all currents vanish at Jx_s/Jy_s = 1 "
        f"(here max |.| = {max(abs(d[k][i1]) for k in ('heat', 'work')):.1e}), Qdot + Wdot = 0 "
        f"everywhere (max |Qdot + Wdot| = {resid:.1e}), and the non-local work has "
        + ("the opposite sign to the local and total work at every point with "
           "|Jx_s/Jy_s - 1| > 0.05, as the paper says." if opposite else
           "NOT everywhere the opposite sign to the local and total work (the paper says it has).")
    )


def _fig2(fig_dir: Path) -> Path:
    d = fig2_data()
    x = d["ratio"]
    styles = dict(zip(DARK_PROPORTIONS, ("-", "--", ":", "-."), strict=True))
    with style() as plt:
        fig, ax = subplots(plt)
        ax.axhline(0, color="0.8", lw=0.8)
        for pd in DARK_PROPORTIONS:
            ax.plot(x, d[pd]["heat"], color="k", ls=styles[pd])
            ax.plot(x, d[pd]["work"], color="tab:red", ls=styles[pd])
            ax.plot([], [], color="0.45", ls=styles[pd], label=rf"$P_D = {pd:g}$")
        ax.plot([], [], color="k", label=r"$\dot{Q}$ (black)")
        ax.plot([], [], color="tab:red", label=r"$\dot{W}$ (red)")
        ax.set_xlabel(RATIO_LABEL)
        ax.set_ylabel(r"$\dot{Q}$, $\dot{W}$")
        ax.set_xlim(x[0], x[-1])
        ax.legend(loc="upper center", ncol=3)
        fig.tight_layout()
        return save(fig, fig_dir / "fig2.png")


def _caption2() -> str:
    d = fig2_data()
    ratio = [
        float(np.max(abs(d[pd]["work"] - (1 - pd) * d[0.0]["work"]))) for pd in DARK_PROPORTIONS
    ]
    return (
        "Total heat current Qdot (black) and work current Wdot (red) vs Jx_s/Jy_s for dark-state "
        "proportions P_D = 0 (solid), 0.3 (dashed), 0.6 (dotted), 0.9 (dash-dotted). Parameters "
        "(caption): omega_S1 = omega_S2 = omega_R = 3, J1 = J2 = 1.2, T_R = 1; Jy_s = "
        f"{JY_S} (our reading, as in Fig. 1). With J1 = J2 and equal frequencies "
        "psi_D = (|01> - |10>)/sqrt(2) is stationary and the steady state is not unique: each "
        "point is the projection of the initial state rho_0 = P_D |psi_D><psi_D| + (1 - P_D) "
        "|00><00| onto the stationary space (spectral projector of the Liouvillian; the "
        "caption does not name the second component of the initial state, we take |00>). "
        "The currents shrink with P_D as in the paper; in fact they are exactly (1 - P_D) times "
        "those at P_D = 0 (the dark state carries no current and the projection is linear; max "
        f"deviation {max(ratio):.1e})."
    )


def _fig3(fig_dir: Path) -> Path:
    d = fig3_data()
    x = d["ratio"]
    with style() as plt:
        fig, axes = subplots(plt, 2, 2, size=(7.0, 5.4), sharex=True)
        (a, b), (c, e) = axes
        for t in TEMPERATURES:
            col, dt = T_COLORS[t], d[t]
            lab = rf"$T_R = {t:g}$"
            a.plot(x, dt["coherence"], color=col, label=lab)
            b.plot(x, dt["T_S1"] / t, color=col, label=lab)
            c.plot(x, dt["entropy_production"], color=col, label=lab)
            e.plot(x, dt["work"], color=col, label=rf"$\dot{{W}}$, $T_R = {t:g}$")
            e.plot(x, dt["heat"], color=col, ls="--", label=rf"$\dot{{Q}}$, $T_R = {t:g}$")
        a.set_ylabel(r"$C_{l_1}$")
        b.set_ylabel(r"$T_{S_1}/T_R$")
        c.set_ylabel(r"$\dot{\Sigma}$")
        e.set_ylabel(r"$\dot{W}$, $\dot{Q}$")
        e.axhline(0, color="0.8", lw=0.8)
        finish_panels((a, b, c, e), x=x)
        for ax in (c, e):
            ax.set_xlabel(RATIO_LABEL)
        a.legend(loc="upper right")
        e.legend(loc="lower left", ncol=2, fontsize=6.5)
        fig.tight_layout()
        return save(fig, fig_dir / "fig3.png")


def _caption3() -> str:
    d = fig3_data()
    i1 = int(np.argmin(abs(d["ratio"] - 1.0)))
    at1 = max(max(abs(d[t]["coherence"][i1]), abs(d[t]["T_S1"][i1] / t - 1),
                  abs(d[t]["entropy_production"][i1])) for t in TEMPERATURES)
    away = abs(d["ratio"] - 1.0) > 0.05
    ordered = all(
        bool(np.all(abs(d[lo][key][away]) > abs(d[hi][key][away])))
        for lo, hi in itertools.pairwise(TEMPERATURES)
        for key in ("coherence", "entropy_production", "work")
    ) and all(
        bool(np.all(d[lo]["T_S1"][away] / lo > d[hi]["T_S1"][away] / hi))
        for lo, hi in itertools.pairwise(TEMPERATURES)
    )
    return (
        "(a) l1-norm coherence of the two-qubit steady state (computational = local energy "
        "basis), (b) T_S1/T_R with T_S1 = omega_S1/ln(p_g/p_e) of the reduced state of S1, (c) "
        "entropy production rate Sigmadot = -Qdot/T_R (steady state), (d) Wdot (solid) and "
        "Qdot (dashed) vs Jx_s/Jy_s. Parameters (caption): omega_S1 = omega_S2 = omega_R = 3, "
        "J1 = 0.4, J2 = 1.2. **Our reading:** the caption does not list the temperatures; we use "
        f"T_R = {', '.join(f'{t:g}' for t in TEMPERATURES)} (Sec. 5.2 names T_R = 1 and 1.5 for "
        f"Fig. 6, Fig. 7 uses T_R = 2), and Jy_s = {JY_S} as in Fig. 1. At Jx_s/Jy_s = 1 the "
        "state is the product Gibbs state of Eq. (25): C = 0, T_S1/T_R = 1, Sigmadot = 0 "
        f"(max deviation {at1:.1e}). "
        + ("As the paper states, a lower T_R gives a larger coherence, T_S1/T_R, entropy "
           "production and work current at every point with |Jx_s/Jy_s - 1| > 0.05."
           if ordered else "**Unlike the paper's statement**, a lower T_R does not give larger "
           "coherence, T_S1/T_R, entropy production and work current at every point.")
    )


def _fig5(fig_dir: Path) -> Path:
    d = fig3_data()
    x = d["ratio"]
    with style() as plt:
        fig, ax = subplots(plt)
        for t in TEMPERATURES:
            ax.plot(x, d[t]["ergotropy_local"], color=T_COLORS[t],
                    label=rf"$T_R = {t:g}$, $H_0 = H_{{S_1}} + H_{{S_2}}$")
            ax.plot(x, d[t]["ergotropy_full"], color=T_COLORS[t], ls="--", lw=1.0,
                    label=rf"$T_R = {t:g}$, $H_S = H_0 + H_{{S_1S_2}}$")
        ax.set_xlabel(RATIO_LABEL)
        ax.set_ylabel(r"$\mathcal{E}$")
        ax.set_xlim(x[0], x[-1])
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper center", ncol=2)
        fig.tight_layout()
        return save(fig, fig_dir / "fig5.png")


def _caption5() -> str:
    d = fig3_data()
    i1 = int(np.argmin(abs(d["ratio"] - 1.0)))
    s1 = max(float(np.max(d[t]["ergotropy_S1"])) for t in TEMPERATURES)
    at1 = max(d[t]["ergotropy_local"][i1] for t in TEMPERATURES)
    return (
        "Ergotropy of the two-qubit steady state vs Jx_s/Jy_s, same points as Fig. 3 "
        "(omega_S1 = omega_S2 = omega_R = 3, J1 = 0.4, J2 = 1.2; our T_R values and Jy_s = "
        f"{JY_S}, see Fig. 3). The paper does not say which Hamiltonian defines the ergotropy "
        "(Eq. (26)); we show both readings: solid, the bare H_0 = H_S1 + H_S2; dashed, the full "
        "H_S = H_0 + H_S1S2 (which changes with Jx_s). Both vanish at Jx_s/Jy_s = 1 (solid: "
        f"{at1:.1e}). The single-qubit ergotropy of S1 (reduced state, H_S1) is at most "
        f"{s1:.1e} over all points, as the paper states (it is all from correlations)."
    )


def _fig7(fig_dir: Path) -> Path:
    d = fig7_data()
    x = d["ratio"]
    with style() as plt:
        fig, (a, b, c) = subplots(plt, 1, 3, size=(9.6, 3.3))
        a.axhline(0, color="0.8", lw=0.8)
        for m in (1, 2, 3):
            dm, col = d[m], M_COLORS[m]
            a.plot(x, dm["work"], color=col, label=rf"$\dot{{W}}$, $M = {m}$")
            a.plot(x, dm["heat"], color=col, ls="--", label=rf"$\dot{{Q}}$, $M = {m}$")
            b.plot(x, dm["coherence"], color=col, label=rf"$M = {m}$")
            c.plot(x, dm["ergotropy_local"], color=col, label=rf"$M = {m}$, $H_0$")
            c.plot(x, dm["ergotropy_full"], color=col, ls="--", lw=1.0, label=rf"$M = {m}$, $H_S$")
        a.set_ylabel(r"$\dot{W}$, $\dot{Q}$")
        b.set_ylabel(r"$C_{l_1}$")
        c.set_ylabel(r"$\mathcal{E}$")
        finish_panels((a, b, c), xlabel=r"$J^x_1/J^x_2$", x=x)
        a.legend(loc="lower left", ncol=2, fontsize=6.5)
        b.legend(loc="lower right")
        c.legend(loc="upper center", ncol=2, fontsize=6.5)
        fig.tight_layout()
        return save(fig, fig_dir / "fig7.png")


def _caption7() -> str:
    d = fig7_data()
    ratios = {
        m: float(np.nanmax(abs(d[m]["work"] - m * d[1]["work"]))) for m in (2, 3)
    }
    x = d["ratio"]
    away = abs(x - 1 / 3) > 0.05
    grows = all(
        bool(np.all(abs(d[m + 1][key][away]) > abs(d[m][key][away])))
        for m in (1, 2) for key in ("work", "heat", "coherence")
    )
    erg_grows = all(bool(np.all(d[m + 1]["ergotropy_local"][away]
                                >= d[m]["ergotropy_local"][away] - 1e-12)) for m in (1, 2))
    i3 = int(np.argmin(abs(x - 1 / 3)))
    at3 = max(max(abs(d[m]["work"][i3]), d[m]["coherence"][i3]) for m in (1, 2, 3))
    return (
        "(a) Work current (solid) and heat current (dashed), (b) l1 coherence, (c) ergotropy "
        "(solid: H_0 = H_S1 + H_S2; dashed: H_S with H_S1S2) of the steady state vs Jx_1/Jx_2 for "
        "a cluster of M = 1, 2, 3 reservoir qubits meeting S1 and S2 through the collective "
        "operators S^{x,y}_R of Eq. (28). Parameters (caption): T_R = 2, Jx_s = Jy_s = 0.5, "
        "omega_S1 = omega_S2 = omega_R = 3, Jy_1 = 0.4, Jy_2 = 1.2. **Our reading:** the caption "
        f"does not give Jx_2; we hold Jx_2 = {JX2_FIG7:g} (= Jy_2) and vary Jx_1, Jx_1/Jx_2 in "
        f"[{RATIO_FIG7[0]:g}, {RATIO_FIG7[-1]:g}]. The M = 2 model is built like the "
        "derivation's M = 3 cluster. **Difference from the paper's recipe:** the engine finds "
        "the whole dissipator of the M-cluster to be exactly M times that of M = 1 (the "
        "derivation's statement 'Sec. 5.3 (scaling with M)'), not only <sigma^z_R> -> -M xi_R "
        "as the paper's Eqs. (30)-(33) suggest; the work currents here are not simply M times "
        f"the M = 1 ones (max |W_M - M W_1| = {ratios[2]:.2g} for M = 2, {ratios[3]:.2g} for "
        "M = 3) because the steady state changes with M too. "
        + ("Currents and coherence grow with M at every point with |Jx_1/Jx_2 - 1/3| > 0.05, "
           if grows else "Currents and coherence do NOT grow with M at every point, ")
        + ("and so does the ergotropy (H_0), as in the paper. " if erg_grows else
           "but the ergotropy (H_0) does not grow with M at every point (unlike the paper). ")
        + "Currents and coherence vanish near Jx_1/Jx_2 = Jy_1/Jy_2 = 1/3, where Jx_i = Jy_i "
        f"and Jx_s = Jy_s give the equilibrium steady state (grid point {x[i3]:.3f}: max "
        f"{at3:.1e})."
    )


@cache
def fig4_data() -> dict:
    """Currents, total and generated coherence vs Jx_R/Jy_R for each dark-state proportion.

    Jx_1 = Jx_2 = Jx_R, Jy_1 = Jy_2 = Jy_R, Jx_s = Jy_s = 1, T_R = 1 (caption): psi_D is
    stationary, each point is the projection of P_D |psi_D><psi_D| + (1 - P_D) |00><00|.
    The generated coherence is C_l1 of rho - <psi_D|rho|psi_D> |psi_D><psi_D|.
    """
    params = dict(BASE, Jx_s=1.0, Jy_s=1.0, Jy_1=JY_R_FIG4, Jy_2=JY_R_FIG4)
    values = grid(params, Jx_1=RATIO_FIG4 * JY_R_FIG4, Jx_2=RATIO_FIG4 * JY_R_FIG4)
    dark = papers.projector(PSI_D)
    out: dict = {"ratio": RATIO_FIG4, "values": values}
    for pd in DARK_PROPORTIONS:
        rho0 = pd * dark + (1 - pd) * GROUND
        d = _sweep("single", values, initial_state=rho0)
        rho = d["rho"]
        d["dark_population"] = p_dark = papers.population(rho, PSI_D)
        d["coherence"] = l1_coherence(rho)
        d["generated_coherence"] = papers.offdiagonal_l1(rho - p_dark[:, None, None] * dark)
        out[pd] = d
    return out


def _fig4(fig_dir: Path) -> Path:
    d = fig4_data()
    x = d["ratio"]
    styles = dict(zip(DARK_PROPORTIONS, ("-", "--", ":", "-."), strict=True))
    with style() as plt:
        fig, (a, b, c) = subplots(plt, 1, 3, size=(10.0, 3.4))
        a.axhline(0, color="0.8", lw=0.8)
        for pd in DARK_PROPORTIONS:
            a.plot(x, d[pd]["work"], color="tab:red", ls=styles[pd])
            a.plot(x, d[pd]["heat"], color="k", ls=styles[pd])
            b.plot(x, d[pd]["coherence"], color="k", ls=styles[pd], label=rf"$P_D = {pd:g}$")
            c.plot(x, d[pd]["generated_coherence"], color="k", ls=styles[pd])
        a.plot([], [], color="tab:red", label=r"$\dot{W}$")
        a.plot([], [], color="k", label=r"$\dot{Q}$")
        a.set_ylabel(r"$\dot{W}$, $\dot{Q}$")
        b.set_ylabel(r"total $C_{l_1}$")
        c.set_ylabel(r"generated $C_{l_1}$")
        finish_panels((a, b, c), xlabel=r"$J^x_R/J^y_R$", x=x)
        b.set_ylim(bottom=0)
        c.set_ylim(bottom=0)
        a.legend(loc="lower center")
        b.legend(loc="upper right", fontsize=7)
        fig.tight_layout()
        return save(fig, fig_dir / "fig4.png")


def _caption4() -> str:
    d = fig4_data()
    x = d["ratio"]
    away = abs(x - 1.0) > 0.05
    p_dev = max(float(np.max(abs(d[pd]["dark_population"] - pd))) for pd in DARK_PROPORTIONS)
    lin_gen = max(float(np.max(abs(d[pd]["generated_coherence"]
                                   - (1 - pd) * d[0.0]["generated_coherence"])))
                  for pd in DARK_PROPORTIONS)
    pairs = list(itertools.pairwise(DARK_PROPORTIONS))
    total_up = all(bool(np.all(d[b]["coherence"] >= d[a]["coherence"] - 1e-12))
                   for a, b in pairs)
    currents_down = all(bool(np.all(abs(d[b]["work"][away]) < abs(d[a]["work"][away])))
                        for a, b in pairs)
    i1 = int(np.argmin(abs(x - 1.0)))
    w1 = max(abs(d[pd]["work"][i1]) for pd in DARK_PROPORTIONS)
    g0 = d[0.0]["generated_coherence"]
    gmin = float(x[int(np.argmin(g0))])
    at0 = ", ".join(f"{d[pd]['coherence'][0]:.3f}" for pd in DARK_PROPORTIONS)
    return (
        "(a) Work current Wdot (red) and heat current Qdot (black), (b) total l1 coherence "
        "and (c) generated coherence of the two-qubit steady state vs Jx_R/Jy_R for dark-state "
        "proportions P_D = 0 (solid), 0.3 (dashed), 0.6 (dotted), 0.9 (dash-dotted), single "
        "common reservoir. Parameters (caption): omega_S1 = omega_S2 = omega_R = 3, Jx_s = "
        "Jy_s = 1, Jx_1 = Jx_2 = Jx_R, Jy_1 = Jy_2 = Jy_R, T_R = 1. **Our reading:** the caption "
        f"gives neither the P_D values (we take Fig. 2's) nor Jy_R (we hold Jy_R = {JY_R_FIG4:g}, "
        f"the J of Fig. 2, and vary Jx_R, Jx_R/Jy_R in [{x[0]:g}, {x[-1]:g}]). Each point is "
        "the projection of rho_0 = P_D |psi_D><psi_D| + (1 - P_D)|00><00| onto the stationary "
        "space (psi_D = (|01> - |10>)/sqrt(2) is dark for J_1 = J_2); its dark population stays "
        f"P_D (max deviation {p_dev:.1e}). Generated coherence (the paper subtracts 'the "
        "component of dark state'): C_l1 of rho_ss - <psi_D|rho_ss|psi_D> |psi_D><psi_D|, not "
        "renormalised; it equals (1 - P_D) times its P_D = 0 value (max deviation "
        f"{lin_gen:.1e}), since the projection is linear and psi_D is stationary. "
        + ("As in the paper, the currents shrink with P_D at every point with |Jx_R/Jy_R - 1| > "
           "0.05" if currents_down else "Unlike the paper, the currents do not shrink with P_D "
           "everywhere") + f" and vanish at Jx_R/Jy_R = 1 (max {w1:.1e}); the generated "
        f"coherence has its minimum at Jx_R/Jy_R = {gmin:g}, where the currents vanish (the "
        "paper: generated coherence and currents follow each other), but it does not vanish "
        "there: it is (1 - P_D) times "
        f"{float(g0[i1]):.3f}, the |01><10| coherence of the stationary state of the bright "
        "(triplet) manifold, which needs no current. "
        + ("As in the paper, the total coherence grows with P_D at every point."
           if total_up else
           "**Difference from the paper's text:** the total coherence does not grow with P_D "
           "everywhere (at Jx_R/Jy_R = 0 it is " + at0 + " for P_D = 0, 0.3, 0.6, 0.9): the "
           "dark state's coherence -P_D/2 and the generated one sit on the same |01><10| "
           "element with opposite signs and partly cancel.")
    )


@cache
def fig6_data() -> dict:
    """Ergotropy, coherence and the eigenvalues of rho vs Jx_1/Jx_2 for each T_R."""
    out: dict = {"ratio": RATIO_FIG6}
    for t in TEMPERATURES:
        params = dict(BASE, T_R=t, Jx_s=0.5, Jy_s=0.5, Jy_1=0.4, Jy_2=1.2, Jx_2=JX2_FIG6)
        values = grid(params, Jx_1=RATIO_FIG6 * JX2_FIG6)
        d = _sweep("single", values)
        out[t] = {**_ergotropies(d["rho"], values), "coherence": l1_coherence(d["rho"]),
                  "eigenvalues": np.linalg.eigvalsh(d["rho"])[:, ::-1],  # decreasing
                  "projected": d["projected"]}
    return out


def _fig6(fig_dir: Path) -> Path:
    d = fig6_data()
    x = d["ratio"]
    with style() as plt:
        fig, (a, b) = subplots(plt, 1, 2, size=(9.0, 3.7))
        for t in TEMPERATURES:
            a.plot(x, d[t]["ergotropy_local"], color=T_COLORS[t], label=rf"$T_R = {t:g}$, $H_0$")
            a.plot(x, d[t]["ergotropy_full"], color=T_COLORS[t], ls="--", lw=1.0,
                   label=rf"$T_R = {t:g}$, $H_S$")
            b.plot(x, d[t]["coherence"], color=T_COLORS[t], label=rf"$T_R = {t:g}$")
        a.set_ylabel(r"$\mathcal{E}$")
        b.set_ylabel(r"$C_{l_1}$")
        finish_panels((a, b), xlabel=r"$J^x_1/J^x_2$", x=x, bottom=0)
        a.legend(loc="upper left", ncol=1, fontsize=6.5)
        b.legend(loc="upper right")
        top = 1.8 * float(max(max(np.max(d[t]["ergotropy_full"]), np.max(d[t][
            "ergotropy_local"])) for t in TEMPERATURES))
        a.set_ylim(0, top)  # the upper 40% is left to the inset
        inset = a.inset_axes([0.52, 0.62, 0.45, 0.34])
        ev = d[T_INSET_FIG6]["eigenvalues"]
        for k in range(ev.shape[1]):
            inset.plot(x, ev[:, k], lw=0.9, label=rf"$r_{k + 1}$")
        for xk in papers.kinks(d[T_INSET_FIG6]["ergotropy_local"], x):
            inset.annotate("", xy=(xk, float(np.interp(xk, x, ev[:, 1]))),
                           xytext=(xk, float(np.interp(xk, x, ev[:, 1])) + 0.15),
                           arrowprops={"arrowstyle": "->", "lw": 0.8})
        inset.set_xlim(x[0], x[-1])
        inset.tick_params(labelsize=6)
        inset.set_title(rf"eigenvalues of $\rho$, $T_R = {T_INSET_FIG6:g}$", fontsize=6.5,
                        pad=1)
        inset.set_ylim(0, 1.05)
        inset.legend(fontsize=5, loc="upper right", ncol=4, handlelength=1.2, columnspacing=0.8)
        fig.tight_layout()
        return save(fig, fig_dir / "fig6.png")


def _caption6() -> str:
    d = fig6_data()
    x = d["ratio"]
    kinks = {t: papers.kinks(d[t]["ergotropy_local"], x) for t in TEMPERATURES}
    gaps = []
    ev = d[T_INSET_FIG6]["eigenvalues"]
    for xk in kinks[T_INSET_FIG6]:
        i = int(np.argmin(abs(x - xk)))
        gaps.append(float(np.min(np.diff(ev[max(0, i - 1):i + 2], axis=1) * -1)))
    kink_text = "; ".join(
        f"T_R = {t:g}: " + (", ".join(f"{k:.2f}" for k in kinks[t]) or "none")
        for t in TEMPERATURES)
    i3 = int(np.argmin(abs(x - 1 / 3)))
    at3 = max(max(d[t]["coherence"][i3], d[t]["ergotropy_local"][i3]) for t in TEMPERATURES)
    return (
        "(a) Ergotropy (solid: H_0 = H_S1 + H_S2; dashed: H_S = H_0 + H_S1S2, as in Fig. 5) and "
        "(b) l1 coherence of the two-qubit steady state vs Jx_1/Jx_2, single common reservoir. "
        "Parameters (caption): omega_S1 = omega_S2 = omega_R = 3, Jx_s = Jy_s = 0.5, Jy_1 = 0.4, "
        "Jy_2 = 1.2. **Our reading:** the caption gives neither the temperatures (we use T_R = "
        + ", ".join(f"{t:g}" for t in TEMPERATURES) + "; the text names T_R = 1 and 1.5) nor "
        f"Jx_2 (we hold Jx_2 = {JX2_FIG6:g} = Jy_2 and vary Jx_1, as in Fig. 7). Inset of (a): "
        f"the eigenvalues r_1 >= ... >= r_4 of the steady state at T_R = {T_INSET_FIG6:g}; the "
        "arrows mark the kinks of the ergotropy (H_0), found where its second difference jumps "
        f"(Jx_1/Jx_2 at the kinks: {kink_text}); there two eigenvalues meet (smallest gap "
        "between neighbouring eigenvalues at the marked points: "
        + (", ".join(f"{g:.1e}" for g in gaps) or "no kink") + "), so the passive state's "
        "ordering changes, as the paper explains. Ergotropy and coherence vary together and "
        "both vanish at Jx_1/Jx_2 = Jy_1/Jy_2 = 1/3 (Jx_i = Jy_i with Jx_s = Jy_s: the "
        f"equilibrium state; grid point {x[i3]:.3f}: max {at3:.1e}). The paper reports sudden "
        "changes for T_R = 1 and 1.5; "
        + ("we also find kinks at T_R = " + ", ".join(
            f"{t:g}" for t in TEMPERATURES if t not in (1.0, 1.5) and kinks[t])
           + " (milder)." if any(kinks[t] for t in TEMPERATURES if t not in (1.0, 1.5))
           else "we find none at the other temperature.")
    )


def figures() -> list[Figure]:
    return [
        Figure("fig1", "Fig. 1: currents and their local/non-local parts vs Jx_s/Jy_s",
               _fig1, _caption1),
        Figure("fig2", "Fig. 2: currents for dark-state proportions P_D", _fig2, _caption2),
        Figure("fig3", "Fig. 3: coherence, T_S1/T_R, entropy production, currents",
               _fig3, _caption3),
        Figure("fig4", "Fig. 4: currents, total and generated coherence for dark-state "
               "proportions P_D", _fig4, _caption4),
        Figure("fig5", "Fig. 5: ergotropy of the steady state", _fig5, _caption5),
        Figure("fig6", "Fig. 6: ergotropy and coherence vs Jx_1/Jx_2", _fig6, _caption6),
        Figure("fig7", "Fig. 7: M reservoir qubits (currents, coherence, ergotropy)",
               _fig7, _caption7),
    ]
