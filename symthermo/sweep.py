"""Parameter sweeps of steady states and currents, in chunks (``symthermo sweep``).

Each chunk of grid points is solved in one stacked call: the derived Lindblad generator is
evaluated for the whole chunk (:class:`~symthermo.numeric.model_dynamics.LiouvillianBuilder`),
the steady states come from one batched solve, and the derived currents are evaluated on the
stack of states with vectorised expectation values.  Points whose stationary space is not
one-dimensional get NaN (reported on stderr).  Output: a tidy table, one row per grid point,
as CSV (``%.12g``, byte-stable) or ``.npz`` (one array per column).

Scaling out: the sweep is a :class:`SweepPlan` (model, fixed values, axes, derived columns)
cut into chunks; :func:`solve_chunk` is the task.  ``run_sweep(..., executor=...)`` submits
the chunks to any ``concurrent.futures.Executor`` or a Dask ``distributed.Client``; each worker
process compiles the plan's kernels once and keeps them, and the results are gathered in grid
order, so the table is byte for byte the single-process one.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class SweepPlan:
    """Everything a worker needs to solve chunks of one sweep (small, picklable).

    The grid is the Cartesian product of ``axes`` in C order (last axis fastest, as
    ``numpy.meshgrid(..., indexing="ij").ravel()``); chunk k covers flat points
    [k * chunk, (k + 1) * chunk).  ``columns`` are the derived current expressions (derived
    once, in the caller); ``key`` identifies the plan's kernels in a worker's cache.
    """

    model: CollisionModel
    cutoff: Cutoff | None
    base: tuple[tuple[str, float], ...]
    axes: tuple[GridAxis, ...]
    columns: tuple[tuple[str, sympy.Expr], ...]
    chunk: int
    key: str

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(ax.values.size for ax in self.axes)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) if self.axes else 1

    def chunks(self) -> list[tuple[int, int]]:
        """(start, stop) of every chunk, in order."""
        return [(a, min(self.size, a + self.chunk)) for a in range(0, self.size, self.chunk)]


_KERNELS: dict[str, tuple[LiouvillianBuilder, CurrentEvaluator]] = {}
_KERNELS_LOCK = threading.Lock()


def _kernels(plan: SweepPlan) -> tuple[LiouvillianBuilder, CurrentEvaluator]:
    """The plan's Liouvillian builder and current evaluator, compiled once per process."""
    with _KERNELS_LOCK:
        found = _KERNELS.get(plan.key)
        if found is None:
            found = (LiouvillianBuilder(plan.model, plan.cutoff),
                     CurrentEvaluator(dict(plan.columns), plan.model, plan.cutoff))
            _KERNELS.clear()  # one sweep at a time per worker: keep memory bounded
            _KERNELS[plan.key] = found
        return found


def solve_chunk(
    plan: SweepPlan, start: int, stop: int
) -> tuple[dict[str, np.ndarray], tuple[int, int]]:
    """Columns of grid points [start, stop) and the numbers of degenerate points and of points
    not converged in a system boson's cutoff among them (both NaN in the columns).

    The unit of work of a sweep (a task on an executor); the result depends only on the plan
    and the range, so any executor gives the single-process table bit for bit.
    """
    builder, evaluator = _kernels(plan)
    flat = np.arange(start, stop)
    values = {k: np.full(stop - start, v) for k, v in plan.base}
    if plan.axes:
        index = np.unravel_index(flat, plan.shape)
        for ax, idx in zip(plan.axes, index, strict=True):
            values[ax.name] = ax.values[idx]
    rho = builder.steady_states(values, on_degenerate="nan")
    bad = np.isnan(rho[:, 0, 0].real)
    degenerate = int(bad.sum())
    truncated = 0
    if any(s.kind == "boson" for s in plan.model.system_sites):
        # a truncated system boson must leave its top Fock level (nearly) empty
        top = top_level_populations(np.where(bad[:, None, None], 0, rho),
                                    plan.model.system_sites, plan.cutoff)
        unconverged = np.zeros_like(bad)
        for p in top.values():
            unconverged |= p > TRUNCATION_POPULATION_LIMIT
        truncated = int((unconverged & ~bad).sum())
        bad = bad | unconverged
    safe = np.where(bad[:, None, None], np.eye(rho.shape[-1]) / rho.shape[-1], rho)
    out = {ax.name: values[ax.name] for ax in plan.axes}
    for k, v in evaluator(safe, values).items():
        out[k] = np.where(bad, np.nan, v)
    coh = np.asarray(l1_coherence(safe))  # a stack: one vectorised call
    out["l1_coherence"] = np.where(bad, np.nan, coh)
    return out, (degenerate, truncated)


