r"""Indexed site families with a symbolic size, indexed operators and sums over indices.

A :class:`Family` is N identical qubits (or bosons) with a symbolic size ``N`` (a positive
integer sympy Symbol); ``family[n]`` is the member with index ``n``, a :class:`sympy.Idx`
ranging over 1..N, and ``family[n].minus``, ``.z``, ... are :class:`IndexedOperator` values.
Indexed parameters are :class:`sympy.IndexedBase` objects (``g[n]``, ``Omega[n, n']``); they
are real, like every parameter of the algebra.

**The route (coincidence patterns).**  An :class:`IndexedOperator` is a sum of *terms*; each
term is a :class:`Pattern` and a concrete :class:`~symthermo.algebra.Operator` on
*placeholder sites*, one per (family, index) pair (site ``h_n`` stands for member n of family
``h``, ``h_np`` for member n').  A pattern says

* ``present``: the indices the term depends on; **invariant: the present indices of one range
  are pairwise distinct**, so placeholder sites of different indices are different sites and
  the concrete engine (which lets different sites commute) is exact on them;
* ``bound``: the present indices that are summed over (over all values that keep them
  distinct from the other present indices of their range and obey ``order``);
* ``order``: pairs (a, b) meaning a < b (cascaded sums);
* ``deltas``: pairs (m, r): a free index m that the term fixes to the present index r
  (a Kronecker delta delta_{m r}).

A product or commutator of two terms enumerates the *coincidence patterns* of their indices:
every partial matching of the first term's present indices with the second's (same range),
matched indices identified (a free index absorbs a bound one, two free ones give a delta).
Each pattern is then evaluated by the concrete engine on distinct placeholder sites and keeps
the pattern's constraints.  Terms whose indices touch no non-commuting pair vanish there.
:func:`isum` binds free indices (all values, pairwise distinct, or increasing) and resolves
deltas.  So no equality of free indices is ever assumed: it is either a delta or a
distinctness recorded in the pattern.

Scalars: :func:`indexed_expectation` turns a closed indexed operator into a sympy expression
of :class:`IndexedSum` nodes (a sum over pairwise-distinct bound indices with optional order
pairs and excluded free indices) of :class:`IndexedExpectation` nodes (an expectation value
whose sites are family members at symbolic indices).  :func:`unroll` expands them at concrete
sizes into the concrete engine's :class:`~symthermo.algebra.Expectation` symbols on sites
``h1, h2, ...``; :func:`ordered_form` gives a canonical form (bound indices totally ordered
and renamed by position) in which equal operators have equal terms, used for zero tests.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Literal

import sympy
from sympy import Idx
from sympy.core.symbol import Str

from ..errors import IndexedError
from .coefficients import _normal_body, atom, atom_id, to_scalar
from .expectation import Expectation
from .monomials import OMono, monomial_sort_key, monomial_str
from .operator import Operator, commutator, identity, monomial_operator
from .sites import Site, SiteKind, site_sort_key

Constraint = Literal["all", "distinct", "ordered"]

# ------------------------------------------------------------------------------------------
# registries: sizes, families, placeholder sites

_SIZES: dict[sympy.Symbol, str] = {}  # size symbol -> label of its first index ("n")
_FAMILIES: dict[str, Family] = {}
_PLACEHOLDER: dict[tuple[str, Idx], str] = {}
_PLACEHOLDER_OF: dict[str, tuple[str, Idx]] = {}


def size_symbol(name: str) -> sympy.Symbol:
    """A family size: a positive integer symbol (``N = size_symbol("N")``)."""
    return sympy.Symbol(name, integer=True, positive=True)


@cache
def _index_key(i: Idx) -> tuple:
    return (str(i.upper), str(i.label))


def _check_size(size: object) -> sympy.Symbol:
    if not (isinstance(size, sympy.Symbol) and size.is_integer and size.is_positive):
        raise IndexedError(
            f"a family size must be a positive integer sympy Symbol such as "
            f"size_symbol('N'), got {size!r}; concrete sizes come from unroll()"
        )
    return size


@dataclass(frozen=True)
class Family:
    """N identical sites (``kind`` "qubit" or "boson") named ``name``, indexed 1..``size``.

    ``family[n]`` is the member at index n (a :class:`sympy.Idx` from :meth:`index`), member
    k of a concrete instance is the site ``f"{name}{k}"`` (``h1, h2, ...``).
    """

    name: str
    size: sympy.Symbol
    kind: SiteKind = "qubit"
    index_label: str = "n"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isalpha():
            raise IndexedError(
                f"family name {self.name!r} is not valid: use letters only (e.g. 'h', 'R'); "
                "members are named name + number ('h1', 'h2', ...)"
            )
        _check_size(self.size)
        if self.kind not in ("qubit", "boson"):
            raise IndexedError(f"family kind {self.kind!r} is unknown: use 'qubit' or 'boson'")
        known = _FAMILIES.get(self.name)
        if known is not None and known != self:
            raise IndexedError(
                f"family {self.name!r} is already declared as {known!r}; use another name"
            )
        _FAMILIES[self.name] = self
        _SIZES.setdefault(self.size, self.index_label)

    def index(self, k: int = 0) -> Idx:
        """The k-th standard index of the family's range: n, n', n'', ..."""
        return standard_index(self.size, k)

    def indices(self, count: int) -> tuple[Idx, ...]:
        return tuple(self.index(k) for k in range(count))

    def __getitem__(self, index: object) -> IndexedSite:
        if isinstance(index, (int, sympy.Integer)):
            raise IndexedError(
                f"family {self.name!r}: use a symbolic index (family.index()), not {index!r}; "
                "concrete members appear through unroll() and instantiate()"
            )
        check_index(index, self)
        return IndexedSite(self, index)  # type: ignore[arg-type]

    def member_name(self, value: int) -> str:
        return f"{self.name}{int(value)}"

    def member(self, value: int) -> Site:
        """The concrete site of member ``value`` (1-based)."""
        return Site(self.member_name(value), self.kind)

    def members(self, size: int) -> tuple[Site, ...]:
        return tuple(self.member(k) for k in range(1, size + 1))


def qubit_family(name: str, size: sympy.Symbol, index_label: str = "n") -> Family:
    """N qubits ``name1 .. nameN`` with a symbolic N: ``h = qubit_family("h", N)``."""
    return Family(name, size, "qubit", index_label)


def boson_family(name: str, size: sympy.Symbol, index_label: str = "n") -> Family:
    """N bosonic modes with a symbolic N."""
    return Family(name, size, "boson", index_label)


def family(name: str) -> Family:
    """The declared family of that name (IndexedError if there is none)."""
    try:
        return _FAMILIES[name]
    except KeyError:
        raise IndexedError(
            f"no family named {name!r}; declare it with qubit_family({name!r}, N)"
        ) from None


def standard_index(size: sympy.Symbol, k: int = 0) -> Idx:
    """The k-th standard index of a range: label, label', label'', ..."""
    base = _SIZES.get(size, "n")
    return Idx(base + "'" * k, (1, size))


