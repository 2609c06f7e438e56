"""Common reservoirs: two coupled qubits S1, S2 in M common qubit reservoirs (collision model).

Paper: ``common-reservoirs.txt``.  H_Si = (omega_Si/2) sigma^z_Si, H_S1S2 = Jx_s sigma^x sigma^x
+ Jy_s sigma^y sigma^y (Eq. (17)); thermal reservoir qubits H_Rk = (omega_Rk/2) sigma^z_Rk with
<sigma^z_Rk> = -xi_Rk = -tanh(omega_Rk/(2 T_k)) (Eq. (16)); V_ik = Jx_ik sigma^x_Si sigma^x_Rk +
Jy_ik sigma^y_Si sigma^y_Rk (Eq. (18)), or collective S_R = sum_k sigma_Rk (Eq. (28)).  Variants
``single`` (Figs. 1-6), ``cluster_M3`` (M = 3 reservoir qubits in one collision, Fig. 7),
``two_reservoirs`` (Eqs. (18)-(24) with k) and ``independent`` (one ancilla per qubit).
Conventions: hbar = k_B = 1, |0> ground, sigma_z = |1><1| - |0><0|, heat positive INTO S.
"""

# Physics symbol names (omega_S1, xi_R, ...) follow the paper's notation.
# ruff: noqa: N816

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping

import numpy as np
import sympy

from derivations.general_n import common_reservoirs as general_n
from derivations.references import REFERENCES
from symthermo import papers
from symthermo.algebra import (
    Expectation,
    Operator,
    collective,
    expectation,
    operator_sum,
    qubit,
    sigma_x,
    sigma_y,
)
from symthermo.emit import Quantity
from symthermo.model import CollisionModel, bath, collision_model
from symthermo.numeric.measures import l1_coherence
from symthermo.papers import gksl_term
from symthermo.states import ThermalQubit

NAME = "common_reservoirs"
TITLE = "Quantum thermodynamics in common reservoirs (two coupled qubits, M common reservoirs)"
REFERENCE = REFERENCES["common_reservoirs"]  # cited in the report, the LaTeX and references.bib
SOURCES = ("common-reservoirs.txt",)

# symbols ------------------------------------------------------------------------------------

SYSTEM = S1, S2 = qubit("S1"), qubit("S2")

omega_S1, omega_S2, omega_R, T_R = sympy.symbols("omega_S1 omega_S2 omega_R T_R", positive=True)
OMEGA_S = {1: omega_S1, 2: omega_S2}
Jx_s, Jy_s = sympy.symbols("Jx_s Jy_s", real=True)
# single reservoir / cluster: J^{x(y)}_i (the paper omits k when one reservoir is involved)
JX, JY = ({i: sympy.Symbol(f"J{a}_{i}", real=True) for i in (1, 2)} for a in "xy")
# distinct reservoirs k = 1, 2: J^{x(y)}_{ik}, omega_{R_k}, T_k
JXK, JYK = ({(i, k): sympy.Symbol(f"J{a}_{i}{k}", real=True) for i in (1, 2) for k in (1, 2)}
            for a in "xy")
OMEGA_RK = {k: sympy.Symbol(f"omega_R{k}", positive=True) for k in (1, 2)}
T_K = {k: sympy.Symbol(f"T_{k}", positive=True) for k in (1, 2)}
# symbols that appear only in the transcriptions
M = sympy.Symbol("M", positive=True, integer=True)
xi_R = sympy.Symbol("xi_R", real=True)
beta_R = sympy.Symbol("beta_R", positive=True)


def xi(omega: sympy.Expr, temperature: sympy.Expr) -> sympy.Expr:
    """xi = tanh(beta omega / 2) of Eq. (16), beta = 1/T."""
    return sympy.tanh(omega / (2 * temperature))


_e = expectation  # <op> as Expectation symbols (<sigma^x_S2 sigma^x_S1> is one symbol)


def sz_expectation(site_name: str) -> Expectation:
    """The paper's <sigma^z_Rk>_{rho_Rk}, kept as a structured expectation symbol."""
    return Expectation(((site_name, 3),))


# models -------------------------------------------------------------------------------------


def _system_parts() -> tuple[Operator, Operator]:
    h_local = omega_S1 / 2 * S1.z + omega_S2 / 2 * S2.z
    h_int = Jx_s * S1.x * S2.x + Jy_s * S1.y * S2.y  # Eq. (17)
    return h_local, h_int


def _reservoir(name: str, ancillas: list, omega: sympy.Symbol, temperature: sympy.Symbol,
               jx: Mapping, jy: Mapping, s_x: Operator, s_y: Operator):
    """A common reservoir met by S1 and S2: V_i = Jx_i sigma^x_Si S^x + Jy_i sigma^y_Si S^y."""
    couplings = {f"S{i}": jx[i] * s.x * s_x + jy[i] * s.y * s_y for i, s in ((1, S1), (2, S2))}
    return bath(name, [ThermalQubit(r, omega=omega, beta=1 / temperature) for r in ancillas],
                operator_sum(omega / 2 * r.z for r in ancillas), couplings, beta=1 / temperature)


