"""Permutation-invariant route (symthermo.numeric.permutation) against the full 2^N route.

Model: collective-ergotropy (N qubits, H_0 + dipole-dipole f sum_{i != j} sigma^+_i sigma^-_j,
one thermal oscillator meeting all qubits at once). Independent references: the dense/sparse
steady state of the full 2^N Liouvillian projected from the same initial state, the dense
measures of symthermo.numeric.measures on the 2^N matrix, and the paper's closed forms
Eqs. (16)-(17) (transcribed here from ../shared/papers/collective-ergotropy.md).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.sparse as sp

from derivations import collective_ergotropy as ce
from symthermo.errors import SymthermoError
from symthermo.numeric.errors import DegenerateSteadyStateError, NumericDomainError
from symthermo.numeric.matrices import operator_matrix
from symthermo.numeric.measures import ergotropy, l1_coherence
from symthermo.numeric.model_dynamics import model_steady_state
from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.numeric.permutation import (
    PermutationInvariantState,
    collective_generator,
    dicke_basis,
    excitation_number_blocks,
    multiplicity,
    permutation_invariant_steady_state,
    spin_operators,
)

PARAMS = {ce.omega: 1.0, ce.beta: 0.7, ce.g: 0.8, ce.f: 0.3}


def h0_matrix(n: int) -> np.ndarray:
    from symthermo.algebra import operator_sum

    model = ce.make_model(n)
    h0 = operator_sum(ce.omega * q.plus * q.minus for q in model.system_sites)
    return operator_matrix(h0, model.system_sites, None, PARAMS)


def twirl(rho: np.ndarray, n: int) -> np.ndarray:
    """(1/N!) sum over qubit permutations pi of P_pi rho P_pi^dag (a permutation-invariant
    state), with explicit permutation matrices on the computational basis."""
    d = 2**n
    out = np.zeros_like(rho)
    perms = list(itertools.permutations(range(n)))
    for p in perms:
        P = np.zeros((d, d))
        for i in range(d):
            bits = [(i >> (n - 1 - q)) & 1 for q in range(n)]
            j = int("".join(str(bits[p[q]]) for q in range(n)), 2)
            P[j, i] = 1.0
        out += P @ rho @ P.T
    return out / len(perms)


def test_spin_operators_and_multiplicities():
    for n in range(1, 9):
        assert sum(multiplicity(n, j2) * (j2 + 1) for j2 in range(n, -1, -2)) == 2**n
        catalan = math.comb(2 * n, n) // (n + 1)
        assert sum(multiplicity(n, j2) ** 2 for j2 in range(n, -1, -2)) == catalan
    ops = spin_operators(3)
    comm = (ops.sx @ ops.sy - ops.sy @ ops.sx).toarray()
    assert np.allclose(comm, 1j * ops.sz.toarray())  # [S^x, S^y] = i S^z
    # the engine's sigma_y = i sigma_- - i sigma_+: for one qubit S^y = sigma_y / 2
    from symthermo.numeric.matrices import PAULI

    one = spin_operators(1)
    assert np.allclose(2 * one.sy.toarray(), PAULI[2])
    assert np.allclose(2 * one.sx.toarray(), PAULI[1])
    assert np.allclose(2 * one.sz.toarray(), PAULI[3])


@pytest.mark.parametrize("n", [2, 3, 4])
def test_collective_form_equals_the_operators(n):
    """H_j and the collective jumps, placed on the explicit Dicke basis, equal the 2^N matrices
    of the engine's Lindblad form (the degree-2 identities of SymmetricOperator)."""
    from symthermo.thermo import lindblad_form

    model = ce.make_model(n)
    gen = collective_generator(model, PARAMS)
    basis = dicke_basis(n)
    lf = lindblad_form(model)
    H = operator_matrix(lf.hamiltonian, model.system_sites, None, PARAMS)
    rebuilt = np.zeros_like(H)
    for j2, vecs in basis.items():
        Hj = gen.hamiltonian.spin_matrix(spin_operators(j2)).toarray()
        for a in range(vecs.shape[0]):
            rebuilt += vecs[a] @ Hj @ vecs[a].conj().T
    assert np.max(np.abs(rebuilt - H)) < 1e-12


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_pi_route_equals_full_route(n):
    """Projection from |0...0> (N <= 5), from a random state on the symmetric subspace and (N <= 4)
    from a twirled random state (all total spins j): the PI route's state, expanded to 2^N,
    equals the full route's projection to 1e-10; so do l1 coherence, ergotropy and
    populations."""
    model = ce.make_model(n)
    gen = collective_generator(model, PARAMS)
    rng = np.random.default_rng(100 + n)
    sym = random_density_matrix(n + 1, rng)
    starts = [PermutationInvariantState.ground(n), PermutationInvariantState.from_symmetric(n, sym)]
    if n == 6:  # one start at N = 6 (the full route's kernel has dimension 132: slow)
        starts = starts[1:]
    if n <= 4:
        starts.append(PermutationInvariantState.from_full(
            twirl(random_density_matrix(2**n, rng), n)))
    H0 = h0_matrix(n)
    for start in starts:
        assert abs(start.trace() - 1) < 1e-12
        pi = permutation_invariant_steady_state(gen, start)
        assert pi.stationary_dimension == n // 2 + 1 and pi.projected
        full = model_steady_state(model, PARAMS, initial_state=start.to_full(), method="sparse")
        rho = pi.to_full()
        assert np.max(np.abs(rho - full.rho)) < 1e-10
        assert abs(pi.trace() - 1) < 1e-12
        assert abs(pi.l1_coherence() - l1_coherence(full.rho)) < 1e-10
        w = pi.ergotropy({j2: PARAMS[ce.omega] * b for j2, b in
                          excitation_number_blocks(n).items()})
        assert abs(w - ergotropy(full.rho, H0)) < 1e-10
        weights = np.array([bin(i).count("1") for i in range(2**n)])
        p = np.array([full.rho.diagonal()[weights == k].real.sum() for k in range(n + 1)])
        assert np.max(np.abs(pi.excitation_populations() - p)) < 1e-10


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 7, 8])
def test_stationary_dimension_of_collective_processes(n):
    """One stationary state per total spin j: floor(N/2) + 1 within the PI states; refused
    without an initial state."""
    gen = collective_generator(ce.make_model(3), PARAMS).with_qubits(n)
    with pytest.raises(DegenerateSteadyStateError) as info:
        permutation_invariant_steady_state(gen)
    assert info.value.dimension == n // 2 + 1


