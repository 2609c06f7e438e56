"""Steady states: unique (vs QuTiP), degenerate (dark states), batched sweeps, time evolution."""

from __future__ import annotations

import numpy as np
import pytest
import qutip
import scipy.linalg

from symthermo.numeric import steady, steady_c
from symthermo.numeric.errors import (
    DegenerateSteadyStateError,
    NotTracePreservingError,
    NumericDomainError,
)
from symthermo.numeric.steady import (
    evolve,
    expm,
    steady_state,
    steady_states_batched,
    steady_states_from_entries,
)
from symthermo.numeric.superop import lindblad_liouvillian, vec

from ._helpers import (
    SM,
    SP,
    SZ,
    random_density,
    random_hermitian,
    random_operator,
    site,
)


@pytest.fixture(params=["c", "numpy"])
def backend(request):
    """Both batched routes: the compiled solver and numpy/LAPACK."""
    if request.param == "c" and not steady_c.available():
        pytest.skip(f"no compiled solver here: {steady_c.unavailable_reason()}")
    return request.param


def random_problem(d: int, K: int, rng: np.random.Generator):
    H = random_hermitian(d, rng)
    J = np.stack([random_operator(d, rng) for _ in range(K)])
    g = rng.random(K) + 0.2
    return H, J, g, lindblad_liouvillian(H, J, np.diag(g))


def collective_pair(omega=1.0, beta=0.7, gamma=0.3, individual=0.0, dipole=0.0):
    """Two qubits, H0 = omega sum s+ s-, collective thermal dissipation (collective-ergotropy
    Eq. (5)-(7) with gamma_ij = gamma), plus optional individual decay (breaks the dark state)."""
    n = 1 / np.expm1(beta * omega)
    sm = [site(SM, k, 2) for k in range(2)]
    H = omega * sum(s.conj().T @ s for s in sm) + dipole * (
        sm[0].conj().T @ sm[1] + sm[1].conj().T @ sm[0]
    )
    Jm = sm[0] + sm[1]
    ops = [Jm, Jm.conj().T, sm[0], sm[1]]
    rates = np.diag([gamma * (n + 1), gamma * n, individual, individual])
    return H, np.stack(ops), rates


@pytest.mark.parametrize("d,K,seed", [(2, 1, 0), (3, 2, 1), (4, 2, 2), (5, 3, 3), (8, 2, 4)])
def test_unique_steady_state_matches_qutip(d, K, seed):
    rng = np.random.default_rng(seed)
    H, J, g, L = random_problem(d, K, rng)
    ss = steady_state(L)
    ref = qutip.steadystate(qutip.Qobj(H), [np.sqrt(g[k]) * qutip.Qobj(J[k]) for k in range(K)])
    assert ss.stationary_dimension == 1
    assert np.max(np.abs(ss.rho - ref.full())) < 1e-8
    assert np.allclose(ss.rho, ss.rho.conj().T)
    assert abs(np.trace(ss.rho) - 1) < 1e-12
    assert ss.residual < 1e-12
    # trace is the conserved quantity
    assert ss.conserved_quantities.shape == (1, d, d)
    assert np.allclose(ss.conserved_quantities[0], np.eye(d) / np.sqrt(d))
    text = ss.report()
    assert "unique" in text and "residual" in text


def test_thermalisation_of_a_qubit_is_gibbs():
    omega, beta, gamma = 1.3, 0.9, 0.2
    n = 1 / np.expm1(beta * omega)
    L = lindblad_liouvillian(
        omega / 2 * SZ, np.stack([SM, SP]), np.diag([gamma * (n + 1), gamma * n])
    )
    rho = steady_state(L).rho
    # <sigma_z> = -tanh(beta omega / 2) (DESIGN.md)
    assert abs(np.trace(rho @ SZ).real + np.tanh(beta * omega / 2)) < 1e-13