def cluster_model(m: int, name: str) -> CollisionModel:
    """S1, S2 and one common reservoir whose collision unit is a cluster of m qubits (Eq. (28));
    m = 1 uses the ancilla name R (the paper's single reservoir), m > 1 uses R1..Rm."""
    anc = [qubit("R")] if m == 1 else [qubit(f"R{k}") for k in range(1, m + 1)]
    b = _reservoir("R", anc, omega_R, T_R, JX, JY, collective(sigma_x, anc),
                   collective(sigma_y, anc))
    h_local, h_int = _system_parts()
    return collision_model(SYSTEM, h_local, b, h_int, name=name)


def two_reservoir_model() -> CollisionModel:
    """S1, S2 in M = 2 distinct common reservoirs R1, R2 (Eq. (18) with k = 1, 2)."""
    rs = {k: qubit(f"R{k}") for k in (1, 2)}
    baths = [_reservoir(f"R{k}", [r], OMEGA_RK[k], T_K[k], {i: JXK[i, k] for i in (1, 2)},
                        {i: JYK[i, k] for i in (1, 2)}, r.x, r.y) for k, r in rs.items()]
    h_local, h_int = _system_parts()
    return collision_model(SYSTEM, h_local, baths, h_int, name="two_reservoirs")


def build_models() -> dict[str, CollisionModel]:
    single = cluster_model(1, "single")
    return {"single": single, "cluster_M3": cluster_model(3, "cluster_M3"),
            "two_reservoirs": two_reservoir_model(),
            "independent": single.with_scheme("independent").replace(name="independent")}


def _fig_single() -> dict[sympy.Symbol, float]:
    """Fig. 1: omega_S1 = omega_S2 = omega_R = 3, J1 = 0.4, J2 = 1.2, T_R = 1 (Jx_i = Jy_i = J_i).
    The caption gives Jx_s/Jy_s only; we take Jy_s = 0.5 (the value of Figs. 6-7) and
    Jx_s/Jy_s = 2, a point of Fig. 1 with non-zero currents."""
    return {omega_S1: 3.0, omega_S2: 3.0, omega_R: 3.0, T_R: 1.0, JX[1]: 0.4, JY[1]: 0.4,
            JX[2]: 1.2, JY[2]: 1.2, Jx_s: 1.0, Jy_s: 0.5}


MODELS = build_models()
KERNEL_SITES = SYSTEM


def build_parameters() -> dict[str, dict[sympy.Symbol, float]]:
    fig7 = {omega_S1: 3.0, omega_S2: 3.0, omega_R: 3.0, T_R: 2.0, Jx_s: 0.5, Jy_s: 0.5,
            JY[1]: 0.4, JY[2]: 1.2, JX[1]: 0.6, JX[2]: 1.2}
    two = {omega_S1: 3.0, omega_S2: 3.0, Jx_s: 1.0, Jy_s: 0.5, OMEGA_RK[1]: 3.0,
           OMEGA_RK[2]: 3.0, T_K[1]: 1.0, T_K[2]: 2.0}
    two.update({j[i, k]: (0.4, 1.2)[i - 1] for j in (JXK, JYK) for i in (1, 2) for k in (1, 2)})
    return {"single": _fig_single(), "cluster_M3": fig7, "two_reservoirs": two,
            "independent": _fig_single()}


# transcriptions of the printed equations ----------------------------------------------------

PAIRS = ((1, 2), (2, 1))  # sum_{i,j = 1}^{2}, i != j
SITES = {1: S1, 2: S2}


def printed_dissipator(k: int, rho: Operator) -> Operator:
    """Eq. (20): D_k(rho_S), with <sigma^z_Rk>_{rho_Rk} kept as an expectation symbol."""
    z_r, out = sz_expectation(f"R{k}"), []
    for (i, si), (j, sj) in itertools.product(SITES.items(), repeat=2):
        jxi, jyi, jxj, jyj = JXK[i, k], JYK[i, k], JXK[j, k], JYK[j, k]
        out += [jxi * jxj * gksl_term(si.x, sj.x, rho), jyi * jyj * gksl_term(si.y, sj.y, rho),
                sympy.I * z_r * (jyi * jxj * gksl_term(si.y, sj.x, rho)
                                 - jxi * jyj * gksl_term(si.x, sj.y, rho))]
    return operator_sum(out)


def printed_heat_local_k(k: int) -> sympy.Expr:
    """Eq. (21)."""
    z_r, w_r = sz_expectation(f"R{k}"), OMEGA_RK[k]
    return sympy.Add(*[
        w_r * (-2 * JXK[i, k] * JYK[i, k] * _e(SITES[i].z)
               + (JXK[i, k] ** 2 + JYK[i, k] ** 2) * z_r)
        for i in (1, 2)])


def printed_heat_nonlocal_k(k: int) -> sympy.Expr:
    """Eq. (22)."""
    z_r, w_r = sz_expectation(f"R{k}"), OMEGA_RK[k]
    return w_r * z_r * sympy.Add(*[
        JXK[i, k] * JXK[j, k] * _e(SITES[i].x * SITES[j].x)
        + JYK[i, k] * JYK[j, k] * _e(SITES[i].y * SITES[j].y)
        for i, j in PAIRS])


