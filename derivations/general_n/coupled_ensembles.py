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
