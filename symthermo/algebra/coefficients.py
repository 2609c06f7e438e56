"""Exact scalar coefficients as Laurent polynomials over the Gaussian rationals.

Representation (the invariant every routine keeps):

* an *atom* is an opaque sympy expression (a Symbol, ``tanh(beta*omega/2)``, ``sqrt(2)``,
  ``1/(exp(beta*omega) - 1)``, ...), interned to a small integer id;
* a *coefficient monomial* (``CMono``) is a tuple ``(ipow, (id1, e1), (id2, e2), ...)``
  with ``ipow`` in {0, 1} the power of the imaginary unit, ids strictly increasing and
  exponents non-zero integers (or Fractions for symbols raised to rational powers);
* a scalar is a dict ``{CMono: rational}`` with non-zero rationals (``int`` or ``Fraction``).

Two kinds of atoms are normalised so that numerically equal monomials are equal tuples:

* positive rationals raised to rational powers (``sqrt(2)``, ``6**(1/3)``) are split into
  primes, each prime atom ``sympy.Integer(p)`` carrying an exponent in (0, 1); the integer
  part of a merged exponent goes into the rational factor (``sqrt(2)*sqrt(2) = 2``,
  ``sqrt(2)*sqrt(3) = sqrt(6)``);
* ``exp(c*x + ...)`` with rational ``c`` becomes ``exp(x)**c * ...``, so that
  ``exp(x)*exp(-x) = 1``.

Other atoms are opaque: identities between them (``tanh`` and ``exp``, say) are not used.
Parameters are treated as commuting and *real*, so complex conjugation flips ``ipow`` and
inverts the *phase atoms* ``exp(I*x)`` (x real, stored as ``exp(I*x)**c``: its conjugate is
``exp(I*x)**-c``).  Every other atom must be real: an expression with ``I`` inside
(``(1 + I)**2``, ``cos(I*J)``) is split into real and imaginary parts first, and a symbol
declared complex (or imaginary) is refused with a :class:`CoefficientError`.
Because the representation is expanded and sorted, two scalars are equal iff their dicts are
equal: zero detection is exact and cheap, and no ``sympy.simplify`` is ever needed in the
algebra's hot path.  Conversion from and to sympy happens only at the boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from functools import lru_cache
from numbers import Number

import sympy
from sympy.core.basic import _cmp_name

from ..errors import CoefficientError

Rational = int | Fraction
CMono = tuple
Scalar = dict  # dict[CMono, Rational]

ONE: CMono = (0,)
_ATOM_IDS: dict[sympy.Expr, int] = {}
_ATOMS: list[sympy.Expr] = []


def atom_id(expr: sympy.Expr) -> int:
    """Intern an opaque sympy expression and return its id."""
    found = _ATOM_IDS.get(expr)
    if found is None:
        found = len(_ATOMS)
        _ATOM_IDS[expr] = found
        _ATOMS.append(expr)
    return found


def atom(i: int) -> sympy.Expr:
    return _ATOMS[i]


_PRIME_IDS: dict[int, int] = {}  # atom id -> prime, for the prime atoms of numeric radicals


def _prime_atom_id(p: int) -> int:
    i = atom_id(sympy.Integer(p))
    _PRIME_IDS[i] = p
    return i


def _split_prime_exponent(i: int, e: Rational) -> tuple[Rational, Rational]:
    """For a prime atom p**e: (rational factor, exponent in [0, 1)) with p**e = factor * p**e'."""
    k = e.numerator // e.denominator if isinstance(e, Fraction) else e
    if k == 0:
        return 1, e
    p = _PRIME_IDS[i]
    factor = p**k if k > 0 else Fraction(1, p ** (-k))
    return factor, _normal_rational(e - k)


def _normal_body(pairs: Iterable[tuple[int, Rational]]) -> tuple[Rational, tuple]:
    """Sorted (id, exponent) pairs without zero exponents, prime atoms reduced: (factor, body)."""
    factor: Rational = 1
    out = []
    for k, e in sorted(pairs):
        if k in _PRIME_IDS:
            f, e = _split_prime_exponent(k, e)
            factor = factor * f
        if e != 0:
            out.append((k, _normal_rational(e) if isinstance(e, Fraction) else e))
    return _normal_rational(factor) if isinstance(factor, Fraction) else factor, tuple(out)


