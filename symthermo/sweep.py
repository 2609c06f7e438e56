"""Parameter sweeps of steady states and currents, in chunks (``symthermo sweep``).

Each chunk of grid points is solved in one stacked call: the derived Lindblad generator is
evaluated for the whole chunk (:class:`~symthermo.numeric.model_dynamics.LiouvillianBuilder`),
the steady states come from one batched solve, and the derived currents are evaluated on the
stack of states with vectorised expectation values.  Points whose stationary space is not
one-dimensional get NaN (reported on stderr).  Output: a tidy table, one row per grid point,
as CSV (``%.12g``, byte-stable) or ``.npz`` (one array per column).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sympy

from .algebra.expectation import Expectation
from .errors import SymthermoError
from .model import CollisionModel
from .numeric.matrices import Cutoff, monomial_matrix
from .numeric.measures import l1_coherence
from .numeric.model_dynamics import LiouvillianBuilder
from .thermo import PARTS, heat_current, work_current

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
            start, stop, num = spec.split(":")
            values = np.linspace(float(start), float(stop), int(num))
        except ValueError as exc:
            raise SymthermoError(
                f"--grid {text!r}: use KEY=start:stop:num, e.g. Jx_s=0.1:2:50"
            ) from exc
        if int(num) < 1:
            raise SymthermoError(f"--grid {text!r}: num must be at least 1")
        return cls(name.strip(), values)


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


def _progress_bar(done: int, total: int, stream=sys.stderr) -> None:
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
    builder = LiouvillianBuilder(model, cutoff)
    known = {str(p): p for p in builder.parameters}
    for ax in axes:
        if ax.name not in known and ax.name not in {str(k) for k in defaults}:
            raise SymthermoError(
                f"--grid {ax.name!r} is not a parameter of this model; it has "
                f"{', '.join(sorted(known))}"
            )
    mesh = np.meshgrid(*[ax.values for ax in axes], indexing="ij")
    grid = {ax.name: m.ravel() for ax, m in zip(axes, mesh, strict=True)}
    n = mesh[0].size if mesh else 1
    base = {str(k): float(v) for k, v in defaults.items()}
    missing = [p for p in known if p not in base and p not in grid]
    if missing:
        raise SymthermoError(f"no value for parameters {missing}: pass --set NAME=VALUE")
    evaluator = CurrentEvaluator(current_columns(model), model, cutoff)
    # at most ~256 MB of generator entries per chunk
    chunk = max(1, min(chunk, MAX_CHUNK_BYTES // (16 * max(1, builder.support.size))))
    columns: dict[str, list[np.ndarray]] = {name: [] for name in grid}
    for name in [*evaluator.names, "l1_coherence"]:
        columns[name] = []
    degenerate = 0
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        values = {k: np.full(stop - start, v) for k, v in base.items()}
        values.update({k: v[start:stop] for k, v in grid.items()})
        rho = builder.steady_states(values, on_degenerate="nan")
        bad = np.isnan(rho[:, 0, 0].real)
        degenerate += int(bad.sum())
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
    return {k: np.concatenate(v) for k, v in columns.items()}


def write_table(table: Mapping[str, np.ndarray], path: str | Path) -> Path:
    """CSV (``%.12g``) or ``.npz`` by the file suffix; byte-stable for equal input."""
    path = Path(path)
    names = list(table)
    if path.suffix == ".npz":
        with path.open("wb") as fh:
            np.savez(fh, **{k: np.asarray(v) for k, v in table.items()})
        return path
    if path.suffix != ".csv":
        raise SymthermoError(f"output {path} must end in .csv or .npz")
    rows = [",".join(names)]
    for i in range(len(table[names[0]])):
        rows.append(",".join(f"{float(table[k][i]):.12g}" for k in names))
    path.write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
    return path