def index(label: str, size: sympy.Symbol) -> Idx:
    """An index ``label`` ranging over 1..size."""
    return Idx(label, (1, _check_size(size)))


def check_index(i: object, fam: Family | None = None) -> Idx:
    if not isinstance(i, Idx) or i.lower != 1 or i.upper is None:
        raise IndexedError(
            f"{i!r} is not a family index: use family.index() or index('n', N) "
            "(a sympy Idx ranging over 1..N)"
        )
    if fam is not None and i.upper != fam.size:
        raise IndexedError(
            f"index {i.label} ranges over 1..{i.upper}, but family {fam.name!r} has size "
            f"{fam.size}: use an index of that family (family.index())"
        )
    return i


def placeholder(fam: str, i: Idx) -> str:
    """The placeholder site name of member i of family ``fam`` (``h_n``, ``h_np``)."""
    key = (fam, i)
    name = _PLACEHOLDER.get(key)
    if name is None:
        label = str(i.label)
        safe = label.replace("'", "p")
        if not safe.replace("_", "").isalnum():
            raise IndexedError(f"index label {label!r} must be letters, digits, '_' or primes")
        name = f"{fam}_{safe}"
        if name in _PLACEHOLDER_OF:
            raise IndexedError(
                f"index {label!r} of family {fam!r} clashes with another index "
                f"({_PLACEHOLDER_OF[name][1].label!r}) on the placeholder site {name!r}"
            )
        _PLACEHOLDER[key] = name
        _PLACEHOLDER_OF[name] = key
    return name


def placeholder_of(site_name: str) -> tuple[str, Idx] | None:
    """(family, index) of a placeholder site name, or None for a concrete site."""
    return _PLACEHOLDER_OF.get(site_name)


def registered_sizes() -> frozenset[sympy.Symbol]:
    return frozenset(_SIZES)


# ------------------------------------------------------------------------------------------
# patterns and indexed operators


def _sorted(indices: Iterable[Idx]) -> list[Idx]:
    return sorted(indices, key=_index_key)


@dataclass(frozen=True)
class Pattern:
    """The index structure of one term (see the module docstring)."""

    present: frozenset = frozenset()
    bound: frozenset = frozenset()
    order: frozenset = frozenset()  # (a, b): a < b
    deltas: frozenset = frozenset()  # (m, r): free m fixed to present r

    @property
    def free_present(self) -> frozenset:
        return self.present - self.bound

    @property
    def free(self) -> frozenset:
        return self.free_present | {m for m, _ in self.deltas}

    def names(self) -> frozenset:
        return self.present | {m for m, _ in self.deltas}

    def rep(self, m: Idx) -> Idx | None:
        if m in self.present:
            return m
        for k, r in self.deltas:
            if k == m:
                return r
        return None

    def renamed(self, mapping: Mapping[Idx, Idx]) -> Pattern:
        f = lambda i: mapping.get(i, i)  # noqa: E731
        return Pattern(
            frozenset(f(i) for i in self.present),
            frozenset(f(i) for i in self.bound),
            frozenset((f(a), f(b)) for a, b in self.order),
            frozenset((f(a), f(b)) for a, b in self.deltas),
        )

    def sort_key(self) -> tuple:
        k = lambda s: [_index_key(i) for i in _sorted(s)]  # noqa: E731
        return (
            len(self.present), k(self.bound), k(self.present),
            sorted((_index_key(a), _index_key(b)) for a, b in self.order),
            sorted((_index_key(a), _index_key(b)) for a, b in self.deltas),
        )


def _fresh(i: Idx, used: set) -> Idx:
    """A new index of i's range whose label is not in ``used`` (labels n, n', n'', ...)."""
    labels = {str(u.label) for u in used if u.upper == i.upper}
    base = _SIZES.get(i.upper, "n")
    k = 0
    while True:
        cand = base + "'" * k
        if cand not in labels:
            return Idx(cand, (1, i.upper))
        k += 1


# --- renaming concrete operators on placeholder sites ---------------------------------------

_atom_rename_cache: dict[tuple, int] = {}
_atom_indices_cache: dict[int, frozenset] = {}


def _atom_indices(i: int) -> frozenset:
    hit = _atom_indices_cache.get(i)
    if hit is None:
        hit = frozenset(atom(i).atoms(Idx))
        _atom_indices_cache[i] = hit
    return hit


def _rename_atom(i: int, mapping: tuple) -> int:
    key = (i, mapping)
    hit = _atom_rename_cache.get(key)
    if hit is None:
        idx = _atom_indices(i)
        sub = {a: b for a, b in mapping if a in idx}
        hit = atom_id(atom(i).xreplace(sub)) if sub else i
        _atom_rename_cache[key] = hit
    return hit


def _rename_site(name: str, mapping: Mapping[Idx, Idx]) -> str:
    ph = _PLACEHOLDER_OF.get(name)
    if ph is None or ph[1] not in mapping:
        return name
    return placeholder(ph[0], mapping[ph[1]])


def rename_operator(op: Operator, mapping: Mapping[Idx, Idx]) -> Operator:
    """The operator with its placeholder sites and indexed coefficients renamed (injective map)."""
    mapping = {a: b for a, b in mapping.items() if a != b}
    if not mapping:
        return op
    mkey = tuple(sorted(mapping.items(), key=lambda p: _index_key(p[0])))
    out: dict = {}
    for (om, cm), r in op.raw_items():
        om2 = tuple(sorted(((_rename_site(s, mapping), loc) for s, loc in om),
                           key=lambda p: site_sort_key(p[0])))
        if len(cm) > 1:
            factor, body = _normal_body((_rename_atom(k, mkey), e) for k, e in cm[1:])
            cm2 = (cm[0], *body)
            r = r * factor
        else:
            cm2 = cm
        key = (om2, cm2)
        v = out.get(key, 0) + r
        if v == 0:
            out.pop(key, None)
        else:
            out[key] = v
    return Operator(out)


def operator_indices(op: Operator) -> frozenset:
    """The indices an operator on placeholder sites depends on (sites and coefficients)."""
    found: set = set()
    for (om, cm), _ in op.raw_items():
        for s, _ in om:
            ph = _PLACEHOLDER_OF.get(s)
            if ph is not None:
                found.add(ph[1])
        for k, _ in cm[1:]:
            found |= _atom_indices(k)
    return frozenset(found)


# --- combining two patterns -----------------------------------------------------------------


def _acyclic(order: frozenset) -> bool:
    nodes = {a for a, _ in order} | {b for _, b in order}
    succ: dict = {n: set() for n in nodes}
    for a, b in order:
        if a == b:
            return False
        succ[a].add(b)
    state: dict = {}

    def visit(n: Idx) -> bool:
        state[n] = 1
        for m in succ[n]:
            if state.get(m) == 1 or (state.get(m) is None and not visit(m)):
                return False
        state[n] = 2
        return True

    return all(state.get(n) == 2 or visit(n) for n in nodes)


