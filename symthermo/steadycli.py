"""Numeric steady state of a derivation's model and its thermodynamics (``symthermo steady``).

Parameters are the derivation's defaults overridden by ``--set KEY=VALUE`` (KEY = the symbol's
name).  The steady state comes from the derived Lindblad generator; currents are the derived
expressions evaluated there; coherence is the l1 norm in the local product basis and the
ergotropy is taken with respect to H_S.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy

from .errors import ParameterError, SymthermoError
from .numeric.errors import DegenerateSteadyStateError
from .numeric.matrices import (
    TRUNCATION_POPULATION_LIMIT,
    dimensions,
    evaluate,
    operator_matrix,
    top_level_populations,
)
from .numeric.measures import ergotropy, l1_coherence
from .numeric.model_dynamics import model_steady_state
from .thermo import PARTS, energy_rate, heat_current, work_current
from .validate import choice, real_number, validate_parameter_values


def _initial_state(kind: str | None, dims: list[int]) -> np.ndarray | None:
    if kind is None:
        return None
    choice("--initial", kind, ("ground", "mixed"))
    d = int(np.prod(dims))
    if kind == "ground":
        rho = np.zeros((d, d), dtype=complex)
        rho[0, 0] = 1.0  # index 0 = |0...0>: every qubit in |0>, every boson in vacuum
        return rho
    return np.eye(d, dtype=complex) / d  # "mixed"


def resolve_parameters(
    defaults: Mapping, sets: Mapping[str, float], model_symbols: set
) -> dict[sympy.Symbol, float]:
    """Defaults overridden by ``sets`` (by symbol name); every model symbol needs a value."""
    by_name = {str(k): k for k in defaults}
    by_name.update({str(s): s for s in model_symbols})
    params = validate_parameter_values(defaults)
    for key, value in sets.items():
        if key not in by_name:
            raise SymthermoError(
                f"unknown parameter {key!r}; this model has {', '.join(sorted(by_name))}"
            )
        params[by_name[key]] = real_number(key, value, what="--set")
    params = {k: float(v) for k, v in params.items()}
    missing = sorted(str(s) for s in model_symbols if s not in params)
    if missing:
        raise SymthermoError(f"no value for parameters {missing}: pass --set NAME=VALUE")
    return params


def _model_symbols(model) -> set:
    from .thermo import lindblad_form

    lf = lindblad_form(model)
    out: set = set()
    for c in lf.hamiltonian.terms.values():
        out |= c.free_symbols
    for ch in lf.channels:
        out |= ch.rates.free_symbols
        for op in ch.jump_operators:
            for c in op.terms.values():
                out |= c.free_symbols
    return out


def steady_report(
    name: str,
    models: Mapping,
    parameters: Mapping,
    variant: str | None,
    sets: Mapping[str, float],
    initial: str | None,
    cutoff: int = 12,
) -> dict:
    """The JSON-ready thermodynamics of one model's steady state (floats)."""
    if variant is None:
        variant = next(iter(models))
    if variant not in models:
        raise SymthermoError(f"{name} has no model {variant!r}; choose one of {', '.join(models)}")
    model = models[variant]
    params = resolve_parameters(parameters.get(variant, {}), sets, _model_symbols(model))
    dims = dimensions(model.system_sites, cutoff)
    try:  # dense or sparse by size (model_steady_state, method="auto")
        ss = model_steady_state(model, params, cutoff, _initial_state(initial, dims))
    except DegenerateSteadyStateError as exc:
        raise SymthermoError(
            f"{exc} On the command line: pass --initial ground or --initial mixed."
        ) from exc
    rho = ss.rho
    sites = model.system_sites
    for site, top in top_level_populations(rho, sites, cutoff).items():
        if top > TRUNCATION_POPULATION_LIMIT:
            raise ParameterError(
                f"boson site {site!r} is not converged at --cutoff {cutoff}: its top Fock level "
                f"holds population {float(top):.3g} (> {TRUNCATION_POPULATION_LIMIT:g}), so the "
                "results depend on the cutoff; increase --cutoff", "cutoff"
            )

    def value(expr: sympy.Expr) -> float:
        return float(evaluate(expr, rho, sites, params, cutoff).real)

    heat = {
        b.name: {p: value(heat_current(model, b.name, p)) for p in PARTS} for b in model.baths
    }
    work = {p: value(work_current(model, None, p)) for p in PARTS}
    h_s = operator_matrix(model.system_hamiltonian, sites, cutoff, params)
    return {
        "derivation": name,
        "model": variant,
        "parameters": {
            str(k): float(v) for k, v in sorted(params.items(), key=lambda kv: str(kv[0]))
        },
        "heat": heat,
        "work": work,
        "energy_rate": value(energy_rate(model)),
        "l1_coherence": float(l1_coherence(rho)),
        "ergotropy": float(ergotropy(rho, h_s)),
        "stationary_dimension": int(ss.stationary_dimension),
    }
