"""The iterative block route (symthermo.numeric.sparse_iterative) against independent routes.

Independent checks: the no-jump operator K = -iH - A/2 of the derived Lindblad form
(symthermo.numeric.sparse.lindblad_terms), the dense SVD steady state, the sparse LU route,
and QuTiP's steadystate on the same Liouvillian. Model: the chain + common reservoir qubit of
tests/numeric/test_sparse.py (unequal couplings: unique; equal: dark states).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from symthermo.numeric import sparse_steady
from symthermo.numeric.errors import DegenerateSteadyStateError
from symthermo.numeric.model_dynamics import lindblad_liouvillian_of, model_steady_state
from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.numeric.sparse import (
    assemble,
    lindblad_terms,
    liouvillian_blocks,
    sparse_liouvillian,
)
from symthermo.numeric.sparse_iterative import (
    SylvesterGaussSeidel,
    iterative_block_kernel,
)
from symthermo.numeric.steady import steady_state

from .test_sparse import chain_model

qutip = pytest.importorskip("qutip")


def population_block(L, d):
    return next(b for b in liouvillian_blocks(L) if np.any(b % (d + 1) == 0))


@pytest.mark.parametrize("n", [2, 3, 4])
def test_preconditioner_reads_the_no_jump_generator_off_L(n):
    """Per sector pair (a, b) the Kronecker sum read off L is K_a rho + rho K_a^dag with
    K = -iH - A/2 of the derived Lindblad form (up to a constant moved between the two
    factors); the chain's jumps change the excitation number, so it is the whole pair-diagonal
    part of L; and M^-1 inverts M = (pair Kronecker sums) + (the part above the pairs)."""
    terms = lindblad_terms(chain_model(n))
    L = assemble(terms)
    d = terms.dimension
    K = terms.pre.toarray()
    rng = np.random.default_rng(n)
    for idx in liouvillian_blocks(L):
        if idx.size < 2:
            continue
        M = SylvesterGaussSeidel(L[idx][:, idx], idx, d)
        ordered = idx[M.order]
        blocks = []
        for p in M.pairs:
            entries = ordered[p.lo:p.hi]
            a = np.unique(entries % d)
            b = np.unique(entries // d)
            Ka, Kb = p.K, p.Kp
            shift = Ka - K[np.ix_(a, a)]
            assert np.allclose(shift, shift[0, 0] * np.eye(a.size), atol=1e-12)
            # rho K' = rho K_b^dag: K' + shift = (K_b)^dag
            assert np.allclose(Kb + shift[0, 0] * np.eye(b.size), K[np.ix_(b, b)].conj().T,
                               atol=1e-12)
            kron_sum = np.kron(np.eye(b.size), Ka) + np.kron(Kb.T, np.eye(a.size))
            assert np.max(np.abs(kron_sum - M.A[p.lo:p.hi, p.lo:p.hi].toarray())) < 1e-12
            blocks.append(kron_sum)
        full = sp.block_diag(blocks).toarray()
        for p in M.pairs:  # the rows of M above the pair diagonal
            full[p.lo:p.hi] += p.upper.toarray()
        x = rng.normal(size=idx.size) + 1j * rng.normal(size=idx.size)
        assert np.max(np.abs(M.solve(full @ x) - x)) < 1e-9 * np.max(np.abs(x))
        # A = M + (part below the pairs): the one-product form of G = 1 - M^-1 A
        assert M.exact_split
        assert np.allclose(M.iteration(x), x - M.solve(M.A @ x), atol=1e-9)


@pytest.mark.parametrize("n", [3, 4])
def test_dephasing_inside_the_sectors(n, monkeypatch):
    """A sandwich that keeps the sectors (dephasing D[sigma^z_1] added to L) is not part of
    the Kronecker sums read off L: M is then only approximate (no exact split), and the
    iterative route still returns the dense route's state."""
    monkeypatch.setattr(sparse_steady, "DENSE_BLOCK_MAX", 4)
    L = sparse_liouvillian(chain_model(n))
    d = 2**n
    z1 = sp.kron(sp.diags([-1.0, 1.0]), sp.identity(2 ** (n - 1)))
    Ld = (L + 0.4 * (sp.kron(z1.T, z1) - sp.identity(d * d))).tocsr()
    idx = population_block(Ld, d)
    assert not SylvesterGaussSeidel(Ld[idx][:, idx], idx, d).exact_split
    ss = steady_state(Ld, method="iterative")
    ref = steady_state(Ld.toarray(), method="dense")
    assert ss.method == "sparse-iterative" and ss.stationary_dimension == 1
    assert np.max(np.abs(ss.rho - ref.rho)) < 1e-10


@pytest.mark.parametrize("n", [3, 4, 5])
def test_iterative_route_equals_the_dense_one(n, monkeypatch):
    monkeypatch.setattr(sparse_steady, "DENSE_BLOCK_MAX", 4)
    model = chain_model(n)
    dense = steady_state(lindblad_liouvillian_of(model), method="dense")
    ss = model_steady_state(model, method="iterative")
    assert ss.method == "sparse-iterative"
    assert ss.stationary_dimension == dense.stationary_dimension == 1
    assert np.max(np.abs(ss.rho - dense.rho)) < 1e-10
    assert ss.residual < 1e-12


