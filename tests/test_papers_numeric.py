"""The four papers' models against outside numbers: QuTiP steady states and exact finite tau.

1. QuTiP. For every model variant of common-reservoirs, coupled-ensembles, memoryless-ness and
   collective-ergotropy whose steady state is unique at its default parameters, QuTiP's own
   Lindblad machinery, fed only with our *derived* Lindblad data
   (:func:`symthermo.thermo.lindblad_form`: H incl. the cascaded correction, jump operators
   L_a and the Hermitian rate matrix gamma of each channel), gives the same steady state as
   :func:`~symthermo.numeric.model_dynamics.model_steady_state` and
   :func:`~symthermo.numeric.steady.steady_states_batched` (1e-8). QuTiP needs diagonal
   collapse operators: with D(rho) = sum_ab gamma_ab (L_a rho L_b^dag - {L_b^dag L_a, rho}/2)
   and gamma = U diag(g) U^dag, i.e. gamma_ab = sum_k U_ak g_k conj(U_bk),

       D(rho) = sum_k g_k (c_k rho c_k^dag - {c_k^dag c_k, rho}/2),  c_k = sum_a U_ak L_a,

   so QuTiP gets sqrt(g_k) c_k (g_k >= 0 is complete positivity, asserted). The rates of
   common-reservoirs and memoryless-ness are complex, so the index convention is tested: the
   conjugate convention gives a different generator (asserted too).
   Where the stationary space is degenerate (dark states: collective-ergotropy N = 2, 3 at any
   parameters, common-reservoirs at J1 = J2, Sec. 4.2) our solver must refuse to pick a state
   without an initial state, and with one it must return the long-time limit, which QuTiP's
   mesolve (again from our derived rates) and our own evolve() provide. QuTiP's steadystate is
   not compared there (it returns some state of the stationary space, without a warning).

2. Finite tau. One variant per paper: the exact collision round (U = exp(-i tau H_tot) per
   stroke, V / sqrt(tau), fresh ancillas, :func:`~symthermo.numeric.model_dynamics.collision_round`)
   has a fixed point rho_tau and per-round heat and work (collision_energetics / time per
   round). Order of the error against the derived currents at the Lindblad steady state:
   expanding one round, Phi_tau = 1 + tau L + tau^(3/2) M_3 + tau^2 M_4 + ..., the tau^(3/2)
   term holds odd moments Tr(rho_R B_a B_b B_c), Tr(rho_R B_a H_R ...) of the ancilla coupling
   operators, which vanish here (thermal rho_R diagonal in the H_R eigenbasis; B = sigma_x,
   sigma_y of a qubit or a, a^dag of an oscillator change the energy level by an odd amount).
   So (Phi_tau - 1)/tau = L + tau M_4 + O(tau^2): the fixed point and the per-round currents
   move by O(tau), and the error halves with tau (ratios ~2 at tau = 0.04, 0.02, 0.01,
   asserted within [1.8, 2.2]). Exception, also derived and asserted: collective-ergotropy's
   coupling is a resonant exchange, [V, H_0 + H_R] = 0 with H_d commuting with H_0, so every
   stroke unitary conserves exp(-beta (H_0 + H_R)) and the finite-tau fixed points (projected
   from the same initial state) equal the Lindblad ones at every tau, with zero currents; its
   O(tau) convergence is checked instead on the per-round currents at a non-stationary state.
   Oscillator ancillas are truncated to 8 levels (the 4-qubit coupled-ensembles round acts on
   S (x) R_h (x) R_c, dimension 16 * 64: the costliest part of this file) at colder baths where
   the truncation changes the currents by < 1e-9 of their size: then the Lindblad limit of the
   *same truncated* round (lindblad_limit_currents) equals the derived, untruncated currents
   (asserted), and the finite-tau error is measured against the derived currents. Measured
   (tau = 0.04, 0.02, 0.01): common-reservoirs single 1.30e-2, 6.5e-3, 3.3e-3 (currents 0.18);
   memoryless-ness general 1.07e-3, 5.5e-4, 2.8e-4 (0.16); coupled-ensembles com2 2.5e-6,
   1.3e-6, 6.4e-7 (4e-4): ratios 1.96-2.00.

Conventions: hbar = k_B = 1, column-stacking vec (as QuTiP), first site = leftmost factor.
"""

from __future__ import annotations

import importlib
from functools import cache

import numpy as np
import pytest
import sympy