def printed_work_local() -> sympy.Expr:
    """Eq. (23); the dangling index k of the second sum is read as inside sum_k (see notes)."""
    terms = []
    for k in (1, 2):
        z_r, w_r = sz_expectation(f"R{k}"), OMEGA_RK[k]
        for i in (1, 2):
            jx, jy, zs, ws = JXK[i, k], JYK[i, k], _e(SITES[i].z), OMEGA_S[i]
            terms.append(-(jx**2 + jy**2) * (w_r * z_r + ws * zs)
                         + 2 * jx * jy * (w_r * zs + ws * z_r))
        for i, j in PAIRS:
            terms.append(-(
                Jx_s * (JYK[i, k] ** 2 + JYK[j, k] ** 2) * _e(SITES[i].x * SITES[j].x)
                + Jy_s * (JXK[i, k] ** 2 + JXK[j, k] ** 2) * _e(SITES[i].y * SITES[j].y)
            ))
    return sympy.Add(*terms)


def printed_work_nonlocal() -> sympy.Expr:
    """Eq. (24)."""
    terms = []
    for k in (1, 2):
        z_r, w_r = sz_expectation(f"R{k}"), OMEGA_RK[k]
        for i, j in PAIRS:
            si, sj, ws = SITES[i], SITES[j], OMEGA_S[i]
            jxi, jyi, jxj, jyj = JXK[i, k], JYK[i, k], JXK[j, k], JYK[j, k]
            terms.append(
                z_r * _e(si.x * sj.x) * (ws * jyi * jxj - w_r * jxi * jxj)
                + z_r * _e(si.y * sj.y) * (ws * jxi * jyj - w_r * jyi * jyj)
                + 2 * _e(si.z * sj.z) * (Jx_s * jyi * jyj + Jy_s * jxi * jxj)
                - 2 * z_r * _e(si.z) * (Jx_s * jyi * jxj + Jy_s * jxi * jyj)
            )
    return sympy.Add(*terms)


def printed_collective_sz() -> sympy.Expr:
    """Eq. (29): <S^z_R>_{rho_R} = -M xi_R."""
    return -M * xi_R


def printed_xi_definition() -> sympy.Expr:
    """Eq. (29) with its own definition xi_R = tanh(beta_R omega_R) inserted, beta_R = 1/T_R."""
    return (-M * sympy.tanh(beta_R * omega_R)).subs(beta_R, 1 / T_R)


def printed_heat_local_m() -> sympy.Expr:
    """Eq. (30)."""
    return sympy.Add(*[
        omega_R * (-2 * JX[i] * JY[i] * _e(SITES[i].z) - M * (JX[i] ** 2 + JY[i] ** 2) * xi_R)
        for i in (1, 2)])


def printed_heat_nonlocal_m() -> sympy.Expr:
    """Eq. (31)."""
    return -M * omega_R * xi_R * sympy.Add(*[
        JX[i] * JX[j] * _e(SITES[i].x * SITES[j].x) + JY[i] * JY[j] * _e(SITES[i].y * SITES[j].y)
        for i, j in PAIRS])


def printed_work_local_m() -> sympy.Expr:
    """Eq. (32)."""
    first = sympy.Add(*[
        -(JX[i] ** 2 + JY[i] ** 2) * (-M * omega_R * xi_R + OMEGA_S[i] * _e(SITES[i].z))
        + 2 * JX[i] * JY[i] * (omega_R * _e(SITES[i].z) - M * OMEGA_S[i] * xi_R)
        for i in (1, 2)])
    second = sympy.Add(*[
        Jx_s * (JY[i] ** 2 + JY[j] ** 2) * _e(SITES[i].x * SITES[j].x)
        + Jy_s * (JX[i] ** 2 + JX[j] ** 2) * _e(SITES[i].y * SITES[j].y)
        for i, j in PAIRS])
    return first - second


def printed_work_nonlocal_m() -> sympy.Expr:
    """Eq. (33)."""
    terms = []
    for i, j in PAIRS:
        si, sj, ws = SITES[i], SITES[j], OMEGA_S[i]
        terms.append(
            -M * xi_R * (
                _e(si.x * sj.x) * (ws * JY[i] * JX[j] - omega_R * JX[i] * JX[j])
                + _e(si.y * sj.y) * (ws * JX[i] * JY[j] - omega_R * JY[i] * JY[j])
                - 2 * _e(si.z) * (Jx_s * JY[i] * JX[j] + Jy_s * JX[i] * JY[j])
            )
            + 2 * _e(si.z * sj.z) * (Jx_s * JY[i] * JY[j] + Jy_s * JX[i] * JX[j])
        )
    return sympy.Add(*terms)


# checks -------------------------------------------------------------------------------------

#: Random points of the matrix routes: frequencies in [1, 4], temperatures in [0.5, 3],
#: couplings in [-1.5, 1.5] (parameters drawn in the order of their names).
SAMPLING = papers.Sampling(ranges={"omega*": (1.0, 4.0), "T_*": (0.5, 3.0)}, default=(-1.5, 1.5))
#: <S^z_R> of the cluster: omega_R in [1, 4], then T_R in [0.5, 3].
SZ_SAMPLING = papers.Sampling(draw=lambda rng, _: {omega_R: float(rng.uniform(1.0, 4.0)),
                                                   T_R: float(rng.uniform(0.5, 3.0))})
