"""Guarnieri, Morrone, Cakmak, Plastina, Campbell: NESS of memoryless quantum collision models.

Paper: ../shared/papers/memoryless-ness.md.  One system qubit S, H_S = (omega_S/2) sigma_z, meets
fresh thermal qubit ancillas A, H_A = (omega_A/2) sigma_z at inverse temperature beta, through
H_SA = sum_lm J_lm sigma_l (x) sigma_m (Eq. (24)), rescaled as V/sqrt(tau) (the paper's g_0 is
absorbed into J_lm).  Variants ``general`` (Eq. (24), ancilla factors of zero thermal mean,
m = x, y), ``xy`` (Eq. (26), Fig. 1) and ``ssc`` (Eq. (29) = Eq. (26) + J_zy sigma_z sigma_y,
Fig. 2).  Checks: Eqs. (6), (22), (23), (25), (27); statements of Secs. III B-C and IV A, from
the engine's exact stationary Bloch vector, its direct Liouvillian and its exact finite-tau
collisions (:mod:`symthermo.papers.stationary`).  Signs: the engine's heat current is positive
*into the system*; the paper's Eqs. (21), (23) count the heat *into the ancilla*.
"""

from __future__ import annotations

import math

import numpy as np
import sympy

from derivations.references import REFERENCES
from symthermo import papers
from symthermo.algebra import operator_sum, qubit
from symthermo.algebra.expectation import Expectation
from symthermo.emit.quantity import Quantity
from symthermo.model import CollisionModel, bath, collision_model
from symthermo.numeric.measures import l1_coherence
from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.papers import bloch_vector, gksl_heisenberg, sandwich
from symthermo.papers import inverse_temperature_of_bloch_z as beta_eff_of
from symthermo.papers import number_text as _num
from symthermo.states import DiagonalState, ThermalQubit, trace_out
from symthermo.thermo import heat_current, work_current

NAME = "memoryless_ness"
TITLE = "Non-equilibrium steady states of memoryless quantum collision models"
REFERENCE = REFERENCES["memoryless_ness"]  # cited in the report, the LaTeX and references.bib
SOURCES = ("memoryless-ness.md",)

# sites and symbols --------------------------------------------------------------------------
S, A = qubit("S"), qubit("A")
omega_s, omega_a, beta = sympy.symbols("omega_S omega_A beta", positive=True)
J_x, J_y, J_zy = sympy.symbols("J_x J_y J_zy", real=True)
SYSTEM_AXES = ("x", "y", "z")
ANCILLA_AXES = ("x", "y")  # sigma_z of a thermal ancilla has a non-zero mean (see notes)
J_lm = {(l, m): sympy.Symbol(f"J_{l}{m}", real=True) for l in SYSTEM_AXES for m in ANCILLA_AXES}
TANH_A = sympy.tanh(beta * omega_a / 2)  # -<sigma_z> of the thermal ancilla

SX, SY, SZ = BLOCH = tuple(Expectation((("S", k),)) for k in (1, 2, 3))  # <sigma_x,y,z>

H_S, H_A = omega_s / 2 * S.z, omega_a / 2 * A.z
ANCILLA = ThermalQubit(A, omega=omega_a, beta=beta)


def coupling(variant: str):
    """H_SA of a variant: Eq. (24), sum_lm J_lm sigma_l (x) sigma_m restricted to zero-mean
    ancilla factors, Eq. (26) or Eq. (29)."""
    if variant == "general":
        return operator_sum(j * getattr(S, l) * getattr(A, m) for (l, m), j in J_lm.items())
    if variant == "xy":
        return J_x * S.x * A.x + J_y * S.y * A.y  # Eq. (26)
    if variant == "ssc":
        return (J_x * S.x * A.x + J_y * S.y * A.y) + J_zy * S.z * A.y  # Eq. (29)
    raise ValueError(f"unknown variant {variant!r}")


def make_model(variant: str) -> CollisionModel:
    b = bath("E", ANCILLA, H_A, {"S": coupling(variant)}, beta=beta)
    return collision_model([S], H_S, b, name=f"{NAME}:{variant}")


MODELS = {v: make_model(v) for v in ("general", "xy", "ssc")}
KERNEL_SITES = (S,)
#: Eq. (27)'s model: Eq. (26) with J_y = J_x on resonance (omega_S = omega_A), energy preserving.
M27 = MODELS["xy"].subs({J_y: J_x, omega_s: omega_a})

# Figure defaults: omega_S = omega_A = 1 (times in units of 1/omega_S), beta = 1; Fig. 1 ratio
# J_y/J_x = 1/2 (dashed); Fig. 2: J_x = 2 J_y = 1 and alpha = pi/8 (dotted), with
# J_zy = tan(alpha) sqrt(J_x^2 + J_y^2).
_JZY_FIG2 = math.tan(math.pi / 8) * math.sqrt(1.25)
PARAMETERS = {
    "general": {
        omega_s: 1.0, omega_a: 1.0, beta: 1.0,
        J_lm["x", "x"]: 1.0, J_lm["x", "y"]: 0.0, J_lm["y", "x"]: 0.0,
        J_lm["y", "y"]: 0.5, J_lm["z", "x"]: 0.0, J_lm["z", "y"]: _JZY_FIG2,
    },
    "xy": {omega_s: 1.0, omega_a: 1.0, beta: 1.0, J_x: 1.0, J_y: 0.5},
    "ssc": {omega_s: 1.0, omega_a: 1.0, beta: 1.0, J_x: 1.0, J_y: 0.5, J_zy: _JZY_FIG2},
}