qutip = pytest.importorskip("qutip")

from symthermo import thermo  # noqa: E402
from symthermo.model import CollisionModel  # noqa: E402
from symthermo.numeric.collision import (  # noqa: E402
    collision_energetics,
    collision_steady_state,
    lindblad_limit_currents,
    lindblad_limit_generator,
)
from symthermo.numeric.errors import DegenerateSteadyStateError  # noqa: E402
from symthermo.numeric.matrices import evaluate, operator_matrix  # noqa: E402
from symthermo.numeric.model_dynamics import (  # noqa: E402
    LiouvillianBuilder,
    collision_round,
    lindblad_liouvillian_of,
    model_steady_state,
)
from symthermo.numeric.model_matrices import converged_cutoff  # noqa: E402
from symthermo.numeric.steady import evolve, steady_state, steady_states_batched  # noqa: E402

TOL = 1e-8
PAPERS = ("common_reservoirs", "coupled_ensembles", "memoryless_ness", "collective_ergotropy")


# --------------------------------------------------------------------------------------------
# models and parameters of the papers
# --------------------------------------------------------------------------------------------


@cache
def paper(name: str) -> tuple[dict[str, CollisionModel], dict[str, dict]]:
    """(models, default parameters) by variant, without running the derivation's checks.

    Same data as ``symthermo.cli.models_and_parameters`` but never falls back to ``build()``
    (coupled_ensembles has no build_models(): its build() derives everything, ~20 s).
    """
    module = importlib.import_module(f"derivations.{name}")
    if hasattr(module, "build_models") and hasattr(module, "build_parameters"):
        return module.build_models(), module.build_parameters()
    if hasattr(module, "MODELS") and hasattr(module, "PARAMETERS"):
        return dict(module.MODELS), dict(module.PARAMETERS)
    variants = module.VARIANTS  # coupled_ensembles
    return (
        {v: module.make_model(v) for v in variants},
        {v: module.default_parameters(v) for v in variants},
    )


def all_variants() -> list[tuple[str, str]]:
    return [(name, v) for name in PAPERS for v in paper(name)[0]]


def rate_matrix(rates: sympy.MatrixBase, params: dict) -> np.ndarray:
    values = {k: sympy.Float(float(v), 30) for k, v in params.items()}
    return np.array(rates.xreplace(values).evalf(), dtype=complex)


def qutip_lindblad(model: CollisionModel, params: dict, conjugate: bool = False):
    """QuTiP's (H, c_ops) from our derived Lindblad form (module docstring for the algebra).

    ``conjugate=True`` uses the wrong index convention c_k = sum_a conj(U_ak) L_a.
    """
    lf = thermo.lindblad_form(model)
    sites = model.system_sites
    H = operator_matrix(lf.hamiltonian, sites, None, params)
    c_ops = []
    for ch in lf.channels:
        if not ch.jump_operators:
            continue
        jumps = np.stack([operator_matrix(op, sites, None, params) for op in ch.jump_operators])
        gamma = rate_matrix(ch.rates, params)
        assert np.allclose(gamma, gamma.conj().T, rtol=0, atol=1e-13)
        g, U = np.linalg.eigh(gamma)
        assert g[0] >= -1e-12 * max(g[-1], 1.0), f"rate matrix not positive: {g}"
        if conjugate:
            U = U.conj()
        for k in np.flatnonzero(g > 1e-14 * max(g[-1], 1e-300)):
            c = np.sqrt(g[k]) * np.einsum("a,aij->ij", U[:, k], jumps)
            c_ops.append(qutip.Qobj(c))
    return qutip.Qobj(H), c_ops


def is_unique(model: CollisionModel, params: dict) -> bool:
    L = lindblad_liouvillian_of(model, params)
    s = np.linalg.svd(L, compute_uv=False)
    return int(np.count_nonzero(s <= 1e-10 * s[0])) == 1


UNIQUE = [p for p in all_variants() if is_unique(paper(p[0])[0][p[1]], paper(p[0])[1][p[1]])]
DEGENERATE = [p for p in all_variants() if p not in UNIQUE]


def test_every_paper_has_models_and_the_expected_degenerate_variants():
    for name in PAPERS:
        assert paper(name)[0], name
    # only collective coupling of identical qubits to one bath leaves a dark (singlet) sector
    assert {("collective_ergotropy", "N2"), ("collective_ergotropy", "N3")} <= set(DEGENERATE)
    assert all(n == "collective_ergotropy" and "independent" not in v for n, v in DEGENERATE)
    assert ("collective_ergotropy", "N2_independent") in UNIQUE
    assert len(UNIQUE) >= 4 + 6 + 3 + 1