SZ_MAPPING = papers.substitution({sz_expectation(f"R{k}"): -xi(OMEGA_RK[k], T_K[k])
                                  for k in (1, 2)})
SZ_NOTE = ("Eq. (16): the reservoir ancillas are thermal, <sigma^z_Rk>_{rho_Rk} = -xi_Rk with "
           "xi_Rk = tanh(beta_k omega_Rk/2), beta_k = 1/T_k")


def _m_mapping(m: int) -> Callable[[sympy.Expr], sympy.Expr]:
    return papers.substitution({M: m, xi_R: xi(omega_R, T_R)})


def checks(models: dict[str, CollisionModel] | None = None) -> list[papers.Check]:
    """The printed equations (compared by the framework, :func:`symthermo.papers.decide`)."""
    models = models or MODELS
    checks: list[papers.Check] = []
    two = models["two_reservoirs"]
    # Eq. (20): Tr[X D(rho)] for a general X and rho_S against the engine's Tr[D^dag(X) rho].
    diss = papers.Dissipator(two, SAMPLING)
    checks.append(papers.Check("Eq. (20)",
        "dissipator sum_k D_k(rho_S), as Tr[X sum_k D_k(rho_S)] for general X and rho_S "
        "(M = 2 distinct reservoirs)",
        diss.pairing(lambda rho: operator_sum(printed_dissipator(k, rho) for k in (1, 2))),
        mapping=SZ_MAPPING, mapping_note=SZ_NOTE, of=diss,
        note=("rho_S = (1/4) sum_ab rho_ab sigma_a^S1 sigma_b^S2 and X = sum_ab X_ab sigma_a^S1 "
              "sigma_b^S2 are general; the derived side is Tr[D^dag(X) rho_S] with the engine's "
              "adjoint dissipator (Lindblad form, rates Tr(rho_R B_b B_a)); the matrix route "
              "applies -1/2 Tr_R[V_k, [V_k, rho_S (x) rho_Rk]] to a random rho_S.")))
    # Eqs. (21)-(22), per reservoir k of the two-reservoir model; Eqs. (23)-(24) summed over k.
    for k in (1, 2):
        for label, part, fn, what in (("21", "local", printed_heat_local_k, "local heat current"),
                                      ("22", "nonlocal", printed_heat_nonlocal_k,
                                       "non-local heat current")):
            checks.append(papers.Check(
                f"Eq. ({label}), k = {k}", f"{what} of reservoir R_{k} (M = 2 distinct reservoirs)",
                fn(k), mapping=SZ_MAPPING, mapping_note=SZ_NOTE,
                of=papers.HeatCurrent(two, f"R{k}", part, SAMPLING)))
    eq23_note = ("The second sum of Eq. (23) carries the index k but is printed after the bracket "
                 "of sum_k; we read it as inside sum_k (the only reading in which k is bound).")
    for label, part, fn, what, note in (
        ("23", "local", printed_work_local, "local work current", eq23_note),
        ("24", "nonlocal", printed_work_nonlocal, "non-local work current", ""),
    ):
        checks.append(papers.Check(
            f"Eq. ({label})", f"{what}, summed over the M = 2 distinct reservoirs", fn(),
            mapping=SZ_MAPPING, mapping_note=SZ_NOTE, note=note,
            of=papers.WorkCurrent(two, None, part, SAMPLING)))
    # Eq. (29): collective <S^z_R> of the M = 3 cluster.
    cluster = models["cluster_M3"]
    s_z_op = collective(lambda s: s.z, cluster.bath("R").ancilla_sites)
    s_z = papers.AncillaExpectation(cluster, "R", s_z_op, SZ_SAMPLING)
    checks.append(papers.Check(
        "Eq. (29)", "<S^z_R> of the cluster of M = 3 reservoir qubits, in terms of xi_R",
        printed_collective_sz(), mapping=_m_mapping(3),
        mapping_note="M = 3; xi_R = tanh(beta_R omega_R/2) as defined in Eq. (16)", of=s_z))
    checks.append(papers.Check("Eq. (29), definition of xi_R",
        "<S^z_R> = -M xi_R with the definition xi_R = tanh(beta_R omega_R) printed under Eq. (29)",
        printed_xi_definition(), mapping=_m_mapping(3), mapping_note="M = 3",
        difference_kind="paper error",
        note=("Eq. (29) restates xi_R = tanh(beta_R omega_R), without the 1/2 of Eq. (16) "
              "(xi_Rk = tanh(beta_k omega_Rk/2)); the thermal ancilla of Eq. (16) gives "
              "<sigma^z> = -tanh(beta omega/2). A slip in the restated definition: Eqs. (30)-(33) "
              "hold (for M = 1) only with the xi_R of Eq. (16)."),
        of=s_z))
    # Eqs. (30)-(33): cluster of M reservoir qubits; M = 1 (single) and M = 3 (cluster_M3).
    m_note = ("The paper obtains Eqs. (30)-(33) by replacing <sigma^z_R> in Eqs. (21)-(24) by "
              "<S^z_R> = -M xi_R. That misses the terms without <sigma^z_R>: they come from "
              "<S^x_R S^x_R> = <S^y_R S^y_R> = M (and <S^x_R S^y_R> = i<S^z_R>), so every term "
              "of every current is multiplied by M (the cluster acts as one reservoir qubit with "
              "couplings sqrt(M) J). Missing factor M in: {terms}.")
    specs = (
        ("30", "heat", "local", printed_heat_local_m, "local heat current",
         "-2 omega_R Jx_i Jy_i <sigma^z_Si>"),
        ("31", "heat", "nonlocal", printed_heat_nonlocal_m, "non-local heat current", ""),
        ("32", "work", "local", printed_work_local_m, "local work current",
         "-(Jx_i^2 + Jy_i^2) omega_Si <sigma^z_Si>, 2 Jx_i Jy_i omega_R <sigma^z_Si> and the "
         "whole second sum (Jx_s, Jy_s terms)"),
        ("33", "work", "nonlocal", printed_work_nonlocal_m, "non-local work current",
         "2 <sigma^z_Si sigma^z_Sj> (Jx_s Jy_i Jy_j + Jy_s Jx_i Jx_j)"))
    for m, variant in ((1, "single"), (3, "cluster_M3")):
        for label, kind, part, fn, what, missing in specs:
            differs = m != 1 and missing
            checks.append(papers.Check(
                f"Eq. ({label}), M = {m}",
                f"{what}, cluster of M = {m} reservoir qubit{'s' if m > 1 else ''} "
                "(one common reservoir)",
                fn(), mapping=_m_mapping(m),
                mapping_note=f"M = {m}; xi_R = tanh(beta_R omega_R/2) as in Eq. (16)",
                difference_kind="paper error" if differs else "",
                note=m_note.format(terms=missing) if differs else "",
                of=(papers.HeatCurrent(models[variant], "R", part, SAMPLING) if kind == "heat"
                    else papers.WorkCurrent(models[variant], None, part, SAMPLING))))
    checks += general_n.general_checks()  # issue 12: symbolic M rows
    return checks


