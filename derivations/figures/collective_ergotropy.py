"""Figures of "Ergotropy from coherences in an open quantum system" (Figs. 1 and 2).

Model: :func:`derivations.collective_ergotropy.make_model` (the paper's Eqs. (5)-(7) in the
collective limit, as a collision model): N qubits, H_0 = omega sum_i sigma^+_i sigma^-_i,
dipole-dipole H_d = f sum_{i != j} sigma^+_i sigma^-_j, one thermal oscillator ancilla R
(H_R = omega a^dag a, inverse temperature beta) meeting all
qubits simultaneously through V_i = g (sigma^+_i a + sigma^-_i a^dag).  The engine's Lindblad
form has the rates gamma_ij = g^2 (nbar + 1) (emission) and g^2 nbar (absorption) for every pair
i, j: the collective limit gamma_ij = gamma_0 of the paper with gamma_0 = g^2.

The stationary space is degenerate (the model conserves more than the trace), so a steady state
is the projection of an initial state (spectral projector of the Liouvillian).

* Fig. 1 (N = 2): initial states rho_0(c) = (1 - c)|psi_-><psi_-| + c|00><00|, whose overlap
  with |psi_0>, |psi_+>, |psi_1> is c (the paper's parameter); C_l1 and ergotropy (w.r.t. H_0)
  of the projected steady state vs c at beta = 0.01, 1, 10.
* Fig. 2 (N = 2..7; checked to N = 100): all qubits in the ground state, by the
  permutation-invariant route (:mod:`symthermo.numeric.permutation`): the engine's Lindblad
  form in collective form (derived from the N = 3 model, moved to N qubits), its degenerate
  stationary space detected and |0...0> projected onto it, C_l1 and the ergotropy evaluated
  on the spin blocks (no 2^N matrices).
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np

from derivations import collective_ergotropy as ce
from derivations.figures import Figure, full, panel_label, save, style, subplots
from symthermo.numeric import spin_decomposition
from symthermo.numeric.spin_decomposition import CollectiveSteadyStates, haar_random_states

#: Inverse temperatures of Fig. 1 (caption; solid, dot-dashed, dashed) and omega = 1.
BETAS = (0.01, 1.0, 10.0)
LINESTYLES = {0.01: "-", 1.0: "-.", 10.0: "--"}
OMEGA = 1.0
#: The collective coupling g (gamma_0 = g^2) and the dipole-dipole strength f: the steady
#: states do not depend on them (checked in the tests); the paper gives no values.
G = 1.0
F = 0.0
C_AXIS = np.linspace(0.0, 1.0, 201)
#: Fig. 2: qubit numbers and the "high temperature" point (the caption's beta -> oo is a typo
#: for beta -> 0; we take the beta = 0.01 of Fig. 1 and show the paper's r -> 1 formulas).
N_VALUES = tuple(range(2, 8))
BETA_FIG2 = 0.01

omega, beta, g, f = ce.omega, ce.beta, ce.g, ce.f


@cache
def model(n: int):
    """The derivation's collision model of N collectively coupled qubits
    (:func:`derivations.collective_ergotropy.make_model`, module docstring)."""
    return ce.make_model(n)


def free_hamiltonian(n: int) -> np.ndarray:
    """H_0 = omega sum_i sigma^+_i sigma^-_i as a matrix (omega = OMEGA), tensor order S1..SN."""
    from symthermo.algebra import operator_sum
    from symthermo.numeric.matrices import operator_matrix

    m = model(n)
    h0 = operator_sum(omega * q.plus * q.minus for q in m.system_sites)
    return operator_matrix(h0, m.system_sites, None, {omega: OMEGA})


def _ket(bits: str) -> np.ndarray:
    v = np.zeros(2 ** len(bits), dtype=complex)
    v[int(bits, 2)] = 1.0  # |0> ground = index 0, first qubit leftmost
    return v


PSI_MINUS = (_ket("01") - _ket("10")) / math.sqrt(2)
GROUND2 = np.outer(_ket("00"), _ket("00"))


def initial_state(c: float) -> np.ndarray:
    """(1 - c)|psi_-><psi_-| + c|00><00|: overlap c with |psi_0>, |psi_+>, |psi_1> (Eq. (8))."""
    return (1 - c) * np.outer(PSI_MINUS, PSI_MINUS.conj()) + c * GROUND2


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------


@cache
def fig1_data() -> dict:
    """C_l1 and ergotropy of the N = 2 steady states vs c, for each beta."""
    from symthermo.numeric.measures import ergotropy, l1_coherence
    from symthermo.numeric.model_dynamics import LiouvillianBuilder
    from symthermo.numeric.steady import steady_state

    beta_grid, c_grid = np.meshgrid(np.array(BETAS), C_AXIS, indexing="ij")
    values = full(beta_grid.shape, {"omega": OMEGA, "g": G, "f": F})
    values["beta"] = beta_grid
    L = LiouvillianBuilder(model(2))(values)
    rho = np.empty((*beta_grid.shape, 4, 4), dtype=complex)
    dims = np.empty(beta_grid.shape, dtype=int)
    for idx in np.ndindex(beta_grid.shape):
        ss = steady_state(L[idx], initial_state=initial_state(float(c_grid[idx])))
        rho[idx] = ss.rho
        dims[idx] = ss.stationary_dimension
    h0 = free_hamiltonian(2)
    return {"c": C_AXIS, "betas": BETAS, "rho": rho, "stationary_dimension": dims,
            "coherence": l1_coherence(rho), "ergotropy": ergotropy(rho, h0), "values": values}


#: N of the permutation-invariant check of Eqs. (16)-(17) beyond the plotted N (caption).
N_CHECK = (10, 20, 50, 100)


@cache
def fig2_data() -> dict:
    """C_l1 and ergotropy of the steady state from |0...0> for N = 2..7 at beta = BETA_FIG2
    (and for N_CHECK, for the caption), by the permutation-invariant route."""
    from symthermo.numeric.permutation import (
        PermutationInvariantState,
        collective_generator,
        excitation_number_blocks,
        permutation_invariant_steady_state,
    )

    params = {omega: OMEGA, beta: BETA_FIG2, g: G, f: F}
    small = collective_generator(model(3), params)  # collective form; moved to N qubits
    out: dict = {"N": np.array(N_VALUES), "beta": BETA_FIG2}
    values: dict[int, tuple[float, float, int]] = {}
    for n in (*N_VALUES, *N_CHECK):
        st = permutation_invariant_steady_state(small.with_qubits(n),
                                                PermutationInvariantState.ground(n))
        h0 = {j2: OMEGA * b for j2, b in excitation_number_blocks(n).items()}
        values[n] = (st.l1_coherence(), st.ergotropy(h0), st.stationary_dimension)
    out["coherence"] = np.array([values[n][0] for n in N_VALUES])
    out["ergotropy"] = np.array([values[n][1] for n in N_VALUES])
    out["stationary_dimension"] = np.array([values[n][2] for n in N_VALUES])
    nbar = 1.0 / math.expm1(BETA_FIG2 * OMEGA)
    r = nbar / (nbar + 1)

    def eq16(n_arr):
        return (r - 1) * (r + 1) ** n_arr / (r ** (n_arr + 1) - 1) - 1

    def eq17(n_arr):
        return OMEGA * (n_arr + (n_arr + r) / (r ** (n_arr + 1) - 1) + r / (1 - r))

    n_arr = out["N"].astype(float)
    out["r"] = r
    out["paper_coherence"] = eq16(n_arr)  # Eq. (16)
    out["paper_ergotropy"] = eq17(n_arr)  # Eq. (17)
    out["limit_coherence"] = (2 ** n_arr - n_arr - 1) / (n_arr + 1)  # r -> 1 of Eq. (16)
    out["limit_ergotropy"] = OMEGA * n_arr * (n_arr - 1) / (2 * (n_arr + 1))  # r -> 1 of (17)
    out["check_N"] = np.array(N_CHECK)
    out["check_deviation"] = max(
        max(abs(values[n][0] / eq16(float(n)) - 1), abs(values[n][1] / eq17(float(n)) - 1))
        for n in N_CHECK
    )
    return out


# --------------------------------------------------------------------------------------------
# drawing
# --------------------------------------------------------------------------------------------


def _two_panels_vs_c(fig_dir: Path, name: str, d: dict, keys: tuple[str, str],
                     ylabels: tuple[str, str]) -> Path:
    """Two panels, d[keys[0]] and d[keys[1]] against c, one line per temperature of BETAS."""
    with style() as plt:
        fig, (a, b) = subplots(plt, 1, 2, size=(8.0, 3.4))
        for i, bt in enumerate(BETAS):
            lab = rf"$\beta = {bt:g}$"
            a.plot(d["c"], d[keys[0]][i], color="k", ls=LINESTYLES[bt], label=lab)
            b.plot(d["c"], d[keys[1]][i], color="k", ls=LINESTYLES[bt], label=lab)
        a.set_ylabel(ylabels[0])
        b.set_ylabel(ylabels[1])
        for ax, tag in ((a, "(a)"), (b, "(b)")):
            ax.set_xlabel(r"$c$")
            ax.set_xlim(0, 1)
            ax.set_ylim(bottom=0)
            panel_label(ax, tag)
            ax.legend(loc="upper right")
        fig.tight_layout()
        return save(fig, fig_dir / name)


def _fig1(fig_dir: Path) -> Path:
    return _two_panels_vs_c(fig_dir, "fig1.png", fig1_data(), ("coherence", "ergotropy"),
                            (r"$C_{l_1}$", r"$\mathcal{W}$"))


def _caption1() -> str:
    d = fig1_data()
    c = d["c"]
    hi = BETAS.index(0.01)
    lo = BETAS.index(10.0)
    eq9 = np.abs(-1 + c + c / (1 + 2 * np.cosh(np.array(BETAS)[:, None] * OMEGA)))
    eq13 = OMEGA * np.abs(1 - 4 * c / 3)  # beta -> 0
    eq12 = OMEGA * np.where(c < 0.5, 1 - 2 * c, 0.0)  # beta -> oo
    away = np.abs(c - 0.5) > 0.02
    bw = np.array(BETAS)[:, None] * OMEGA
    eq11 = OMEGA * (1 - c * (1 + 3 * np.cosh(bw) + np.sinh(bw)) / (1 + 2 * np.cosh(bw)))
    dev11 = float(np.max(np.abs(d["ergotropy"] - eq11)[:, c < 0.5]))
    w_c1 = d["ergotropy"][:, -1]
    printed_c1 = OMEGA / (1 + np.exp(-bw[:, 0]) + np.exp(-2 * bw[:, 0]))
    flipped_c1 = OMEGA / (1 + np.exp(bw[:, 0]) + np.exp(2 * bw[:, 0]))
    dims = sorted({int(k) for k in np.ravel(d["stationary_dimension"])})
    return (
        "(a) l1-norm coherence C_l1 (computational basis = eigenbasis of H_0) and (b) ergotropy "
        "W (w.r.t. H_0 = omega sum_i sigma^+_i sigma^-_i) of the two-qubit steady state vs c, "
        "for beta = 0.01 (solid), 1 (dot-dashed), 10 (dashed), omega = 1 (caption). The steady "
        "state is the projection of rho_0(c) = (1 - c)|psi_-><psi_-| + c|00><00| onto the "
        f"stationary space (dimension {', '.join(map(str, dims))}); any "
        "initial state with the same overlap c gives the same Eq. (8). The paper's "
        "|psi_+-> = |01> +- |10>/sqrt(2) misses a bracket: (|01> +- |10>)/sqrt(2). Model: the "
        "collision model of Eqs. (5)-(7) with gamma_ij = g^2 for all i, j; the paper gives no "
        f"gamma_0 or f, we use g = {G:g}, f = {F:g} (the steady states do not depend on them). "
        "Against the paper's closed forms: Eq. (9) max |C_l1 - Eq. (9)| = "
        f"{float(np.max(np.abs(d['coherence'] - eq9))):.1e}; beta = 0.01 vs the high-temperature "
        f"limit Eq. (13): max deviation {float(np.max(np.abs(d['ergotropy'][hi] - eq13))):.3f} "
        "(finite beta); beta = 10 vs the low-temperature limit Eq. (12) away from the step at "
        f"c = 1/2: {float(np.max(np.abs(d['ergotropy'][lo] - eq12)[away])):.1e}; Eq. (11) for "
        f"c < 1/2: {dev11:.1e}. **Typo in Eq. (11) at c = 1:** printed W = omega/(1 + "
        "e^{-omega beta} + e^{-2 omega beta}) (at beta = 10 that is "
        f"{printed_c1[lo]:.3f}, ours {w_c1[lo]:.1e}); ours equal omega/(1 + e^{{omega beta}} + "
        "e^{2 omega beta}), the population of |11> times omega (max deviation "
        f"{float(np.max(np.abs(w_c1 - flipped_c1))):.1e}), consistent with the paper's own "
        "Eq. (12) (W = 0 at c = 1 for low temperature). As the paper "
        "says, W/omega = C_l1 in the high-temperature limit (beta = 0.01: max |W - C_l1| = "
        f"{float(np.max(np.abs(d['ergotropy'][hi] - d['coherence'][hi]))):.3f})."
    )


def _fig2(fig_dir: Path) -> Path:
    d = fig2_data()
    n = d["N"]
    with style() as plt:
        fig, ax = subplots(plt, size=(5.2, 3.9))
        ax.plot(n, d["coherence"], "o", color="tab:blue", label=r"$C_{l_1}$")
        ax.plot(n, d["ergotropy"], "s", color="tab:orange", label=r"$\mathcal{W}$")
        ax.plot(n, d["limit_coherence"], color="tab:blue", lw=0.8, ls=":",
                label=r"Eq. (16), $r \to 1$")
        ax.plot(n, d["limit_ergotropy"], color="tab:orange", lw=0.8, ls=":",
                label=r"Eq. (17), $r \to 1$")
        ax.set_xlabel(r"$N$")
        ax.set_ylabel(r"$C_{l_1}$, $\mathcal{W}$")
        ax.set_xticks(list(n))
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left")
        fig.tight_layout()
        return save(fig, fig_dir / "fig2.png")


def _caption2() -> str:
    d = fig2_data()
    dc = float(np.max(np.abs(d["coherence"] - d["paper_coherence"]) / d["paper_coherence"]))
    dw = float(np.max(np.abs(d["ergotropy"] - d["paper_ergotropy"]) / d["paper_ergotropy"]))
    rows = ", ".join(f"N = {n}: {c:.3f}, {w:.3f}" for n, c, w in
                     zip(d["N"], d["coherence"], d["ergotropy"], strict=True))
    return (
        "Coherence C_l1 (blue circles) and ergotropy W (orange squares, w.r.t. H_0) of the steady "
        "state reached from all qubits in the ground state, vs the number of qubits N, omega = 1. "
        "**Caption typo:** the paper's 'high temperature limit, beta -> oo' means beta -> 0 "
        "(its text: r = nbar/(nbar + 1) -> 1). We compute at beta = "
        f"{BETA_FIG2:g} (r = {d['r']:.5f}), the high-temperature value of Fig. 1, and draw the "
        "paper's r -> 1 limits of Eqs. (16) and (17), (2^N - N - 1)/(N + 1) and N(N - 1)/(2(N + "
        "1)), as dotted lines. Route: the engine's Lindblad form in collective form on the "
        "permutation-invariant states (one generator per total spin j; the degenerate "
        "stationary space, of dimension floor(N/2) + 1 there, is detected and |0...0> "
        "projected onto it), C_l1 and W evaluated on the spin blocks without 2^N matrices. "
        f"Values (C_l1, W): {rows}. The paper's Eqs. (16), (17) at the same r agree with ours "
        f"to a relative {max(dc, dw):.1e}; by the same route at N = "
        f"{', '.join(str(n) for n in d['check_N'])} to {d['check_deviation']:.1e}."
    )


# --------------------------------------------------------------------------------------------
# Fig. 3: random initial states (the stationary projection in the spin-j decomposition)
# --------------------------------------------------------------------------------------------

#: Fig. 3: number of random initial states per N (caption) and the generator's seed.
N_SAMPLES = 100_000
SEED = 20_200_317
#: Fig. 3 uses the high-temperature point of Fig. 2 (the caption's beta -> oo means beta -> 0).
BETA_FIG3 = BETA_FIG2
#: States per vectorised chunk (bounds the memory: chunk x C(N, N/2)^2 complex numbers).
CHUNK = 5_000


def collective_steady_states(n: int, params: dict) -> CollectiveSteadyStates:
    """The engine's stationary projection of the N-qubit model in the spin decomposition."""
    return spin_decomposition.collective_steady_states(model(n), params)


