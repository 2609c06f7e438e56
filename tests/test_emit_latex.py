"""LaTeX emitter: notation, grouping, ladder basis (checked with matrices), pdflatex builds."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy

from symthermo.algebra import Expectation, commutator, operator_sum, qubits
from symthermo.emit import (
    Derivation,
    Quantity,
    current_symbol,
    from_ladder_basis,
    latex,
    latex_document,
    latex_fragment,
    latex_operator,
    latex_repr,
    parameter_latex,
    site_latex,
    to_ladder_basis,
)
from symthermo.emit.ladder import LadderExpectation
from symthermo.emit.latex import latex_equation, latex_width
from symthermo.numeric.matrices import operator_matrix
from symthermo.states import ThermalQubit, partial_trace, trace_out

ROOT = Path(__file__).resolve().parents[1]
S1, S2, R = qubits("S1", "S2", "R")
w1, w2, w_r, jxs, jys, jx1, jy1, jx2, jy2, beta = sympy.symbols(
    "omega_S1 omega_S2 omega_R Jx_s Jy_s Jx_1 Jy_1 Jx_2 Jy_2 beta", real=True
)
HS = w1 / 2 * S1.z + w2 / 2 * S2.z + jxs * S1.x * S2.x + jys * S1.y * S2.y
HR = w_r / 2 * R.z
V = [jx1 * S1.x * R.x + jy1 * S1.y * R.y, jx2 * S2.x * R.x + jy2 * S2.y * R.y]
STATE = ThermalQubit(R, omega=w_r, beta=beta)


def _dc(i, j, x):
    return commutator(V[j], commutator(V[i], x))


def quantities():
    half = sympy.Rational(1, 2)
    loc, non = [(0, 0), (1, 1)], [(0, 1), (1, 0)]
    heat = [half * trace_out(operator_sum(_dc(i, j, HR) for i, j in p), STATE)
            for p in (loc, non)]
    work = [-half * trace_out(operator_sum(_dc(i, j, HS + HR) for i, j in p), STATE)
            for p in (loc, non)]
    return [
        Quantity("heat_local_R", heat[0], current_symbol("Q", "loc", "R"),
                 "Local heat from the common reservoir $R$ (100% local, a_b & c)."),
        Quantity("heat_nonlocal_R", heat[1], current_symbol("Q", "non-loc", "R")),
        Quantity("work_local", work[0], current_symbol("W", "loc")),
        Quantity("work_nonlocal", work[1], current_symbol("W", "non-loc"), label="wnl"),
    ]


def derivation():
    c1 = commutator(V[0], HR)
    c2 = commutator(V[0], c1)
    return Derivation(
        "Local heat, first coupling",
        [
            (r"[\hat{V}_1, \hat{H}_R]", c1),
            (r"[\hat{V}_1, [\hat{V}_1, \hat{H}_R]]", c2, "then the double commutator"),
            (r"\mathrm{Tr}_R[\hat{\rho}_R [\hat{V}_1, [\hat{V}_1, \hat{H}_R]]]",
             partial_trace(c2, STATE), "and the partial trace over $R$", "eq:trace"),
            (r"\sum_i [\hat{V}_i, \hat{H}_R]", [c1, commutator(V[1], HR)]),
        ],
    )


# --- notation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "tex"),
    [
        ("Jx_1", "J^{x}_{1}"),
        ("omega_S1", r"\omega_{S_1}"),
        ("xi_R", r"\xi_{R}"),
        ("gamma^-_h,12", r"\gamma^{-}_{h,12}"),
        ("Jx_s", "J^{x}_{s}"),
        ("gamma_h_12", r"\gamma_{h,12}"),
        ("nbar_R", r"\bar{n}_{R}"),
        ("T^eff", r"T^{\mathrm{eff}}"),
        ("omega1", r"\omega_{1}"),
        ("J_zy", "J_{zy}"),
        ("beta", r"\beta"),
        ("Gamma", r"\Gamma"),
    ],
)
def test_parameter_names(name, tex):
    assert parameter_latex(name) == tex
    assert latex(sympy.Symbol(name)) == tex


def test_sites_and_currents():
    assert [site_latex(s) for s in ("S1", "h2", "h,1", "R", "R12")] == [
        "S_1", "h_2", "h,1", "R", "R_{12}"
    ]
    assert current_symbol("Q", "loc", "R") == r"\dot{Q}^{\mathrm{loc}}_{R}"
    assert current_symbol("W", "non-loc") == r"\dot{W}^{\mathrm{non\text{-}loc}}"


def test_expectation_values():
    xx = Expectation((("S1", 1), ("S2", 1)))
    assert latex(xx) == (
        r"\langle \hat{\sigma}^{x}_{S_1} \hat{\sigma}^{x}_{S_2} \rangle_{\rho_S}"
    )
    assert latex(xx, state=None) == (
        r"\langle \hat{\sigma}^{x}_{S_1} \hat{\sigma}^{x}_{S_2} \rangle"
    )
    b = Expectation((("R", (2, 1)),))
    assert latex(b, state=None) == r"\langle \hat{a}^{\dagger 2}_{R} \hat{a}_{R} \rangle"
    n = Expectation((("R", (1, 3)),))
    assert latex(n, state=None) == r"\langle \hat{a}^{\dagger}_{R} \hat{a}^{3}_{R} \rangle"
    assert latex(xx**2).startswith(r"\left(\langle")


def test_grouped_by_expectation_with_factored_coefficients():
    z1 = Expectation((("S1", 3),))
    xx = Expectation((("S1", 1), ("S2", 1)))
    a, b = sympy.symbols("a b", real=True)
    expr = a * b * xx + a**2 * z1 + b**2 * z1 - 3 + a * xx
    # grouped: <z1> first (lower degree), coefficient factored, constant last
    assert latex(expr, state=None) == (
        r"\left(a^{2} + b^{2}\right) \langle \hat{\sigma}^{z}_{S_1} \rangle"
        r" + a \left(b + 1\right) \langle \hat{\sigma}^{x}_{S_1} \hat{\sigma}^{x}_{S_2} \rangle"
        r" - 3"
    )
    assert latex(-2 * a * z1, state=None) == r"- 2 a \langle \hat{\sigma}^{z}_{S_1} \rangle"


def test_operator_printing():
    assert latex_operator(V[0]) == (
        r"J^{x}_{1} \hat{\sigma}^{x}_{R} \hat{\sigma}^{x}_{S_1}"
        r" + J^{y}_{1} \hat{\sigma}^{y}_{R} \hat{\sigma}^{y}_{S_1}"
    )
    ladder = latex_operator(V[0], ladder=True)
    expected = r"\left(J^{x}_{1} - J^{y}_{1}\right) \hat{\sigma}^{+}_{R} \hat{\sigma}^{+}_{S_1}"
    assert expected in ladder
    assert latex_repr(V[0]).startswith(r"$\displaystyle J^{x}_{1}")


def test_repr_latex_of_quantity():
    q = quantities()[0]
    text = q._repr_latex_()
    assert text.startswith(r"$\displaystyle \dot{Q}^{\mathrm{loc}}_{R} = ")
    assert text == latex_repr(q)


# --- ladder basis -----------------------------------------------------------------------

SP = np.array([[0, 0], [1, 0]], dtype=complex)  # |1><0|, index 0 = ground
SM = SP.T.copy()
SZ = np.diag([-1.0, 1.0]).astype(complex)
PAULI = {1: np.array([[0, 1], [1, 0]], complex), 2: np.array([[0, 1j], [-1j, 0]]), 3: SZ}


def _ladder_matrix(mono, names):
    local = dict(mono)
    out = np.ones((1, 1), complex)
    for n in names:
        loc = local.get(n)
        m = {None: np.eye(2), "+": SP, "-": SM, 3: SZ}.get(loc) if not isinstance(loc, int) \
            or loc == 3 else PAULI[loc]
        out = np.kron(out, m)
    return out


def _value(expr, rho, names, rng_params):
    vals = {}
    for s in expr.free_symbols:
        if isinstance(s, (Expectation, LadderExpectation)):
            vals[s] = complex(np.trace(rho @ _ladder_matrix(s.monomial, names)))
    vals.update(rng_params)
    return complex(expr.xreplace({k: sympy.sympify(v) for k, v in vals.items()}).evalf())


def test_ladder_basis_against_matrices():
    rng = np.random.default_rng(7)
    names = ["S1", "S2"]
    a = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho = a @ a.conj().T
    rho /= np.trace(rho)
    params = {p: rng.uniform(0.2, 1.3) for p in (w1, w2, w_r, jxs, jys, jx1, jy1, jx2, jy2, beta)}
    for q in quantities():
        lad = to_ladder_basis(q.expr)
        assert not any(isinstance(s, Expectation) and any(loc in (1, 2) for _, loc in s.monomial)
                       for s in lad.free_symbols)
        assert abs(_value(lad, rho, names, params) - _value(q.expr, rho, names, params)) < 1e-10
        assert sympy.expand(from_ladder_basis(lad) - q.expr) == 0
    # the ladder operators through the algebra give the same matrices
    e = LadderExpectation((("S1", "+"), ("S2", "-")))
    np.testing.assert_allclose(operator_matrix(e.operator, [S1, S2]),
                               _ladder_matrix(e.monomial, names))
    xy = Expectation((("S1", 1), ("S2", 2)))
    assert to_ladder_basis(xy) == sympy.expand(
        -sympy.I * LadderExpectation((("S1", "+"), ("S2", "+")))
        + sympy.I * LadderExpectation((("S1", "+"), ("S2", "-")))
        - sympy.I * LadderExpectation((("S1", "-"), ("S2", "+")))
        + sympy.I * LadderExpectation((("S1", "-"), ("S2", "-")))
    )
    text = latex(quantities()[1].expr, ladder=True)
    assert r"\hat{\sigma}^{+}_{S_1} \hat{\sigma}^{-}_{S_2}" in text


# --- documents --------------------------------------------------------------------------


def test_equation_labels_and_lines():
    q = quantities()[3]
    eq = latex_equation(q, prefix="cr")
    assert r"\label{eq:cr:wnl}" in eq and r"\begin{split}" in eq
    for line in eq.splitlines():
        if "&" in line:
            assert latex_width(line.replace("&", "")) < 215


def test_documents_are_deterministic_across_hash_seeds():
    code = (
        "import sys; sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})\n"
        "import test_emit_latex as t\n"
        "from symthermo.emit import latex_document\n"
        "sys.stdout.write(latex_document(t.quantities(), prefix='cr', sites=[t.S1, t.S2],"
        " derivations=[t.derivation()]))\n"
    ).format(root=str(ROOT), tests=str(ROOT / "tests"))
    outs = []
    for seed in ("3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env,
                             check=False)
        assert res.returncode == 0, res.stderr.decode()
        outs.append(res.stdout)
    assert outs[0] == outs[1]
    text = outs[0].decode()
    assert text == latex_document(quantities(), prefix="cr", sites=[S1, S2],
                                  derivations=[derivation()])
    assert "\\today" not in text and str(ROOT) not in text


def _pdflatex(tmp_path: Path, name: str) -> str:
    for _ in range(2):  # twice, so that \eqref resolves
        res = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name + ".tex"],
            cwd=tmp_path, capture_output=True, text=True, check=False,
        )
        assert res.returncode == 0, res.stdout[-3000:]
    return (tmp_path / (name + ".log")).read_text(errors="replace")


def _check_log(log: str) -> None:
    assert "Undefined control sequence" not in log
    assert "undefined references" not in log
    assert "There were undefined" not in log
    overfull = [float(x) for x in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert not [x for x in overfull if x > 1.0], overfull


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_standalone_document_compiles(tmp_path):
    qs = quantities()
    qs.append(Quantity("work_nonlocal_ladder", qs[3].expr, current_symbol("W", "non-loc"),
                       "The same in the ladder basis."))
    doc = latex_document(qs, prefix="cr", sites=[S1, S2], derivations=[derivation()])
    (tmp_path / "doc.tex").write_text(doc)
    log = _pdflatex(tmp_path, "doc")
    _check_log(log)
    ladder = latex_document(qs[:2], sites=[S1, S2], ladder=True, title="Ladder basis")
    (tmp_path / "ladder.tex").write_text(ladder)
    _check_log(_pdflatex(tmp_path, "ladder"))


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_manuscript_inputs_fragment(tmp_path):
    (tmp_path / "currents.tex").write_text(
        latex_fragment(quantities(), prefix="cr", sites=[S1, S2], derivations=[derivation()])
    )
    (tmp_path / "paper.tex").write_text(
        "\\documentclass[twocolumn]{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
        "The local heat, Eq.~\\eqref{eq:cr:heat_local_R}, and the non-local work,\n"
        "Eq.~\\eqref{eq:cr:wnl}, and the trace, Eq.~\\eqref{eq:trace}.\n"
        "\\input{currents}\n\\end{document}\n"
    )
    log = _pdflatex(tmp_path, "paper")
    _check_log(log)
    aux = (tmp_path / "paper.aux").read_text()
    assert "eq:cr:heat_local_R" in aux and "eq:cr:wnl" in aux


def test_max_terms_and_width_rules():
    from symthermo.emit import latex_lines

    q = quantities()[2]
    lines = latex_lines(q.expr, max_terms=1, width=10_000)
    assert len(lines) == 5  # one term per line: 4 expectation values and the constant term
    one = latex_lines(q.expr, width=10_000)
    assert len(one) == 1
    narrow = latex_lines(q.expr, width=150, lhs=q.latex_name)
    assert len(narrow) > 3
    assert all(latex_width(line) <= 150 for line in narrow if r"\bigl" not in line)


def test_latex_name_that_would_not_compile_is_flagged():
    from symthermo.emit.latex import LatexNameWarning, latex_problems

    assert latex_problems(r"\dot{E}_{S}_{M=3}") == ["double subscript"]
    assert latex_problems(current_symbol("W", "non-loc", "R")) == []
    with pytest.warns(LatexNameWarning, match="will not compile"):
        latex_equation(Quantity("e", sympy.Symbol("x"), r"\dot{E}_{S}_{M=3}"))
