"""symthermo.papers: a user's own declaration on the command line, no silent pass, and the
engine-built matrix routes (checked against hand-computed physics and against wrong forms).

The user model: a qubit S (H_S = omega_S/2 sigma^z) exchanging excitations with thermal qubit
ancillas R (H_R = omega_R/2 sigma^z, temperature T_R) through V = g(sigma^x sigma^x +
sigma^y sigma^y).  By hand (V = 2g(sigma^+ sigma^- + h.c.), excitation conserving):
d<sigma^z_S>/dt = -4 g^2 (<sigma^z_S> + xi), xi = tanh(omega_R/(2 T_R)), so S thermalises at
the bath temperature for the frequency omega_R; the heat from R is
Qdot = (omega_R/2) d<sigma^z_S>/dt = -2 g^2 omega_R (<sigma^z_S> + xi).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from symthermo.algebra import Expectation, qubits
from symthermo.model import bath, collision_model
from symthermo.papers import (
    STATUS_CONVENTION,
    STATUS_DIFFERS,
    STATUS_HOLDS,
    STATUS_UNDECIDED,
    Check,
    Derivation,
    Dissipator,
    HeatCurrent,
    Heisenberg,
    Sampling,
    WorkCurrent,
    compare,
    decide,
)
from symthermo.states import ThermalQubit

ROOT = Path(__file__).resolve().parent.parent

MODEL_SOURCE = textwrap.dedent('''
    import sympy as sp
    from symthermo.algebra import qubits
    from symthermo.model import bath, collision_model
    from symthermo.states import ThermalQubit

    S, R = qubits("S", "R")
    w, wr, g, T = sp.symbols("omega_S omega_R g T_R", positive=True)
    reservoir = bath("R", ThermalQubit(R, omega=wr, beta=1 / T), wr / 2 * R.z,
                     {"S": g * (S.x * R.x + S.y * R.y)}, beta=1 / T)
    MODELS = {"qubit": collision_model([S], w / 2 * S.z, reservoir)}
''')
PARAMETERS_SOURCE = 'PARAMETERS = {"qubit": {w: 1.0, wr: 1.2, g: 0.5, T: 0.8}}\n'
CHECKS_SOURCE = textwrap.dedent('''
    from symthermo.algebra import Expectation
    from symthermo.papers import Check, HeatCurrent

    TITLE = "A qubit in a thermal qubit bath"
    z = Expectation((("S", 3),))
    xi = sp.tanh(wr / (2 * T))

    def checks():
        model = MODELS["qubit"]
        return [
            Check("Eq. (1)", "heat current", -2 * g**2 * wr * (z + xi),
                  of=HeatCurrent(model, "R")),
            Check("Eq. (2)", "heat current, sign slip", 2 * g**2 * wr * (z + xi),
                  of=HeatCurrent(model, "R")),
        ]
''')
FIGURE_SOURCE = textwrap.dedent('''
    def figures():
        from symthermo.papers.figures import Figure, save, style, subplots

        def make(folder):
            with style() as plt:
                fig, ax = subplots(plt)
                ax.plot([0, 1], [0, 1])
                return save(fig, folder / "fig1.png")

        return [Figure("fig1", "Fig. 1: a line", make, lambda: "A straight line.")]
''')


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "symthermo.cli", *args], capture_output=True, text=True,
        cwd=cwd, timeout=600, env={"PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1",
                                   "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture(scope="module")
def user_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("user") / "my_model.py"
    path.write_text(MODEL_SOURCE + PARAMETERS_SOURCE)
    return path


def test_models_only_file_list_steady_sweep(user_file: Path, tmp_path: Path) -> None:
    listed = run("list", str(user_file))
    assert listed.returncode == 0, listed.stderr
    assert "my_model" in listed.stdout and "--model qubit" in listed.stdout
    assert "omega_R=1.2" in listed.stdout

    steady = run("steady", str(user_file), "--json", cwd=tmp_path)
    assert steady.returncode == 0, steady.stderr
    data = json.loads(steady.stdout)
    # S thermalises at T_R for the frequency omega_R: Qdot = -2 g^2 omega_R (<z> + xi) = 0
    assert data["heat"]["R"]["total"] == pytest.approx(0, abs=1e-12)
    assert data["stationary_dimension"] == 1
    # the system energy at the steady state is that of <z> = -tanh(omega_R/(2 T_R)): the
    # ergotropy of a diagonal passive state is 0
    assert data["ergotropy"] == pytest.approx(0, abs=1e-12)

    out = tmp_path / "s.csv"
    sweep = run("sweep", str(user_file), "--grid", "g=0.2:1:3", "--set", "omega_S=1.5",
                "--out", str(out), cwd=tmp_path)
    assert sweep.returncode == 0, sweep.stderr
    rows = list(csv.DictReader(out.open()))
    assert [float(r["g"]) for r in rows] == pytest.approx([0.2, 0.6, 1.0])
    for r in rows:  # detuned (omega_S != omega_R): work flows, first law closes
        assert float(r["heat_R_total"]) + float(r["work_total"]) == pytest.approx(0, abs=1e-10)


def test_models_only_file_check_and_derive(user_file: Path, tmp_path: Path) -> None:
    checked = run("check", str(user_file), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "currents vs matrix route" in checked.stdout
    assert "all cross-checks pass" in checked.stdout

    out = tmp_path / "gen"
    derived = run("derive", str(user_file), "--out", str(out), cwd=tmp_path)
    assert derived.returncode == 0, derived.stderr
    base = out / "my_model"
    report = (base / "report.md").read_text()
    assert "Lindblad form of qubit" in report
    tex = (base / "equations.tex").read_text()
    assert r"\dot{Q}" in tex
    # the generated kernel of the heat current agrees with the hand formula
    namespace: dict = {}
    exec((base / "kernels.py").read_text(), namespace)
    z, wr, g, t = -0.3, 1.2, 0.5, 0.8
    kwargs = {name: {"omega_S": 1.0, "omega_R": wr, "g": g, "T_R": t}[sym]
              for name, sym in namespace["PARAMETERS"].items()}
    rho = np.diag([(1 - z) / 2, (1 + z) / 2]).astype(complex)
    values = namespace["evaluate_all"](rho, **kwargs)
    assert values["heat_R_total"] == pytest.approx(-2 * g**2 * wr * (z + np.tanh(wr / (2 * t))))
    assert "figures" not in {p.name for p in base.iterdir()}


def test_wrong_printed_equation_is_reported_without_compare_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "my_paper.py"
    path.write_text(MODEL_SOURCE + PARAMETERS_SOURCE + CHECKS_SOURCE + FIGURE_SOURCE)
    assert "compare" not in path.read_text()
    out = tmp_path / "gen"
    result = run("derive", str(path), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = (out / "my_paper" / "report.md").read_text()
    assert "| Eq. (1) | heat current | holds |" in report
    assert "| Eq. (2) | heat current, sign slip | differs |" in report
    # the engine-built matrix route agrees with the derived side (and not with the slip)
    route_lines = [ln for ln in report.splitlines() if ln.startswith("- matrix route")]
    assert len(route_lines) == 2
    for line in route_lines:
        numbers = dict(part.strip().split(" ") for part in line.split(": ", 1)[1].split(","))
        assert float(numbers["matrices"]) == pytest.approx(float(numbers["derived"]), rel=1e-9)
    assert (out / "my_paper" / "figures" / "fig1.png").read_bytes().startswith(b"\x89PNG")
    checked = run("check", str(path), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout  # a paper's slip is not our failure
    assert "differs" in checked.stdout
    fig = run("figure", str(path), "fig1", "--out", str(tmp_path / "figs"), cwd=tmp_path)
    assert fig.returncode == 0, fig.stderr
    assert (tmp_path / "figs" / "my_paper" / "figures" / "captions.md").is_file()


def test_an_undecided_check_is_never_a_pass(tmp_path: Path) -> None:
    path = tmp_path / "undecided.py"
    path.write_text(MODEL_SOURCE + textwrap.dedent('''
        from symthermo.papers import Check

        CHECKS = [Check("Eq. (9)", "a printed equation with nothing to compare it with", g**2)]
    '''))
    checked = run("check", str(path), cwd=tmp_path)
    assert checked.returncode == 1
    assert "UNDECIDED" in checked.stdout and "A CROSS-CHECK FAILED" in checked.stdout
    derived = run("derive", str(path), "--out", str(tmp_path / "gen"), "--no-figures",
                  cwd=tmp_path)
    assert derived.returncode == 1
    report = (tmp_path / "gen" / "undecided" / "report.md").read_text()
    assert "| Eq. (9) | a printed equation with nothing to compare it with | undecided |" in report


def test_a_file_without_models_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.py"
    path.write_text("X = 1\n")
    result = run("steady", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert "declares no models" in result.stderr and "MODELS" in result.stderr


def test_derive_all_finds_the_papers_from_another_directory(tmp_path: Path) -> None:
    """Run outside the checkout: the papers come from the checkout next to the package (or the
    entry points of an installed symthermo)."""
    listed = run("list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    for name in ("common_reservoirs", "coupled_ensembles", "collective_ergotropy",
                 "memoryless_ness"):
        assert f"{name}:" in listed.stdout


# --------------------------------------------------------------------------------------------
# compare and the engine routes in-process
# --------------------------------------------------------------------------------------------

S1, S2, R = qubits("S1", "S2", "R")
w1, w2, wr, g1, g2, jx, t_r = sp.symbols("omega_S1 omega_S2 omega_R g_1 g_2 J_x T_R",
                                        positive=True)


def _two_qubit_model(scheme: str = "simultaneous"):
    res = bath("R", ThermalQubit(R, omega=wr, beta=1 / t_r), wr / 2 * R.z,
               {"S1": g1 * (S1.x * R.x + S1.y * R.y), "S2": g2 * (S2.x * R.x + S2.y * R.y)},
               scheme=scheme, beta=1 / t_r)
    return collision_model([S1, S2], w1 / 2 * S1.z + w2 / 2 * S2.z, res,
                           interaction=jx * S1.x * S2.x)


@pytest.mark.parametrize("scheme", ["simultaneous", "cascaded", "independent"])
def test_engine_routes_agree_with_the_derived_forms(scheme: str) -> None:
    model = _two_qubit_model(scheme)
    quantities = [HeatCurrent(model, "R", "local"), HeatCurrent(model, "R", "nonlocal"),
                  WorkCurrent(model, None, "total"), Heisenberg(model, S1.z * S2.x),
                  Dissipator(model)]
    for q in quantities:
        derived = q.derived()
        c = compare(Check("eq", "q", derived, of=q))
        assert c.status == STATUS_HOLDS
        ev = c.evidence
        assert ev.matrix_value == pytest.approx(ev.derived_value, rel=1e-9, abs=1e-13)
        if scheme == "independent" and getattr(q, "part", "") == "nonlocal":
            assert derived == 0 and abs(ev.matrix_value) < 1e-13  # separate ancillas
            continue
        assert abs(ev.matrix_value) > 1e-3  # a real number, not a trivial zero
        # a wrong form is caught by the route: 1.01 x derived is off by 1 %
        wrong = compare(Check("eq", "q", 1.01 * derived, of=q))
        assert wrong.status == STATUS_DIFFERS
        assert wrong.evidence.printed_value != pytest.approx(wrong.evidence.matrix_value,
                                                             rel=1e-4)


def test_matrix_routes_use_no_symbolic_products(monkeypatch: pytest.MonkeyPatch) -> None:
    """Independence: with the algebra's products and commutators disabled, the routes run."""
    import symthermo.algebra as algebra
    from symthermo.algebra.operator import Operator

    model = _two_qubit_model("cascaded")
    routes = [q.matrix_route([q.derived()]) for q in
              (HeatCurrent(model, "R"), WorkCurrent(model), Heisenberg(model, S2.y),
               Dissipator(model))]

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the matrix route used the symbolic algebra")

    monkeypatch.setattr(Operator, "__mul__", forbidden)
    monkeypatch.setattr(Operator, "__rmul__", forbidden)
    monkeypatch.setattr(algebra, "commutator", forbidden)
    for route in routes:
        subs, value = route(np.random.default_rng(7))
        assert np.isfinite(value) and subs