def test_degenerate_collective_pair_raises_and_projects():
    """Collective coupling: |psi-> is dark. Stationary space has dimension 2; with rho0 the
    result is the long-time limit and equals collective-ergotropy Eq. (8)."""
    omega, beta = 1.0, 0.7
    H, J, rates = collective_pair(omega, beta)
    L = lindblad_liouvillian(H, J, rates)
    with pytest.raises(DegenerateSteadyStateError) as info:
        steady_state(L)
    msg = str(info.value)
    assert "dimension 2" in msg and "initial_state" in msg and "collective" in msg
    assert info.value.dimension == 2

    rng = np.random.default_rng(11)
    rho0 = random_density(4, rng)
    ss = steady_state(L, initial_state=rho0)
    assert ss.stationary_dimension == 2 and ss.projected
    late = evolve(L, rho0, [400.0], method="expm")[0]
    assert np.max(np.abs(ss.rho - late)) < 1e-10
    late_eig = evolve(L, rho0, [400.0], method="eig")[0]
    assert np.max(np.abs(late_eig - late)) < 1e-9

    # analytic (collective-ergotropy Eq. (8)): c = 1 - <psi-|rho0|psi->
    psi_m = np.array([0, 1, -1, 0]) / np.sqrt(2)
    psi_p = np.array([0, 1, 1, 0]) / np.sqrt(2)
    e00, e11 = np.eye(4)[0], np.eye(4)[3]
    c = 1 - (psi_m @ rho0 @ psi_m).real
    z_plus = 1 + np.exp(-omega * beta) + np.exp(-2 * omega * beta)
    expected = (1 - c) * np.outer(psi_m, psi_m) + c / z_plus * (
        np.exp(-2 * omega * beta) * np.outer(e11, e11)
        + np.exp(-omega * beta) * np.outer(psi_p, psi_p)
        + np.outer(e00, e00)
    )
    assert np.max(np.abs(ss.rho - expected)) < 1e-12

    # |psi-><psi-| lies in the span of the conserved quantities, and each J is conserved
    Q = ss.conserved_quantities
    assert Q.shape == (2, 4, 4)
    for q in Q:
        assert np.allclose(q, q.conj().T)
        assert np.max(np.abs(vec(q.conj()) @ L)) < 1e-12  # d/dt Tr[q rho] = 0
    coef = np.linalg.lstsq(Q.reshape(2, -1).T, np.outer(psi_m, psi_m).ravel(), rcond=None)
    assert coef[1].size == 0 or coef[1][0] < 1e-20
    assert "degenerate (dimension 2)" in ss.report()


def test_breaking_the_symmetry_restores_uniqueness():
    H, J, rates = collective_pair(individual=0.05, dipole=0.1)
    ss = steady_state(lindblad_liouvillian(H, J, rates))
    assert ss.stationary_dimension == 1


def test_not_trace_preserving_is_rejected():
    rng = np.random.default_rng(3)
    _, _, _, L = random_problem(3, 1, rng)
    with pytest.raises(NotTracePreservingError):
        steady_state(L - 0.1 * np.eye(9))
    with pytest.raises(NumericDomainError):
        steady_state(np.zeros((8, 8)))


def test_batched_equals_per_point_and_keeps_batch_shape(backend):
    rng = np.random.default_rng(5)
    for d in (2, 3, 4):
        Ls = np.stack([random_problem(d, 2, rng)[3] for _ in range(12)]).reshape(3, 4, d * d, -1)
        rho = steady_states_batched(Ls, backend=backend)
        assert rho.shape == (3, 4, d, d)
        for i in range(3):
            for j in range(4):
                assert np.max(np.abs(rho[i, j] - steady_state(Ls[i, j]).rho)) < 1e-10


def test_batched_threads_and_chunks_do_not_change_results(monkeypatch, backend):
    rng = np.random.default_rng(12)
    Ls = np.stack([random_problem(3, 2, rng)[3] for _ in range(37)])
    ref = steady_states_batched(Ls, backend=backend)
    monkeypatch.setattr(steady, "BATCH_CHUNK_BYTES", 8 * 81 * 5)  # chunks of 5 points
    assert np.array_equal(steady_states_batched(Ls, backend=backend), ref)
    assert np.array_equal(steady_states_batched(Ls, workers=3, backend=backend), ref)


