"""Benchmark: the four currents of N qubits in one common reservoir qubit, derived exactly.

Model: H_S = sum_i (w_i/2) z_i + sum_{i<j} (Jx_ij x_i x_j + Jy_ij y_i y_j), H_R = (w_R/2) z_R,
V_i = gx_i x_i x_R + gy_i y_i y_R (all parameters distinct sympy symbols), R thermal.
Currents (DESIGN.md section 3), each as a sympy expression in parameters and <system
monomial> symbols, partial trace over R included:

    Q_loc = (1/2) sum_i <[V_i,[V_i,H_R]]>,   Q_nonloc = (1/2) sum_{i!=j} <[V_j,[V_i,H_R]]>,
    W_loc = -(1/2) sum_i <[V_i,[V_i,H_S+H_R]]>,  W_nonloc = the same with i != j.

The algebra route uses sum_{i,j} [V_j,[V_i,X]] = [V,[V,X]] with V = sum_i V_i (two
commutators instead of N^2 pairs) and gets the non-local part by subtracting the i = j part.
The plain-sympy route builds the 2^(N+1)-dimensional matrices (sympy.kronecker_product), a
symbolic Hermitian rho_S (symbols rho_ij, conjugate(rho_ij) below the diagonal), takes the
commutators and Tr[(rho_S (x) rho_R) D] and expands.  It runs for N = 2, 3 and goes on while the
previous N took less than 60 s / 8, each N under a 60 s guard.  Both routes are compared
numerically at N = 2 and 3 (random rho_S, random parameters).

Coefficient representation (the choice in symthermo.algebra, measured below):
an Operator is one flat dict {(operator monomial, coefficient monomial): rational}; a coefficient
monomial is (power of i, (atom id, exponent), ...) over interned sympy atoms.  Every product is
expanded as it is collected, so cancellations happen at once, zero is exact and cheap, and sympy
is only touched when the result is converted back (trace_out, with sympy's canonical argument
order computed directly instead of through Mul/Add.flatten).  The alternative, one sympy
expression per operator monomial ({monomial: sympy coefficient}) multiplied unexpanded and
expanded once at the end, is implemented ad hoc below (same monomial tables, same trace) and
timed on the same derivation.  Measured in one run of this script (2 shared cores under load
~6, python 3.11, sympy 1.14, fresh symbols for every timed run): N = 4: flat dict 42 ms vs
sympy coefficients + final expand 363 ms (9x); N = 6: 99 ms vs 641 ms (6x); identical results.
(With warm caches, e.g. re-deriving the same model, the flat dict is 10-16x ahead.)  Profiled
at N = 6, two thirds of the alternative's time is the final expand (building the unexpanded
products is a fifth); the flat dict never holds an unexpanded expression.  Each run prints
the figures of the day under `coefficient representation`.

Timings: best of a few runs, each on a fresh model (new symbol and site names, so no cache of
ours is warm); sympy's lazily imported modules are loaded by one warm-up derivation first.
Same run: N=2 2.8 ms, N=10 0.43 s, N=16 1.9 s; plain-sympy matrices N=2 0.52 s, N=3 3.1 s,
N=4 16 s (so N=5 is not tried); ratio at N=3 about 500x.

Run: python bench/algebra.py [--quick]   (--quick: N up to 10, plain route only N = 2, 3)
Last line: RESULT n10_seconds=<t> ratio_n3=<r>
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from symthermo.algebra import (
    Expectation,
    Operator,
    commutator,
    operator_sum,
    qubit,
)
from symthermo.algebra.monomials import monomial_commutator
from symthermo.states import ThermalQubit, trace_out

CURRENTS = ("Q_loc", "Q_nonloc", "W_loc", "W_nonloc")
TIME_LIMIT = 60.0


# --- the model ------------------------------------------------------------------------------------


class Model:
    """Symbols and operators of the N-qubit common-reservoir model."""

    def __init__(self, n: int, tag: str = "") -> None:
        """``tag`` makes every symbol and site name new, so no cache of an earlier run helps."""
        self.n = n
        self.w = [sp.Symbol(f"w{tag}_{i}", real=True) for i in range(1, n + 1)]
        self.jx = {
            (i, j): sp.Symbol(f"Jx{tag}_{i + 1}_{j + 1}", real=True)
            for i in range(n)
            for j in range(i + 1, n)
        }
        self.jy = {k: sp.Symbol("Jy" + s.name[2:], real=True) for k, s in self.jx.items()}
        self.gx = [sp.Symbol(f"gx{tag}_{i}", real=True) for i in range(1, n + 1)]
        self.gy = [sp.Symbol(f"gy{tag}_{i}", real=True) for i in range(1, n + 1)]
        self.w_r = sp.Symbol(f"w{tag}_R", positive=True)
        self.beta = sp.Symbol(f"beta{tag}", positive=True)
        self.xi = sp.tanh(self.beta * self.w_r / 2)  # <z_R> = -xi
        self.site_names = [f"S{tag}_{i}" for i in range(1, n + 1)]
        self.ancilla_name = f"R{tag}"

    def symbols(self) -> list[sp.Symbol]:
        return [
            *self.w,
            *self.jx.values(),
            *self.jy.values(),
            *self.gx,
            *self.gy,
            self.w_r,
            self.beta,
        ]


# --- the algebra route ----------------------------------------------------------------------------


def algebra_currents(m: Model) -> dict[str, sp.Expr]:
    """The four currents with symthermo.algebra and trace_out."""
    s = [qubit(name) for name in m.site_names]
    r = qubit(m.ancilla_name)
    h_s = operator_sum(
        [m.w[i] / 2 * s[i].z for i in range(m.n)]
        + [m.jx[k] * s[k[0]].x * s[k[1]].x + m.jy[k] * s[k[0]].y * s[k[1]].y for k in m.jx]
    )
    h_r = m.w_r / 2 * r.z
    v = [m.gx[i] * s[i].x * r.x + m.gy[i] * s[i].y * r.y for i in range(m.n)]
    v_all = operator_sum(v)
    state = ThermalQubit(r, omega=m.w_r, beta=m.beta)

    def split(x: Operator) -> tuple[Operator, Operator]:
        """(sum_i [V_i,[V_i,X]], sum_{i!=j} [V_j,[V_i,X]])."""
        total = commutator(v_all, commutator(v_all, x))
        local = operator_sum(commutator(vi, commutator(vi, x)) for vi in v)
        return local, total - local

    half = Fraction(1, 2)
    q_loc, q_non = split(h_r)
    s_loc, s_non = split(h_s)
    return {
        "Q_loc": trace_out(half * q_loc, state),
        "Q_nonloc": trace_out(half * q_non, state),
        "W_loc": trace_out(-half * (s_loc + q_loc), state),
        "W_nonloc": trace_out(-half * (s_non + q_non), state),
    }


# --- the alternative coefficient representation (ad hoc, for the measurement) ---------------------

_IPOW = (sp.Integer(1), sp.I, sp.Integer(-1), -sp.I)


class SympyCoefficientOperator:
    """{operator monomial: sympy coefficient}, coefficients multiplied unexpanded."""

    __slots__ = ("terms",)

    def __init__(self, terms: dict) -> None:
        self.terms = terms

    @classmethod
    def of(cls, op: Operator) -> SympyCoefficientOperator:
        return cls(dict(op.terms))

    def __add__(self, other: SympyCoefficientOperator) -> SympyCoefficientOperator:
        out = dict(self.terms)
        for k, c in other.terms.items():
            out[k] = out[k] + c if k in out else c
        return SympyCoefficientOperator(out)

    def scaled(self, c: sp.Expr) -> SympyCoefficientOperator:
        return SympyCoefficientOperator({k: c * v for k, v in self.terms.items()})

    def expanded(self) -> SympyCoefficientOperator:
        out = {}
        for k, c in self.terms.items():
            e = sp.expand(c)
            if e != 0:
                out[k] = e
        return SympyCoefficientOperator(out)


def sympy_commutator(a: SympyCoefficientOperator, b: SympyCoefficientOperator):
    acc: dict = {}
    for m1, c1 in a.terms.items():
        for m2, c2 in b.terms.items():
            for f, ip, m in monomial_commutator(m1, m2):
                term = f * _IPOW[ip % 4] * c1 * c2
                acc.setdefault(m, []).append(term)
    return SympyCoefficientOperator({m: sp.Add(*ts) for m, ts in acc.items()})


def sympy_coefficient_currents(m: Model) -> dict[str, sp.Expr]:
    """The same derivation with sympy-expression coefficients and a final expand."""
    s = [qubit(name) for name in m.site_names]
    r = qubit(m.ancilla_name)
    conv = SympyCoefficientOperator.of
    h_s_terms = [conv(m.w[i] / 2 * s[i].z) for i in range(m.n)]
    h_s_terms += [conv(m.jx[k] * s[k[0]].x * s[k[1]].x) for k in m.jx]
    h_s_terms += [conv(m.jy[k] * s[k[0]].y * s[k[1]].y) for k in m.jy]
    h_s = SympyCoefficientOperator({})
    for t in h_s_terms:
        h_s = h_s + t
    h_r = conv(m.w_r / 2 * r.z)
    v = [conv(m.gx[i] * s[i].x * r.x + m.gy[i] * s[i].y * r.y) for i in range(m.n)]
    v_all = SympyCoefficientOperator({})
    for vi in v:
        v_all = v_all + vi
    half = sp.Rational(1, 2)

    def split(x):
        total = sympy_commutator(v_all, sympy_commutator(v_all, x))
        local = SympyCoefficientOperator({})
        for vi in v:
            local = local + sympy_commutator(vi, sympy_commutator(vi, x))
        return local, total + local.scaled(-1)

    def trace(op: SympyCoefficientOperator) -> sp.Expr:
        op = op.expanded()
        out = []
        for mono, c in op.terms.items():
            sys_part = tuple(p for p in mono if p[0] != m.ancilla_name)
            anc = dict(mono).get(m.ancilla_name)
            if anc is None:
                f = 1
            elif anc == 3:
                f = -m.xi
            else:
                continue
            out.append(c * f * (Expectation(sys_part) if sys_part else 1))
        return sp.expand(sp.Add(*out))

    q_loc, q_non = split(h_r)
    s_loc, s_non = split(h_s)
    return {
        "Q_loc": trace(q_loc.scaled(half)),
        "Q_nonloc": trace(q_non.scaled(half)),
        "W_loc": trace((s_loc + q_loc).scaled(-half)),
        "W_nonloc": trace((s_non + q_non).scaled(-half)),
    }


# --- the plain-sympy matrix route -----------------------------------------------------------------


def matrix_currents(m: Model) -> tuple[dict[str, sp.Expr], list[list[sp.Expr]]]:
    """Symbolic 2^(N+1) matrices: returns the currents and the symbolic rho_S."""
    n = m.n
    d = 2**n
    eye2 = sp.eye(2)
    px = sp.Matrix([[0, 1], [1, 0]])
    py = sp.Matrix([[0, sp.I], [-sp.I, 0]])
    pz = sp.Matrix([[-1, 0], [0, 1]])

    def site(mat: sp.Matrix, k: int) -> sp.Matrix:  # k = 0..n-1 system, n = R
        factors = [mat if i == k else eye2 for i in range(n + 1)]
        return sp.kronecker_product(*factors)

    x = [site(px, k) for k in range(n + 1)]
    y = [site(py, k) for k in range(n + 1)]
    z = [site(pz, k) for k in range(n + 1)]
    h_s = sp.zeros(2 * d)
    for i in range(n):
        h_s += m.w[i] / 2 * z[i]
    for (i, j), jx in m.jx.items():
        h_s += jx * x[i] * x[j] + m.jy[(i, j)] * y[i] * y[j]
    h_r = m.w_r / 2 * z[n]
    v = [m.gx[i] * x[i] * x[n] + m.gy[i] * y[i] * y[n] for i in range(n)]
    v_all = sp.zeros(2 * d)
    for vi in v:
        v_all += vi

    rho_s = [[None] * d for _ in range(d)]
    for i in range(d):
        rho_s[i][i] = sp.Symbol(f"rho_{i}_{i}", real=True)
        for j in range(i + 1, d):
            rho_s[i][j] = sp.Symbol(f"rho_{i}_{j}")
            rho_s[j][i] = sp.conjugate(rho_s[i][j])
    rho_r = sp.diag((1 + m.xi) / 2, (1 - m.xi) / 2)
    rho = sp.kronecker_product(sp.Matrix(rho_s), rho_r)

    def comm(a: sp.Matrix, b: sp.Matrix) -> sp.Matrix:
        return a * b - b * a

    def expect(mat: sp.Matrix) -> sp.Expr:  # Tr[rho mat]
        terms = [rho[a, b] * mat[b, a] for a in range(2 * d) for b in range(2 * d)]
        return sp.expand(sp.Add(*terms))

    def split(xop: sp.Matrix) -> tuple[sp.Matrix, sp.Matrix]:
        total = comm(v_all, comm(v_all, xop))
        local = sp.zeros(2 * d)
        for vi in v:
            local += comm(vi, comm(vi, xop))
        return local, total - local

    q_loc, q_non = split(h_r)
    s_loc, s_non = split(h_s)
    half = sp.Rational(1, 2)
    return {
        "Q_loc": expect(half * q_loc),
        "Q_nonloc": expect(half * q_non),
        "W_loc": expect(-half * (s_loc + q_loc)),
        "W_nonloc": expect(-half * (s_non + q_non)),
    }, rho_s


# --- timing helpers -------------------------------------------------------------------------------


class _TimeoutError(Exception):
    pass


def _alarm(signum, frame):
    raise _TimeoutError


def timed(fn: Callable, *args, limit: float | None = None):
    """(seconds, result); result None and seconds inf when the time limit was hit."""
    gc.collect()
    if limit is not None:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    t0 = time.perf_counter()
    try:
        result = fn(*args)
    except _TimeoutError:
        return float("inf"), None
    finally:
        if limit is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - t0, result


_RUNS = iter(range(10**6))


def best_of(fn: Callable, n: int, repeats: int) -> tuple[float, object]:
    """Best time of ``fn(Model(n))`` over fresh models (new symbols and sites each time)."""
    best, result = float("inf"), None
    for _ in range(repeats):
        t, result = timed(fn, Model(n, tag=f"r{next(_RUNS)}"))
        best = min(best, t)
    return best, result


# --- numeric cross-check of the two routes --------------------------------------------------------


PAULI = {
    1: np.array([[0, 1], [1, 0]], dtype=complex),
    2: np.array([[0, 1j], [-1j, 0]], dtype=complex),
    3: np.diag([-1.0, 1.0]).astype(complex),
}


def cross_check(m: Model, alg: dict, mat: dict, rho_syms: list[list[sp.Expr]]) -> float:
    """Largest |algebra - matrix| over the currents at a random point (random rho_S)."""
    rng = np.random.default_rng(m.n)
    d = 2**m.n
    G = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    rho = G @ G.conj().T
    rho /= np.trace(rho).real
    params = {s: sp.Float(rng.uniform(0.3, 1.5)) for s in m.symbols()}
    rho_values = {}
    for i in range(d):
        rho_values[rho_syms[i][i]] = sp.Float(rho[i, i].real)
        for j in range(i + 1, d):
            rho_values[rho_syms[i][j]] = sp.Float(rho[i, j].real) + sp.I * sp.Float(rho[i, j].imag)
    worst = 0.0
    for name in CURRENTS:
        expr = alg[name]
        repl = dict(params)
        for e in (s for s in expr.free_symbols if isinstance(s, Expectation)):
            loc = dict(e.monomial)
            mats = [PAULI[loc[k]] if k in loc else np.eye(2) for k in m.site_names]
            op = mats[0]
            for f in mats[1:]:
                op = np.kron(op, f)
            val = np.trace(rho @ op)
            repl[e] = sp.Float(val.real) + sp.I * sp.Float(val.imag)
        a = complex(expr.xreplace(repl))
        b = complex(mat[name].xreplace(rho_values).xreplace(params))
        worst = max(worst, abs(a - b))
    return worst


def expr_size(exprs: dict) -> int:
    return sum(len(sp.Add.make_args(e)) for e in exprs.values())


# --- main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="N <= 10, plain route N = 2, 3")
    args = parser.parse_args()
    sizes = [2, 4, 6, 8, 10] if args.quick else [2, 4, 6, 8, 10, 12, 16]

    # warm-up: sympy imports some modules lazily on first use (not part of a derivation); every
    # timed run below uses new symbol and site names, so none of our caches is warm for it
    algebra_currents(Model(2, tag="warmup"))

    print("algebra route: all four currents as sympy expressions (partial trace included)")
    print(f"{'N':>3} {'seconds':>10} {'terms':>7}")
    alg_times: dict[int, float] = {}
    alg_results: dict[int, dict] = {}
    for n in sorted({*sizes, 3}):
        t, res = best_of(algebra_currents, n, 5 if n <= 8 else (2 if n <= 12 else 1))
        alg_times[n], alg_results[n] = t, res
        print(f"{n:>3} {t:>10.4f} {expr_size(res):>7}")

    print()
    print(f"plain-sympy matrix route (each N under a {TIME_LIMIT:.0f} s guard)")
    print(f"{'N':>3} {'seconds':>10} {'ratio':>9} {'max |alg - mat|':>16}")
    plain: dict[int, float] = {}
    n = 2
    while True:
        model = Model(n, tag=f"r{next(_RUNS)}")
        t, res = timed(matrix_currents, model, limit=TIME_LIMIT)
        if res is None:
            print(f"{n:>3} {'> ' + str(int(TIME_LIMIT)):>10} (stopped)")
            break
        plain[n] = t
        currents, rho_syms = res
        if n <= 3:  # the same symbols on both sides
            alg_same = algebra_currents(model)
            diff = cross_check(model, alg_same, currents, rho_syms)
        else:
            diff = float("nan")
        ratio = t / alg_times[n] if n in alg_times else float("nan")
        if n not in alg_times:
            alg_times[n], _ = best_of(algebra_currents, n, 3)
            ratio = t / alg_times[n]
        print(f"{n:>3} {t:>10.3f} {ratio:>9.0f} {diff:>16.2e}")
        if diff == diff and diff > 1e-8:
            raise SystemExit(f"the two routes disagree at N = {n}: {diff}")
        if t >= TIME_LIMIT / 8 or (args.quick and n >= 3):
            break
        n += 1

    print()
    print("coefficient representation (same derivation, N = 4 and 6)")
    for n in (4, 6):
        t_flat, flat = best_of(algebra_currents, n, 3)
        t_sym, sym = timed(sympy_coefficient_currents, Model(n, tag="c"), limit=TIME_LIMIT)
        if sym is None:
            print(f"  N = {n}: flat dict {t_flat * 1e3:.1f} ms, sympy coefficients > {TIME_LIMIT}s")
            continue
        flat = algebra_currents(Model(n, tag="c"))
        same = all(sp.expand(flat[k] - sym[k]) == 0 for k in CURRENTS)
        print(
            f"  N = {n}: flat dict {t_flat * 1e3:.1f} ms, sympy coefficients + final expand "
            f"{t_sym * 1e3:.1f} ms, ratio {t_sym / t_flat:.0f}x, identical results: {same}"
        )
        if not same:
            raise SystemExit("the two coefficient representations disagree")

    ratio_n3 = plain[3] / alg_times[3]
    print()
    print(
        f"targets: N=2 {alg_times[2] * 1e3:.1f} ms (< 30 ms), N=10 {alg_times[10]:.3f} s (< 1 s)"
        + (f", N=16 {alg_times[16]:.2f} s (< 10 s)" if 16 in alg_times else "")
        + f", ratio at N=3 {ratio_n3:.0f}x (>= 100x)"
    )
    print(f"RESULT n10_seconds={alg_times[10]:.4f} ratio_n3={ratio_n3:.1f}")


if __name__ == "__main__":
    main()
