"""Statements about thermal machines: which expectation values a current depends on, operating
regimes of steady states over a parameter grid, and the balance laws behind their performance.

* :func:`expectation_kind_table`: for each row (heat or work, local or non-local part), the union
  over a paper's models of the kinds of expectation values in the derived current
  (:func:`symthermo.thermo.decompose`: population, coherence in the same bath, across baths ...);
  :func:`kind_table_markdown` renders it as a table with one column per kind (e.g. Table I of
  the coupled-ensembles paper);
* :func:`regime_letter` / :func:`regimes_over_grid`: the operating regime of a two-bath machine
  from the signs of its steady-state currents (:func:`symthermo.numeric.measures.
  operating_regime`): ``"R"`` refrigerator (W > 0, Qh < 0, Qc > 0), ``"E"`` engine (W < 0,
  Qh > 0, Qc < 0), ``"A"`` accelerator (W > 0, Qh > 0, Qc < 0), ``"-"`` otherwise;
* :func:`excitation_balance_residual` and :func:`two_bath_machine_performance`: when every
  collision exchanges one excitation of frequency omega_i with bath i and the system
  Hamiltonian conserves the excitation number N, d<N>/dt = sum_i Qdot_i/omega_i exactly; at a
  steady state of two baths then Qdot_c = -(omega_c/omega_h) Qdot_h and, with the first law
  Wdot = -(Qdot_h + Qdot_c), eta = -W/Qh, COP_R = Qc/W, COP_A = Qh/W are functions of the
  frequencies only;
* :func:`steady_measure_route`: a matrix route for a :class:`~symthermo.papers.Check` of such a
  performance formula: the steady state of a random model at random parameters and a measure of
  the currents there, Tr[rho_ss J] from plain matrices (:func:`symthermo.papers.currents_at`).

Signs (DESIGN.md): Qdot_i > 0 is heat INTO the system from bath i, Wdot > 0 is power delivered
TO the system.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import sympy

from ..algebra import Operator
from ..model import CollisionModel
from ..numeric.measures import operating_regime

__all__ = [
    "excitation_balance_residual",
    "expectation_kind_table",
    "kind_table_markdown",
    "regime_letter",
    "regimes_over_grid",
    "steady_measure_route",
    "two_bath_machine_performance",
]

_LETTERS = {"accelerator": "A", "engine": "E", "refrigerator": "R"}


def expectation_kind_table(models: Mapping[str, CollisionModel],
                           rows: Sequence[tuple[str, str, str]],
                           currents: Callable[[str], object] | None = None,
                           ) -> dict[str, set[str]]:
    """``{row: kinds}`` for rows ``(row, "heat" | "work", part)``: the union over ``models``
    (and, for heat, over their baths) of the kinds of the expectation values in the derived
    current's ``part`` (:func:`symthermo.thermo.decompose`; constants left out).  ``currents``
    maps a model's key to its :class:`symthermo.thermo.Currents` (default: derived anew)."""
    from .. import thermo

    for row, what, _ in rows:
        if what not in ("heat", "work"):
            raise ValueError(f"row {row!r}: the current must be 'heat' or 'work', got {what!r}")
    table: dict[str, set[str]] = {row: set() for row, _, _ in rows}
    for key, model in models.items():
        cur = currents(key) if currents is not None else thermo.currents(model)
        for row, what, part in rows:
            exprs = ([cur.heat[b.name][part] for b in model.baths] if what == "heat"
                     else [cur.work[part]])
            for e in exprs:
                table[row] |= {t.kind for t in thermo.decompose(model, e)} - {"constant"}
    return table


def kind_table_markdown(table: Mapping[str, set[str]], columns: Sequence[tuple[str, str]]
                        ) -> str:
    """A markdown table: one line per row of ``table`` (in its order), one column per
    ``(kind, heading)`` of ``columns``, "yes" where the row depends on that kind."""
    lines = ["| thermodynamic quantity | " + " | ".join(c for _, c in columns) + " |",
             "|" + "---|" * (len(columns) + 1)]
    for row, kinds in table.items():
        cells = ["yes" if k in kinds else "" for k, _ in columns]
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def regime_letter(work: float, heat_hot: float, heat_cold: float, tol: float = 1e-12) -> str:
    """``"R"``, ``"E"``, ``"A"`` or ``"-"``: the operating regime of a two-bath machine from the
    signs of Wdot, Qdot_h, Qdot_c (values with |x| <= tol count as zero)."""
    return _LETTERS.get(operating_regime(work, heat_hot, heat_cold, tol).name, "-")


