"""Test-suite setup, kept tiny.

The tests multiply many small numpy matrices; on a shared two-core machine a multi-threaded
BLAS only adds spin-waiting (a 96x96 complex product took 4 ms instead of 0.3 ms), so BLAS is
single-threaded unless the caller says otherwise.  This must run before numpy is imported.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


# sympy draws random evaluation points (e.g. in multivariate factorisation) from its own
# generator, seeded from the OS at import: seed it so that runs are repeatable, in time too.
import sympy.core.random as _sympy_random  # noqa: E402

_sympy_random.seed(20261122)
