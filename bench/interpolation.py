"""Exact steady-state currents of coupled-ensembles' 69-moment block: interpolation modulo
primes against fraction-free elimination (issue 15).

Run from the repository root:  python bench/interpolation.py  [--old-timeout 300]
[--timeout 600] [--quick] [--no-c]

Model: coupled-ensembles "H_I(1) simultaneous" (Eq. 29; tests/test_model.py's ``catalogue()``):
two hot and two cold qubits, each pair meeting one thermal oscillator ancilla, all four
Omega_nn' hoppings on; its heat currents need one block of 69 coupled moments.  Parameters at
the paper's Figs. 2-3 numbers (derivations/coupled_ensembles.py ``default_parameters``):
g_h1 = g_c1 = 1/2, g_h2 = g_c2 = 11/20, Omega_nn' = 1/10, omega_c = 1, T_h = 2, T_c = 1.  The
figures sweep omega_h; we fix omega_h = 3/2 (the middle of the engine window 1 < omega_h/omega_c
< 2).  A thermal factor left as a number is the mean occupation n = 1/(exp(omega/T) - 1) at the
paper's temperature rounded to the nearest fraction of denominator <= 20 (n_c = 7/12,
n_h = 17/19), entered as beta = log(1 + 1/n)/omega so that it is an exact rational.
Cases (what stays symbolic, everything else the numbers above):

(a) beta_h (one thermal factor; n_c = 7/12);
(b) beta_h and beta_c (both thermal factors);
(c) one coupling Omega for all four Omega_nn' (both thermal factors rational).

Timed: ``closure.steady_state_currents`` (heat current of both baths and the work current, in
closed-form pieces), each route in a fresh child process (imports and model building not
timed), one after another, never in parallel; "(blocks t s)": the part spent in
``closure._solve_block`` (the exact block solves; the rest is the moment system, the
observables and the closed-form pieces):

* new route: the default (blocks above ``closure.INTERPOLATE_ABOVE`` = 24 moments by
  evaluation and interpolation modulo primes, symthermo/interpolation.py), default backend;
* old route: fraction-free elimination (``closure.INTERPOLATE_ABOVE = 10**6`` in the child and
  ``closure.steady_state_values(..., max_block=10**6)`` with the same observables), stopped
  after ``--old-timeout`` seconds: "> T s (stopped)", and the ratio old/new is then a lower
  bound ("> r").

Byte identity: sha256 of the printed currents (``str`` and ``.latex()`` of each ClosedForm)
of the new route under PYTHONHASHSEED = 1 and 2 on every exact backend
(``symthermo.exact.BACKENDS``: python-flint if installed, pure sympy) for case (a), each in
its own child, and equality with the old route's digest wherever the old route finished.
Refusal: the fully symbolic model (all 12 parameters): the seconds until the ModelError that
names the solution's degrees, and its message.

Last line: RESULT coupled_1sym_seconds=<t> coupled_2sym_seconds=<t>
coupled_2sym_speedup=<old/new, ">r" when the old route was stopped> refusal_seconds=<t>
(new route, default backend).  ``--quick``: case (a) with the new route only, one digest per
backend (a smoke run of ~10 s).  Wall-clock seconds on a machine shared with other jobs
(2 cores), OPENBLAS_NUM_THREADS=1: compare ratios within one run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = "coupled-ensembles H_I(1) simultaneous"
CASES = {
    "a": "beta_h symbolic, n_c = 7/12",
    "b": "beta_h, beta_c symbolic",
    "c": "Omega symbolic, n_h = 17/19, n_c = 7/12",
    "refusal": "all 12 parameters symbolic",
}


def occupation(omega: object, temperature: int) -> object:
    """n = 1/(exp(omega/T) - 1) rounded to the nearest fraction of denominator <= 20."""
    import sympy as sp

    return sp.Rational(1 / math.expm1(float(omega) / temperature)).limit_denominator(20)


def build(case: str):
    """The model of ``case`` with the paper's numbers substituted (module docstring)."""
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    import sympy as sp
    from test_model import catalogue

    from symthermo.numeric.model_dynamics import LiouvillianBuilder

    model = catalogue()[MODEL].model()
    if case == "refusal":
        return model
    p = {s.name: s for s in LiouvillianBuilder(model).parameters}
    half, omega_h = sp.Rational(1, 2), sp.Rational(3, 2)
    values = {"g_h1": half, "g_c1": half, "g_h2": sp.Rational(11, 20),
              "g_c2": sp.Rational(11, 20), "w_c": sp.Integer(1), "w_h": omega_h}
    omega = sp.Rational(1, 10)
    if case == "c":
        omega = sp.Symbol("Omega", **p["Omega_11"].assumptions0)
    values |= {f"Omega_{n}{m}": omega for n in (1, 2) for m in (1, 2)}
    if case in ("a", "c"):
        values["beta_c"] = sp.log(1 + 1 / occupation(values["w_c"], 1)) / values["w_c"]
    if case == "c":
        values["beta_h"] = sp.log(1 + 1 / occupation(omega_h, 2)) / omega_h
    return model.subs({p[name]: v for name, v in values.items()})