def _combine(p1: Pattern, p2: Pattern) -> Iterator[tuple[Pattern, dict, dict]]:
    """The coincidence patterns of two terms: (pattern, rename map of term 1, of term 2)."""
    m1: dict = {i: i for i in p1.names()}
    m2: dict = {i: i for i in p2.names()}

    def step(m: dict, r: dict) -> dict:
        return {k: r.get(v, v) for k, v in m.items()}

    used = set(p1.names() | p2.names())
    # 0. bound indices apart from every name of the other term
    r2 = {}
    for b in _sorted(p2.bound):
        if b in p1.names():
            r2[b] = _fresh(b, used)
            used.add(r2[b])
    r1 = {}
    for b in _sorted(p1.bound):
        if b in p2.names():
            r1[b] = _fresh(b, used)
            used.add(r1[b])
    q1, q2 = p1.renamed(r1), p2.renamed(r2)
    m1, m2 = step(m1, r1), step(m2, r2)
    # 1. classes of free indices (the deltas of both terms)
    parent: dict = {}

    def find(x: Idx) -> Idx:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for q in (q1, q2):
        for f in q.free:
            parent.setdefault(f, f)
        for a, t in q.deltas:
            ra, rt = find(a), find(t)
            if ra != rt:
                parent[ra] = rt
    classes: dict = {}
    for f in parent:
        classes.setdefault(find(f), set()).add(f)
    r1, r2 = {}, {}
    deltas: set = set()
    for members in classes.values():
        pres1 = {f for f in members if f in q1.free_present}
        pres2 = {f for f in members if f in q2.free_present}
        if len(pres1) > 1 or len(pres2) > 1:
            return  # two distinct present indices of one term forced equal: no pattern
        if not pres1 | pres2:
            continue
        rep = _sorted(pres1 | pres2)[0]
        r1.update({f: rep for f in pres1 if f != rep})
        r2.update({f: rep for f in pres2 if f != rep})
        deltas |= {(f, rep) for f in members if f != rep}
    q1, q2 = q1.renamed(r1), q2.renamed(r2)
    m1, m2 = step(m1, r1), step(m2, r2)
    # 2. partial matchings of the indices present in only one of the terms
    shared = q1.present & q2.present
    a_side = _sorted(q1.present - shared)
    b_side = _sorted(q2.present - shared)
    for matching in _matchings(a_side, b_side):
        x1: dict = {}
        x2: dict = {}
        extra: set = set()
        for a, b in matching:
            a_free, b_free = a not in q1.bound, b not in q2.bound
            if a_free and b_free:
                if _index_key(a) <= _index_key(b):
                    x2[b] = a
                    extra.add((b, a))
                else:
                    x1[a] = b
                    extra.add((a, b))
            elif a_free or not b_free:
                x2[b] = a
            else:
                x1[a] = b
        s1, s2 = q1.renamed(x1), q2.renamed(x2)
        order = s1.order | s2.order
        if not _acyclic(order):
            continue
        present = s1.present | s2.present
        free = s1.free_present | s2.free_present
        dl = {(k, x1.get(t, x2.get(t, t))) for k, t in deltas} | extra
        dl = {(k, t) for k, t in dl if k != t}
        pattern = Pattern(frozenset(present), frozenset(present - free), frozenset(order),
                          frozenset(dl))
        f1 = {k: v for k, v in step(m1, x1).items() if k != v}
        f2 = {k: v for k, v in step(m2, x2).items() if k != v}
        yield pattern, f1, f2


def _matchings(a: list, b: list) -> Iterator[list]:
    """All partial matchings of a with b, pairing indices of the same range only."""
    if not a:
        yield []
        return
    head, rest = a[0], a[1:]
    for m in _matchings(rest, b):
        yield m
    for j, y in enumerate(b):
        if y.upper == head.upper:
            for m in _matchings(rest, b[:j] + b[j + 1:]):
                yield [(head, y), *m]


class IndexedOperator:
    """A sum of terms (pattern, concrete operator on placeholder sites); see module docstring.

    Arithmetic: ``+ - *`` with IndexedOperator, Operator or scalars (sympy expressions may
    contain indexed parameters), :func:`indexed_commutator`, :meth:`dagger`, :func:`isum`.
    """

    __slots__ = ("_terms",)
    _op_priority = 21.0
    is_indexed_operator = True

    def __init__(self, terms: Mapping[Pattern, Operator] | None = None) -> None:
        self._terms: dict[Pattern, Operator] = {
            p: o for p, o in (terms or {}).items() if not o.is_zero()
        }

    @property
    def terms(self) -> dict[Pattern, Operator]:
        return {p: self._terms[p] for p in sorted(self._terms, key=Pattern.sort_key)}

    @property
    def free_indices(self) -> frozenset:
        return frozenset(i for p in self._terms for i in p.free)

    def is_zero(self) -> bool:
        return not self._terms

    def __bool__(self) -> bool:
        return bool(self._terms)

    # arithmetic -----------------------------------------------------------------------------
    def __add__(self, other: object) -> IndexedOperator:
        other = as_indexed(other)
        out = dict(self._terms)
        for p, o in other._terms.items():
            out[p] = out[p] + o if p in out else o
        return IndexedOperator(out)

    __radd__ = __add__

    def __neg__(self) -> IndexedOperator:
        return IndexedOperator({p: -o for p, o in self._terms.items()})

    def __sub__(self, other: object) -> IndexedOperator:
        return self + (-as_indexed(other))

    def __rsub__(self, other: object) -> IndexedOperator:
        return as_indexed(other) + (-self)

    def __mul__(self, other: object) -> IndexedOperator:
        return _binary(self, as_indexed(other), _mul)

    def __rmul__(self, other: object) -> IndexedOperator:
        return _binary(as_indexed(other), self, _mul)

    def __truediv__(self, other: object) -> IndexedOperator:
        return self * (1 / sympy.sympify(other))

    def dagger(self) -> IndexedOperator:
        return IndexedOperator({p: o.dagger() for p, o in self._terms.items()})

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (IndexedOperator, Operator)):
            return (self - other).is_zero_exactly()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def is_zero_exactly(self) -> bool:
        """Zero in the ordered canonical form (sums equal up to renaming cancel)."""
        return ordered_form(self).is_zero()

    def __str__(self) -> str:
        if not self._terms:
            return "0"
        parts = []
        for p, o in self.terms.items():
            head = _pattern_str(p)
            parts.append(f"{head}({o})" if head else str(o))
        return " + ".join(parts)

    def __repr__(self) -> str:
        return f"IndexedOperator({self})"


def _pattern_str(p: Pattern) -> str:
    bits = []
    if p.bound:
        bound = ",".join(str(i.label) for i in _sorted(p.bound))
        cond = [f"{a.label}<{b.label}" for a, b in sorted(p.order, key=lambda x: (
            _index_key(x[0]), _index_key(x[1])))]
        bits.append(f"sum[{bound}{'; ' + ', '.join(cond) if cond else ''}]")
    elif p.order:
        bits.append("[" + ", ".join(f"{a.label}<{b.label}" for a, b in p.order) + "]")
    for m, r in sorted(p.deltas, key=lambda x: _index_key(x[0])):
        bits.append(f"delta({m.label},{r.label})")
    return " ".join(bits) + " " if bits else ""


