"""Numpy kernels: standalone (no sympy), equal to sympy and to the matrix route, deterministic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy

from symthermo.algebra import Expectation, boson, commutator, operator_sum, qubits
from symthermo.emit import EmitError, Quantity, kernel_source, load_kernels, write_kernels
from symthermo.emit.kernels import Constants, horner
from symthermo.numeric.matrices import evaluate, operator_matrix
from symthermo.states import ThermalQubit, trace_out

ROOT = Path(__file__).resolve().parents[1]

S1, S2, R = qubits("S1", "S2", "R")
PARAMS = sympy.symbols("omega_S1 omega_S2 omega_R Jx_s Jy_s Jx_1 Jy_1 Jx_2 Jy_2 beta", real=True)
w1, w2, w_r, Jxs, Jys, Jx1, Jy1, Jx2, Jy2, beta = PARAMS


def common_reservoir():
    """Two coupled qubits in one common qubit reservoir: H_S, H_R, couplings V_i."""
    HS = w1 / 2 * S1.z + w2 / 2 * S2.z + Jxs * S1.x * S2.x + Jys * S1.y * S2.y
    HR = w_r / 2 * R.z
    V = [Jx1 * S1.x * R.x + Jy1 * S1.y * R.y, Jx2 * S2.x * R.x + Jy2 * S2.y * R.y]
    return HS, HR, V


def currents():
    HS, HR, V = common_reservoir()
    st = ThermalQubit(R, omega=w_r, beta=beta)
    half = sympy.Rational(1, 2)

    def dc(i, j, X):
        return commutator(V[j], commutator(V[i], X))

    pairs_loc = [(0, 0), (1, 1)]
    pairs_non = [(0, 1), (1, 0)]
    heat = [half * trace_out(operator_sum(dc(i, j, HR) for i, j in p), st)
            for p in (pairs_loc, pairs_non)]
    work = [-half * trace_out(operator_sum(dc(i, j, HS + HR) for i, j in p), st)
            for p in (pairs_loc, pairs_non)]
    return [
        Quantity("heat_local_R", heat[0], description="local heat, common reservoir R"),
        Quantity("heat_nonlocal_R", heat[1]),
        Quantity("work_local", work[0]),
        Quantity("work_nonlocal", work[1]),
    ]


QUANTITIES = currents()


def random_rho(rng, d, batch=()):
    a = rng.normal(size=(*batch, d, d)) + 1j * rng.normal(size=(*batch, d, d))
    rho = a @ np.conj(np.swapaxes(a, -1, -2))
    return rho / np.trace(rho, axis1=-2, axis2=-1)[..., None, None]


def random_params(rng, module, batch=()):
    return {name: rng.uniform(0.2, 1.5, size=batch) for name in module.PARAMETERS}


@pytest.fixture(scope="module")
def module():
    return load_kernels(QUANTITIES, [S1, S2])


def _thermal_r(params):
    t = np.tanh(params["beta"] * params["omega_R"] / 2)
    return np.diag([(1 + t) / 2, (1 - t) / 2]).astype(complex)  # <sigma_z> = -t


def _matrix_currents(rho_s, params):
    """The four currents straight from matrices: Tr[(rho_S x rho_R) [V_j, [V_i, X]]]."""
    HS, HR, V = common_reservoir()
    subs = {sympy.Symbol(k, real=True): v for k, v in params.items()}
    sites = [S1, S2, R]
    hs, hr = (operator_matrix(op, sites, params=subs) for op in (HS, HR))
    vs = [operator_matrix(v, sites, params=subs) for v in V]
    rho = np.kron(rho_s, _thermal_r(params))

    def c(a, b):
        return a @ b - b @ a

    def tr(x):
        return np.trace(rho @ x).real

    loc = [(0, 0), (1, 1)]
    non = [(0, 1), (1, 0)]
    return {
        "heat_local_R": 0.5 * sum(tr(c(vs[j], c(vs[i], hr))) for i, j in loc),
        "heat_nonlocal_R": 0.5 * sum(tr(c(vs[j], c(vs[i], hr))) for i, j in non),
        "work_local": -0.5 * sum(tr(c(vs[j], c(vs[i], hs + hr))) for i, j in loc),
        "work_nonlocal": -0.5 * sum(tr(c(vs[j], c(vs[i], hs + hr))) for i, j in non),
    }


def _close(a, b, rtol=1e-12):
    a, b = np.asarray(a), np.asarray(b)
    scale = np.maximum(np.abs(b), 1.0)
    assert np.all(np.abs(a - b) <= rtol * scale), (a, b)


def test_standalone_module_without_sympy_equals_sympy_and_matrices(tmp_path):
    write_kernels(tmp_path / "cr_kernels.py", QUANTITIES, [S1, S2])
    rng = np.random.default_rng(1)
    n = 5
    rho = random_rho(rng, 4, (n,))
    names = [str(p) for p in PARAMS]
    params = {k: rng.uniform(0.2, 1.5, size=n) for k in names}
    np.save(tmp_path / "rho.npy", rho)
    np.savez(tmp_path / "params.npz", **params)
    script = (
        "import sys, json\n"
        "sys.modules['sympy'] = None\n"  # importing sympy fails in this process
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "import numpy as np\n"
        "import cr_kernels as k\n"
        "assert 'sympy' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
        f"rho = np.load({str(tmp_path / 'rho.npy')!r})\n"
        f"p = dict(np.load({str(tmp_path / 'params.npz')!r}))\n"
        "out = k.evaluate_all(rho, **p)\n"
        "ev = k.expectations_from_rho(rho)\n"
        "single = k.heat_local_R(**{a: {**p, **ev}[a] for a in k.QUANTITIES['heat_local_R']"
        "['parameters'] + k.QUANTITIES['heat_local_R']['expectations']})\n"
        "print(json.dumps({'out': {q: v.tolist() for q, v in out.items()},"
        " 'single': single.tolist(), 'ev': {e: v.tolist() for e, v in ev.items()}}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    res = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    _close(data["single"], data["out"]["heat_local_R"])
    for q in QUANTITIES:
        got = np.array(data["out"][q.name])
        for k in range(n):
            point = {sympy.Symbol(p, real=True): params[p][k] for p in names}
            via_sympy = evaluate(q.expr, rho[k], [S1, S2], params=point)
            assert abs(via_sympy.imag) < 1e-12
            _close(got[k], via_sympy.real)
            _close(got[k], _matrix_currents(rho[k], {p: params[p][k] for p in names})[q.name])


def test_expectations_from_rho_match_matrices(module):
    rng = np.random.default_rng(2)
    rho = random_rho(rng, 4, (3,))
    ev = module.expectations_from_rho(rho)
    for arg, (_plain, mono, real) in module.EXPECTATIONS.items():
        assert real
        for k in range(3):
            e = Expectation(mono)
            _close(ev[arg][k], evaluate(e, rho[k], [S1, S2]).real)
    with pytest.raises(ValueError, match="shape"):
        module.expectations_from_rho(np.eye(2))


def test_broadcasting_chunking_threads(module):
    rng = np.random.default_rng(3)
    rho = random_rho(rng, 4, (3, 1))
    params = random_params(rng, module, (4,))
    params["beta"] = 0.7  # a scalar among arrays
    ref = module.evaluate_all(rho, **params)
    assert ref["work_local"].shape == (3, 4)
    old = module.CHUNK, module.THREADS
    try:
        module.CHUNK, module.THREADS = 5, 1  # chunks not dividing 12
        small = module.evaluate_all(rho, **params)
        module.CHUNK, module.THREADS = 2, 3
        threaded = module.evaluate_all(rho, **params)
    finally:
        module.CHUNK, module.THREADS = old
    for name in ref:
        _close(small[name], ref[name], 1e-14)
        _close(threaded[name], ref[name], 1e-14)
    # scalars in, scalar out
    point = {a: 0.5 for a in module.QUANTITIES["heat_nonlocal_R"]["parameters"]}
    point.update({a: 0.1 for a in module.QUANTITIES["heat_nonlocal_R"]["expectations"]})
    value = module.heat_nonlocal_R(**point)
    assert np.ndim(value) == 0
    with pytest.raises(TypeError, match="missing"):
        module.evaluate(beta=1.0)


def test_metadata(module):
    assert module.SITES == (("S1", "qubit"), ("S2", "qubit"))
    assert module.DIMENSION == 4
    assert set(module.QUANTITIES) == {q.name for q in QUANTITIES}
    info = module.QUANTITIES["heat_local_R"]
    assert info["dtype"] == "float64"
    assert "tanh" in info["formula"] and "tanh" in module.heat_local_R.__doc__
    assert module.EXPECTATIONS["E_S1x_S2x"][1] == (("S1", 1), ("S2", 1))
    assert module.PARAMETERS["omega_S1"] == "omega_S1"


def test_emitting_twice_is_byte_identical_across_hash_seeds(tmp_path):
    code = (
        "import sys; sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})\n"
        "import test_emit_kernels as t\n"
        "from symthermo.emit import kernel_source\n"
        "sys.stdout.write(kernel_source(t.QUANTITIES, [t.S1, t.S2]))\n"
    ).format(root=str(ROOT), tests=str(ROOT / "tests"))
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env,
                             check=False)
        assert res.returncode == 0, res.stderr.decode()
        outs.append(res.stdout)
    assert outs[0] == outs[1]
    assert outs[0].decode() == kernel_source(QUANTITIES, [S1, S2])
    assert b"/tmp" not in outs[0] and str(ROOT).encode() not in outs[0]


def test_horner_is_exact():
    for q in QUANTITIES:
        constants = Constants()
        h = horner(q.expr, "parameters first", constants)
        back = h.xreplace(constants.values)
        assert sympy.expand(back - q.expr) == 0


def test_complex_boson_quantity_and_cutoff():
    b = boson("B")
    g = sympy.Symbol("g", real=True)
    ad2a = Expectation((("B", (2, 1)),))  # complex expectation value
    n = Expectation((("B", (1, 1)),))
    zq = Expectation((("Q", 3),))
    q = Quantity("mixed", g * ad2a + sympy.I * g**2 * n + sympy.exp(g) / (1 + g**2) * zq)
    with pytest.raises(EmitError, match="cutoff"):
        kernel_source([q], [b, ("Q", "qubit")])
    mod = load_kernels([q], [("Q", "qubit"), b], cutoff=4)
    assert mod.QUANTITIES["mixed"]["dtype"] == "complex128"
    rng = np.random.default_rng(4)
    rho = random_rho(rng, 8, (2,))
    out = mod.evaluate_all(rho, g=np.array([0.3, 1.1]))
    from symthermo.algebra import qubit

    sites = [qubit("Q"), b]
    for k, gv in enumerate([0.3, 1.1]):
        ref = evaluate(q.expr, rho[k], sites, params={g: gv}, cutoff=4)
        _close(out["mixed"][k], ref)


def test_bad_inputs():
    with pytest.raises(EmitError, match="identifier"):
        Quantity("heat-local", sympy.Integer(1))
    with pytest.raises(EmitError, match="distinct"):
        kernel_source([QUANTITIES[0], QUANTITIES[0]], [S1, S2])
    with pytest.raises(EmitError, match="not among the sites"):
        kernel_source(QUANTITIES, [S1])
    with pytest.raises(EmitError, match="reserved"):
        kernel_source([Quantity("evaluate", sympy.Symbol("x"))])


def test_odd_parameter_names_become_identifiers():
    gm = sympy.Symbol("gamma^-_h,12", real=True)
    lam = sympy.Symbol("lambda", real=True)
    mod = load_kernels([Quantity("rate", gm * lam + 1)])
    assert mod.PARAMETERS == {"gamma_m_h_12": "gamma^-_h,12", "lambda_": "lambda"}
    assert mod.rate(gamma_m_h_12=2.0, lambda_=3.0) == 7.0


@pytest.mark.skipif(
    not any(__import__("shutil").which(c) for c in ("cc", "gcc")), reason="no C compiler"
)
def test_c_kernels_match_numpy(tmp_path, module):
    import shutil

    from symthermo.emit import c_source, compile_c_kernels

    compiler = "cc" if shutil.which("cc") else "gcc"
    ck = compile_c_kernels(QUANTITIES, [S1, S2], directory=tmp_path, compiler=compiler)
    assert ck.source == c_source(QUANTITIES, [S1, S2])
    rng = np.random.default_rng(5)
    rho = random_rho(rng, 4, (7,))
    params = random_params(rng, module, (7,))
    params["beta"] = 0.9  # a broadcast scalar
    ev = module.expectations_from_rho(rho)
    ref = module.evaluate(**params, **ev)
    got = ck.evaluate(**params, **ev)
    for name in ref:
        _close(got[name], ref[name])
    args = {a: {**params, **ev}[a] for a in ck.arguments["heat_nonlocal_R"]}
    _close(ck.heat_nonlocal_R(**args), ref["heat_nonlocal_R"])


def test_functions_powers_and_divisions():
    a, b, c = sympy.symbols("a b c", real=True)
    z = Expectation((("S1", 3),))
    exprs = {
        "f1": sympy.sqrt(a) * b**3 / (1 + c**2) - 2 * sympy.exp(-a * b) * z,
        "f2": (a + b) ** -2 + sympy.Rational(3, 7) * sympy.cosh(c) * z**2 + sympy.pi,
        "f3": 2**a * sympy.log(b) / z - sympy.Float("0.1") * c,
    }
    mod = load_kernels([Quantity(k, v) for k, v in exprs.items()])
    rng = np.random.default_rng(6)
    vals = {"a": rng.uniform(0.1, 2, 9), "b": rng.uniform(0.1, 2, 9), "c": rng.uniform(-1, 1, 9),
            "E_S1z": rng.uniform(0.2, 1, 9)}
    out = mod.evaluate(**vals)
    syms = [a, b, c, z]
    for name, e in exprs.items():
        ref = sympy.lambdify(syms, e, "numpy")(vals["a"], vals["b"], vals["c"], vals["E_S1z"])
        _close(out[name], ref)
    with pytest.raises(EmitError, match="no numpy kernel"):
        kernel_source([Quantity("g", sympy.besselj(0, a))])


@pytest.mark.skipif(
    not any(__import__("shutil").which(c) for c in ("cc", "gcc")), reason="no C compiler"
)
def test_c_kernels_write_into_out_and_split_over_threads(tmp_path, module):
    """Preallocated outputs are filled in place and threaded runs equal the numpy module."""
    import shutil

    from symthermo.emit import compile_c_kernels

    compiler = "cc" if shutil.which("cc") else "gcc"
    ck = compile_c_kernels(QUANTITIES, [S1, S2], directory=tmp_path, compiler=compiler)
    rng = np.random.default_rng(8)
    rho = random_rho(rng, 4, (1001,))
    params = random_params(rng, module, (1001,))
    ev = module.expectations_from_rho(rho)
    ref = module.evaluate(**params, **ev)
    ck.THREAD_MIN, ck.threads = 100, 3  # three threads on 1001 points
    out = {name: np.full(1001, np.nan) for name in ref}
    got = ck.evaluate(out=out, **params, **ev)
    for name in ref:
        assert got[name] is not None and np.shares_memory(got[name], out[name])
        _close(out[name], ref[name])
    for k in (0, 333, 334, 667, 1000):  # first and last points of each thread's range
        point = {p: float(np.broadcast_to(v, (1001,))[k]) for p, v in params.items()}
        matrices = _matrix_currents(rho[k], point)
        for name in ref:
            _close(out[name][k], matrices[name])
    with pytest.raises(ValueError, match="C-contiguous float64 array of shape"):
        ck.evaluate(out={next(iter(ref)): np.empty(7)}, **params, **ev)
