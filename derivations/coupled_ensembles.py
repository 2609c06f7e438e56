"""Coupled ensembles: two ensembles of N = 2 two-level systems, each coupled to its own bath.

Source: "coupled-ensembles" (../shared/papers/coupled-ensembles.txt, a PDF text extraction, and
coupled-ensembles.md, a machine conversion of the same paper).  Model of Secs. II-IV: TLSs
S_{h,1}, S_{h,2}, S_{c,1}, S_{c,2} (sites ``h1 h2 c1 c2``), H_{S_{i,n}} = omega_i s^+ s^-
(Eq. (7)), intra-system interaction H_I^(1) (Eq. (29), strengths Omega_{nn'}) or H_I^(2)
(Eq. (31), strengths Omega_n); one thermal oscillator ancilla per bath (``Eh``, ``Ec``, Eq. (8))
with V_{i,n} = g_{i,n}(s^+_{i,n} a_i + s^-_{i,n} a_i^dag) (Eq. (9)); simultaneous ("com"),
cascaded ("cas") or independent ("ind") collisions: six variants ``com1 ... ind2``.

Conventions (DESIGN.md): hbar = k_B = 1, |0> ground, sigma_z = |1><1| - |0><0|, sigma^+ =
|1><0|; expectation values are Expectation symbols of Pauli strings (the paper's ladder-basis
combinations are derived with the operator algebra, never converted by hand).
``round_duration="tau"``: one round counts as one tau, the paper's normalisation (notes).

A declaration: the printed equations are transcribed in :func:`_checks` with the paper's own
symbols and sums (Python loops over the printed indices); the engine supplies the derived sides
and the matrix routes (:mod:`symthermo.papers`), and decides.  The statements about steady
states, regimes and measures (Table I, Secs. III C and IV, with the Sec. IV efficiency checks)
are in :mod:`derivations.statements.coupled_ensembles`, the figures in
:mod:`derivations.figures.coupled_ensembles`, the general-N rows in
:mod:`derivations.general_n.coupled_ensembles`.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import sympy

from derivations.general_n import coupled_ensembles as general_n
from derivations.references import REFERENCES
from symthermo import papers, thermo
from symthermo.algebra import Operator, boson, commutator, expectation, operator_sum, qubit
from symthermo.emit import Quantity
from symthermo.model import CollisionModel, bath, collision_model
from symthermo.papers import (
    Check,
    Derivation,
    ExpectationPolynomial,
    HeatCurrent,
    Rescaled,
    WorkCurrent,
    compare,
)
from symthermo.states import ThermalOscillator

NAME = "coupled_ensembles"
TITLE = "Coupled ensembles: local and non-local heat and work currents (coupled-ensembles)"
REFERENCE = REFERENCES["coupled_ensembles"]  # cited in the report, the LaTeX and references.bib
SOURCES = ("coupled-ensembles.txt", "coupled-ensembles.md")

# ---- sites, symbols, parameters ------------------------------------------------------------

BATHS = ("h", "c")
INDICES = (1, 2)  # N = 2
SITE = {(i, n): qubit(f"{i}{n}") for i in BATHS for n in INDICES}
SYSTEM_SITES = (SITE["h", 1], SITE["h", 2], SITE["c", 1], SITE["c", 2])
ANCILLA = {"h": boson("Eh"), "c": boson("Ec")}

omega = {i: sympy.Symbol(f"omega_{i}", positive=True) for i in BATHS}
T = {i: sympy.Symbol(f"T_{i}", positive=True) for i in BATHS}
g = {(i, n): sympy.Symbol(f"g_{i}{n}", positive=True) for i in BATHS for n in INDICES}
Omega1 = {(n, m): sympy.Symbol(f"Omega_{n}{m}", real=True) for n in INDICES for m in INDICES}
Omega2 = {n: sympy.Symbol(f"Omega_{n}", real=True) for n in INDICES}
g_u = sympy.Symbol("g", positive=True)  # uniform couplings (coherence-related quantities C)
Omega_u = sympy.Symbol("Omega", real=True)

SCHEMES = {"com": "simultaneous", "cas": "cascaded", "ind": "independent"}
VARIANTS = tuple(f"{s}{k}" for s in SCHEMES for k in (1, 2))

# the paper's Fig. 2/3 parameters (omega_c = 1); omega_h is the swept variable of the figures
FIG_PARAMETERS = {omega["c"]: 1.0, omega["h"]: 1.5, T["h"]: 2.0, T["c"]: 1.0, g["h", 1]: 0.5,
                  g["c", 1]: 0.5, g["h", 2]: 0.55, g["c", 2]: 0.55}
OMEGA_VALUE = 0.1


def n_thermal(i: str) -> sympy.Expr:
    """n_i = 1/(e^{beta_i omega_i} - 1), beta_i = 1/T_i (text after Eq. (11))."""
    return 1 / (sympy.exp(omega[i] / T[i]) - 1)


def gamma_minus(i: str, k: int, l: int) -> sympy.Expr:
    """gamma^-_{i,kl} = g_{i,k} g_{i,l} <a_i a_i^dag> = g_{i,k} g_{i,l}(n_i + 1) (after (11))."""
    return g[i, k] * g[i, l] * (n_thermal(i) + 1)


def gamma_plus(i: str, k: int, l: int) -> sympy.Expr:
    """gamma^+_{i,kl} = g_{i,k} g_{i,l} <a_i^dag a_i> = g_{i,k} g_{i,l} n_i (after Eq. (11))."""
    return g[i, k] * g[i, l] * n_thermal(i)


# ---- operators in the paper's notation ------------------------------------------------------


def sp(i: str, n: int) -> Operator:
    return SITE[i, n].plus  # sigma^+_{i,n}


def sm(i: str, n: int) -> Operator:
    return SITE[i, n].minus  # sigma^-_{i,n}


def sz(i: str, n: int) -> Operator:
    return SITE[i, n].z  # sigma^z_{i,n}


def sp_sm_plus(i: str, n: int, j: str, m: int) -> Operator:
    """(sigma^+_{i,n} sigma^-_{j,m})_+ = s^+_{i,n} s^-_{j,m} + s^-_{i,n} s^+_{j,m} (after (26))."""
    return sp(i, n) * sm(j, m) + sm(i, n) * sp(j, m)


def ev(op: Operator) -> sympy.Expr:
    """<op>_{rho_S} as a combination of Expectation symbols (Pauli strings)."""
    return expectation(op)


def other(i: str) -> str:
    """The other bath i' != i."""
    return "c" if i == "h" else "h"