def _mul(a: Operator, b: Operator) -> Operator:
    return a * b


def _binary(x: IndexedOperator, y: IndexedOperator, fn: Callable) -> IndexedOperator:
    out: dict[Pattern, Operator] = {}
    for p1, o1 in x._terms.items():
        for p2, o2 in y._terms.items():
            for pattern, r1, r2 in _combine(p1, p2):
                o = fn(rename_operator(o1, r1), rename_operator(o2, r2))
                if o.is_zero():
                    continue
                out[pattern] = out[pattern] + o if pattern in out else o
    return IndexedOperator(out)


def indexed_commutator(a: object, b: object) -> IndexedOperator:
    """[A, B] of indexed operators, by coincidence patterns (see module docstring)."""
    return _binary(as_indexed(a), as_indexed(b), commutator)


def as_indexed(x: object) -> IndexedOperator:
    """An IndexedOperator from an IndexedOperator, an Operator or a scalar."""
    if isinstance(x, IndexedOperator):
        return x
    if isinstance(x, Operator):
        if not any(len(cm) > 1 and _atom_indices_any(cm) for (_, cm), _ in x.raw_items()):
            return IndexedOperator({Pattern(): x}) if x else IndexedOperator()
        out = IndexedOperator()
        for mono, coeff in x.terms.items():
            out = out + _scalar(coeff) * IndexedOperator({Pattern(): monomial_operator(mono)})
        return out
    return _scalar(x)


def _atom_indices_any(cm: tuple) -> bool:
    return any(_atom_indices(k) for k, _ in cm[1:])


def _unit(i: Idx) -> IndexedOperator:
    return IndexedOperator({Pattern(present=frozenset({i})): identity()})


def _scalar(value: object) -> IndexedOperator:
    try:
        expr = sympy.sympify(value)
    except (sympy.SympifyError, TypeError):
        to_scalar(value)  # raises the algebra's CoefficientError
        raise
    idx = _sorted(expr.atoms(Idx))
    if not idx:
        op = Operator.scalar(expr)
        return IndexedOperator({Pattern(): op}) if op else IndexedOperator()
    for i in idx:
        check_index(i)
    units = _unit(idx[0])
    for i in idx[1:]:
        units = units * _unit(i)
    out: dict[Pattern, Operator] = {}
    for p in units._terms:
        sub = dict(p.deltas)
        out[p] = Operator.scalar(expr.xreplace(sub))
    return IndexedOperator(out)


@dataclass(frozen=True)
class IndexedSite:
    """Member ``index`` of a family; its operators are IndexedOperator values."""

    family: Family
    index: Idx

    @property
    def name(self) -> str:
        return placeholder(self.family.name, self.index)

    def _op(self, which: str) -> IndexedOperator:
        site = Site(self.name, self.family.kind)
        op = getattr(site, which)
        return IndexedOperator({Pattern(present=frozenset({self.index})): op})

    x = property(lambda self: self._op("x"))
    y = property(lambda self: self._op("y"))
    z = property(lambda self: self._op("z"))
    plus = property(lambda self: self._op("plus"))
    minus = property(lambda self: self._op("minus"))
    a = property(lambda self: self._op("a"))
    adag = property(lambda self: self._op("adag"))
    n = property(lambda self: self._op("n"))


def isum(op: object, indices: Idx | Sequence[Idx], constraint: Constraint = "all"
         ) -> IndexedOperator:
    """Sum over free indices: ``"all"`` values, pairwise ``"distinct"`` ones, or ``"ordered"``
    (indices[0] < indices[1] < ...; the cascaded order).

    ``isum(h[n].z, n)`` = sum_{n=1}^N sigma^z_{h,n};
    ``isum(Omega[n, m] * h[n].plus * h[m].minus, (n, m), "distinct")`` = sum_{n != m} ...
    """
    if isinstance(indices, Idx):
        indices = (indices,)
    indices = tuple(check_index(i) for i in indices)
    if len(set(indices)) != len(indices):
        raise IndexedError(f"an index appears twice in the sum over {indices}")
    if constraint not in ("all", "distinct", "ordered"):
        raise IndexedError(f"constraint {constraint!r} is unknown: use 'all', 'distinct' "
                           "or 'ordered'")
    x = as_indexed(op)
    for i in indices:  # indices the terms do not mention yet become present (with patterns)
        if any(p.rep(i) is None for p in x._terms):
            x = IndexedOperator({p: o for p, o in x._terms.items() if p.rep(i) is not None}) + (
                IndexedOperator({p: o for p, o in x._terms.items() if p.rep(i) is None})
                * _unit(i)
            )
    out: dict[Pattern, Operator] = {}
    for p, o in x._terms.items():
        reps = [p.rep(i) for i in indices]
        if constraint != "all" and len(set(reps)) != len(reps):
            continue
        order = set(p.order)
        if constraint == "ordered":
            order |= set(itertools.pairwise(reps))
            if not _acyclic(frozenset(order)):
                continue
        deltas = {(m, r) for m, r in p.deltas if m not in indices}
        present, bound = set(p.present), set(p.bound)
        rename: dict = {}
        for i in indices:
            r = p.rep(i)
            if r != i:  # i was a delta key, now summed: the delta is resolved
                continue
            pointing = _sorted(m for m, t in deltas if t == i)
            if pointing:  # a free index fixes i: i takes its name
                new = pointing[0]
                rename[i] = new
                deltas = {(m, new if t == i else t) for m, t in deltas if m != new}
                present = (present - {i}) | {new}
            else:
                bound.add(i)
        pattern = Pattern(frozenset(present), frozenset(bound),
                          frozenset(order), frozenset(deltas)).renamed(rename)
        o2 = rename_operator(o, rename)
        pattern, o2 = drop_unused(pattern, o2)
        out[pattern] = out[pattern] + o2 if pattern in out else o2
    return IndexedOperator(out)


def drop_unused(p: Pattern, op: Operator) -> tuple[Pattern, Operator]:
    """Bound indices the term does not depend on become counting factors (N - #others)."""
    used = operator_indices(op) | {a for a, _ in p.order} | {b for _, b in p.order}
    used |= {r for _, r in p.deltas}
    for b in _sorted(p.bound):
        if b in used:
            continue
        others = sum(1 for i in p.present if i != b and i.upper == b.upper)
        p = Pattern(p.present - {b}, p.bound - {b}, p.order, p.deltas)
        op = op * (b.upper - others)
    return p, op


def closed(op: IndexedOperator, what: str) -> IndexedOperator:
    """Raise unless op has no free indices."""
    free = op.free_indices
    if free:
        raise IndexedError(
            f"{what} has free indices {[str(i.label) for i in _sorted(free)]}: sum over them "
            "with isum(...)"
        )
    return op


# ------------------------------------------------------------------------------------------
# canonical (ordered) form: equality and zero tests


