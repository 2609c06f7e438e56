"""The README's example runs, and the numbers it prints equal the matrix route.

Reference: the steady state of the Liouvillian built directly from the coupling matrices and
Tr[(rho_S (x) rho_R) [V_i,[V_j,X]]] evaluated with matrices.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from symthermo.numeric.model_dynamics import direct_liouvillian
from symthermo.numeric.model_matrices import heat_current_matrix, work_current_matrix
from symthermo.numeric.steady import steady_state

README = Path(__file__).resolve().parent.parent / "README.md"


def first_python_block() -> str:
    match = re.search(r"```python\n(.*?)```", README.read_text(), re.S)
    assert match, "the README has no python example"
    return match.group(1)


def test_readme_example_prints_currents_that_match_the_matrix_route() -> None:
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(first_python_block(), "README.md", "exec"), namespace)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("- 2 g_{1} g_{2}") and r"\langle" in lines[0]
    q_printed, w_printed = float(lines[-2]), float(lines[-1])
    model, values = namespace["model"], namespace["values"]
    rho = steady_state(direct_liouvillian(model, values)).rho
    assert q_printed == pytest.approx(
        heat_current_matrix(model, "R", "nonlocal", rho, values), rel=1e-9
    )
    assert w_printed == pytest.approx(
        work_current_matrix(model, None, "local", rho, values), rel=1e-9
    )
