"""The collective-ergotropy model family for the engine tests (tests/test_exact_states.py,
tests/test_state_routes.py, tests/numeric/test_spin_decomposition.py), built here rather than
imported from derivations/: N qubits, H_0 = w sum sigma^+ sigma^-, H_d = f sum_{i != j}
sigma^+_i sigma^-_j, one thermal oscillator ancilla (frequency w, inverse temperature b) met
through g (sigma^+_i a + sigma^-_i a^dag), simultaneously (collective) or independently."""

from __future__ import annotations

from functools import reduce

import numpy as np
import sympy

from symthermo.algebra import boson, operator_sum, qubit
from symthermo.model import bath, collision_model
from symthermo.states import ThermalOscillator

w, b, g, f = sympy.symbols("w b g f", positive=True)
q_atom = sympy.Symbol("q_atom", positive=True)
# sigma_0..3 written out (|0> ground: sigma_z = diag(-1, 1), sigma_y = [[0, i], [-i, 0]])
SIGMA = [np.eye(2), np.array([[0, 1], [1, 0]]), np.array([[0, 1j], [-1j, 0]]),
         np.diag([-1.0, 1.0])]


def sites(n):
    return tuple(qubit(f"S{i}") for i in range(1, n + 1))


def kron_string(mono, ss):
    loc = dict(mono)
    return reduce(np.kron, [SIGMA[loc.get(s.name, 0)] for s in ss])


def collective(n, scheme="simultaneous"):
    qs = sites(n)
    r = boson("R")
    h0 = operator_sum(w * s.plus * s.minus for s in qs)
    hd = operator_sum(f * qs[i].plus * qs[j].minus for i in range(n) for j in range(n) if i != j)
    bt = bath("R", ThermalOscillator(r, omega=w, beta=b), w * r.n,
              {s.name: g * (s.plus * r.a + s.minus * r.adag) for s in qs}, scheme=scheme, beta=b)
    return collision_model(qs, h0, bt, hd, name=f"test-collective-{n}-{scheme}")


PARAMS = {w: 1.2, b: 0.7, g: 0.9, f: 0.4}
