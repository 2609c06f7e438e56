"""Records shared by the paper derivations, and the comparison of printed with derived forms.

A :class:`Check` holds one printed equation *as transcribed* (never edited to agree), the
engine's derived expression, and optionally a stated convention mapping (e.g. the paper
writes <sigma^z_R> where we write -xi_R).  :func:`compare` decides the status:

* ``holds``: printed - derived simplifies to 0;
* ``holds under convention``: mapping(printed) - derived simplifies to 0 (the mapping is
  printed in the report);
* ``differs``: neither; the report gives the derived form, the difference, and matrix-route
  evidence (the derived and the printed forms evaluated at a random state and parameters next
  to the value of the same physical quantity computed with plain matrices).

The kind of a difference is stated by the derivation (``difference_kind``): ``paper error``,
``convention`` or ``conversion slip`` (the .md conversion garbled the .txt's equation).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sympy
from sympy.functions.elementary.hyperbolic import HyperbolicFunction
from sympy.functions.elementary.trigonometric import TrigonometricFunction

from symthermo.algebra.expectation import Expectation

STATUS_HOLDS = "holds"
STATUS_CONVENTION = "holds under convention"
STATUS_DIFFERS = "differs"


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

    ``matrix_route(rng)`` (optional but expected for currents) returns ``(subs, value)``:
    a substitution for all parameters and Expectation symbols at a random point, and the value
    of the same physical quantity computed with matrices at that point.
    """

    label: str  # "Eq. (21)"
    quantity: str  # "local heat current of reservoir R_k"
    printed: sympy.Expr
    derived: sympy.Expr
    mapping: Callable[[sympy.Expr], sympy.Expr] | None = None
    mapping_note: str = ""
    difference_kind: str = ""  # "paper error" | "convention" | "conversion slip"
    note: str = ""
    matrix_route: Callable[[np.random.Generator], tuple[Mapping, float]] | None = None
    # filled by compare():
    status: str = ""
    difference: sympy.Expr | None = None
    evidence: Evidence | None = None


@dataclass
class Statement:
    """A statement of the paper (e.g. 'a dark state exists when couplings are equal')."""

    label: str
    claim: str
    holds: bool
    evidence: str


@dataclass
class Derivation:
    """Everything a paper's derivation produces (see derivations/<paper>.py)."""

    name: str
    title: str
    sources: tuple[str, ...]
    models: dict[str, Any]  # variant name -> CollisionModel
    parameters: dict[str, dict]  # variant name -> {Symbol: default float value}
    quantities: list[Any] = field(default_factory=list)  # symthermo.emit Quantity objects
    checks: list[Check] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kernel_sites: tuple = ()  # sites (tensor order) for the kernels' expectations_from_rho


def _numerically_nonzero(expr: sympy.Expr, points: int = 2) -> bool:
    """True when expr is clearly non-zero at a random rational point (fixed seed).

    Values respect the sign and integer assumptions of the symbols.  An identically zero
    expression evaluates to 0 (or ~1e-40 at 40 digits), so True proves non-zero; False is
    inconclusive.  This spares ``sympy.simplify``, which can take minutes on a non-zero
    expression with tanh(...) terms, the only question being whether it is zero.
    """
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    rng = random.Random(20240601)
    for _ in range(points):
        point = {}
        for s in syms:
            value = sympy.Integer(rng.randint(2, 9)) if s.is_integer else sympy.Rational(
                rng.randint(7, 97), rng.randint(11, 53))
            point[s] = -value if (s.is_negative or s.is_nonpositive) else value
        try:
            v = complex(sympy.N(expr.xreplace(point), 40))
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if math.isfinite(v.real) and math.isfinite(v.imag) and abs(v) > 1e-25:
            return True
    return False