#: Random points: omega_S, omega_A in [0.5, 2], beta in [0.2, 2], couplings in [-1, 1].
SAMPLING = papers.Sampling(ranges={"omega_*": (0.5, 2.0), "beta": (0.2, 2.0)}, default=(-1.0, 1.0))
#: Eq. (25): beta in [0.2, 3], then omega_A in [0.5, 2].
EQ25_SAMPLING = papers.Sampling(draw=lambda rng, _: {beta: float(rng.uniform(0.2, 3.0)),
                                                     omega_a: float(rng.uniform(0.5, 2.0))})
#: Eq. (27): J_x = J_y in [0.3, 1.5], omega_S = omega_A in [0.5, 2], then beta in [0.2, 3].
EQ27_SAMPLING = papers.Sampling(draw=lambda rng, _: {J_x: float(rng.uniform(0.3, 1.5)),
                                                     omega_a: float(rng.uniform(0.5, 2.0)),
                                                     beta: float(rng.uniform(0.2, 3.0))})


# exact steady state and the paper's sign of Eqs. (20)-(21) ------------------------------------


def bloch_steady_state(model: CollisionModel) -> dict[Expectation, sympy.Expr]:
    """The exact stationary Bloch vector (:func:`symthermo.papers.stationary_expectations`)."""
    return papers.stationary_expectations(model, (S.x, S.y, S.z))


def steady_currents(model: CollisionModel, ss) -> tuple[sympy.Expr, sympy.Expr]:
    """(heat into S, work) at the stationary state ``ss``."""
    return (papers.stationary_current(model, "heat", ss, "E"),
            papers.stationary_current(model, "work", ss))


def eqs_20_21(model: CollisionModel, params, rho_s: np.ndarray, tau: float):
    """(W, Q, rho_S') of one exact collision with the printed signs: Eq. (20) W is minus the
    engine's switching work, Eq. (21) Q minus its heat into S; rho_S' of Eq. (2)."""
    e = papers.collision_step(model, params, rho_s, tau)
    return -e.switching_work, -float(e.heat[0]), e.rho_after


# printed equations ---------------------------------------------------------------------------


def printed_eq6_sigma_z() -> sympy.Expr:
    """d<sigma_z>/dt from Eqs. (5)-(6) with the printed rates gamma_jk = g0^2 Tr_A[A_k^dag A_j].

    H_SA = sum_j S_j (x) A_j with A_j = sigma_m (m = x, y) and S_j = sum_l J_lm sigma_l (g0 = 1,
    absorbed in J_lm).  Tr_A is the full trace over the ancilla qubit, as printed (twice the
    average over the flat state); the Heisenberg form of the GKSL generator of Eq. (5).
    """
    jumps = [operator_sum(J_lm[l, m] * getattr(S, l) for l in SYSTEM_AXES) for m in ANCILLA_AXES]
    anc = [getattr(A, m) for m in ANCILLA_AXES]
    flat = DiagonalState(A, (sympy.Rational(1, 2), sympy.Rational(1, 2)))
    rates = [[2 * trace_out(a_k.dagger() * a_j, flat) for a_k in anc] for a_j in anc]
    return gksl_heisenberg(H_S, jumps, rates, S.z)


def printed_eq22(variant: str = "general") -> sympy.Expr:
    """Eq. (22): Tr_SA[(H_SA (H_S + H_A) H_SA - {H_SA^2, H_S + H_A}/2) rho_S (x) rho_A^th]."""
    return trace_out(sandwich(coupling(variant), H_S + H_A), ANCILLA)


def printed_eq23(variant: str = "general") -> sympy.Expr:
    """Eq. (23): Tr_SA[(H_SA H_A H_SA - {H_SA^2, H_A}/2) rho_S (x) rho_A^th]."""
    return trace_out(sandwich(coupling(variant), H_A), ANCILLA)


def printed_eq25_first_entry() -> sympy.Expr:
    """Eq. (25): the first diagonal entry of rho_A^th, (1/2)[1 - tanh(beta omega_A / 2)]."""
    return sympy.Rational(1, 2) * (1 - sympy.tanh(beta * omega_a / 2))


# checks -----------------------------------------------------------------------------------


def checks() -> list[papers.Check]:
    """The printed equations; the engine quantities (``of=``) give derived sides and routes."""
    general = MODELS["general"]
    return [papers.Check(
        "Eq. (6)", "d<sigma^z_S>/dt from the GKSL generator with the printed rates "
        "gamma_jk = g0^2 Tr_A[A_k^dag A_j] (coupling of Eq. (24), ancilla factors x, y)",
        printed_eq6_sigma_z(), difference_kind="paper error",
        note="The printed rate gamma_jk = g0^2 Tr_A[A_k^dag A_j] has no ancilla state; the line "
        "before Eq. (5) has Tr_A[V (rho_S (x) rho_A) V^dag], so the rate is "
        "g0^2 Tr_A[rho_A A_k^dag A_j] (the engine's). Without rho_A the rates of a qubit "
        "ancilla are 2 delta_jk: twice too large and without the i tanh(beta omega_A/2) "
        "cross rates that carry the bath temperature. (Read as the ancilla average "
        "<A_k^dag A_j>_A, as 'auto-correlation function' suggests, it is the engine's rate.)",
        of=papers.Heisenberg(general, S.z, SAMPLING),
    ), papers.Check(
        "Eq. (22)", "work current Wdot (switching the coupling on and off), general coupling",
        printed_eq22("general"),
        note="H_SA in Eqs. (22)-(23) read as g0 V (the coupling without the 1/sqrt(dt) "
        "rescaling), as the limit requires. VXV - {V^2, X}/2 = -[V, [V, X]]/2, the engine's "
        "form. The limit of Eq. (20) as printed is minus this (see the statement on Eq. (20)).",
        of=papers.WorkCurrent(general, None, "total", SAMPLING),
    ), papers.Check(
        "Eq. (23)", "heat current Qdot, general coupling", printed_eq23("general"),
        mapping=lambda e: -e,
        mapping_note="the paper's Qdot (Eqs. (11), (21), (23)) is the energy gained by the "
        "environment; the engine's heat current is positive into the system: "
        "Qdot_engine = -Qdot_paper",
        of=papers.HeatCurrent(general, "E", "total", SAMPLING),
    ), papers.Check(
        "Eq. (25)", "thermal ancilla state rho_A^th, first diagonal entry",
        printed_eq25_first_entry(), ANCILLA.populations()[0], mapping=lambda e: 1 - e,
        mapping_note="the printed matrix is written in the ordered basis (|1>, |0>) (excited "
        "state first, textbook sigma_z = diag(1, -1)); the engine's index 0 is |0> (ground), "
        "so the printed first entry is our <1|rho|1> = 1 - <0|rho|0>",
        of=papers.AncillaExpectation(MODELS["xy"], "E", (1 - A.z) / 2, EQ25_SAMPLING),
    ), papers.Check(
        "Eq. (27), work",
        "steady-state work current, Eq. (26) with J_x = J_y and omega_S = omega_A", sympy.S.Zero,
        note="derived: the engine's work current at the exact stationary Bloch vector of the "
        "engine's Heisenberg equations; matrix route: work from matrices at the numeric "
        "steady state of the Liouvillian built from matrices",
        of=papers.SteadyCurrent(M27, "work", (S.x, S.y, S.z), None, EQ27_SAMPLING),
    ), papers.Check(
        "Eq. (27), heat",
        "steady-state heat current, Eq. (26) with J_x = J_y and omega_S = omega_A", sympy.S.Zero,
        note="as for the work; zero in either sign convention",
        of=papers.SteadyCurrent(M27, "heat", (S.x, S.y, S.z), "E", EQ27_SAMPLING),
    )]