def interaction_1() -> Operator:
    """H_I^(1), Eq. (29): sum_{n,n'} Omega_{nn'}(sigma^+_{h,n} sigma^-_{c,n'} + h.c.)."""
    return operator_sum(Omega1[n, m] * (sp("h", n) * sm("c", m) + sm("h", n) * sp("c", m))
                        for n in INDICES for m in INDICES)


def interaction_2() -> Operator:
    """H_I^(2), Eq. (31): sum_n Omega_n (sigma^+_{h,n} sigma^-_{c,n} + h.c.)."""
    return operator_sum(Omega2[n] * (sp("h", n) * sm("c", n) + sm("h", n) * sp("c", n))
                        for n in INDICES)


def coupling(i: str, n: int) -> Operator:
    """V_{i,n} = g_{i,n}(sigma^+_{i,n} a_i + sigma^-_{i,n} a_i^dag), Eq. (9)."""
    return g[i, n] * (sp(i, n) * ANCILLA[i].a + sm(i, n) * ANCILLA[i].adag)


# ---- models ---------------------------------------------------------------------------------


@cache
def make_model(variant: str) -> CollisionModel:
    """The model of one scenario: ``com|cas|ind`` + ``1|2`` (interaction of Eq. (29) or (31))."""
    baths = [bath(i, ThermalOscillator(ANCILLA[i], omega=omega[i], beta=1 / T[i]),
                  omega[i] * ANCILLA[i].adag * ANCILLA[i].a,
                  [(f"{i}{n}", coupling(i, n)) for n in INDICES],  # collision order 1, 2
                  scheme=SCHEMES[variant[:3]], beta=1 / T[i]) for i in BATHS]
    local = operator_sum(omega[i] * sp(i, n) * sm(i, n) for i in BATHS for n in INDICES)
    return collision_model(SYSTEM_SITES, local, baths,  # Eqs. (1), (7)
                           interaction_1() if variant[3] == "1" else interaction_2(),
                           round_duration="tau", name=f"coupled_ensembles[{variant}]")


def default_parameters(variant: str) -> dict:
    """Fig. 2/3 parameters: g_{h,1}=g_{c,1}=0.5, g_{h,2}=g_{c,2}=0.55, Omega=0.1, T_h=2, T_c=1."""
    strengths = Omega1 if variant.endswith("1") else Omega2
    return {**FIG_PARAMETERS, **{strengths[k]: OMEGA_VALUE for k in strengths}}


MODELS = {v: make_model(v) for v in VARIANTS}
PARAMETERS = {v: default_parameters(v) for v in VARIANTS}


@cache
def derived_currents(variant: str) -> thermo.Currents:
    return thermo.currents(make_model(variant))


def uniform_couplings(variant: str) -> dict:
    """g_{i,n} -> g and Omega_{nn'} (or Omega_n) -> Omega."""
    strengths = Omega1 if variant.endswith("1") else Omega2
    return {**{g[k]: g_u for k in g}, **{s: Omega_u for s in strengths.values()}}


# ---- random points of the matrix routes, steady states (both the engine's) ------------------


def random_parameters(rng: np.random.Generator, uniform: bool = False) -> dict:
    """Random parameters with omega_i/T_i in [4, 6] (n_i < 0.019: the cutoff converges to
    1e-12 with CUTOFF = 8 levels while the gamma^+ ~ n_i terms stay far above tolerance)."""
    out = {}
    for i in BATHS:
        out[omega[i]] = float(rng.uniform(0.5, 2.0))
        out[T[i]] = out[omega[i]] / float(rng.uniform(4.0, 6.0))
    out.update({g[k]: float(rng.uniform(0.2, 1.0)) for k in g})
    out.update({s: float(rng.uniform(-0.5, 0.5)) for s in [*Omega1.values(), *Omega2.values()]})
    out[g_u] = float(rng.uniform(0.2, 1.0))
    out[Omega_u] = float(rng.uniform(0.05, 0.5))
    if uniform:
        out.update({g[k]: out[g_u] for k in g})
        out.update({s: out[Omega_u] for s in [*Omega1.values(), *Omega2.values()]})
    return out


