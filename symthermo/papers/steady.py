"""Steady states of a paper's models for its statements: the derived Lindblad generator, its
steady state on the sector of equal excitation numbers, the derived currents there.

* :func:`derived_liouvillian`: the column-stacking generator (vec(A rho B) = (B^T (x) A)
  vec(rho)) of the engine's derived Lindblad form at one parameter point
  (:class:`~symthermo.numeric.model_dynamics.LiouvillianBuilder`, built once per model);
* :func:`sector_steady_summary`: the steady state on the sector of coherences between equal
  excitation numbers (:func:`~symthermo.numeric.sectors.sector_steady_state`; valid when the
  generator conserves that sector, e.g. excitation-exchanging couplings with thermal
  oscillators) and every derived current there, each current operator
  (:mod:`symthermo.thermo`) as a matrix traced with rho_ss;
* :func:`kernel_dimension`: dim ker L by SVD (s <= rtol s_max);
* :func:`golden_section_maximum`: the maximiser of a smooth function of one variable (e.g. the
  power of an engine against omega_h/omega_c), golden-section search and a final parabola;
  :func:`parabolic_maximum` the same from values sampled on a grid.

Keys of the currents: ``Q_<bath>,<part>`` and ``W_<part>``, parts local, nonlocal, total (heat
INTO the system, work delivered TO it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import numpy as np
import sympy

from ..model import CollisionModel
from ..numeric.compiled_operator import CompiledOperator
from ..numeric.model_dynamics import LiouvillianBuilder
from ..numeric.sectors import sector_steady_state
from .compare import expectation_values
from .routes import SteadySummary, model_parameters

__all__ = [
    "derived_currents_at",
    "derived_liouvillian",
    "evaluate_at",
    "golden_section_maximum",
    "kernel_dimension",
    "parabolic_maximum",
    "sector_steady_summary",
]

_PARTS = ("local", "nonlocal", "total")


@lru_cache(maxsize=32)
def _builder(model: CollisionModel) -> tuple[LiouvillianBuilder, frozenset[str]]:
    return LiouvillianBuilder(model), frozenset(str(x) for x in model_parameters(model))


def derived_liouvillian(model: CollisionModel, params: Mapping) -> np.ndarray:
    """The derived Lindblad generator (d^2, d^2), column stacking, at one parameter point
    (values by symbol or name; entries that are not parameters of the model are ignored)."""
    builder, names = _builder(model)
    return builder({str(k): float(v) for k, v in params.items() if str(k) in names})


def kernel_dimension(generator: np.ndarray, rtol: float = 1e-10) -> int:
    """dim ker L: the number of singular values s <= rtol * s_max."""
    s = np.linalg.svd(generator, compute_uv=False)
    return int(np.sum(s <= rtol * s[0]))


@lru_cache(maxsize=32)
def _current_operators(model: CollisionModel) -> dict[str, CompiledOperator]:
    from ..thermo import heat_current_operator, work_current_operator

    ops = {}
    for b in model.baths:
        for part in _PARTS:
            ops[f"Q_{b.name},{part}"] = heat_current_operator(model, b.name, part)
    for part in _PARTS:
        ops[f"W_{part}"] = work_current_operator(model, None, part)
    return {k: CompiledOperator(v, model.system_sites) for k, v in ops.items()}


def derived_currents_at(model: CollisionModel, rho: np.ndarray, params: Mapping) -> dict:
    """Every derived current at a system state: Tr[rho J] with J the current's operator
    (:func:`symthermo.thermo.heat_current_operator`, ``work_current_operator``) as a matrix."""
    return {k: float(np.einsum("ij,ji->", rho, op(params)).real)
            for k, op in _current_operators(model).items()}


def sector_steady_summary(model: CollisionModel, params: Mapping) -> SteadySummary:
    """Steady state of the derived generator on the sector of equal excitation numbers (qubit
    systems whose generator conserves it: a unique steady state lies there) and the derived
    currents at it; ``dimension`` is the kernel dimension within the sector."""
    n = len(model.system_sites)
    rho, kernel = sector_steady_state(derived_liouvillian(model, params), n)
    cur = derived_currents_at(model, rho, params)
    heat = {b.name: cur[f"Q_{b.name},total"] for b in model.baths}
    return SteadySummary(kernel, rho, cur, heat, cur["W_total"])


def evaluate_at(expr: sympy.Expr, rho: np.ndarray, sites: Sequence, params: Mapping | None = None
                ) -> float:
    """A derived or printed expression (Expectation symbols, parameters) at a state."""
    subs = dict(params or {})
    subs.update(expectation_values([expr], rho, sites))
    return float(sympy.re(sympy.sympify(expr).xreplace(subs)))


def golden_section_maximum(f: Callable[[float], float], lo: float, hi: float,
                           iterations: int = 8) -> float:
    """The maximiser of f on (lo, hi): ``iterations`` golden-section steps, then the vertex of
    the parabola through the last bracket's ends and midpoint (the best of the three if the
    parabola opens upwards)."""
    a, b = lo, hi
    gr = (np.sqrt(5.0) - 1.0) / 2.0
    c, d = b - gr * (b - a), a + gr * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iterations):
        if fc > fd:
            b, d, fd = d, c, fc
            c = b - gr * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + gr * (b - a)
            fd = f(d)
    xs = np.array([c, (c + d) / 2, d])
    ys = np.array([fc, f(xs[1]), fd])
    coef = np.polyfit(xs, ys, 2)
    return float(-coef[1] / (2 * coef[0])) if coef[0] < 0 else float(xs[np.argmax(ys)])


def parabolic_maximum(x: np.ndarray, y: np.ndarray, where: np.ndarray | None = None
                      ) -> tuple[float, float]:
    """(x*, y*) of the maximum of sampled values y(x) (x increasing) over the points ``where``
    (default: all): the grid maximum refined by the vertex of the parabola through it and its
    two neighbours; the grid point itself when that parabola opens upwards or its vertex lies
    outside the three points (e.g. the power of an engine on an omega_h/omega_c grid)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    mask = np.ones(x.shape, dtype=bool) if where is None else np.asarray(where, dtype=bool)
    if x.ndim != 1 or x.shape != y.shape or mask.shape != x.shape or x.size < 3 or not mask.any():
        raise ValueError("parabolic_maximum needs x, y (and where) of one shape, at least three "
                         "points, and at least one point selected by where")
    i = int(np.flatnonzero(mask)[np.argmax(y[mask])])
    i = min(max(i, 1), len(x) - 2)
    xs, ys = x[i - 1:i + 2], y[i - 1:i + 2]
    a, b, c = np.polyfit(xs, ys, 2)
    r = float(-b / (2 * a)) if a < 0 and xs[0] <= -b / (2 * a) <= xs[-1] else float(x[i])
    return r, float(np.polyval([a, b, c], r))
