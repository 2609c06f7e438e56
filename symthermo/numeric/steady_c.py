"""Compiled backend of :func:`symthermo.numeric.steady.steady_states_batched`.

The numpy/LAPACK route of :mod:`symthermo.numeric.steady` spends most of its time per point
outside the arithmetic (gathering each point's L into work matrices, numpy calls per chunk and
block, LAPACK's per-matrix set-up) once the matrices are as small as the 8 x 8 blocks of a
two-qubit model. ``steady_blocks.c`` does the same formulation point by point in one pass:
gather the real blocks from L while it is in cache, replace the trace row, Gaussian elimination
with partial pivoting on [A | b | probe], the condition estimate, and rho written directly.
The formulas are those of :class:`symthermo.numeric.steady._BlockSolver` (see its docstring and
the C file's header); the two routes agree to rounding (tests/numeric/test_steady.py).

The library is compiled on first use with the machine's C compiler (``cc``; flags
:data:`C_FLAGS`, the first set that compiles) and cached (:mod:`symthermo.ccompile`). Without
a compiler :func:`available` is False and ``backend="auto"`` uses numpy/LAPACK.
"""

from __future__ import annotations

import ctypes
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ..ccompile import CCompileError, compile_shared_library

#: Tried in order: vector code for this machine, then portable -O3. No contraction into fused
#: multiply-adds and no reassociation: every operation is rounded as written, so both flag sets
#: give the same bits on every x86-64 machine (the steady states enter generated/).
C_FLAGS = (
    ("-O3", "-std=c99", "-march=native", "-fno-math-errno", "-ffp-contract=off"),
    ("-O3", "-std=c99", "-ffp-contract=off"),
)

_LOCK = threading.Lock()
_STATE: dict[str, object] = {}

_P = ctypes.c_void_p
_I64 = ctypes.c_int64
_I32 = ctypes.c_int32


def _load() -> ctypes.CDLL | None:
    """The compiled library (compiled once per machine and cached), or None without a compiler."""
    with _LOCK:
        if "library" not in _STATE:
            source = resources.files(__package__).joinpath("steady_blocks.c").read_text()
            try:
                built = compile_shared_library(source, "symthermo_steady", C_FLAGS, cache=True)
            except CCompileError as exc:
                _STATE["library"] = None
                _STATE["error"] = str(exc)
            else:
                lib = built.library
                lib.symthermo_steady_blocks.restype = ctypes.c_int
                lib.symthermo_steady_blocks.argtypes = [
                    _I64, _P, _I64, _I32, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P,
                    _I32, _I32, _I32, _P, _P, _P, _P,
                ]
                lib.symthermo_entry_magnitudes.restype = None
                lib.symthermo_entry_magnitudes.argtypes = [_I64, _P, _I64, _I64, _P, _P]
                _STATE["library"] = lib
                _STATE["flags"] = built.flags
        return _STATE["library"]  # type: ignore[return-value]


def available() -> bool:
    """True when the compiled solver could be built and loaded on this machine."""
    return _load() is not None


def unavailable_reason() -> str:
    """Why the compiled solver is not available ('' when it is)."""
    _load()
    return str(_STATE.get("error", ""))


def compiled_flags() -> tuple[str, ...]:
    """The compiler flags the loaded library was built with (() when not available)."""
    _load()
    return tuple(_STATE.get("flags", ()))  # type: ignore[arg-type]


def _ptr(a: np.ndarray) -> int:
    return a.ctypes.data


@dataclass(frozen=True)
class BlockPlan:
    """Flat tables of every block, in the layout ``symthermo_steady_blocks`` reads."""

    bsize: np.ndarray
    toff: np.ndarray
    idx1: np.ndarray
    s1: np.ndarray
    idx2: np.ndarray
    s2: np.ndarray
    trace_row: np.ndarray
    uoff: np.ndarray
    is_pop: np.ndarray
    unknown: np.ndarray
    probe: np.ndarray
    probe_norm: np.ndarray
    nunknowns: int
    rsrc: np.ndarray
    rsign: np.ndarray