def test_batched_layouts_agree(monkeypatch):
    """Blocks up to FORTRAN_LAYOUT_MAX are gathered transposed, larger ones row-major."""
    rng = np.random.default_rng(14)
    Ls = np.stack([random_problem(6, 2, rng)[3] for _ in range(7)])  # n = 36
    row_major = steady_states_batched(Ls, backend="numpy")
    monkeypatch.setattr(steady, "FORTRAN_LAYOUT_MAX", 10**6)
    assert np.max(np.abs(steady_states_batched(Ls, backend="numpy") - row_major)) < 1e-12
    assert np.max(np.abs(row_major[2] - steady_state(Ls[2]).rho)) < 1e-10


def test_batched_population_only_block_gives_product_of_gibbs_states(backend):
    """Three independent thermalising qubits (n = 64, split path): the populations form a block
    without coherences; the steady state is the product of the qubits' Gibbs states."""
    omegas, betas = (1.0, 1.3, 0.7), (0.5, 1.0, 2.0)
    sm = [site(SM, k, 3) for k in range(3)]
    H = sum(w / 2 * site(SZ, k, 3) for k, w in enumerate(omegas))
    J, g = [], []
    for k, (w, b) in enumerate(zip(omegas, betas, strict=True)):
        n = 1 / np.expm1(b * w)
        J += [sm[k], sm[k].conj().T]
        g += [0.1 * (n + 1), 0.1 * n]
    L = lindblad_liouvillian(H, np.stack(J), np.diag(g))
    expected = np.ones((1, 1))
    for w, b in zip(omegas, betas, strict=True):
        expected = np.kron(expected, thermal(w, b))
    for Ls in (L[None], np.stack([L, L])):
        rho = steady_states_batched(Ls, backend=backend)
        assert np.max(np.abs(rho - expected)) < 1e-12
        fast = steady_states_batched(Ls, condition_limit=None, backend=backend)
        assert np.max(np.abs(fast - expected)) < 1e-12


def thermal(omega, beta):
    p = np.exp(-beta * omega * np.array([0.0, 1.0]))
    return np.diag(p / p.sum())


def test_batched_without_condition_check(backend):
    rng = np.random.default_rng(13)
    Ls = np.stack([random_problem(4, 2, rng)[3] for _ in range(9)])
    fast = steady_states_batched(Ls, condition_limit=None, backend=backend)
    assert np.max(np.abs(fast - steady_states_batched(Ls, backend=backend))) < 1e-12
    # only exact singularity (zero pivots) is caught without the estimate: L = 0
    Ls[4] = 0.0
    with pytest.raises(DegenerateSteadyStateError) as info:
        steady_states_batched(Ls, condition_limit=None, backend=backend)
    assert info.value.indices == (4,)
    # block-split path
    L8 = np.stack([three_qubit_chain((1.0, 0.2, 0.5, 0.1)), three_qubit_chain((1.3, 0.1, 0.3, 0))])
    assert np.max(np.abs(steady_states_batched(L8, condition_limit=None, backend=backend)
                         - steady_states_batched(L8, backend=backend))) < 1e-12


def three_qubit_chain(params):
    """U(1)-symmetric 3-qubit chain with local thermal baths on the end qubits (sparse L)."""
    w, g, n1, n3 = params
    sm = [site(SM, k, 3) for k in range(3)]
    sp = [s.conj().T for s in sm]
    H = sum(wk * p @ m for wk, p, m in zip((w, 1.0, 1.2), sp, sm, strict=True))
    H = H + g * (sp[0] @ sm[1] + sp[1] @ sm[0] + sp[1] @ sm[2] + sp[2] @ sm[1])
    J = np.stack([sm[0], sp[0], sm[2], sp[2]])
    rates = np.diag([0.1 * (n1 + 1), 0.1 * n1, 0.2 * (n3 + 1), 0.2 * n3])
    return lindblad_liouvillian(H, J, rates)


