"""Numpy kernels: standalone Python modules (numpy only) that evaluate named quantities.

:func:`kernel_source` renders ``templates/kernels.py.j2`` into the source of a module with

* one function per :class:`~symthermo.emit.Quantity`, arguments = parameters (sorted by name)
  then expectation values (sorted by monomial), broadcasting over array arguments, docstring =
  the formula (sympy ``str``);
* ``evaluate(**arguments)``: every quantity at once, sharing common subexpressions;
* ``expectations_from_rho(rho)``: every needed expectation value from a batch of density matrices
  of shape ``(..., d, d)`` (site order ``SITES``, boson cutoffs ``CUTOFF``);
* ``evaluate_all(rho, **parameters)``: rho to every quantity in one call;
* metadata: ``SITES``, ``CUTOFF``, ``DIMENSION``, ``PARAMETERS``, ``EXPECTATIONS`` (argument
  name -> plain-text name and monomial), ``QUANTITIES`` (per function: parameters,
  expectations, formula, real or complex).

Conventions (DESIGN.md section 2), built into the generated ``expectations_from_rho``: qubit
index 0 = |0> (ground), sigma_z = diag(-1, 1), sigma_y = [[0, i], [-i, 0]]; boson Fock basis
truncated at the cutoff; tensor order = order of ``sites`` (first = leftmost Kronecker factor).
Parameters are real.

How the code is made fast (measured in ``bench/kernels.py``):

1. each expression is rewritten by a greedy multivariate Horner scheme (factor out the atom that
   occurs in most terms, recursively), then ``sympy.cse`` runs across all quantities;
2. the result is compiled to straight-line ufunc calls with ``out=`` into preallocated chunk
   buffers (register allocation by liveness, in place where an operand dies), numeric factors
   and signs are carried lazily and folded into ``subtract``/``divide`` or a single multiply;
3. arrays are processed in cache-sized chunks (``CHUNK`` elements, default 16384), so the
   temporaries stay in L2 and the inputs and outputs stream through memory once.

Measured with ``bench/kernels.py`` (four common-reservoir currents, 15 input arrays of 10^6
float64, 2-core AMD EPYC VM, streaming rate ~37 GB/s in one thread and ~45-50 GB/s in two, so
the bandwidth floor for 19 arrays is ~3-4 ms): this numpy kernel ~34 ms (~9x the floor), plain
``sympy.lambdify`` ~6x slower than it.  What limits it: 92 ufunc calls per chunk, each
~0.23 ns per element (one L2 round trip of three operands) plus ~0.5 us call overhead.

The C99 kernels of the same plan (:func:`compile_c_kernels`) fuse all operations into one loop
per block of points: inputs are copied through L2-sized blocks (one loop over 19 arrays at
equal page offsets streams badly: 4K aliasing), the loop is vectorised for the machine
(``-march=native``) and calls glibc's vector math (``tanh`` ~20 ns per point in libm's scalar
version), and ``evaluate(out=...)`` writes into preallocated arrays split over the cores:
~8 ms, ~2.2x the floor (~14 ms in one thread).

Quantities whose expectation values are all real (Pauli strings, ``a^dag^m a^m``) and whose
coefficients contain no ``I`` use float64 arithmetic; the others complex128.
:func:`load_kernels` executes the same source in memory; :func:`c_source` gives C99 source of
the same kernels (optional; compiled with :func:`compile_c_kernels` when a C compiler exists).
"""

from __future__ import annotations

import keyword
import linecache
import re
import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import sympy

from ..algebra.expectation import Expectation
from ..algebra.indexed import contains_symbolic_size
from ..algebra.monomials import monomial_sort_key, monomial_str
from ..algebra.sites import Site, site_sort_key
from ..files import write_bytes_atomic
from .quantity import EmitError, Quantity, check_quantities

RESERVED = frozenset(
    {
        "CHUNK", "THREADS", "CUTOFF", "DIMENSION", "EXPECTATIONS", "PARAMETERS", "QUANTITIES",
        "SITES", "evaluate", "evaluate_all", "expectations_from_rho", "monomial_matrix",
    }
)

# ------------------------------------------------------------------------------------------
# argument names


def _identifier(text: str) -> str:
    table = {"^": "_", "-": "m", "+": "p", ",": "_", ".": "_", " ": "_", "'": "prime"}
    out = "".join(c if c.isalnum() or c == "_" else table.get(c, "_") for c in text)
    out = re.sub(r"_+", "_", out).strip("_") or "p"
    if out[0].isdigit():
        out = "p" + out
    if keyword.iskeyword(out):
        out += "_"
    return out


def expectation_argument(monomial: tuple) -> str:
    """Argument name of an expectation value: ``E_S1x_S2x``, ``E_R_adag1a1``."""
    parts = []
    for site, loc in monomial:
        s = _identifier(site)
        if isinstance(loc, int):
            parts.append(s + "xyz"[loc - 1])
        else:
            parts.append(f"{s}_adag{loc[0]}a{loc[1]}")
    return "E_" + "_".join(parts)


@dataclass(frozen=True)
class Argument:
    name: str  # python identifier in the generated module
    symbol: sympy.Symbol  # the original symbol (parameters merged by name)
    kind: str  # "parameter" or "expectation"

    @property
    def plain(self) -> str:
        return str(self.symbol) if self.kind == "expectation" else self.symbol.name


