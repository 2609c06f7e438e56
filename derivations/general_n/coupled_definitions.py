"""Coupled ensembles, general N: the paper's general definitions as double commutators of the
couplings V_{i,n} (Eq. (9)), for symbolic N.

* Eqs. (5), (6), (14): the local, common non-local and cascaded non-local dissipators,
  -1/2 sum_n Tr_E[V_{i,n}, [V_{i,n}, rho_SE]], -1/2 sum_{n' != n} Tr_E[V_{i,n'}, [V_{i,n},
  rho_SE]] and -sum_{n' > n} Tr_E[V_{i,n'}, [V_{i,n}, rho_SE]];
* Eqs. (19)-(21): W^com = W_loc^com + W_non-loc^com, -1/2 sum_i sum_n <[V_{i,n}, [V_{i,n},
  H_S + H_{E_i}]]> and -1/2 sum_i sum_{n' != n} <[V_{i,n'}, [V_{i,n}, H_S + H_{E_i}]]>;
* Eqs. (22)-(24): the same for the heat current of bath E_i with H_{E_i} alone and +1/2;
* Eqs. (40), (41): the cascaded non-local work and heat, -sum_i sum_{n' > n} <[V_{i,n},
  [V_{i,n'}, H_S + H_{E_i}]]> and sum_{n' > n} <[V_{i,n}, [V_{i,n'}, H_{E_i}]]>;
* Eq. (A8) (Appendix A): the non-local heat as restated there, with H_S + H_{E_i}.

Each printed definition is transcribed with :func:`~symthermo.algebra.indexed.isum` over the
transcribed V_{i,n} and evaluated with the indexed algebra (commutators of sums, then the
partial trace over the oscillator in its thermal state).  The derived side is the engine's:
:func:`symthermo.indexed_thermo.heat_current` / ``work_current`` (the pair-term expansion of
the family model) and, for the dissipators, the Lindblad form built from rates and jump
families (plus the cascaded Hamiltonian for Eq. (14)), compared through the adjoint on
observables X: Tr[X D(rho)] = <D^dag(X)>, where Tr[X [A, [B, rho]]] = <[B, [A, X]]>.
"""

from __future__ import annotations

import sympy

from derivations.general_n import coupled_ensembles as ce
from symthermo.algebra.indexed import IndexedOperator, indexed_commutator, isum

N, n, n2 = ce.N, ce.n, ce.n2
BATHS = ce.BATHS


def coupling(i: str, k: object) -> IndexedOperator:
    """V_{i,k} = g_{i,k} (sigma^+_{i,k} a_i + sigma^-_{i,k} a_i^dag) (Eq. (9))."""
    f, a = ce.FAMILY[i], ce.ANCILLA[i]
    return ce.g[i][k] * (f[k].plus * a.a + f[k].minus * a.adag)  # type: ignore[index]


def bath_hamiltonian(i: str) -> object:
    """H_{E_i} = omega_i a_i^dag a_i (Eq. (8))."""
    a = ce.ANCILLA[i]
    return ce.omega[i] * a.adag * a.a


def system_hamiltonian(kind: str) -> IndexedOperator:
    """H_S = sum_i sum_n omega_i sigma^+_{i,n} sigma^-_{i,n} + H_I (Eqs. (1), (7), (29)/(31))."""
    local = isum(ce.omega["h"] * ce.FAMILY["h"][n].plus * ce.FAMILY["h"][n].minus, n)
    local = local + isum(ce.omega["c"] * ce.FAMILY["c"][n].plus * ce.FAMILY["c"][n].minus, n)
    return local + ce._interaction(kind)  # the model's H_I (Eqs. (29), (31))


