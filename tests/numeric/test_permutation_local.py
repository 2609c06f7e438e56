"""Local processes in the permutation-invariant route (LocalProcesses) against the full 2^N
route and qutip.piqs.

Independent references: the 2^N Liouvillian of the collective-ergotropy model
(symthermo.numeric.sparse.sparse_liouvillian of the derived Lindblad form) plus the local
dissipators built here from explicit Kronecker products, with its dense/sparse steady state;
and qutip.piqs (Shammah et al. 2018; single-precision coefficients, so 1e-6).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from derivations import collective_ergotropy as ce
from symthermo.numeric.errors import DegenerateSteadyStateError, NumericDomainError
from symthermo.numeric.permutation import (
    CollectiveGenerator,
    LocalProcesses,
    PermutationInvariantState,
    SymmetricOperator,
    collective_generator,
    local_liouvillian,
    multiplicity,
    permutation_invariant_liouvillian,
    permutation_invariant_steady_state,
    spins,
)
from symthermo.numeric.sparse import sparse_liouvillian
from symthermo.numeric.steady import steady_state

PARAMS = {ce.omega: 1.0, ce.beta: 0.7, ce.g: 0.8, ce.f: 0.3}
LOCAL = LocalProcesses(emission=0.3, pumping=0.1, dephasing=0.2)


def local_full(n: int, local: LocalProcesses) -> sp.csr_matrix:
    """sum_i gamma D[A_i] on 2^N (column stacking: vec(A X B) = (B^T (x) A) vec X)."""
    sm = sp.csr_matrix(np.array([[0, 1], [0, 0]], dtype=complex))  # |0><1|, |0> ground
    sz = sp.csr_matrix(np.diag([-1.0, 1.0]).astype(complex))
    d = 2**n
    one = sp.identity(d, format="csr", dtype=complex)
    out = sp.csr_matrix((d * d, d * d), dtype=complex)
    for i in range(n):
        for A, rate in ((sm, local.emission), (sm.T, local.pumping), (sz, local.dephasing)):
            if rate:
                Ai = sp.kron(sp.kron(sp.identity(2**i), A), sp.identity(2 ** (n - i - 1)))
                AdA = Ai.conj().T @ Ai
                out = out + rate * (sp.kron(Ai.conj(), Ai) - 0.5 * sp.kron(one, AdA)
                                    - 0.5 * sp.kron(AdA.T, one))
    return out.tocsr()


def random_pi_state(n: int, rng) -> PermutationInvariantState:
    blocks = {}
    for j2 in spins(n):
        X = rng.normal(size=(j2 + 1, j2 + 1)) + 1j * rng.normal(size=(j2 + 1, j2 + 1))
        blocks[j2] = X @ X.conj().T
    st = PermutationInvariantState(n, blocks)
    return PermutationInvariantState(n, {j2: b / st.trace() for j2, b in blocks.items()})


def vec_summed(st: PermutationInvariantState) -> np.ndarray:
    return np.concatenate([multiplicity(st.n, j2) * st.blocks[j2].T.reshape(-1)
                           for j2 in spins(st.n)])


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_local_generator_is_the_twirled_2n_one(n):
    """L_loc on the summed blocks equals the 2^N dissipators acting on the 2^N matrix of a
    random permutation-invariant state, read back into blocks."""
    st = random_pi_state(n, np.random.default_rng(n))
    out_full = (local_full(n, LOCAL) @ st.to_full().T.reshape(-1)).reshape(2**n, 2**n).T
    ref = PermutationInvariantState.from_full(out_full)
    got = local_liouvillian(n, LOCAL) @ vec_summed(st)
    assert np.max(np.abs(got - vec_summed(ref))) < 1e-12


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_steady_state_with_local_processes_equals_the_2n_route(n):
    model = ce.make_model(n)
    gen = collective_generator(model, PARAMS)
    L = sparse_liouvillian(model, PARAMS) + local_full(n, LOCAL)
    ref = steady_state(L.toarray() if n <= 4 else L, method="dense" if n <= 4 else "sparse")
    st = permutation_invariant_steady_state(gen, local=LOCAL)
    assert ref.stationary_dimension == st.stationary_dimension == 1
    assert np.max(np.abs(st.to_full() - ref.rho)) < 1e-10
    assert abs(st.trace() - 1) < 1e-12


def hamiltonian_only(n: int, omega: float = 1.0) -> CollectiveGenerator:
    """H = omega S^z and no collective jumps (Pauli group form: (omega / 2) sum_i sigma^z_i)."""
    return CollectiveGenerator(n, SymmetricOperator(n, (((3,), omega / 2),)), (),
                               np.zeros((0, 0), dtype=complex))


@pytest.mark.parametrize("n", [2, 3, 4])
def test_local_dephasing_alone_is_degenerate_and_projects_like_the_2n_route(n):
    """H = omega S^z with local dephasing only: the part diagonal in the product basis
    survives. Within the permutation-invariant operators that is spanned by the projectors on
    the excitation numbers k = 0..N: dimension N + 1; projected from random permutation-
    invariant states exactly as the 2^N route projects their 2^N matrices."""
    local = LocalProcesses(dephasing=0.4)
    gen = hamiltonian_only(n)
    with pytest.raises(DegenerateSteadyStateError) as info:
        permutation_invariant_steady_state(gen, local=local)
    assert info.value.dimension == n + 1
    d = 2**n
    H = np.zeros((d, d), dtype=complex)
    for q in range(n):
        H += 0.5 * np.kron(np.kron(np.eye(2**q), np.diag([-1.0, 1.0])), np.eye(2 ** (n - q - 1)))
    Lh = -1j * (np.kron(np.eye(d), H) - np.kron(H.T, np.eye(d)))
    L = Lh + local_full(n, local).toarray()
    for seed in range(2):
        st0 = random_pi_state(n, np.random.default_rng(100 + seed))
        ref = steady_state(L, st0.to_full(), method="dense")
        st = permutation_invariant_steady_state(gen, st0, local=local)
        assert st.projected and st.stationary_dimension == info.value.dimension
        assert np.max(np.abs(st.to_full() - ref.rho)) < 1e-10


@pytest.mark.parametrize("n", [4, 10])
def test_agrees_with_qutip_piqs(n):
    """Collective emission and pumping (D[J_-], D[J_+]) with local emission, pumping and
    dephasing, H = S^z, against qutip.piqs' Dicke Liouvillian: piqs' blocks are the summed
    ones (p_j = d_j rho_j; j = N/2 first, m descending), its dephasing is 4x ours
    (D[sigma^z / 2]) and its coefficients are single precision (1e-6). qutip.steadystate
    itself fails on it ("Matrix is singular": piqs also carries the never-populated entries
    between different j, with zero rows), so its Liouvillian is restricted to the blocks,
    compared entry by entry, and its null vector compared with our steady state."""
    pytest.importorskip("qutip")
    from qutip import piqs

    ce_, cp_ = 0.9, 0.35
    jm = SymmetricOperator(n, (((1,), 0.5), ((2,), -0.5j)))  # sum_i sigma^-_i
    jp = SymmetricOperator(n, (((1,), 0.5), ((2,), 0.5j)))
    gen = CollectiveGenerator(n, SymmetricOperator(n, (((3,), 0.5),)), (jm, jp),
                              np.diag([ce_, cp_]).astype(complex))
    st = permutation_invariant_steady_state(gen, local=LOCAL)
    system = piqs.Dicke(n, hamiltonian=piqs.jspin(n, "z", basis="dicke"),
                        emission=LOCAL.emission, pumping=LOCAL.pumping,
                        dephasing=4 * LOCAL.dephasing, collective_emission=ce_,
                        collective_pumping=cp_)
    Lq = system.liouvillian().full()
    nds = round(math.sqrt(Lq.shape[0]))
    theirs = []  # piqs vec index (column stacking) of each of our entries, in our layout
    at = 0
    for j2 in spins(n):
        size = j2 + 1
        a, c = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
        theirs.append(((at + j2 - a) + (at + j2 - c) * nds).T.reshape(-1))
        at += size
    pos = np.concatenate(theirs)
    ours = permutation_invariant_liouvillian(gen, LOCAL).toarray()
    restricted = Lq[np.ix_(pos, pos)]
    assert np.max(np.abs(restricted - ours)) < 1e-6 * np.max(np.abs(ours))
    null = np.linalg.svd(restricted)[2][-1].conj()
    population = np.concatenate([np.eye(j2 + 1).T.reshape(-1) for j2 in spins(n)]) > 0
    null = null / null[population].sum()
    assert np.max(np.abs(null - vec_summed(st))) < 1e-6


def test_local_processes_validation():
    with pytest.raises(NumericDomainError, match="emission"):
        LocalProcesses(emission=-0.1)
    with pytest.raises(NumericDomainError, match="dephasing"):
        LocalProcesses(dephasing=math.nan)
    with pytest.raises(NumericDomainError, match="pumping"):
        LocalProcesses(pumping="0.1")
    assert not LocalProcesses().active
    assert LocalProcesses(emission=np.float64(0.2)).active
