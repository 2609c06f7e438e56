"""Sweeps on executors: a process pool and a Dask LocalCluster give the single-process table
byte for byte; the table's values agree with the direct (matrix) route."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from symthermo.cli import main, models_and_parameters
from symthermo.errors import SymthermoError
from symthermo.numeric.matrices import evaluate
from symthermo.numeric.model_dynamics import model_steady_state
from symthermo.sweep import GridAxis, run_sweep, sweep_plan, write_table
from symthermo.thermo import heat_current


@pytest.fixture(scope="module")
def two_qubit():
    _, models, params = models_and_parameters("common_reservoirs")
    defaults = {str(k): v for k, v in params["single"].items()}
    axes = [GridAxis.parse("Jx_s=0.1:2:9"), GridAxis.parse("T_R=0.5:3:7")]
    return models["single"], defaults, axes


def _csv(table, path: Path) -> bytes:
    return write_table(table, path).read_bytes()


def test_executors_give_the_single_process_table_byte_for_byte(two_qubit, tmp_path):
    model, defaults, axes = two_qubit
    serial = _csv(run_sweep(model, defaults, axes, chunk=10, progress=None), tmp_path / "a.csv")
    with ThreadPoolExecutor(2) as pool:
        threads = run_sweep(model, defaults, axes, chunk=10, progress=None, executor=pool)
    assert _csv(threads, tmp_path / "b.csv") == serial
    with ProcessPoolExecutor(2) as pool:
        procs = run_sweep(model, defaults, axes, chunk=10, progress=None, executor=pool)
    assert _csv(procs, tmp_path / "c.csv") == serial
    assert len(serial.decode().splitlines()) == 1 + 9 * 7


def test_dask_local_cluster_gives_the_same_table(two_qubit, tmp_path):
    distributed = pytest.importorskip("distributed")
    model, defaults, axes = two_qubit
    serial = _csv(run_sweep(model, defaults, axes, chunk=10, progress=None), tmp_path / "a.csv")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        table = run_sweep(model, defaults, axes, chunk=10, progress=None, executor=client)
    assert _csv(table, tmp_path / "d.csv") == serial


def test_sweep_rows_agree_with_the_direct_route(two_qubit):
    model, defaults, axes = two_qubit
    table = run_sweep(model, defaults, axes, chunk=16, progress=None)
    plan = sweep_plan(model, defaults, axes)
    q = heat_current(model, "R", "nonlocal")
    for i in (0, 17, 62):
        values = {s: float(defaults[str(s)]) for s in model_symbols(plan)}
        for ax in axes:
            values[next(s for s in values if str(s) == ax.name)] = float(table[ax.name][i])
        rho = model_steady_state(model, values, route="direct").rho
        expected = evaluate(q, rho, model.system_sites, values).real
        assert table["heat_R_nonlocal"][i] == pytest.approx(expected, abs=1e-10)


def model_symbols(plan):
    from symthermo.numeric.model_dynamics import LiouvillianBuilder

    return LiouvillianBuilder(plan.model).parameters


def test_cli_workers_flag_gives_identical_bytes(tmp_path):
    base = ["sweep", "memoryless_ness", "--model", "xy", "--grid", "beta=0.5:2:6",
            "--grid", "J_x=0.2:1:3", "--chunk", "4"]
    assert main([*base, "--out", str(tmp_path / "one.csv")]) == 0
    assert main([*base, "--workers", "2", "--out", str(tmp_path / "two.csv")]) == 0
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()


def test_bad_executor_and_flags_are_clear_errors(two_qubit, capsys):
    model, defaults, axes = two_qubit
    with pytest.raises(SymthermoError, match=r"neither a concurrent\.futures\.Executor"):
        run_sweep(model, defaults, axes, progress=None, executor=object())
    assert main(["sweep", "memoryless_ness", "--grid", "beta=1:2:2", "--workers", "2",
                 "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "not both" in capsys.readouterr().err
    assert not np.isnan(run_sweep(model, defaults, axes[:1], progress=None)["work_total"]).any()


def test_operators_pickle_portably_into_a_fresh_process(two_qubit):
    """Coefficient atoms are interned per process: a pickled model must mean the same thing in
    a new interpreter (spawned Dask / process-pool workers)."""
    import pickle
    import subprocess
    import sys

    from symthermo.thermo import heat_current_operator

    model, _, _ = two_qubit
    op = heat_current_operator(model, "R", "nonlocal")
    assert pickle.loads(pickle.dumps(op)) == op
    code = ("import pickle, sys; from symthermo.algebra import qubits; qubits('Z9'); "
            "op = pickle.loads(sys.stdin.buffer.read()); print(op)")
    out = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(op),
                         capture_output=True, check=True, cwd=Path(__file__).parent.parent)
    assert out.stdout.decode().strip() == str(op)


def test_cli_scheduler_flag_gives_identical_bytes(tmp_path):
    distributed = pytest.importorskip("distributed")
    base = ["sweep", "memoryless_ness", "--model", "xy", "--grid", "beta=0.5:2:5",
            "--chunk", "2"]
    assert main([*base, "--out", str(tmp_path / "one.csv")]) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        args = [*base, "--scheduler", cluster.scheduler_address,
                "--out", str(tmp_path / "dask.csv")]
        assert main(args) == 0
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "dask.csv").read_bytes()
