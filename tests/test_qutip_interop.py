"""QuTiP interop: exported H / collapse operators / Liouvillian against QuTiP's own solvers.

QuTiP is an outside opinion: its ``steadystate`` and ``mesolve`` run on the exported objects
and must agree with symthermo's Liouvillian steady state and exact propagator (1e-8) for every
model of every paper derivation.  The diagonal Lindblad form (real rates) must give exactly the
Liouvillian of the derived Lindblad form.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy

qutip = pytest.importorskip("qutip")

from symthermo.algebra import qubits  # noqa: E402
from symthermo.cli import DERIVATION_NAMES, models_and_parameters  # noqa: E402
from symthermo.errors import SymthermoError  # noqa: E402
from symthermo.interop.qutip import (  # noqa: E402
    from_qutip,
    state_from_qutip,
    state_to_qutip,
    to_qutip,
)
from symthermo.jumps import diagonal_lindblad_form  # noqa: E402
from symthermo.model import bath, collision_model  # noqa: E402
from symthermo.numeric.errors import DegenerateSteadyStateError  # noqa: E402
from symthermo.numeric.matrices import dimensions, operator_matrix  # noqa: E402
from symthermo.numeric.model_dynamics import lindblad_liouvillian_of  # noqa: E402
from symthermo.numeric.steady import expm, steady_state  # noqa: E402
from symthermo.numeric.superop import lindblad_liouvillian, unvec, vec  # noqa: E402
from symthermo.states import ThermalQubit  # noqa: E402


def _cases():
    for name in DERIVATION_NAMES:
        _, models, params = models_and_parameters(name)
        for variant, model in models.items():
            yield pytest.param(model, params[variant], id=f"{name}-{variant}")


CASES = list(_cases())


def _random_state(d: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    rho = a @ a.conj().T
    return rho / np.trace(rho)


@pytest.mark.parametrize(("model", "values"), CASES)
def test_diagonal_form_gives_the_derived_liouvillian(model, values):
    form = diagonal_lindblad_form(model)
    sites = model.system_sites
    cops = form.numeric_jumps(values, sites)
    H = operator_matrix(form.hamiltonian, sites, None, values)
    L = lindblad_liouvillian(H, np.stack(cops), np.eye(len(cops)))
    assert np.abs(L - lindblad_liouvillian_of(model, values)).max() < 1e-12
    for j in form.jumps:  # real, non-negative rates
        g = complex(j.rate.subs(values).evalf())
        assert abs(g.imag) < 1e-14 and g.real >= 0


@pytest.mark.parametrize(("model", "values"), CASES)
def test_qutip_steadystate_and_mesolve_agree(model, values):
    q = to_qutip(model, values)
    ours = lindblad_liouvillian_of(model, values)
    # the exported Liouvillian, flipped back, is ours
    back = from_qutip(q.liouvillian)
    assert np.abs(back.liouvillian - ours).max() < 1e-12
    assert np.abs(from_qutip(q.H, list(q.c_ops)).liouvillian - ours).max() < 1e-12
    # QuTiP's steady state (when unique) against ours
    try:
        rho_ours = steady_state(ours).rho
    except DegenerateSteadyStateError:
        rho_ours = None
    if rho_ours is not None:
        rho_q = qutip.steadystate(q.H, list(q.c_ops))
        assert np.abs(q.state_to_symthermo(rho_q) - rho_ours).max() < 1e-8
    # QuTiP's mesolve from a random state against the exact propagator exp(L t)
    d = int(np.prod(q.dims))
    rho0 = _random_state(d, 7)
    t = 0.7
    res = qutip.mesolve(q.H, state_to_qutip(rho0, q.dims), [0.0, t], list(q.c_ops),
                        options={"atol": 1e-13, "rtol": 1e-11, "nsteps": 100000})
    rho_t = unvec(expm(ours * t) @ vec(rho0))
    assert np.abs(q.state_to_symthermo(res.states[-1]) - rho_t).max() < 1e-8


def _single_qubit_model():
    (S, R) = qubits("S", "R")
    w, g, xi = sympy.symbols("omega g xi_R", real=True)
    res = bath("R", ThermalQubit(R, tanh=xi), w / 2 * R.z, {"S": g * (S.x * R.x + S.y * R.y)})
    return collision_model([S], w / 2 * S.z, res), {w: 1.3, g: 0.4, xi: 0.3}, (w, g, xi)


def test_basis_conversion_reads_as_qutip_users_write_it():
    model, values, _ = _single_qubit_model()
    q = to_qutip(model, values)
    # our H = (omega/2) sigma_z is QuTiP's omega/2 * sigmaz()
    assert np.allclose(q.H.full(), (0.65 * qutip.sigmaz()).full())
    # jump operators are sigma_+ (gamma = 2 g^2 (1 - xi)) and sigma_- (gamma = 2 g^2 (1 + xi))
    ops = {tuple(np.round(m.full().ravel(), 12)): r for m, r in zip(q.jump_operators, q.rates,
                                                                      strict=True)}
    assert ops[tuple(qutip.sigmap().full().ravel())] == pytest.approx(2 * 0.16 * 0.7)
    assert ops[tuple(qutip.sigmam().full().ravel())] == pytest.approx(2 * 0.16 * 1.3)
    # QuTiP's expect(sigmaz(), rho_ss) is our <sigma_z> = -xi at the steady state
    rho_q = qutip.steadystate(q.H, list(q.c_ops))
    assert qutip.expect(qutip.sigmaz(), rho_q) == pytest.approx(-0.3, abs=1e-10)
    # our ground state |0> is QuTiP's basis(2, 1)
    ground = np.diag([1.0, 0.0]).astype(complex)
    assert np.allclose(state_to_qutip(ground, [2]).full(), qutip.ket2dm(qutip.basis(2, 1)).full())
    assert np.allclose(state_from_qutip(qutip.basis(2, 1)), ground)
    # basis="symthermo" keeps our matrices: there sigmaz() is minus our sigma_z
    raw = to_qutip(model, values, basis="symthermo")
    assert np.allclose(raw.H.full(), (-0.65 * qutip.sigmaz()).full())


def test_diagonal_form_names_rates_and_prints_them():
    model, _, (_, g, xi) = _single_qubit_model()
    form = diagonal_lindblad_form(model)
    rates = {j.operator_str(): j.rate for j in form.jumps}
    assert sympy.simplify(rates["sigma^+_S"] - 2 * g**2 * (1 - xi)) == 0
    assert sympy.simplify(rates["sigma^-_S"] - 2 * g**2 * (1 + xi)) == 0
    text = str(form)
    assert "gamma_R,1 = " in text and "L = sigma^+_S" in text
    assert r"\gamma" in form._repr_latex_()


def test_from_qutip_user_model_into_symthermo_measures():
    # a QuTiP user's thermal qubit: decay and excitation at n = 0.25
    n, gamma = 0.25, 0.1
    H = 0.5 * qutip.sigmaz()
    c_ops = [np.sqrt(gamma * (n + 1)) * qutip.sigmam(), np.sqrt(gamma * n) * qutip.sigmap()]
    imported = from_qutip(H, c_ops)
    rho = imported.steady_state().rho
    # excited population n/(2n+1) sits at our index 1
    assert rho[1, 1].real == pytest.approx(n / (2 * n + 1), abs=1e-12)
    assert np.allclose(rho, state_from_qutip(qutip.steadystate(H, c_ops)), atol=1e-10)
    assert np.allclose(imported.hamiltonian, np.diag([-0.5, 0.5]))


def test_interop_errors_are_clear():
    model, values, (w, _, _) = _single_qubit_model()
    with pytest.raises(SymthermoError, match="no value for parameters"):
        to_qutip(model, {w: 1.0})
    with pytest.raises(SymthermoError, match="basis"):
        to_qutip(model, values, basis="excited-first")
    with pytest.raises(SymthermoError, match="Qobj"):
        from_qutip(np.eye(4))
    with pytest.raises(SymthermoError, match="either a Liouvillian"):
        from_qutip(qutip.liouvillian(qutip.sigmaz(), []), [qutip.sigmam()])
    assert dimensions(model.system_sites) == [2]