CUTOFF = 8  # Fock levels of the ancillas in the matrix route at random points


def sampling(uniform: bool = False) -> papers.Sampling:
    """Random points of the matrix routes (:func:`random_parameters`; ancillas at CUTOFF)."""
    return papers.Sampling(draw=lambda rng, _: random_parameters(rng, uniform=uniform),
                           cutoff={a.name: CUTOFF for a in ANCILLA.values()})


SAMPLING, SAMPLING_U = sampling(), sampling(uniform=True)  # uniform: g_{i,n} = g, Omega's = Omega


# ---- the checks: one block per printed equation, in the paper's order -----------------------


def dissipator(variant: str, part: str) -> papers.BathDissipator:
    """sum_i Tr[sigma_i D^(i)(rho_i)] of baths h and c, rho_i = (1/4) sum r^{ab}_i P_a P_b on
    S_{i,1} S_{i,2} (the engine's per-bath dissipator quantity and matrix route)."""
    return papers.BathDissipator(MODELS[variant], BATHS, part, SAMPLING)


def _lind(a: Operator, rho: Operator, b: Operator, anti: Operator) -> Operator:
    """a rho b - {anti, rho}/2 (the bracket of Eqs. (10), (11))."""
    return a * rho * b - sympy.Rational(1, 2) * (anti * rho + rho * anti)


def _dissipator_checks() -> list[Check]:
    def d_loc(i: str, rho: Operator) -> Operator:  # Eq. (10)
        return operator_sum(
            gamma_minus(i, n, n) * _lind(sm(i, n), rho, sp(i, n), sp(i, n) * sm(i, n))
            + gamma_plus(i, n, n) * _lind(sp(i, n), rho, sm(i, n), sm(i, n) * sp(i, n))
            for n in INDICES)

    def d_com(i: str, rho: Operator) -> Operator:  # Eq. (11), sum_{n' != n}
        return operator_sum(
            gamma_minus(i, n, n2) * _lind(sm(i, n), rho, sp(i, n2), sp(i, n) * sm(i, n2))
            + gamma_plus(i, n, n2) * _lind(sp(i, n), rho, sm(i, n2), sm(i, n) * sp(i, n2))
            for n2 in INDICES for n in INDICES if n2 != n)

    def d_cas(i: str, rho: Operator) -> Operator:  # Eq. (15), sum_{n' > n}
        return operator_sum(
            gamma_minus(i, n, n2) * (sm(i, n) * commutator(rho, sp(i, n2))
                                     + commutator(sm(i, n2), rho) * sp(i, n))
            + gamma_plus(i, n, n2) * (sp(i, n) * commutator(rho, sm(i, n2))
                                      + commutator(sp(i, n2), rho) * sm(i, n))
            for n in INDICES for n2 in INDICES if n2 > n)

    q10, q11, q15 = (dissipator("com1", "local"), dissipator("com1", "nonlocal"),
                     dissipator("cas1", "nonlocal"))
    return [
        Check("Eq. (10)", "local dissipator D_loc^(i) (i = h, c), Tr[sigma D(rho)] for generic "
              "two-TLS rho, sigma", q10.pairing(d_loc), of=q10, note=(
                  "Compared as the pairing sum_i Tr[sigma_i D_loc^(i)(rho_i)] with a generic state "
                  "rho_i = (1/4) sum r^{ab}_i P_a P_b of the two TLSs of ensemble i and a generic "
                  "sigma_i (expectation symbols); derived side from the engine's Lindblad form "
                  "(adjoint, local rate entries). The derived local dissipator is the same for the "
                  "simultaneous, cascaded and independent schemes (tested).")),
        Check("Eq. (11)", "non-local dissipator D_non-loc^(i), simultaneous (common) bath",
              q11.pairing(d_com), of=q11, note=(
                  "Sum over n' != n as in the .md (the .txt extraction renders the symbol != as a "
                  "comma, 'n',n=1', everywhere in the paper; read literally it would include n = "
                  "n' and double the local dissipator). The printed anticommutator {s^+_n s^-_n', "
                  "rho} differs term by term from the Lindblad form {L_b^dag L_a, rho} = "
                  "{s^+_n' s^-_n, rho}, but the sum over n != n' is symmetric, so they agree.")),
        Check("Eq. (15)", "non-local dissipator D_non-loc^(i), cascaded bath (S_{i,1} first)",
              q15.pairing(d_cas), of=q15, note=(
                  "Derived non-local part = the engine's cross rate entries plus its cascaded "
                  "Hamiltonian H_cas = (i/2) Tr_E[V_1, V_2] (the antisymmetric part of the "
                  "ordered cross term), per round of duration tau (round_duration='tau', the "
                  "paper's normalisation; with one tau per stroke every dissipator would carry "
                  "1/N).")),
    ]