def _linear_extensions(items: list, order: set) -> Iterator[tuple]:
    if not items:
        yield ()
        return
    for x in items:
        if any(b == x and a in items for a, b in order):
            continue  # x has a predecessor still to place
        rest = [y for y in items if y != x]
        for tail in _linear_extensions(rest, order):
            yield (x, *tail)


def _standard_names(size: sympy.Expr, count: int) -> list[Idx]:
    return [standard_index(size, k) for k in range(count)]


def ordered_form(op: IndexedOperator) -> IndexedOperator:
    """Canonical form: every term's indices of one range totally ordered (a sum over the
    linear extensions of its partial order), bound indices renamed by their position.

    Two indexed operators are equal iff their ordered forms are equal term by term.
    """
    out: dict[Pattern, Operator] = {}
    for p, o in op._terms.items():
        by_range: dict = {}
        for i in p.present:
            by_range.setdefault(i.upper, []).append(i)
        ranges = sorted(by_range, key=str)
        options = [list(_linear_extensions(_sorted(by_range[r]), set(p.order))) for r in ranges]
        free = set(p.free)
        for combo in itertools.product(*options):
            rename: dict = {}
            order: set = set()
            for chain in combo:
                names = [i for i in _standard_names(chain[0].upper, len(chain) + len(free))
                         if i not in free]
                for pos, i in enumerate(chain):
                    if i in p.bound:
                        rename[i] = names[pos]
                order |= set(itertools.pairwise(chain))
            q = Pattern(p.present, p.bound, frozenset(order), p.deltas).renamed(rename)
            o2 = rename_operator(o, rename)
            out[q] = out[q] + o2 if q in out else o2
    return IndexedOperator(out)


# ------------------------------------------------------------------------------------------
# scalar nodes: indexed expectation values and sums


_TEMPLATES: dict[str, tuple] = {}


class IndexedExpectation(sympy.Expr):
    """<O> of a monomial on family members at symbolic indices (and concrete sites).

    ``args = (Str(key), i_1, ..., i_k)``; the template (``.template``) is a tuple of
    ``(("family", slot) or site name, local)`` entries; slot s refers to ``args[1 + s]``.
    With integer indices :func:`unroll` turns it into an :class:`Expectation`.
    """

    is_commutative = True

    def __new__(cls, key: sympy.Basic, *indices: sympy.Expr) -> IndexedExpectation:
        return sympy.Expr.__new__(cls, key, *indices)

    @property
    def template(self) -> tuple:
        return _TEMPLATES[str(self.args[0])]

    @property
    def indices(self) -> tuple:
        return self.args[1:]

    def _eval_is_real(self) -> bool:
        return all(isinstance(loc, int) or loc[0] == loc[1] for _, loc in self.template)

    @property
    def monomial(self) -> tuple:
        """The monomial on placeholder sites (``h_n``) or member sites (integer indices)."""
        pairs = []
        for (_, loc), (name, i) in zip(self.template, self.sites(), strict=True):
            if i is None:
                pairs.append((name, loc))
            elif isinstance(i, Idx):
                pairs.append((placeholder(name, i), loc))
            else:
                pairs.append((family(name).member_name(int(i)), loc))
        return tuple(sorted(pairs, key=lambda p: site_sort_key(p[0])))

    def _eval_conjugate(self) -> sympy.Expr | None:
        if self.is_real:
            return self
        return None

    def sites(self) -> list[tuple[str, object]]:
        """(family name, index) or (site name, None) per local factor, in template order."""
        out = []
        for where, _ in self.template:
            if isinstance(where, tuple):
                out.append((where[0], self.args[1 + where[1]]))
            else:
                out.append((where, None))
        return out

    def concrete(self) -> Expectation:
        """The Expectation symbol, once every index is an integer."""
        pairs = []
        for (_, loc), (name, i) in zip(self.template, self.sites(), strict=True):
            if i is None:
                pairs.append((name, loc))
                continue
            if not i.is_Integer:
                raise IndexedError(f"index {i} of {self} is not concrete: unroll it first")
            pairs.append((family(name).member_name(int(i)), loc))
        return Expectation(tuple(sorted(pairs, key=lambda p: site_sort_key(p[0]))))

    def _sympystr(self, printer: object) -> str:
        parts = []
        for (_, loc), (name, i) in zip(self.template, self.sites(), strict=True):
            site = name if i is None else f"{name},{i}"
            parts.append(monomial_str(((site, loc),)))
        return "<" + " ".join(parts) + ">"

    def _latex(self, printer: object) -> str:
        from ..emit.latex import SymthermoLatexPrinter

        if isinstance(printer, SymthermoLatexPrinter):
            return printer._print_IndexedExpectation(self)
        return SymthermoLatexPrinter()._print_IndexedExpectation(self)


def expectation_of_monomial(mono: OMono) -> sympy.Expr:
    """<mono> for a monomial on placeholder and concrete sites."""
    if not any(s in _PLACEHOLDER_OF for s, _ in mono):
        return Expectation(mono)
    slots: dict = {}
    template = []
    for s, loc in mono:
        ph = _PLACEHOLDER_OF.get(s)
        if ph is None:
            template.append((s, loc))
            continue
        fam, i = ph
        slot = slots.setdefault(i, len(slots))
        template.append(((fam, slot), loc))
    t = tuple(template)
    key = repr(t)
    _TEMPLATES[key] = t
    inv = sorted(slots, key=slots.get)
    return IndexedExpectation(Str(key), *inv)


_EMPTY = sympy.Tuple()


class IndexedSum(sympy.Expr):
    """sum over ``bound`` indices, pairwise distinct within a range, distinct from the free
    indices in ``exclude``, with ``order`` pairs (a, b) meaning a < b, of ``summand``."""

    is_commutative = True

    def __new__(cls, summand: sympy.Expr, bound: sympy.Tuple, order: sympy.Tuple = _EMPTY,
                exclude: sympy.Tuple = _EMPTY) -> sympy.Expr:
        summand = sympy.sympify(summand)
        if summand == 0:
            return sympy.S.Zero
        if not bound and not order:
            return summand  # (with order pairs only: an Iverson bracket [m < n] on free indices)
        return sympy.Expr.__new__(cls, summand, sympy.Tuple(*bound), sympy.Tuple(*order),
                                  sympy.Tuple(*exclude))

    summand = property(lambda self: self.args[0])
    bound = property(lambda self: tuple(self.args[1]))
    order = property(lambda self: tuple(tuple(p) for p in self.args[2]))
    exclude = property(lambda self: tuple(self.args[3]))

    @property
    def free_symbols(self) -> set:
        return (self.summand.free_symbols - set(self.bound)) | set().union(
            *[i.free_symbols for i in self.exclude]) | {i.upper for i in self.bound}

    def _eval_is_real(self) -> bool | None:
        return self.summand.is_real

    def _sympystr(self, printer: object) -> str:
        cond = ",".join(str(i.label) for i in self.bound)
        extra = [f"{a.label}<{b.label}" for a, b in self.order]
        extra += [f"!={e.label}" for e in self.exclude]
        return f"Sum[{cond}{'; ' + ', '.join(extra) if extra else ''}]({printer.doprint(self.summand)})"  # type: ignore[attr-defined]  # noqa: E501

    def _latex(self, printer: object) -> str:
        from ..emit.latex import SymthermoLatexPrinter

        if isinstance(printer, SymthermoLatexPrinter):
            return printer._print_IndexedSum(self)
        return SymthermoLatexPrinter()._print_IndexedSum(self)


