"""Coupled ensembles with N symbolic: two ensembles h, c of N qubits, each meeting its own
oscillator bath (Eqs. (1)-(15) of coupled-ensembles), six scenarios com/cas/ind x H_I^(1)/(2).

* H_S = sum_{i=h,c} sum_n omega_i sigma^+_{i,n} sigma^-_{i,n} + H_I (Eqs. (1), (7));
* H_I^(1) = sum_{n,n'} Omega_{nn'} (sigma^+_{h,n} sigma^-_{c,n'} + h.c.) (Eq. (29), N general),
  H_I^(2) = sum_n Omega_n (sigma^+_{h,n} sigma^-_{c,n} + h.c.) (Eq. (31));
* V_{i,n} = g_{i,n} (sigma^+_{i,n} a_i + sigma^-_{i,n} a_i^dag) (Eq. (9)), ancilla H_{E_i} =
  omega_i a^dag a thermal at T_i.

Parameters g_{i,n}, Omega_{nn'}, Omega_n are indexed (sympy IndexedBase, non-uniform).
:func:`instance_model` builds the same model at a concrete N by hand (loops over n) for the
instance engine; an extra intra-ensemble model (``intra``: sum_{n != n'} Omega_{nn'}
(sigma^+_{h,n} sigma^-_{h,n'} + h.c.)) exercises sums over distinct members of one family.
"""

from __future__ import annotations

from functools import cache

import sympy

from symthermo.algebra import boson, operator_sum, qubit
from symthermo.algebra.indexed import IndexedOperator, isum, qubit_family, size_symbol
from symthermo.indexed_thermo import FamilyModel, family_bath
from symthermo.model import CollisionModel, bath, collision_model
from symthermo.states import ThermalOscillator

BATHS = ("h", "c")
SCHEMES = {"com": "simultaneous", "cas": "cascaded", "ind": "independent"}
VARIANTS = tuple(f"{s}{k}" for s in SCHEMES for k in ("1", "2"))

N = size_symbol("N")
FAMILY = {i: qubit_family(i, N) for i in BATHS}
n, n2 = FAMILY["h"].indices(2)
ANCILLA = {"h": boson("Eh"), "c": boson("Ec")}

omega = {i: sympy.Symbol(f"omega_{i}", positive=True) for i in BATHS}
T = {i: sympy.Symbol(f"T_{i}", positive=True) for i in BATHS}
g = {i: sympy.IndexedBase(f"g_{i}", real=True) for i in BATHS}
Omega1 = sympy.IndexedBase("Omega", real=True)  # Omega_{nn'} of Eq. (29)
Omega2 = sympy.IndexedBase("Omega", real=True)  # Omega_n of Eq. (31) (one index)
Omega_intra = sympy.IndexedBase("Omega^h", real=True)
g_u = sympy.Symbol("g", positive=True)
Omega_u = sympy.Symbol("Omega", real=True)


def _state(i: str) -> ThermalOscillator:
    return ThermalOscillator(ANCILLA[i], omega=omega[i], beta=1 / T[i])


def _interaction(kind: str) -> IndexedOperator:
    h, c = FAMILY["h"], FAMILY["c"]
    if kind == "1":
        return isum(Omega1[n, n2] * (h[n].plus * c[n2].minus + h[n].minus * c[n2].plus),
                    (n, n2))
    if kind == "2":
        return isum(Omega2[n] * (h[n].plus * c[n].minus + h[n].minus * c[n].plus), n)
    if kind == "intra":
        return isum(Omega_intra[n, n2] * (h[n].plus * h[n2].minus + h[n].minus * h[n2].plus),
                    (n, n2), "distinct")
    raise ValueError(kind)


@cache
def family_model(variant: str) -> FamilyModel:
    """The general-N model of a scenario ``com|cas|ind`` + ``1|2|intra``."""
    scheme, kind = SCHEMES[variant[:3]], variant[3:]
    baths = []
    for i in BATHS:
        a, f = ANCILLA[i], FAMILY[i]
        baths.append(family_bath(
            i, _state(i), omega[i] * a.adag * a.a,
            {i: g[i][n] * (f[n].plus * a.a + f[n].minus * a.adag)},
            scheme=scheme, beta=1 / T[i],  # type: ignore[arg-type]
        ))
    local = sum((isum(omega[i] * FAMILY[i][n].plus * FAMILY[i][n].minus, n) for i in BATHS),
                start=0 * isum(FAMILY["h"][n].z, n))
    return collision_model(  # type: ignore[return-value]
        [FAMILY["h"], FAMILY["c"]], local, baths, _interaction(kind),
        name=f"coupled_ensembles[{variant}]",
    )