def test_heat_current_route_matches_the_hand_formula() -> None:
    """The single-qubit exchange model: matrices vs -2 g^2 omega_R (<z> + xi) by hand."""
    s, r = qubits("S", "R")
    w, wr_, g, t = sp.symbols("omega_S omega_R g T_R", positive=True)
    res = bath("R", ThermalQubit(r, omega=wr_, beta=1 / t), wr_ / 2 * r.z,
               {"S": g * (s.x * r.x + s.y * r.y)})
    model = collision_model([s], w / 2 * s.z, res)
    z = Expectation((("S", 3),))
    hand = -2 * g**2 * wr_ * (z + sp.tanh(wr_ / (2 * t)))
    route = HeatCurrent(model, "R", sampling=Sampling(default=(0.3, 2.0))).matrix_route([hand])
    subs, value = route(np.random.default_rng(3))
    assert value == pytest.approx(float(hand.xreplace(subs)), rel=1e-12)
    assert set(subs) >= {w, wr_, g, t, z}


def test_mapping_and_undecided_statuses() -> None:
    model = _two_qubit_model()
    zr = sp.Symbol("<sigma^z_R>")
    derived = HeatCurrent(model, "R").derived()
    xi = sp.tanh(wr / (2 * t_r))
    printed = derived.subs(xi, -zr)
    c = compare(Check("eq", "q", printed, mapping=lambda e: e.subs(zr, -xi),
                      of=HeatCurrent(model, "R")))
    assert c.status == STATUS_CONVENTION
    d = Derivation("x", "x", (), {}, {}, checks=[Check("eq", "q", g1)])
    assert decide(d).checks[0].status == STATUS_UNDECIDED