def _arguments(exprs: Sequence[sympy.Expr]) -> tuple[list[Argument], dict]:
    """Arguments of all expressions and the substitution original symbol -> argument symbol."""
    expectations: set[Expectation] = set()
    params: dict[str, list[sympy.Symbol]] = {}
    for e in exprs:
        for s in e.free_symbols:
            if isinstance(s, Expectation):
                expectations.add(s)
            elif isinstance(s, sympy.Symbol):
                params.setdefault(s.name, []).append(s)
            else:  # pragma: no cover - sympy free symbols are Symbols
                raise EmitError(f"unsupported free symbol {s!r}")
    taken = set(RESERVED)
    args: list[Argument] = []
    subs: dict = {}

    def claim(base: str) -> str:
        name, k = base, 2
        while name in taken:
            name = f"{base}_{k}"
            k += 1
        taken.add(name)
        return name

    for e in sorted(expectations, key=lambda x: monomial_sort_key(x.monomial)):
        name = claim(expectation_argument(e.monomial))
        args.append(Argument(name, e, "expectation"))
        subs[e] = sympy.Symbol(name, real=bool(e.is_real))
    pargs = []
    for pname in sorted(params):
        name = claim(_identifier(pname))
        sym = params[pname][0]
        pargs.append(Argument(name, sym, "parameter"))
        for s in params[pname]:
            subs[s] = sympy.Symbol(name, real=True)
    return pargs + args, subs


# ------------------------------------------------------------------------------------------
# step 1: greedy multivariate Horner form


def _term_factors(term: sympy.Expr) -> tuple[sympy.Expr, dict]:
    coeff, rest = term.as_coeff_Mul()
    factors: dict = {}
    numeric = sympy.Integer(1)
    for f in sympy.Mul.make_args(rest):
        base, exp = f.as_base_exp()
        if f.is_number:
            numeric *= f
        elif exp.is_Integer:
            factors[base] = factors.get(base, 0) + int(exp)
        else:
            factors[f] = factors.get(f, 0) + 1
    return coeff * numeric, factors


def _atom_key(a: sympy.Expr) -> tuple:
    return (0 if a.is_Symbol else 1, sympy.default_sort_key(a))


_CLASS_ORDERS = {
    # rank of an atom class (parameter symbol, expectation symbol, function value) in the
    # greedy choice, after the number of terms it occurs in
    "parameters first": {"parameter": 0, "function": 1, "expectation": 2},
    "expectations first": {"expectation": 0, "parameter": 1, "function": 2},
    "functions first": {"function": 0, "parameter": 1, "expectation": 2},
    "by count only": {"function": 0, "parameter": 0, "expectation": 0},
}


def _atom_class(a: sympy.Expr) -> str:
    if a.is_Symbol:
        return "expectation" if a.name.startswith("E_") else "parameter"
    return "function"


class Constants:
    """Numeric factors kept out of sympy's automatic distribution ``2*(a + b) -> 2*a + 2*b``.

    ``symbol(value)`` is a placeholder Symbol ``_k<n>``; the compiler reads it back as a
    number.
    """

    def __init__(self) -> None:
        self.values: dict[sympy.Symbol, sympy.Expr] = {}
        self._by_value: dict[sympy.Expr, sympy.Symbol] = {}

    def symbol(self, value: sympy.Expr) -> sympy.Symbol:
        s = self._by_value.get(value)
        if s is None:
            s = sympy.Symbol(f"_k{len(self.values)}", real=True)
            self.values[s] = value
            self._by_value[value] = s
        return s


def horner(
    expr: sympy.Expr, strategy: str = "parameters first", constants: Constants | None = None
) -> sympy.Expr:
    """Greedy multivariate Horner form of an expanded sum (exact, deterministic).

    Repeatedly factor the atom (symbol or function value, positive or negative power) that
    occurs in most terms out of those terms: ``sum_t = x**k * (sum over terms with x) + rest``;
    ties are broken by ``strategy`` (see ``_CLASS_ORDERS``), then by sympy's sort key.  The
    rational content (gcd of the coefficients) of every sum is factored out too; with
    ``constants`` given it is kept as a placeholder symbol so that sympy does not distribute it.
    """
    expr = sympy.expand(expr)
    terms = [_term_factors(t) for t in sympy.Add.make_args(expr)]
    return _horner(terms, _CLASS_ORDERS[strategy], constants)


def _content(terms: list) -> sympy.Expr:
    coeffs = [c for c, _ in terms]
    if not all(c.is_Rational for c in coeffs):
        return sympy.Integer(1)
    g = sympy.Integer(0)
    for c in coeffs:
        g = sympy.gcd(g, c)
    if all(c.is_negative for c in coeffs):
        g = -g
    return g


def _horner(terms: list, order: dict, constants: Constants | None) -> sympy.Expr:
    if not terms:
        return sympy.Integer(0)
    g = _content(terms)
    if g != 1 and len(terms) > 1:
        inner = _horner([(c / g, f) for c, f in terms], order, constants)
        if constants is None or g == -1 or not inner.is_Add:
            return g * inner
        return constants.symbol(g) * inner
    counts: dict = {}
    for _, fac in terms:
        for a, e in fac.items():
            if e:
                key = (a, e > 0)
                counts[key] = counts.get(key, 0) + 1
    best = None
    for key, n in counts.items():
        if n < 2:
            continue
        rank = (-n, not key[1], order[_atom_class(key[0])], _atom_key(key[0]))
        if best is None or rank < best[0]:
            best = (rank, key)
    if best is None:
        return sympy.Add(
            *[c * sympy.Mul(*[a**e for a, e in sorted(f.items(), key=lambda p: _atom_key(p[0]))])
              for c, f in terms]
        )
    atom, positive = best[1]

    def has(f: dict) -> bool:
        e = f.get(atom, 0)
        return bool(e) and (e > 0) == positive

    inside = [(c, f) for c, f in terms if has(f)]
    rest = [(c, f) for c, f in terms if not has(f)]
    exps = [f[atom] for _, f in inside]
    k = min(exps) if positive else max(exps)
    reduced = []
    for c, f in inside:
        f2 = dict(f)
        f2[atom] -= k
        if not f2[atom]:
            del f2[atom]
        reduced.append((c, f2))
    return atom**k * _horner(reduced, order, constants) + _horner(rest, order, constants)


# ------------------------------------------------------------------------------------------
# step 2: compile to ufunc instructions with lazy numeric scales