def test_batched_block_split_path_matches_dense(monkeypatch, backend):
    """d = 8 (n = 64): the real system splits into excitation-number coherence sectors."""
    rng = np.random.default_rng(6)
    params = np.column_stack(
        [1 + rng.random(20), 0.3 * rng.random(20), rng.random(20), 0.1 * rng.random(20)]
    )
    Ls = np.stack([three_qubit_chain(p) for p in params])
    split = steady_states_batched(Ls, backend=backend)
    monkeypatch.setattr(steady, "BLOCK_SPLIT_MIN_SIZE", 10**9)
    dense = steady_states_batched(Ls, backend=backend)
    assert np.max(np.abs(split - dense)) < 1e-11
    for b in (0, 7, 19):
        assert np.max(np.abs(split[b] - steady_state(Ls[b]).rho)) < 1e-10
    q = qutip.steadystate(qutip.Qobj(Ls[3], dims=[[[8], [8]], [[8], [8]]], superrep="super"))
    assert np.max(np.abs(split[3] - q.full())) < 1e-8


def test_batched_flags_degenerate_points(backend):
    unique = lindblad_liouvillian(*collective_pair(individual=0.05))
    degenerate = lindblad_liouvillian(*collective_pair())
    Ls = np.stack([unique, degenerate, unique, degenerate, unique])
    with pytest.raises(DegenerateSteadyStateError) as info:
        steady_states_batched(Ls, backend=backend)
    assert info.value.indices == (1, 3)
    assert "[1, 3]" in str(info.value)
    rho = steady_states_batched(Ls, on_degenerate="nan", backend=backend)
    mask = np.isnan(rho[:, 0, 0])
    assert mask.tolist() == [False, True, False, True, False]
    assert np.max(np.abs(rho[0] - steady_state(unique).rho)) < 1e-12


def test_batched_flags_degenerate_points_in_block_split_path(backend):
    """3 qubits collectively coupled (n = 64 -> split path): dark states, every point flagged."""
    sm = [site(SM, k, 3) for k in range(3)]
    Jm = sum(sm)
    H = sum(s.conj().T @ s for s in sm)
    L = lindblad_liouvillian(H, np.stack([Jm, Jm.conj().T]), np.diag([0.3, 0.1]))
    L_ok = three_qubit_chain((1.0, 0.2, 0.5, 0.1))
    rho = steady_states_batched(np.stack([L, L_ok]), on_degenerate="nan", backend=backend)
    assert np.isnan(rho[0, 0, 0]) and not np.isnan(rho[1, 0, 0])


def test_backends_agree_on_the_papers_sweep_models():
    """The compiled and numpy routes on the bench's two sweeps (common-reservoirs 'single',
    coupled-ensembles 'com2'), each also against the SVD route of steady_state; the condition
    estimates (same formula, separate code) agree too."""
    if not steady_c.available():
        pytest.skip(f"no compiled solver here: {steady_c.unavailable_reason()}")
    from derivations import common_reservoirs, coupled_ensembles
    from symthermo.numeric.model_dynamics import LiouvillianBuilder

    rng = np.random.default_rng(21)
    cases = [
        (common_reservoirs.build_models()["single"], common_reservoirs.build_parameters()["single"],
         40),
        (coupled_ensembles.make_model("com2"), coupled_ensembles.default_parameters("com2"), 3),
    ]
    for model, params, points in cases:
        builder = LiouvillianBuilder(model)
        Ls = builder({str(k): float(v) * rng.uniform(0.7, 1.3, points) for k, v in params.items()})
        rho_c, cond_c = steady._batched_core(Ls, backend="c")
        rho_np, cond_np = steady._batched_core(Ls, backend="numpy")
        assert np.max(np.abs(rho_c - rho_np)) < 1e-11
        assert np.allclose(cond_c, cond_np, rtol=1e-6)
        assert np.all(cond_c > 1) and np.all(cond_c < 1e8)
        for b in (0, points - 1):
            assert np.max(np.abs(rho_c[b] - steady_state(Ls[b]).rho)) < 1e-10


