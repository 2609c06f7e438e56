"""The equation-by-equation report of a derivation and the writer of ``generated/<paper>/``.

:func:`render_report` gives the markdown report (one row per printed equation, the statements,
details of everything that does not simply hold, the notes); :func:`write_generated` writes
``report.md``, ``equations.tex``, ``fragments/*.tex`` and ``kernels.py``.  Output is
deterministic: the same derivation gives byte-identical files (no dates, no absolute paths).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sympy

from .records import STATUS_CONVENTION, STATUS_DIFFERS, STATUS_HOLDS, STATUS_UNDECIDED, Derivation


def _fmt(x: float) -> str:
    """10 significant digits; |x| < 1e-12 prints as 0 (rounding noise depends on the BLAS)."""
    return "0" if abs(x) < 1e-12 else f"{x:.10g}"


def _cell(text: str) -> str:
    """Text for a markdown table cell (a '|' would end the cell)."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_report(d: Derivation) -> str:
    """The equation-by-equation report (markdown), deterministic."""
    lines = [f"# {d.title}", ""]
    lines.append(f"Derivation `{d.name}`; sources: {', '.join(d.sources)}.")
    lines.append("")
    if d.reference is not None:
        lines.append(f"Paper: {d.reference.text()}.")
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
        if c.status == STATUS_UNDECIDED:
            lines.append("- the comparison could not decide (counted as a failure)")
        if c.status in (STATUS_DIFFERS, STATUS_UNDECIDED):
            if c.status == STATUS_DIFFERS:
                lines.append(f"- kind: {c.difference_kind or 'unclassified'}")
            lines.append(f"- printed (transcribed): `{sympy.sstr(c.printed)}`")
            lines.append(f"- derived: `{sympy.sstr(c.derived)}`")
            if c.difference is not None:
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
    """Write report.md, equations.tex, fragments/*.tex, references.bib and kernels.py for one
    derivation.

    Output is deterministic: the same derivation gives byte-identical files.  Each file is
    written atomically (an interrupted run leaves no half file), fragments of quantities that
    no longer exist are removed, and general-N quantities (a symbolic size) go to the LaTeX
    only: kernels need a concrete N.
    """
    from ..algebra.indexed import contains_symbolic_size
    from ..emit import latex_document, latex_fragment, write_kernels
    from ..emit.bibliography import bibtex
    from ..files import remove_stale, write_bytes_atomic

    base = Path(out_dir) / d.name
    (base / "fragments").mkdir(parents=True, exist_ok=True)
    written = []

    def put(path: Path, text: str) -> None:
        write_bytes_atomic(path, text.encode("utf-8"))
        written.append(path)

    put(base / "report.md", render_report(d))
    refs = [d.reference] if d.reference is not None else []
    if refs:  # the paper directory is self-contained: pdflatex, bibtex, pdflatex there
        put(base / "references.bib", bibtex(refs))
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
        concrete = [q for q in qs if not contains_symbolic_size(q.expr)]
        written.append(write_kernels(base / "kernels.py", concrete, d.kernel_sites or None,
                                     module_name="kernels"))
    remove_stale(base / "fragments", written, "*.tex")  # quantities that no longer exist
    return written


def write_bibliography(derivations: Iterable[Derivation], out_dir: str | Path) -> Path | None:
    """``out_dir/references.bib``: the papers of several derivations in one BibTeX file (for
    a manuscript that cites them all); None when none has a reference."""
    from ..emit.bibliography import bibtex
    from ..files import write_bytes_atomic

    refs = sorted({d.reference.key: d.reference for d in derivations
                   if d.reference is not None}.items())
    if not refs:
        return None
    path = Path(out_dir) / "references.bib"
    write_bytes_atomic(path, bibtex([r for _, r in refs]).encode("utf-8"))
    return path
