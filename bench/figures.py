"""Benchmark: the issue-16 figure data, in CPU seconds, and the random-state projection of
collective-ergotropy Fig. 3 against the engine's generic route.

1. CPU time (time.process_time, so the machine's load barely matters) of the data behind each
   new figure: memoryless-ness Figs. 1-3 (transients, ergotropy map), collective-ergotropy
   Figs. 3 (10^5 Haar-random states per N = 2..7) and 4, common-reservoirs Figs. 4 and 6.
2. Anchor for Fig. 3: the steady state of each random initial state from the engine's full
   Liouvillian spectral projector (``steady_state(L, initial_state=rho0)``, one call per state,
   then l1_coherence and ergotropy on the 2^N x 2^N matrix), against our spin-decomposed
   projection (``random_state_measures``, a batch of states at once), on the same states for
   N = 3, 4, 5; both agree to ~1e-12 (checked here). Ratio = anchor time per state / ours.

Run: OPENBLAS_NUM_THREADS=1 python bench/figures.py [--quick]
Last line: RESULT key=value ...
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def cpu(fn):
    t = time.process_time()
    out = fn()
    return out, time.process_time() - t


def main(quick: bool) -> None:
    from derivations.figures import collective_ergotropy as ce
    from derivations.figures import common_reservoirs as cr
    from derivations.figures import memoryless_ness as mn
    from symthermo.numeric.measures import ergotropy, l1_coherence
    from symthermo.numeric.model_dynamics import LiouvillianBuilder
    from symthermo.numeric.steady import steady_state

    results: dict[str, float] = {}
    print("figure data (CPU seconds)")
    jobs = [("ml_fig1_transients", mn.fig1_transients), ("ml_fig2_transients", mn.fig2_transients),
            ("ml_fig3", mn.fig3_data), ("ce_fig4", ce.fig4_data), ("cr_fig4", cr.fig4_data),
            ("cr_fig6", cr.fig6_data)]
    if quick:
        jobs.append(("ce_fig3_10k", lambda: ce.fig3_data(10_000)))
    else:
        jobs.append(("ce_fig3", ce.fig3_data))
    for name, fn in jobs:
        _, t = cpu(fn)
        results[name] = t
        print(f"  {name:22s} {t:8.2f} s")

    print("Fig. 3 projection: ours (batched, spin decomposition) vs full Liouvillian projector")
    params = {"omega": 1.0, "beta": 0.01, "g": 1.0, "f": 0.0}
    rng = np.random.default_rng(1)
    for n in (3, 4, 5):
        count_anchor = 20 if n < 5 else 5
        psi = ce.haar_random_states(n, 2000, rng)
        css = ce.collective_steady_states(n, params)
        ours, t_ours = cpu(lambda: ce.random_state_measures(css, psi))  # noqa: B023
        L = LiouvillianBuilder(ce.model(n))(params)
        h0 = ce.free_hamiltonian(n)
        t0 = time.process_time()
        worst = 0.0
        for i in range(count_anchor):
            rho = steady_state(L, initial_state=np.outer(psi[i], psi[i].conj())).rho
            worst = max(worst, abs(l1_coherence(rho) - ours["coherence"][i]),
                        abs(ergotropy(rho, h0) - ours["ergotropy"][i]))
        t_anchor = (time.process_time() - t0) / count_anchor
        per_state = t_ours / len(psi)
        results[f"ratio_N{n}"] = t_anchor / per_state
        print(f"  N = {n}: anchor {t_anchor * 1e3:8.2f} ms/state, ours {per_state * 1e6:8.2f} "
              f"us/state, ratio {t_anchor / per_state:8.0f}x, max |difference| {worst:.1e}")
        assert worst < 1e-9
    print("RESULT " + " ".join(f"{k}={v:.3g}" for k, v in results.items()))


if __name__ == "__main__":
    main("--quick" in sys.argv)