# statements -------------------------------------------------------------------------------


def _xy(ratio: float, b: float = 1.0, w_s: float = 1.0, w_a: float = 1.0):
    """The numeric steady state of Eq. (26), J_x = 1, J_y = ratio (engine, from matrices)."""
    return papers.steady_summary(MODELS["xy"], {J_x: 1.0, J_y: ratio, omega_s: w_s,
                                                omega_a: w_a, beta: b})


def _ssc(jx: float, jy: float, jzy: float, b: float = 1.0):
    """The numeric steady state of Eq. (29) at omega_S = omega_A = 1."""
    return papers.steady_summary(MODELS["ssc"], {J_x: jx, J_y: jy, J_zy: jzy, omega_s: 1.0,
                                                 omega_a: 1.0, beta: b})


def _beta_eff(ss, w_s: float = 1.0) -> float:
    return beta_eff_of(bloch_vector(ss.rho)[2], w_s)


def _statements_iii() -> list[papers.Statement]:
    xy, out = MODELS["xy"], []
    ss = bloch_steady_state(xy)
    q_ss, w_ss = steady_currents(xy, ss)
    z_ss = ss[SZ]
    # (1) ESS at J_x = J_y on resonance, Eq. (27)
    ss27 = bloch_steady_state(M27)
    gibbs_gap = [sympy.simplify(e) for e in (ss27[SX], ss27[SY], ss27[SZ] + TANH_A)]
    q27, w27 = steady_currents(M27, ss27)
    s1 = _xy(1.0)
    rho_th = np.diag([(1 + math.tanh(0.5)) / 2, (1 - math.tanh(0.5)) / 2])
    p27 = {J_x: 1.0, J_y: 1.0, omega_s: 1.0, omega_a: 1.0, beta: 1.0}
    rho_tau = papers.collision_fixed_point(xy, p27, 0.05).rho
    w20, q21, _ = eqs_20_21(xy, p27, rho_th, 0.05)
    holds = all(g == 0 for g in gibbs_gap) and q27 == 0 and w27 == 0 and s1.dimension == 1
    out.append(papers.Statement("Sec. III C, Eq. (27): ESS",
        "For J_x = J_y on resonance (omega_S = omega_A) the steady state is the Gibbs state "
        "at the bath's beta and the heat and work currents vanish",
        bool(holds and np.abs(s1.rho - rho_th).max() < 1e-10),
        f"exact stationary Bloch vector (<sx>, <sy>, <sz>) = ({ss27[SX]}, {ss27[SY]}, "
        f"{ss27[SZ]}) = Gibbs; Qdot = {q27}, Wdot = {w27} exactly. Matrices (J_x = J_y = 1, "
        f"omega = 1, beta = 1): unique steady state (dim ker L = {s1.dimension}), "
        f"max abs(rho* - rho_th) = {_num(np.abs(s1.rho - rho_th).max())}, Qdot = "
        f"{_num(s1.heat['E'])}, Wdot = {_num(s1.work)}. Exact collision map at dt = 0.05: fixed "
        f"point max abs(rho - rho_th) = {_num(np.abs(rho_tau - rho_th).max())}, Eq. (20) W = "
        f"{_num(w20)}, Eq. (21) Q = {_num(q21)} per collision (rho_S^th (x) rho_A^th commutes "
        "with U)."))
    # (2) NESS of Eq. (26) are diagonal; beta_eff law
    out.append(papers.Statement("Sec. III C: diagonal NESS",
        "Every steady state of Eq. (26) is diagonal in the energy eigenbasis, hence a Gibbs "
        "state at some beta_eff (Eq. (28))", bool(ss[SX] == 0 and ss[SY] == 0),
        f"exact stationary Bloch vector for all J_x, J_y, omega_S, omega_A, beta: "
        f"<sx> = {ss[SX]}, <sy> = {ss[SY]}, <sz> = {sympy.sstr(z_ss)}; so "
        "tanh(beta_eff omega_S/2) = 2 J_x J_y tanh(beta omega_A/2)/(J_x^2 + J_y^2)."))
    # (3) balanced off resonance: beta_eff omega_S = beta omega_A
    law = sympy.simplify(z_ss.subs(J_y, J_x) + TANH_A)
    w_s, w_a, b0 = 1.5, 1.0, 1.0
    be = _beta_eff(_xy(1.0, b0, w_s, w_a), w_s)
    out.append(papers.Statement("Sec. III C: beta_eff off resonance",
        "For J_x = J_y but omega_S != omega_A, beta_eff omega_S = beta omega_A",
        bool(law == 0 and abs(be * w_s - b0 * w_a) < 1e-10),
        f"exact: <sz>* + tanh(beta omega_A/2) at J_y = J_x simplifies to {law}. "
        f"Matrices at omega_S = {w_s}, omega_A = {w_a}, beta = {b0}: beta_eff = {_num(be)}, "
        f"beta_eff omega_S = {_num(be * w_s)}."))
    # (4) beta_eff(J_y/J_x) on resonance: J_y = 0 infinite temperature, monotonicity, bound
    ratios = [-10.0, -2.0, -1.0, -0.5, 0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 5.0, 20.0]
    betas = [1.0, 3.0, 5.0, 7.0, 9.0]
    table = {(b, r): _beta_eff(_xy(r, b)) / b for b in betas for r in ratios}
    rows = {b: ", ".join(f"{r:g}: {_num(table[b, r], 4)}" for r in ratios) for b in (1.0, 9.0)}
    up, down = [0.0, 0.25, 0.5, 0.75, 1.0], [1.0, 1.5, 2.0, 5.0, 20.0]
    inc = all(table[b, up[i]] < table[b, up[i + 1]] for b in betas for i in range(len(up) - 1))
    dec = all(table[b, down[i]] > table[b, down[i + 1]]
              for b in betas for i in range(len(down) - 1))
    out.append(papers.Statement("Sec. III C, Fig. 1(a): beta_eff vs J_y/J_x",
        "On resonance: J_y/J_x = 0 gives beta_eff = 0 (maximally mixed); beta_eff grows "
        "with J_y/J_x on (0, 1), reaches beta at 1, then decreases towards 0 as J_y/J_x -> oo",
        bool(all(abs(table[b, 0.0]) < 1e-12 and abs(table[b, 1.0] - 1) < 1e-9
                 and table[b, 20.0] < 0.2 for b in betas) and inc and dec),
        f"exact: <sz>* = {sympy.sstr(z_ss)} (odd in J_y/J_x, 0 at J_y = 0, maximal "
        f"abs(2r/(1+r^2)) = 1 at r = +-1). beta_eff/beta from matrices at beta = 1: "
        f"{rows[1.0]}; at beta = 9: {rows[9.0]}."))
    bound = max(abs(v) for v in table.values())
    out.append(papers.Statement("Sec. III C: abs(beta_eff/beta) <= 1",
        "On resonance abs(beta_eff/beta) <= 1 for every J_y/J_x: the system is never colder "
        "than the bath", bool(bound <= 1 + 1e-9),
        "abs(2 J_x J_y/(J_x^2 + J_y^2)) <= 1 and atanh is increasing, so abs(beta_eff) <= beta; "
        "max abs(beta_eff/beta) over the grid above (5 temperatures x 13 ratios) = "
        f"{_num(bound)} (equality at J_y/J_x = +-1)."))
    colder = all(abs(table[betas[i], r]) > abs(table[betas[i + 1], r]) - 1e-12
                 for r in ratios if abs(abs(r) - 1) > 1e-12 and r != 0.0
                 for i in range(len(betas) - 1))
    out.append(papers.Statement("Sec. III C: colder baths, further from equilibrium",
        "Cold environments maintain NESS further from equilibrium relative to the bath "
        "temperature (abs(beta_eff/beta) decreases as beta grows)", bool(colder),
        "beta_eff/beta at J_y/J_x = 0.5 for beta = 1, 3, 5, 7, 9: "
        + ", ".join(_num(table[b, 0.5], 4) for b in betas)
        + "; at J_y/J_x = -0.5: " + ", ".join(_num(table[b, -0.5], 4) for b in betas)
        + " (beta_eff/beta = (2/(beta omega)) atanh(c tanh(beta omega/2)), c = 2r/(1+r^2), "
        "decreases from c to 0)."))
    # (5) negative beta_eff for J_y/J_x < 0, ancilla not inverted; active state
    negative = [(b, r) for b in betas for r in ratios if r < 0]
    z_m = bloch_vector(_xy(-0.5, 1.0).rho)[2]
    ergotropy = max(0.0, z_m)  # diagonal qubit, omega_S = 1: E = omega_S (p1 - p0) if p1 > p0
    out.append(papers.Statement("Sec. III C: negative effective temperature",
        "For J_y/J_x < 0 the NESS has inverted populations (beta_eff < 0) at every bath "
        "temperature, without inverted ancillas; these NESS are active (work extractable)",
        bool(all(table[k] < 0 for k in negative) and z_m > 0 and ergotropy > 0),
        "sign of <sz>* = -2 J_x J_y tanh(beta omega_A/2)/(J_x^2 + J_y^2) is that of "
        "-J_y/J_x while <sigma_z>_A = -tanh(beta omega_A/2) < 0; beta_eff < 0 at all "
        f"{len(negative)} grid points with J_y/J_x < 0. At J_y/J_x = -1/2, beta = 1: <sz>* = "
        f"{_num(z_m)}, beta_eff = {_num(beta_eff_of(z_m, 1.0))}, ergotropy "
        f"omega_S <sz>* = {_num(ergotropy)}."))
    # (6) first law at the steady state
    rng = np.random.default_rng(7)
    sums = [(s.heat["E"], s.work) for s in (
        papers.steady_summary(MODELS["general"], SAMPLING.parameters(MODELS["general"], rng))
        for _ in range(3))]
    q_c, w_c = steady_currents(MODELS["ssc"], bloch_steady_state(MODELS["ssc"]))
    exact_sum = [sympy.simplify(q_ss + w_ss), sympy.simplify(q_c + w_c)]
    out.append(papers.Statement("Sec. III B: Qdot + Wdot = 0 at the steady state",
        "At every steady state heat and work currents are equal and opposite "
        "(heat counted into the system)",
        bool(all(e == 0 for e in exact_sum) and all(abs(q + w) < 1e-10 for q, w in sums)),
        f"exact at the stationary state: Eq. (26) Qdot + Wdot = {exact_sum[0]}, "
        f"Eq. (29) Qdot + Wdot = {exact_sum[1]}; general coupling, 3 random points (numeric "
        "steady state): (Qdot, Wdot) = " + "; ".join(f"({_num(q)}, {_num(w)})" for q, w in sums)
        + ". With the printed signs of Eqs. (22)-(23) (heat into the environment) the two "
        "currents are equal, Wdot = Qdot_paper, not opposite; 'equal and opposite' needs the "
        "heat counted into the system (or the sign of Eq. (20))."))
    # (7) currents of Eq. (26): only J_x^2 = J_y^2 gives zero currents (also off resonance)
    off = [(1.0, 1.5, 1.0), (-1.0, 1.0, 1.0), (0.5, 1.0, 1.0), (0.0, 1.0, 1.0), (-0.5, 1.0, 1.0)]
    vals = {k: _xy(k[0], 1.0, k[1], k[2]) for k in off}
    v_off, v_minus = vals[1.0, 1.5, 1.0], vals[-1.0, 1.0, 1.0]
    p_off = {J_x: 1.0, J_y: 1.0, omega_s: 1.5, omega_a: 1.0, beta: 1.0}
    w20o, q21o, _ = eqs_20_21(xy, p_off, papers.collision_fixed_point(xy, p_off, 0.05).rho, 0.05)
    zero_off = abs(v_off.heat["E"]) < 1e-12 and abs(v_minus.heat["E"]) < 1e-12
    out.append(papers.Statement(
        "Sec. III B-C: every non-energy-preserving coupling supports currents",
        "Any interaction that does not preserve H_S + H_A gives a NESS supported by "
        "non-zero heat and work currents", bool(not zero_off),
        f"exact, Eq. (26): Qdot* = {sympy.sstr(q_ss)}, Wdot* = {sympy.sstr(w_ss)}; "
        "they vanish whenever J_x^2 = J_y^2, for any omega_S, omega_A. Counterexamples: "
        "J_x = J_y off resonance (omega_S = 1.5, omega_A = 1, beta = 1; V does not commute with "
        f"H_S + H_A) has beta_eff = {_num(_beta_eff(v_off, 1.5))} != beta and Qdot = "
        f"{_num(v_off.heat['E'])}, Wdot = {_num(v_off.work)}; exact collision map at dt = 0.05: "
        f"Eq. (20) W = {_num(w20o)}, Eq. (21) Q = {_num(q21o)} per collision at its fixed point "
        "(rho* (x) rho_A is a function of the conserved sigma_z^S + sigma_z^A), although "
        "the remark after Eq. (20) says W vanishes only for couplings commuting with H_S + H_A. "
        f"J_y = -J_x on resonance: beta_eff = {_num(_beta_eff(v_minus))}, "
        f"Qdot = {_num(v_minus.heat['E'])}. Non-zero cases (J_y/J_x = 0.5, 0, -0.5): Qdot "
        + ", ".join(_num(vals[r, 1.0, 1.0].heat["E"]) for r in (0.5, 0.0, -0.5)) + "."))
    # (8) larger currents at higher effective temperature, max at J_y/J_x = 0 (Fig. 1)
    fig1 = [-0.5, 0.0, 0.5, 1.0]
    fig1_q = {r: _xy(r).heat["E"] for r in fig1}
    grid = [abs(_xy(r).heat["E"]) for r in np.linspace(0.0, 1.0, 11)]
    mono = all(grid[i] > grid[i + 1] for i in range(len(grid) - 1))
    out.append(papers.Statement("Sec. III C, Fig. 1(b)-(d): housekeeping currents",
        "Higher effective temperatures go with larger heat and work currents, the largest "
        "at J_y/J_x = 0", bool(mono and max(fig1, key=lambda r: abs(fig1_q[r])) == 0.0),
        "J_x = 1, omega_S = omega_A = 1, beta = 1, steady Qdot (into S) at J_y/J_x = "
        + ", ".join(f"{r:g}: {_num(fig1_q[r])}" for r in fig1)
        + "; abs(Qdot) = omega_A tanh(beta omega_A/2)(1 - r^2)^2/(1 + r^2) decreases on "
        "0 <= abs(r) <= 1 while abs(beta_eff) increases. Holds for the plotted ratios "
        "(abs(r) <= 1 at fixed J_x); for r > 1 at fixed J_x the current grows again "
        f"(r = 3: {_num(_xy(3.0).heat['E'])}), since the overall coupling grows."))
    return out