# statements ---------------------------------------------------------------------------------


def gibbs_product(params: Mapping) -> np.ndarray:
    """Eq. (25): e^{-H_S1/T_R}/Z_1 (x) e^{-H_S2/T_R}/Z_2, the Gibbs state of the local H_S."""
    return papers.gibbs_state_of(_system_parts()[0], SYSTEM, params, params[T_R])


DARK_STATE = np.array([0, 1, -1, 0], dtype=complex) / np.sqrt(2)  # (|01> - |10>)/sqrt(2)
RHO_DARK = papers.projector(DARK_STATE)
KET = {"ket 00": papers.basis_state("00"), "ket 01": papers.basis_state("01")}
_fmt = "{:.3g}".format  # parameters in the statements' evidence


def _resonant_point(rng: np.random.Generator, equal_js: bool) -> dict[sympy.Symbol, float]:
    """omega_S1 = omega_S2 = omega_R, Jx_i = Jy_i = J_i, J1 != J2 (Sec. 4.1), random values."""
    w = float(rng.uniform(1.0, 4.0))
    j1, j2 = rng.uniform(0.2, 1.5, size=2)
    while abs(j1 - j2) < 0.2:
        j2 = rng.uniform(0.2, 1.5)
    js = float(rng.uniform(0.1, 1.5))
    jys = js if equal_js else float(js * rng.choice([0.4, 0.7, 1.6, 2.5]))
    return {omega_S1: w, omega_S2: w, omega_R: w, T_R: float(rng.uniform(0.5, 3.0)),
            JX[1]: float(j1), JY[1]: float(j1), JX[2]: float(j2), JY[2]: float(j2),
            Jx_s: js, Jy_s: jys}


def _dark_point(rng: np.random.Generator) -> dict[sympy.Symbol, float]:
    w_s, w_r = rng.uniform(1.0, 4.0, size=2)
    jx, jy = rng.uniform(0.2, 1.5, size=2)
    return {omega_S1: float(w_s), omega_S2: float(w_s), omega_R: float(w_r),
            T_R: float(rng.uniform(0.5, 3.0)), JX[1]: float(jx), JX[2]: float(jx),
            JY[1]: float(jy), JY[2]: float(jy),
            Jx_s: float(rng.uniform(0.1, 1.5)), Jy_s: float(rng.uniform(0.1, 1.5))}