def cmono_portable(m: CMono) -> tuple:
    """A coefficient monomial with its atoms as sympy expressions (atom ids are per process).

    Used to pickle operators: ``cmono_from_portable(cmono_portable(m))`` is ``(1, m)`` in
    this process and the same monomial, re-interned, in any other.
    """
    return (m[0], tuple((_ATOMS[k], e) for k, e in m[1:]))


def cmono_from_portable(p: tuple) -> tuple[Rational, CMono]:
    """The inverse of :func:`cmono_portable`: (rational factor, monomial) in this process."""
    pairs = []
    for expr, e in p[1]:
        if expr in _ATOM_IDS:
            k = _ATOM_IDS[expr]
        elif isinstance(expr, sympy.Integer) and sympy.isprime(int(expr)):
            k = _prime_atom_id(int(expr))
        else:
            k = atom_id(expr)
        pairs.append((k, e))
    factor, body = _normal_body(pairs)
    return factor, (p[0], *body)


def _normal_rational(r: Rational) -> Rational:
    if isinstance(r, Fraction) and r.denominator == 1:
        return r.numerator
    return r


_mul_cache: dict[tuple, tuple[Rational, CMono]] = {}


def cmono_mul(a: CMono, b: CMono, extra_ipow: int = 0) -> tuple[Rational, CMono]:
    """Product of two coefficient monomials times ``i**extra_ipow``: (factor, monomial).

    The factor is a rational: the sign from ``i**2 = -1``, times the integer parts that
    merged prime exponents give off (``sqrt(2)*sqrt(2) = 2``).
    """
    key = (a, b, extra_ipow)
    hit = _mul_cache.get(key)
    if hit is not None:
        return hit
    ip = a[0] + b[0] + extra_ipow
    sign = -1 if ip % 4 >= 2 else 1
    ip %= 2
    if len(a) == 1:
        body = b[1:]
    elif len(b) == 1:
        body = a[1:]
    else:
        merged: dict[int, Rational] = dict(a[1:])
        for k, e in b[1:]:
            merged[k] = merged.get(k, 0) + e
        factor, body = _normal_body(merged.items())
        if factor != 1:
            result = (sign * factor, (ip, *body))
            _mul_cache[key] = result
            return result
    result = (sign, (ip, *body))
    _mul_cache[key] = result
    return result


_PHASE_IDS: set[int] = set()  # atom ids of exp(I*x), x real: conjugation inverts them
_conj_cache: dict[CMono, tuple[int, CMono]] = {}


def cmono_conjugate(a: CMono) -> tuple[int, CMono]:
    """Complex conjugate of a monomial: (sign, monomial); i -> -i, exp(I*x) -> exp(-I*x)."""
    hit = _conj_cache.get(a)
    if hit is None:
        sign = -1 if a[0] else 1
        body = tuple((k, -e if k in _PHASE_IDS else e) for k, e in a[1:])
        hit = _conj_cache[a] = (sign, (a[0], *body))
    return hit


def scalar_mul(x: Scalar, y: Scalar) -> Scalar:
    out: Scalar = {}
    for ma, ra in x.items():
        for mb, rb in y.items():
            s, m = cmono_mul(ma, mb)
            v = out.get(m, 0) + s * ra * rb
            if v == 0:
                out.pop(m, None)
            else:
                out[m] = v
    return out


def scalar_add(x: Scalar, y: Scalar) -> Scalar:
    out = dict(x)
    for m, r in y.items():
        v = out.get(m, 0) + r
        if v == 0:
            out.pop(m, None)
        else:
            out[m] = v
    return out


def _scalar_pow(x: Scalar, n: int) -> Scalar:
    out: Scalar = {ONE: 1}
    for _ in range(n):
        out = scalar_mul(out, x)
    return out


def _monomial_inverse(x: Scalar) -> Scalar | None:
    """Inverse of a single-term scalar, None if x has several terms."""
    if len(x) != 1:
        return None
    ((m, r),) = x.items()
    ip = m[0]
    sign = -1 if ip else 1  # 1/i = -i
    factor, body = _normal_body((k, -e) for k, e in m[1:])
    return {(ip, *body): _normal_rational(sign * factor / Fraction(r))}