def _finite_tau_statements() -> list[papers.Statement]:
    """Eqs. (20)-(21) at finite tau against the derived currents (general coupling)."""
    general, rng = MODELS["general"], np.random.default_rng(11)
    params = SAMPLING.parameters(general, rng)
    rho = random_density_matrix(2, rng)
    heat_eng, w_eng = papers.current_totals(general, rho, params)
    heat_der, w_der = papers.derived_totals(general, rho, params)
    q_der = heat_der["E"]
    taus = [4e-3, 2e-3, 1e-3]
    rows = [(tau, w / tau, q / tau)
            for tau, (w, q, _) in ((t, eqs_20_21(general, params, rho, t)) for t in taus)]
    err_q = [abs(q - (-q_der)) for _, _, q in rows]
    err_w_minus = [abs(w - (-w_der)) for _, w, _ in rows]
    ratios = [e[i] / e[i + 1] for e in (err_q, err_w_minus) for i in range(2)]
    table = "; ".join(
        f"tau = {t:g}: W20/tau = {_num(w, 8)}, Q21/tau = {_num(q, 8)}" for t, w, q in rows)
    return [papers.Statement("Eqs. (20)-(23): finite tau -> 0",
        "The exact per-collision heat and work of Eqs. (20)-(21), divided by tau, converge "
        "to the derived currents as tau -> 0 (U = exp(-i tau (H_S + H_A + V/sqrt(tau))))",
        bool(all(1.6 < r < 2.4 for r in ratios) and err_q[-1] < 1e-2 and err_w_minus[-1] < 1e-2),
        f"general coupling at a random point and random rho_S (seed 11); derived "
        f"Wdot = {_num(w_der, 8)} (matrices {_num(w_eng, 8)}), Qdot into S = {_num(q_der, 8)} "
        f"(matrices {_num(heat_eng['E'], 8)}). {table}. Errors abs(Q21/tau + Qdot) = "
        + ", ".join(_num(e, 3) for e in err_q)
        + ", abs(W20/tau + Wdot) = " + ", ".join(_num(e, 3) for e in err_w_minus)
        + "; ratios per halving of tau: " + ", ".join(_num(r, 3) for r in ratios)
        + " (linear convergence). Q21/tau -> Eq. (23) = -Qdot_engine; W20/tau -> -Eq. (22).",
    ), papers.Statement("Eq. (22) vs Eq. (20)",
        "Eq. (22) is the limit dt -> 0 of W(dt)/dt with W(dt) as printed in Eq. (20)",
        bool(abs(rows[-1][1] - w_der) < 1e-2),
        f"at tau = {taus[-1]:g}: W20/tau = {_num(rows[-1][1], 8)} while Eq. (22) = "
        f"engine Wdot = {_num(w_der, 8)}: the limit of Eq. (20) is minus Eq. (22). Eq. (20) "
        "computes Tr[(U^dag H_SA U - H_SA) rho], the gain of interaction energy; Eq. (9) gives "
        "the switching work <H_SA>(0) - <H_SA>(dt) = -Eq. (20). Eq. (22) has the sign of Eq. (9) "
        "(and of the engine); the sign slip is in Eq. (20) (paper error).",
    )]