def _heat_checks() -> list[Check]:
    def heat(variant: str, i: str, part: str) -> HeatCurrent:
        return HeatCurrent(MODELS[variant], i, part, SAMPLING)

    def eq26(i: str, pairs) -> sympy.Expr:
        return sympy.Rational(1, 2) * omega[i] * sum(
            (gamma_plus(i, n, n2) - gamma_minus(i, n, n2)) * ev(sp_sm_plus(i, n, i, n2))
            for n2, n in pairs)

    out = [Check(f"Eq. (25), i = {i}", f"local heat current from bath E_{i} (all schemes)",
                 omega[i] * sum(gamma_plus(i, n, n) * ev(sm(i, n) * sp(i, n))
                                - gamma_minus(i, n, n) * ev(sp(i, n) * sm(i, n)) for n in INDICES),
                 of=heat("com1", i, "local"),
                 note="The derived local heat current is the same for all six scenarios.")
           for i in BATHS]
    distinct = [(n2, n) for n2 in INDICES for n in INDICES if n2 != n]
    out += [Check(f"Eq. (26), i = {i}", f"non-local heat current from bath E_{i}, simultaneous",
                  eq26(i, distinct), of=heat("com1", i, "nonlocal"),
                  note="Sum over n' != n (.md; the .txt shows 'n',n=1', its rendering of !=).")
            for i in BATHS]
    out.append(Check(  # the .txt read literally (sum over all n', n): a conversion slip
        "Eq. (26), i = h, .txt read literally",
        "non-local heat current with the sum over all n', n (as the .txt extraction shows it)",
        eq26("h", [(n2, n) for n2 in INDICES for n in INDICES]), of=heat("com1", "h", "nonlocal"),
        difference_kind="conversion slip", note=(
            "The .txt prints the sum as 'n',n=1' where the .md (and the text after Eq. (14): "
            "'it is n' != n in Eq. (6)') has n' != n: the PDF extraction turns != into a comma. "
            "Read literally it adds the n = n' terms (populations); the .md reading holds.")))
    out += [Check(f"Eq. (43), i = {i}", f"non-local heat current from bath E_{i}, cascaded",
                  omega[i] * sum((gamma_plus(i, n, n2) - gamma_minus(i, n, n2))
                                 * ev(sp_sm_plus(i, n, i, n2))
                                 for n in INDICES for n2 in INDICES if n2 > n),
                  of=heat("cas1", i, "nonlocal"), note=(
                      "Equal to the simultaneous one (Eq. (26)): the ordered and the symmetrised "
                      "cross terms differ by Tr_E[[V_1, V_2], H_E] = 0 (Jacobi; [V_1, V_2] acts on "
                      "the system only)."))
            for i in BATHS]
    return out


def _work(variant: str, part: str, sampling: papers.Sampling = SAMPLING) -> WorkCurrent:
    return WorkCurrent(MODELS[variant], None, part, sampling)


def zpp(i: str, n: int, j: str, nb: int, k: str, m: int) -> sympy.Expr:
    """<sigma^z_{i,n} (sigma^+_{j,nb} sigma^-_{k,m})_+>."""
    return ev(sz(i, n) * sp_sm_plus(j, nb, k, m))