@cache
def instance_model(variant: str, size: int) -> CollisionModel:
    """The same model at N = size, built by hand for the instance engine."""
    scheme, kind = SCHEMES[variant[:3]], variant[3:]
    site = {(i, k): qubit(f"{i}{k}") for i in BATHS for k in range(1, size + 1)}
    ks = range(1, size + 1)
    baths = []
    for i in BATHS:
        a = ANCILLA[i]
        baths.append(bath(
            i, _state(i), omega[i] * a.adag * a.a,
            [(f"{i}{k}", g[i][k] * (site[i, k].plus * a.a + site[i, k].minus * a.adag))
             for k in ks],
            scheme=scheme, beta=1 / T[i],  # type: ignore[arg-type]
        ))
    local = operator_sum(omega[i] * site[i, k].plus * site[i, k].minus for i in BATHS for k in ks)
    h, c = (lambda k: site["h", k]), (lambda k: site["c", k])
    if kind == "1":
        hi = operator_sum(Omega1[k, m] * (h(k).plus * c(m).minus + h(k).minus * c(m).plus)
                          for k in ks for m in ks)
    elif kind == "2":
        hi = operator_sum(Omega2[k] * (h(k).plus * c(k).minus + h(k).minus * c(k).plus)
                          for k in ks)
    else:
        hi = operator_sum(Omega_intra[k, m] * (h(k).plus * h(m).minus + h(k).minus * h(m).plus)
                          for k in ks for m in ks if k != m)
    sites = [site["h", k] for k in ks] + [site["c", k] for k in ks]
    return collision_model(sites, local, baths, hi, name=f"coupled_ensembles[{variant}]N{size}")


def uniform(variant: str) -> dict:
    """g_{i,n} -> g, Omega_{nn'} (Omega_n) -> Omega: every entry of the indexed parameters
    (keys are IndexedBase objects; see FamilyModel.subs)."""
    kind = variant[3:]
    out: dict = {g[i]: g_u for i in BATHS}
    out[Omega_intra if kind == "intra" else Omega1] = Omega_u
    return out


# --------------------------------------------------------------------------------------------
# general-N rows of the report: printed general equations (transcribed with the indexed
# algebra, never edited to agree) against the derived general forms
# --------------------------------------------------------------------------------------------


def n_thermal(i: str) -> sympy.Expr:
    """n_i = 1/(e^{omega_i/T_i} - 1) (text after Eq. (11))."""
    return 1 / (sympy.exp(omega[i] / T[i]) - 1)


def gamma_minus(i: str, a: object, b: object) -> sympy.Expr:
    """gamma^-_{i,kl} = g_{i,k} g_{i,l} (n_i + 1)."""
    return g[i][a] * g[i][b] * (n_thermal(i) + 1)


def gamma_plus(i: str, a: object, b: object) -> sympy.Expr:
    """gamma^+_{i,kl} = g_{i,k} g_{i,l} n_i."""
    return g[i][a] * g[i][b] * n_thermal(i)


def _ev(op: object) -> sympy.Expr:
    from symthermo.algebra.indexed import indexed_expectation

    return indexed_expectation(op)


def _pair_plus(i: str, a: object, j: str, b: object) -> IndexedOperator:
    """(sigma^+_{i,a} sigma^-_{j,b})_+ = sigma^+ sigma^- + sigma^- sigma^+ (after Eq. (26))."""
    fa, fb = FAMILY[i], FAMILY[j]
    return fa[a].plus * fb[b].minus + fa[a].minus * fb[b].plus


def printed_heat(eq: str, i: str) -> sympy.Expr:
    """Eqs. (25), (26) (the sum over n', n read as n != n'), (43) (n' > n)."""
    f, w = FAMILY[i], omega[i]
    if eq == "25":
        return _ev(isum(w * (gamma_plus(i, n, n) * f[n].minus * f[n].plus
                             - gamma_minus(i, n, n) * f[n].plus * f[n].minus), n))
    if eq == "26":
        return _ev(isum(w / 2 * (gamma_plus(i, n, n2) - gamma_minus(i, n, n2))
                        * _pair_plus(i, n, i, n2), (n, n2), "distinct"))
    return _ev(isum(w * (gamma_plus(i, n, n2) - gamma_minus(i, n, n2))
                    * _pair_plus(i, n, i, n2), (n, n2), "ordered"))