def _on_support(
    idx: np.ndarray, sign: np.ndarray, support: np.ndarray | None, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Float positions in the full L (2 per complex entry) -> positions in the stored entries.

    Entries outside ``support`` are structurally zero: their coefficient becomes 0 (and the
    position 0, any valid one), so the gather A = s1 * L[i1] + s2 * L[i2] is unchanged.
    """
    if support is None:
        return idx, sign
    where = np.full(n * n, -1, dtype=np.int64)
    where[support] = np.arange(support.size)
    slot = where[idx // 2]
    stored = slot >= 0
    return np.where(stored, 2 * slot + idx % 2, 0), np.where(stored, sign, 0.0)


def block_plan(
    rb, sels: list[np.ndarray], trace_block: int, probe_vector, support: np.ndarray | None = None
) -> BlockPlan:
    """Tables for the blocks ``sels`` (unknown indices) of the real basis ``rb``.

    ``trace_block``: the block whose first population row carries the trace condition.
    ``probe_vector(m)``: the fixed probe vector of a block of size m. ``support``: when the
    generators are stored as their entries at these flat positions of L (see
    :func:`symthermo.numeric.steady.steady_states_from_entries`), the tables index those.
    """
    n = rb.d * rb.d
    idx1, s1, idx2, s2, is_pop, trace_rows, probes, norms = [], [], [], [], [], [], [], []
    for k, sel in enumerate(sels):
        ix = np.ix_(sel, sel)
        i1, f1 = _on_support(rb.idx1[ix].ravel(), rb.s1[ix].ravel(), support, n)
        i2, f2 = _on_support(rb.idx2[ix].ravel(), rb.s2[ix].ravel(), support, n)
        idx1.append(i1)
        s1.append(f1)
        idx2.append(i2)
        s2.append(f2)
        pop = sel < rb.d
        is_pop.append(pop.astype(np.int32))
        trace_rows.append(int(np.flatnonzero(pop)[0]) if k == trace_block else -1)
        vector = probe_vector(sel.size)
        probes.append(vector)
        norms.append(float(np.linalg.norm(vector)))
    sizes = np.array([sel.size for sel in sels], dtype=np.int32)
    # rho float view (2 d^2 per point) from the unknowns: rho_f[q] = rsign[q] * x[rsrc[q]]
    to_rho = rb.to_rho  # (n, 2 n): x @ to_rho
    rsrc = np.argmax(to_rho != 0, axis=0).astype(np.int32)
    rsign = to_rho[rsrc, np.arange(2 * n)]
    return BlockPlan(
        bsize=sizes,
        toff=np.concatenate([[0], np.cumsum(sizes.astype(np.int64) ** 2)[:-1]]).astype(np.int64),
        idx1=np.concatenate(idx1).astype(np.int64),
        s1=np.concatenate(s1).astype(np.float64),
        idx2=np.concatenate(idx2).astype(np.int64),
        s2=np.concatenate(s2).astype(np.float64),
        trace_row=np.array(trace_rows, dtype=np.int32),
        uoff=np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64),
        is_pop=np.concatenate(is_pop).astype(np.int32),
        unknown=np.concatenate(sels).astype(np.int32),
        probe=np.concatenate(probes).astype(np.float64),
        probe_norm=np.array(norms, dtype=np.float64),
        nunknowns=n,
        rsrc=rsrc,
        rsign=np.ascontiguousarray(rsign, dtype=np.float64),
    )


def solve_blocks(
    Lf: np.ndarray, plan: BlockPlan, probe: bool, rho_f: np.ndarray, cond: np.ndarray,
    workers: int = 1,
) -> None:
    """Fill ``rho_f`` (B, 2 d^2) and ``cond`` (B,) for the batch ``Lf``, C-contiguous floats.

    ``Lf`` is (B, 2 n^2), the float view of the generators, or (B, 2 s), the float view of
    their stored entries when ``plan`` was made for a support of s entries.

    ``workers > 1`` splits the points into that many contiguous ranges, one thread each (the
    C call releases the GIL).
    """
    lib = _load()
    if lib is None:  # pragma: no cover - callers check available()
        raise CCompileError(unavailable_reason())
    B = Lf.shape[0]
    stride = Lf.shape[1]
    nrho = rho_f.shape[1]
    tables = (plan.bsize, plan.toff, plan.idx1, plan.s1, plan.idx2, plan.s2, plan.trace_row,
              plan.uoff, plan.is_pop, plan.unknown, plan.probe, plan.probe_norm)

    def run(lo: int, hi: int) -> None:
        status = lib.symthermo_steady_blocks(
            hi - lo, _ptr(Lf[lo:hi]), stride, plan.bsize.size, *(_ptr(t) for t in tables),
            int(probe), plan.nunknowns, nrho, _ptr(plan.rsrc), _ptr(plan.rsign),
            _ptr(rho_f[lo:hi]), _ptr(cond[lo:hi]),
        )
        if status != 0:
            raise MemoryError("symthermo_steady_blocks could not allocate its work space")

    workers = max(1, min(int(workers), B))
    if workers == 1:
        run(0, B)
        return
    bounds = np.linspace(0, B, workers + 1).astype(int)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(run, int(lo), int(hi))
                       for lo, hi in itertools.pairwise(bounds)]:
            future.result()


def entry_magnitudes(Lf: np.ndarray) -> tuple[np.ndarray, bool]:
    """(max_b |Lf[b, j]| for every float entry j, whether every entry is finite)."""
    lib = _load()
    if lib is None:  # pragma: no cover - callers check available()
        raise CCompileError(unavailable_reason())
    mags = np.zeros(Lf.shape[1])
    poison = np.zeros(Lf.shape[1])
    lib.symthermo_entry_magnitudes(Lf.shape[0], _ptr(Lf), Lf.shape[1], Lf.shape[1],
                                   _ptr(mags), _ptr(poison))
    return mags, bool(np.all(np.isfinite(poison)))


__all__ = [
    "C_FLAGS",
    "BlockPlan",
    "available",
    "block_plan",
    "compiled_flags",
    "entry_magnitudes",
    "solve_blocks",
    "unavailable_reason",
]
