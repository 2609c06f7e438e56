"""Time of exact steady states plus the heat currents at them (issue 15), against the old route.

Run from the repository root:  python bench/closed_forms.py  [--old-timeout 120] [--no-old]

Models (tests/closure_models.py): the two-qubit common reservoir, the three-qubit XX chain
between two qubit baths, the three-qubit absorption refrigerator (three local qubit baths), two
coupled oscillators between two oscillator baths, the four-qubit XX chain, and a hub qubit
between two (star3) or three (star4) identical leaf qubits on one bath (invariant under
permutations of the leaves: solved on one moment per orbit).

* new route: ``closure.symbolic_steady_state`` (every Pauli expectation; qubit models) plus
  ``closure.steady_state_currents`` (heat current of every bath and the work current, in
  closed-form pieces), caches of the algebra cleared first; once with each exact backend
  (python-flint if installed, pure sympy; pure sympy on the four-qubit chain only with
  ``--slow-sympy``: its 255 stationary values took 378 s there, 271 s since the block's
  common denominator is cancelled once, 51 s since large gcds first try a modular proof of
  coprimality (symthermo.exact); likewise star4);
* old route: ``symbolic_steady_state`` of git main (``git show main:symthermo/closure.py``,
  loaded as a module), then every heat current with the stationary values substituted,
  ``cancel`` and ``factor`` (what a user had to do); in a child process killed after
  ``--old-timeout`` seconds (the old route refuses bosons and more than three qubits);
* byte stability: the printed results of the new route, hashed (sha256), in two child
  processes with PYTHONHASHSEED = 1 and 2.

* permutation symmetry: the currents of star3 and star4 with and without the reduction to one
  moment per orbit, each in a fresh process (the unreduced star4 needs a block of 68 moments,
  stopped after ``--old-timeout`` seconds: the speed-up is then a lower bound).

Last line: RESULT fridge_seconds=<t> chain3_seconds=<t> chain4_seconds=<t> star4_seconds=<t>
star4_currents_speedup=<ratio> (new route, default backend; star4: state plus currents, reduced,
the 255 state values solved but not printed).
Targets: fridge < 2 s, chain4 < 30 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import closure_models  # noqa: E402

from symthermo import closure, thermo  # noqa: E402
from symthermo.exact import BACKENDS  # noqa: E402

MODELS = {
    "reservoir2": closure_models.common_reservoir_two_qubits,
    "chain3": lambda: closure_models.xx_chain(3),
    "fridge": closure_models.absorption_refrigerator,
    "oscillators": closure_models.coupled_oscillators,
    "chain4": lambda: closure_models.xx_chain(4),
    "star3": lambda: closure_models.star(2),
    "star4": lambda: closure_models.star(3),
}
SYMMETRIC = ("star3", "star4")  # invariant under permutations of their leaves
# star4's 255 stationary values are rational functions of seven parameters, large enough that
# sympy's str() of them takes ~100 s: timed solved, and printed only for its currents
UNPRINTED_STATES = ("star4",)


def clear_caches() -> None:
    from symthermo.algebra import coefficients, monomials

    thermo.lindblad_form.cache_clear()
    thermo._channel_sandwiches.cache_clear()
    thermo.heat_current_operator.cache_clear()
    thermo.work_current_operator.cache_clear()
    from symthermo import moments

    moments._coordinate_operator.cache_clear()
    monomials._product_cache.clear()
    monomials._commutator_cache.clear()
    coefficients._mul_cache.clear()


def new_route(name: str, backend: str) -> tuple[float, str]:
    """(seconds, printed result) of the state plus the currents."""
    clear_caches()
    model = MODELS[name]()
    t0 = time.perf_counter()
    lines = []
    if model.is_qubit_system:
        family = closure.symbolic_steady_state(model, backend=backend)
        if name in UNPRINTED_STATES:  # solved, not printed (printing takes ~100 s)
            lines += [f"{len(family.values)} values, unique: {family.is_unique}"]
        else:
            lines += [f"{e} = {v}" for e, v in family.values.items()]
    for form in closure.steady_state_currents(model, backend=backend).values():
        lines += [str(form), form.latex()]
    return time.perf_counter() - t0, "\n".join(lines)


_OLD = """
import sys, time, types, subprocess
sys.path[:0] = [{root!r}, {tests!r}]
import sympy
import closure_models
from symthermo import thermo
source = subprocess.run(["git", "show", "main:symthermo/closure.py"], cwd={root!r},
                        capture_output=True, text=True, check=True).stdout
old = types.ModuleType("symthermo._closure_main")
old.__package__ = "symthermo"
sys.modules[old.__name__] = old  # dataclasses look their module up
exec(compile(source, "main:symthermo/closure.py", "exec"), old.__dict__)
model = {factory}
t0 = time.perf_counter()
family = old.symbolic_steady_state(model)
t1 = time.perf_counter()
for b in model.baths:
    q = thermo.heat_current(model, b.name).xreplace(family.values)
    sympy.factor(sympy.cancel(q))
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""

_FACTORIES = {
    "reservoir2": "closure_models.common_reservoir_two_qubits()",
    "chain3": "closure_models.xx_chain(3)",
    "fridge": "closure_models.absorption_refrigerator()",
    "oscillators": "closure_models.coupled_oscillators()",
    "chain4": "closure_models.xx_chain(4)",
    "star3": "closure_models.star(2)",
    "star4": "closure_models.star(3)",
}