def _check_real_symbols(expr: sympy.Expr) -> None:
    """Refuse symbols declared complex, imaginary or otherwise not real (parameters are real)."""
    for sym in expr.free_symbols:
        if sym.is_real is False or (sym.is_real is None and (sym.is_complex or sym.is_imaginary)):
            raise CoefficientError(
                f"symbol {sym} is declared complex (or not real), but symthermo's parameters are "
                f"real: declare it with sympy.Symbol({str(sym)!r}, real=True), or write a complex "
                "parameter as a + I*b (or r*exp(I*phi)) with real symbols"
            )


def _split_complex(expr: sympy.Expr) -> Scalar:
    """re + i im of an expression with I inside, its symbols taken real; else refuse."""
    real = {sym: sympy.Dummy(str(sym), real=True) for sym in expr.free_symbols}
    back = {v: k for k, v in real.items()}
    re_part, im_part = sympy.expand_complex(expr.xreplace(real)).as_real_imag()
    re_part, im_part = re_part.xreplace(back), im_part.xreplace(back)
    if re_part.has(sympy.I) or im_part.has(sympy.I) or (
        re_part.is_number and re_part.is_real is False
    ):
        raise CoefficientError(
            f"coefficient {expr} has an imaginary part that cannot be separated: write it as "
            "a + I*b with real a and b"
        )
    return scalar_add(to_scalar(re_part), scalar_mul({(1,): 1}, to_scalar(im_part)))


def _atom_scalar(expr: sympy.Expr, exponent: Rational = 1) -> Scalar:
    """An opaque *real* atom to a power; complex expressions are split first (module doc)."""
    _check_real_symbols(expr)
    if expr.has(sympy.I) or (expr.is_number and expr.is_real is False):
        split = _split_complex(expr)
        if exponent == 1:
            return split
        if isinstance(exponent, int) and exponent > 0:
            return _scalar_pow(split, exponent)
        inv = _monomial_inverse(split) if isinstance(exponent, int) else None
        if inv is None:
            raise CoefficientError(
                f"coefficient ({expr})**{exponent} is complex with a non-integer or negative "
                "power: write it as a + I*b with real a and b"
            )
        return _scalar_pow(inv, -exponent)
    return {(0, (atom_id(expr), exponent)): 1}


def _phase_scalar(argument: sympy.Expr) -> Scalar | None:
    """exp(I*argument), argument real: the phase atom exp(I*x) to a rational power, or None."""
    c, rest = argument.as_coeff_Mul()
    if c.is_Float:
        c = sympy.Rational(str(c))
    if not c.is_Rational or rest.has(sympy.I) or rest.is_number:
        return None
    _check_real_symbols(rest)
    i = atom_id(sympy.exp(sympy.I * rest))
    _PHASE_IDS.add(i)
    _conj_cache.clear()
    return {(0, (i, _normal_rational(Fraction(int(c.p), int(c.q))))): 1}


def _radical_scalar(base: Fraction, exponent: Fraction) -> Scalar:
    """base**exponent for a positive rational base, over prime atoms (canonical)."""
    pairs: dict[int, Rational] = {}
    for n, sign in ((base.numerator, 1), (base.denominator, -1)):
        for p, k in sympy.factorint(n).items():
            i = _prime_atom_id(int(p))
            pairs[i] = pairs.get(i, 0) + sign * k * exponent
    factor, body = _normal_body(pairs.items())
    return {(0, *body): factor} if factor else {}


def _exp_scalar(expr: sympy.Expr) -> Scalar:
    """exp(c1*x1 + c2*x2 + ...) = exp(x1)**c1 * exp(x2)**c2 ... with rational c (canonical)."""
    out: Scalar = {ONE: 1}
    for term in sympy.Add.make_args(sympy.expand(expr.args[0])):
        if term.has(sympy.I):  # exp(I*x) with x real: a phase atom, conjugated exactly
            phase = _phase_scalar(sympy.expand(-sympy.I * term))
            if phase is None:
                phase = _atom_scalar(sympy.exp(term))  # e.g. exp(I*pi/7): split or refused
            out = scalar_mul(out, phase)
            continue
        c, rest = term.as_coeff_Mul()
        if c.is_Float:
            c = sympy.Rational(str(c))
        base = sympy.exp(rest) if rest is not sympy.S.One else sympy.E
        if c.is_Rational and (base is sympy.E or isinstance(base, sympy.exp)):
            part = _atom_scalar(base, _normal_rational(Fraction(int(c.p), int(c.q))))
        else:
            whole = sympy.exp(term)
            part = _atom_scalar(whole) if isinstance(whole, sympy.exp) else to_scalar(whole)
        out = scalar_mul(out, part)
    return out