@pytest.mark.parametrize("d", [2, 8])  # one block, and the block-split path (n = 64)
def test_batched_refuses_non_finite_generators(backend, d):
    rng = np.random.default_rng(22)
    if d == 8:
        Ls = np.stack([three_qubit_chain((1.0, 0.2, 0.5, 0.1 * k)) for k in range(4)])
    else:
        Ls = np.stack([random_problem(d, 2, rng)[3] for _ in range(4)])
    Ls[2, 1, 0] = np.nan
    Ls[3, 0, 0] = np.inf
    with pytest.raises(NumericDomainError, match=r"non-finite entries.*\[2, 3\]"):
        steady_states_batched(Ls, backend=backend)
    with pytest.raises(NumericDomainError, match="non-finite"):
        steady_states_batched(Ls, backend=backend, condition_limit=None, on_degenerate="nan")


def test_compiled_solver_gives_the_same_bits_with_every_flag_set(monkeypatch, tmp_path):
    """No FMA contraction, no reassociation: the native vector build and the portable build
    agree bit for bit (what makes generated/ independent of the CPU)."""
    if not steady_c.available():
        pytest.skip(f"no compiled solver here: {steady_c.unavailable_reason()}")
    from importlib import resources

    from symthermo.ccompile import compile_shared_library

    rng = np.random.default_rng(25)
    chain = np.stack([three_qubit_chain((1 + rng.random(), 0.3, rng.random(), 0.1))
                      for _ in range(5)])
    dense = np.stack([random_problem(4, 2, rng)[3] for _ in range(5)])
    native = steady_c._load()
    source = resources.files("symthermo.numeric").joinpath("steady_blocks.c").read_text()
    results = []
    for k, flags in enumerate(steady_c.C_FLAGS):
        lib = compile_shared_library(source, f"bits{k}", [flags], directory=tmp_path).library
        for name in ("symthermo_steady_blocks", "symthermo_entry_magnitudes"):
            getattr(lib, name).argtypes = getattr(native, name).argtypes
            getattr(lib, name).restype = getattr(native, name).restype
        monkeypatch.setitem(steady_c._STATE, "library", lib)
        results.append([steady._batched_core(Ls, backend="c") for Ls in (chain, dense)])
    for (rho_a, cond_a), (rho_b, cond_b) in zip(*results, strict=True):
        assert np.array_equal(rho_a, rho_b) and np.array_equal(cond_a, cond_b)


def test_backend_choice_and_fallback_without_compiler(monkeypatch):
    rng = np.random.default_rng(23)
    Ls = np.stack([random_problem(3, 2, rng)[3] for _ in range(5)])
    with pytest.raises(NumericDomainError, match="backend must be"):
        steady_states_batched(Ls, backend="fortran")
    reference = steady_states_batched(Ls, backend="numpy")
    monkeypatch.setattr(steady_c, "_STATE", {"library": None, "error": "C compiler 'cc' not found"})
    assert not steady_c.available()
    with pytest.raises(NumericDomainError, match=r"backend=.c. needs.*.cc. not found.*numpy"):
        steady_states_batched(Ls, backend="c")
    assert np.array_equal(steady_states_batched(Ls), reference)  # auto: numpy without compiler