def _canonical_term(p: Pattern, o: Operator) -> Iterator[tuple[Pattern, OMono, sympy.Expr]]:
    """Each (monomial, coefficient) of a term with bound indices renamed to standard names
    (n, n', ... not used by free indices), choosing the renaming with the smallest key
    (pattern, monomial, then the printed coefficient)."""
    bound = _sorted(p.bound)
    if not bound:
        for mono, coeff in o.terms.items():
            yield p, mono, coeff
        return
    by_range: dict = {}
    for b in bound:
        by_range.setdefault(b.upper, []).append(b)
    taken = set(p.free) | set(p.free_present)
    targets: dict = {}
    for r, bs in by_range.items():
        names: list = []
        k = 0
        while len(names) < len(bs):
            cand = standard_index(r, k)
            if cand not in taken:
                names.append(cand)
            k += 1
        targets[r] = names
    ranges = sorted(by_range, key=str)
    renamings = []
    for perms in itertools.product(*[itertools.permutations(targets[r]) for r in ranges]):
        rename = {}
        for r, perm in zip(ranges, perms, strict=True):
            rename.update(dict(zip(by_range[r], perm, strict=True)))
        q = p.renamed(rename)
        renamings.append((q.sort_key(), q, rename))
    for (om, cm), r in o.raw_items():
        single = Operator({(om, cm): r})
        candidates = []
        for pkey, q, rename in renamings:
            ((m2, c2),) = rename_operator(single, rename).terms.items()
            candidates.append(((pkey, monomial_sort_key(m2)), q, m2, c2))
        low = min(c[0] for c in candidates)
        ties = [c for c in candidates if c[0] == low]
        best = ties[0] if len(ties) == 1 else min(ties, key=lambda c: str(c[3]))
        yield best[1], best[2], best[3]


def indexed_expectation(op: object) -> sympy.Expr:
    """<op> as a sympy expression of IndexedSum / IndexedExpectation nodes (free indices stay
    free; deltas between free indices are not allowed here: sum them or keep them distinct)."""
    x = as_indexed(op)
    grouped: dict[Pattern, list] = {}
    for p, o in x._terms.items():
        if p.deltas:
            raise IndexedError(
                "the expectation value has terms in which free indices coincide "
                f"({_pattern_str(p).strip()}); sum over them or use distinct free indices "
                "(assume_distinct)"
            )
        p, o = drop_unused(p, o)
        for q, mono, coeff in _canonical_term(p, o):
            grouped.setdefault(q, []).append(coeff if not mono else coeff *
                                             expectation_of_monomial(mono))
    terms = []
    for q in sorted(grouped, key=Pattern.sort_key):
        summand = sympy.Add(*grouped[q])
        order = sorted(q.order, key=lambda ab: (_index_key(ab[0]), _index_key(ab[1])))
        ordered = {a for a, _ in q.order} | {b for _, b in q.order}
        exclude = [i for i in _sorted(q.free_present)
                   if any(b.upper == i.upper for b in q.bound) or i in ordered]
        terms.append(IndexedSum(summand, sympy.Tuple(*_sorted(q.bound)),
                                sympy.Tuple(*[sympy.Tuple(a, b) for a, b in order]),
                                sympy.Tuple(*exclude)))
    return sympy.Add(*terms)


def assume_distinct(op: IndexedOperator) -> IndexedOperator:
    """Keep only the terms in which all free indices are distinct (drop delta terms)."""
    return IndexedOperator({p: o for p, o in op._terms.items() if not p.deltas})


# ------------------------------------------------------------------------------------------
# unroll and collapse


def _assignments(bound: Sequence[Idx], order: Sequence[tuple], exclude: Mapping[Idx, int],
                 sizes: Mapping) -> Iterator[dict]:
    by_range: dict = {}
    for b in bound:
        by_range.setdefault(b.upper, []).append(b)
    per_range = []
    for r, bs in by_range.items():
        n = _concrete_size(r, sizes)
        taken = {v for i, v in exclude.items() if i.upper == r}
        values = [v for v in range(1, n + 1) if v not in taken]
        per_range.append([dict(zip(bs, perm, strict=True))
                          for perm in itertools.permutations(values, len(bs))])
    for combo in itertools.product(*per_range):
        a: dict = {}
        for part in combo:
            a.update(part)
        full = {**exclude, **a}
        if all(full[x] < full[y] for x, y in order):
            yield a


def _concrete_size(r: sympy.Expr, sizes: Mapping) -> int:
    value = sympy.sympify(r).xreplace(dict(sizes))
    if not value.is_Integer:
        raise IndexedError(f"unroll needs a value for the size {r}: pass {{{r}: 3}}")
    return int(value)


def unroll(expr: sympy.Expr, values: Mapping) -> sympy.Expr:
    """The expression at concrete sizes (and concrete values of free indices):
    ``unroll(Qdot, {N: 3})`` is in Expectation symbols of sites h1, h2, h3.

    Expressions linear in expectation values (every derived current and Heisenberg
    equation) go back to indexed operators and through :func:`unroll_operator` (exact and
    fast); anything else is expanded node by node.
    """
    values = {sympy.sympify(k): sympy.sympify(v) for k, v in values.items()}
    for r in {i.upper for i in sympy.sympify(expr).atoms(Idx)}:
        _concrete_size(r, {k: v for k, v in values.items() if not isinstance(k, Idx)})
    linear = _as_indexed_operator(sympy.sympify(expr))
    if linear is not None:
        from .expectation import expectation

        return expectation(unroll_operator(linear, values))
    free_idx = {k: int(v) for k, v in values.items() if isinstance(k, Idx)}
    plain = {k: v for k, v in values.items() if not isinstance(k, Idx)}

    def walk(e: sympy.Expr, env: dict) -> sympy.Expr:
        if isinstance(e, IndexedSum):
            exclude = {}
            for i in e.exclude:
                if i not in env:
                    raise IndexedError(f"unroll needs a value for the free index {i.label}")
                exclude[i] = env[i]
            summand = walk(e.summand, {k: v for k, v in env.items() if k not in e.bound})
            split = _split_summand(summand)
            terms: list = []
            for a in _assignments(e.bound, e.order, exclude, plain):
                terms.extend(_at_indices(split, a))
            return sympy.Add(*terms)
        if isinstance(e, IndexedExpectation):
            idx = [sympy.Integer(env[i]) if i in env else i for i in e.indices]
            if any(not i.is_Integer for i in idx):
                return IndexedExpectation(e.args[0], *idx)  # bound by an enclosing sum
            return IndexedExpectation(e.args[0], *idx).concrete()
        if isinstance(e, Idx):
            return sympy.Integer(env[e]) if e in env else e
        if isinstance(e, sympy.Indexed):
            return e.base[tuple(walk(i, env) for i in e.indices)]
        if not e.args:
            return e.xreplace(plain) if e in plain else e
        return e.func(*[walk(a, env) for a in e.args])

    out = walk(sympy.sympify(expr), free_idx)
    left = sorted({str(i.label) for i in out.atoms(Idx)})
    if left:
        raise IndexedError(f"unroll needs values for the free indices {left}")
    return out