def _fig2_couplings(alpha: float, reading: str, gamma: float = math.atan(0.5)):
    """(J_x, J_y, J_zy) at angle alpha: 'fixed' J_x = 2 J_y = 1 (Fig. 2 caption), or Eq. (31)."""
    if reading == "fixed":
        return 1.0, 0.5, math.tan(alpha) * math.sqrt(1.25)
    return math.cos(alpha) * math.cos(gamma), math.cos(alpha) * math.sin(gamma), math.sin(alpha)


def _statements_iv() -> list[papers.Statement]:
    ssc, out = MODELS["ssc"], []
    ss = bloch_steady_state(ssc)
    det = sympy.factor(papers.stationary_equations(ssc, (S.x, S.y, S.z))[0].det())
    f = sympy.lambdify((J_x, J_y, J_zy, omega_s, omega_a, beta), [ss[SX], ss[SY], ss[SZ]])

    def coherence(alpha: float, reading: str, w: float = 1.0, b: float = 1.0) -> float:
        """C = sqrt(<sx>*^2 + <sy>*^2) from the exact stationary Bloch vector."""
        x, y, _ = f(*_fig2_couplings(alpha, reading), w, w, b)
        return math.hypot(x, y)

    # (1) SSC need both terms
    alphas = [0.0, math.pi / 8, math.pi / 4, 3 * math.pi / 8]
    c_fixed = {a: l1_coherence(_ssc(*_fig2_couplings(a, "fixed")).rho) for a in alphas}
    out.append(papers.Statement("Sec. IV A: SSC need both terms",
        "Eq. (29) yields steady-state coherence only when both the perpendicular "
        "(J_x, J_y) and the parallel (J_zy) terms are present; either alone gives none",
        bool(c_fixed[0.0] < 1e-12 and all(c_fixed[a] > 1e-3 for a in alphas[1:])),
        f"exact: <sx>* = {sympy.sstr(ss[SX])}, <sy>* = {sympy.sstr(ss[SY])}; both "
        "carry the factor J_x J_zy, so C = 0 if J_zy = 0 (perpendicular only) and if J_x = 0. "
        "Refinement: J_x = 0 with J_y, J_zy != 0 (both terms present) has no SSC either "
        f"(matrices, J_y = J_zy = 0.5: C = {_num(l1_coherence(_ssc(0.0, 0.5, 0.5).rho))}); "
        "parallel term alone is pure dephasing (diagonal steady states). l1 coherence at "
        "J_x = 2 J_y = 1, omega = 1, beta = 1, alpha = 0, pi/8, pi/4, 3pi/8: "
        + ", ".join(_num(c_fixed[a], 4) for a in alphas) + "."))
    # (2) maximal SSC near alpha = pi/4 and at zero temperature
    grid = np.linspace(0.0, 0.49 * math.pi, 981)
    best = {}
    for reading in ("fixed", "eq31"):
        cs = [coherence(a, reading) for a in grid]
        best[reading] = (grid[int(np.argmax(cs))], max(cs))
    by_beta = [coherence(math.pi / 4, "fixed", b=b) for b in (1.0, 3.0, 5.0, 7.0, 9.0)]
    a_small = grid[int(np.argmax([coherence(a, "fixed", w=0.01) for a in grid]))]
    near = all(abs(best[r][0] - math.pi / 4) < 0.05 * math.pi for r in best)
    out.append(papers.Statement("Sec. IV A, Fig. 2(a): maximal SSC",
        "The SSC is maximal at alpha = pi/4 and for a zero-temperature environment, and "
        "decreases monotonically with the bath temperature",
        bool(near and all(by_beta[i] < by_beta[i + 1] for i in range(len(by_beta) - 1))),
        "exact: C = sqrt(<sx>^2 + <sy>^2) is proportional to tanh(beta omega_A/2), so "
        "it grows monotonically with beta (maximal at T = 0) and its alpha-profile does not "
        "depend on beta. C at alpha = pi/4 for beta = 1, 3, 5, 7, 9: "
        + ", ".join(_num(c, 4) for c in by_beta)
        + ". Maximum over alpha (omega_S = omega_A = 1): alpha*/pi = "
        f"{best['fixed'][0] / math.pi:.4f} (C = {_num(best['fixed'][1], 4)}) with "
        f"J_x = 2 J_y = 1 fixed (Fig. 2 caption); alpha*/pi = {best['eq31'][0] / math.pi:.4f} "
        f"(C = {_num(best['eq31'][1], 4)}) with the normalised Eq. (31); alpha*/pi = "
        f"{a_small / math.pi:.4f} for omega_S = 0.01. So the maximum is at pi/4 only "
        "approximately (exactly in the limit omega_S << J)."))
    # (3) equal and opposite, non-zero currents for every alpha
    nums = {a: _ssc(*_fig2_couplings(a, "fixed")) for a in alphas}
    out.append(papers.Statement("Sec. IV A, Fig. 2(b)-(c): currents of the coherent NESS",
        "For Eq. (29) the NESS is supported by non-zero, equal and opposite heat and work "
        "currents for every alpha",
        bool(all(abs(v.heat["E"] + v.work) < 1e-10 and abs(v.heat["E"]) > 1e-3
                 for v in nums.values())),
        "J_x = 2 J_y = 1, omega = 1, beta = 1, (Qdot into S, Wdot) at alpha = 0, pi/8, "
        "pi/4, 3pi/8: " + "; ".join(f"({_num(v.heat['E'])}, {_num(v.work)})"
                                   for v in nums.values()) + "."))
    # (4) SSC increases the heat current w.r.t. alpha = 0
    nums31 = {a: _ssc(*_fig2_couplings(a, "eq31")) for a in alphas}
    tau_q = []
    for a in alphas:
        p = {J_x: 1.0, J_y: 0.5, omega_s: 1.0, omega_a: 1.0, beta: 1.0,
             J_zy: _fig2_couplings(a, "fixed")[2]}
        rho_t = papers.collision_fixed_point(ssc, p, 0.05).rho
        tau_q.append(eqs_20_21(ssc, p, rho_t, 0.05)[1] / 0.05)
    out.append(papers.Statement("Sec. IV A: SSC raise the heat current",
        "The steady-state heat current (and entropy production rate) is increased by the "
        "SSC with respect to alpha = 0",
        bool(all(abs(nums[a].heat["E"]) > abs(nums[0.0].heat["E"]) for a in alphas[1:])),
        "abs(Qdot) at alpha = 0, pi/8, pi/4, 3pi/8: J_x = 2 J_y = 1 fixed: "
        + ", ".join(_num(abs(nums[a].heat["E"]), 4) for a in alphas)
        + "; normalised Eq. (31) (gamma = atan(1/2)): "
        + ", ".join(_num(abs(nums31[a].heat["E"]), 4) for a in alphas)
        + "; exact collision map at dt = 0.05 (fixed J_x), Eq. (21) Q/dt at its fixed point: "
        + ", ".join(_num(q, 4) for q in tau_q)
        + ". The current drops at pi/8 and pi/4 and exceeds the alpha = 0 value only at "
        "3pi/8 (entropy production rate beta abs(Qdot) at a steady state: same ordering)."))
    # (5) J_y = 0: currents unaffected by the SSC
    jy0 = [_ssc(1.0, 0.0, math.tan(a)) for a in alphas]
    fig1_dd = _xy(0.0).heat["E"]
    pops_same = all(abs(bloch_vector(v.rho)[2]) < 1e-12 for v in jy0)
    out.append(papers.Statement("Sec. IV A: J_y = 0",
        "For J_y = 0 in Eq. (29) the steady-state heat, work and entropy currents are not "
        "affected by the SSC: they equal those of J_x sigma_x sigma_x alone (Fig. 1, "
        "J_y/J_x = 0)", bool(all(abs(v.heat["E"] - fig1_dd) < 1e-8 for v in jy0)),
        f"J_x = 1, omega = 1, beta = 1: J_x sigma_x sigma_x alone Qdot = "
        f"{_num(fig1_dd)}; with J_zy = tan(alpha), alpha = 0, pi/8, pi/4, 3pi/8: Qdot = "
        + ", ".join(_num(v.heat["E"]) for v in jy0)
        + " (C = " + ", ".join(_num(l1_coherence(v.rho), 4) for v in jy0) + "). "
        + ("The populations are unaffected (<sz>* = 0 for all J_zy, exact <sz>* is proportional"
           " to J_y), " if pops_same else "")
        + "but the parallel term exchanges energy with the ancilla itself (its sigma_y^A does "
        "not commute with H_A): Qdot contains -J_zy^2 omega_A tanh(beta omega_A/2)."))
    # (6) uniqueness / initial-state dependence: relaxation of the direct Liouvillian
    rel = []
    for a in (math.pi / 8, math.pi / 4, 3 * math.pi / 8, 7 * math.pi / 16):
        jx, jy, jzy = _fig2_couplings(a, "eq31", gamma=0.0)
        params = {J_x: jx, J_y: jy, J_zy: jzy, omega_s: 1.0, omega_a: 1.0, beta: 1.0}
        rel.append(papers.relaxation(ssc, params, np.diag([1.0, 0.0]), np.diag([0.0, 1.0]),
                                     50.0))
    dists = [r.trace_distance for r in rel]
    spectrum = (
        "Eq. (31) with gamma = 0 at alpha = pi/8, pi/4, 3pi/8, 7pi/16: dim ker L = "
        + ", ".join(str(r.dimension) for r in rel)
        + ", slowest relaxation rate " + ", ".join(_num(r.slowest_rate, 4) for r in rel)
        + " (for alpha >= pi/4 the population rate 2 cos^2 alpha), trace distance at t = 50 "
        "between the evolutions from the ground and the excited state: "
        + ", ".join(_num(x, 3) for x in dists)
    )
    out.append(papers.Statement("Sec. IV A: initial-state dependence",
        "With the parallel term of Eq. (29) the steady state is no longer strictly unique "
        "(it depends on the initial state)", bool(not all(r.dimension == 1 for r in rel)),
        f"exact: det of the Bloch matrix = {sympy.sstr(det)}, non-zero unless "
        "J_x = J_y = 0 (pure dephasing): the stationary state of the master equation is unique "
        f"for every alpha < pi/2. {spectrum}. The dependence seen at finite times is slow "
        "relaxation, not a non-unique steady state."))
    out.append(papers.Statement(
        "Sec. IV A: initial-state dependence is small for J_zy < sqrt(J_x^2 + J_y^2)",
        "The initial-state dependence is small when the perpendicular term dominates "
        "(alpha < pi/4)", bool(dists[0] < 1e-6 and dists[1] < 1e-6 and dists[-1] > 1e-3),
        f"{spectrum} (the paper's final time t = n dt = 50): negligible up to "
        "alpha = pi/4, visible only as alpha -> pi/2 where the perpendicular weight cos alpha "
        "of Eq. (31) vanishes. With J_x = 2 J_y = 1 fixed (Fig. 2 reading) the population rate "
        "stays 2 (J_x^2 + J_y^2) = 2.5 for every alpha."))
    return out