# --------------------------------------------------------------------------------------------
# 1. QuTiP, unique steady states
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "variant"), UNIQUE, ids=[f"{n}:{v}" for n, v in UNIQUE])
def test_unique_steady_state_agrees_with_qutip(name, variant):
    model, params = paper(name)[0][variant], paper(name)[1][variant]
    H, c_ops = qutip_lindblad(model, params)
    ref = qutip.steadystate(H, c_ops).full()
    ss = model_steady_state(model, params)
    assert ss.stationary_dimension == 1
    assert np.max(np.abs(ss.rho - ref)) < TOL
    # QuTiP's own Liouvillian of the same data is our derived generator
    Lq = qutip.liouvillian(H, c_ops).full()
    L = lindblad_liouvillian_of(model, params)
    assert np.max(np.abs(Lq - L)) < 1e-12 * max(1.0, np.max(np.abs(L)))


def test_rate_index_convention_matters():
    """gamma_ab multiplies L_a rho L_b^dag: the conjugate convention is a different generator
    wherever gamma is complex (common-reservoirs, memoryless-ness)."""
    checked = 0
    for name in ("common_reservoirs", "memoryless_ness"):
        models, params = paper(name)
        for variant, model in models.items():
            p = params[variant]
            if not any(np.abs(rate_matrix(ch.rates, p).imag).max() > 1e-3
                       for ch in thermo.lindblad_form(model).channels):
                continue
            L = lindblad_liouvillian_of(model, p)
            good = qutip.liouvillian(*qutip_lindblad(model, p)).full()
            bad = qutip.liouvillian(*qutip_lindblad(model, p, conjugate=True)).full()
            assert np.max(np.abs(good - L)) < 1e-12
            assert np.max(np.abs(bad - L)) > 1e-2
            checked += 1
    assert checked >= 4


def _random_points(params: dict, count: int, rng: np.random.Generator) -> list[dict]:
    """Each parameter scaled by an independent factor in [0.7, 1.3] (zeros stay zero)."""
    return [{k: float(v) * rng.uniform(0.7, 1.3) for k, v in params.items()}
            for _ in range(count)]


@pytest.mark.parametrize("name", PAPERS)
def test_batched_sweep_agrees_with_qutip(name):
    """LiouvillianBuilder -> steady_states_batched at random points around the defaults, each
    point against qutip.steadystate of the derived rates at that point."""
    rng = np.random.default_rng(sum(map(ord, name)))
    models, params = paper(name)
    tested = 0
    for variant, model in models.items():
        if (name, variant) not in UNIQUE:
            continue
        points = _random_points(params[variant], 3, rng)
        builder = LiouvillianBuilder(model)
        values = {str(k): np.array([p[k] for p in points]) for k in params[variant]}
        rho = steady_states_batched(builder(values))
        for i, p in enumerate(points):
            ref = qutip.steadystate(*qutip_lindblad(model, p)).full()
            assert np.max(np.abs(rho[i] - ref)) < TOL, (variant, i)
        tested += 1
    assert tested >= 1


# --------------------------------------------------------------------------------------------
# 1b. degenerate stationary spaces: refuse without rho_0, long-time limit with rho_0
# --------------------------------------------------------------------------------------------


def _degenerate_cases():
    cases = [(f"{n}:{v}", paper(n)[0][v], paper(n)[1][v]) for n, v in DEGENERATE]
    # common-reservoirs Sec. 4.2 / Fig. 2: J1 = J2 = 1.2 makes (|01> - |10>)/sqrt(2) dark
    models, params = paper("common_reservoirs")
    dark = dict(params["single"])
    for k in list(dark):
        if str(k) in ("Jx_1", "Jy_1"):
            dark[k] = 1.2
    cases.append(("common_reservoirs:single@J1=J2", models["single"], dark))
    return cases


DEGENERATE_CASES = _degenerate_cases()
#: dim ker L: N = 2 -> thermal triplet+ground sector and the singlet; N = 3 -> one thermal
#: state per J-multiplet copy (J = 3/2 and two J = 1/2) plus the 2 x 2 coherences between the
#: two J = 1/2 copies: 1 + 4 = 5; common-reservoirs dark point: thermal-like state + singlet.
STATIONARY_DIMENSION = {"collective_ergotropy:N2": 2, "collective_ergotropy:N3": 5,
                        "common_reservoirs:single@J1=J2": 2}


