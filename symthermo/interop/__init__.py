"""Bridges to other tools (optional dependencies, imported on use).

:mod:`symthermo.interop.qutip`
    ``to_qutip(model, values)`` (H, collapse operators with real rates, Liouvillian as QuTiP
    objects), ``from_qutip(L)`` / ``from_qutip(H, c_ops)`` (into symthermo's steady-state
    solver and measures), ``state_to_qutip`` / ``state_from_qutip``; the basis conversion is
    explained in its module docstring.
"""