# quantities -------------------------------------------------------------------------------


def quantities() -> list[Quantity]:
    """Named derived expressions for the LaTeX and the kernels (the heat current is the
    engine's, into the system: minus the paper's Eq. (23))."""
    items = []
    for variant, model in MODELS.items():
        tag = rf"^{{(\mathrm{{{variant}}})}}"
        items += [Quantity(f"heat_current_{variant}", heat_current(model, "E"), r"\dot{Q}" + tag,
                           f"heat current into S ({variant} coupling; minus the paper's Eq. (23))"),
                  Quantity(f"work_current_{variant}", work_current(model), r"\dot{W}" + tag,
                           f"work current ({variant} coupling; the paper's Eq. (22))")]
    for variant in ("xy", "ssc"):
        model, tag = MODELS[variant], rf"^{{*(\mathrm{{{variant}}})}}"
        ss = bloch_steady_state(model)
        for e, axis in zip(BLOCH, SYSTEM_AXES, strict=True):
            items.append(Quantity(f"sigma_{axis}_steady_{variant}", ss[e],
                                  rf"\langle\hat\sigma_{axis}\rangle" + tag,
                                  f"stationary <sigma_{axis}> ({variant} coupling)"))
        q, w = steady_currents(model, ss)
        items += [Quantity(f"heat_steady_{variant}", q, r"\dot{Q}" + tag,
                           f"steady-state heat current into S ({variant} coupling)"),
                  Quantity(f"work_steady_{variant}", w, r"\dot{W}" + tag,
                           f"steady-state work current ({variant} coupling)")]
    return items


