"""Collective ergotropy with N symbolic: N qubits S_n, H_0 = omega sum_n sigma^+_n sigma^-_n,
dipole-dipole H_d = sum_{n != n'} f sigma^+_n sigma^-_{n'} (collective limit f_ij = f), one
thermal oscillator ancilla R met by all qubits through V_n = g_n (sigma^+_n a + sigma^-_n a^dag)
(the collision model behind Eqs. (5)-(7) of collective-ergotropy; gamma_nn' = g_n g_n').

Variants: ``collective`` (common ancilla), ``independent`` (one ancilla per qubit, gamma_nn' =
gamma_n delta_nn'), ``cascaded``.  :func:`instance_model` builds the same at N = size by hand.
"""

from __future__ import annotations

from functools import cache

import sympy

from symthermo.algebra import boson, operator_sum, qubit
from symthermo.algebra.indexed import isum, qubit_family, size_symbol
from symthermo.indexed_thermo import FamilyModel, family_bath
from symthermo.model import CollisionModel, bath, collision_model
from symthermo.states import ThermalOscillator

SCHEMES = {"collective": "simultaneous", "independent": "independent", "cascaded": "cascaded"}

N = size_symbol("N")
S = qubit_family("S", N, index_label="n")
n, n2 = S.indices(2)
R = boson("R")
omega = sympy.Symbol("omega", positive=True)
beta = sympy.Symbol("beta", positive=True)
f = sympy.Symbol("f", real=True)
g = sympy.IndexedBase("g", real=True)


@cache
def family_model(variant: str) -> FamilyModel:
    h0 = isum(omega * S[n].plus * S[n].minus, n)
    hd = isum(f * S[n].plus * S[n2].minus, (n, n2), "distinct")
    b = family_bath("R", ThermalOscillator(R, omega=omega, beta=beta), omega * R.n,
                    {"S": g[n] * (S[n].plus * R.a + S[n].minus * R.adag)},
                    scheme=SCHEMES[variant], beta=beta)  # type: ignore[arg-type]
    return collision_model([S], h0, b, hd,  # type: ignore[return-value]
                           name=f"collective_ergotropy[{variant}]")


@cache
def instance_model(variant: str, size: int) -> CollisionModel:
    qs = [qubit(f"S{j}") for j in range(1, size + 1)]
    h0 = operator_sum(omega * q.plus * q.minus for q in qs)
    hd = operator_sum(f * qs[i].plus * qs[j].minus for i in range(size) for j in range(size)
                      if i != j)
    b = bath("R", ThermalOscillator(R, omega=omega, beta=beta), omega * R.n,
             [(f"S{j}", g[j] * (q.plus * R.a + q.minus * R.adag))
              for j, q in enumerate(qs, start=1)],
             scheme=SCHEMES[variant], beta=beta)  # type: ignore[arg-type]
    return collision_model(qs, h0, b, hd, name=f"collective_ergotropy[{variant}]N{size}")