@lru_cache(maxsize=65536)
def scalar_from_sympy(expr: sympy.Expr) -> Scalar:
    """Convert a sympy scalar to the internal expanded form (exact; floats become rationals)."""
    if expr.is_Integer:
        v = int(expr)
        return {ONE: v} if v else {}
    if expr.is_Rational:
        return {ONE: Fraction(int(expr.p), int(expr.q))}
    if expr is sympy.I:
        return {(1,): 1}
    if expr.is_Float:
        return scalar_from_sympy(sympy.Rational(str(expr)))
    if expr.is_Add:
        out: Scalar = {}
        for arg in expr.args:
            out = scalar_add(out, scalar_from_sympy(arg))
        return out
    if expr.is_Mul:
        out = {ONE: 1}
        for arg in expr.args:
            out = scalar_mul(out, scalar_from_sympy(arg))
        return out
    if expr.is_Pow:
        base, exp = expr.args
        if exp.is_Integer and not base.is_number:
            n = int(exp)
            inner = scalar_from_sympy(base)
            if n > 0:
                return _scalar_pow(inner, n)
            inv = _monomial_inverse(inner)
            if inv is not None:
                return _scalar_pow(inv, -n)
            return _atom_scalar(sympy.Pow(base, -1), -n)
        if exp.is_Rational and base.is_Symbol:
            return _atom_scalar(base, _normal_rational(Fraction(int(exp.p), int(exp.q))))
        if exp.is_Rational and base.is_Rational and base.is_positive:
            return _radical_scalar(
                Fraction(int(base.p), int(base.q)), Fraction(int(exp.p), int(exp.q))
            )
    if isinstance(expr, sympy.exp):
        return _exp_scalar(expr)
    if expr.is_commutative is False:
        raise CoefficientError(
            f"coefficient {expr} is not commutative; coefficients must be scalars "
            "(use operators such as sigma_x(site) for the operator part)"
        )
    if isinstance(expr, sympy.MatrixBase) or not isinstance(expr, sympy.Expr):
        raise CoefficientError(f"coefficient {expr!r} is not a sympy scalar expression")
    return _atom_scalar(expr)


def to_scalar(value: object) -> Scalar:
    """Accept a Python number, Fraction or sympy scalar; refuse everything else clearly."""
    if isinstance(value, bool):
        raise CoefficientError("a boolean is not a coefficient; use a number or sympy expression")
    if isinstance(value, int):
        return {ONE: value} if value else {}
    if isinstance(value, Fraction):
        return {ONE: _normal_rational(value)} if value else {}
    if isinstance(value, float):  # numpy.float64 too (its repr is 'np.float64(...)')
        if value != value or value in (float("inf"), float("-inf")):
            raise CoefficientError(f"coefficient {value} is not finite")
        return scalar_from_sympy(sympy.Rational(float.__repr__(value)))
    if isinstance(value, complex):
        return scalar_add(to_scalar(value.real), scalar_mul({(1,): 1}, to_scalar(value.imag)))
    if isinstance(value, sympy.Basic):
        if not isinstance(value, sympy.Expr) or isinstance(value, sympy.MatrixBase):
            raise CoefficientError(
                f"coefficient {value!r} is not a sympy scalar expression "
                "(matrices, relations and sets are not coefficients)"
            )
        if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise CoefficientError(f"coefficient {value} is not finite")
        return scalar_from_sympy(value)
    if isinstance(value, Number):
        return to_scalar(complex(value)) if not isinstance(value, int) else to_scalar(int(value))
    raise CoefficientError(
        f"coefficient of type {type(value).__name__} ({value!r}) is not a scalar: use a number "
        "or a sympy expression such as sympy.Symbol('J')"
    )


_sympy_cache: dict[CMono, sympy.Expr] = {}