NOTES = [
    "Coupling rescaling: H_SA = V/sqrt(tau) with the paper's g0 absorbed into J_lm; Eqs. (22)-"
    "(23) are read with H_SA = g0 V (the finite part), as their dt -> 0 limit requires.",
    "Eq. (24) is taken with ancilla factors sigma_x, sigma_y only: an ancilla sigma_z has "
    "thermal mean -tanh(beta omega_A/2), which violates the paper's own zero-odd-moment "
    "assumption (Sec. II A, Tr_A[H_SA rho_A] = 0) and makes the V/sqrt(tau) limit diverge "
    "(the engine refuses it). All J_lm with l in {x, y, z}, m in {x, y} are kept.",
    "Heat sign: the engine's heat current is positive into the system; the paper's Eqs. (21), "
    "(23) count the energy gained by the ancilla (Qdot_paper = -Qdot_engine). Work has the same "
    "sign in both (energy delivered by switching the coupling).",
    "Figure parameters: omega_S = omega_A = 1 (the paper's time unit 1/omega_S), beta = 1; "
    "Fig. 1 J_x = 1 with J_y/J_x in {-1/2, 0, 1/2, 1} (J_x not stated; J_x = 1 assumed); "
    "Fig. 2 J_x = 2 J_y = 1 (caption) with J_zy = tan(alpha) sqrt(J_x^2 + J_y^2); the "
    "normalised Eq. (31) is used where stated. The text writes J_yz in alpha and J_zy in "
    "Eq. (29); both are read as the sigma_z^S sigma_y^A coupling.",
    "Steady states: exact stationary Bloch vector from the engine's Heisenberg equations "
    "(bloch_steady_state), cross-checked with the engine's direct Liouvillian from matrices "
    "(papers.steady_summary, column stacking), with the Liouvillian of its Lindblad form "
    "(tests) and with the exact finite-tau collision map (papers.collision_fixed_point).",
    "Eq. (6) is checked through d<sigma_z>/dt (the Heisenberg form of the printed generator).",
]


def statements() -> list[papers.Statement]:
    return _statements_iii() + _finite_tau_statements() + _statements_iv()