def printed_work(eq: str, kind: str) -> sympy.Expr:
    """Eqs. (27), (28) (n != n'), (42) (n' > n), with F_{i,n} = [H_I, sigma^-_{i,n}]; c.c. is
    the complex conjugate, i.e. the expectation of the Hermitian conjugate operator."""
    from symthermo.algebra.indexed import indexed_commutator

    h_i = _interaction(kind)
    total = 0 * isum(FAMILY["h"][n].z, n)
    for i in BATHS:
        f = FAMILY[i]

        def big_f(k: object, f: object = f) -> IndexedOperator:
            return indexed_commutator(h_i, f[k].minus)  # type: ignore[index]

        if eq == "27":
            body = isum(gamma_minus(i, n, n) * f[n].plus * big_f(n)
                        - gamma_plus(i, n, n) * big_f(n) * f[n].plus, n) / 2
        elif eq == "28":
            body = isum(gamma_minus(i, n, n2) * f[n].plus * big_f(n2)
                        - gamma_plus(i, n, n2) * big_f(n2) * f[n].plus, (n, n2), "distinct") / 2
        else:
            body = isum(gamma_minus(i, n, n2) * f[n].plus * big_f(n2)
                        - gamma_plus(i, n, n2) * big_f(n2) * f[n].plus, (n, n2), "ordered")
        total = total + body + body.dagger()
    return _ev(total)


def canonical(expr: sympy.Expr) -> sympy.Expr:
    """The ordered canonical form of a general-N expression (equal forms: identical)."""
    from symthermo.algebra.indexed import _as_indexed_operator, indexed_expectation, ordered_form

    op = _as_indexed_operator(sympy.sympify(expr))
    if op is None:
        raise ValueError("canonical() needs an expression linear in expectation values")
    return indexed_expectation(ordered_form(op))


def general_checks() -> list:
    """Check records of the general-N rows (status decided by derivations.framework.compare on
    canonical forms: identical general forms cancel exactly)."""
    from derivations.framework import Check
    from symthermo import indexed_thermo as it

    checks = []
    com, cas = family_model("com1"), family_model("cas1")
    unrolled = ("The general form unrolled at N = 2, 3, 4 equals the instance engine's "
                "(tests/test_indexed.py).")
    for i in BATHS:
        rows = (
            ("25", "local heat current from bath E_{i}", "com1", "local", unrolled),
            ("26", "non-local heat current from bath E_{i}, common", "com1", "nonlocal",
             "The printed sum over n', n = 1..N is over n != n' (the non-local part); with the "
             "sum over ordered pairs n != n' the printed 1/2 is right. " + unrolled),
            ("43", "non-local heat current from bath E_{i}, cascaded", "cas1", "nonlocal",
             "Sum over n' > n without a factor 1/2. " + unrolled),
        )
        for eq, what, variant, part, note in rows:
            model = com if variant == "com1" else cas
            printed = canonical(printed_heat(eq, i))
            derived = canonical(it.heat_current(model, i, part))
            checks.append(Check(
                f"Eq. ({eq}), i = {i}, general N", what.format(i=i), printed, derived, note=note,
                matrix_route=current_route([printed, derived], variant, "heat", i, part)))
    for kind in ("1", "2"):
        com_k, cas_k = family_model(f"com{kind}"), family_model(f"cas{kind}")
        hi = "H_I^(1), Eq. (29)" if kind == "1" else "H_I^(2), Eq. (31)"
        rows = (("27", "local work current, common", com_k, f"com{kind}", "local"),
                ("28", "non-local work current, common (n != n')", com_k, f"com{kind}",
                 "nonlocal"),
                ("42", "non-local work current, cascaded (n' > n)", cas_k, f"cas{kind}",
                 "nonlocal"))
        for eq, what, model, variant, part in rows:
            printed = canonical(printed_work(eq, kind))
            derived = canonical(it.work_current(model, None, part))
            checks.append(Check(
                f"Eq. ({eq}), {hi}, general N", what, printed, derived, note=unrolled,
                matrix_route=current_route([printed, derived], variant, "work", None, part)))
    from derivations.general_n import coupled_definitions as defs

    # the general definitions (Eqs. (5), (6), (14), (19)-(24), (40), (41)) before the TLS forms
    return defs.dissipator_rows() + dissipator_checks() + defs.current_rows() + checks