def random_state_measures(css: CollectiveSteadyStates, psi: np.ndarray) -> dict:
    """C_l1 and ergotropy (H_0, omega = OMEGA) of the steady states reached from ``psi``."""
    return spin_decomposition.random_state_measures(css, psi, OMEGA)


@cache
def fig3_data(samples: int | None = None) -> dict:
    """Mean and standard deviation of C_l1 and W over ``samples`` (default N_SAMPLES)
    Haar-random pure initial states for N = 2..7 (beta = BETA_FIG3), and every sample."""
    samples = N_SAMPLES if samples is None else int(samples)
    params = {"omega": OMEGA, "beta": BETA_FIG3, "g": G, "f": F}
    rng = np.random.default_rng(SEED)
    out: dict = {"N": np.array(N_VALUES), "samples": samples, "per_N": {}}
    for n in N_VALUES:
        css = collective_steady_states(n, params)
        coh, erg = [], []
        for start in range(0, samples, CHUNK):
            psi = haar_random_states(n, min(CHUNK, samples - start), rng)
            r = random_state_measures(css, psi)
            coh.append(r["coherence"])
            erg.append(r["ergotropy"])
        c, w = np.concatenate(coh), np.concatenate(erg)
        out["per_N"][n] = {"coherence": c, "ergotropy": w, "tau": css.tau}
    for key in ("coherence", "ergotropy"):
        out[key + "_mean"] = np.array([out["per_N"][n][key].mean() for n in N_VALUES])
        out[key + "_std"] = np.array([out["per_N"][n][key].std() for n in N_VALUES])
    return out