def double_commutator_sum(i: str, x: object, which: str) -> IndexedOperator:
    """sum [V_outer, [V_inner, X]] as printed: ``"same"`` sum_n [V_n, [V_n, X]];
    ``"distinct"`` sum_{n' != n} [V_{n'}, [V_n, X]]; ``"cascaded"`` sum_{n' > n} [V_n,
    [V_{n'}, X]] (the earlier member outermost: Eqs. (40), (41), and the adjoint of Eq. (14))."""
    v1, v2 = coupling(i, n), coupling(i, n2)
    if which == "same":
        return isum(indexed_commutator(v1, indexed_commutator(v1, x)), n)
    if which == "distinct":
        return isum(indexed_commutator(v2, indexed_commutator(v1, x)), (n, n2), "distinct")
    if which == "cascaded":
        return isum(indexed_commutator(v1, indexed_commutator(v2, x)), (n, n2), "ordered")
    raise ValueError(which)


def _trace(op: IndexedOperator, i: str, variant: str) -> IndexedOperator:
    """Tr_E[(1 (x) rho_{E_i}) op] (the oscillator of bath i thermal at T_i)."""
    from symthermo import indexed_thermo as it

    return it.indexed_partial_trace(op, ce.family_model(variant).bath(i))


def printed_heat(eq: str, i: str) -> sympy.Expr:
    """Eqs. (23), (24), (22) = (23) + (24), (41), and (A8) for bath i."""
    from symthermo.algebra.indexed import indexed_expectation

    h_e = bath_hamiltonian(i)
    if eq == "23":
        op, variant = double_commutator_sum(i, h_e, "same") / 2, "com1"
    elif eq == "24":
        op, variant = double_commutator_sum(i, h_e, "distinct") / 2, "com1"
    elif eq == "22":
        op = (double_commutator_sum(i, h_e, "same") + double_commutator_sum(i, h_e, "distinct"))
        op, variant = op / 2, "com1"
    elif eq == "41":
        op, variant = double_commutator_sum(i, h_e, "cascaded"), "cas1"
    elif eq == "A8":
        x = system_hamiltonian("1") + h_e
        op, variant = double_commutator_sum(i, x, "distinct") / 2, "com1"
    else:
        raise ValueError(eq)
    return indexed_expectation(_trace(op, i, variant))


def printed_work(eq: str, kind: str) -> sympy.Expr:
    """Eqs. (20), (21), (19) = (20) + (21) (common) and (40) (cascaded), summed over i = h, c,
    with H_S of the interaction ``kind`` (H_I^(1) of Eq. (29) or H_I^(2) of Eq. (31))."""
    from symthermo.algebra.indexed import indexed_expectation

    variant = ("cas" if eq == "40" else "com") + kind
    total = IndexedOperator()
    for i in BATHS:
        x = system_hamiltonian(kind) + bath_hamiltonian(i)
        if eq == "20":
            op = double_commutator_sum(i, x, "same") * sympy.Rational(-1, 2)
        elif eq == "21":
            op = double_commutator_sum(i, x, "distinct") * sympy.Rational(-1, 2)
        elif eq == "19":
            op = (double_commutator_sum(i, x, "same") + double_commutator_sum(i, x, "distinct")
                  ) * sympy.Rational(-1, 2)
        elif eq == "40":
            op = -double_commutator_sum(i, x, "cascaded")
        else:
            raise ValueError(eq)
        total = total + _trace(op, i, variant)
    return indexed_expectation(total)


def printed_dissipator_adjoint(eq: str, i: str, x: object) -> IndexedOperator:
    """Tr[X D(rho)] of Eqs. (5), (6), (14) for bath i as an operator on X: Tr[X [A, [B, rho_SE]]]
    = <[B, [A, X]]>, so -1/2 sum_n <[V_n, [V_n, X]]> (5), -1/2 sum_{n' != n} <[V_n, [V_{n'},
    X]]> (6), -sum_{n' > n} <[V_n, [V_{n'}, X]]> (14)."""
    if eq == "5":
        op, variant = double_commutator_sum(i, x, "same") * sympy.Rational(-1, 2), "com1"
    elif eq == "6":
        # [V_n, [V_{n'}, X]] summed over n' != n: the "distinct" sum with n <-> n' as printed
        v1, v2 = coupling(i, n), coupling(i, n2)
        dc = isum(indexed_commutator(v1, indexed_commutator(v2, x)), (n, n2), "distinct")
        op, variant = dc * sympy.Rational(-1, 2), "com1"
    elif eq == "14":
        op, variant = -double_commutator_sum(i, x, "cascaded"), "cas1"
    else:
        raise ValueError(eq)
    return _trace(op, i, variant)