def general_quantities() -> list:
    """The general-N currents for equations.tex (LaTeX only; kernels need a concrete N):
    with H_I^(1) (Omega_{nn'}, Eq. (29)), the local heat (all schemes, Eq. (25)), and the
    non-local heat and the local and non-local work for the common and cascaded baths (Eqs.
    (26)-(28), (42), (43))."""
    from symthermo import indexed_thermo as it
    from symthermo.emit import Quantity, current_symbol

    scheme = {"com1": "common bath", "cas1": "cascaded bath"}
    com = family_model("com1")
    out = [Quantity(f"general_heat_local_{i}", it.heat_current(com, i, "local"),
                    current_symbol("Q", "loc", i),
                    f"local heat current from bath {i} (every scheme), general N")
           for i in BATHS]
    for v in ("com1", "cas1"):
        m = family_model(v)
        for i in BATHS:
            out.append(Quantity(
                f"general_heat_nonlocal_{i}_{v}", it.heat_current(m, i, "nonlocal"),
                current_symbol("Q", "non-loc", i),
                f"non-local heat current from bath {i}, {scheme[v]}, general N"))
        for part, tag in (("local", "loc"), ("nonlocal", "non-loc")):
            out.append(Quantity(f"general_work_{part}_{v}", it.work_current(m, None, part),
                                current_symbol("W", tag),
                                f"{part.replace('nonlocal', 'non-local')} work current, "
                                f"{scheme[v]}, interaction $H_I^{{(1)}}$, general N"))
    return out


def printed_dissipator_adjoint(eq: str, i: str, x: object) -> IndexedOperator:
    """The adjoint (Tr[X D(rho)] = <D^dag(X)>) of Eqs. (10), (11) (n != n') and (15) (n' > n)
    for bath i, transcribed term by term (the adjoint of A rho B is B X A)."""
    from symthermo.algebra.indexed import as_indexed

    f, half = FAMILY[i], sympy.Rational(1, 2)
    x = as_indexed(x)
    a, b = n, n2
    if eq == "10":
        body = (gamma_minus(i, a, a) * (f[a].plus * x * f[a].minus
                                        - half * (f[a].plus * f[a].minus * x
                                                  + x * f[a].plus * f[a].minus))
                + gamma_plus(i, a, a) * (f[a].minus * x * f[a].plus
                                         - half * (f[a].minus * f[a].plus * x
                                                   + x * f[a].minus * f[a].plus)))
        return isum(body, a)
    if eq == "11":
        body = (gamma_minus(i, a, b) * (f[b].plus * x * f[a].minus
                                        - half * (f[a].plus * f[b].minus * x
                                                  + x * f[a].plus * f[b].minus))
                + gamma_plus(i, a, b) * (f[b].minus * x * f[a].plus
                                         - half * (f[a].minus * f[b].plus * x
                                                   + x * f[a].minus * f[b].plus)))
        return isum(body, (a, b), "distinct")
    body = (gamma_minus(i, a, b) * (f[b].plus * x * f[a].minus - x * f[a].minus * f[b].plus
                                    + f[a].plus * x * f[b].minus - f[b].minus * f[a].plus * x)
            + gamma_plus(i, a, b) * (f[b].minus * x * f[a].plus - x * f[a].plus * f[b].minus
                                     + f[a].minus * x * f[b].plus - f[b].plus * f[a].minus * x))
    return isum(body, (a, b), "ordered")