def _as_indexed_operator(expr: sympy.Expr) -> IndexedOperator | None:
    """An expression linear in (indexed) expectation values as the indexed operator whose
    expectation it is; None if it is not linear."""
    terms: dict[Pattern, Operator] = {}
    for t in sympy.Add.make_args(expr):
        sums = [f for f in sympy.Mul.make_args(t) if isinstance(f, IndexedSum)]
        if len(sums) > 1:
            return None
        if sums:
            s0 = sums[0]
            factor = t / s0
            if factor.atoms(IndexedSum, IndexedExpectation) or (
                    factor.free_symbols & set(s0.bound)):
                return None
            summand = sympy.expand(factor * s0.summand) if factor != 1 else s0.summand
            bound, order, exclude = s0.bound, s0.order, s0.exclude
        else:
            bound, order, exclude, summand = (), (), (), t
        op = Operator()
        free: set = set(exclude)
        for u in sympy.Add.make_args(summand):
            ev = [f for f in sympy.Mul.make_args(u)
                  if isinstance(f, (IndexedExpectation, Expectation))]
            if len(ev) > 1:
                return None
            coeff = u / ev[0] if ev else u
            if coeff.atoms(IndexedExpectation, IndexedSum) or any(
                    isinstance(s, Expectation) for s in coeff.free_symbols):
                return None
            mono = ev[0].monomial if ev else ()
            if ev and isinstance(ev[0], IndexedExpectation):
                free |= {i for i in ev[0].indices if isinstance(i, Idx)}
            free |= coeff.atoms(Idx)
            op = op + Operator.from_monomial(mono, coeff)
        present = frozenset(free | set(bound))
        p = Pattern(present, frozenset(bound), frozenset(tuple(x) for x in order), frozenset())
        terms[p] = terms[p] + op if p in terms else op
    return IndexedOperator(terms)


def _split_summand(summand: sympy.Expr) -> list[tuple[sympy.Expr, sympy.Expr | None]]:
    """(coefficient, indexed expectation or None) per term of an expanded summand."""
    out = []
    for t in sympy.Add.make_args(sympy.expand(summand)):
        ev = [f for f in sympy.Mul.make_args(t) if isinstance(f, IndexedExpectation)]
        if len(ev) == 1:
            out.append((t / ev[0], ev[0]))
        else:
            out.append((t, None))
    return out


def _at_indices(split: list, values: Mapping[Idx, int]) -> list[sympy.Expr]:
    """The terms of a split summand at integer indices (concrete Expectation symbols)."""
    sub = {i: sympy.Integer(v) for i, v in values.items()}
    out = []
    for coeff, ev in split:
        c = coeff.xreplace(sub) if coeff.free_symbols else coeff
        if ev is None:
            out.append(c)
            continue
        idx = [sub.get(i, i) for i in ev.indices]
        x = IndexedExpectation(ev.args[0], *idx)
        out.append(c * (x.concrete() if all(i.is_Integer for i in idx) else x))
    return out


def collapse(expr: sympy.Expr) -> sympy.Expr:
    """Exchangeable members: every sum over distinct indices of a coefficient that does not
    depend on them becomes a count times one representative expectation value,
    ``sum_{n != n'} <s+_n s-_n'>  ->  N (N - 1) <s+_{h1} s-_{h2}>``.

    Valid for identical, uniformly coupled members in a permutation-symmetric state (the
    steady state of a uniform model); representatives use members 1, 2, ... chosen to give
    the smallest canonical monomial.
    """
    expr = sympy.sympify(expr)

    def rep(e: IndexedExpectation) -> Expectation:
        idx = list(e.indices)
        by_range: dict = {}
        for i in idx:
            by_range.setdefault(i.upper, []).append(i)
        ranges = sorted(by_range, key=str)
        best = None
        for perms in itertools.product(*[itertools.permutations(range(1, len(by_range[r]) + 1))
                                         for r in ranges]):
            a = {}
            for r, perm in zip(ranges, perms, strict=True):
                a.update(dict(zip(by_range[r], perm, strict=True)))
            c = IndexedExpectation(e.args[0], *[sympy.Integer(a[i]) for i in idx]).concrete()
            if best is None or monomial_sort_key(c.monomial) < monomial_sort_key(best.monomial):
                best = c
        assert best is not None
        return best

    def walk(e: sympy.Expr) -> sympy.Expr:
        if isinstance(e, IndexedSum):
            bound = set(e.bound)
            if e.exclude:
                raise IndexedError("collapse needs sums without free indices")
            summand = e.summand
            bad = sorted({str(s) for s in summand.atoms(sympy.Indexed)
                          if set(s.indices) & bound}, key=str)
            if bad:
                raise IndexedError(
                    f"collapse needs uniform couplings, but the coefficients depend on the "
                    f"summed indices through {bad}; substitute uniform values first "
                    "(e.g. expr.xreplace({g[n]: g}) for every index)"
                )
            count = sympy.Integer(1)
            by_range: dict = {}
            for b in e.bound:
                by_range.setdefault(b.upper, []).append(b)
            for r, bs in by_range.items():
                k = len(bs)
                chain = [(a, b) for a, b in e.order if a.upper == r]
                ext = len(list(_linear_extensions(list(bs), set(chain))))
                count *= sympy.ff(r, k) * ext / sympy.factorial(k)
            return sympy.expand(count) * walk(summand)
        if isinstance(e, IndexedExpectation):
            return rep(e)
        if not e.args:
            return e
        return e.func(*[walk(a) for a in e.args])

    return walk(expr)


def exchangeable(expr: sympy.Expr) -> sympy.Expr:
    """Concrete Expectation symbols of family members replaced by their exchangeable
    representatives (members renumbered 1, 2, ... to the smallest canonical monomial)."""
    subs = {}
    for s in sympy.sympify(expr).free_symbols:
        if isinstance(s, Expectation):
            subs[s] = _representative(s)
    return sympy.sympify(expr).xreplace(subs)


