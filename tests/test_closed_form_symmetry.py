"""Permutation symmetry of identical sites in the exact steady-state solver (issue 15).

The reduced solve (one moment per orbit) must give the same exact fractions as the unreduced
solve (compared as printed strings) and the numeric steady state of the Liouvillian built
directly from the couplings' matrices (``route="direct"``, no code shared with the closure);
symmetric models with dark states must keep returning their stationary family.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from closure_models import star, xx_chain
from test_closed_forms import NEEDS_FLINT, numeric_current, random_point, value_at
from test_model import catalogue

from symthermo.closure import (
    solve_moment_system,
    steady_state_currents,
    steady_state_values,
    symbolic_steady_state,
)
from symthermo.errors import ModelError
from symthermo.exact import BACKENDS
from symthermo.moments import (
    all_qubit_coordinates,
    closed_moment_system,
    is_symmetry_of,
    permuted_coordinate,
    reduced_moment_system,
    site_permutation_symmetries,
    symmetry_orbits,
)
from symthermo.numeric.matrices import expectation_value
from symthermo.numeric.model_dynamics import model_steady_state
from symthermo.thermo import heat_current_operator, work_current_operator

ROOT = Path(__file__).resolve().parent.parent


def test_permutations_of_identical_sites_are_detected_from_the_model() -> None:
    # the leaves of a star: every permutation of L1 L2 L3 (5 besides the identity)
    perms = site_permutation_symmetries(star(3))
    assert len(perms) == 5
    assert {tuple(sorted(dict(p))) for p in perms} == {
        ("L1", "L2"), ("L1", "L3"), ("L2", "L3"), ("L1", "L2", "L3")
    }
    assert site_permutation_symmetries(star(2)) == ((("L1", "L2"), ("L2", "L1")),)
    # a cascade fixes the order in which the leaves meet the bath: no symmetry
    assert site_permutation_symmetries(star(2, scheme="cascaded")) == ()
    # a chain's reflection exchanges its two baths (different ancillas): not a symmetry
    assert site_permutation_symmetries(xx_chain(3)) == ()
    # a leaf with another coupling constant breaks the symmetry
    model = star(2)
    hot = model.bath("H")
    g, g2 = sp.symbols("g g_2", real=True)
    couplings = tuple((lab, v.subs({g: g2}) if lab == "L2" else v) for lab, v in hot.couplings)
    broken = model.replace(baths=(hot.__class__(hot.name, hot.ancillas, hot.hamiltonian,
                                                couplings, hot.scheme), model.bath("C")))
    assert site_permutation_symmetries(broken) == ()
    # the three identical qubits of collective-ergotropy N = 3: all 5 non-trivial permutations
    assert len(site_permutation_symmetries(catalogue()["collective-ergotropy N=3"].model())) == 5


def test_a_permutation_acts_on_coordinates_as_a_signed_permutation() -> None:
    """<i(s+_1 s-_2 - h.c.)> -> <i(s+_2 s-_1 - h.c.)> = -<i(s+_1 s-_2 - h.c.)> under (1 2)."""
    model = star(2)
    system = closed_moment_system(model, all_qubit_coordinates(model.system_sites))
    swap = {"L1": "L2", "L2": "L1"}
    current = next(c for c in system.coordinates if c.part == "im"
                   and [loc for _, loc in c.monomial] == [4, 5]
                   and [s for s, _ in c.monomial] == ["L1", "L2"])
    image, sign = permuted_coordinate(current, swap)
    assert image == current and sign == -1
    orbits = symmetry_orbits(system, site_permutation_symmetries(model))
    assert orbits.representative[system.coordinates.index(current)][1] == 0  # vanishes
    assert is_symmetry_of(system, (("L1", "L2"), ("L2", "L1")))
    assert not is_symmetry_of(system, (("C", "L1"), ("L1", "C")))
    reduced = reduced_moment_system(system, orbits)
    assert reduced.size == len(orbits.representatives) < system.size


# four qubits: skipped without python-flint, as the four-qubit chain (minutes in pure sympy)
@pytest.mark.parametrize("leaves", [2, pytest.param(3, marks=NEEDS_FLINT)])
def test_reduced_steady_state_equals_unreduced_and_numeric(leaves: int) -> None:
    model = star(leaves)
    family = symbolic_steady_state(model)
    assert family.is_unique and len(family.values) == 4 ** (leaves + 1) - 1
    if leaves == 2:  # the unreduced 4-qubit solve needs a 68-moment block: not run here
        plain = symbolic_steady_state(model, symmetry=False)
        assert [str(v) for v in plain.values.values()] == [
            str(v) for v in family.values.values()
        ]
    rng = np.random.default_rng(40 + leaves)
    point = random_point(model, rng)
    rho = model_steady_state(model, point, route="direct").rho
    at = {s: sp.Float(v, 40) for s, v in point.items()}
    # four qubits: every 5th of the 255 values (evaluating all the large ones takes minutes)
    checked = list(family.values.items())[:: 1 if leaves == 2 else 5]
    for e, value in checked:
        assert float(value.xreplace(at)) == pytest.approx(
            expectation_value(e, rho, model.system_sites).real, abs=1e-10
        ), e


@pytest.mark.parametrize("leaves", [2, pytest.param(3, marks=NEEDS_FLINT)])
def test_reduced_currents_equal_unreduced_and_numeric(leaves: int) -> None:
    model = star(leaves)
    currents = steady_state_currents(model)
    ops = {f"Qdot_{b.name}": heat_current_operator(model, b.name) for b in model.baths}
    ops["Wdot"] = work_current_operator(model)
    if leaves == 2:  # unreduced, the four-qubit star needs a 68-moment block (minutes)
        plain = steady_state_values(model, ops, symmetry=False)
        assert [str(f) for f in plain.values()] == [str(f) for f in currents.values()]
    mh, mc = sp.symbols("m_H m_C", real=True)
    assert sp.expand(sp.Mul(*currents["Qdot_H"].driving) - 2 * (mc - mh)) == 0
    point = random_point(model, np.random.default_rng(9 + leaves))
    rho = model_steady_state(model, point, route="direct").rho
    for name, op in ops.items():
        assert value_at(currents[name].expr, point) == pytest.approx(
            numeric_current(model, op, rho, point), abs=1e-10
        ), name


@NEEDS_FLINT
def test_reduction_shrinks_the_blocks() -> None:
    model = star(3)
    system = closed_moment_system(model, all_qubit_coordinates(model.system_sites))
    perms = site_permutation_symmetries(model)
    solution = solve_moment_system(system, symmetries=perms)
    assert solution.orbits is not None and len(solution.orbits.permutations) == 5
    assert max(solution.blocks) < 40  # 68 without the symmetry
    with pytest.raises(ModelError, match="68 coupled moments"):
        solve_moment_system(system, max_block=64)


def test_a_symmetric_model_with_a_dark_state_keeps_returning_its_family() -> None:
    """Leaves meeting their bath simultaneously: the antisymmetric leaf excitation is dark to
    the bath and to the hub, so the stationary set is a family; the reduction (which sees only
    invariant states) must not hide it."""
    model = star(2, scheme="simultaneous")
    family = symbolic_steady_state(model)
    plain = symbolic_steady_state(model, symmetry=False)
    assert not family.is_unique
    assert [str(v) for v in family.values.values()] == [str(v) for v in plain.values.values()]
    assert [str(q) for q in family.conserved] == [str(q) for q in plain.conserved]
    with pytest.raises(ModelError, match="not unique"):
        steady_state_currents(model)


@NEEDS_FLINT
def test_coupled_ensembles_with_equal_couplings_reduce_and_match_numeric() -> None:
    """Coupled ensembles, Eq. (29)'s all-to-all H_I, independent dissipation, with
    g_{i,n} = g and Omega_{nn'} = Omega: invariant under h1 <-> h2 and c1 <-> c2."""
    spec = catalogue()["coupled-ensembles H_I(1) independent"]
    model = spec.model()
    names = {str(s): s for s in spec_symbols(model)}
    g, omega = sp.symbols("g Omega", real=True)
    uniform = {s: g if n.startswith("g_") else omega for n, s in names.items()
               if n.startswith(("g_", "Omega"))}
    model = model.subs(uniform)
    assert len(site_permutation_symmetries(model)) == 3
    currents = steady_state_currents(model)
    params = spec.random_parameters(np.random.default_rng(4))
    point = {names[k]: v for k, v in params.items() if k in names and names[k] not in uniform}
    point[g], point[omega] = 0.7, 0.4
    rho = model_steady_state(model, point, cutoff=spec.cutoff, route="direct").rho
    at = {s: sp.Float(v, 40) for s, v in point.items()}  # too large for lambdify
    for b in model.baths:
        op = heat_current_operator(model, b.name)
        assert float(currents[f"Qdot_{b.name}"].expr.xreplace(at)) == pytest.approx(
            numeric_current(model, op, rho, point), abs=1e-10
        )


def spec_symbols(model) -> set:
    out: set = set()
    ops = [model.hamiltonian, model.interaction]
    for b in model.baths:
        ops += [b.hamiltonian, *(v for _, v in b.couplings)]
        for st in b.ancillas:
            out |= {s for s in vars(st).values() if isinstance(s, sp.Symbol)}
    for op in ops:
        for c in op.terms.values():
            out |= sp.sympify(c).free_symbols
    return out


@pytest.mark.skipif(len(BACKENDS) < 2, reason="python-flint not installed")
def test_reduced_solve_prints_the_same_on_both_backends() -> None:
    model = star(2)
    by_backend = [[str(v) for v in symbolic_steady_state(model, backend=be).values.values()]
                  for be in BACKENDS]
    assert by_backend[0] == by_backend[1]


_PRINT = """
import sys
sys.path[:0] = ['.', 'tests']
from closure_models import star
from symthermo.closure import steady_state_currents
from symthermo.moments import site_permutation_symmetries
print(site_permutation_symmetries(star(3)))
for f in steady_state_currents(star(3)).values():
    print(f)
"""


def test_reduced_results_are_byte_identical_across_hash_seeds() -> None:
    outputs = []
    for seed in ("1", "999"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "OPENBLAS_NUM_THREADS": "1"}
        run = subprocess.run([sys.executable, "-c", _PRINT], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True)
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1] and "m_H" in outputs[0]
