"""Manuscript-ready LaTeX: every emitted equation fits a two-column page, no glyph is lost,
no raw < or > is set in text mode, the bibliography compiles with bibtex, and the printed
abbreviations are exact rewrites.

Two cheap papers are derived afresh into a temporary directory (the emitter as it is now); the
committed generated/ tree (all four papers; ``SYMTHERMO_GENERATED=dir`` checks another tree,
e.g. a fresh ``symthermo derive --all --out dir``) gets the same checks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy

from symthermo.emit import Quantity, latex_document
from symthermo.emit.abbreviations import Abbreviation, abbreviate, find_abbreviations
from symthermo.emit.bibliography import Reference, bibtex
from symthermo.emit.latex import escape_text
from symthermo.errors import SymthermoError

ROOT = Path(__file__).resolve().parent.parent
GENERATED = Path(os.environ.get("SYMTHERMO_GENERATED", ROOT / "generated"))
needs_latex = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("bibtex") is None,
    reason="pdflatex/bibtex missing",
)
MAX_OVERFULL_PT = 10.0


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)


def _compile_with_bibliography(tex: Path) -> str:
    """pdflatex, bibtex, pdflatex, pdflatex; the final log."""
    first = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], tex.parent)
    assert first.returncode == 0, first.stdout[-2000:]
    if "\\bibdata" in (tex.with_suffix(".aux")).read_text():
        bib = _run(["bibtex", tex.stem], tex.parent)
        assert bib.returncode == 0, bib.stdout + bib.stderr
        assert "error" not in bib.stdout.lower(), bib.stdout
        assert "\\bibitem" in tex.with_suffix(".bbl").read_text()
    for _ in range(2):
        again = _run(["pdflatex", "-interaction=nonstopmode", tex.name], tex.parent)
        assert again.returncode == 0, again.stdout[-2000:]
    return tex.with_suffix(".log").read_text(errors="replace")


def log_problems(log: str) -> list[str]:
    """Overfull boxes wider (or taller) than 10 pt, missing characters, undefined citations."""
    problems = []
    for m in re.finditer(r"Overfull \\[hv]box \(([\d.]+)pt too (wide|high)\)[^\n]*", log):
        if float(m.group(1)) > MAX_OVERFULL_PT:
            problems.append(m.group(0))
    problems += re.findall(r"Missing character[^\n]*", log)
    problems += re.findall(r"Citation `[^']*' on page \d+ undefined", log)
    return problems


_MATH_ENVS = r"(equation\*?|align\*?|split|multline\*?)"


def text_mode_angle_brackets(tex: str) -> list[str]:
    """Lines with a < or > outside math (what pdflatex's OT1 fonts print as ¡ and ¿)."""
    body = re.sub(r"\\begin\{" + _MATH_ENVS + r"\}.*?\\end\{\1\}", "", tex, flags=re.S)
    body = re.sub(r"\$[^$]*\$", "", body)
    return [line for line in body.splitlines()
            if ("<" in line or ">" in line) and not line.lstrip().startswith("%")]


def _check_tree(tree: Path, tmp_path: Path) -> None:
    papers = sorted(p.parent for p in tree.glob("*/equations.tex"))
    assert papers, f"no */equations.tex under {tree}"
    assert all((paper / "references.bib").is_file() for paper in papers)  # self-contained
    for paper in papers:
        work = tmp_path / paper.name
        shutil.copytree(paper, work)
        tex = (work / "equations.tex").read_text()
        assert text_mode_angle_brackets(tex) == []
        assert "heat current" in tex and r"\sqrt{\tau}" in tex  # conventions in the preamble
        assert f"\\cite{{{paper.name}}}" in tex
        assert log_problems(_compile_with_bibliography(work / "equations.tex")) == []
        # a two-column manuscript that \input's the fragment
        (work / "paper.tex").write_text(
            "\\documentclass[10pt,twocolumn]{article}\n\\usepackage{amsmath,amssymb}\n"
            "\\allowdisplaybreaks\n\\begin{document}\n"
            f"Our result, after \\cite{{{paper.name}}}.\n"
            "\\input{fragments/all}\n\\bibliographystyle{unsrt}\n\\bibliography{references}\n"
            "\\end{document}\n"
        )
        frag = (work / "fragments" / "all.tex").read_text()
        assert text_mode_angle_brackets(frag) == []
        assert log_problems(_compile_with_bibliography(work / "paper.tex")) == []


@pytest.fixture(scope="module")
def fresh_tree(tmp_path_factory) -> Path:
    from symthermo.cli import main

    out = tmp_path_factory.mktemp("generated")
    for name in ("memoryless_ness", "common_reservoirs"):
        assert main(["derive", name, "--no-figures", "--out", str(out)]) == 0
    return out


@needs_latex
def test_fresh_latex_fits_two_columns_and_cites(fresh_tree: Path, tmp_path: Path) -> None:
    _check_tree(fresh_tree, tmp_path)
    tex = (fresh_tree / "memoryless_ness" / "equations.tex").read_text()
    # the long steady-state fractions: abbreviation declared, denominator named
    assert r"$\xi_{A} = \tanh\left(\frac{\beta \omega_{A}}{2}\right)$" in tex
    assert r"\mathcal{D} &= " in tex
    assert r"\tanh" not in tex.split(r"\section*{Results}")[1]


@needs_latex
def test_committed_generated_tree_fits_two_columns(tmp_path: Path) -> None:
    if not (GENERATED / "memoryless_ness" / "references.bib").is_file():
        pytest.skip(f"{GENERATED} predates the bibliography: regenerate it (symthermo derive)")
    _check_tree(GENERATED, tmp_path)


# the pieces, without LaTeX ------------------------------------------------------------------


def test_abbreviations_are_exact_rewrites() -> None:
    b, w, wa, T, g = sympy.symbols("beta omega omega_A T_h g", positive=True)
    exprs = [
        g * sympy.tanh(b * wa / 2) / (1 + sympy.tanh(b * wa / 2) ** 2),
        (sympy.exp(w / T) + 1) / (sympy.exp(w / T) - 1) + sympy.exp(-2 * w / T),
    ]
    found = find_abbreviations(exprs)
    assert {str(a.symbol) for a in found} == {"xi_A", "nbar", "z"}
    point = {b: 0.7, w: 1.3, wa: 0.4, T: 0.9, g: 0.3}
    for keep in (("tanh", "bose"), ("tanh", "boltzmann")):
        chosen = [a for a in found if a.kind in keep]
        for e in exprs:
            short = abbreviate(e, chosen)
            back = short.subs({a.symbol: a.meaning for a in chosen})
            assert abs(complex((back - e).subs(point).evalf())) < 1e-12
    nbar = next(a for a in found if a.kind == "bose").symbol
    rewritten = sympy.simplify(abbreviate(exprs[1], [a for a in found if a.kind == "bose"]))
    assert sympy.expand(rewritten - (2 * nbar + 1 + (nbar / (nbar + 1)) ** 2)) == 0


def test_abbreviation_never_aliases_a_parameter() -> None:
    b, wr, xi = sympy.symbols("beta omega_R xi_R")
    found = find_abbreviations([xi + sympy.tanh(b * wr / 2)])
    assert [str(a.symbol) for a in found] == ["xi_R,2"]
    assert isinstance(found[0], Abbreviation)


def test_escape_text_sets_angle_brackets_in_math() -> None:
    assert escape_text("stationary <sigma_x> (ssc)") == (
        r"stationary $\langle\hat{\sigma}^{x}\rangle$ (ssc)")
    assert escape_text("a < b > c") == "a $<$ b $>$ c"
    assert escape_text("kept $<x>$") == "kept $<x>$"


def test_document_declares_abbreviations_and_breaks_long_fractions() -> None:
    J, Jy, w, b = sympy.symbols("J_x J_y omega_S beta", positive=True)
    xi = sympy.tanh(b * w / 2)
    den = sum((J + k * Jy) ** 4 for k in range(1, 6)) + w**2 * (J**2 + Jy**2)
    q = Quantity("long", w * xi * sympy.expand((J**2 - Jy**2) ** 3 + w**2 * J**4) / den,
                 latex_name=r"\dot{Q}")
    doc = latex_document([q], references=[Reference("k1", "T", 2020, ("A B",), arxiv="1.2")])
    assert r"\xi_{S} = \tanh" in doc and r"\cite{k1}" in doc and r"\bibliography{references}" in doc
    assert r"\mathcal{D} &= " in doc


def test_references_render_bibtex_and_text() -> None:
    r = Reference("cakmak", "Ergotropy from coherences", 2020, ("Barış Çakmak",),
                  arxiv="2005.08489")
    assert r.text() == ("Barış Çakmak, \u201cErgotropy from coherences\u201d (2020), "
                        "arXiv:2005.08489")
    bib = bibtex([r])
    assert "author = {Bar{\\i}{\\c{s}} {\\c{C}}akmak}" in bib and "eprint = {2005.08489}" in bib
    with pytest.raises(SymthermoError, match="journal or an arXiv"):
        Reference("x", "t", 2020)
