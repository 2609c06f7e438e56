"""symthermo: exact symbolic derivations for the quantum thermodynamics of collision models.

Conventions (DESIGN.md section 2): hbar = k_B = 1, beta = 1/T; qubit |0> ground, |1> excited,
sigma_z = |1><1| - |0><0|; thermal qubit <sigma_z> = -tanh(beta*omega/2); thermal oscillator
<a^dag a> = 1/(exp(beta*omega) - 1); tensor order = declared site order (first = leftmost).
"""

__version__ = "0.1.0"
