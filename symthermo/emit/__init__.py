r"""Emitters: LaTeX for manuscripts and numpy kernels for other codes.

The emitters know nothing about models: their input is a list of named quantities
(:class:`Quantity`: a Python name, a sympy expression in parameter symbols and
:class:`~symthermo.algebra.Expectation` symbols, a LaTeX name, a description, a label).

LaTeX (:mod:`.latex`, :mod:`.document`, :mod:`.ladder`)
    ``latex(expr)``, ``latex_operator(op)``, ``latex_equation(q)``, ``latex_derivation(steps)``,
    ``latex_document(qs)`` (standalone), ``latex_fragment(qs)`` (for ``\input``),
    ``write_latex(path, qs)``, ``to_ladder_basis(expr)``, ``current_symbol("Q", "loc", "R")``,
    ``parameter_latex(name)``, ``latex_repr(obj)`` / ``LatexReprMixin`` for Jupyter;
    documents name tanh(beta omega/2) and the Bose factors (:mod:`.abbreviations`), break long
    fractions with a named denominator, and cite ``Reference`` objects (``bibtex(refs)``
    writes the .bib, :mod:`.bibliography`); :mod:`.display` is how objects show in notebooks.
Kernels (:mod:`.kernels`)
    ``kernel_source(qs, sites)``, ``write_kernels(path, qs, sites)``,
    ``load_kernels(qs, sites)`` (in memory), ``c_source`` / ``compile_c_kernels`` (optional C99).
"""

from .bibliography import Reference, bibtex
from .document import Derivation, latex_document, latex_fragment, write_latex
from .kernels import c_source, compile_c_kernels, kernel_source, load_kernels, write_kernels
from .ladder import LadderExpectation, from_ladder_basis, to_ladder_basis
from .latex import (
    LatexReprMixin,
    Step,
    SymthermoLatexPrinter,
    current_symbol,
    latex,
    latex_derivation,
    latex_equation,
    latex_lines,
    latex_operator,
    latex_repr,
    parameter_latex,
    site_latex,
)
from .quantity import EmitError, Quantity

__all__ = [
    "Derivation",
    "EmitError",
    "LadderExpectation",
    "LatexReprMixin",
    "Quantity",
    "Reference",
    "Step",
    "SymthermoLatexPrinter",
    "bibtex",
    "c_source",
    "compile_c_kernels",
    "current_symbol",
    "from_ladder_basis",
    "kernel_source",
    "latex",
    "latex_derivation",
    "latex_document",
    "latex_equation",
    "latex_fragment",
    "latex_lines",
    "latex_operator",
    "latex_repr",
    "load_kernels",
    "parameter_latex",
    "site_latex",
    "to_ladder_basis",
    "write_kernels",
    "write_latex",
]