def test_with_qubits_equals_the_built_model():
    small = collective_generator(ce.make_model(3), PARAMS)
    built = collective_generator(ce.make_model(5), PARAMS)
    moved = small.with_qubits(5)
    assert np.array_equal(moved.rates, built.rates)
    for j2 in (5, 3, 1):
        assert np.max(np.abs((moved.liouvillian(j2) - built.liouvillian(j2)).toarray())) < 1e-12


def eq16(r: float, n: int) -> float:
    """collective-ergotropy Eq. (16): (r-1)(r+1)^N/(r^{N+1}-1) - 1."""
    return (r - 1) * (r + 1) ** n / (r ** (n + 1) - 1) - 1


def eq17(r: float, n: int, omega: float) -> float:
    """collective-ergotropy Eq. (17): omega (N + (N + r)/(r^{N+1} - 1) + r/(1 - r))."""
    return omega * (n + (n + r) / (r ** (n + 1) - 1) + r / (1 - r))


@pytest.mark.parametrize("beta", [0.01, 1.0])
def test_closed_forms_eqs_16_17_up_to_n_100(beta):
    """From |0...0> with purely collective processes: C_l1 and W of the projected steady
    state equal Eqs. (16)-(17) with r = nbar/(nbar + 1) = exp(-beta omega).

    The product-basis l1 norm weighs the population P_k ~ r^k of k excitations by C(N, k)
    (up to ~1e29 at N = 100), so P_k must be accurate componentwise, not only relative to the
    largest one: the populations block is solved by GTH elimination (an SVD null vector gave
    C_l1 wrong by 70% at N = 100, beta = 1)."""
    params = {ce.omega: 1.0, ce.beta: beta, ce.g: 1.0, ce.f: 0.0}
    small = collective_generator(ce.make_model(3), params)
    r = math.exp(-beta)
    for n in (2, 3, 7, 20, 50, 100):
        pi = permutation_invariant_steady_state(small.with_qubits(n),
                                                PermutationInvariantState.ground(n))
        assert abs(pi.l1_coherence() / eq16(r, n) - 1) < 1e-9
        assert abs(pi.ergotropy(excitation_number_blocks(n)) / eq17(r, n, 1.0) - 1) < 1e-9
        p = pi.excitation_populations()  # Eq. (15): P_k = (1 - r) r^k / (1 - r^{N+1})
        k = np.arange(n + 1)
        exact = (1 - r) * r**k / (1 - r ** (n + 1))
        assert np.max(np.abs(p / exact - 1)) < 1e-10  # componentwise, down to r^N


def test_refusals():
    from tests.numeric.test_sparse import chain_model

    with pytest.raises(SymthermoError, match="not symmetric under permutations"):
        collective_generator(chain_model(3))
    with pytest.raises(SymthermoError, match=r"local processes|depend on the qubits"):
        collective_generator(ce.make_model(2, "independent"), PARAMS)
    big = collective_generator(ce.make_model(3), PARAMS).with_qubits(20)
    state = permutation_invariant_steady_state(big, PermutationInvariantState.ground(20))
    with pytest.raises(NumericDomainError, match="2\\^"):
        state.to_full()
    mixed = PermutationInvariantState(20, {j2: np.eye(j2 + 1) / 2**20 for j2 in state.blocks})
    with pytest.raises(NumericDomainError, match="symmetric subspace"):
        mixed.l1_coherence()
    with pytest.raises(NumericDomainError, match="not permutation invariant"):
        PermutationInvariantState.from_full(np.diag([0.5, 0.5, 0, 0]).astype(complex))
    assert sp.issparse(big.liouvillian(4))