def derived_dissipator_adjoint(eq: str, i: str, x: object) -> IndexedOperator:
    """The engine's Lindblad form (rates gamma_ab = Tr(rho_E B_b^dag B_a), jump families): its
    local (Eq. (5)) or non-local (Eqs. (6), (14)) dissipator entries of bath i on X; for the
    cascaded bath plus i[H_cas, X], the cascaded Hamiltonian (i/2) sum_{n<n'} Tr_E[V_n, V_n']
    that the paper counts in D_non-loc (Eq. (14))."""
    from symthermo import indexed_thermo as it
    from symthermo.algebra.indexed import as_indexed

    variant = "cas1" if eq == "14" else "com1"
    lf = it.lindblad_form(ce.family_model(variant))
    (ch,) = [c for c in lf.channels if c.bath.name == i]
    x = as_indexed(x)
    one_bath = it.FamilyLindbladForm(ch.hamiltonian, (ch,))
    out = one_bath.adjoint(x, "local" if eq == "5" else "nonlocal")
    if eq == "14":
        out = out + indexed_commutator(ch.hamiltonian, x) * sympy.I
    return out


_MD = ("Sum over n' != n as in the .md (the .txt extraction renders != as a comma, "
       "'n',n=1'). ")
_UNROLLED = ("N symbolic; unrolled at N = 2, 3, 4 the printed definition equals the instance "
             "engine's current (tests/test_general_definitions.py).")


def dissipator_rows() -> list:
    """Eqs. (5), (6), (14), i = h, on sigma^z_{h,m}, sigma^+_{h,m} sigma^-_{h,m'} (m != m') and
    sigma^+_{h,m} sigma^-_{c,m}."""
    from derivations.framework import Check
    from derivations.general_n.coupled_ensembles import canonical, dissipator_route
    from symthermo.algebra.indexed import assume_distinct, index, indexed_expectation

    m, m2 = index("m", N), index("m'", N)
    h, c = ce.FAMILY["h"], ce.FAMILY["c"]
    observables = (("sigma^z_{h,m}", h[m].z),
                   ("sigma^+_{h,m} sigma^-_{h,m'}", h[m].plus * h[m2].minus),
                   ("sigma^+_{h,m} sigma^-_{c,m}", h[m].plus * c[m].minus))
    rows = (("5", "com1", True, "local dissipator -1/2 sum_n Tr_E[V, [V, rho_SE]]", ""),
            ("6", "com1", False,
             "non-local dissipator, common: -1/2 sum_{n' != n} Tr_E[V_n', [V_n, rho_SE]]", _MD),
            ("14", "cas1", False,
             "non-local dissipator, cascaded: -sum_{n' > n} Tr_E[V_n', [V_n, rho_SE]]",
             "The later member n' is outermost in the Schroedinger picture (earlier outermost "
             "for the adjoint); the derived side is the Lindblad form's cross entries plus "
             "i[H_cas, X]. "))
    out = []
    for eq, variant, local, what, note in rows:
        for name, x in observables:
            printed = canonical(indexed_expectation(assume_distinct(
                printed_dissipator_adjoint(eq, "h", x))))
            derived = canonical(indexed_expectation(assume_distinct(
                derived_dissipator_adjoint(eq, "h", x))))
            out.append(Check(
                f"Eq. ({eq}), i = h, general N, X = {name}", f"{what}: Tr[X D(rho)]",
                printed, derived,
                note=note + "Compared through the adjoint on X (free indices distinct; the "
                     "matrix route at N = 3, m = 2, m' = 3, so that members before and after m "
                     "occur); derived from the engine's Lindblad form (rates and jump "
                     "families), an independent construction. "
                     + _UNROLLED.replace("current", "adjoint dissipator"),
                matrix_route=dissipator_route([printed, derived], variant, local, x,
                                              {m: 2, m2: 3})))
    return out