def cmono_to_sympy(m: CMono) -> sympy.Expr:
    hit = _sympy_cache.get(m)
    if hit is None:
        factors = [sympy.I] if m[0] else []
        for k, e in m[1:]:
            if isinstance(e, Fraction):
                e = sympy.Rational(e.numerator, e.denominator)
            base = _ATOMS[k]
            if isinstance(base, sympy.exp):
                factors.append(sympy.exp(e * base.args[0]))
            else:
                factors.append(sympy.Pow(base, e))
        hit = sympy.Mul(*factors)
        _sympy_cache[m] = hit
    return hit


def rational_to_sympy(r: Rational) -> sympy.Rational:
    if isinstance(r, Fraction):
        return sympy.Rational(r.numerator, r.denominator)
    return sympy.Integer(r)


# --- fast conversion to sympy ----------------------------------------------------------------
#
# Building a sympy Mul or Add runs its ``flatten`` (collect powers, sort the arguments), which
# dominated derivations (90% of the four currents of 10 qubits).  Our monomials are already
# collected, so for the common case -- distinct, non-numeric bases, no i -- the arguments only
# need sympy's own canonical sort (Basic.compare, here through cached ranks) and ``_from_args``:
# the result is the same expression, with the same args, as ``Mul(...)``/``Add(...)`` builds.
# Anything sympy might combine or rewrite (numeric bases such as sqrt(2) or E, i, two factors
# on one base, Add factors) takes the ordinary constructor.  tests/test_algebra.py compares
# both paths argument by argument.

_UNSET = object()
_factor_cache: dict[CMono, tuple | None] = {}


class _CanonicalOrder:
    """A total order given by a comparison function, as cached float ranks.

    ``order(x)`` is a number with ``order(x) < order(y)`` iff ``compare(x, y) < 0``; each new
    object is placed once by bisection (log n comparisons), after which sorting by rank costs
    no comparison at all.  Sympy sorts the arguments of Mul and Add with ``Basic.compare``,
    which was a third of the time of a large derivation.
    """

    def __init__(
        self, compare: Callable[[object, object], int], on_renumber: Callable[[], None]
    ) -> None:
        self.compare = compare
        self.on_renumber = on_renumber  # ranks changed: forget keys derived from them
        self.rank: dict[object, float] = {}
        self.items: list[object] = []
        self.ranks: list[float] = []

    def __call__(self, x: object) -> float:
        r = self.rank.get(x)
        return self._insert(x) if r is None else r

    def _insert(self, x: object) -> float:
        items, ranks = self.items, self.ranks
        lo, hi = 0, len(items)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.compare(items[mid], x) < 0:
                lo = mid + 1
            else:
                hi = mid
        left = ranks[lo - 1] if lo else 0.0
        right = ranks[lo] if lo < len(items) else left + 2.0
        r = (left + right) / 2
        items.insert(lo, x)
        ranks.insert(lo, r)
        if not left < r < right:  # the gap is exhausted: renumber everything
            self.ranks = ranks = [float(i + 1) for i in range(len(items))]
            self.rank = dict(zip(items, ranks, strict=True))
            self.on_renumber()
            return self.rank[x]
        self.rank[x] = r
        return r


_BY_ARGS: dict[type, bool] = {}
_KEYS: dict[sympy.Basic, tuple] = {}  # factors (symbols, powers, functions): few, memoised


def _atom_compare(a: sympy.Basic, b: sympy.Basic) -> int:
    """Basic.compare, short-cut for two symbols of one class with different names.

    A Symbol's hashable content starts with its name (then assumptions; an Expectation adds
    its monomial), so two such symbols compare as their names do.
    """
    ta = type(a)
    if ta is type(b) and ta in _NAME_FIRST and a.name != b.name:  # type: ignore[attr-defined]
        return (a.name > b.name) - (a.name < b.name)  # type: ignore[attr-defined]
    return a.compare(b)


_NAME_FIRST: set[type] = {sympy.Symbol}


def register_name_first(cls: type) -> type:
    """Declare a Symbol subclass whose hashable content starts with its name (see above)."""
    _NAME_FIRST.add(cls)
    return cls

_ATOM_ORDER = _CanonicalOrder(_atom_compare, _KEYS.clear)
_CLASS_ORDER = _CanonicalOrder(_cmp_name, _KEYS.clear)  # type: ignore[arg-type]