_UNARY = {
    sympy.tanh: "tanh", sympy.exp: "exp", sympy.log: "log", sympy.sin: "sin",
    sympy.cos: "cos", sympy.tan: "tan", sympy.sinh: "sinh", sympy.cosh: "cosh",
    sympy.Abs: "absolute", sympy.conjugate: "conjugate", sympy.atan: "arctan",
    sympy.asin: "arcsin", sympy.acos: "arccos", sympy.atanh: "arctanh",
}


@dataclass
class _Ins:
    ufunc: str  # numpy ufunc name, or "copyto"
    dest: object  # vreg (int) or ("out", i)
    operands: tuple  # vreg ints, ("arg", name) or ("const", value)


class _Compiler:
    """Turns (CSE assignments, outputs) into ufunc instructions on virtual registers."""

    def __init__(self, complex_mode: bool, constants: Constants | None = None) -> None:
        self.complex_mode = complex_mode
        self.constants = constants.values if constants else {}
        self.ins: list[_Ins] = []
        self.nreg = 0
        self.values: dict = {}  # cse symbol -> (operand, scale)
        self.scaled: dict = {}  # (operand, scale) -> materialized operand
        self.args: set[str] = set()

    def new(self, ufunc: str, *operands: object) -> int:
        r = self.nreg
        self.nreg += 1
        self.ins.append(_Ins(ufunc, r, operands))
        return r

    def const(self, value: sympy.Expr) -> tuple:
        v = complex(value)
        if v.imag == 0:
            return ("const", float(v.real))
        if not self.complex_mode:
            raise EmitError(f"complex constant {value} in a real kernel")
        return ("const", v)

    def materialize(self, val: tuple) -> object:
        op, scale = val
        if op is None:
            return self.const(scale)
        if scale == 1:
            return op
        key = (op, scale)
        hit = self.scaled.get(key)
        if hit is None:
            if scale == -1:
                hit = self.new("negative", op)
            else:
                hit = self.new("multiply", op, self.const(scale))
            self.scaled[key] = hit
        return hit

    def emit(self, e: sympy.Expr) -> tuple:
        """Value of e as (operand or None, numeric scale): e = scale * operand."""
        if e in self.values:
            return self.values[e]
        if e.is_number:
            return (None, e)
        if e.is_Symbol:
            if e in self.constants:
                return (None, self.constants[e])
            self.args.add(e.name)
            return (("arg", e.name), sympy.Integer(1))
        if e.is_Add:
            return self.emit_add(e)
        if e.is_Mul:
            return self.emit_mul(e)
        if e.is_Pow:
            return self.emit_pow(e)
        if isinstance(e, sympy.Function):
            name = _UNARY.get(e.func)
            if name is None or len(e.args) != 1:
                raise EmitError(
                    f"function {e.func} has no numpy kernel; supported: "
                    + ", ".join(sorted(str(f) for f in _UNARY))
                )
            arg = self.materialize(self.emit(e.args[0]))
            return (self.new(name, arg), sympy.Integer(1))
        raise EmitError(f"cannot compile {e!r} ({type(e).__name__}) into a kernel")

    def emit_mul(self, e: sympy.Expr) -> tuple:
        scale = sympy.Integer(1)
        num: list = []
        den: list = []
        for f in e.args:
            if f.is_number:
                scale *= f
                continue
            base, exp = f.as_base_exp()
            if exp.is_Integer and int(exp) < 0 and f not in self.values:
                op, s = self.emit(base**-exp)
                scale /= s
                den.append(op)
            else:
                op, s = self.emit(f)
                scale *= s
                if op is not None:
                    num.append(op)
        if not num and not den:
            return (None, scale)
        if num:
            acc = num[0]
            for op in num[1:]:
                acc = self.new("multiply", acc, op)
        else:
            acc = self.new("divide", self.const(scale), den[0])
            den = den[1:]
            scale = sympy.Integer(1)
        for op in den:
            acc = self.new("divide", acc, op)
        return (acc, scale)

    def emit_pow(self, e: sympy.Expr) -> tuple:
        base, exp = e.args
        if exp.is_Integer:
            n = int(exp)
            op, s = self.emit(base)
            if n < 0:
                pos = self._power(op, -n)
                return (self.new("divide", self.const(1 / s ** (-n) if s != 1 else 1), pos),
                        sympy.Integer(1))
            return (self._power(op, n), s**n)
        if exp == sympy.Rational(1, 2):
            op, s = self.emit(base)
            if s.is_positive:
                return (self.new("sqrt", op), sympy.sqrt(s))
            return (self.new("sqrt", self.materialize((op, s))), sympy.Integer(1))
        b = self.materialize(self.emit(base))
        x = self.materialize(self.emit(exp))
        return (self.new("power", b, x), sympy.Integer(1))

    def _power(self, op: object, n: int) -> object:
        if n == 1:
            return op
        if n == 2:
            return self.new("multiply", op, op)
        half = self._power(op, n // 2)
        sq = self.new("multiply", half, half)
        return self.new("multiply", sq, op) if n % 2 else sq

    def emit_add(self, e: sympy.Expr) -> tuple:
        """Sum with lazy scales: terms with the same |scale| are summed first, then scaled
        once; the most frequent |scale| becomes the scale of the result."""
        parts = [self.emit(a) for a in e.args]
        const = sum((s for op, s in parts if op is None), sympy.Integer(0))
        terms = [(op, s) for op, s in parts if op is not None]
        if not terms:
            return (None, const)
        groups: dict = {}
        for op, s in terms:
            key = -s if s.could_extract_minus_sign() else s
            groups.setdefault(key, []).append((op, s / key))  # relative sign +-1
        keys = sorted(groups, key=sympy.default_sort_key)
        common = max(keys, key=lambda k: len(groups[k]))
        summed = []  # (operand, scale relative to common)
        for key in keys:
            total = self._signed_sum(groups[key])
            if total is None:
                continue
            op, sign = total
            summed.append((op, sign * key / common))
        if all(r.could_extract_minus_sign() for _, r in summed):
            common = -common
            summed = [(op, -r) for op, r in summed]
        summed.sort(key=lambda p: p[1].could_extract_minus_sign())  # a positive term first
        first_op, r0 = summed[0]
        acc = first_op if r0 == 1 else self.materialize((first_op, r0))
        for op, r in summed[1:]:
            if r == 1:
                acc = self.new("add", acc, op)
            elif r == -1:
                acc = self.new("subtract", acc, op)
            elif r.could_extract_minus_sign():
                acc = self.new("subtract", acc, self.materialize((op, -r)))
            else:
                acc = self.new("add", acc, self.materialize((op, r)))
        if const != 0:
            acc = self.new("add", acc, self.const(const / common))
        return (acc, common)

    def _signed_sum(self, items: list) -> tuple | None:
        """sum of +-operands as (operand, sign)."""
        items = sorted(items, key=lambda p: p[1] == -1)  # positive ones first
        sign = sympy.Integer(1)
        if items[0][1] == -1:  # all negative
            sign = sympy.Integer(-1)
            items = [(op, -r) for op, r in items]
        acc = items[0][0]
        for op, r in items[1:]:
            acc = self.new("add" if r == 1 else "subtract", acc, op)
        return (acc, sign)

    def compile(self, assignments: Sequence[tuple], outputs: Sequence[sympy.Expr]) -> list:
        for sym, e in assignments:
            self.values[sym] = self.emit(e)
        finals = []
        for e in outputs:
            finals.append(self.materialize(self.emit(e)))
        return self.fold_constants(finals)

    def fold_constants(self, finals: list) -> list:
        """Peephole: ``negative(multiply(y, c))`` and ``multiply(multiply(y, c1), c2)`` with a
        single-use inner result become one ``multiply(y, -c)`` / ``multiply(y, c1*c2)``."""
        uses: dict[int, int] = {}
        for i in self.ins:
            for op in i.operands:
                if isinstance(op, int):
                    uses[op] = uses.get(op, 0) + 1
        for f in finals:
            if isinstance(f, int):
                uses[f] = uses.get(f, 0) + 1
        by_dest = {i.dest: i for i in self.ins}
        dropped: set[int] = set()
        for i in self.ins:
            if i.ufunc not in ("negative", "multiply"):
                continue
            x = i.operands[0]
            if not isinstance(x, int) or uses.get(x) != 1:
                continue
            if i.ufunc == "negative":
                factor = -1.0
            elif isinstance(i.operands[1], tuple) and i.operands[1][0] == "const":
                factor = i.operands[1][1]
            else:
                continue
            inner = by_dest.get(x)
            if inner is None or inner.ufunc != "multiply" or x in dropped:
                continue
            c = inner.operands[1]
            if not (isinstance(c, tuple) and c[0] == "const"):
                continue
            i.ufunc, i.operands = "multiply", (inner.operands[0], ("const", c[1] * factor))
            dropped.add(x)
        self.ins = [i for i in self.ins if i.dest not in dropped]
        return finals


def _allocate(ins: list[_Ins], finals: list) -> tuple[list[tuple], int]:
    """Assign chunk buffers to virtual registers; outputs are written in place.

    Returns rendered instructions (ufunc, dest, operands) with dest/operands as python
    expressions and the number of buffers.
    """
    # an output is written directly by the instruction that makes it when nothing else uses it
    last_use: dict[int, int] = {}
    for k, i in enumerate(ins):
        for op in i.operands:
            if isinstance(op, int):
                last_use[op] = k
    direct: dict[int, int] = {}
    final_count: dict = {}
    for f in finals:
        if isinstance(f, int):
            final_count[f] = final_count.get(f, 0) + 1
    for j, f in enumerate(finals):
        if isinstance(f, int) and f not in last_use and final_count[f] == 1:
            direct[f] = j
    used_by_output = {f for f in finals if isinstance(f, int) and f not in direct}
    free: list[str] = []
    nbuf = 0
    where: dict[int, str] = {}
    rendered: list[tuple] = []

    def render(op: object) -> str:
        if isinstance(op, int):
            return where[op]
        kind, value = op  # type: ignore[misc]
        if kind == "arg":
            return value
        return repr(value)

    for k, i in enumerate(ins):
        operands = [render(op) for op in i.operands]
        for op in dict.fromkeys(i.operands):
            if isinstance(op, int) and last_use.get(op) == k and op not in used_by_output:
                free.append(where[op])
        if i.dest in direct:
            dest = f"_o{direct[i.dest]}"
        else:
            dest_buf = None
            for op in i.operands:  # in place when an operand dies here
                if isinstance(op, int) and where.get(op) in free and last_use.get(op) == k:
                    dest_buf = where[op]
                    free.remove(dest_buf)
                    break
            if dest_buf is None:
                if free:
                    dest_buf = free.pop()
                else:
                    dest_buf = f"_b{nbuf}"
                    nbuf += 1
            dest = dest_buf
        where[i.dest] = dest
        rendered.append((i.ufunc, dest, operands))
    for j, f in enumerate(finals):
        if isinstance(f, int) and f in direct:
            continue
        rendered.append(("copyto", f"_o{j}", [render(f)]))
    return rendered, nbuf


def _python_lines(rendered: list[tuple]) -> list[str]:
    lines = []
    for ufunc, dest, operands in rendered:
        if ufunc == "copyto":
            lines.append(f"_np.copyto({dest}, {operands[0]})")
        else:  # positional out and module-level ufunc names: the cheapest call
            lines.append(f"_{ufunc}({', '.join(operands)}, {dest})")
    return lines


# ------------------------------------------------------------------------------------------
# a compiled block (one function body)


@dataclass
class _Block:
    name: str
    arguments: list[str]  # argument names in call order
    outputs: list[str]
    lines: list[str]
    nbuf: int
    complex_mode: bool
    cse: list[tuple]  # (symbol, expr) for C
    final_exprs: list[sympy.Expr]


def _prune(assignments: list[tuple], outputs: list[sympy.Expr]) -> list[tuple]:
    needed: set = set()
    for e in outputs:
        needed |= e.free_symbols
    keep = []
    for sym, e in reversed(assignments):
        if sym in needed:
            keep.append((sym, e))
            needed |= e.free_symbols
    return keep[::-1]


def _block(
    name: str,
    assignments: list[tuple],
    outputs: list[tuple[str, sympy.Expr]],
    argument_order: list[str],
    complex_mode: bool,
    constants: Constants | None = None,
) -> _Block:
    exprs = [e for _, e in outputs]
    assignments = _prune(assignments, exprs)
    comp = _Compiler(complex_mode, constants)
    finals = comp.compile(assignments, exprs)
    rendered, nbuf = _allocate(comp.ins, finals)
    args = [a for a in argument_order if a in comp.args]
    return _Block(
        name, args, [n for n, _ in outputs], _python_lines(rendered), nbuf, complex_mode,
        assignments, exprs,
    )


# ------------------------------------------------------------------------------------------
# the module


@dataclass(frozen=True)
class _SiteSpec:
    name: str
    kind: str


def _site_specs(sites: Iterable | None, monomial_sites: dict[str, str]) -> list[_SiteSpec]:
    if sites is None:
        return [_SiteSpec(n, monomial_sites[n]) for n in sorted(monomial_sites, key=site_sort_key)]
    out = []
    for s in sites:
        if isinstance(s, Site):
            out.append(_SiteSpec(s.name, s.kind))
        elif isinstance(s, (tuple, list)) and len(s) == 2 and s[1] in ("qubit", "boson"):
            out.append(_SiteSpec(str(s[0]), str(s[1])))
        else:
            raise EmitError(f"sites must be Site objects or (name, kind) pairs, got {s!r}")
    names = [s.name for s in out]
    for n, kind in monomial_sites.items():
        if n not in names:
            raise EmitError(
                f"an expectation value acts on site {n!r}, which is not among the sites "
                f"{names}: add it (tensor order = order of the list)"
            )
        declared = out[names.index(n)].kind
        if declared != kind:
            raise EmitError(f"site {n!r} is declared a {declared} but used as a {kind}")
    return out


def _docstring(text: str, indent: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = [line.rstrip() for line in text.splitlines()] or [""]
    return "\n".join([lines[0]] + [indent + line if line else "" for line in lines[1:]])


def _wrap(text: str, width: int = 88, indent: str = "    ") -> str:
    """Wrap each paragraph of a docstring at spaces (deterministic)."""
    out = []
    for para in text.split("\n\n"):
        lines, cur = [], ""
        for w in para.replace("\n", " ").split(" "):
            if cur and len(cur) + 1 + len(w) > width:
                lines.append(cur)
                cur = indent + w
            else:
                cur = f"{cur} {w}" if cur else w
        lines.append(cur)
        out.append("\n".join(lines))
    return "\n\n".join(out)


@dataclass
class KernelPlan:
    """Everything the templates need (also used by the C emitter)."""

    module_name: str
    title: str
    quantities: list[Quantity]
    arguments: list[Argument]
    sites: list[_SiteSpec]
    cutoff: dict[str, int]
    functions: list[dict]
    all_block: _Block
    real_all: bool
    chunk: int
    constants: Constants
    assignments: list


def _plain_indexed(q: Quantity) -> Quantity:
    """Indexed parameters at concrete indices (``g_h[2]``, ``Omega[1, 2]``) become plain
    symbols ``g_h_2``, ``Omega_1_2`` (kernel arguments)."""
    found = q.expr.atoms(sympy.Indexed)
    if not found:
        return q
    subs = {}
    for a in found:
        name = str(a.base.label) + "_" + "_".join(str(i) for i in a.indices)
        subs[a] = sympy.Symbol(name, **{k: v for k, v in a.assumptions0.items()
                                        if k in ("real", "positive")})
    return Quantity(q.name, q.expr.xreplace(subs), q.latex_name, q.description, q.label)


def plan_kernels(
    quantities: Iterable[Quantity],
    sites: Iterable | None = None,
    *,
    cutoff: int | Mapping[str, int] | None = None,
    module_name: str = "kernels",
    title: str | None = None,
    chunk: int = 16384,
) -> KernelPlan:
    """Analyse, optimise and compile the quantities (shared by the Python and C emitters)."""
    qs = check_quantities(quantities)
    if not qs:
        raise EmitError("no quantities to emit")
    for q in qs:
        if q.name in RESERVED:
            raise EmitError(f"quantity name {q.name!r} is reserved in kernel modules")
        if contains_symbolic_size(q.expr):
            raise EmitError(
                f"quantity {q.name!r} is a general-N form (indexed sums, symbolic family "
                "sizes): a kernel needs a concrete size; emit kernels of unrolled forms, "
                "e.g. unroll(expr, {N: 4}) from symthermo.algebra.indexed"
            )
    qs = [_plain_indexed(q) for q in qs]
    arguments, subs = _arguments([q.expr for q in qs])
    argnames = [a.name for a in arguments]
    monomial_sites: dict[str, str] = {}
    for a in arguments:
        if a.kind == "expectation":
            for s, loc in a.symbol.monomial:
                monomial_sites[s] = "qubit" if isinstance(loc, int) else "boson"
    specs = _site_specs(sites, monomial_sites)
    bosons = [s.name for s in specs if s.kind == "boson"]
    cut: dict[str, int] = {}
    for b in bosons:
        if cutoff is None:
            raise EmitError(f"boson site {b!r} needs a cutoff (number of Fock levels)")
        levels = cutoff[b] if isinstance(cutoff, Mapping) else cutoff
        if not isinstance(levels, int) or levels < 1:
            raise EmitError(f"cutoff of boson site {b!r} must be a positive int")
        cut[b] = levels
    # floats become the exact rationals of their binary values: the compiler compares
    # scales with 1 and -1 exactly (sympy's Float(1.0) != Integer(1))
    exprs = [_exact(q.expr.xreplace(subs)) for q in qs]
    complex_flags = [_is_complex(e) for e in exprs]
    any_complex = any(complex_flags)
    best = None
    for strategy in _CLASS_ORDERS:  # keep the variant with the fewest ufunc calls
        constants = Constants()
        prepared = [horner(e, strategy, constants) for e in exprs]
        assignments, reduced = sympy.cse(
            prepared, symbols=sympy.numbered_symbols("_x"), order="none"
        )
        all_block = _block(
            "_all", assignments, [(q.name, r) for q, r in zip(qs, reduced, strict=True)], argnames,
            any_complex, constants,
        )
        cost = (len(all_block.lines), all_block.nbuf)
        if best is None or cost < best[0]:
            best = (cost, constants, assignments, reduced, all_block)
    _, constants, assignments, reduced, all_block = best
    functions = []
    for q, e, red, cplx in zip(qs, exprs, reduced, complex_flags, strict=True):
        blk = _block(q.name, assignments, [(q.name, red)], argnames, cplx, constants)
        functions.append(
            {
                "quantity": q,
                "block": blk,
                "parameters": [a for a in blk.arguments if _kind(arguments, a) == "parameter"],
                "expectations": [a for a in blk.arguments if _kind(arguments, a) == "expectation"],
                "formula": sympy.sstr(q.expr, order="none"),
                "complex": cplx,
                "expr": e,
            }
        )
    return KernelPlan(
        module_name=module_name,
        title=title or f"symthermo kernels: {', '.join(q.name for q in qs)}",
        quantities=qs,
        arguments=arguments,
        sites=specs,
        cutoff=cut,
        functions=functions,
        all_block=all_block,
        real_all=not any_complex,
        chunk=chunk,
        constants=constants,
        assignments=assignments,
    )


def _dimension(plan: KernelPlan) -> int:
    d = 1
    for s in plan.sites:
        d *= 2 if s.kind == "qubit" else plan.cutoff[s.name]
    return d


def _kind(arguments: list[Argument], name: str) -> str:
    for a in arguments:
        if a.name == name:
            return a.kind
    raise KeyError(name)  # pragma: no cover


def _exact(e: sympy.Expr) -> sympy.Expr:
    floats = e.atoms(sympy.Float)
    return e.xreplace({f: sympy.Rational(f) for f in floats}) if floats else e


def _is_complex(e: sympy.Expr) -> bool:
    if e.has(sympy.I):
        return True
    return any(not s.is_real for s in e.free_symbols)


def kernel_source(
    quantities: Iterable[Quantity],
    sites: Iterable | None = None,
    *,
    cutoff: int | Mapping[str, int] | None = None,
    module_name: str = "kernels",
    title: str | None = None,
    chunk: int = 16384,
) -> str:
    """Source of a standalone numpy module evaluating ``quantities`` (deterministic).

    ``sites``: Site objects or ``(name, kind)`` pairs in tensor order (first = leftmost
    Kronecker factor); None takes the sites of the expectation values in natural name order.
    ``cutoff``: Fock levels of boson sites (int or ``{name: levels}``).
    """
    plan = plan_kernels(
        quantities, sites, cutoff=cutoff, module_name=module_name, title=title, chunk=chunk
    )
    return render_plan(plan)


def render_plan(plan: KernelPlan) -> str:
    from .document import environment

    env = environment(python=True)
    template = env.get_template("kernels.py.j2")
    args = {a.name: a for a in plan.arguments}
    functions = []
    for f in plan.functions:
        q: Quantity = f["quantity"]
        blk: _Block = f["block"]
        doc = (q.description + "\n\n" if q.description else "") + (
            f"{q.name} = " + f["formula"]
        )
        legend = [f"{e} = {args[e].plain}" for e in f["expectations"]]
        if legend:
            doc += "\n\nwith " + ", ".join(legend)
        functions.append(
            {
                "name": q.name,
                "arguments": blk.arguments,
                "parameters": f["parameters"],
                "expectations": f["expectations"],
                "doc": _docstring(_wrap(doc), "    "),
                "formula": f["formula"],
                "description": q.description,
                "lines": blk.lines,
                "nbuf": blk.nbuf,
                "dtype": "complex128" if blk.complex_mode else "float64",
                "complex": blk.complex_mode,
            }
        )
    expectations = [
        (a.name, str(a.symbol), a.symbol.monomial, bool(a.symbol.is_real))
        for a in plan.arguments
        if a.kind == "expectation"
    ]
    parameters = [(a.name, a.symbol.name) for a in plan.arguments if a.kind == "parameter"]
    source = template.render(
        title=_docstring(plan.title, ""),
        module_name=plan.module_name,
        sites=[(s.name, s.kind) for s in plan.sites],
        cutoff=plan.cutoff,
        parameters=parameters,
        expectations=expectations,
        functions=functions,
        all_block=plan.all_block,
        all_dtype="float64" if plan.real_all else "complex128",
        quantity_names=[q.name for q in plan.quantities],
        real_names=[f["quantity"].name for f in plan.functions if not f["complex"]],
        dimension=_dimension(plan),
        chunk=plan.chunk,
        monomial_str=monomial_str,
        args=args,
    )
    return source


def write_kernels(
    path: str | Path,
    quantities: Iterable[Quantity],
    sites: Iterable | None = None,
    **options: object,
) -> Path:
    """Write :func:`kernel_source` to ``path`` (byte-identical for identical input)."""
    path = Path(path)
    options.setdefault("module_name", path.stem)
    source = kernel_source(quantities, sites, **options)  # type: ignore[arg-type]
    write_bytes_atomic(path, source.encode("utf-8"))
    return path


_counter = [0]


def load_kernels(
    quantities: Iterable[Quantity],
    sites: Iterable | None = None,
    **options: object,
) -> types.ModuleType:
    """The kernel module built in memory (no file written); same API as a written module."""
    source = kernel_source(quantities, sites, **options)  # type: ignore[arg-type]
    name = str(options.get("module_name", "kernels"))
    _counter[0] += 1
    filename = f"<symthermo-kernels {name} {_counter[0]}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType(name)
    module.__file__ = filename
    module.__dict__["__source__"] = source
    exec(compile(source, filename, "exec"), module.__dict__)
    return module


# ------------------------------------------------------------------------------------------
# optional C99 kernels


def c_source(
    quantities: Iterable[Quantity],
    sites: Iterable | None = None,
    **options: object,
) -> str:
    """C99 source of the same kernels (real quantities only), for ``cc -O3 -shared -fPIC``.

    Exports ``void symthermo_all(long n, const double *const *args, const long *strides,
    double *const *outs)`` (arguments in the order of ``ALL_ARGUMENTS`` in the header
    comment; stride 0 broadcasts a scalar) and one ``symthermo_<name>`` per quantity with
    the same calling convention.  The expressions are the Horner + CSE forms of the numpy
    kernels, printed with ``sympy.ccode``.
    """
    plan = plan_kernels(quantities, sites, **options)  # type: ignore[arg-type]
    return render_c(plan)


# functions of glibc's libmvec (x86-64 vector variants, glibc >= 2.35) the C loops may call
_LIBMVEC = frozenset(
    {"atan", "cos", "cosh", "exp", "expm1", "log", "log1p", "pow", "sin", "sinh", "tan", "tanh"}
)


def render_c(plan: KernelPlan) -> str:
    if not plan.real_all:
        raise EmitError("C kernels are generated for real quantities only")
    constants = plan.constants.values

    def code(e: sympy.Expr) -> str:
        return sympy.ccode(e.xreplace(constants), standard="C99")

    def body(name: str, arguments: list[str], outputs: list[sympy.Expr],
             assignments: list[tuple]) -> list[str]:
        na, no = max(len(arguments), 1), len(outputs)
        # block length: the input and output blocks together take at most 768 KB (in L2)
        block = 256
        while block < 8192 and (na + no) * (2 * block) * 8 <= 768 * 1024:
            block *= 2
        lines = [
            f"void symthermo_{name}(long n, const double *const *args, const long *strides,",
            "                 double *const *outs)",
            "{",
            f"    enum {{ B = SYMTHERMO_B({block}) }};",
            f"    double in[{na}][B], res[{no}][B];",
            "    for (long k0 = 0; k0 < n; k0 += B) {",
            "        const long m = n - k0 < B ? n - k0 : B;",
            f"        for (int i = 0; i < {len(arguments)}; ++i) {{",
            "            const double *a = args[i];",
            "            if (strides[i] == 0)",
            "                for (long j = 0; j < m; ++j) in[i][j] = a[0];",
            "            else",
            "                for (long j = 0; j < m; ++j) in[i][j] = a[k0 + j];",
            "        }",
            "        for (long j = 0; j < m; ++j) {",
        ]
        for i, a in enumerate(arguments):
            lines.append(f"            const double {a} = in[{i}][j];")
        for sym, e in _prune(assignments, outputs):
            lines.append(f"            const double {sym} = {code(e)};")
        for j, e in enumerate(outputs):
            lines.append(f"            res[{j}][j] = {code(e)};")
        lines += [
            "        }",
            f"        for (int i = 0; i < {no}; ++i)",
            "            for (long j = 0; j < m; ++j) outs[i][k0 + j] = res[i][j];",
            "    }",
            "}",
            "",
        ]
        return lines

    out = [
        "/* " + plan.title.replace("*/", "* /"),
        " * Generated by symthermo.emit.kernels (C99): regenerate instead of editing.",
        " * Conventions as in the numpy module; parameters are real.",
        " * ALL_ARGUMENTS: " + " ".join(plan.all_block.arguments),
        " * ALL_OUTPUTS: " + " ".join(plan.all_block.outputs),
    ]
    for f in plan.functions:
        out.append(f" * {f['quantity'].name}: " + " ".join(f["block"].arguments))
    out += [
        " *",
        " * Inputs and outputs are copied through blocks that fit in L2 (define SYMTHERMO_BLOCK",
        " * to override the length): one loop over many arrays at equal page offsets streams",
        " * badly (4K aliasing).  Define SYMTHERMO_LIBMVEC (GCC, x86-64, glibc >= 2.35, with",
        " * -fno-math-errno) to let the loops call glibc's vector math functions.",
        " */",
        "#include <math.h>",
        "",
        "#ifdef SYMTHERMO_BLOCK",
        "#define SYMTHERMO_B(length) SYMTHERMO_BLOCK",
        "#else",
        "#define SYMTHERMO_B(length) (length)",
        "#endif",
        "",
    ]
    bodies: list[str] = []
    for f in plan.functions:
        blk = f["block"]
        bodies += body(f["quantity"].name, blk.arguments, blk.final_exprs, plan.assignments)
    blk = plan.all_block
    bodies += body("all", blk.arguments, blk.final_exprs, plan.assignments)
    used = sorted(set(re.findall(r"\b([a-z][a-z0-9]*)\(", "\n".join(bodies))) & _LIBMVEC)
    if used:
        out.append("#if defined(SYMTHERMO_LIBMVEC) && defined(__GNUC__) && defined(__x86_64__)")
        for fn in used:
            arity = "double, double" if fn == "pow" else "double"
            out.append(f'__attribute__((__simd__("notinbranch"))) extern double {fn}({arity});')
        out += ["#endif", ""]
    out += bodies
    return "\n".join(out)


class CKernels:
    """Kernels compiled from :func:`c_source` and loaded with ctypes.

    ``evaluate(out=None, **arguments)`` returns every quantity (dict), ``<name>(**arguments)``
    one of them; arguments broadcast like numpy ufuncs.  ``out`` (optional) maps quantity
    names to preallocated C-contiguous float64 arrays of the broadcast shape, written in
    place (no allocation, no page faults on fresh memory).  Arrays of at least
    ``THREAD_MIN`` points are split over ``threads`` threads (default: the machine's cores;
    ctypes releases the GIL during the C call).
    """

    THREAD_MIN = 1 << 16

    def __init__(self, plan: KernelPlan, library: object, source: str, path: Path,
                 flags: Sequence[str] = ()) -> None:
        import os

        self.plan = plan
        self.source = source
        self.path = path
        self.flags = tuple(flags)
        self.threads = max(1, os.cpu_count() or 1)
        self._lib = library
        self.arguments = {"all": plan.all_block.arguments}
        self.outputs = {"all": plan.all_block.outputs}
        for f in plan.functions:
            self.arguments[f["quantity"].name] = f["block"].arguments
            self.outputs[f["quantity"].name] = [f["quantity"].name]

    def _call(self, name: str, values: Mapping[str, object],
              out: Mapping[str, object] | None = None) -> list:
        import ctypes
        import threading

        import numpy as np

        from ..errors import ArgumentError

        names, onames = self.arguments[name], self.outputs[name]
        label = "evaluate()" if name == "all" else f"{name}()"
        missing = [a for a in names if a not in values]
        unknown = sorted(set(values) - set(names))
        if missing or unknown:
            raise ArgumentError(
                f"{label}: missing arguments {missing}, unknown arguments {unknown} "
                f"(it takes {', '.join(names)})", (missing or unknown)[0]
            )
        arrays = []
        for a in names:  # real numbers only: None, text or complex would become NaN or lose i
            v = values[a]
            arr = v if isinstance(v, np.ndarray) else np.asarray(v)
            if v is None or arr.dtype.kind not in "fiu":
                raise ArgumentError(
                    f"{label}: argument {a!r} = {v!r:.60} is not a real number or array of real "
                    "numbers" + (" (complex: C kernels are real)" if arr.dtype.kind == "c"
                                 else ""), a
                )
            arrays.append(np.asarray(arr, dtype=np.float64))
        shape = np.broadcast_shapes(*[a.shape for a in arrays])
        n = int(np.prod(shape))
        flat, strides = [], []
        for a in arrays:
            if a.size == 1:
                flat.append(np.ascontiguousarray(a.reshape(1)))
                strides.append(0)
            else:
                flat.append(np.ascontiguousarray(np.broadcast_to(a, shape)).reshape(-1))
                strides.append(1)
        outs = []
        for o in onames:
            given = None if out is None else out.get(o)
            if given is None:
                outs.append(np.empty(n))
                continue
            if (not isinstance(given, np.ndarray) or given.dtype != np.float64
                    or given.shape != shape or not given.flags.c_contiguous
                    or not given.flags.writeable):
                raise ValueError(
                    f"out[{o!r}] must be a writeable C-contiguous float64 array of shape "
                    f"{shape}; got {getattr(given, 'dtype', type(given).__name__)} "
                    f"{getattr(given, 'shape', '')}"
                )
            outs.append(given.reshape(-1))
        fn = getattr(self._lib, f"symthermo_{name}")
        dp = ctypes.POINTER(ctypes.c_double)
        st = (ctypes.c_long * max(len(strides), 1))(*strides)

        def run(lo: int, hi: int) -> None:
            views = [a[lo:hi] if s else a for a, s in zip(flat, strides, strict=True)]
            args = (dp * max(len(flat), 1))(*[v.ctypes.data_as(dp) for v in views])
            op = (dp * len(outs))(*[o[lo:hi].ctypes.data_as(dp) for o in outs])
            fn(ctypes.c_long(hi - lo), args, st, op)

        nthreads = min(self.threads, max(1, n // self.THREAD_MIN))
        if nthreads == 1:
            if n:
                run(0, n)
        else:
            per = -(-n // nthreads)
            workers = [threading.Thread(target=run, args=(lo, min(lo + per, n)))
                       for lo in range(per, n, per)]
            for t in workers:
                t.start()
            run(0, per)
            for t in workers:
                t.join()
        return [o.reshape(shape) for o in outs]

    def evaluate(self, out: Mapping[str, object] | None = None, **arguments: object) -> dict:
        outs = self._call("all", arguments, out)
        return dict(zip(self.plan.all_block.outputs, outs, strict=True))

    def __getattr__(self, name: str) -> object:
        if name.startswith("_") or name not in self.arguments:
            raise AttributeError(name)
        return lambda **arguments: self._call(name, arguments)[0]


# tried in order by compile_c_kernels: native vector code with glibc's vector math, then plain
DEFAULT_C_FLAGS = (
    ("-O3", "-std=c99", "-march=native", "-fno-math-errno", "-ffp-contract=fast",
     "-DSYMTHERMO_LIBMVEC"),
    ("-O3", "-std=c99"),
)


def compile_c_kernels(
    quantities: Iterable[Quantity],
    sites: Iterable | None = None,
    *,
    directory: str | Path | None = None,
    compiler: str = "cc",
    flags: Sequence[str] | None = None,
    **options: object,
) -> CKernels:
    """Compile :func:`c_source` into a shared library and load it (needs a C compiler).

    ``flags=None`` tries :data:`DEFAULT_C_FLAGS` in order (vectorised for this machine with
    glibc's vector math where it compiles and loads, else plain ``-O3``); ``-ffp-contract=fast``
    lets the compiler fuse multiply-adds (results differ from numpy's by rounding only).
    Raises :class:`EmitError` when the compiler is missing or fails.
    """
    from ..ccompile import CCompileError, compile_shared_library

    plan = plan_kernels(quantities, sites, **options)  # type: ignore[arg-type]
    source = render_c(plan)
    candidates = DEFAULT_C_FLAGS if flags is None else (tuple(flags),)
    try:
        built = compile_shared_library(
            source, plan.module_name, candidates, compiler=compiler, directory=directory
        )
    except CCompileError as exc:
        raise EmitError(str(exc)) from None
    return CKernels(plan, built.library, source, built.path, built.flags)


__all__ = [
    "CKernels",
    "KernelPlan",
    "c_source",
    "compile_c_kernels",
    "expectation_argument",
    "horner",
    "kernel_source",
    "load_kernels",
    "plan_kernels",
    "write_kernels",
]