def is_zero(expr: sympy.Expr) -> bool:
    """Exact zero test: expand, then (only if needed, and not clearly non-zero) simplify."""
    e = sympy.expand(expr)
    if e == 0:
        return True
    if _numerically_nonzero(e):
        return False
    if sympy.simplify(e) == 0:
        return True
    # simplify does not always see through hyperbolic forms inside Abs (e.g. |a + 1/(1 + 2 cosh x)|
    # against the same value written with exp(x)); the rewrite is an identity, so it cannot
    # turn a non-zero expression into zero
    if e.has(HyperbolicFunction, TrigonometricFunction):
        return sympy.simplify(e.rewrite(sympy.exp)) == 0
    return False


def _real(x: object) -> float:
    z = complex(sympy.N(x, 20))
    return z.real


def compare(check: Check, seed: int = 2024) -> Check:
    """Fill in status, difference and evidence of a check (deterministic: fixed seed)."""
    if is_zero(check.printed - check.derived):
        check.status = STATUS_HOLDS
        check.difference = sympy.Integer(0)
    elif check.mapping is not None and is_zero(check.mapping(check.printed) - check.derived):
        check.status = STATUS_CONVENTION
        check.difference = sympy.Integer(0)
    else:
        check.status = STATUS_DIFFERS
        printed = check.mapping(check.printed) if check.mapping else check.printed
        diff = sympy.expand(printed - check.derived)
        # factor only small differences: sympy.factor can run for minutes on large ones
        check.difference = sympy.factor(diff) if sympy.count_ops(diff) <= 300 else diff
    if check.matrix_route is not None:
        rng = np.random.default_rng(seed)
        subs, value = check.matrix_route(rng)
        printed = check.mapping(check.printed) if check.mapping else check.printed
        check.evidence = Evidence(
            point=f"random state and parameters (seed {seed})",
            matrix_value=float(value),
            derived_value=_real(check.derived.xreplace(dict(subs))),
            printed_value=_real(printed.xreplace(dict(subs))),
        )
    return check


def evidence_consistent(check: Check, rtol: float = 1e-8) -> bool:
    """The derived form agrees with the matrix route (a failure is our bug, not the paper's)."""
    ev = check.evidence
    if ev is None:
        return True
    scale = max(1.0, abs(ev.matrix_value))
    return abs(ev.derived_value - ev.matrix_value) <= rtol * scale


def expectation_values(expr_list: list[sympy.Expr], rho: np.ndarray, sites, cutoff=None) -> dict:
    """Numeric values of every Expectation symbol in the expressions at state rho."""
    from symthermo.numeric.matrices import expectation_value

    out = {}
    for expr in expr_list:
        for s in sympy.sympify(expr).free_symbols:
            if isinstance(s, Expectation) and s not in out:
                out[s] = expectation_value(s, rho, sites, cutoff).real
    return out


def _fmt(x: float) -> str:
    """10 significant digits; |x| < 1e-12 prints as 0 (rounding noise depends on the BLAS)."""
    return "0" if abs(x) < 1e-12 else f"{x:.10g}"