def test_build_with_uncompared_checks_is_compared_by_the_framework(tmp_path: Path) -> None:
    """A build() that never calls compare: every check still gets its status (no silent pass)."""
    path = tmp_path / "built.py"
    path.write_text(MODEL_SOURCE + textwrap.dedent('''
        from symthermo.algebra import Expectation
        from symthermo.papers import Check, Derivation, HeatCurrent

        def build():
            model = MODELS["qubit"]
            z = Expectation((("S", 3),))
            wrong = 2 * g**2 * wr * (z + sp.tanh(wr / (2 * T)))  # sign slip
            return Derivation("built", "t", (), MODELS, {"qubit": {w: 1.0, wr: 1.2, g: 0.5,
                                                                  T: 0.8}},
                              checks=[Check("Eq. (1)", "heat", wrong, of=HeatCurrent(model, "R"))])
    '''))
    checked = run("check", str(path), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    row = next(ln for ln in checked.stdout.splitlines() if ln.startswith("Eq. (1)"))
    assert "differs" in row and "agrees" in row  # ours agrees with the matrices; the paper not


def test_a_file_with_only_models_works_with_every_command(tmp_path: Path) -> None:
    """No PARAMETERS: list and derive need none, check draws values, steady/sweep take --set."""
    path = tmp_path / "bare.py"
    path.write_text(MODEL_SOURCE)
    assert "PARAMETERS" not in path.read_text() and "def " not in path.read_text()
    listed = run("list", str(path), cwd=tmp_path)
    assert listed.returncode == 0 and "--model qubit" in listed.stdout, listed.stderr
    derived = run("derive", str(path), "--out", str(tmp_path / "gen"), cwd=tmp_path)
    assert derived.returncode == 0, derived.stderr
    assert (tmp_path / "gen" / "bare" / "kernels.py").is_file()
    checked = run("check", str(path), cwd=tmp_path)
    assert checked.returncode == 0 and "all cross-checks pass" in checked.stdout
    missing = run("steady", str(path), cwd=tmp_path)
    assert missing.returncode == 2 and "--set" in missing.stderr
    sets = ["--set", "omega_S=1", "--set", "omega_R=1", "--set", "g=0.4", "--set", "T_R=0.5"]
    steady = run("steady", str(path), "--json", *sets, cwd=tmp_path)
    assert steady.returncode == 0, steady.stderr
    data = json.loads(steady.stdout)  # resonant exchange: S thermalises at the bath's T
    assert data["heat"]["R"]["total"] == pytest.approx(0, abs=1e-12)
    assert data["ergotropy"] == pytest.approx(0, abs=1e-12)  # a Gibbs state is passive
    swept = run("sweep", str(path), "--grid", "T_R=0.5:1:2", *sets[:6], "--out",
                str(tmp_path / "s.csv"), cwd=tmp_path)
    assert swept.returncode == 0, swept.stderr
    assert len((tmp_path / "s.csv").read_text().splitlines()) == 3
