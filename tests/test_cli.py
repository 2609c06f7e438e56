"""The command line: one-line user errors with exit 2, derive reproducible, steady --json.

`steady` is checked against an independent route: the steady state of the Liouvillian built
directly from the coupling matrices and the matrix-route currents.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from symthermo.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "symthermo.cli", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["steady", "no_such_paper"], "unknown derivation"),
        (["steady", "memoryless_ness", "--set", "nonsense=1"], "unknown parameter"),
        (["steady", "memoryless_ness", "--set", "beta"], "KEY=VALUE"),
        (["steady", "memoryless_ness", "--model", "nope"], "no model"),
        (["derive"], "--all"),
        (["sweep", "memoryless_ness", "--grid", "beta=1:2"], "start:stop:num"),
    ],
)
def test_user_errors_print_one_line_and_exit_2(args: list[str], fragment: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("symthermo: error:")]
    assert len(lines) == 1 and fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_steady_json_matches_direct_liouvillian_and_matrix_route() -> None:
    from symthermo.cli import models_and_parameters
    from symthermo.numeric.model_dynamics import direct_liouvillian
    from symthermo.numeric.model_matrices import heat_current_matrix, work_current_matrix
    from symthermo.numeric.steady import steady_state

    result = run("steady", "memoryless_ness", "--model", "xy", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "derivation", "model", "parameters", "heat", "work", "energy_rate", "l1_coherence",
        "ergotropy", "stationary_dimension",
    }
    _, models, parameters = models_and_parameters("memoryless_ness")
    model, params = models["xy"], parameters["xy"]
    rho = steady_state(direct_liouvillian(model, params)).rho
    for bath in model.baths:
        for part in ("local", "nonlocal", "total"):
            ref = heat_current_matrix(model, bath.name, part, rho, params)
            assert data["heat"][bath.name][part] == pytest.approx(ref, abs=1e-10)
    for part in ("local", "nonlocal", "total"):
        ref = work_current_matrix(model, None, part, rho, params)
        assert data["work"][part] == pytest.approx(ref, abs=1e-10)
    assert data["stationary_dimension"] == 1
    assert data["energy_rate"] == pytest.approx(0, abs=1e-10)
    off = np.abs(rho - np.diag(np.diag(rho))).sum()
    assert data["l1_coherence"] == pytest.approx(off, abs=1e-10)


def test_derive_is_byte_identical_twice(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["derive", "memoryless_ness", "--out", str(a), "--no-figures"]) == 0
    assert main(["derive", "memoryless_ness", "--out", str(b), "--no-figures"]) == 0
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b and Path("memoryless_ness/report.md") in files_a
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    text = (a / "memoryless_ness" / "report.md").read_text()
    assert str(tmp_path) not in text


def test_check_passes_for_a_paper(capsys: pytest.CaptureFixture) -> None:
    assert main(["check", "memoryless_ness"]) == 0
    out = capsys.readouterr().out
    assert "all cross-checks pass" in out and "FAIL" not in out


def test_sweep_writes_a_tidy_stable_csv(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    args = ["sweep", "memoryless_ness", "--model", "xy", "--grid", "beta=0.5:2:4",
            "--out", str(out)]
    assert main(args) == 0
    first = out.read_bytes()
    assert main(args) == 0
    assert out.read_bytes() == first
    header = first.decode().splitlines()[0].split(",")
    assert header[0] == "beta" and "heat_E_total" in header and "work_total" in header
    rows = [list(map(float, r.split(","))) for r in first.decode().splitlines()[1:]]
    assert len(rows) == 4
    total_heat = header.index("heat_E_total")
    total_work = header.index("work_total")
    for r in rows:  # first law at the steady state: Qdot + Wdot = 0
        assert r[total_heat] + r[total_work] == pytest.approx(0, abs=1e-10)


def test_help_documents_every_argument(capsys: pytest.CaptureFixture) -> None:
    import re

    from symthermo.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command").choices
    for name, sub in subparsers.items():
        for action in sub._actions:
            if action.dest == "help":
                continue
            assert action.help, f"{name}: argument {action.dest} has no help"
    sweep = subparsers["sweep"].format_help()
    assert re.search(r"start\s+to\s+stop", sweep) and "linspace" in sweep
    assert "symthermo list" in sweep and "sweep.csv" in sweep


def test_list_one_file_and_announced_default_out(tmp_path, capsys, monkeypatch) -> None:
    assert main(["list", "derivations/memoryless_ness.py"]) == 0
    out = capsys.readouterr().out
    assert "--model xy: J_x=1, J_y=0.5" in out and "common_reservoirs" not in out
    monkeypatch.chdir(tmp_path)
    root = Path(__file__).resolve().parent.parent
    args = ["sweep", str(root / "derivations" / "memoryless_ness.py"), "--model", "xy",
            "--grid", "beta=0.5:2:2"]
    assert main(args) == 0
    assert "no --out given: writing the table to sweep.csv" in capsys.readouterr().err
    assert (tmp_path / "sweep.csv").is_file()


def test_work_and_heat_current_take_model_bath_part() -> None:
    import sympy as sp

    from symthermo.algebra import qubits
    from symthermo.errors import ModelError
    from symthermo.model import bath, collision_model
    from symthermo.states import ThermalQubit
    from symthermo.thermo import heat_current, work_current

    S, R = qubits("S", "R")
    w, g, xi = sp.symbols("omega g xi", real=True)
    res = bath("R", ThermalQubit(R, tanh=xi), w / 2 * R.z, {"S": g * S.x * R.x})
    model = collision_model([S], w / 2 * S.z, res)
    assert work_current(model, "local") == work_current(model, None, "local")
    assert work_current(model, "R", "local") == work_current(model, part="local")
    with pytest.raises(ModelError, match=r"heat_current\(model, 'R', 'local'\)"):
        heat_current(model, "local")