def _work_checks() -> list[Check]:
    out = []
    for kind, h_i in (("1", interaction_1()), ("2", interaction_2())):
        f = {(i, n): commutator(h_i, sm(i, n)) for i in BATHS for n in INDICES}  # F_{i,n}

        def x(pairs, f=f) -> sympy.Expr:  # sum gamma^- <s^+_n F_n'> - gamma^+ <F_n' s^+_n>
            return sum(gamma_minus(i, n, n2) * ev(sp(i, n) * f[i, n2])
                       - gamma_plus(i, n, n2) * ev(f[i, n2] * sp(i, n)) for i, n, n2 in pairs)

        local = sympy.Rational(1, 2) * x([(i, n, n) for i in BATHS for n in INDICES])
        com = sympy.Rational(1, 2) * x([(i, n, n2) for i in BATHS for n in INDICES
                                        for n2 in INDICES if n != n2])
        cas = x([(i, n, n2) for i in BATHS for n in INDICES for n2 in INDICES if n2 > n])
        out += [  # "+ c.c."
            Check(f"Eq. (27) [H_I^({kind})]",
                  f"local work current, F_(i,n) = [H_I^({kind}), s^-_(i,n)]",
                  local + sympy.conjugate(local), of=_work(f"com{kind}", "local"),
                  note="The derived local work current is the same for all three schemes."),
            Check(f"Eq. (28) [H_I^({kind})]", "non-local work current, simultaneous",
                  com + sympy.conjugate(com), of=_work(f"com{kind}", "nonlocal")),
            Check(f"Eq. (42) [H_I^({kind})]", "non-local work current, cascaded",
                  cas + sympy.conjugate(cas), of=_work(f"cas{kind}", "nonlocal")),
        ]

    def big_gamma(n: int, m: int) -> sympy.Expr:  # Gamma_{h n c m}
        return (gamma_minus("h", n, n) + gamma_plus("h", n, n)
                + gamma_minus("c", m, m) + gamma_plus("c", m, m))

    dg = {i: gamma_minus(i, 1, 2) - gamma_plus(i, 1, 2) for i in BATHS}
    half = sympy.Rational(1, 2)
    printed45 = Omega2[2] * dg["h"] * zpp("h", 2, "h", 1, "c", 2)
    out += [
        Check("Eq. (30) vs (29)",
              "H_I^(1) with Omega_nn' = Omega rewritten with collective S^+-: <H_I> at any state",
              ev(_h30()), ev(interaction_1().subs({Omega1[k]: Omega_u for k in Omega1})),
              difference_kind="paper error", note=(
                  "Eq. (30) claims H_I^(1)|_(Omega_nn'=Omega) = Omega(S_h^+ S_c^- + S_h^- S_c^+) "
                  "with S^+- = S^x +- i S^y, S^alpha = sum_n sigma^alpha_n (both texts). Then "
                  "S^+- = 2 sum_n sigma^+-_n and the right-hand side is 4 times Eq. (29): (30) "
                  "holds only with spin-1/2 collective operators S^alpha = (1/2) sum_n "
                  "sigma^alpha_n (i.e. S^+- = sum_n sigma^+-_n), which is not the paper's stated "
                  "definition. The printed - derived difference is 3 H_I^(1). Nothing downstream "
                  "uses Eq. (30)."),
              # matrix route: Tr[rho H_I^(1)], the declared interaction's matrix, Omega_nn' = Omega
              of=ExpectationPolynomial(MODELS["com1"], ((1, (MODELS["com1"].interaction,)),),
                                       SAMPLING_U)),
        Check("Eq. (32)", "local work current, H_I^(1) (simultaneous; same for cascaded, "
              "independent)", -half * (
                  Omega1[1, 1] * big_gamma(1, 1) * ev(sp_sm_plus("h", 1, "c", 1))
                  + Omega1[2, 2] * big_gamma(2, 2) * ev(sp_sm_plus("h", 2, "c", 2))
                  + Omega1[1, 2] * big_gamma(1, 2) * ev(sp_sm_plus("h", 1, "c", 2))
                  + Omega1[2, 1] * big_gamma(2, 1) * ev(sp_sm_plus("h", 2, "c", 1))),
              of=_work("com1", "local")),
        Check("Eq. (36)", "local work current, H_I^(2) (simultaneous; same for cascaded, "
              "independent)", -half * (
                  Omega2[1] * big_gamma(1, 1) * ev(sp_sm_plus("h", 1, "c", 1))
                  + Omega2[2] * big_gamma(2, 2) * ev(sp_sm_plus("h", 2, "c", 2))),
              of=_work("com2", "local")),
        Check("Eq. (34)", "non-local work current, simultaneous, H_I^(1)", half * dg["h"] * (
            Omega1[1, 1] * zpp("h", 1, "h", 2, "c", 1) + Omega1[1, 2] * zpp("h", 1, "h", 2, "c", 2)
            + Omega1[2, 1] * zpp("h", 2, "h", 1, "c", 1)
            + Omega1[2, 2] * zpp("h", 2, "h", 1, "c", 2)
        ) + half * dg["c"] * (
            Omega1[1, 1] * zpp("c", 1, "c", 2, "h", 1) + Omega1[2, 1] * zpp("c", 1, "c", 2, "h", 2)
            + Omega1[1, 2] * zpp("c", 2, "c", 1, "h", 1)
            + Omega1[2, 2] * zpp("c", 2, "c", 1, "h", 2)
        ), of=_work("com1", "nonlocal")),
        Check("Eq. (38)", "non-local work current, simultaneous, H_I^(2)", half * dg["h"] * (
            Omega2[1] * zpp("h", 1, "h", 2, "c", 1) + Omega2[2] * zpp("h", 2, "h", 1, "c", 2)
        ) + half * dg["c"] * (
            Omega2[1] * zpp("c", 1, "c", 2, "h", 1) + Omega2[2] * zpp("c", 2, "c", 1, "h", 2)
        ), of=_work("com2", "nonlocal")),
        Check("Eq. (44)", "non-local work current, cascaded, H_I^(1)", dg["h"] * (
            Omega1[2, 1] * zpp("h", 2, "h", 1, "c", 1) + Omega1[2, 2] * zpp("h", 2, "h", 1, "c", 2)
        ) + dg["c"] * (
            Omega1[1, 2] * zpp("c", 2, "c", 1, "h", 1) + Omega1[2, 2] * zpp("c", 2, "c", 1, "h", 2)
        ), of=_work("cas1", "nonlocal"), note=(
            "Only sigma^z of the later TLS S_{i,2} appears (one-way effect of the cascade); "
            "coefficient gamma^- - gamma^+ without the 1/2 of Eq. (34).")),
        Check("Eq. (45)", "non-local work current, cascaded, H_I^(2) (.txt reading)",
              printed45 + Omega2[2] * dg["c"] * zpp("c", 2, "c", 1, "h", 2),
              of=_work("cas2", "nonlocal")),
        Check("Eq. (45), .md reading", "non-local work current, cascaded, H_I^(2) (.md reading)",
              printed45 + Omega2[2] * dg["c"] * zpp("c", 2, "h", 1, "h", 2),
              of=_work("cas2", "nonlocal"), difference_kind="conversion slip", note=(
                  "The .md's second term reads <s^z_{c,2}(s^+_{h,1} s^-_{h,2})_+> where the .txt "
                  "has <s^z_{c,2}(s^+_{c,1} s^-_{h,2})_+> (which holds, row above, and mirrors the "
                  "first term and Eq. (44)): the conversion garbled the indices.")),
    ]
    return out