def dissipator_checks() -> list:
    """Eqs. (10), (11), (15) for symbolic N, on sigma^z_{h,m}, sigma^+_{h,m} sigma^-_{h,m'}
    (m != m') and sigma^+_{h,m} sigma^-_{c,m}: printed adjoint vs the collision route
    -sum w Tr_E [V_o, [V_i, X]] of the bath's local / non-local pair terms."""
    from derivations.framework import Check
    from symthermo import indexed_thermo as it
    from symthermo.algebra.indexed import assume_distinct, index, indexed_expectation

    m, m2 = index("m", N), index("m'", N)
    h, c = FAMILY["h"], FAMILY["c"]
    observables = (("sigma^z_{h,m}", h[m].z),
                   ("sigma^+_{h,m} sigma^-_{h,m'}", h[m].plus * h[m2].minus),
                   ("sigma^+_{h,m} sigma^-_{c,m}", h[m].plus * c[m].minus))
    rows = (("10", "com1", True, "local dissipator"),
            ("11", "com1", False, "non-local dissipator, common (n != n')"),
            ("15", "cas1", False, "non-local dissipator, cascaded (n' > n)"))
    out = []
    for eq, variant, local, what in rows:
        b = family_model(variant).bath("h")
        for name, x in observables:
            acc = 0 * isum(h[n].z, n)
            for t in it.family_pair_terms(b):
                if t.is_local == local:
                    acc = acc + it.pair_double_commutator(t, x)
            derived = -it.indexed_partial_trace(acc, b)
            printed_form = canonical(indexed_expectation(assume_distinct(
                printed_dissipator_adjoint(eq, "h", x))))
            derived_form = canonical(indexed_expectation(assume_distinct(derived)))
            env = {m: 2, m2: 3}
            out.append(Check(
                f"Eq. ({eq}), i = h, general N, X = {name}", f"{what}: Tr[X D(rho)]",
                printed_form, derived_form,
                note="Compared through the adjoint on X (free indices distinct; the matrix "
                     "route at m = 2, m' = 3, so that members before and after m occur). " +
                     ("The printed sum over n', n is read as n != n' (the non-local part). "
                      if eq == "11" else ""),
                matrix_route=dissipator_route([printed_form, derived_form], variant, local, x,
                                              env)))
    return out


# matrix routes at N = 3 (derivations/general_n/routes.py) ----------------------------------

ROUTE_N = 3


def _fixed_temperatures(rng: object) -> dict:
    """omega_i/T_i in [9, 11]: the oscillator cutoff converges (to 1e-14) with few levels."""
    out = {}
    for i in BATHS:
        out[omega[i]] = float(rng.uniform(0.5, 2.0))  # type: ignore[attr-defined]
        out[T[i]] = out[omega[i]] / float(rng.uniform(9.0, 11.0))  # type: ignore[attr-defined]
    ks = range(1, ROUTE_N + 1)
    entries = [g[i][k] for i in BATHS for k in ks] + [Omega2[k] for k in ks]
    entries += [base[k, j] for base in (Omega1, Omega_intra) for k in ks for j in ks]
    for e in entries:  # every coupling of the instance models, as the paper's magnitudes
        out[e] = float(rng.uniform(0.3, 1.0))  # type: ignore[attr-defined]
    return out


def current_route(exprs: list, variant: str, kind: str, bath_name: str | None, part: str):
    """Matrix route of a heat (kind "heat") or work current row at N = 3."""
    from derivations.general_n.routes import route
    from symthermo.numeric.model_matrices import (
        converged_cutoff,
        heat_current_matrix,
        work_current_matrix,
    )

    inst = instance_model(variant, ROUTE_N)

    def value(rho: object, params: dict) -> float:
        cut = converged_cutoff(inst, params)
        if kind == "heat":
            return heat_current_matrix(inst, bath_name, part, rho, params, cut)
        return work_current_matrix(inst, bath_name, part, rho, params, cut)

    return route(exprs, {N: ROUTE_N}, inst.system_sites, _fixed_temperatures, value,
                 2 ** (2 * ROUTE_N))


def dissipator_route(exprs: list, variant: str, local: bool, x: object, env: dict):
    """Matrix route of a dissipator row: -sum w Tr[(rho (x) rho_E) [V_o, [V_i, X]]] of bath h
    at N = 3 with the observable's free indices at ``env``."""
    from derivations.general_n.routes import route
    from symthermo.algebra.indexed import unroll_operator
    from symthermo.numeric.matrices import operator_matrix
    from symthermo.numeric.model_matrices import _bath_sites, _pair_sum, converged_cutoff

    inst = instance_model(variant, ROUTE_N)
    b = inst.bath("h")
    x_op = unroll_operator(x, {N: ROUTE_N, **env})

    def value(rho: object, params: dict) -> float:
        cut = converged_cutoff(inst, params)
        xm = operator_matrix(x_op, _bath_sites(inst, b), cut, params)
        part = "local" if local else "nonlocal"
        return -_pair_sum(inst, b, xm, part, rho, params, cut).real

    return route(exprs, {N: ROUTE_N, **env}, inst.system_sites, _fixed_temperatures, value,
                 2 ** (2 * ROUTE_N))
