"""The committed generated/ tree: every .tex compiles with pdflatex, a manuscript that
\\input's a fragment compiles, and every kernels.py imports without sympy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

GENERATED = Path(__file__).resolve().parent.parent / "generated"
PAPERS = sorted(p.parent for p in GENERATED.glob("*/report.md"))
needs_latex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex missing")


def _pdflatex(tex: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tex.parent, capture_output=True, text=True, timeout=300,
    )


def test_generated_tree_has_the_four_papers() -> None:
    names = {p.name for p in PAPERS}
    assert names == {
        "common_reservoirs", "coupled_ensembles", "collective_ergotropy", "memoryless_ness"
    }
    for paper in PAPERS:
        assert (paper / "equations.tex").is_file() and (paper / "kernels.py").is_file()
        assert (paper / "fragments" / "all.tex").is_file()


@needs_latex
@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: p.name)
def test_standalone_equations_compile(paper: Path, tmp_path: Path) -> None:
    shutil.copy(paper / "equations.tex", tmp_path / "equations.tex")
    result = _pdflatex(tmp_path / "equations.tex")
    assert result.returncode == 0, result.stdout[-2000:]


@needs_latex
@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: p.name)
def test_manuscript_inputting_a_fragment_compiles(paper: Path, tmp_path: Path) -> None:
    shutil.copy(paper / "fragments" / "all.tex", tmp_path / "fragment.tex")
    (tmp_path / "paper.tex").write_text(
        "\\documentclass[twocolumn]{article}\n\\usepackage{amsmath,amssymb}\n"
        "\\begin{document}\nOur result is below.\n\\input{fragment}\n\\end{document}\n"
    )
    result = _pdflatex(tmp_path / "paper.tex")
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: p.name)
def test_kernels_import_without_sympy(paper: Path) -> None:
    code = (
        "import sys; sys.modules['sympy'] = None\n"
        "import importlib.util as u\n"
        f"spec = u.spec_from_file_location('k', {str(paper / 'kernels.py')!r})\n"
        "m = u.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "assert m.QUANTITIES and m.PARAMETERS is not None\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