@cache
def _representative(e: Expectation) -> Expectation:
    groups: dict = {}
    members = []
    for s, loc in e.monomial:
        fam, val = _split_member(s)
        if fam is None:
            members.append((s, None, loc))
        else:
            members.append((fam, val, loc))
            groups.setdefault(_FAMILIES[fam].size, set()).add(val)
    if not groups:
        return e
    ranges = sorted(groups, key=str)
    vals = {r: sorted(groups[r]) for r in ranges}
    best = None
    for perms in itertools.product(*[itertools.permutations(range(1, len(vals[r]) + 1))
                                     for r in ranges]):
        a = {}
        for r, perm in zip(ranges, perms, strict=True):
            a.update({(r, v): p for v, p in zip(vals[r], perm, strict=True)})
        pairs = []
        for fam, val, loc in members:
            if val is None:
                pairs.append((fam, loc))
            else:
                f = _FAMILIES[fam]
                pairs.append((f.member_name(a[(f.size, val)]), loc))
        c = Expectation(tuple(sorted(pairs, key=lambda p: site_sort_key(p[0]))))
        if best is None or monomial_sort_key(c.monomial) < monomial_sort_key(best.monomial):
            best = c
    assert best is not None
    return best


def _split_member(name: str) -> tuple[str | None, int | None]:
    head = name.rstrip("0123456789")
    tail = name[len(head):]
    if tail and head in _FAMILIES:
        return head, int(tail)
    return None, None


def contains_symbolic_size(expr: sympy.Expr) -> bool:
    """True if expr has indexed sums, indexed expectations, free indices or family sizes."""
    expr = sympy.sympify(expr)
    if expr.atoms(IndexedSum, IndexedExpectation, Idx):
        return True
    return bool(expr.free_symbols & set(_SIZES))


__all__ = [
    "Family",
    "IndexedExpectation",
    "IndexedOperator",
    "IndexedSite",
    "IndexedSum",
    "Pattern",
    "as_indexed",
    "assume_distinct",
    "boson_family",
    "closed",
    "collapse",
    "contains_symbolic_size",
    "exchangeable",
    "family",
    "index",
    "indexed_commutator",
    "indexed_expectation",
    "isum",
    "ordered_form",
    "qubit_family",
    "rename_free",
    "size_symbol",
    "unroll",
    "unroll_operator",
]


# ------------------------------------------------------------------------------------------
# renaming free indices, unrolling operators


def rename_free(op: object, mapping: Mapping[Idx, Idx]) -> IndexedOperator:
    """The operator with free indices renamed (bound indices moved apart when they clash)."""
    x = as_indexed(op)
    targets = set(mapping.values())
    out: dict[Pattern, Operator] = {}
    for p, o in x._terms.items():
        used = set(p.names()) | targets | set(mapping)
        apart = {}
        for b in _sorted(p.bound):
            if b in targets:
                apart[b] = _fresh(b, used)
                used.add(apart[b])
        full = {**apart, **{k: v for k, v in mapping.items() if k in p.free}}
        q = p.renamed(full)
        o2 = rename_operator(o, full)
        out[q] = out[q] + o2 if q in out else o2
    return IndexedOperator(out)


def unroll_operator(op: object, values: Mapping) -> Operator:
    """A closed indexed operator at concrete sizes: a concrete Operator on sites h1, h2, ..."""
    x = as_indexed(op)
    values = {sympy.sympify(k): sympy.sympify(v) for k, v in values.items()}
    env0 = {k: int(v) for k, v in values.items() if isinstance(k, Idx)}
    plain = {k: v for k, v in values.items() if not isinstance(k, Idx)}
    parts = []
    for p, o in x._terms.items():
        missing = [str(i.label) for i in _sorted(p.free) if i not in env0]
        if missing:
            raise IndexedError(f"unroll_operator needs values for the free indices {missing}")
        if any(env0[m] != env0[r] for m, r in p.deltas):
            continue  # the term's Kronecker delta vanishes at these values
        free = list(p.free_present)
        exclude = {i: env0[i] for i in free}
        if len(set((i.upper, v) for i, v in exclude.items())) != len(exclude):
            continue  # free indices given equal values violate the pattern's distinctness
        for a in _assignments(_sorted(p.bound), sorted(p.order, key=str), exclude, plain):
            env = {**exclude, **a}
            if not all(env[i] < env[j] for i, j in p.order):
                continue
            parts.append(_concrete_operator(o, env, plain))
    from .operator import operator_sum

    return operator_sum(parts)


def _concrete_operator(o: Operator, env: Mapping[Idx, int], plain: Mapping) -> Operator:
    """A term's operator at concrete index values: placeholder sites -> member sites,
    indexed coefficients g[n] -> g[2] (on the raw data, atoms substituted once each)."""
    sub = {i: sympy.Integer(v) for i, v in env.items()}
    sub.update(plain)
    skey = tuple(sorted(((str(k), k, v) for k, v in sub.items()), key=lambda t: t[0]))
    sites: dict = {}
    out: dict = {}
    for (om, cm), r in o.raw_items():
        pairs = []
        for s, loc in om:
            name = sites.get(s)
            if name is None:
                ph = _PLACEHOLDER_OF.get(s)
                name = s if ph is None else _FAMILIES[ph[0]].member_name(env[ph[1]])
                sites[s] = name
            pairs.append((name, loc))
        m2 = tuple(sorted(pairs, key=lambda q: site_sort_key(q[0])))
        factor: Rational_ = 1
        cm2 = cm
        if len(cm) > 1:
            pairs2 = []
            for k, e in cm[1:]:
                k2 = _substitute_atom(k, skey)
                if isinstance(k2, Fraction):  # a size became a number: fold it in
                    factor = factor * k2 ** e
                else:
                    pairs2.append((k2, e))
            f2, body = _normal_body(pairs2)
            factor = factor * f2
            if isinstance(factor, Fraction) and factor.denominator == 1:
                factor = factor.numerator
            cm2 = (cm[0], *body)
        key = (m2, cm2)
        v = out.get(key, 0) + r * factor
        if v == 0:
            out.pop(key, None)
        else:
            out[key] = v
    return Operator(out)


Rational_ = int | Fraction
_substitute_cache: dict = {}


def _substitute_atom(i: int, skey: tuple) -> int | Fraction:
    """The atom with sizes and indices substituted: an atom id, or a Fraction when a size
    symbol became a number (anything else is refused)."""
    key = (i, skey)
    hit = _substitute_cache.get(key)
    if hit is None:
        a = atom(i)
        sub = {k: v for _, k, v in skey if k in a.free_symbols or k in a.atoms(Idx)}
        if not sub:
            hit = i
        else:
            new = a.xreplace(sub)
            if new.is_Rational:
                hit = Fraction(int(new.p), int(new.q))
                _substitute_cache[key] = hit
                return hit
            if not (new.is_Atom or isinstance(new, sympy.Indexed) or new.is_Function):
                raise IndexedError(f"coefficient atom {a} becomes {new} at concrete sizes; "
                                   "keep sizes out of the coefficients of operators")
            hit = atom_id(new)
        _substitute_cache[key] = hit
    return hit


def _unroll_scalar(expr: sympy.Expr, sub: Mapping) -> sympy.Expr:
    if not expr.free_symbols & set(sub):
        return expr
    return unroll(expr, {k: v for k, v in sub.items() if not isinstance(k, Idx)} | {
        k: v for k, v in sub.items() if isinstance(k, Idx)})
