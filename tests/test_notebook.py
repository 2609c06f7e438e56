"""The docs/ notebook (the README example) runs, and every object type shows in a notebook.

The notebook is executed with nbclient in a fresh kernel; its numbers are compared with the
README's (which tests/test_readme.py checks against the matrix route).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sympy

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "readme_example.ipynb"


def test_notebook_is_stored_without_outputs():
    nb = json.loads(NOTEBOOK.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_notebook_executes_and_shows_the_readme_numbers():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    texts, latex = [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", out
            texts.append(out.get("text", "") + out.get("data", {}).get("text/plain", ""))
            latex.append(out.get("data", {}).get("text/latex", ""))
    text = "\n".join(texts)
    assert "Q_nonloc = 0.005449491133" in text
    assert "W_loc    = 0.037946339430" in text
    assert "CollisionModel 'model': system S1 (qubit), S2 (qubit)" in text
    assert "largest difference from QuTiP's steady state" in text
    shown = "\n".join(latex)
    assert r"\hat{V}_{R,S_1}" in shown  # the model's couplings
    assert r"\rho_{\mathrm{ss}}" in shown  # the steady state
    assert r"\hat{\sigma}^{+}_{S_1}" in shown  # the diagonal form's jump operators


# _repr_latex_, __repr__ and sympy.latex of every object type --------------------------------


@pytest.fixture(scope="module")
def readme_model():
    from symthermo.algebra import qubits
    from symthermo.model import bath, collision_model
    from symthermo.states import ThermalQubit

    S1, S2, R = qubits("S1", "S2", "R")
    w, J, g1, g2, xi = sympy.symbols("omega J g_1 g_2 xi_R", real=True)
    res = bath("R", ThermalQubit(R, tanh=xi), w / 2 * R.z,
               {"S1": g1 * (S1.x * R.x + S1.y * R.y), "S2": g2 * (S2.x * R.x + S2.y * R.y)})
    model = collision_model([S1, S2], w / 2 * (S1.z + S2.z), res, interaction=J * S1.x * S2.x)
    return model, {w: 1.0, J: 0.3, g1: 0.5, g2: 0.8, xi: 0.4}


def _objects(model, values):
    from symthermo.jumps import diagonal_lindblad_form
    from symthermo.numeric.collision import EnergyCurrents
    from symthermo.numeric.model_dynamics import model_steady_state
    from symthermo.thermo import currents, heat_current, lindblad_form

    S1, S2 = model.system_sites
    return {
        "model": model,
        "bath": model.baths[0],
        "operator": S1.x * S2.x,
        "current": heat_current(model, "R", "nonlocal"),
        "currents": currents(model),
        "lindblad": lindblad_form(model),
        "diagonal": diagonal_lindblad_form(model),
        "steady": model_steady_state(model, values),
        "energy": EnergyCurrents(np.array([0.25]), -0.25, 0.0, ("R",)),
    }


def test_every_object_has_latex_and_a_short_repr(readme_model):
    model, values = readme_model
    for name, obj in _objects(model, values).items():
        tex = sympy.latex(obj)
        assert tex and "<" not in tex and ">" not in tex, (name, tex)
        rl = obj._repr_latex_()
        assert rl.startswith("$") and rl.endswith("$"), name
        assert len(repr(obj).splitlines()) <= 5, (name, repr(obj))


def test_expectation_values_print_as_brackets_in_plain_sympy(readme_model):
    model, _ = readme_model
    from symthermo.thermo import heat_current

    tex = sympy.latex(heat_current(model, "R", "nonlocal"))
    assert r"\langle \hat{\sigma}^{x}_{S_1} \hat{\sigma}^{x}_{S_2} \rangle_{\rho_S}" in tex
    assert r"\xi_{R}" in tex


def test_model_repr_is_a_few_lines(readme_model):
    model, _ = readme_model
    lines = repr(model).splitlines()
    assert lines[0] == "CollisionModel 'model': system S1 (qubit), S2 (qubit)"
    assert lines[2] == "  bath R (simultaneous): ThermalQubit(R, tanh=xi_R); couplings to S1, S2"
    assert "<pre>" in model._repr_html_()
