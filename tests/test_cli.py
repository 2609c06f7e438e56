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
