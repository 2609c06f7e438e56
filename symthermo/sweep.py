"""Parameter sweeps of steady states and currents, in chunks (``symthermo sweep``).

Each chunk of grid points is solved in one stacked call: the derived Lindblad generator is
evaluated for the whole chunk (:class:`~symthermo.numeric.model_dynamics.LiouvillianBuilder`),
the steady states come from one batched solve, and the derived currents are evaluated on the
stack of states with vectorised expectation values.  Points whose stationary space is not
one-dimensional get NaN (reported on stderr).  Output: a tidy table, one row per grid point,
as CSV (``%.12g``, byte-stable) or ``.npz`` (one array per column).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sympy

from .algebra.expectation import Expectation
from .errors import ParameterError, SymthermoError
from .files import write_bytes_atomic
from .model import CollisionModel
from .numeric.matrices import (
    TRUNCATION_POPULATION_LIMIT,
    Cutoff,
    monomial_matrix,
    top_level_populations,
)
from .numeric.measures import l1_coherence
from .numeric.model_dynamics import LiouvillianBuilder
from .thermo import PARTS, heat_current, work_current
from .validate import estimate_bytes, real_number, validate_parameter_values

MAX_CHUNK_BYTES = 256 * 2**20


@dataclass(frozen=True)
class GridAxis:
    """One axis of the grid: ``name=start:stop:num`` (inclusive, like numpy.linspace)."""

    name: str
    values: np.ndarray

    @classmethod
    def parse(cls, text: str) -> GridAxis:
        try:
            name, spec = text.split("=", 1)
            start_text, stop_text, num_text = spec.split(":")
            start, stop, num = float(start_text), float(stop_text), int(num_text)
        except ValueError as exc:
            raise SymthermoError(
                f"--grid {text!r}: use KEY=start:stop:num, e.g. Jx_s=0.1:2:50"
            ) from exc
        name = name.strip()
        if num < 1:
            raise SymthermoError(f"--grid {text!r}: num must be at least 1")
        real_number(name, start, what="--grid start of")
        real_number(name, stop, what="--grid stop of")
        estimate_bytes(f"--grid {text!r}", num, 8)
        with np.errstate(over="ignore", invalid="ignore"):
            values = np.linspace(start, stop, num)
        if not np.isfinite(values).all():  # e.g. -1e308:1e308: the step overflows
            raise ParameterError(f"--grid {text!r}: the grid values overflow; use a smaller range",
                                 name)
        return cls(name, values)


def current_columns(model: CollisionModel) -> dict[str, sympy.Expr]:
    """The derived currents of a model, by column name (heat_<bath>_<part>, work_<part>)."""
    cols = {}
    for b in model.baths:
        for p in PARTS:
            cols[f"heat_{b.name}_{p}"] = heat_current(model, b.name, p)
    for p in PARTS:
        cols[f"work_{p}"] = work_current(model, None, p)
    return cols


class CurrentEvaluator:
    """Vectorised evaluation of derived expressions on stacks of density matrices."""

    def __init__(self, exprs: Mapping[str, sympy.Expr], model: CollisionModel, cutoff: Cutoff):
        self.names = list(exprs)
        found: set = set()
        params: set = set()
        for e in exprs.values():
            for s in e.free_symbols:
                (found if isinstance(s, Expectation) else params).add(s)
        self.expectations = sorted(found, key=lambda e: str(e.monomial))
        self.parameters = sorted(params, key=str)
        self._mats = [
            monomial_matrix(e.monomial, model.system_sites, cutoff) for e in self.expectations
        ]
        args = [*self.parameters, *self.expectations]
        self._fn = sympy.lambdify(args, [exprs[n] for n in self.names], modules="numpy", cse=True)

    def __call__(self, rho: np.ndarray, values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        ev = [np.einsum("...ij,ji->...", rho, m).real for m in self._mats]
        args = [np.asarray(values[str(p)], dtype=float) for p in self.parameters] + ev
        out = self._fn(*args)
        shape = rho.shape[:-2]
        return {n: np.broadcast_to(np.real(v), shape).astype(float)
                for n, v in zip(self.names, out, strict=True)}


def _progress_bar(done: int, total: int, stream=None) -> None:
    stream = sys.stderr if stream is None else stream  # the stderr of now, not of import time
    width = 30
    filled = int(width * done / max(total, 1))
    stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} points")
    if done >= total:
        stream.write("\n")
    stream.flush()


def run_sweep(
    model: CollisionModel,
    defaults: Mapping,
    axes: Sequence[GridAxis],
    chunk: int = 2048,
    cutoff: Cutoff | None = None,
    progress: Callable[[int, int], None] | None = _progress_bar,
) -> dict[str, np.ndarray]:
    """Steady-state currents and l1 coherence on the Cartesian grid of ``axes``."""
    if isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer)) or chunk < 1:
        raise ParameterError(f"chunk must be a positive int (grid points per solve), got "
                             f"{chunk!r}", "chunk")
    names = [ax.name for ax in axes]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ParameterError(
            f"--grid axis {repeated[0]!r} is given more than once: one --grid per parameter "
            "(use start:stop:num for its whole range)", repeated[0]
        )
    builder = LiouvillianBuilder(model, cutoff)
    known = {str(p): p for p in builder.parameters}
    for ax in axes:
        if ax.name not in known and ax.name not in {str(k) for k in defaults}:
            raise SymthermoError(
                f"--grid {ax.name!r} is not a parameter of this model; it has "
                f"{', '.join(sorted(known))}"
            )
    base = {str(k): v for k, v in validate_parameter_values(defaults).items()}
    missing = [p for p in known if p not in base and p not in names]
    if missing:
        raise SymthermoError(f"no value for parameters {missing}: pass --set NAME=VALUE")
    evaluator = CurrentEvaluator(current_columns(model), model, cutoff)
    n = int(np.prod([ax.values.size for ax in axes])) if axes else 1
    columns_count = len(axes) + len(evaluator.names) + 1
    estimate_bytes(f"the table of {n} grid points", float(n) * (columns_count + len(axes)), 8)
    mesh = np.meshgrid(*[ax.values for ax in axes], indexing="ij")
    grid = {ax.name: m.ravel() for ax, m in zip(axes, mesh, strict=True)}
    base = {k: float(v) for k, v in base.items()}
    bosons = [s for s in model.system_sites if s.kind == "boson"]
    # at most ~256 MB of generator entries per chunk
    chunk = max(1, min(chunk, MAX_CHUNK_BYTES // (16 * max(1, builder.support.size))))
    columns: dict[str, list[np.ndarray]] = {name: [] for name in grid}
    for name in [*evaluator.names, "l1_coherence"]:
        columns[name] = []
    degenerate = 0
    truncated = 0
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        values = {k: np.full(stop - start, v) for k, v in base.items()}
        values.update({k: v[start:stop] for k, v in grid.items()})
        rho = builder.steady_states(values, on_degenerate="nan")
        bad = np.isnan(rho[:, 0, 0].real)
        degenerate += int(bad.sum())
        if bosons:  # a truncated system boson must leave its top Fock level (nearly) empty
            top = top_level_populations(np.where(bad[:, None, None], 0, rho),
                                        model.system_sites, cutoff)
            unconverged = np.zeros_like(bad)
            for p in top.values():
                unconverged |= p > TRUNCATION_POPULATION_LIMIT
            truncated += int((unconverged & ~bad).sum())
            bad = bad | unconverged
        safe = np.where(bad[:, None, None], np.eye(rho.shape[-1]) / rho.shape[-1], rho)
        cur = evaluator(safe, values)
        for k in grid:
            columns[k].append(values[k])
        for k, v in cur.items():
            columns[k].append(np.where(bad, np.nan, v))
        coh = np.asarray(l1_coherence(safe))  # a stack: one vectorised call
        columns["l1_coherence"].append(np.where(bad, np.nan, coh))
        if progress is not None:
            progress(stop, n)
    if degenerate:
        print(f"{degenerate} grid points have a non-unique steady state (NaN in the table)",
              file=sys.stderr)
    if truncated:
        print(f"{truncated} grid points are not converged in the boson cutoff (population above "
              f"{TRUNCATION_POPULATION_LIMIT:g} in the top Fock level; NaN in the table): "
              "increase --cutoff", file=sys.stderr)
    return {k: np.concatenate(v) for k, v in columns.items()}


def write_table(table: Mapping[str, np.ndarray], path: str | Path) -> Path:
    """CSV (``%.12g``) or ``.npz`` by the file suffix; byte-stable for equal input."""
    path = Path(path)
    names = list(table)
    if path.suffix == ".npz":
        buffer = io.BytesIO()
        np.savez(buffer, **{k: np.asarray(v) for k, v in table.items()})
        write_bytes_atomic(path, buffer.getvalue())
        return path
    if path.suffix != ".csv":
        raise SymthermoError(f"output {path} must end in .csv or .npz")
    rows = [",".join(names)]
    for i in range(len(table[names[0]])):
        rows.append(",".join(f"{float(table[k][i]):.12g}" for k in names))
    write_bytes_atomic(path, ("\n".join(rows) + "\n").encode("utf-8"))
    return path