def regimes_over_grid(steady: Mapping[tuple[str, float], Mapping[str, float]],
                      keys: tuple[str, str, str] = ("W", "Qh", "Qc"), tol: float = 1e-12
                      ) -> dict[float, dict[str, str]]:
    """``{x: {variant: letter}}`` from steady-state currents ``steady[variant, x]`` (mappings
    with the work, hot and cold heat currents under ``keys``), grid points in sorted order."""
    out: dict[float, dict[str, str]] = {}
    for variant, x in steady:
        cur = steady[variant, x]
        out.setdefault(x, {})[variant] = regime_letter(*(cur[k] for k in keys), tol=tol)
    return dict(sorted(out.items()))


def excitation_balance_residual(model: CollisionModel, number: Operator,
                                frequencies: Mapping[str, sympy.Expr]) -> sympy.Expr:
    """d<N>/dt - sum_i Qdot_i/omega_i (expanded; exactly 0 when every collision with bath i
    exchanges quanta omega_i and the system Hamiltonian conserves N), with d<N>/dt the derived
    Heisenberg equation of ``number`` and Qdot_i the derived total heat current of bath i."""
    from .. import thermo

    missing = sorted({b.name for b in model.baths} - set(frequencies))
    if missing:
        raise ValueError(f"excitation_balance_residual needs the frequency of bath(s) {missing}")
    cur = thermo.currents(model)
    res = thermo.heisenberg_equation(model, number)
    for b in model.baths:
        res -= cur.heat[b.name]["total"] / frequencies[b.name]
    return sympy.expand(res)


def two_bath_machine_performance(omega_hot: sympy.Expr, omega_cold: sympy.Expr
                                 ) -> dict[str, sympy.Expr]:
    """eta = -W/Qh, COP_R = Qc/W, COP_A = Qh/W at a steady state obeying the balance laws
    Qdot_c = -(omega_c/omega_h) Qdot_h and Wdot = -(Qdot_h + Qdot_c): eta = 1 - omega_c/omega_h,
    COP_R = omega_c/(omega_h - omega_c), COP_A = omega_h/(omega_c - omega_h)."""
    qh = sympy.Symbol("Qdot_h", real=True)
    qc = -omega_cold / omega_hot * qh
    w = -(qh + qc)
    return {"eta": sympy.cancel(-w / qh), "COP_R": sympy.cancel(qc / w),
            "COP_A": sympy.cancel(qh / w)}


def steady_measure_route(models: Mapping[str, CollisionModel],
                         draw: Callable[[np.random.Generator, str], dict],
                         measure: Callable[[Mapping[str, float]], float],
                         cutoff: Mapping[str, int], report: Sequence[sympy.Symbol],
                         ) -> Callable[[np.random.Generator], tuple[dict, float]]:
    """A matrix route ``rng -> (point, value)``: a model drawn uniformly from ``models``,
    parameters ``draw(rng, key)``, its steady state (:func:`symthermo.papers.
    sector_steady_summary`), then ``value = measure(c)`` with ``c`` the currents Tr[rho_ss J]
    from plain matrices (:func:`symthermo.papers.currents_at`, ancillas truncated at
    ``cutoff``); ``point`` holds the parameters ``report`` (those of the printed formula)."""
    from .routes import currents_at
    from .steady import sector_steady_summary

    keys = list(models)

    def route(rng: np.random.Generator) -> tuple[dict, float]:
        key = keys[int(rng.integers(len(keys)))]
        p = draw(rng, key)
        rho = sector_steady_summary(models[key], p).rho
        value = measure(currents_at(models[key], rho, p, cutoff))
        return {s: p[s] for s in report}, value

    return route
