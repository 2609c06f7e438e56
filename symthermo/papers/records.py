"""The records of a paper's derivation: printed equations (:class:`Check`), statements
(:class:`Statement`) and the whole (:class:`Derivation`).

A :class:`Check` holds one printed equation *as transcribed* (never edited to agree), the
engine's derived expression (or, with ``of``, the physical quantity whose derived expression
and matrix route the engine builds, see :mod:`symthermo.papers.routes`), and optionally a
stated convention mapping (e.g. the paper writes <sigma^z_R> where we write -xi_R).  Its
status is filled by :func:`symthermo.papers.compare` only (never by hand):

* ``holds``: printed - derived simplifies to 0;
* ``holds under convention``: mapping(printed) - derived simplifies to 0;
* ``differs``: printed - derived is shown to be non-zero (a non-zero value at a rational point);
* ``undecided``: the comparison could not decide (no derived side, or neither a proof of zero
  nor a non-zero value was found).  An undecided check never counts as passing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

STATUS_HOLDS = "holds"
STATUS_CONVENTION = "holds under convention"
STATUS_DIFFERS = "differs"
STATUS_UNDECIDED = "undecided"

#: Statuses that mean "decided" (an undecided or not yet compared check is neither).
DECIDED = (STATUS_HOLDS, STATUS_CONVENTION, STATUS_DIFFERS)

MatrixRoute = Callable[[np.random.Generator], tuple[Mapping, float]]


@dataclass(frozen=True)
class Evidence:
    """Numbers at one random point: matrix route, derived and printed forms."""

    point: str  # short description of the point (parameters, seed)
    matrix_value: float
    derived_value: float
    printed_value: float


@dataclass
class Check:
    """A printed equation compared with the derivation.

    label, quantity:  e.g. ``"Eq. (21)"``, ``"local heat current of reservoir R_k"``;
    printed:          the equation as printed, transcribed as sympy;
    derived:          the engine's expression; may be left out when ``of`` is given;
    of:               an engine quantity (:class:`~symthermo.papers.routes.HeatCurrent`,
                      ``WorkCurrent``, ``Dissipator``, ``Heisenberg``, ...) that supplies the
                      derived expression and the matrix route;
    mapping:          the paper's convention mapped onto ours (printed -> our notation);
    difference_kind:  ``paper error`` | ``convention`` | ``conversion slip`` (when it differs);
    matrix_route:     ``matrix_route(rng) -> (subs, value)``: a substitution for every
                      parameter and Expectation symbol at a random point, and the value of the
                      same physical quantity computed with plain matrices there.

    ``status``, ``difference`` and ``evidence`` are filled by :func:`compare`.
    """

    label: str
    quantity: str
    printed: sympy.Expr
    derived: sympy.Expr | None = None
    mapping: Callable[[sympy.Expr], sympy.Expr] | None = None
    mapping_note: str = ""
    difference_kind: str = ""
    note: str = ""
    matrix_route: MatrixRoute | None = None
    of: Any = None
    # filled by compare():
    status: str = field(default="", init=False)
    difference: sympy.Expr | None = field(default=None, init=False)
    evidence: Evidence | None = field(default=None, init=False)


def substitution(values: Mapping) -> Callable[[sympy.Expr], sympy.Expr]:
    """A convention mapping that substitutes the paper's symbols, e.g.
    ``substitution({zR: -xi})`` for a paper that writes <sigma^z_R> where we write -xi."""
    frozen = dict(values)

    def mapping(expr: sympy.Expr) -> sympy.Expr:
        return expr.subs(frozen)

    return mapping


@dataclass
class Statement:
    """A statement of the paper (e.g. 'a dark state exists when couplings are equal')."""

    label: str
    claim: str
    holds: bool
    evidence: str

    @classmethod
    def from_rows(cls, label: str, claim: str, rows: Iterable[tuple[bool, str]],
                  holds: bool = True) -> Statement:
        """A statement decided at several points: it holds when every row's test holds (and
        ``holds``); the evidence is the rows' texts joined by '; '."""
        rows = list(rows)
        return cls(label, claim, bool(holds and all(ok for ok, _ in rows)),
                   "; ".join(text for _, text in rows))


@dataclass
class Derivation:
    """Everything a paper's derivation produces.

    ``models``: variant name -> CollisionModel; ``parameters``: variant -> {Symbol: value};
    ``quantities``: :class:`symthermo.emit.Quantity` objects (LaTeX and kernels);
    ``kernel_sites``: the sites (tensor order) of the kernels' ``expectations_from_rho``;
    ``reference``: the paper (a :class:`symthermo.emit.bibliography.Reference`), cited in the
    report and the LaTeX and written to ``references.bib``.
    """

    name: str
    title: str
    sources: tuple[str, ...]
    models: dict[str, Any]
    parameters: dict[str, dict]
    quantities: list[Any] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kernel_sites: tuple = ()
    reference: Any = None