@pytest.mark.parametrize(("label", "model", "params"), DEGENERATE_CASES,
                         ids=[c[0] for c in DEGENERATE_CASES])
def test_degenerate_steady_state_is_refused_then_projected_like_long_time_evolution(
    label, model, params
):
    d = 2 ** len(model.system_sites)
    with pytest.raises(DegenerateSteadyStateError, match="dimension") as info:
        model_steady_state(model, params)
    dim = info.value.dimension
    assert dim == STATIONARY_DIMENSION.get(label, dim) and dim > 1
    L = lindblad_liouvillian_of(model, params)
    with pytest.raises(DegenerateSteadyStateError) as batch_info:
        steady_states_batched(np.stack([L, L]))
    assert batch_info.value.indices == (0, 1)

    rng = np.random.default_rng(7)
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    ground = np.zeros((d, d), dtype=complex)
    ground[0, 0] = 1.0
    H, c_ops = qutip_lindblad(model, params)
    gap = -np.sort(np.linalg.eigvals(L).real)[::-1][dim]  # slowest decaying mode
    t_end = 40.0 / gap
    results = []
    for rho0 in (ground, a @ a.conj().T / np.trace(a @ a.conj().T)):
        ss = model_steady_state(model, params, initial_state=rho0)
        assert ss.projected and ss.stationary_dimension == dim
        # the sparse route detects the same dimension and projects to the same state
        for route in ("lindblad", "direct"):
            cut = converged_cutoff(model, params) or None
            sparse = model_steady_state(model, params, cut, rho0, route=route, method="sparse")
            assert sparse.stationary_dimension == dim and sparse.method == "sparse-direct"
            assert np.max(np.abs(sparse.rho - ss.rho)) < 1e-10
        late = qutip.mesolve(
            H, qutip.Qobj(rho0), [0.0, t_end], c_ops,
            options={"atol": 1e-13, "rtol": 1e-11, "nsteps": 10**6},
        ).states[-1].full()
        assert np.max(np.abs(ss.rho - late)) < TOL
        ours = evolve(L, rho0, [t_end], method="expm")[0]
        assert np.max(np.abs(ss.rho - ours)) < TOL
        results.append(ss.rho)
    # the limit really depends on the initial state
    assert np.max(np.abs(results[0] - results[1])) > 1e-3


# --------------------------------------------------------------------------------------------
# 2. finite tau -> derived currents
# --------------------------------------------------------------------------------------------

TAUS = (0.04, 0.02, 0.01)


def derived_currents(model: CollisionModel, params: dict, rho: np.ndarray) -> np.ndarray:
    """[Qdot_k for each bath ..., Wdot] from the engine's derived expressions at rho."""
    sites = model.system_sites
    heat = [evaluate(thermo.heat_current(model, b.name), rho, sites, params).real
            for b in model.baths]
    return np.array([*heat, evaluate(thermo.work_current(model), rho, sites, params).real])


def _per_bath(model: CollisionModel, names: list[str], heat: np.ndarray, power: float):
    out = [sum(h for n, h in zip(names, heat, strict=True) if n == b.name) for b in model.baths]
    return np.array([*out, power])


def finite_tau_currents(model, params, cutoff, tau, rho_at=None, initial_state=None):
    """Per-round currents / time per round at the round's fixed point (or at rho_at), and the
    currents of the same truncated round's tau -> 0 limit at its own steady state."""
    rnd, period, names = collision_round(model, tau, params, cutoff)
    rho = rho_at
    if rho is None:
        rho = collision_steady_state(rnd, initial_state=initial_state).rho
    en = collision_energetics(rnd, rho, period)
    assert abs(en.first_law_residual) < 1e-12
    cur = en.currents
    exact = _per_bath(model, names, cur.heat_currents, cur.power)
    limit_rho = rho_at
    if limit_rho is None:
        limit_rho = steady_state(lindblad_limit_generator(rnd, period), initial_state).rho
    lim = lindblad_limit_currents(rnd, limit_rho, period)
    return exact, _per_bath(model, names, lim.heat_currents, lim.power), rho


def _cold(params: dict, temperatures: dict[str, float]) -> dict:
    out = dict(params)
    for k in list(out):
        if str(k) in temperatures:
            out[k] = temperatures[str(k)]
    return out


