"""Cross-checks of a derivation's models (``symthermo check``).

For every model variant, at its default parameters (and a random perturbation of them):

1. first law: the residual dE_S/dt - Wdot - sum Qdot is exactly 0 (symbolic);
2. matrix route: every derived current (heat per bath, work; local, non-local, total) equals
   Tr[(rho_S (x) rho_R) [V_i,[V_j,X]]] computed with matrices at a random state (rel. 1e-8);
3. Liouvillian: the derived Lindblad generator equals the one built directly from the
   couplings' matrices (thermal oscillator ancillas truncated where the population left is
   below 1e-14, :func:`~symthermo.numeric.model_matrices.converged_cutoff`);
4. finite tau: the exact stroboscopic map Phi of one round satisfies
   ||(Phi - 1)/T - L|| = O(tau): the error at tau/2 is about half the error at tau (for
   joint system + ancilla dimensions up to ``FINITE_TAU_MAX_DIM``, oscillators at
   ``FINITE_TAU_CUTOFF`` levels on both sides);
5. the printed-equation table of the paper (a paper's typo is reported, not a failure), and
   every Check's derived value agrees with its matrix-route evidence; a check that is
   undecided (or was never compared) is a failure, never a pass.

Returns False when a cross-check of our own derivation fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

import numpy as np

from .numeric.collision import collision_map
from .numeric.matrices import dimensions, evaluate
from .numeric.model_dynamics import collision_round, direct_liouvillian, lindblad_liouvillian_of
from .numeric.model_matrices import (
    converged_cutoff,
    heat_current_matrix,
    random_density_matrix,
    work_current_matrix,
)
from .papers.compare import evidence_consistent
from .papers.records import DECIDED, STATUS_DIFFERS, STATUS_UNDECIDED
from .thermo import PARTS, first_law_residual, heat_current, work_current

FINITE_TAU_CUTOFF = 8
FINITE_TAU_MAX_DIM = 256
SYSTEM_CUTOFF = 8
RTOL = 1e-8


def _rel_err(a: float, b: float) -> float:
    return abs(a - b) / max(1.0, abs(b))


def check_model(model, params: dict, rng: np.random.Generator) -> list[tuple[str, bool, str]]:
    """The cross-checks of one model at one parameter point: (name, ok, detail) rows."""
    rows: list[tuple[str, bool, str]] = []
    residual = first_law_residual(model)
    rows.append(("first law (symbolic)", residual == 0, f"residual = {residual}"))
    sites = model.system_sites
    cut = {s.name: SYSTEM_CUTOFF for s in sites if s.kind == "boson"}
    cut.update(converged_cutoff(model, params))
    d = int(np.prod(dimensions(sites, cut)))
    rho = random_density_matrix(d, rng)
    worst = 0.0
    for b in model.baths:
        for p in PARTS:
            derived = evaluate(heat_current(model, b.name, p), rho, sites, params, cut).real
            ref = heat_current_matrix(model, b.name, p, rho, params, cut)
            worst = max(worst, _rel_err(derived, ref))
    for p in PARTS:
        derived = evaluate(work_current(model, None, p), rho, sites, params, cut).real
        ref = work_current_matrix(model, None, p, rho, params, cut)
        worst = max(worst, _rel_err(derived, ref))
    rows.append(("currents vs matrix route", worst < RTOL, f"max rel. error {worst:.2e}"))
    l_derived = lindblad_liouvillian_of(model, params, cut)
    l_direct = direct_liouvillian(model, params, cut)
    diff = float(np.abs(l_derived - l_direct).max() / max(1.0, np.abs(l_direct).max()))
    rows.append(("Liouvillian: derived vs direct", diff < 1e-7, f"max rel. diff {diff:.2e}"))
    small = {k: min(v, FINITE_TAU_CUTOFF) for k, v in cut.items()}
    channels = [ch for b in model.baths for ch in b.channels()]
    per_channel = [
        int(np.prod(dimensions(b.ancilla_sites, small))) for b in model.baths for _ in b.channels()
    ]
    joint = d * max(per_channel, default=1)  # channels act one after another
    if joint <= FINITE_TAU_MAX_DIM and channels:
        l_ref = direct_liouvillian(model, params, small)
        errs = []
        for tau in (0.02, 0.01):
            rnd, t_round, _ = collision_round(model, tau, params, small)
            phi = collision_map(rnd)
            errs.append(float(np.abs((phi - np.eye(phi.shape[0])) / t_round - l_ref).max()))
        ratio = errs[0] / errs[1] if errs[1] > 0 else float("inf")
        ok = errs[1] < errs[0] and (ratio > 1.6 or errs[1] < 1e-9)
        rows.append(
            ("finite tau -> generator, O(tau)", ok,
             f"err(0.02) = {errs[0]:.2e}, err(0.01) = {errs[1]:.2e}, ratio {ratio:.2f}")
        )
    return rows


def _with_missing_values(model, params: dict) -> dict:
    """Parameters without a default value (a declaration without PARAMETERS) get a random
    value of the default sampling (fixed seed), so every model can be cross-checked."""
    from .papers.routes import DEFAULT_SAMPLING, model_parameters

    given = {str(k) for k in params}
    rng = np.random.default_rng(777)
    for s in model_parameters(model):
        if str(s) not in given:
            low, high = DEFAULT_SAMPLING.range_of(s)
            params[s] = float(rng.uniform(max(low, 0.2), high))
    return params


def run_cross_checks(d, out: TextIO, progress: Callable[[str], None]) -> bool:
    """Run and print all cross-checks of a Derivation; True when all of ours pass."""
    ok_all = True
    rng = np.random.default_rng(12345)
    print(f"== {d.name}: {d.title}", file=out)
    print(f"{'model':<18} {'check':<34} {'result':<6} detail", file=out)
    for variant, model in d.models.items():
        progress(f"[{d.name}] cross-checking model {variant} ...")
        params = _with_missing_values(model, dict(d.parameters.get(variant, {})))
        for name, ok, detail in check_model(model, params, rng):
            ok_all = ok_all and ok
            print(f"{variant:<18} {name:<34} {'ok' if ok else 'FAIL':<6} {detail}", file=out)
    print(f"{'equation':<28} {'status':<24} {'ours vs matrices':<16} kind", file=out)
    for c in d.checks:
        consistent = evidence_consistent(c)
        decided = c.status in DECIDED  # an undecided check never counts as passing
        ok_all = ok_all and consistent and decided
        kind = c.difference_kind if c.status == STATUS_DIFFERS else ""
        ev = "n/a" if c.evidence is None else ("agrees" if consistent else "DISAGREES")
        status = c.status if decided else STATUS_UNDECIDED.upper()
        print(f"{c.label:<28} {status:<24} {ev:<16} {kind}", file=out)
    for s in d.statements:
        print(f"{s.label:<28} {'holds' if s.holds else 'does not hold':<24} {s.claim}", file=out)
    print(f"-- {d.name}: {'all cross-checks pass' if ok_all else 'A CROSS-CHECK FAILED'}",
          file=out)
    return ok_all
