"""Sparse Liouvillians and sparse steady states (symthermo.numeric.sparse, .sparse_steady).

Independent routes: the dense Liouvillians of symthermo.numeric.model_dynamics (Lindblad form
and direct collision dissipator, built from dense matrices), the dense SVD steady state, and
QuTiP's steadystate on the same Liouvillian. Model: N system qubits in an XX chain meeting one
common thermal reservoir qubit (unequal couplings: unique steady state; equal couplings and
frequencies: dark states).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
import sympy

from symthermo.algebra import operator_sum, qubit
from symthermo.model import bath, collision_model
from symthermo.numeric import sparse_steady
from symthermo.numeric.errors import (
    DegenerateSteadyStateError,
    NotTracePreservingError,
    NumericDomainError,
)
from symthermo.numeric.model_dynamics import (
    direct_liouvillian,
    lindblad_liouvillian_of,
    model_steady_state,
)
from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.numeric.sparse import liouvillian_blocks, sparse_liouvillian
from symthermo.numeric.sparse_steady import sparse_steady_state
from symthermo.numeric.steady import steady_state
from symthermo.states import ThermalQubit

qutip = pytest.importorskip("qutip")


def chain_model(n: int, equal: bool = False, hopping: float = 0.3):
    """N qubits, XX chain, one common thermal reservoir qubit R (simultaneous strokes)."""
    qs = [qubit(f"S{i}") for i in range(1, n + 1)]
    R = qubit("R")
    omega = [1.0] * n if equal else [1.0 + 0.1 * i for i in range(n)]
    g = [0.5] * n if equal else [0.5 + 0.13 * i for i in range(n)]
    h = operator_sum(sympy.Float(omega[i]) / 2 * q.z for i, q in enumerate(qs))
    hi = operator_sum(
        sympy.Float(hopping) * (qs[i].plus * qs[i + 1].minus + qs[i].minus * qs[i + 1].plus)
        for i in range(n - 1)
    )
    b = bath(
        "R", ThermalQubit(R, omega=sympy.Float(1.0), beta=sympy.Float(0.8)),
        sympy.Float(0.5) * R.z,
        {q.name: sympy.Float(g[i]) * (q.plus * R.minus + q.minus * R.plus)
         for i, q in enumerate(qs)},
    )
    return collision_model(qs, h, b, hi)


def ground(n: int) -> np.ndarray:
    rho = np.zeros((2**n, 2**n), dtype=complex)
    rho[0, 0] = 1.0
    return rho


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("route", ["lindblad", "direct"])
def test_sparse_liouvillian_equals_the_dense_one(n, route):
    model = chain_model(n)
    dense = (lindblad_liouvillian_of if route == "lindblad" else direct_liouvillian)(model)
    L = sparse_liouvillian(model, route=route)
    assert sp.issparse(L)
    assert np.max(np.abs(L.toarray() - dense)) < 1e-13


def test_direct_route_with_an_oscillator_ancilla_matches_dense():
    from derivations import collective_ergotropy as ce

    params = {ce.omega: 1.0, ce.beta: 0.9, ce.g: 0.7, ce.f: 0.2}
    model = ce.make_model(2)
    dense = direct_liouvillian(model, params, 12)
    L = sparse_liouvillian(model, params, 12, route="direct")
    assert np.max(np.abs(L.toarray() - dense)) < 1e-12


@pytest.mark.parametrize("n", [2, 3, 4])
def test_blocks_are_the_excitation_sectors(n):
    """The chain conserves the excitation number: the blocks are the 2N + 1 coherence sectors
    n_i - n_j = q, of sizes sum_k C(N, k) C(N, k + q), and L has no entry between blocks."""
    L = sparse_liouvillian(chain_model(n))
    blocks = liouvillian_blocks(L)
    assert len(blocks) == 2 * n + 1
    sizes = sorted(b.size for b in blocks)
    expected = sorted(sum(math.comb(n, k) * math.comb(n, k + q) for k in range(n + 1)
                          if 0 <= k + q <= n) for q in range(-n, n + 1))
    assert sizes == expected
    label = np.empty(L.shape[0], int)
    for i, b in enumerate(blocks):
        label[b] = i
    coo = L.tocoo()
    assert np.all(label[coo.row] == label[coo.col])


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_sparse_steady_state_equals_dense_route(n):
    model = chain_model(n)
    dense = steady_state(lindblad_liouvillian_of(model), method="dense")
    for route in ("lindblad", "direct"):
        ss = model_steady_state(model, route=route, method="sparse")
        assert ss.stationary_dimension == 1 and not ss.projected
        assert ss.method == "sparse-direct"
        assert np.max(np.abs(ss.rho - dense.rho)) < 1e-10
        assert abs(np.trace(ss.rho) - 1) < 1e-12 and ss.residual < 1e-12
    assert "sparse-direct" in ss.report()


@pytest.mark.parametrize("dense_lu_max", [0, 6000])
def test_large_blocks_take_the_lu_and_shift_invert_paths(monkeypatch, dense_lu_max):
    """With DENSE_BLOCK_MAX lowered every block goes through the LU (sparse SuperLU or dense
    LAPACK) + condition estimate (unique case) or the shift-invert count (degenerate case):
    same answers as the dense SVD."""
    monkeypatch.setattr(sparse_steady, "DENSE_BLOCK_MAX", 4)
    monkeypatch.setattr(sparse_steady, "DENSE_LU_MAX", dense_lu_max)
    model = chain_model(4)
    dense = steady_state(lindblad_liouvillian_of(model), method="dense")
    ss = model_steady_state(model, method="sparse")
    assert ss.stationary_dimension == 1 and np.max(np.abs(ss.rho - dense.rho)) < 1e-10
    degenerate = chain_model(4, equal=True, hopping=0.0)
    Ld = lindblad_liouvillian_of(degenerate)
    rho0 = random_density_matrix(16, np.random.default_rng(3))
    ref = steady_state(Ld, rho0, method="dense")
    ss = model_steady_state(degenerate, initial_state=rho0, method="sparse")
    assert ss.stationary_dimension == ref.stationary_dimension == 14
    assert np.max(np.abs(ss.rho - ref.rho)) < 1e-10


def test_iterative_method_agrees(monkeypatch):
    monkeypatch.setattr(sparse_steady, "DENSE_BLOCK_MAX", 50)
    model = chain_model(5)
    ref = model_steady_state(model, method="sparse")
    ss = model_steady_state(model, method="iterative")
    assert ss.method == "sparse-iterative" and ss.stationary_dimension == 1
    assert np.max(np.abs(ss.rho - ref.rho)) < 1e-10


@pytest.mark.parametrize("n", [6])
def test_sparse_steady_state_agrees_with_qutip(n):
    L = sparse_liouvillian(chain_model(n))
    d = 2**n
    ss = steady_state(L)  # auto: sparse
    ref = qutip.steadystate(qutip.Qobj(L, dims=[[[d], [d]], [[d], [d]]], superrep="super"))
    assert ss.method == "sparse-direct" and ss.stationary_dimension == 1
    assert np.max(np.abs(ss.rho - ref.full())) < 1e-8


def catalan(n: int) -> int:
    return math.comb(2 * n, n) // (n + 1)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_purely_collective_dissipation_dimension_grows_with_n(n):
    """Equal couplings and frequencies, no hopping: H and the jumps are collective, every copy
    of every total spin j and every coherence between copies of the same j is stationary:
    dim ker L = sum_j d_j^2 = Catalan(N) (2, 5, 14, 42). Dense and sparse routes agree, and
    the projection from |0...0> and from a random state is the same."""
    model = chain_model(n, equal=True, hopping=0.0)
    with pytest.raises(DegenerateSteadyStateError) as info:
        model_steady_state(model, method="sparse")
    assert info.value.dimension == catalan(n)
    assert f"dimension {catalan(n)}" in str(info.value)
    L = lindblad_liouvillian_of(model)
    rng = np.random.default_rng(n)
    for rho0 in (ground(n), random_density_matrix(2**n, rng)):
        ref = steady_state(L, rho0, method="dense") if n <= 4 else None
        ss = model_steady_state(model, initial_state=rho0, method="sparse")
        assert ss.stationary_dimension == catalan(n) and ss.projected
        if ref is not None:
            assert ref.stationary_dimension == catalan(n)
            assert np.max(np.abs(ss.rho - ref.rho)) < 1e-10
        assert np.linalg.norm(L @ ss.rho.T.reshape(-1)) < 1e-10


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_equal_couplings_chain_has_dark_states(n):
    """Equal couplings to the common reservoir and equal frequencies with the XX chain: dark
    states survive (N = 2: the singlet; dimension 2). Sparse and dense routes detect the same
    dimension (> 1) and project to the same state."""
    model = chain_model(n, equal=True)
    L = lindblad_liouvillian_of(model)
    with pytest.raises(DegenerateSteadyStateError) as info:
        model_steady_state(model, method="sparse")
    dim = info.value.dimension
    assert dim > 1
    if n == 2:
        assert dim == 2
    if n <= 4:
        rho0 = random_density_matrix(2**n, np.random.default_rng(10 + n))
        ref = steady_state(L, rho0, method="dense")
        ss = model_steady_state(model, initial_state=rho0, method="sparse")
        assert ref.stationary_dimension == ss.stationary_dimension == dim
        assert np.max(np.abs(ss.rho - ref.rho)) < 1e-10


def test_sparse_errors():
    L = sparse_liouvillian(chain_model(2))
    with pytest.raises(NumericDomainError, match="method"):
        sparse_steady_state(L, method="lu")
    with pytest.raises(NumericDomainError, match="method"):
        steady_state(L, method="fast")
    bad = L.tolil()
    bad[0, 1] += 0.3
    with pytest.raises(NotTracePreservingError):
        sparse_steady_state(bad.tocsr())
    nan = L.copy()
    nan.data[0] = np.nan
    with pytest.raises(NumericDomainError, match="non-finite"):
        sparse_steady_state(nan)
    with pytest.raises(NumericDomainError, match="initial_state"):
        model_steady_state(chain_model(3, equal=True, hopping=0.0), initial_state=np.eye(4),
                           method="sparse")


def test_auto_method_picks_dense_or_sparse_by_size():
    small = model_steady_state(chain_model(3))
    large = model_steady_state(chain_model(5))
    assert small.method == "dense" and large.method == "sparse-direct"
    L = lindblad_liouvillian_of(chain_model(3))
    assert steady_state(sp.csr_matrix(L)).method == "sparse-direct"
    assert np.max(np.abs(steady_state(sp.csr_matrix(L)).rho - small.rho)) < 1e-12