def compare_key(x: sympy.Basic) -> tuple:
    """A sort key in the order of ``Basic.compare`` (sympy's canonical argument order).

    Basic.compare orders by class, then by the length of ``_hashable_content()``, then item by
    item.  For classes whose hashable content is their args (Mul, Add, Pow, functions) the
    key is built the same way, recursively; other objects (symbols, numbers) get their rank
    among all such objects seen so far, per class.
    """
    t = type(x)
    if t is sympy.Mul or t is sympy.Add:  # results: not memoised
        args = x.args
        return (_CLASS_ORDER(t), len(args), tuple(map(compare_key, args)))
    key = _KEYS.get(x)
    if key is None:
        by_args = _BY_ARGS.get(t)
        if by_args is None:
            by_args = _BY_ARGS[t] = t._hashable_content is sympy.Expr._hashable_content
        if by_args:
            args = x.args
            key = (_CLASS_ORDER(t), len(args), tuple(map(compare_key, args)))
        else:
            key = (_CLASS_ORDER(t), 0, (_ATOM_ORDER(x),))
        _KEYS[x] = key
    return key


def sort_factors(args: list[sympy.Expr]) -> None:
    """Sort in place into the order of a sympy Mul's arguments (``_mulsort``)."""
    args.sort(key=compare_key)


def sort_terms(terms: list[sympy.Expr]) -> None:
    """Sort in place into the order of a sympy Add's arguments (``_addsort``)."""
    terms.sort(key=compare_key)


def cmono_factors(m: CMono) -> tuple | None:
    """The factors of a coefficient monomial in Mul's canonical order, or None (slow path)."""
    hit = _factor_cache.get(m, _UNSET)
    if hit is not _UNSET:
        return hit  # type: ignore[return-value]
    result: tuple | None = None
    if not m[0]:
        factors = []
        bases = set()
        ok = True
        for k, e in m[1:]:
            base = _ATOMS[k]
            if isinstance(base, sympy.exp) or base.is_number:
                ok = False
                break
            if isinstance(e, Fraction):
                e = sympy.Rational(e.numerator, e.denominator)
            f = base if e == 1 else sympy.Pow(base, e)
            if f.is_Add or f.is_Mul or f.is_Number:
                ok = False
                break
            b = f.as_base_exp()[0]
            if b in bases or b.is_number:
                ok = False
                break
            bases.add(b)
            factors.append(f)
        if ok:
            sort_factors(factors)
            result = tuple(factors)
    _factor_cache[m] = result
    return result


def fast_mul(coefficient: Rational, factors: Sequence[sympy.Expr]) -> sympy.Expr:
    """``coefficient * Mul(*factors)`` for factors already in canonical order (see above)."""
    if coefficient == 1:
        return sympy.Mul._from_args(tuple(factors)) if factors else sympy.S.One
    c = rational_to_sympy(coefficient)
    if not factors:
        return c
    return sympy.Mul._from_args((c, *factors))


def fast_add(terms: list[sympy.Expr], number: Rational = 0) -> sympy.Expr:
    """``Add(number, *terms)`` for terms with pairwise different non-numeric parts."""
    sort_terms(terms)
    if number:
        terms.insert(0, rational_to_sympy(number))
    if not terms:
        return sympy.S.Zero
    return sympy.Add._from_args(tuple(terms))


def scalar_to_sympy(x: Scalar) -> sympy.Expr:
    """Back to a sympy expression (expanded sum of monomials)."""
    terms = []
    number: Rational = 0
    slow = []
    for m, r in x.items():
        if len(m) == 1 and not m[0]:
            number += r
            continue
        factors = cmono_factors(m)
        if factors is None:
            slow.append(rational_to_sympy(r) * cmono_to_sympy(m))
        else:
            terms.append(fast_mul(r, factors))
    if slow:
        return sympy.Add(*terms, *slow, rational_to_sympy(number))
    return fast_add(terms, number)


def scalar_to_sympy_slow(x: Scalar) -> sympy.Expr:
    """Reference conversion through sympy's constructors (for tests)."""
    return sympy.Add(*[rational_to_sympy(r) * cmono_to_sympy(m) for m, r in x.items()])


def scalar_conjugate(x: Scalar) -> Scalar:
    out: Scalar = {}
    for m, r in x.items():
        sign, mc = cmono_conjugate(m)
        out[mc] = sign * r
    return out