def current_rows() -> list:
    """Eqs. (19)-(24), (40), (41) and (A8) against the engine's currents."""
    from derivations.framework import Check
    from derivations.general_n.coupled_ensembles import canonical, current_route
    from symthermo import indexed_thermo as it

    out = []
    for kind in ("1", "2"):
        hi = "H_I^(1), Eq. (29)" if kind == "1" else "H_I^(2), Eq. (31)"
        for eq, variant, part, what, note in (
            ("19", "com", "total", "work current W^com = W_loc^com + W_non-loc^com", ""),
            ("20", "com", "local", "local work current -1/2 sum_i sum_n <[V, [V, H_S + H_E]]>",
             ""),
            ("21", "com", "nonlocal",
             "non-local work current -1/2 sum_i sum_{n' != n} <[V_n', [V_n, H_S + H_E]]>", _MD),
            ("40", "cas", "nonlocal",
             "non-local work current, cascaded: -sum_i sum_{n' > n} <[V_n, [V_n', H_S + H_E]]>",
             "The earlier member n outermost, no factor 1/2. "),
        ):
            model = ce.family_model(variant + kind)
            printed = canonical(printed_work(eq, kind))
            derived = canonical(it.work_current(model, None, part))
            out.append(Check(
                f"Eq. ({eq}), {hi}, general N", what, printed, derived, note=note + _UNROLLED,
                matrix_route=current_route([printed, derived], variant + kind, "work", None,
                                           part)))
    for i in BATHS:
        for eq, variant, part, what, note in (
            ("22", "com1", "total", "heat current Q^com(i) = Q_loc + Q_non-loc", ""),
            ("23", "com1", "local", "local heat current 1/2 sum_n <[V, [V, H_E]]>", ""),
            ("24", "com1", "nonlocal",
             "non-local heat current 1/2 sum_{n' != n} <[V_n', [V_n, H_E]]>", _MD),
            ("41", "cas1", "nonlocal",
             "non-local heat current, cascaded: sum_{n' > n} <[V_n, [V_n', H_E]]>",
             "The earlier member n outermost, no factor 1/2. "),
            ("A8", "com1", "nonlocal",
             "non-local heat current as restated in Appendix A: 1/2 sum_{n != n'} <[V_n', "
             "[V_n, H_S + H_E]]>",
             "Appendix A, Eqs. (A7)-(A8), writes H_S + H_{E_i} in the non-local heat where "
             "Eqs. (16), (24) and the local term have H_{E_i} alone. Since [V_{i,n}, "
             "H_{S_{i,n}} + H_{E_i}] = 0 (energy conservation), [V_n, H_S + H_{E_i}] = [V_n, "
             "H_I], so the restated expression is 1/2 sum_{n != n'} <[V_n', [V_n, H_I]]> = "
             "minus bath i's non-local work, not the non-local heat. A slip of the appendix "
             "(Eq. (24) holds; the .txt and the .md print the same H_S + H_{E_i}). "),
        ):
            model = ce.family_model(variant)
            printed = canonical(printed_heat(eq, i))
            derived = canonical(it.heat_current(model, i, part))
            out.append(Check(
                f"Eq. ({eq}), i = {i}, general N", what.replace("H_E", f"H_E{i}"), printed,
                derived, note=note + _UNROLLED,
                difference_kind="paper error" if eq == "A8" else "",
                matrix_route=current_route([printed, derived], variant, "heat", i, part)))
    return out


def definition_checks() -> list:
    """The rows of this module (dissipators first)."""
    return dissipator_rows() + current_rows()