def statement_ess(model: CollisionModel, seed: int = 41) -> papers.Statement:
    """Sec. 4.1 ('if'): Jx_s = Jy_s and J1 != J2 (resonance, Jx_i = Jy_i) -> ESS of Eq. (25)."""
    rng, rows = np.random.default_rng(seed), []
    for p in [{**_fig_single(), Jx_s: 0.5, Jy_s: 0.5}] + [_resonant_point(rng, True)
                                                          for _ in range(3)]:
        ss = papers.steady_summary(model, p)
        dev = float(np.max(np.abs(ss.rho - gibbs_product(p))))
        worst = max(abs(v) for v in ss.currents.values())
        rows.append((ss.dimension == 1 and dev < 1e-9 and worst < 1e-9,
                     f"J1={_fmt(p[JX[1]])}, J2={_fmt(p[JX[2]])}, Jx_s=Jy_s={_fmt(p[Jx_s])}, "
                     f"omega={_fmt(p[omega_R])}, T_R={_fmt(p[T_R])}: dim ker L = {ss.dimension}, "
                     f"max abs(rho_ss - rho_ESS) = {dev:.1e}, max abs(current) = {worst:.1e}"))
    return papers.Statement.from_rows("Sec. 4.1, Eq. (25) (if)",
        "with omega_S1 = omega_S2 = omega_R, Jx_i = Jy_i = J_i, J1 != J2 and Jx_s = Jy_s the "
        "unique steady state is the product Gibbs state rho_ESS at beta_R, and every heat and "
        "work current (local and non-local) vanishes there", rows)


def statement_ness(model: CollisionModel, seed: int = 43) -> papers.Statement:
    """Sec. 4.1 (counterexample): Jx_s != Jy_s -> NESS with non-zero currents, first law."""
    rng, rows = np.random.default_rng(seed), []
    for p in [_fig_single(), {**_fig_single(), Jx_s: 0.25}] + [_resonant_point(rng, False)
                                                               for _ in range(2)]:
        ss = papers.steady_summary(model, p)
        q, w = ss.heat["R"], ss.work
        dev = float(np.max(np.abs(ss.rho - gibbs_product(p))))
        rows.append((ss.dimension == 1 and dev > 1e-6 and abs(q) > 1e-8 and abs(q + w) < 1e-10,
                     f"Jx_s/Jy_s={_fmt(p[Jx_s] / p[Jy_s])} (J1={_fmt(p[JX[1]])}, "
                     f"J2={_fmt(p[JX[2]])}, T_R={_fmt(p[T_R])}): max abs(rho_ss - rho_ESS) = "
                     f"{dev:.2e}, Qdot = {q:.4g}, Wdot = {w:.4g}, Qdot + Wdot = {q + w:.1e}, "
                     f"C_l1 = {l1_coherence(ss.rho):.3g}"))
    return papers.Statement.from_rows("Sec. 4.1 (only if: Jx_s != Jy_s)",
        "with Jx_s != Jy_s (same resonance conditions, J1 != J2) the steady state is a NESS, "
        "not rho_ESS: heat and work currents are non-zero and satisfy Qdot + Wdot = 0", rows)


def statement_no_ess_with_dark_state(model: CollisionModel) -> papers.Statement:
    """Sec. 4.1 (only if: J1 = J2): with a dark state the steady state depends on rho_0."""
    p = {**_fig_single(), Jx_s: 0.5, Jy_s: 0.5, JX[1]: 1.2, JY[1]: 1.2}
    dim = papers.stationarity(model, p, RHO_DARK)[0]
    rows = [(dim > 1, f"J1 = J2 = 1.2, Jx_s = Jy_s = 0.5 (Fig. 1 otherwise): dim ker L = {dim}")]
    for label, rho0 in KET.items():
        dev = float(np.max(np.abs(papers.steady_summary(model, p, rho0).rho - gibbs_product(p))))
        rows.append((dev > 1e-6, f"from {label}: max abs(rho_ss - rho_ESS) = {dev:.3g}"))
    return papers.Statement.from_rows("Sec. 4.1 (only if: J1 = J2)",
        "with J1 = J2 (dark state) and Jx_s = Jy_s the stationary state is not unique and the "
        "state reached from ket 00 or ket 01 is not rho_ESS", rows)


def statement_nonlocal_work_sign(model: CollisionModel) -> papers.Statement:
    """Sec. 4.1 / Fig. 1: the non-local work takes the opposite direction to local and total."""
    rows = []
    for ratio in (0.25, 0.5, 2.0, 4.0):
        cur = papers.steady_summary(model, {**_fig_single(), Jx_s: 0.5 * ratio, Jy_s: 0.5}).currents
        wl, wn = cur["W_local"], cur["W_nonlocal"]
        rows.append((wl * wn < 0 and (wl + wn) * wn < 0,
                     f"Jx_s/Jy_s={ratio:g}: Wdot_loc = {wl:.4g}, Wdot_nonloc = {wn:.4g}, "
                     f"Wdot = {wl + wn:.4g}"))
    return papers.Statement.from_rows("Sec. 4.1, Fig. 1 (sign of non-local work)",
        "at the steady state of Fig. 1 (omega = 3, J1 = 0.4, J2 = 1.2, T_R = 1; Jy_s = 0.5 "
        "assumed) the non-local work has the opposite sign to the local and the total work", rows)


