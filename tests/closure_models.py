"""Models of issue 15 (closed-form steady states), shared by tests/test_closed_forms.py and
bench/closed_forms.py.

* ``common_reservoir_two_qubits``: two qubits, XY interaction, isotropic couplings J_i to one
  common thermal reservoir qubit (tests/test_closure.py's model);
* ``xx_chain(n)``: n resonant qubits, H = (w/2) sum sigma^z_i + J sum (x_i x_{i+1} + y_i y_{i+1})/2,
  a thermal qubit bath at each end (couplings g_L (x_1 x_L + y_1 y_L), g_R likewise), thermal
  factors m_L = tanh(beta_L w / 2), m_R (symbols);
* ``absorption_refrigerator``: Linden, Popescu, Skrzypczyk (2010): qubits 1 (cold), 2 (hot),
  3 (work) with w_2 = w_1 + w_3, H_int = g (sigma^+_1 sigma^-_2 sigma^+_3 + h.c.), a local thermal
  qubit bath per qubit with thermal factor m_i = tanh(beta_i w_i / 2) and coupling
  k_i (x_i x_Ri + y_i y_Ri);
* ``star(k)``: a hub qubit between k identical leaf qubits on one hot bath and its own cold
  bath (permutation symmetry of the leaves);
* ``coupled_oscillators``: two modes a, b, H = w (a^dag a + b^dag b) + G (a^dag b + b^dag a),
  each meeting a thermal oscillator ancilla (mean numbers n_L, n_R) through g (a^dag c + a c^dag).
"""

from __future__ import annotations

import sympy as sp

from symthermo.algebra import boson, qubit, qubits
from symthermo.model import bath, collision_model
from symthermo.states import ThermalOscillator, ThermalQubit


def _iso(a, b):
    return a.x * b.x + a.y * b.y


def common_reservoir_two_qubits():
    S1, S2, R = qubits("S1", "S2", "R")
    w, jx, jy, j1, j2, xi = sp.symbols("omega Jx_s Jy_s J_1 J_2 xi_R", real=True)
    b = bath("R", ThermalQubit(R, tanh=xi), (w / 2) * R.z,
             {"S1": j1 * _iso(S1, R), "S2": j2 * _iso(S2, R)})
    return collision_model([S1, S2], (w / 2) * (S1.z + S2.z), b,
                           interaction=jx * S1.x * S2.x + jy * S1.y * S2.y, name="reservoir2")


def xx_chain(n: int):
    sites = qubits(*[f"S{k}" for k in range(1, n + 1)])
    L, R = qubits("L", "R")
    w, J, gl, gr, ml, mr = sp.symbols("omega J g_L g_R m_L m_R", real=True)
    h = sum(((w / 2) * s.z for s in sites[1:]), (w / 2) * sites[0].z)
    h_i = sum((J / 2 * _iso(sites[k], sites[k + 1]) for k in range(1, n - 1)),
              J / 2 * _iso(sites[0], sites[1]))
    left = bath("L", ThermalQubit(L, tanh=ml), (w / 2) * L.z,
                {sites[0].name: gl * _iso(sites[0], L)})
    right = bath("R", ThermalQubit(R, tanh=mr), (w / 2) * R.z,
                 {sites[-1].name: gr * _iso(sites[-1], R)})
    return collision_model(sites, h, [left, right], interaction=h_i, name=f"xx_chain{n}")


def absorption_refrigerator():
    q = qubits("Q1", "Q2", "Q3")
    anc = qubits("R1", "R2", "R3")
    w1, w3, g = sp.symbols("omega_1 omega_3 g", real=True)
    m = sp.symbols("m_1 m_2 m_3", real=True)
    k = sp.symbols("k_1 k_2 k_3", real=True)
    w = (w1, w1 + w3, w3)
    h = sum(((w[i] / 2) * q[i].z for i in range(1, 3)), (w[0] / 2) * q[0].z)
    h_int = g * (q[0].plus * q[1].minus * q[2].plus + q[0].minus * q[1].plus * q[2].minus)
    baths = [
        bath(f"B{i + 1}", ThermalQubit(anc[i], tanh=m[i]), (w[i] / 2) * anc[i].z,
             {q[i].name: k[i] * _iso(q[i], anc[i])})
        for i in range(3)
    ]
    return collision_model(q, h, baths, interaction=h_int, name="absorption_refrigerator")


def coupled_oscillators():
    a, b = boson("a"), boson("b")
    cl, cr = boson("cL"), boson("cR")
    w, G, gl, gr, nl, nr = sp.symbols("omega G g_L g_R n_L n_R", real=True)
    h = w * (a.n + b.n)
    h_i = G * (a.adag * b.a + b.adag * a.a)
    left = bath("L", ThermalOscillator(cl, nbar=nl), w * cl.n,
                {"a": gl * (a.adag * cl.a + a.a * cl.adag)})
    right = bath("R", ThermalOscillator(cr, nbar=nr), w * cr.n,
                 {"b": gr * (b.adag * cr.a + b.a * cr.adag)})
    return collision_model([a, b], h, [left, right], interaction=h_i, name="coupled_oscillators")


def star(leaves: int, scheme: str = "independent"):
    """A hub qubit C exchanging excitations (J (x_C x_k + y_C y_k)/2) with ``leaves`` identical
    qubits L1, L2, ... (frequency omega; the hub omega_C), which meet one thermal qubit bath H
    (thermal factor m_H, couplings g (x_k x_H + y_k y_H), one fresh ancilla each for
    ``scheme="independent"``); the hub meets its own bath C (m_C, coupling g_C).  Invariant
    under every permutation of the leaves; its steady state is unique (independent scheme)."""
    hub = qubit("C")
    legs = qubits(*[f"L{k}" for k in range(1, leaves + 1)])
    ah, ac = qubits("H", "A")
    w, wc, J, g, gc, mh, mc = sp.symbols("omega omega_C J g g_C m_H m_C", real=True)
    h = sum(((w / 2) * s.z for s in legs), (wc / 2) * hub.z)
    h_i = sum((J / 2 * _iso(hub, s) for s in legs[1:]), J / 2 * _iso(hub, legs[0]))
    hot = bath("H", ThermalQubit(ah, tanh=mh), (w / 2) * ah.z,
               {s.name: g * _iso(s, ah) for s in legs}, scheme=scheme)
    cold = bath("C", ThermalQubit(ac, tanh=mc), (wc / 2) * ac.z, {"C": gc * _iso(hub, ac)})
    return collision_model([hub, *legs], h, [hot, cold], interaction=h_i, name=f"star{leaves}")


__all__ = ["absorption_refrigerator", "common_reservoir_two_qubits", "coupled_oscillators",
           "qubit", "star", "xx_chain"]