def _cell(text: str) -> str:
    """Text for a markdown table cell (a '|' would end the cell)."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_report(d: Derivation) -> str:
    """The equation-by-equation report (markdown), deterministic."""
    from .references import REFERENCES

    lines = [f"# {d.title}", ""]
    lines.append(f"Derivation `{d.name}`; sources: {', '.join(d.sources)}.")
    lines.append("")
    if d.name in REFERENCES:
        lines.append(f"Paper: {REFERENCES[d.name].text()}.")
        lines.append("")
    lines.append(
        "Status: *holds* (printed - derived simplifies to 0), *holds under convention* (after "
        "the stated mapping), *differs* (see below; the matrix route decides which side is "
        "right). Conventions: hbar = k_B = 1, |0> ground, sigma_z = |1><1| - |0><0|; heat "
        "positive into the system, work positive on the system; coupling V/sqrt(tau), tau -> 0."
    )
    lines.append("")
    lines.append("| equation | quantity | status | kind of difference |")
    lines.append("|---|---|---|---|")
    for c in d.checks:
        kind = c.difference_kind if c.status == STATUS_DIFFERS else (
            "convention" if c.status == STATUS_CONVENTION else "")
        lines.append(f"| {_cell(c.label)} | {_cell(c.quantity)} | {c.status} | {_cell(kind)} |")
    lines.append("")
    if d.statements:
        lines.append("## Statements")
        lines.append("")
        lines.append("| statement | claim | holds | evidence |")
        lines.append("|---|---|---|---|")
        for s in d.statements:
            lines.append(
                f"| {_cell(s.label)} | {_cell(s.claim)} | {'yes' if s.holds else 'no'} "
                f"| {_cell(s.evidence)} |"
            )
        lines.append("")
    details = [c for c in d.checks if c.status != STATUS_HOLDS or c.note or c.evidence]
    if details:
        lines.append("## Details")
        lines.append("")
    for c in details:
        lines.append(f"### {c.label}: {c.quantity}")
        lines.append("")
        lines.append(f"- status: **{c.status}**")
        if c.mapping_note:
            lines.append(f"- convention mapping: {c.mapping_note}")
        if c.status == STATUS_DIFFERS:
            lines.append(f"- kind: {c.difference_kind or 'unclassified'}")
            lines.append(f"- printed (transcribed): `{sympy.sstr(c.printed)}`")
            lines.append(f"- derived: `{sympy.sstr(c.derived)}`")
            lines.append(f"- printed - derived: `{sympy.sstr(c.difference)}`")
        if c.note:
            lines.append(f"- note: {c.note}")
        if c.evidence is not None:
            ev = c.evidence
            lines.append(
                f"- matrix route at a {ev.point}: matrices {_fmt(ev.matrix_value)}, "
                f"derived {_fmt(ev.derived_value)}, printed {_fmt(ev.printed_value)}"
            )
        lines.append("")
    if d.notes:
        lines.append("## Notes")
        lines.append("")
        for n in d.notes:
            lines.append(f"- {n}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# writing generated/<paper>/ ------------------------------------------------------------------


def write_generated(d: Derivation, out_dir: str | Path) -> list[Path]:
    """Write report.md, equations.tex, fragments/*.tex and kernels.py for one derivation.

    Output is deterministic: the same derivation gives byte-identical files.
    """
    from symthermo.algebra.indexed import contains_symbolic_size
    from symthermo.emit import latex_document, latex_fragment, write_kernels
    from symthermo.emit.bibliography import bibtex
    from symthermo.files import remove_stale, write_bytes_atomic

    from .references import REFERENCES

    base = Path(out_dir) / d.name
    (base / "fragments").mkdir(parents=True, exist_ok=True)
    written = []

    def put(path: Path, text: str) -> None:  # atomic: an interrupted run leaves no half file
        write_bytes_atomic(path, text.encode("utf-8"))
        written.append(path)

    put(base / "report.md", render_report(d))
    refs = [REFERENCES[d.name]] if d.name in REFERENCES else []
    put(Path(out_dir) / "references.bib", bibtex(REFERENCES.values()))
    if refs:  # the paper directory is self-contained: pdflatex, bibtex, pdflatex there
        put(base / "references.bib", bibtex(REFERENCES.values()))
    qs = list(d.quantities)
    if qs:
        put(
            base / "equations.tex",
            latex_document(qs, title=d.title, prefix=d.name, sites=d.kernel_sites or None,
                           references=refs),
        )
        put(base / "fragments" / "all.tex", latex_fragment(qs, prefix=d.name, references=refs))
        for q in qs:
            put(base / "fragments" / f"{q.name}.tex",
                latex_fragment([q], prefix=d.name, references=refs))
        concrete = [q for q in qs if not contains_symbolic_size(q.expr)]  # general N: LaTeX only
        written.append(write_kernels(base / "kernels.py", concrete, d.kernel_sites or None,
                                     module_name="kernels"))
    remove_stale(base / "fragments", written, "*.tex")  # quantities that no longer exist
    return written