def _finite_tau_cases():
    cr_models, cr_params = paper("common_reservoirs")
    mn_models, mn_params = paper("memoryless_ness")
    ce_models, ce_params = paper("coupled_ensembles")
    return [
        ("common_reservoirs:single", cr_models["single"], cr_params["single"], None),
        ("memoryless_ness:general", mn_models["general"], mn_params["general"], None),
        # omega_h / T_h = 3, omega_c / T_c = 3.3: 8 Fock levels hold all but < 4e-11
        ("coupled_ensembles:com2", ce_models["com2"],
         _cold(ce_params["com2"], {"T_h": 0.5, "T_c": 0.3}), 8),
    ]


FINITE_TAU_CASES = _finite_tau_cases()


@pytest.mark.parametrize(("label", "model", "params", "cutoff"), FINITE_TAU_CASES,
                         ids=[c[0] for c in FINITE_TAU_CASES])
def test_finite_tau_steady_currents_converge_at_first_order(label, model, params, cutoff):
    ss = model_steady_state(model, params)
    derived = derived_currents(model, params, ss.rho)
    scale = np.max(np.abs(derived))
    assert scale > 1e-5  # a steady state with currents, not a trivial one
    assert abs(np.sum(derived)) < 1e-12 * max(scale, 1.0)  # first law at the steady state
    errors, rho_errors = [], []
    for tau in TAUS:
        exact, limit, rho_tau = finite_tau_currents(model, params, cutoff, tau)
        # the same truncation in the tau -> 0 limit reproduces the derived currents
        assert np.max(np.abs(limit - derived)) < 1e-9 * scale
        errors.append(np.max(np.abs(exact - derived)))
        rho_errors.append(np.max(np.abs(rho_tau - ss.rho)))
    errors, rho_errors = np.array(errors), np.array(rho_errors)
    ratios = errors[:-1] / errors[1:]
    assert np.all((ratios > 1.8) & (ratios < 2.2)), (errors, ratios)
    rho_ratios = rho_errors[:-1] / rho_errors[1:]
    assert np.all((rho_ratios > 1.8) & (rho_ratios < 2.2)), (rho_errors, rho_ratios)
    assert errors[-1] < 0.05 * scale  # and they are small at tau = 0.01


@cache
def _collective():
    module = importlib.import_module("derivations.collective_ergotropy")
    models, params = paper("collective_ergotropy")
    p = {**params["N2"], module.beta: 4.0, module.f: 0.3}  # cold: 8 levels hold all but 1e-14
    return models, p


def test_finite_tau_collective_ergotropy_fixed_points_are_exact():
    """Resonant exchange with a thermal oscillator: every finite-tau round keeps the Lindblad
    steady states (projected from the same rho_0) and carries no current there."""
    models, p = _collective()
    rng = np.random.default_rng(3)
    a = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho0 = a @ a.conj().T / np.trace(a @ a.conj().T)
    for variant, initial in (("N2", rho0), ("N2_independent", None)):
        model = models[variant]
        ref = model_steady_state(model, p, initial_state=initial).rho
        for tau in TAUS:
            exact, _, rho_tau = finite_tau_currents(model, p, 8, tau, initial_state=initial)
            assert np.max(np.abs(rho_tau - ref)) < 1e-11, (variant, tau)
            assert np.max(np.abs(exact)) < 1e-11, (variant, tau)


def test_finite_tau_collective_ergotropy_currents_converge_at_first_order():
    """Off the steady state the per-round heat and work of the collective model converge to
    the derived currents at O(tau) (same expansion as in the module docstring)."""
    models, p = _collective()
    model = models["N2"]
    rng = np.random.default_rng(11)
    a = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho = a @ a.conj().T / np.trace(a @ a.conj().T)
    derived = derived_currents(model, p, rho)
    scale = np.max(np.abs(derived))
    assert scale > 1e-2 and abs(derived[-1]) > 1e-3  # heat and (H_d-driven) work
    errors = []
    for tau in TAUS:
        exact, limit, _ = finite_tau_currents(model, p, 8, tau, rho_at=rho)
        assert np.max(np.abs(limit - derived)) < 1e-9 * scale
        errors.append(np.max(np.abs(exact - derived)))
    errors = np.array(errors)
    ratios = errors[:-1] / errors[1:]
    assert np.all((ratios > 1.8) & (ratios < 2.2)), (errors, ratios)