def sweep_plan(
    model: CollisionModel,
    defaults: Mapping,
    axes: Sequence[GridAxis],
    chunk: int = 2048,
    cutoff: Cutoff | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SweepPlan:
    """Validate a sweep (parameters known and finite, every value given, axes distinct, the
    table fits in memory) and derive its columns.  ``progress`` is accepted for symmetry with
    :func:`run_sweep` and ignored."""
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
    clean = validate_parameter_values(defaults)
    base = {str(k): float(v) for k, v in clean.items() if str(k) not in names}
    missing = [p for p in known if p not in base and p not in names]
    if missing:
        raise SymthermoError(f"no value for parameters {missing}: pass --set NAME=VALUE")
    n = int(np.prod([ax.values.size for ax in axes])) if axes else 1
    columns_count = len(axes) + len(current_columns(model)) + 1
    estimate_bytes(f"the table of {n} grid points", float(n) * (columns_count + len(axes)), 8)
    # at most ~256 MB of generator entries per chunk
    chunk = max(1, min(chunk, MAX_CHUNK_BYTES // (16 * max(1, builder.support.size))))
    columns = tuple(current_columns(model).items())
    key = hashlib.sha256(pickle.dumps((model, cutoff))).hexdigest()[:16]
    return SweepPlan(model, cutoff, tuple(sorted(base.items())), tuple(axes), columns, chunk,
                     key)


def _is_dask_client(executor: object) -> bool:
    return type(executor).__module__.split(".")[0] == "distributed"


def run_sweep(
    model: CollisionModel,
    defaults: Mapping,
    axes: Sequence[GridAxis],
    chunk: int = 2048,
    cutoff: Cutoff | None = None,
    progress: Callable[[int, int], None] | None = _progress_bar,
    executor: Executor | Any | None = None,
) -> dict[str, np.ndarray]:
    """Steady-state currents and l1 coherence on the Cartesian grid of ``axes``.

    Columns: the grid axes, ``heat_<bath>_<part>``, ``work_<part>``, ``l1_coherence``.
    ``executor``: None (this process), any :class:`concurrent.futures.Executor` (e.g. a
    ``ProcessPoolExecutor``) or a Dask ``distributed.Client``.  Chunks of ``chunk`` grid points
    are the tasks; each worker compiles the kernels once (:func:`solve_chunk`), and the table
    is the same, bit for bit, whatever runs it.  No pool is ever started here.
    """
    plan = sweep_plan(model, defaults, axes, chunk, cutoff)
    spans = plan.chunks()
    n = plan.size
    if executor is None:
        results = []
        for start, stop in spans:
            results.append(solve_chunk(plan, start, stop))
            if progress is not None:
                progress(stop, n)
    else:
        results = _run_on(executor, plan, spans, progress)
    degenerate = sum(r[1][0] for r in results)
    truncated = sum(r[1][1] for r in results)
    if degenerate:
        print(f"{degenerate} grid points have a non-unique steady state (NaN in the table)",
              file=sys.stderr)
    if truncated:
        print(f"{truncated} grid points are not converged in the boson cutoff (population above "
              f"{TRUNCATION_POPULATION_LIMIT:g} in the top Fock level; NaN in the table): "
              "increase --cutoff", file=sys.stderr)
    names = list(results[0][0])
    return {k: np.concatenate([r[0][k] for r in results]) for k in names}


#: chunks are grouped into about this many tasks on an executor (fewer, larger messages)
TASKS_PER_SWEEP = 32


def solve_chunks(
    plan: SweepPlan, spans: Sequence[tuple[int, int]]
) -> tuple[np.ndarray, tuple[int, int]]:
    """Several consecutive chunks (each solved on its own, as in one process) in one task.

    Returns one (columns, points) float array, the columns in the plan's table order, and the
    numbers of degenerate and of unconverged points (as :func:`solve_chunk`).
    """
    tables, degenerate, truncated = [], 0, 0
    for start, stop in spans:
        table, (k, t) = solve_chunk(plan, start, stop)
        tables.append(np.stack(list(table.values())))
        degenerate += k
        truncated += t
    return np.concatenate(tables, axis=1), (degenerate, truncated)


def _run_on(executor: Any, plan: SweepPlan, spans: list[tuple[int, int]],
            progress: Callable[[int, int], None] | None) -> list:
    """Submit the chunks in groups, gather the results in grid order."""
    per_task = max(1, -(-len(spans) // TASKS_PER_SWEEP))
    groups = [spans[i:i + per_task] for i in range(0, len(spans), per_task)]
    if _is_dask_client(executor):
        plan_ref = executor.scatter(plan, broadcast=True, hash=False)
        futures = [
            executor.submit(solve_chunks, plan_ref, g, key=f"symthermo-{plan.key}-{g[0][0]}",
                            pure=False)
            for g in groups
        ]
    elif hasattr(executor, "submit"):
        futures = [executor.submit(solve_chunks, plan, g) for g in groups]
    else:
        raise SymthermoError(
            f"executor {type(executor).__name__} is neither a concurrent.futures.Executor "
            "nor a dask distributed.Client"
        )
    names = [ax.name for ax in plan.axes] + [name for name, _ in plan.columns] + ["l1_coherence"]
    results = []
    for group, fut in zip(groups, futures, strict=True):
        block, bad = fut.result()
        results.append((dict(zip(names, block, strict=True)), bad))
        if progress is not None:
            progress(group[-1][1], plan.size)
    return results


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
