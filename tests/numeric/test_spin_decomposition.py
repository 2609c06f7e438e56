"""symthermo.numeric.spin_decomposition against the full Liouvillian's spectral projector and
explicit collective spin operators."""

from __future__ import annotations

import numpy as np
import pytest
from collective_models import PARAMS, collective

from symthermo.errors import SymthermoError
from symthermo.numeric.measures import ergotropy, l1_coherence
from symthermo.numeric.model_dynamics import lindblad_liouvillian_of
from symthermo.numeric.spin_decomposition import (
    collective_spin_operators,
    collective_steady_states,
    haar_random_states,
    random_state_measures,
    spin_decomposition,
    stationary_projector,
)
from symthermo.numeric.steady import steady_state


@pytest.mark.parametrize("n", [2, 3, 4])
def test_decomposition_is_orthogonal_and_block_diagonalises_j_squared(n):
    dec = spin_decomposition(n)
    jz, jp = collective_spin_operators(n)
    jx, jy = (jp + jp.T) / 2, (jp - jp.T) / 2j
    j2 = jx @ jx + jy @ jy + jz @ jz
    y = dec.U.T @ j2 @ dec.U
    assert np.abs(dec.U.T @ dec.U - np.eye(2**n)).max() < 1e-12
    expected = np.zeros(2**n)
    for j, d_j, start in dec.sectors:
        expected[start:start + d_j * round(2 * j + 1)] = j * (j + 1)
    assert np.abs(y - np.diag(expected)).max() < 1e-10
    assert sum(d_j * round(2 * j + 1) for j, d_j, _ in dec.sectors) == 2**n


def test_stationary_projector_is_the_kernel_projection():
    lv = lindblad_liouvillian_of(collective(2), PARAMS)
    p = stationary_projector(lv)
    assert np.abs(lv @ p).max() < 1e-10 and np.abs(p @ p - p).max() < 1e-10
    assert round(np.trace(p).real) == 2  # the collective two-qubit model: dim ker L = 2


@pytest.mark.parametrize("n", [2, 3])
def test_measures_equal_the_full_projection_state_by_state(n):
    model = collective(n)
    css = collective_steady_states(model, {str(k): v for k, v in PARAMS.items()})
    psi = haar_random_states(n, 3, np.random.default_rng(n))
    w = PARAMS[next(s for s in PARAMS if s.name == "w")]
    ours = random_state_measures(css, psi, w)
    lv = lindblad_liouvillian_of(model, PARAMS)
    h0 = np.diag([w * bin(i).count("1") for i in range(2**n)])
    for i in range(3):
        rho = steady_state(lv, initial_state=np.outer(psi[i], psi[i].conj())).rho
        assert ours["coherence"][i] == pytest.approx(l1_coherence(rho), abs=1e-10)
        assert ours["ergotropy"][i] == pytest.approx(ergotropy(rho, h0), abs=1e-10)


def test_a_non_collective_generator_is_refused():
    with pytest.raises(SymthermoError, match="not collective"):
        collective_steady_states(collective(2, "independent"), PARAMS)
