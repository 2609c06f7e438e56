"""Cakmak, ergotropy from coherences: the paper's statements about its steady states and
measures (the declaration, models and printed equations: derivations/collective_ergotropy.py).

Each statement is decided by the engine: the closure's exact stationary family labelled by c
(N = 2), the Dicke-subspace route (N = 3..6), stationary projections at numbers
(:mod:`symthermo.papers.state_routes`, :func:`symthermo.numeric.sectors.sector_projection`)
and the permutation-invariant route (N = 10..100).  Numbers are printed with at most the
digits shown, rounding residues below 1e-12 as 0.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import sympy

from derivations.collective_ergotropy import (
    ATOMS,
    CUTOFF,
    MODELS,
    NBAR,
    NUMERIC_N,
    PI_C,
    PSI_M,
    SYMBOLIC_N,
    beta,
    c,
    c_state,
    derived_rho_c,
    dicke_ground_ergotropy,
    dicke_ground_l1,
    dicke_ground_populations,
    eq11_derived,
    f,
    g,
    make_model,
    model_of,
    omega,
    printed_appendix_a,
    printed_block_state,
    printed_eq8,
    printed_eq10,
    printed_eq13,
    printed_eq16,
    printed_eq17,
    r,
    system_sites,
    two_qubit_family,
    two_qubit_route,
)
from symthermo import exact_states as ex
from symthermo.closure import symbolic_steady_state
from symthermo.numeric.measures import ergotropy, ergotropy_split, l1_coherence
from symthermo.numeric.sectors import sector_projection
from symthermo.papers import Statement
from symthermo.papers import number_text as _num
from symthermo.papers.excitations import (
    all_ground_state,
    ergotropy_measure,
    excitation_gibbs_state,
    excitation_hamiltonian,
    l1_measure,
)
from symthermo.papers.figures import partial_trace_last
from symthermo.papers.state_routes import closed_form_state_deviation, direct_stationary_projection
from symthermo.symmetric_subspace import dicke_diagonal_matrix

l1_of, ergotropy_of = l1_measure, ergotropy_measure(omega)  # measure(rho, params) -> float


def _statement_uniqueness() -> Statement:
    fam, ind = two_qubit_family(), symbolic_steady_state(MODELS["N2_independent"])
    zq = -sympy.tanh(beta * omega / 2)  # thermal qubit <sigma_z>; product Gibbs state:
    gibbs = {e: zq ** len(e.monomial) if all(loc == 3 for _, loc in e.monomial) else 0
             for e in ind.values}
    tanh_ok = ind.is_unique and all(sympy.simplify((v - gibbs[e]).rewrite(sympy.exp)) == 0
                                    for e, v in ind.values.items())
    _, k3 = direct_stationary_projection(MODELS["N3"], {omega: 1.0, beta: 1.0, g: 1.0, f: 0.3},
                                         all_ground_state(3), CUTOFF)
    return Statement(
        "Sec. III: collective vs individual coupling",
        "in the collective limit the steady state is not unique (it depends on the initial "
        "state); with individual coupling (gamma_ij = gamma_0 delta_ij) every qubit thermalises",
        fam.dimension == 2 and ind.is_unique and tanh_ok and k3 > 1,
        f"engine closure: collective N = 2 family of dimension {fam.dimension} "
        f"(free constants {len(fam.free_constants)}, conserved {sympy.sstr(fam.conserved[0])}); "
        f"independent scheme: unique, product Gibbs state <sigma_z> = -tanh(beta omega/2) "
        f"({'yes' if tanh_ok else 'no'}); collective N = 3: stationary dimension {k3} "
        "(numeric, collision generator from matrices)")


def _statement_psi_minus() -> Statement:
    out = ex.lindblad_action(MODELS["N2"],
                             ex.operator_of_matrix(ex.projector(PSI_M), system_sites(2)))
    lam, mu = c_state().labelled.slope, c_state().labelled.offset
    q = two_qubit_family().conserved
    return Statement(
        "Sec. IV A: |psi_-> is stationary, c is conserved",
        "L(|psi_-><psi_-|) = 0, and the steady state depends on rho_0 only through c",
        out.is_zero() and len(q) == 1,
        f"L(|psi_-><psi_-|) from the derived Lindblad form: {out} (exact); the only "
        f"conserved quantity besides the trace is q = {sympy.sstr(q[0])}"
        f" and c = Tr(Pi_c rho) = {sympy.sstr(mu)} + {sympy.sstr(lam)} q")


def _statement_eq8_numeric() -> Statement:
    worst = closed_form_state_deviation(two_qubit_route("any", pair=True), printed_eq8(),
                                        (11, 12, 13))
    return Statement(
        "Eq. (8): random initial states",
        "from any initial state the dynamics reaches Eq. (8) with c computed from rho_0",
        worst < 1e-10,
        f"three random rho_0 (seeds 11-13), random omega, beta, g, f: max |rho_ss - "
        f"Eq. (8)| = {_num(worst, 3)} (stationary projection of the collision generator built "
        f"from matrices, oscillator cutoff {CUTOFF})")


def _statement_eq9_zero() -> Statement:
    z_plus = 1 + sympy.exp(-omega * beta) + sympy.exp(-2 * omega * beta)
    z = 1 + 2 * sympy.exp(-omega * beta) + sympy.exp(-2 * omega * beta)
    l1_at = ex.l1_coherence(derived_rho_c().xreplace({c: z_plus / z}))
    gibbs = sympy.diag(*[sympy.exp(-beta * omega * bin(i).count("1")) for i in range(4)]) / z
    c_thermal = sympy.simplify((PI_C * gibbs).trace() - z_plus / z)
    zero = sympy.simplify(l1_at.rewrite(sympy.exp)) == 0
    return Statement(
        "Eq. (9): no coherence from a thermal initial state",
        "C_l1 vanishes at c = Z_+/Z, which is the c of the thermal (Gibbs) initial state",
        zero and c_thermal == 0,
        f"derived C_l1 at c = Z_+/Z simplifies to {'0' if zero else sympy.sstr(l1_at)};"
        f" Tr(Pi_c rho_Gibbs) - Z_+/Z = {c_thermal} (exact)")


@cache
def _numeric_family():
    """Lambdified derived rho(c, beta, omega)."""
    return sympy.lambdify((c, beta, omega), derived_rho_c(), "numpy")


def _statement_fig1() -> Statement:
    worst, high = math.inf, 0.0
    family = _numeric_family()
    for b in (0.01, 1.0, 10.0):
        for cv in np.linspace(0, 1, 101):
            rho = np.array(family(cv, b, 1.0), dtype=complex)
            diff = float(l1_coherence(rho)) - float(ergotropy(rho, excitation_hamiltonian(2, 1.0)))
            worst = min(worst, diff)
            high = max(high, abs(diff)) if b == 0.01 else high
    return Statement(
        "Fig. 1: C_l1 >= W",
        "C_l1 is larger than W (omega = 1) for all c and bath temperatures, the two being "
        "equal in the high temperature limit",
        worst >= -1e-12 and high < 0.02,
        f"derived family on c in [0, 1] (step 0.01), beta in {{0.01, 1, 10}}: "
        f"min(C_l1 - W) = {_num(worst, 3)}; at beta = 0.01, max |C_l1 - W| = {_num(high, 3)} "
        "(-> 0 as beta -> 0, see the next statement)")


def _statement_high_t_equality() -> Statement:
    inner = sympy.cancel(derived_rho_c()[1, 2] * 2)  # the two equal off-diagonals, signed
    lim = sympy.factor(sympy.limit(inner, beta, 0))
    eq13 = printed_eq13()
    ok = (sympy.simplify(lim - (4 * c / 3 - 1)) == 0
          and sympy.simplify(eq13[0] / omega - (1 - 4 * c / 3)) == 0
          and sympy.simplify(eq13[2] / omega - (4 * c / 3 - 1)) == 0)
    return Statement(
        "Sec. IV A: W/omega = C_l1 at high temperature",
        "as beta -> 0, C_l1 -> |4c/3 - 1|, the same as W/omega of Eq. (13)", ok,
        f"limit beta -> 0 of the derived off-diagonal sum 2 rho_(01,10) = "
        f"{sympy.sstr(lim)}, so C_l1 -> |4c/3 - 1|; Eq. (13) (checked above) gives "
        "W/omega = 1 - 4c/3 (c < 3/4), 4c/3 - 1 (c > 3/4), 0 at 3/4")


def _statement_eq10() -> Statement:
    derived = ex.exact_eigenvalues(derived_rho_c(), ATOMS)
    remaining = list(derived)
    for pv in printed_eq10():
        k = next((k for k, dv in enumerate(remaining) if sympy.simplify(pv - dv) == 0), None)
        if k is not None:
            remaining.pop(k)
    return Statement(
        "Eq. (10): spectrum of rho_ss",
        "the eigenvalues of Eq. (8) are {1-c, c e^{2x}/Z', c e^{x}/Z', c/Z'}, "
        "Z' = 1 + e^{x} + e^{2x}, x = beta omega",
        not remaining and len(derived) == 4,
        "derived eigenvalues " + ", ".join(sympy.sstr(v) for v in derived)
        + "; they match the printed list one to one (the printed eigenvector of the second "
        "eigenvalue, [0, 0, 0, 1]^T/sqrt(2), and of the fourth carry a spurious 1/sqrt(2))")


def _statement_populations() -> Statement:
    rho = derived_rho_c()
    # inversion: the one-excitation population exceeds the ground population
    threshold = sympy.solve(sympy.Eq(rho[1, 1], rho[0, 0]), c)
    thr = sympy.factor(threshold[0]) if len(threshold) == 1 else None
    r0 = np.array(_numeric_family()(0.2, 1.0, 1.0), dtype=complex)
    w_inc, w_coh = ergotropy_split(r0, excitation_hamiltonian(2, 1.0), basis=np.eye(4))
    thr_num = [float(thr.subs({beta: b, omega: 1})) for b in (0.01, 1.0, 10.0)] if thr else []
    return Statement(
        "Sec. IV A: populations not inverted",
        "the populations of Eq. (8) are not inverted, so its ergotropy is entirely due to "
        "coherences", False,
        f"derived populations: |01>, |10> exceed |00> for c < {sympy.sstr(thr)} "
        f"(= {', '.join(_num(t, 4) for t in thr_num)} at beta omega = 0.01, 1, 10). At c = 0.2, "
        f"beta omega = 1: populations (|00>, |01>, |10>, |11>) = "
        f"({', '.join(_num(p_, 4) for p_ in np.real(np.diag(r0)))}); the dephased state alone "
        f"has ergotropy {_num(w_inc, 4)} of the total {_num(w_inc + w_coh, 4)} omega "
        "(incoherent/coherent split in the computational basis)")


def _statement_psi1() -> Statement:
    w_one = eq11_derived()[1][0]
    rr = sympy.Symbol("rr", positive=True)
    w_r = sympy.simplify((w_one / omega).xreplace({beta: -sympy.log(rr) / omega}))
    sup = sympy.limit(w_r, rr, 1)
    positive = all(float(w_r.subs(rr, v)) > 0 for v in (1e-3, 0.1, 0.5, 0.9, 0.999))
    return Statement(
        "Sec. IV A: |psi_1> and |psi_0> initial states",
        "both reach the c = 1 steady state; starting from |psi_1> (ergotropy 2 omega) the "
        "final ergotropy is smaller at all temperatures, starting from |psi_0> (zero ergotropy) "
        "it is non-zero at every finite temperature", bool(sup < 2) and positive,
        f"c(|psi_1>) = c(|psi_0>) = 1; derived W(c = 1) = {sympy.sstr(w_one)} = "
        f"omega r^2/(1 + r + r^2), increasing in r = e^(-beta omega) to {sympy.sstr(sup)} omega "
        "(beta -> 0) < 2 omega, and > 0 for 0 < r")


def _statements_scaling() -> list[Statement]:
    """Thermal and ground initial states, N = 2..5, beta omega in {0.5, 1, 2} (N = 6: the
    checks' matrix routes): sector projections against Eqs. (14)-(17)."""
    worst = dict.fromkeys(("c", "w", "rho", "16", "17", "sum"), 0.0)
    for n in NUMERIC_N[:-1]:
        for x in (0.5, 1.0, 2.0):
            p, rv = {omega: 1.0, beta: x, g: 1.0, f: 0.3}, math.exp(-x)
            th, _ = sector_projection(model_of(n), p, excitation_gibbs_state(n, x))
            rho, _ = sector_projection(model_of(n), p, all_ground_state(n))
            l1, w = l1_of(rho, p), ergotropy_of(rho, p)
            (s16, c16), (s17, c17) = printed_eq16(n), printed_eq17(n)
            at = {r: rv, omega: 1}
            for key, value in (
                    ("c", l1_of(th, p)), ("w", ergotropy_of(th, p)),
                    ("rho", float(np.abs(rho - printed_block_state(n, rv)).max())),
                    ("16", abs(l1 - float(c16.subs(r, rv)))), ("17", abs(w - float(c17.subs(at)))),
                    ("sum", max(abs(l1 - float(s16.subs(r, rv))), abs(w - float(s17.subs(at)))))):
                worst[key] = max(worst[key], value)
    exact = all(sympy.simplify(a - b) == 0
                for n in range(2, 9) for a, b in (printed_eq16(n), printed_eq17(n)))
    return [
        Statement(
            "Sec. IV B: thermal initial states",
            "a thermal initial state gives a steady state without coherence and ergotropy, "
            "for any number of qubits", worst["c"] < 1e-10 and worst["w"] < 1e-10,
            f"N = 2..5, beta omega in {{0.5, 1, 2}}, Gibbs initial state at the "
            f"bath temperature: max C_l1 = {_num(worst['c'], 3)}, max W = {_num(worst['w'], 3)} "
            "(stationary projection on the full space, derived Lindblad form, f = 0.3)"),
        Statement(
            "Eqs. (14)-(15): ground initial state",
            "from |0...0> the steady state is block diagonal, D_k = d_k U_k on the "
            "k-excitation states with d_k of Eq. (15)", worst["rho"] < 1e-10,
            f"N = 2..5, beta omega in {{0.5, 1, 2}} (N = 6: the matrix routes of "
            f"Eqs. (16)-(17)): max |rho_ss - Eqs. (14)-(15)| = {_num(worst['rho'], 3)} "
            "(stationary projection on the full space, derived Lindblad form at numbers, "
            "f = 0.3)"),
        Statement(
            "Eqs. (16)-(17): N = 2..5, numeric",
            "C_l1 and W of the steady state from |0...0> follow Eqs. (16) and (17) "
            "(numbers from the full 2^N space)",
            max(worst["16"], worst["17"], worst["sum"]) < 1e-10,
            f"same points: max |C_l1 - Eq. (16)| = {_num(worst['16'], 3)}, "
            f"max |W - Eq. (17)| = {_num(worst['17'], 3)}, sums of Eqs. (16)-(17) and (C5): "
            f"{_num(worst['sum'], 3)}"),
        Statement(
            "Eqs. (16)-(17): sums = closed forms",
            "sum_k d_k p_k (p_k - 1) and sum_k k p_{k+1} d_{k+1} omega equal the printed "
            "closed forms", exact, "exact in r for N = 2..8"),
    ]


def _statement_high_t_limits() -> Statement:
    def limits_ok(l1: sympy.Expr, w: sympy.Expr, n: int) -> bool:
        return (sympy.simplify(l1 - sympy.Rational(2**n - n - 1, n + 1)) == 0
                and sympy.simplify(w - omega * sympy.Rational(n * (n - 1), 2 * (n + 1))) == 0)

    ok = all(limits_ok(sympy.limit(printed_eq16(n)[1], r, 1),
                       sympy.limit(printed_eq17(n)[1], r, 1), n) for n in range(2, 8))
    derived = []
    for n in SYMBOLIC_N:
        l1 = sympy.limit(dicke_ground_l1(n), beta, 0)
        w = sympy.limit(dicke_ground_ergotropy(n)[0], beta, 0)
        derived.append(f"N = {n}: {sympy.sstr(l1)}, {sympy.sstr(w)}")
        ok &= limits_ok(l1, w, n)
    return Statement(
        "Sec. IV B, Fig. 2: high temperature limits",
        "as r -> 1, C_l1 -> (2^N - N - 1)/(N + 1) and W -> omega N (N - 1)/(2 (N + 1))", ok,
        "limits of the printed closed forms, N = 2..7 (exact); limits beta -> 0 of the "
        "derived (Dicke-route) C_l1, W: " + "; ".join(derived))


def _statement_nbar_beta() -> Statement:
    slope = sympy.simplify(sympy.diff(NBAR, beta))
    return Statement(
        "Sec. IV B: nbar and beta", "increasing nbar corresponds to increasing beta",
        bool(slope.is_positive),
        f"d nbar/d beta = {sympy.sstr(slope)} < 0: nbar grows as beta decreases "
        "(a slip of the text; the argument needs high temperature, small beta)")


def _statement_reduced_states() -> Statement:
    lines, ok = [], True
    for n in (3, 4, 5, 6):
        at = {beta: 1.0, omega: 1.0}
        rho = dicke_diagonal_matrix([float(x.subs(at)) for x in dicke_ground_populations(n)])
        w_total = float(dicke_ground_ergotropy(n)[0].subs(at))
        one, two = partial_trace_last(rho, 2), partial_trace_last(rho, 4)
        c2, w2 = float(l1_coherence(two)), float(ergotropy(two, excitation_hamiltonian(2, 1.0)))
        ok &= abs(one[0, 1]) < 1e-12 and one[1, 1].real < one[0, 0].real
        ok &= c2 > 1e-6 and 0 < w2 < w_total
        lines.append(f"N = {n}: two-qubit C_l1 = {_num(c2, 4)}, W = {_num(w2, 4)} "
                     f"(total W = {_num(w_total, 4)})")
    return Statement(
        "Sec. IV B: reduced states",
        "the single-qubit reduced states of Eq. (14) are diagonal with non-inverted "
        "populations (passive); for N > 2 two-qubit reduced states carry coherence and some "
        "ergotropy, less than the global state's", bool(ok),
        "derived Dicke-route steady state from |0...0> at beta omega = 1: single-qubit "
        "states diagonal, not inverted; " + "; ".join(lines))


def _statement_appendix_a() -> Statement:
    """(A1): 1-c < t0 iff beta > A1 (1/2 < c <= 3/4), always (3/4 < c < 1); (A2): 1-c < t1 iff
    beta < A2; (A3): 1-c < t2 iff beta < A3 (3/4 < c < 1); t0 > t1 > t2 the triplet eigenvalues.
    Decided with the derived eigenvalues at 40 digits around each printed threshold."""
    lam = ex.exact_eigenvalues(derived_rho_c(), ATOMS)
    s_val = next(v for v in lam if not v.has(sympy.exp))
    probe = {c: sympy.Rational(1, 2), beta: 1, omega: 1}
    t0, t1, t2 = sorted((v for v in lam if v.has(sympy.exp)),
                        key=lambda v: -float(v.xreplace(probe)))
    th, bad = printed_appendix_a(), []

    def gap(t: sympy.Expr, cv: sympy.Expr, x: object) -> float:
        return float(sympy.N((s_val - t).xreplace({c: cv, beta: sympy.Float(x, 40), omega: 1}),
                             40))

    for cv in (sympy.Rational(11, 20), sympy.Rational(3, 5), sympy.Rational(7, 10)):
        x1 = float(sympy.N(th["A1"].xreplace({c: cv}), 30))
        if not (gap(t0, cv, x1 * 1.01) < 0 < gap(t0, cv, x1 * 0.99)):
            bad.append(f"A1 at c = {cv}")
    for cv in (sympy.Rational(4, 5), sympy.Rational(9, 10), sympy.Rational(99, 100)):
        if any(gap(t0, cv, x) >= 0 for x in (0, sympy.Rational(1, 2), 2, 10)):
            bad.append(f"A1 at c = {cv}")
        for key, t in (("A2", t1), ("A3", t2)):
            xk = float(sympy.N(th[key].xreplace({c: cv, omega: 1}), 30))
            if not (gap(t, cv, xk * 0.99) < 0 < gap(t, cv, xk * 1.01)):
                bad.append(f"{key} at c = {cv}")
    return Statement(
        "Appendix A: eigenvalue ordering",
        "the first eigenvalue of Eq. (10), 1 - c, drops below the second, third and fourth "
        "at the temperatures of Eqs. (A1)-(A3)", not bad,
        "derived eigenvalues compared just above and below each printed threshold "
        "(omega = 1), c in {0.55, 0.6, 0.7} for (A1) and {0.8, 0.9, 0.99} for (A1)-(A3): "
        + ("every inequality switches where printed" if not bad else "fails: " + ", ".join(bad))
        + "; (A1) prints beta > log(...) without the 1/omega of (A2)-(A3) (same at omega = 1)")


def _statement_eqs_16_17_large_n() -> Statement:
    """Eqs. (16)-(17) at N = 10..100 by the permutation-invariant route (issue 14)."""
    from symthermo.numeric import permutation as pi

    gen = pi.collective_generator(make_model(3), {omega: 1.0, beta: 1.0, g: 1.0, f: 0.3})
    worst, rv = 0.0, math.exp(-1.0)
    for n in (10, 25, 50, 100):
        st = pi.permutation_invariant_steady_state(
            gen.with_qubits(n), pi.PermutationInvariantState.ground(n))
        w = st.ergotropy(pi.excitation_number_blocks(n))
        worst = max(worst, abs(st.l1_coherence() / float(printed_eq16(n)[1].subs(r, rv)) - 1),
                    abs(w / float(printed_eq17(n)[1].subs({r: rv, omega: 1})) - 1))
    return Statement(
        "Eqs. (16)-(17): N = 10..100",
        "C_l1 and W of the steady state from |0...0> follow Eqs. (16)-(17) for large N",
        worst < 1e-6,
        f"beta omega = 1, f = 0.3, N = 10, 25, 50, 100: max relative deviation "
        f"{worst:.1e} (permutation-invariant route: spin blocks, projected stationary "
        "state)")


def statements() -> list[Statement]:
    """The statements, in the report's order."""
    thermal, *scaling = _statements_scaling()
    return [_statement_uniqueness(), _statement_psi_minus(), _statement_eq8_numeric(),
            _statement_eq9_zero(), _statement_eq10(), _statement_fig1(),
            _statement_high_t_equality(), _statement_appendix_a(), _statement_populations(),
            _statement_psi1(), thermal, *scaling, _statement_eqs_16_17_large_n(),
            _statement_high_t_limits(), _statement_nbar_beta(), _statement_reduced_states()]