_UNREDUCED = """
import sys, time
sys.path[:0] = [{root!r}, {tests!r}]
import closure_models
from symthermo import closure, thermo
model = {factory}
ops = {{f"Qdot_{{b.name}}": thermo.heat_current_operator(model, b.name) for b in model.baths}}
ops["Wdot"] = thermo.work_current_operator(model)
t0 = time.perf_counter()
closure.steady_state_values(model, ops, max_block=10**6, symmetry={symmetry})
print(time.perf_counter() - t0)
"""


def currents_seconds(name: str, symmetry: bool, timeout: float) -> float | None:
    """Seconds of the currents alone (fresh process), with or without the permutation
    reduction (no block limit); None if stopped after ``timeout``."""
    code = _UNREDUCED.format(root=str(ROOT), tests=str(ROOT / "tests"),
                             factory=_FACTORIES[name], symmetry=symmetry)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    try:
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=timeout, env=env, check=True)
    except subprocess.TimeoutExpired:
        return None
    return float(run.stdout.strip())


def old_route(name: str, timeout: float) -> str:
    code = _OLD.format(root=str(ROOT), tests=str(ROOT / "tests"), factory=_FACTORIES[name])
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    try:
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} s (stopped)"
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["?"])[-1]
        return "refused: " + last.split(": ", 1)[-1][:70]
    ness, cur = (float(x) for x in run.stdout.split())
    return f"{ness + cur:.2f} s (NESS {ness:.2f} s + currents {cur:.2f} s)"


_DIGEST = """
import hashlib, sys
sys.path[:0] = [{root!r}, {bench!r}]
import closed_forms
print(hashlib.sha256("\\n".join(closed_forms.new_route(n, {backend!r})[1]
                                 for n in closed_forms.MODELS).encode()).hexdigest())
"""


def digests(backend: str) -> list[str]:
    out = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "OPENBLAS_NUM_THREADS": "1"}
        code = _DIGEST.format(root=str(ROOT), bench=str(ROOT / "bench"), backend=backend)
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=env, check=True)
        out.append(run.stdout.strip())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-timeout", type=float, default=120.0)
    parser.add_argument("--no-old", action="store_true", help="skip the old route")
    parser.add_argument("--slow-sympy", action="store_true",
                        help="also time the pure-sympy backend on the four-qubit chain")
    args = parser.parse_args()
    print(f"# backends: {', '.join(BACKENDS)} (default {BACKENDS[0]}); machine shared with "
          "other jobs (2 cores), OPENBLAS_NUM_THREADS=1")
    seconds: dict[str, float] = {}
    texts: dict[str, dict[str, str]] = {}
    for name in MODELS:
        row = []
        for be in BACKENDS:
            if (be == "sympy" and name in ("chain4", "star4") and not args.slow_sympy
                    and len(BACKENDS) > 1):
                row.append("sympy skipped (four qubits; --slow-sympy)")
                continue
            t, text = new_route(name, be)
            texts.setdefault(be, {})[name] = text
            row.append(f"{be} {t:.3f} s")
            if be == BACKENDS[0]:
                seconds[name] = t
        old = "skipped" if args.no_old else old_route(name, args.old_timeout)
        ratio = ""
        if old[0].isdigit():
            ratio = f"  (old/new = {float(old.split()[0]) / seconds[name]:.0f}x)"
        print(f"{name:12s} new: {', '.join(row)}; old: {old}{ratio}")
    print("# permutation symmetry (closure.steady_state_values, currents only, fresh process):")
    speedup: dict[str, str] = {}
    for name in SYMMETRIC:
        reduced = currents_seconds(name, True, args.old_timeout)
        plain = currents_seconds(name, False, args.old_timeout)
        if reduced is None:
            print(f"{name:12s} reduced > {args.old_timeout:.0f} s (stopped)")
            continue
        if plain is None:
            speedup[name] = f"{args.old_timeout / reduced:.0f}"
            print(f"{name:12s} reduced {reduced:.3f} s; unreduced > {args.old_timeout:.0f} s "
                  f"(stopped): speed-up > {speedup[name]}x")
        else:
            speedup[name] = f"{plain / reduced:.1f}"
            print(f"{name:12s} reduced {reduced:.3f} s; unreduced {plain:.3f} s: "
                  f"speed-up {speedup[name]}x")
    same = all(texts[be][n] == texts[BACKENDS[0]][n] for be in BACKENDS for n in texts[be])
    print(f"# backends print the same results: {same}")
    d = digests(BACKENDS[0])
    print(f"# sha256 of all printed results, PYTHONHASHSEED=1: {d[0][:16]}, =2: {d[1][:16]} "
          f"({'identical' if d[0] == d[1] else 'DIFFERENT'})")
    print(f"RESULT fridge_seconds={seconds['fridge']:.3f} chain3_seconds={seconds['chain3']:.3f} "
          f"chain4_seconds={seconds['chain4']:.3f} star4_seconds={seconds['star4']:.3f} "
          f"star4_currents_speedup={speedup.get('star4', 'nan')}")
    sys.stdout.flush()
    if not same or d[0] != d[1]:
        sys.exit(1)


if __name__ == "__main__":
    main()