def _as_entries(Ls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(entries, support) of a stack: the union of its non-zero positions."""
    flat = Ls.reshape(Ls.shape[0], -1)
    support = np.flatnonzero(np.any(flat != 0, axis=0))
    return flat[:, support], support


def test_steady_states_from_entries_equals_dense(backend):
    rng = np.random.default_rng(24)
    chain = np.stack([three_qubit_chain((1 + rng.random(), 0.3, rng.random(), 0.1))
                      for _ in range(6)])  # sparse, split path
    dense_random = np.stack([random_problem(3, 2, rng)[3] for _ in range(5)])  # dense, n = 9
    for Ls in (chain, dense_random):
        entries, support = _as_entries(Ls)
        n = Ls.shape[-1]
        rho = steady_states_from_entries(entries, support, n, backend=backend)
        assert np.max(np.abs(rho - steady_states_batched(Ls, backend=backend))) < 1e-12
        assert np.max(np.abs(rho[-1] - steady_state(Ls[-1]).rho)) < 1e-10
    # the support may be given in any order
    entries, support = _as_entries(chain)
    order = rng.permutation(support.size)
    rho = steady_states_from_entries(entries[:, order], support[order], 64, backend=backend)
    assert np.max(np.abs(rho - steady_states_batched(chain, backend=backend))) < 1e-12


def test_steady_states_from_entries_flags_and_refuses(backend):
    unique = lindblad_liouvillian(*collective_pair(individual=0.05))
    degenerate = lindblad_liouvillian(*collective_pair())
    entries, support = _as_entries(np.stack([unique, degenerate, unique]))
    with pytest.raises(DegenerateSteadyStateError) as info:
        steady_states_from_entries(entries, support, 16, backend=backend)
    assert info.value.indices == (1,)
    rho = steady_states_from_entries(entries, support, 16, on_degenerate="nan", backend=backend)
    assert np.isnan(rho[1, 0, 0]) and np.max(np.abs(rho[0] - steady_state(unique).rho)) < 1e-12
    broken = entries.copy()
    broken[2, 3] = np.nan
    with pytest.raises(NumericDomainError, match=r"non-finite entries.*\[2\]"):
        steady_states_from_entries(broken, support, 16, on_degenerate="nan", backend=backend)
    with pytest.raises(NumericDomainError, match="shape"):
        steady_states_from_entries(entries[:, :-1], support, 16, backend=backend)
    with pytest.raises(NumericDomainError, match="distinct flat positions"):
        steady_states_from_entries(entries, np.r_[support[:-1], support[0]], 16)
    with pytest.raises(NumericDomainError, match="distinct flat positions"):
        steady_states_from_entries(entries, np.r_[support[:-1], 256], 16)


def test_expm_matches_scipy():
    rng = np.random.default_rng(8)
    for scale in (1e-3, 0.1, 1.0, 3.0, 40.0):
        A = scale * random_operator(6, rng)
        ref = scipy.linalg.expm(A)
        assert np.max(np.abs(expm(A) - ref)) <= 1e-12 * max(1.0, np.max(np.abs(ref)))
    stack = np.stack([0.5 * random_operator(3, rng) for _ in range(4)])
    out = expm(stack)
    for k in range(4):
        assert np.allclose(out[k], scipy.linalg.expm(stack[k]), atol=1e-13)
    assert np.allclose(expm(np.zeros((3, 3))), np.eye(3))


def test_evolve_matches_qutip_mesolve():
    rng = np.random.default_rng(9)
    H, J, g, L = random_problem(3, 2, rng)
    rho0 = random_density(3, rng)
    times = np.linspace(0, 3, 7)
    res = qutip.mesolve(
        qutip.Qobj(H),
        qutip.Qobj(rho0),
        times,
        [np.sqrt(g[k]) * qutip.Qobj(J[k]) for k in range(2)],
        options={"atol": 1e-12, "rtol": 1e-10},
    )
    ref = np.stack([s.full() for s in res.states])
    for method in ("auto", "eig", "expm"):
        out = evolve(L, rho0, times, method=method)
        assert out.shape == (7, 3, 3)
        assert np.max(np.abs(out - ref)) < 1e-8
    # unsorted, repeated, non-uniform times via expm
    t = np.array([2.0, 0.5, 2.0, 0.0, 1.1])
    out = evolve(L, rho0, t, method="expm")
    for k, tk in enumerate(t):
        exact = scipy.linalg.expm(L * tk) @ vec(rho0)
        assert np.max(np.abs(vec(out[k]) - exact)) < 1e-12