def statement_dark_state(model: CollisionModel, seed: int = 47) -> papers.Statement:
    """Sec. 4.2: |psi_D> = (|01> - |10>)/sqrt(2) is stationary when Jx_1 = Jx_2, Jy_1 = Jy_2,
    omega_S1 = omega_S2; the stationary space is then more than one-dimensional."""
    rng, rows = np.random.default_rng(seed), []
    for p in [{**_fig_single(), JX[1]: 1.2, JY[1]: 1.2}] + [_dark_point(rng) for _ in range(3)]:
        dim, res = papers.stationarity(model, p, RHO_DARK)
        cur = papers.currents_at(model, RHO_DARK, p)
        q, w = cur["Q_R,local"] + cur["Q_R,nonlocal"], cur["W_local"] + cur["W_nonlocal"]
        rows.append((dim > 1 and res < 1e-12 and abs(q) < 1e-12 and abs(w) < 1e-12,
                     f"Jx={_fmt(p[JX[1]])}, Jy={_fmt(p[JY[1]])}, omega_S={_fmt(p[omega_S1])}, "
                     f"omega_R={_fmt(p[omega_R])}, Jx_s={_fmt(p[Jx_s])}, Jy_s={_fmt(p[Jy_s])}: "
                     f"dim ker L = {dim}, max abs(L(psi_D)) = {res:.1e}; at psi_D Qdot = {q:.1e}, "
                     f"Wdot = {w:.1e}, while Qdot_loc = {cur['Q_R,local']:.4g} = "
                     f"-Qdot_nonloc and Wdot_loc = {cur['W_local']:.4g} = -Wdot_nonloc"))
    return papers.Statement.from_rows("Sec. 4.2 (dark state)",
        "for Jx_1 = Jx_2, Jy_1 = Jy_2 and omega_S1 = omega_S2 the state "
        "psi_D = (ket 01 - ket 10)/sqrt(2) is stationary (L(psi_D) = 0), carries no total heat "
        "or work current (its local and non-local parts cancel exactly), and the stationary "
        "space has dimension > 1", rows)


def statement_dark_state_currents(model: CollisionModel) -> papers.Statement:
    """Sec. 4.2 / Fig. 2: currents shrink as the dark-state proportion P_D grows (-> 0 at 1)."""
    p = {**_fig_single(), JX[1]: 1.2, JY[1]: 1.2}
    found = {pd: papers.steady_summary(model, p, pd * RHO_DARK + (1 - pd) * KET["ket 00"])
             for pd in (0.0, 0.3, 0.6, 0.9, 1.0)}  # |00>: no overlap with psi_D
    q0 = found[0.0].heat["R"]
    linear = all(abs(ss.heat["R"] - (1 - pd) * q0) < 1e-9 * max(1.0, abs(q0))
                 for pd, ss in found.items())
    return papers.Statement("Sec. 4.2, Fig. 2 (currents vs P_D)",
        "at Fig. 2's parameters (J1 = J2 = 1.2, omega = 3, T_R = 1; Jx_s/Jy_s = 2 assumed) the "
        "steady-state currents from rho_0 = P_D psi_D psi_D^dag + (1 - P_D) ket00 bra00 shrink as "
        "P_D grows, exactly as (1 - P_D), and vanish for P_D = 1",
        bool(abs(q0) > 1e-6 and linear and abs(found[1.0].heat["R"]) < 1e-10
             and abs(found[1.0].work) < 1e-10),
        "; ".join(f"P_D={pd:g}: Qdot = {ss.heat['R']:.4g}, Wdot = {ss.work:.4g}"
                  for pd, ss in found.items()))


def statement_common_needed(model: CollisionModel) -> papers.Statement:
    """Abstract/Sec. 4.2: the dark state is a common-reservoir effect (independent: unique NESS)."""
    dim, res = papers.stationarity(model, {**_fig_single(), JX[1]: 1.2, JY[1]: 1.2}, RHO_DARK)
    return papers.Statement("Sec. 4.2 (dark state needs the common reservoir)",
        "with the same parameters but each qubit meeting its own ancilla (independent "
        "reservoirs) psi_D is not stationary and the steady state is unique",
        bool(dim == 1 and res > 1e-6),
        f"independent scheme at Fig. 2 parameters: dim ker L = {dim}, "
        f"max abs(L(psi_D)) = {res:.3g}")


def statement_cluster_scaling(models: dict[str, CollisionModel]) -> papers.Statement:
    """Sec. 5.3: the M-cluster is the single reservoir with every dissipative term times M."""
    diss_ok, cur_ok = papers.scaled_generator(models["single"], models["cluster_M3"], 3, "R")
    return papers.Statement("Sec. 5.3 (scaling with M)",
        "for the cluster of M = 3 reservoir qubits (Eq. (28)) the dissipator and all local and "
        "non-local currents are exactly M times those of M = 1 (the paper's 'equivalent to an "
        "increase of the coupling strengths', J -> sqrt(M) J); the paper's recipe of replacing "
        "only <sigma^z_R> by -M xi_R is therefore incomplete (Eqs. (30), (32), (33))",
        bool(diss_ok and cur_ok),
        f"symbolic: D_3^dag(X) - 3 D_1^dag(X) = 0 for general X: {diss_ok}; every current of "
        f"cluster_M3 minus 3 x that of single expands to 0: {cur_ok}")