N_COLORS = {2: "tab:blue", 3: "tab:brown", 4: "tab:red", 5: "tab:gray", 6: "tab:pink",
            7: "tab:green"}


def _fig3(fig_dir: Path) -> Path:
    d = fig3_data()
    with style() as plt:
        fig, (a, b) = subplots(plt, 1, 2, size=(9.0, 3.8))
        a.errorbar(d["N"], d["coherence_mean"], yerr=d["coherence_std"], fmt="o",
                   color="tab:blue", capsize=3, label=r"$\langle C_{l_1}\rangle$")
        a.errorbar(d["N"], d["ergotropy_mean"], yerr=d["ergotropy_std"], fmt="s",
                   color="tab:orange", capsize=3, label=r"$\langle \mathcal{W}\rangle$")
        a.set_xlabel(r"$N$")
        a.set_ylabel(r"$C_{l_1}$, $\mathcal{W}$")
        a.set_xticks(list(d["N"]))
        a.set_ylim(bottom=0)
        a.legend(loc="upper left")
        panel_label(a, "(a)")
        for n in reversed(N_VALUES):
            p = d["per_N"][n]
            b.scatter(p["coherence"], p["ergotropy"], s=0.3, color=N_COLORS[n], lw=0,
                      rasterized=True, label=rf"$N = {n}$")
        b.set_xlabel(r"$C_{l_1}$")
        b.set_ylabel(r"$\mathcal{W}$")
        b.set_xlim(left=0)
        b.set_ylim(bottom=0)
        handles, labels = b.get_legend_handles_labels()
        b.legend(handles[::-1], labels[::-1], loc="upper right", markerscale=12, fontsize=7)
        panel_label(b, "(b)")
        fig.tight_layout()
        return save(fig, fig_dir / "fig3.png")


