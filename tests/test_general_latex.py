"""The emitted LaTeX with general forms (issue 12): every paper's equations (general N, M
first, then the instances) compile with pdflatex in a two-column document with no overfull box
wider than 10 pt; a document with both kinds puts the instances under their own heading.
"""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy

from symthermo.algebra import Expectation
from symthermo.algebra.indexed import contains_symbolic_size, indexed_expectation, isum
from symthermo.emit import Quantity, latex_document, latex_fragment
from symthermo.emit.document import INSTANCES_HEADING

needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                    reason="pdflatex not installed")
MAX_OVERFULL_PT = 10.0

#: paper module -> its general-N (M) declarations (derivations/general_n)
PAPERS = {
    "coupled_ensembles": "coupled_ensembles",
    "common_reservoirs": "common_reservoirs",
    "collective_ergotropy": "collective_ergotropy",
    "memoryless_ness": None,
}


def paper_quantities(name: str) -> list[Quantity]:
    """The quantities that ``symthermo derive`` writes to a paper's equations.tex: the
    general forms and the paper module's quantities (without running its checks)."""
    module = importlib.import_module(f"derivations.{name}")
    qs = list(module.quantities()) if hasattr(module, "quantities") else list(
        module.build().quantities)
    general = PAPERS[name]
    if general:
        extra = importlib.import_module(f"derivations.general_n.{general}").general_quantities()
        names = {q.name for q in qs}
        qs = [q for q in extra if q.name not in names] + qs
    return qs


def overfull(log: str) -> list[str]:
    """Overfull boxes wider (or taller) than 10 pt, and TeX errors."""
    out = [m.group(0) for m in re.finditer(r"Overfull \\[hv]box \(([\d.]+)pt too[^\n]*", log)
           if float(m.group(1)) > MAX_OVERFULL_PT]
    return out + re.findall(r"^! [^\n]*", log, flags=re.M)


def _pdflatex(tex: Path) -> str:
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", tex.name], cwd=tex.parent,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
    return tex.with_suffix(".log").read_text(errors="replace")


@needs_pdflatex
@pytest.mark.parametrize("name", sorted(PAPERS))
def test_every_paper_equations_fit_two_columns(name: str, tmp_path: Path) -> None:
    qs = paper_quantities(name)
    general = [q for q in qs if contains_symbolic_size(q.expr)]
    assert bool(general) == (PAPERS[name] is not None)
    tex = latex_document(qs, title=name, prefix=name)
    if general:  # the general forms come first; the instances follow under their heading
        results = tex.split(r"\section*{Results}")[1]
        first_label = re.search(r"\\label\{eq:" + name + r":(\w+)\}", results).group(1)
        assert first_label == general[0].name
        assert f"\\section*{{{INSTANCES_HEADING}}}" in tex
        assert tex.index(r"\sum_{") < tex.index(INSTANCES_HEADING)
    (tmp_path / "equations.tex").write_text(tex)
    assert overfull(_pdflatex(tmp_path / "equations.tex")) == []
    # a two-column manuscript that \input's the fragment
    (tmp_path / "all.tex").write_text(latex_fragment(qs, prefix=name))
    (tmp_path / "paper.tex").write_text(
        "\\documentclass[10pt,twocolumn]{article}\n\\usepackage{amsmath,amssymb}\n"
        "\\allowdisplaybreaks\n\\begin{document}\nOur result.\n\\input{all}\n\\end{document}\n")
    assert overfull(_pdflatex(tmp_path / "paper.tex")) == []


def test_general_forms_first_and_headed() -> None:
    from derivations.general_n import coupled_ensembles as ce

    h = ce.FAMILY["h"]
    general = Quantity("general_z", indexed_expectation(isum(ce.omega["h"] * h[ce.n].z, ce.n)))
    instance = Quantity("z_two", ce.omega["h"] * Expectation((("h1", 3),)))
    tex = latex_document([instance, general])
    assert tex.index("general_z") < tex.index(INSTANCES_HEADING) < tex.index("z_two")
    frag = latex_fragment([instance, general])
    assert f"\\paragraph{{{INSTANCES_HEADING}.}}" in frag
    assert INSTANCES_HEADING not in latex_document([instance])
    assert INSTANCES_HEADING not in latex_document([general])


def test_indexed_parameter_powers_have_one_superscript() -> None:
    from symthermo.emit import latex

    jx = sympy.IndexedBase("Jx_1", real=True)
    k = sympy.Idx("k")
    text = latex(jx[k] ** 2)
    assert text == "{J^{x}_{1,k}}^{2}"