def _h30() -> Operator:
    """Omega(S_h^+ S_c^- + S_h^- S_c^+), S^+- = S^x +- i S^y, S^alpha_i = sum_n sigma^alpha_{i,n}
    (Eq. (30))."""
    s = {(i, a): operator_sum((SITE[i, n].x, SITE[i, n].y)[a] for n in INDICES)
         for i in BATHS for a in range(2)}
    s_plus = {i: s[i, 0] + sympy.I * s[i, 1] for i in BATHS}
    s_minus = {i: s[i, 0] - sympy.I * s[i, 1] for i in BATHS}
    return Omega_u * (s_plus["h"] * s_minus["c"] + s_minus["h"] * s_plus["c"])


def _c_checks() -> list[Check]:
    """Coherence-related quantities C: Eqs. (33), (35), (37), (39), (46)-(49).

    Derived C = the combination of expectation values that the work current is proportional to
    at uniform couplings (g_{i,n} = g, all Omega = Omega), divided by the paper's own prefactor:
    W_loc = (Omega Gamma / 2) C_loc with Gamma = gamma^-_h + gamma^+_h + gamma^-_c + gamma^+_c
    (Eqs. (32), (36)); W_non-loc^com = (1/2)(gamma^- - gamma^+) Omega C (Eqs. (34), (38));
    W_non-loc^cas = (gamma^- - gamma^+) Omega C (Eqs. (44), (45)).  Matrix route: the work
    current's divided by the same factor (:class:`symthermo.papers.Rescaled`)."""
    gam_u = {i: [v.subs({g[i, 1]: g_u, g[i, 2]: g_u})
                 for v in (gamma_minus(i, 1, 1), gamma_plus(i, 1, 1))] for i in BATHS}
    factor = {"local": Omega_u * (gam_u["h"][0] + gam_u["h"][1] + gam_u["c"][0] + gam_u["c"][1])
              / 2, "com": Omega_u * g_u**2 / 2, "cas": Omega_u * g_u**2}  # dg = g_{i,1} g_{i,2}

    def c(label, quantity, printed, variant, part, note, key=None, **kw) -> Check:
        w = derived_currents(variant).work[part].subs(uniform_couplings(variant))
        f = factor[key or part]
        return Check(label, quantity, printed, papers.proportional_combination(w, f), note=note,
                     of=Rescaled(_work(variant, part, SAMPLING_U), f), **kw)

    def c_sum(terms) -> sympy.Expr:
        return sympy.Add(*[zpp(*t) for t in terms])

    # Eq. (35): sum_{i != i'} sum_{n != nbar, n'} <s^z_{i,n} (s^+_{i,nbar} s^-_{i',n'})_+>
    terms35 = [(i, n, i, nb, other(i), n2) for i in BATHS for n in INDICES for nb in INDICES
               if n != nb for n2 in INDICES]
    # Eq. (39): sum_{i != i'} sum_{n != nbar} <s^z_{i,n} (s^+_{i,nbar} s^-_{i',n})_+>
    terms39 = [(i, n, i, nb, other(i), n) for i in BATHS for n in INDICES for nb in INDICES
               if n != nb]
    terms46 = [(i, 2, i, 1, other(i), n) for i in BATHS for n in INDICES]  # sum_{i != i'} sum_n
    terms47 = [(i, 2, i, 1, other(i), 2) for i in BATHS]  # sum_{i != i'}
    out = [
        c("Eq. (33)", "C_loc^com(1): the coherence combination of W_loc^com(1) (uniform "
          "couplings)", -2 * sum(sympy.re(ev(sp("h", n) * sm("c", n2)))
                                 for n in INDICES for n2 in INDICES), "com1", "local", (
              "Derived as 2 W_loc/(Omega Gamma) at g_{i,n} = g, Omega_nn' = Omega (then all "
              "Gamma_{hncm} are equal); with unequal couplings (Figs. 2, 3) W_loc is a weighted "
              "sum of the same four coherences, not proportional to C_loc. Same for the cascaded "
              "and independent schemes (identical local work).")),
        c("Eq. (37)", "C_loc^com(2): the coherence combination of W_loc^com(2) (uniform "
          "couplings)", -2 * sum(sympy.re(ev(sp("h", n) * sm("c", n))) for n in INDICES),
          "com2", "local", "Derived as 2 W_loc/(Omega Gamma) at g_{i,n} = g, Omega_n = Omega."),
        c("Eq. (35)", "C_non-loc^com(1): coherence combination of W_non-loc^com(1) (uniform)",
          c_sum(terms35), "com1", "nonlocal", (
              "Sums i != i', n != nbar as in the .md (the .txt shows commas for !=). Derived as "
              "2 W_non-loc/((gamma^-_{i,12} - gamma^+_{i,12}) Omega) at uniform couplings "
              "(gamma^- - gamma^+ = g^2 for both baths)."), key="com"),
        c("Eq. (35), .md reading",
          "C_non-loc^com(1) as the .md shows it: (s^z_{i,nbar} s^-_{i',n'})_+", sympy.Add(*[
              ev(sz(i, n) * (sz(i, nb) * sm(other(i), n2)
                             + (sz(i, nb) * sm(other(i), n2)).dagger()))
              for (i, n, _, nb, _, n2) in terms35]), "com1", "nonlocal", (
              "The .md has sigma^z_{i,nbar} inside the bracket where the .txt has "
              "sigma^+_{i,nbar} (which holds, row above; the bracket (.)_+ is defined for s^+ s^- "
              "only)."), key="com", difference_kind="conversion slip"),
        c("Eq. (39)", "C_non-loc^com(2): coherence combination of W_non-loc^com(2) (uniform)",
          c_sum(terms39), "com2", "nonlocal",
          "Derived as 2 W_non-loc/(g^2 Omega) at uniform couplings.", key="com"),
        c("Eq. (46)", "C_non-loc^cas(1): coherence combination of W_non-loc^cas(1) (uniform)",
          c_sum(terms46), "cas1", "nonlocal",
          "Derived as W_non-loc/(g^2 Omega) at uniform couplings.", key="cas"),
        c("Eq. (47)", "C_non-loc^cas(2): coherence combination of W_non-loc^cas(2) (uniform)",
          c_sum(terms47), "cas2", "nonlocal",
          "Derived as W_non-loc/(g^2 Omega) at uniform couplings.", key="cas"),
    ]

    def products(terms) -> ExpectationPolynomial:  # sum <s^z_{i,n}> <(s^+_{j,nb} s^-_{k,m})_+>
        return ExpectationPolynomial(MODELS["com2"], tuple(
            (1, (sz(i, n), sp_sm_plus(j, nb, k, m))) for (i, n, j, nb, k, m) in terms),
            SAMPLING_U)

    # Eqs. (48), (49): the product forms C~ (each <s^z X> replaced by <s^z><X>)
    for label, quantity, terms, c_check, note in (
        ("Eq. (48)", "C~_non-loc^com(2): product form of C_non-loc^com(2)", terms39, out[4],
         "Derived: the derived C_non-loc^com(2) with every <s^z_a X> replaced by <s^z_a><X> "
         "(the paper's 'x' between expectation values is a product of numbers)."),
        ("Eq. (49)", "C~_non-loc^cas(2): product form of C_non-loc^cas(2)", terms47, out[6],
         "Derived: the derived C_non-loc^cas(2) with <s^z_a X> -> <s^z_a><X>."),
    ):
        printed = sympy.Add(*[ev(sz(i, n)) * ev(sp_sm_plus(j, nb, k, m))
                              for (i, n, j, nb, k, m) in terms])
        out.append(Check(label, quantity, printed, papers.product_form(c_check.derived), note=note,
                         of=products(terms)))
    return out


