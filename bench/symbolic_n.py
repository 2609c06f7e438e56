"""Symbolic N against instances: the coupled-ensembles currents derived once for general N
versus the instance engine at N = 2, 4, 8, 16, for the same six scenarios.

Run from the repository root:  python bench/symbolic_n.py  [--sizes 2 4 8 16] [--repeat R]

For each scenario (com/cas/ind x H_I^(1) of Eq. (29) / H_I^(2) of Eq. (31), non-uniform
g_{i,n}, Omega_{nn'}, Omega_n) and with every cache cleared first (functools caches of
symthermo.thermo / symthermo.indexed_thermo, the algebra's memo tables; the interning
tables of atoms and placeholder sites stay, as they would in any session):

* general: all currents of the family model (derivations/general_n/coupled_ensembles.py):
  heat of both baths and work of both baths and in total, each local, non-local and total
  (15 expressions, as sympy expressions of indexed sums); the model declaration (with its
  Hermiticity and bath-mean checks) is timed separately;
* instance N: the same 15 currents from the instance engine on the model built by hand at N;
* agreement at the largest N: every general current operator unrolled at N (exact,
  canonical operators) equals the instance engine's operator, and for N <= 4 also the
  scalar expressions after unroll().

The anchor is the instance engine itself (the verified concrete engine); ratios are
instance seconds / general seconds.  Timing is best of ``--repeat`` cold runs; the machine is
shared with other jobs, so read the ratios rather than the absolute times.

Last line: RESULT general_seconds=<max over scenarios> instance_n16_seconds=<sum over
scenarios at the largest N> unroll_agrees=<0|1>
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from derivations.general_n import coupled_ensembles as ce  # noqa: E402
from symthermo import indexed_thermo, thermo  # noqa: E402
from symthermo.algebra import coefficients, indexed, monomials  # noqa: E402
from symthermo.algebra.coefficients import to_scalar  # noqa: E402

PARTS = thermo.PARTS


def clear_caches() -> None:
    for mod in (thermo, indexed_thermo):
        for obj in vars(mod).values():
            if callable(getattr(obj, "cache_clear", None)):
                obj.cache_clear()
    for fn in (ce.family_model, ce.instance_model):
        fn.cache_clear()
    monomials._product_cache.clear()
    monomials._commutator_cache.clear()
    coefficients._mul_cache.clear()
    coefficients._sympy_cache.clear()
    coefficients.scalar_from_sympy.cache_clear()
    indexed._atom_rename_cache.clear()
    indexed._substitute_cache.clear()
    indexed._atom_indices_cache.clear()
    indexed._index_key.cache_clear()
    indexed._representative.cache_clear()


def general_currents(variant: str) -> tuple[float, float, dict]:
    clear_caches()
    t0 = time.perf_counter()
    model = ce.family_model(variant)
    t1 = time.perf_counter()
    out = {}
    for b in ce.BATHS:
        for p in PARTS:
            out["heat", b, p] = indexed_thermo.heat_current(model, b, p)
            out["work", b, p] = indexed_thermo.work_current(model, b, p)
    for p in PARTS:
        out["work", None, p] = indexed_thermo.work_current(model, None, p)
    return t1 - t0, time.perf_counter() - t1, out


def instance_currents(variant: str, size: int) -> tuple[float, dict]:
    clear_caches()
    model = ce.instance_model(variant, size)
    t0 = time.perf_counter()
    out = {}
    for b in ce.BATHS:
        for p in PARTS:
            out["heat", b, p] = thermo.heat_current(model, b, p)
            out["work", b, p] = thermo.work_current(model, b, p)
    for p in PARTS:
        out["work", None, p] = thermo.work_current(model, None, p)
    return time.perf_counter() - t0, out


def agrees(variant: str, size: int, scalars: dict | None, reference: dict | None) -> bool:
    """General current operators unrolled at N = size equal the instance operators."""
    general, inst = ce.family_model(variant), ce.instance_model(variant, size)
    ok = True
    for b in ce.BATHS:
        for p in PARTS:
            g = indexed.unroll_operator(indexed_thermo.heat_current_operator(general, b, p),
                                        {ce.N: size})
            ok &= g == thermo.heat_current_operator(inst, b, p)
            g = indexed.unroll_operator(indexed_thermo.work_current_operator(general, b, p),
                                        {ce.N: size})
            ok &= g == thermo.work_current_operator(inst, b, p)
    if scalars is not None and reference is not None:
        for key, expr in scalars.items():
            ok &= to_scalar(indexed.unroll(expr, {ce.N: size})) == to_scalar(reference[key])
    return bool(ok)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2, 4, 8, 16])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sizes = sorted(args.sizes)
    print("coupled ensembles, 15 currents per scenario (heat/work x local/non-local/total)")
    print("machine shared with other jobs; best of", args.repeat, "cold runs")
    header = f"{'scenario':9} {'declare':>8} {'general':>8} " + " ".join(
        f"{'N=' + str(s):>9}" for s in sizes) + f" {'ratio@' + str(sizes[-1]):>9} agrees"
    print(header)
    worst_general = 0.0
    inst_total = 0.0
    all_agree = True
    for variant in ce.VARIANTS:
        runs = [general_currents(variant) for _ in range(args.repeat)]
        declare = min(r[0] for r in runs)
        general = min(r[1] for r in runs)
        scalars = runs[-1][2]
        worst_general = max(worst_general, general)
        times = {}
        refs = {}
        for s in sizes:
            rep = 1 if s > 8 else args.repeat
            results = [instance_currents(variant, s) for _ in range(rep)]
            times[s] = min(r[0] for r in results)
            refs[s] = results[-1][1]
        inst_total += times[sizes[-1]]
        ok = agrees(variant, sizes[-1], None, None)
        small = [s for s in sizes if s <= 4]
        for s in small:
            ok &= agrees(variant, s, scalars, refs[s])
        all_agree &= ok
        print(f"{variant:9} {declare:8.3f} {general:8.3f} "
              + " ".join(f"{times[s]:9.3f}" for s in sizes)
              + f" {times[sizes[-1]] / general:9.1f} {'yes' if ok else 'NO'}")
    print(f"slowest general scenario: {worst_general:.3f} s (target < 1 s); "
          f"instance engine at N = {sizes[-1]}, all six: {inst_total:.3f} s")
    print(f"RESULT general_seconds={worst_general:.3f} instance_n16_seconds={inst_total:.3f} "
          f"unroll_agrees={int(all_agree)}")


if __name__ == "__main__":
    main()