def test_iterative_route_at_six_qubits_agrees_with_lu_and_qutip():
    L = sparse_liouvillian(chain_model(6))
    d = 64
    ss = steady_state(L, method="iterative")
    lu = steady_state(L, method="sparse")
    ref = qutip.steadystate(qutip.Qobj(L, dims=[[[d], [d]], [[d], [d]]], superrep="super"))
    assert ss.method == "sparse-iterative" and lu.method == "sparse-direct"
    assert ss.stationary_dimension == 1
    assert np.max(np.abs(ss.rho - lu.rho)) < 1e-10
    assert np.max(np.abs(ss.rho - ref.full())) < 1e-8


@pytest.mark.parametrize("n", [3, 4, 5])
def test_degenerate_blocks_are_decided_by_deflation(n, monkeypatch):
    """Dark states (equal couplings): after the first stationary element is deflated the
    population block still shows one eigenvalue 1 of G, which is refined into a second
    stationary element (right kernel) and found on A^dag (left kernel); the iterative route
    detects the dimension and projects as the dense SVD route does."""
    monkeypatch.setattr(sparse_steady, "DENSE_BLOCK_MAX", 4)
    model = chain_model(n, equal=True)
    L = assemble(lindblad_terms(model)).tocsr()
    d = 2**n
    idx = population_block(L, d)
    A = L[idx][:, idx]
    scale = float(abs(L).sum(axis=0).max())
    right, left, mags = iterative_block_kernel(A, idx, d, scale, 1e-10)
    Ld = lindblad_liouvillian_of(model)
    rho0 = random_density_matrix(d, np.random.default_rng(n))
    ref = steady_state(Ld, rho0, method="dense")
    assert ref.stationary_dimension == 2
    assert right.shape[1] == left.shape[1] == 2
    assert np.all(mags[:2] == 0) and mags[2] > 1e-2  # a clear gap after the second one
    for vecs, op in ((right, A), (left, A.conj().T)):
        assert np.max(np.abs(op @ vecs)) < 1e-10 * scale * np.max(np.abs(vecs))
        assert np.linalg.svd(vecs / np.linalg.norm(vecs, axis=0), compute_uv=False)[-1] > 1e-3
    with pytest.raises(DegenerateSteadyStateError) as info:
        model_steady_state(model, method="iterative")
    assert info.value.dimension == 2
    ss = model_steady_state(model, initial_state=rho0, method="iterative")
    assert ss.method == "sparse-iterative" and ss.projected
    assert ss.stationary_dimension == 2
    assert np.max(np.abs(ss.rho - ref.rho)) < 1e-10


def test_left_sweep_is_the_adjoint_of_the_preconditioner():
    """<y, M^-1 x> = <M^-dag y, x> for both pair inversions (eigenvectors and Schur/trsyl)."""
    n, d = 4, 16
    L = assemble(lindblad_terms(chain_model(n, equal=True))).tocsr()
    idx = population_block(L, d)
    rng = np.random.default_rng(7)
    x = rng.normal(size=idx.size) + 1j * rng.normal(size=idx.size)
    y = rng.normal(size=idx.size) + 1j * rng.normal(size=idx.size)
    for cond_max in (1e8, 0.0):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("symthermo.numeric.sparse_iterative.EIGENVECTOR_COND_MAX", cond_max)
            M = SylvesterGaussSeidel(L[idx][:, idx], idx, d)
        assert any(p.schur is not None for p in M.pairs) == (cond_max == 0.0)
        a, b = np.vdot(y, M.solve(x)), np.vdot(M.solve_adjoint(y), x)
        assert abs(a - b) < 1e-12 * abs(a)


def test_collective_dissipation_dimension_grows_with_n(monkeypatch):
    """Purely collective dissipation (the chain without hopping, equal couplings and
    frequencies: the jumps are collective): the stationary dimension grows with N; the
    iterative route finds the dense route's dimension and projected state."""
    monkeypatch.setattr(sparse_steady, "DENSE_BLOCK_MAX", 4)
    dims = []
    for n in (3, 4):
        model = chain_model(n, equal=True, hopping=0.0)
        L = assemble(lindblad_terms(model)).tocsr()
        d = 2**n
        rho0 = random_density_matrix(d, np.random.default_rng(10 + n))
        ref = steady_state(lindblad_liouvillian_of(model), rho0, method="dense")
        ss = steady_state(L, rho0, method="iterative")
        assert ss.stationary_dimension == ref.stationary_dimension
        # the population block holds the whole stationary space (all ss.rho's kernel) and is
        # decided iteratively (at N = 4 its no-jump part is singular: M gets DARK_SHIFT)
        idx = population_block(L, d)
        scale = float(abs(L).sum(axis=0).max())
        right, left, _ = iterative_block_kernel(L[idx][:, idx], idx, d, scale, 1e-10)
        assert right.shape[1] == left.shape[1] == ref.stationary_dimension
        assert np.max(np.abs(ss.rho - ref.rho)) < 1e-10
        dims.append(ss.stationary_dimension)
    assert dims[1] > dims[0] > 1
