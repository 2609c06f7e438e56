"""Cakmak, ergotropy from coherences: the paper's checks, each printed equation against the
engine's derivation and a matrix route (the declaration, models, printed equations, convention
mappings and routes: derivations/collective_ergotropy.py).

* Eqs. (5)-(7): Tr[X L(rho)] for a generic observable and state
  (:class:`symthermo.papers.state_routes.GeneratorPairing`), N = 2 and 3, collective limit;
* Eq. (8): Tr[X rho_ss] of the closure's stationary family labelled by the conserved c;
* Eqs. (9), (11)-(13): l1 norm and ergotropy of that family (exact; limits of the formula that
  is passive on each region of c);
* Eqs. (16)-(17): the steady state reached from |0...0>, N = 2 (closure) and N = 3..6
  (Dicke subspace), under the convention r = nbar/(nbar + 1).

Matrix routes: stationary projections of random initial states of the region
(:class:`symthermo.papers.state_routes.SteadyStateMeasure`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from derivations.collective_ergotropy import (
    C_LOW,
    C_UPPER,
    CUTOFF,
    MODELS,
    R_NOTE,
    SAMPLING,
    SYMBOLIC_N,
    X_ALL,
    X_LARGE,
    X_SMALL,
    c_state,
    collective_mapping,
    derived_rho_c,
    derived_rho_ground,
    dicke_ground_ergotropy,
    dicke_ground_l1,
    eq11_derived,
    ground_route,
    limit_on_pieces,
    omega,
    passive_formula,
    printed_eq8,
    printed_eq9,
    printed_eq11,
    printed_eq12,
    printed_eq13,
    printed_eq16,
    printed_eq17,
    printed_observable_rate,
    r_reading,
    sample_grid,
    system_sites,
    two_qubit_family,
    two_qubit_route,
)
from symthermo import exact_states as ex
from symthermo.papers import Check, compare
from symthermo.papers.excitations import ergotropy_measure, l1_measure
from symthermo.papers.state_routes import GeneratorPairing, pauli_observable

l1_of, ergotropy_of = l1_measure, ergotropy_measure(omega)  # measure(rho, params) -> float


def _check_master_equation(n: int) -> Check:
    pairing = GeneratorPairing(MODELS[f"N{n}"], SAMPLING)
    return Check(
        label="Eqs. (5)-(7)" + ("" if n == 2 else f", N = {n}"),
        quantity=f"master equation, N = {n}: Tr[X L(rho)] for a generic observable X and state "
        "rho (the derived side is the engine's Heisenberg equation d<X>/dt)",
        printed=printed_observable_rate(n), of=pairing, mapping=collective_mapping(n),
        mapping_note="collective limit gamma_ij = gamma_0 and f_ij = f (Sec. III), with "
        "gamma_0 = g^2 for the coupling V_i = g(sigma_i^+ a + sigma_i^- a^dag) to a thermal "
        "oscillator ancilla at the qubit frequency (rates Tr(rho_R a a^dag) = nbar + 1 for "
        "sigma^-, Tr(rho_R a^dag a) = nbar for sigma^+)",
        note="H_d is printed as 'f_ij sum_{i != j} sigma_i^+ sigma_j^-' and read as "
        "sum_{i != j} f_ij sigma_i^+ sigma_j^- (f_ij = f_ji). X = sum_P x_P P over all Pauli "
        "strings; rho = 2^-N (1 + sum_P <P> P). Matrix route: the collision generator "
        "-i[H_S, rho] - (1/2) Tr_R[V, [V, rho (x) rho_R]] from matrices, oscillator cutoff "
        f"{CUTOFF}.",
    )


def _check_eq8() -> Check:
    xs = pauli_observable(system_sites(2))
    printed = sympy.Add(*[x * (ex.pauli_matrix(mono, system_sites(2)) * printed_eq8()).trace()
                          for mono, x in xs.items()])
    route = two_qubit_route("any", pair=True)
    lam, mu = c_state().labelled.slope, c_state().labelled.offset
    return Check(
        label="Eq. (8)",
        quantity="two-qubit steady state rho_ss(beta, c), compared through Tr[X rho_ss] for a "
        "generic observable X = sum_P x_P P",
        printed=sympy.expand(printed), derived=route.observable_expr(c_state().labelled.values),
        note="derived: the engine's symbolic stationary family (one free constant) with its "
        f"conserved quantity q = {sympy.sstr(two_qubit_family().conserved[0])}; the paper's c = "
        f"Tr(Pi_c rho_0) is {sympy.sstr(mu)} + {sympy.sstr(lam)} q, so c is conserved and fixes "
        "the member. Kets read as psi_pm = (|01> +- |10>)/sqrt(2). Matrix route: the stationary "
        "projection of a random initial state under the collision generator built from matrices.",
        matrix_route=route.matrix_route(),
    )


def _checks_eq9() -> list[Check]:
    derived = ex.l1_coherence(derived_rho_c())
    return [Check(
        label=label, printed=printed, derived=derived,
        quantity="l1 norm of coherence of rho_ss(beta, c) (computational basis = eigenbasis of "
        "H_0)",
        note="derived: sum_{i != j} |rho_ij| of the engine's stationary family; matrix route: "
        "l1 norm of the numeric steady state from a random initial state.",
        matrix_route=two_qubit_route("any", l1_of).matrix_route(),
    ) for label, printed in zip(("Eq. (9)", "Eq. (9), second form"), printed_eq9(), strict=True)]


def _checks_eq11() -> list[Check]:
    low, one = printed_eq11()
    (w_low, note_low), (w_one, note_one) = eq11_derived()
    return [
        Check(label="Eq. (11), 0 <= c < 1/2", quantity="ergotropy of rho_ss(beta, c) for "
              "0 <= c < 1/2", printed=low, derived=w_low,
              note=f"derived: Eq. (3) with the engine's eigenvalues; {note_low} (c in "
              "{0, 0.1, 0.25, 0.4, 0.49}, beta*omega in {0.01, 0.1, 1, 3, 10}). Matrix route: "
              "ergotropy of the numeric steady state from a random initial state with c < 1/2.",
              matrix_route=two_qubit_route("low", ergotropy_of).matrix_route()),
        Check(label="Eq. (11), c = 1", quantity="ergotropy of rho_ss(beta, 1)", printed=one,
              derived=w_one, difference_kind="paper error",
              note="the printed omega/Z_+ has the exponents' sign flipped: the passive state "
              "puts the eigenvalues 1/Z_+, e^{-x}/Z_+, e^{-2x}/Z_+ (x = beta omega) on 0, omega, "
              "omega, so W = omega e^{-2x}/Z_+ = omega/(1 + e^{x} + e^{2x}). The printed form "
              "tends to omega (not 0) as beta -> oo, contradicting the paper's own Eq. (12) "
              "(W = 0 for c = 1 at low temperature) and Eq. (17) at N = 2 (the ground initial "
              f"state has c = 1). Derived: {note_one}. Matrix route: ergotropy of the numeric "
              "steady state from a random initial state supported on the triplet (c = 1).",
              matrix_route=two_qubit_route("one", ergotropy_of).matrix_route()),
    ]


def _limit_checks(label: str, quantity: str, xs: Sequence, point: object, temperature: str,
                  rows: Sequence[tuple[str, sympy.Expr, list, str]]) -> list[Check]:
    """Eqs. (12)-(13): the limit beta -> point of the passive formula, per region of c."""
    words = {"low": ("{12, 16, 20}", "40"), "high": ("{1/1000, 1/2000}", "1e-10")}[temperature]
    out = []
    for region, printed, pieces, kind in rows:
        derived, note = limit_on_pieces(pieces, xs, point)
        out.append(Check(
            label=f"{label}, {region}", quantity=quantity, printed=printed, derived=derived,
            note=f"derived: limit beta -> {'oo' if point == sympy.oo else '0'} of the ergotropy "
            f"formula that is passive at beta*omega in {words[0]}; {note}. Matrix route: the "
            f"numeric steady state at beta*omega = {words[1]} (derived Lindblad form) from a "
            "random initial state in the region.",
            matrix_route=two_qubit_route(kind, ergotropy_of, temperature).matrix_route()))
    return out


def _checks_limits() -> list[Check]:
    low, upper = printed_eq12()
    below, at, above = printed_eq13()
    half, quarter3 = sympy.Rational(1, 2), sympy.Rational(3, 4)
    c_below = (0, sympy.Rational(1, 4), half, sympy.Rational(7, 10))
    c_above = (sympy.Rational(4, 5), sympy.Rational(9, 10), 1)
    return [
        *_limit_checks("Eq. (12)", "ergotropy, low temperature limit", X_LARGE, sympy.oo, "low", [
            ("0 <= c < 1/2", low, [("interval", C_LOW)], "low"),
            ("1/2 <= c <= 1", upper, [("point", half), ("interval", C_UPPER), ("point", 1)],
             "upper")]),
        *_limit_checks("Eq. (13)", "ergotropy, high temperature limit", X_SMALL, 0, "high", [
            ("0 <= c < 3/4", below, [("interval", c_below)], "below"),
            ("c = 3/4", at, [("point", quarter3)], "three_quarters"),
            ("3/4 < c <= 1", above, [("interval", c_above)], "high")]),
    ]


def _checks_scaling() -> list[Check]:
    """Eqs. (16)-(17) from |0...0>: N = 2 by the closure (sums and closed forms), N = 3..6 on
    the symmetric subspace; matrix routes: stationary projections of |0...0>."""
    rho = derived_rho_ground()
    w2, note_w2 = passive_formula(rho, sample_grid([0], X_ALL))
    rows = [(2, "Eq. (16), N = 2 (sum)", printed_eq16(2)[0], ex.l1_coherence(rho), "l1 norm."),
            (2, "Eq. (16), N = 2", printed_eq16(2)[1], ex.l1_coherence(rho), "l1 norm."),
            (2, "Eq. (17), N = 2 (sum)", printed_eq17(2)[0], w2, f"ergotropy; {note_w2}."),
            (2, "Eq. (17), N = 2", printed_eq17(2)[1], w2, f"ergotropy; {note_w2}.")]
    for n in SYMBOLIC_N:
        w, note_w = dicke_ground_ergotropy(n)
        rows += [(n, f"Eq. (16), N = {n}", printed_eq16(n)[1], dicke_ground_l1(n),
                  "l1 norm = sum_k w_k (p_k - 1)."),
                 (n, f"Eq. (17), N = {n}", printed_eq17(n)[1], w, f"ergotropy; {note_w}.")]
    out = []
    for n, label, printed, derived, extra in rows:
        is_l1 = extra.startswith("l1")
        if n == 2:
            base = ("derived: the engine's stationary family fixed by the initial state |00> "
                    "(SteadyStateFamily.fix); ")
            route = (" Matrix route: numeric steady state from |00> (collision generator from "
                     "matrices).")
        else:
            base = ("derived: the generator restricted exactly to the symmetric (Dicke) "
                    "subspace, which contains |0...0> and is invariant (checked), and to its "
                    "diagonal; its one-dimensional kernel gives populations w_k of |D_k>; ")
            route = (" Matrix route: the stationary projection of |0...0> on the full 2^N space "
                     "(sector of equal excitation numbers), derived Lindblad form at numbers.")
        out.append(Check(
            label=label, printed=printed, derived=derived, mapping=r_reading, mapping_note=R_NOTE,
            quantity=("l1 coherence" if is_l1 else "ergotropy")
            + f" of the steady state reached from the all-ground state, N = {n}",
            note=base + extra + route,
            matrix_route=ground_route(n, l1_of if is_l1 else ergotropy_of).matrix_route()))
    return out


def checks() -> list[Check]:
    """Every check, in the report's order, compared (:func:`symthermo.papers.compare`)."""
    checks = [_check_master_equation(2), _check_master_equation(3), _check_eq8(),
              *_checks_eq9(), *_checks_eq11(), *_checks_limits(), *_checks_scaling()]
    return [compare(ch) for ch in checks]