def statement_cluster_trend() -> papers.Statement:
    """Sec. 5.3 / Fig. 7: more reservoir qubits -> larger currents and coherence."""
    p = build_parameters()["cluster_M3"]
    found = [papers.steady_summary(cluster_model(m, f"cluster_M{m}"), p) for m in (1, 2, 3)]
    works = [abs(ss.work) for ss in found]
    coherences = [l1_coherence(ss.rho) for ss in found]
    return papers.Statement("Sec. 5.3, Fig. 7 (trend with M)",
        "at Fig. 7's parameters (T_R = 2, Jx_s = Jy_s = 0.5, omega = 3, Jy_1 = 0.4, Jy_2 = 1.2; "
        "Jx_1 = 0.6, Jx_2 = 1.2 assumed) the work cost and the l1 coherence of the steady state "
        "grow with M = 1, 2, 3",
        bool(works[0] < works[1] < works[2] and coherences[0] < coherences[1] < coherences[2]),
        "; ".join(f"M={m}: Wdot = {ss.work:.4g}, C_l1 = {c:.4g}"
                  for m, ss, c in zip((1, 2, 3), found, coherences, strict=True)))


def statements(models: dict[str, CollisionModel] | None = None) -> list[papers.Statement]:
    models = models or MODELS
    single = models["single"]  # Sec. 4 (one common reservoir qubit), then Sec. 5.3 (clusters)
    return [statement_ess(single), statement_ness(single),
            statement_no_ess_with_dark_state(single), statement_nonlocal_work_sign(single),
            statement_dark_state(single), statement_dark_state_currents(single),
            statement_common_needed(models["independent"]), statement_cluster_scaling(models),
            statement_cluster_trend()]


# quantities, notes, build -------------------------------------------------------------------

def quantities(models: dict[str, CollisionModel] | None = None) -> list[Quantity]:
    """The derived currents for LaTeX and kernels (M = 1 and M = 3)."""
    models = models or MODELS
    return (list(general_n.general_quantities())  # issue 12: symbolic M forms first
            + papers.current_quantities(models["single"], "R", "", "",
                                        "one common reservoir qubit (M = 1)")
            + papers.current_quantities(models["cluster_M3"], "R", "_M3", r"_{M=3}",
                                        "cluster of M = 3 reservoir qubits"))


NOTES = [
    "Ancilla states: thermal qubits with <sigma^z_Rk> = -xi_Rk, xi_Rk = tanh(omega_Rk/(2 T_k)) "
    "(Eq. (16)); the models are parametrised by temperatures (T_R, T_1, T_2) as in the figure "
    "captions, and the printed <sigma^z_Rk> and xi_R are mapped onto them.",
    "Eq. (20) is compared through Tr[X D(rho_S)] for a general two-qubit observable X and a "
    "general state rho_S (16 + 15 real symbols): the printed Schroedinger-picture D_k(rho_S) "
    "against the engine's adjoint dissipator, Tr[D^dag(X) rho_S]. This compares the whole "
    "superoperator (rates and operator structure, including the i<sigma^z_R> terms).",
    "Eqs. (20)-(24) are checked on the general setting of Sec. 4 with the index k kept: M = 2 "
    "distinct common reservoirs R1, R2 with their own omega_Rk, T_k and couplings J^{x(y)}_{ik} "
    "(variant two_reservoirs). Eqs. (30)-(33) are checked for M = 1 (variant single, where "
    "they reduce to Eqs. (21)-(24) with k omitted) and M = 3 (variant cluster_M3).",
    "Eq. (23): the second sum carries the index k but is printed after the bracket closing "
    "sum_k sum_i; it is read as inside sum_k (the only reading in which k is bound).",
    "Parameters. single (and independent): Fig. 1, omega_S1 = omega_S2 = omega_R = 3, "
    "J1 = 0.4, J2 = 1.2 (Jx_i = Jy_i = J_i), T_R = 1; the caption fixes only Jx_s/Jy_s, we use "
    "Jy_s = 0.5 (the value of Figs. 6-7) and Jx_s = 1 (ratio 2). cluster_M3: Fig. 7, "
    "T_R = 2, Jx_s = Jy_s = 0.5, omega = 3, Jy_1 = 0.4, Jy_2 = 1.2; Fig. 7 varies Jx_1/Jx_2, we "
    "use Jx_1 = 0.6, Jx_2 = 1.2. two_reservoirs has no figure in the paper: illustrative values "
    "(omega_Rk = 3, T_1 = 1, T_2 = 2, J^{x,y}_{1k} = 0.4, J^{x,y}_{2k} = 1.2, Jx_s = 1, "
    "Jy_s = 0.5).",
    "The cluster of Eq. (28) meets both qubits in one collision with a common coupling J_i per "
    "qubit (all M cluster qubits coupled with the same strength). The cluster qubits are "
    "independent thermal qubits, so <S^x_R S^x_R> = <S^y_R S^y_R> = M and <S^x_R S^y_R> = "
    "i<S^z_R> = -i M xi_R: the M-cluster dissipator and currents are exactly M times the "
    "single-qubit ones (checked symbolically, statement 'Sec. 5.3 (scaling with M)').",
    "Statements are decided with the engine's direct Liouvillian from the coupling matrices "
    "(papers.steady_summary: -1/2 Tr_R[V,[V, rho (x) rho_R]], column stacking), independent "
    "of the engine's Lindblad "
    "form; steady states from a given initial state use the projector onto ker L along the "
    "conserved quantities (ker L^dag), with symthermo.numeric.steady. Fig. 2's initial state "
    "besides psi_D is not specified; we use |00>.",
]