def printed(currents: dict) -> str:
    return "\n".join(f"{form}\n{form.latex()}" for form in currents.values())


def worker(case: str, route: str, backend: str) -> None:
    """Child process: one timed solve; prints one JSON line (seconds, digest or error)."""
    model = build(case)
    from symthermo import closure, thermo
    from symthermo.errors import ModelError

    solving = [0.0]  # seconds inside closure._solve_block (the block solves alone)
    solve_block = closure._solve_block

    def timed_solve_block(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return solve_block(*args, **kwargs)
        finally:
            solving[0] += time.perf_counter() - start

    closure._solve_block = timed_solve_block
    t0 = time.perf_counter()  # as steady_state_currents: the current operators are timed too
    try:
        if route == "new":
            currents = closure.steady_state_currents(model, backend=backend)
        else:
            closure.INTERPOLATE_ABOVE = 10**6
            ops = {f"Qdot_{b.name}": thermo.heat_current_operator(model, b.name)
                   for b in model.baths}
            ops["Wdot"] = thermo.work_current_operator(model)
            currents = closure.steady_state_values(model, ops, backend, max_block=10**6)
    except ModelError as exc:
        print(json.dumps({"seconds": time.perf_counter() - t0, "error": str(exc)}))
        return
    seconds = time.perf_counter() - t0
    text = printed(currents)
    print(json.dumps({"seconds": seconds, "digest": hashlib.sha256(text.encode()).hexdigest(),
                      "chars": len(text), "solve": solving[0]}))


def child(case: str, route: str, backend: str, timeout: float, seed: str = "1") -> dict | None:
    """Run :func:`worker` in a fresh process; None when stopped after ``timeout`` seconds."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": seed}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", case, route, backend]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                             cwd=str(ROOT))
    except subprocess.TimeoutExpired:
        return None
    if run.returncode != 0:
        raise RuntimeError(f"child {case} {route} {backend} failed:\n{run.stderr[-2000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def seconds_text(result: dict | None, timeout: float) -> str:
    if result is None:
        return f"> {timeout:.0f} s (stopped)"
    if "solve" not in result:
        return f"{result['seconds']:.2f} s"
    return f"{result['seconds']:.2f} s (blocks {result['solve']:.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-timeout", type=float, default=300.0,
                        help="seconds after which the old (fraction-free) route is stopped")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds after which a new-route child is stopped")
    parser.add_argument("--quick", action="store_true",
                        help="case (a) with the new route only (smoke run)")
    parser.add_argument("--no-c", action="store_true", help="skip case (c)")
    parser.add_argument("--worker", nargs=3, metavar=("CASE", "ROUTE", "BACKEND"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    sys.path.insert(0, str(ROOT))
    from symthermo import closure
    from symthermo.exact import BACKENDS

    default = BACKENDS[0]
    print(f"# {MODEL}: currents at the paper's numbers (g_h1 = g_c1 = 1/2, g_h2 = g_c2 = 11/20, "
          "Omega = 1/10, omega_c = 1, omega_h = 3/2, n_c = 7/12, n_h = 17/19)")
    print(f"# backends: {', '.join(BACKENDS)} (default {default}); interpolation above "
          f"{closure.INTERPOLATE_ABOVE} moments; each route in a fresh process; machine shared "
          "with other jobs (2 cores), OPENBLAS_NUM_THREADS=1")
    cases = ["a"] if args.quick else ["a", "b"] + ([] if args.no_c else ["c"])
    new: dict[str, dict | None] = {}
    ratio: dict[str, str] = {}
    same_as_old: list[str] = []
    for case in cases:
        new[case] = child(case, "new", default, args.timeout)
        line = f"({case}) {CASES[case]:40s} new {seconds_text(new[case], args.timeout)}"
        if new[case] is not None and "error" in new[case]:
            line += f" (refused: {new[case]['error'][:80]}...)"
        elif new[case] is not None:
            line += f" [{new[case]['chars']} chars printed]"
        if not args.quick:
            old = child(case, "old", default, args.old_timeout)
            line += f"; old (fraction free) {seconds_text(old, args.old_timeout)}"
            if new[case] is not None and "error" not in new[case]:
                t_new = new[case]["seconds"]
                if old is None:
                    ratio[case] = f">{args.old_timeout / t_new:.1f}"
                elif "error" not in old:
                    ratio[case] = f"{old['seconds'] / t_new:.1f}"
                if case in ratio:
                    line += f": old/new {ratio[case].replace('>', '> ')}x"
            if old is not None and new[case] is not None and "digest" in old:
                same = old["digest"] == new[case].get("digest")
                same_as_old.append(f"({case}) {'identical' if same else 'DIFFERENT'}")
        print(line, flush=True)
    print("# (a) sha256 of the printed currents, new route (str and latex of each ClosedForm):")
    digests: set[str] = set()
    for backend in BACKENDS:
        for seed in ("1", "2"):
            if backend == default and seed == "1" and new["a"] is not None:
                got = new["a"]  # the timed run above (PYTHONHASHSEED=1)
            else:
                got = child("a", "new", backend, args.timeout, seed)
            if got is None:
                print(f"#   {backend:6s} PYTHONHASHSEED={seed}: stopped")
                continue
            digests.add(got["digest"])
            print(f"#   {backend:6s} PYTHONHASHSEED={seed}: {got['digest'][:16]} "
                  f"({got['seconds']:.2f} s)")
            if args.quick:
                break
    print(f"# new route byte-identical across seeds and backends: {len(digests) == 1}")
    if same_as_old:
        print(f"# new route vs old route (sha256, where the old route finished): "
              f"{', '.join(same_as_old)}")
    refusal = None
    if not args.quick:
        refusal = child("refusal", "new", default, args.timeout)
        if refusal is None:
            print(f"# refusal ({CASES['refusal']}): no answer within {args.timeout:.0f} s")
        else:
            print(f"# refusal ({CASES['refusal']}) after {refusal['seconds']:.2f} s: "
                  f"{refusal.get('error', 'NOT REFUSED')}")

    def seconds(result: dict | None, refused: bool = False) -> str:
        if result is None or ("error" in result) != refused:
            return "nan"
        return f"{result['seconds']:.3f}"

    print(f"RESULT coupled_1sym_seconds={seconds(new['a'])} "
          f"coupled_2sym_seconds={seconds(new.get('b'))} "
          f"coupled_2sym_speedup={ratio.get('b', 'nan')} "
          f"refusal_seconds={seconds(refusal, refused=True)}")
    sys.stdout.flush()
    if len(digests) > 1 or any("DIFFERENT" in s for s in same_as_old):
        sys.exit(1)


if __name__ == "__main__":
    main()