def _caption3() -> str:
    d = fig3_data()
    rows = ", ".join(
        f"N = {n}: C_l1 = {cm:.3f} +- {cs:.3f}, W = {wm:.3f} +- {ws:.3f}"
        for n, cm, cs, wm, ws in zip(d["N"], d["coherence_mean"], d["coherence_std"],
                                     d["ergotropy_mean"], d["ergotropy_std"], strict=True))
    g2 = fig2_data()
    cr_ratio = d["coherence_mean"] / g2["coherence"]
    wr_ratio = d["ergotropy_mean"] / g2["ergotropy"]
    spread_c = d["coherence_std"]
    spread_w = d["ergotropy_std"]
    return (
        f"(a) Mean (markers) and standard deviation (error bars) of the l1 coherence C_l1 "
        "(blue circles, computational basis = eigenbasis of H_0) and of the ergotropy W "
        "(orange squares, w.r.t. H_0) of the steady states reached from "
        f"{d['samples']:,} random initial states for each N = 2..7; (b) W against C_l1 for "
        "every sample, N = 2 (blue), 3 (brown), 4 (red), 5 (gray), 6 (pink), 7 (green) "
        "(caption colours; the paper's gray-scale stacks are not repeated). omega = 1, "
        f"beta = {BETA_FIG3:g}: the caption's 'high temperature limit, beta -> oo' is read "
        "as beta -> 0, as for Fig. 2. **How the states are drawn (the paper does not say):** "
        "Haar-random pure states of the N qubits (normalised vectors of independent complex "
        f"Gaussians, numpy default_rng({SEED})). **Route:** the steady state is the stationary "
        "projection of the initial state, linear in it; in the spin decomposition C^(2^N) = "
        "sum_j C^(d_j) (x) C^(2j+1) the engine's collective generator acts as 1 (x) L_j (checked "
        "numerically when the figure is built), each (j, j') block generator is solved once "
        "(its kernel: one-dimensional for j = j', none for j != j'), so the steady state of "
        "|psi> is sum_j C_j (x) tau_j with C_j the spin-traced j block of |psi><psi| and tau_j "
        "the stationary spin-j state; its eigenvalues are those of C_j times those of tau_j "
        "(ergotropy without a 2^N x 2^N diagonalisation) and its l1 coherence is summed over "
        "the excitation-number blocks. Values: " + rows + ". Against the ground-state initial "
        "states of Fig. 2, the mean coherence over random states is "
        + ", ".join(f"{x:.2f}" for x in cr_ratio) + " times and the mean ergotropy "
        + ", ".join(f"{x:.2f}" for x in wr_ratio) + " times the ground-state values (N = 2..7): "
        "as the paper says, the coherence grows more slowly with N than for ground initial "
        "states while the ergotropy scales similarly. The spread of the coherence grows with "
        f"N ({spread_c[0]:.3f} -> {spread_c[-1]:.3f}) and that of the ergotropy "
        + ("shrinks" if spread_w[-1] < spread_w[0] else "does not shrink")
        + f" ({spread_w[0]:.3f} -> {spread_w[-1]:.3f})."
    )