def _checks() -> list[Check]:
    """Every printed equation, in the paper's order (Sec. IV's efficiency and COPs, checked at
    steady states, from :mod:`derivations.statements.coupled_ensembles`)."""
    from derivations.statements.coupled_ensembles import machine_checks

    return [*_dissipator_checks(), *_heat_checks(), *_work_checks(), *_c_checks(),
            *machine_checks()]


# ---- quantities for LaTeX and kernels, notes, build -----------------------------------------


def quantities() -> list[Quantity]:
    """Named derived expressions for the emitters: the currents of the six scenarios and the
    coherence-related quantities of Fig. 2 (:mod:`derivations.statements.coupled_ensembles`)."""
    from derivations.statements.coupled_ensembles import c_quantities

    items = []
    tags = (("local", r"_{\mathrm{loc}}"), ("nonlocal", r"_{\mathrm{non-loc}}"), ("total", ""))
    for v in VARIANTS:
        cur, sup = derived_currents(v), rf"{v[:3]}({v[3]})"
        items += [(f"Qdot_{i}_{part}_{v}", cur.heat[i][part],
                   rf"\dot{{Q}}^{{\mathrm{{{sup}}}({i})}}{sub}",
                   f"{part} heat current from bath E_{i}, scenario {v}")
                  for i in BATHS for part, sub in tags]
        items += [(f"Wdot_{part}_{v}", cur.work[part], rf"\dot{{W}}^{{\mathrm{{{sup}}}}}{sub}",
                   f"{part} work current, scenario {v}") for part, sub in tags]
    c = c_quantities()  # coherence-related quantities of Fig. 2 (second interaction)
    items += [
        ("C_loc_2", c["C_loc"], r"C^{(2)}_{\mathrm{loc}}",
         "coherence-related quantity of the local work, H_I^(2) (Eq. (37))"),
        ("C_nonloc_com2", c["C_com"], r"C^{\mathrm{com}(2)}_{\mathrm{non-loc}}",
         "coherence-related quantity of the non-local work, common bath (Eq. (39))"),
        ("C_nonloc_cas2", c["C_cas"], r"C^{\mathrm{cas}(2)}_{\mathrm{non-loc}}",
         "coherence-related quantity of the non-local work, cascaded (Eq. (47))"),
        ("Ctilde_nonloc_com2", c["Ct_com"],
         r"\tilde{C}^{\mathrm{com}(2)}_{\mathrm{non-loc}}", "product form, Eq. (48)"),
        ("Ctilde_nonloc_cas2", c["Ct_cas"],
         r"\tilde{C}^{\mathrm{cas}(2)}_{\mathrm{non-loc}}", "product form, Eq. (49)"),
    ]
    return [Quantity(name, expr, latex, desc) for name, expr, latex, desc in items]