# --------------------------------------------------------------------------------------------
# Fig. 4: concurrence and discord of the two-qubit steady states
# --------------------------------------------------------------------------------------------


@cache
def fig4_data() -> dict:
    """Concurrence and discord (measurement on the second qubit, bits) of Fig. 1's states."""
    from symthermo.numeric.measures import (
        concurrence,
        quantum_discord,
        quantum_discord_x_state,
    )

    d = fig1_data()
    rho = d["rho"]
    disc = np.asarray(quantum_discord(rho)) / math.log(2)
    return {"c": d["c"], "concurrence": np.asarray(concurrence(rho)), "discord": disc,
            "discord_x": np.asarray(quantum_discord_x_state(rho)) / math.log(2),
            "coherence": d["coherence"]}


def _fig4(fig_dir: Path) -> Path:
    return _two_panels_vs_c(fig_dir, "fig4.png", fig4_data(), ("concurrence", "discord"),
                            (r"concurrence $C$", r"discord $D^{\leftarrow}$ (bits)"))


def _caption4() -> str:
    d = fig4_data()
    c = d["c"]
    conc, disc, coh = d["concurrence"], d["discord"], d["coherence"]
    ent_range = []
    for i in range(len(BETAS)):
        nz = np.flatnonzero(conc[i] > 1e-9)
        ent_range.append(float(c[nz[-1]]) if nz.size else 0.0)
    below = bool(np.all(disc <= coh + 1e-9))
    c1 = np.abs(disc[:, -1] - coh[:, -1])
    bw = np.array(BETAS) * OMEGA
    c_thermal = (1 + np.exp(-bw) + np.exp(-2 * bw)) / (1 + 2 * np.exp(-bw) + np.exp(-2 * bw))
    at_thermal = [float(max(np.min(disc[i][np.abs(c - ct) < 0.01]),
                            np.min(coh[i][np.abs(c - ct) < 0.01])))
                  for i, ct in enumerate(c_thermal)]
    xdev = float(np.max(np.abs(d["discord"] - d["discord_x"])))
    return (
        "(a) Wootters concurrence and (b) quantum discord D^<- (projective measurement on "
        "the second qubit, optimised over all directions; in bits, log base 2) of the "
        "two-qubit steady states of Fig. 1 against c, beta = 0.01 (solid), 1 (dot-dashed), "
        "10 (dashed), omega = 1 (the paper's Fig. 4 does not list its temperatures; it asks to "
        "compare with Fig. 1, so we use Fig. 1's). The states are Eq. (8) (X states); the "
        "closed X-state form of the discord (min over sigma_z and in-plane measurements) agrees "
        f"with the optimisation to {xdev:.1e}. The concurrence is positive only for c <= "
        + ", ".join(f"{z:.3f}" for z in ent_range)
        + " (beta = 0.01, 1, 10, on our grid of step 0.005): the range of c with entanglement "
        "shrinks as the temperature rises, as the paper says. Against C_l1 of Fig. 1(a): "
        "D^<- <= C_l1 at every point " + ("(holds)" if below else "(**does not hold everywhere**)")
        + "; at c = 1, |D - C_l1| = " + ", ".join(f"{x:.1e}" for x in c1)
        + " (the paper: equality at c = 1); near the thermal value c = Z_+/Z (= "
        + ", ".join(f"{x:.3f}" for x in c_thermal) + ") both are at most "
        + ", ".join(f"{x:.1e}" for x in at_thermal) + " on the grid (they vanish there)."
    )


def figures() -> list[Figure]:
    return [
        Figure("fig1", "Fig. 1: C_l1 and ergotropy vs c at three temperatures", _fig1, _caption1),
        Figure("fig2", "Fig. 2: scaling of C_l1 and ergotropy with N", _fig2, _caption2),
        Figure("fig3", "Fig. 3: C_l1 and ergotropy over random initial states, N = 2..7",
               _fig3, _caption3),
        Figure("fig4", "Fig. 4: concurrence and discord of the two-qubit steady states",
               _fig4, _caption4),
    ]