NOTES = (
    "Sites h1 h2 c1 c2 are S_{h,1} S_{h,2} S_{c,1} S_{c,2}; ancillas Eh, Ec are thermal "
    "oscillators at omega_i, T_i (n_i = 1/(e^{omega_i/T_i} - 1)); couplings V_{i,n} of Eq. (9); "
    "symbols g_h1 = g_{h,1}, Omega_12 = Omega_{12} (H_I^(1)), Omega_1 = Omega_1 (H_I^(2)).",
    "Scenarios: com = simultaneous (common) bath, cas = cascaded (S_{i,1} meets the ancilla "
    "before S_{i,2}), ind = independent ancillas; 1/2 = H_I of Eq. (29)/(31).",
    "Time normalisation: round_duration='tau'. Sec. II B says a cascaded round lasts N tau "
    "(Eq. (13) maps t to t + N tau) but writes the master equation with D_loc of Eq. (5) and the "
    "cross term of Eq. (14) without a factor 1/N, i.e. rates per tau of a round; the engine's "
    "'tau' normalisation reproduces Eqs. (10) and (15) exactly ('strokes' would divide every "
    "cascaded dissipator by N = 2). The free Hamiltonian acts for one tau per round.",
    "Appendix A, Eq. (A8) (both texts) writes the non-local heat with H_S + H_Ei inside the "
    "double commutator, unlike Eq. (24) (H_Ei only); with H_S it would be minus the non-local "
    "work share of bath i, not a heat current (not among the required checks).",
    "Sec. II B gives each stroke U_n its own H_{I,n} ('interactions between S_{i,n} and the "
    "other subsystems'); we take H_S = H_local + H_I acting once per round, as the paper's "
    "master equation does (-i[H_S, rho] with H_S = sum_n (H_{S_h,n} + H_{S_c,n} + H_{I,n})).",
    "The .txt (PDF extraction) renders the symbol != as a comma ('n',n=1', 'i,i'=h,c', "
    "'C ... , C~'): all sums are read with n' != n, i != i', n != nbar as the .md shows them; "
    "Eq. (26) read literally is listed as a conversion slip for illustration.",
    "Conversion slips of the .md: Eq. (35) has sigma^z_{i,nbar} for sigma^+_{i,nbar}; Eq. (45) "
    "has (s^+_{h,1} s^-_{h,2})_+ for (s^+_{c,1} s^-_{h,2})_+; Eq. (43) has a stray angle "
    "bracket (harmless). Both are listed as checks with kind 'conversion slip'.",
    "The coherence-related quantities C are definitions; we check that each is the combination "
    "of expectation values that its work current is proportional to at uniform couplings "
    "(g_{i,n} = g, all Omega equal), with the paper's prefactors. With the Fig. 2 couplings "
    "(g_{i,1} = 0.5, g_{i,2} = 0.55) the work currents weight the same terms unequally.",
    "Default parameters (variants' `parameters`): Fig. 2/3 values g_{h,1} = g_{c,1} = 0.5, "
    "g_{h,2} = g_{c,2} = 0.55, all Omega = 0.1, T_h = 2, T_c = 1, omega_c = 1, and omega_h = "
    "1.5 (the figures sweep omega_h/omega_c; 1.5 is in the engine regime).",
)


def build() -> Derivation:
    """The decided derivation: the checks (with the general-N rows of issue 12), the statements
    (:mod:`derivations.statements.coupled_ensembles`; the time normalisation one reads the
    checks' statuses), notes with the generated Table I."""
    from derivations.statements import coupled_ensembles as statements

    checks = [compare(c) for c in [*_checks(), *general_n.general_checks()]]
    return Derivation(
        name=NAME, title=TITLE, sources=SOURCES, models=dict(MODELS),
        parameters={v: default_parameters(v) for v in VARIANTS},
        quantities=[*general_n.general_quantities(), *quantities()], checks=checks,
        statements=statements.statements(checks), notes=[*NOTES, *statements.notes()],
        kernel_sites=SYSTEM_SITES,
    )
