"""Common reservoirs with M symbolic: two coupled qubits S1, S2 and M reservoir qubits.

* ``cluster``: one common reservoir whose collision unit is a cluster of M qubits R_k in a
  product thermal state, V_i = J^x_i sigma^x_{S_i} S^x_R + J^y_i sigma^y_{S_i} S^y_R with
  S^{x(y)}_R = sum_k sigma^{x(y)}_{R_k} (Eq. (28)), H_R = sum_k (omega_R/2) sigma^z_{R_k};
* ``cluster_nonuniform``: the same with couplings J^{x(y)}_{ik} that depend on k;
* ``reservoirs``: M distinct reservoirs R_k (own omega_{R_k}, T_k), each met by S1 and S2
  simultaneously, V_{ik} = J^x_{ik} sigma^x_{S_i} sigma^x_{R_k} + J^y_{ik} sigma^y_{S_i}
  sigma^y_{R_k} (Eq. (18)); as one family bath, whose cross terms between different reservoirs
  vanish in the partial trace (zero bath means), currents summed over k (Eqs. (20)-(24)).

H_S = (omega_S1/2) sigma^z_S1 + (omega_S2/2) sigma^z_S2 + J^x_s sigma^x_S1 sigma^x_S2 +
J^y_s sigma^y_S1 sigma^y_S2 (Eq. (17)).  :func:`instance_model` builds the same at M = m by hand.
"""

from __future__ import annotations

from functools import cache

import sympy

from symthermo.algebra import operator_sum, qubit
from symthermo.algebra.indexed import isum, qubit_family, size_symbol
from symthermo.indexed_thermo import FamilyAncilla, FamilyModel, family_bath
from symthermo.model import CollisionModel, bath, collision_model
from symthermo.states import ThermalQubit

VARIANTS = ("cluster", "cluster_nonuniform", "reservoirs")

M = size_symbol("M")
R = qubit_family("R", M, index_label="k")
k = R.index()
S1, S2 = qubit("S1"), qubit("S2")
SYSTEM = {1: S1, 2: S2}

omega_S = {1: sympy.Symbol("omega_S1", positive=True),  # noqa: N816
           2: sympy.Symbol("omega_S2", positive=True)}
omega_R = sympy.Symbol("omega_R", positive=True)  # noqa: N816
T_R = sympy.Symbol("T_R", positive=True)
Jx_s = sympy.Symbol("Jx_s", real=True)
Jy_s = sympy.Symbol("Jy_s", real=True)
JX = {i: sympy.Symbol(f"Jx_{i}", real=True) for i in (1, 2)}
JY = {i: sympy.Symbol(f"Jy_{i}", real=True) for i in (1, 2)}
JXK = {i: sympy.IndexedBase(f"Jx_{i}", real=True) for i in (1, 2)}  # J^x_{ik}
JYK = {i: sympy.IndexedBase(f"Jy_{i}", real=True) for i in (1, 2)}
OMEGA_RK = sympy.IndexedBase("omega_R", positive=True)
T_K = sympy.IndexedBase("T", positive=True)


def _system() -> tuple:
    h_local = omega_S[1] / 2 * S1.z + omega_S[2] / 2 * S2.z
    h_int = Jx_s * S1.x * S2.x + Jy_s * S1.y * S2.y
    return h_local, h_int


@cache
def family_model(variant: str) -> FamilyModel:
    """The general-M model of a variant (see the module docstring)."""
    if variant == "reservoirs":
        anc = FamilyAncilla(R, lambda s, j: ThermalQubit(s, omega=OMEGA_RK[j], beta=1 / T_K[j]))
        h_r = isum(OMEGA_RK[k] / 2 * R[k].z, k)
        couplings = {f"S{i}": JXK[i][k] * s.x * R[k].x + JYK[i][k] * s.y * R[k].y
                     for i, s in SYSTEM.items()}
    else:
        anc = FamilyAncilla(R, lambda s, j: ThermalQubit(s, omega=omega_R, beta=1 / T_R))
        h_r = isum(omega_R / 2 * R[k].z, k)
        if variant == "cluster":
            couplings = {f"S{i}": JX[i] * s.x * isum(R[k].x, k) + JY[i] * s.y * isum(R[k].y, k)
                         for i, s in SYSTEM.items()}
        else:
            couplings = {f"S{i}": isum(JXK[i][k] * s.x * R[k].x + JYK[i][k] * s.y * R[k].y, k)
                         for i, s in SYSTEM.items()}
    b = family_bath("R", anc, h_r, couplings, beta=1 / T_R)
    h_local, h_int = _system()
    return collision_model([S1, S2], h_local, b, h_int,  # type: ignore[return-value]
                           name=f"common_reservoirs[{variant}]")


@cache
def instance_model(variant: str, m: int) -> CollisionModel:
    """The same model at M = m, built by hand (``reservoirs``: m separate baths R1..Rm)."""
    h_local, h_int = _system()
    anc = [qubit(f"R{j}") for j in range(1, m + 1)]
    if variant == "reservoirs":
        baths = []
        for j, r in enumerate(anc, start=1):
            baths.append(bath(
                f"R{j}", ThermalQubit(r, omega=OMEGA_RK[j], beta=1 / T_K[j]), OMEGA_RK[j] / 2 * r.z,
                {f"S{i}": JXK[i][j] * s.x * r.x + JYK[i][j] * s.y * r.y for i, s in SYSTEM.items()},
            ))
        return collision_model([S1, S2], h_local, baths, h_int, name=f"reservoirs{m}")
    states = [ThermalQubit(r, omega=omega_R, beta=1 / T_R) for r in anc]
    h_r = operator_sum(omega_R / 2 * r.z for r in anc)
    if variant == "cluster":
        sx, sy = operator_sum(r.x for r in anc), operator_sum(r.y for r in anc)
        couplings = {f"S{i}": JX[i] * s.x * sx + JY[i] * s.y * sy for i, s in SYSTEM.items()}
    else:
        couplings = {f"S{i}": operator_sum(JXK[i][j] * s.x * r.x + JYK[i][j] * s.y * r.y
                                           for j, r in enumerate(anc, start=1))
                     for i, s in SYSTEM.items()}
    b = bath("R", states, h_r, couplings, beta=1 / T_R)
    return collision_model([S1, S2], h_local, b, h_int, name=f"{variant}{m}")


# --------------------------------------------------------------------------------------------
# general-M rows of the report: Eqs. (30)-(33) for the cluster of M reservoir qubits, as
# printed (transcribed, never edited to agree), against the derived general-M currents
# --------------------------------------------------------------------------------------------


def _e(*pairs: tuple[str, int]) -> sympy.Expr:
    from symthermo.algebra import Expectation

    return Expectation(tuple(pairs))


def printed_cluster(eq: str) -> sympy.Expr:
    """Eqs. (30)-(33) with xi_R = tanh(beta_R omega_R/2) (the xi of Eq. (16); the restated
    definition under Eq. (29) drops the 1/2, a slip decided in the M = 3 rows)."""
    xi = sympy.tanh(omega_R / (2 * T_R))
    z = {1: _e(("S1", 3)), 2: _e(("S2", 3))}
    xx, yy, zz = _e(("S1", 1), ("S2", 1)), _e(("S1", 2), ("S2", 2)), _e(("S1", 3), ("S2", 3))
    pairs = ((1, 2), (2, 1))
    if eq == "30":
        return sum(omega_R * (-2 * JX[i] * JY[i] * z[i] - M * (JX[i] ** 2 + JY[i] ** 2) * xi)
                   for i in (1, 2))
    if eq == "31":
        return -M * omega_R * xi * sum(JX[i] * JX[j] * xx + JY[i] * JY[j] * yy for i, j in pairs)
    if eq == "32":
        local = sum(-(JX[i] ** 2 + JY[i] ** 2) * (-M * omega_R * xi + omega_S[i] * z[i])
                    + 2 * JX[i] * JY[i] * (omega_R * z[i] - M * omega_S[i] * xi) for i in (1, 2))
        return local - sum(Jx_s * (JY[i] ** 2 + JY[j] ** 2) * xx
                           + Jy_s * (JX[i] ** 2 + JX[j] ** 2) * yy for i, j in pairs)
    return sum(
        -M * xi * (xx * (omega_S[i] * JY[i] * JX[j] - omega_R * JX[i] * JX[j])
                   + yy * (omega_S[i] * JX[i] * JY[j] - omega_R * JY[i] * JY[j])
                   - 2 * z[i] * (Jx_s * JY[i] * JX[j] + Jy_s * JX[i] * JY[j]))
        + 2 * zz * (Jx_s * JY[i] * JY[j] + Jy_s * JX[i] * JX[j])
        for i, j in pairs
    )


def general_checks() -> list:
    """Check records of Eqs. (30)-(33) for symbolic M (the cluster model, Eq. (28))."""
    from derivations.framework import Check
    from symthermo import indexed_thermo as it

    model = family_model("cluster")
    derived = {
        "30": it.heat_current(model, "R", "local"),
        "31": it.heat_current(model, "R", "nonlocal"),
        "32": it.work_current(model, None, "local"),
        "33": it.work_current(model, None, "nonlocal"),
    }
    what = {"30": "local heat current", "31": "non-local heat current",
            "32": "local work current", "33": "non-local work current"}
    notes = {
        "30": "Every one of the M reservoir qubits contributes -2 J^x_i J^y_i omega_R "
              "<sigma^z_Si> (from the identity part of its state), so that term carries M too; "
              "the printed equation has it without M (right only for M = 1).",
        "32": "The terms from the reservoir's identity part (omega_Si (J^x_i^2 + J^y_i^2) "
              "<sigma^z_Si>, 2 J^x_i J^y_i omega_R <sigma^z_Si> and the J_s terms) also scale "
              "with M; the printed equation keeps them at M = 1.",
        "33": "The 2 <sigma^z_Si sigma^z_Sj> term also scales with M (printed without M).",
    }
    kinds = {"30": ("heat", "local"), "31": ("heat", "nonlocal"), "32": ("work", "local"),
             "33": ("work", "nonlocal")}
    out = []
    for eq in ("30", "31", "32", "33"):
        out.append(Check(
            f"Eq. ({eq}), general M", f"{what[eq]}, cluster of M reservoir qubits",
            printed_cluster(eq), derived[eq],
            matrix_route=current_route([printed_cluster(eq), derived[eq]], "cluster",
                                       *kinds[eq]),
            difference_kind="paper error" if eq in notes else "",
            note=notes.get(eq, "") + (" " if eq in notes else "")
            + "Derived with M symbolic; unrolled at M = 1, 2, 3 it equals the instance engine's "
              "(tests/test_indexed.py).",
        ))
    from derivations.general_n import reservoir_dissipators

    eq20, cluster = reservoir_dissipators.rows()  # Eq. (20); Eqs. (28), (29)
    return eq20 + reservoir_checks() + cluster + out


def general_quantities() -> list:
    """The cluster's general-M currents for equations.tex (LaTeX only)."""
    from symthermo import indexed_thermo as it
    from symthermo.emit import Quantity, current_symbol

    model = family_model("cluster")
    return [
        Quantity("general_M_heat_local", it.heat_current(model, "R", "local"),
                 current_symbol("Q", "loc"), "local heat current, cluster of M qubits"),
        Quantity("general_M_heat_nonlocal", it.heat_current(model, "R", "nonlocal"),
                 current_symbol("Q", "non-loc"), "non-local heat current, cluster of M qubits"),
        Quantity("general_M_work_local", it.work_current(model, None, "local"),
                 current_symbol("W", "loc"), "local work current, cluster of M qubits"),
        Quantity("general_M_work_nonlocal", it.work_current(model, None, "nonlocal"),
                 current_symbol("W", "non-loc"), "non-local work current, cluster of M qubits"),
        *reservoir_quantities(),
    ]


def reservoir_quantities() -> list:
    """Eqs. (20)-(24) for M distinct reservoirs R_k (symbolic M): the currents summed over k and
    the master equation (Eq. (4) with Eq. (20)) in the Heisenberg picture for sigma^z_S1 and
    sigma^x_S1 sigma^x_S2 (LaTeX only)."""
    from symthermo import indexed_thermo as it
    from symthermo.emit import Quantity, current_symbol

    model = family_model("reservoirs")
    out = []
    for name, expr, symbol, what in (
        ("heat_local", it.heat_current(model, "R", "local"), current_symbol("Q", "loc"),
         "local heat current"),
        ("heat_nonlocal", it.heat_current(model, "R", "nonlocal"), current_symbol("Q", "non-loc"),
         "non-local heat current"),
        ("work_local", it.work_current(model, None, "local"), current_symbol("W", "loc"),
         "local work current"),
        ("work_nonlocal", it.work_current(model, None, "nonlocal"),
         current_symbol("W", "non-loc"), "non-local work current"),
    ):
        out.append(Quantity(f"general_M_reservoirs_{name}", expr, symbol,
                            f"{what}, summed over M distinct reservoirs $R_k$ (general M)"))
    for name, obs, lhs in (
        ("dsz1_dt", S1.z, r"\frac{d}{dt}\langle \hat{\sigma}^{z}_{S_1} \rangle_{\rho_S}"),
        ("dxx_dt", S1.x * S2.x,
         r"\frac{d}{dt}\langle \hat{\sigma}^{x}_{S_1} \hat{\sigma}^{x}_{S_2} \rangle_{\rho_S}"),
    ):
        out.append(Quantity(f"general_M_reservoirs_{name}", it.heisenberg_equation(model, obs),
                            lhs, "master equation, Eqs. (4) and (20), M distinct reservoirs "
                                 "(general M), in the Heisenberg picture"))
    return out


def printed_reservoirs(eq: str) -> sympy.Expr:
    """Eqs. (21)-(24) for M distinct reservoirs, summed over k = 1..M, with <sigma^z_{R_k}> =
    -tanh(omega_{R_k}/(2 T_k)) (the thermal state of Eq. (16)); in Eq. (23) the second sum
    carries k and is read inside sum_k (the only reading in which k is bound)."""
    from symthermo.algebra.indexed import indexed_expectation

    jx, jy, w_r = (lambda i: JXK[i][k]), (lambda i: JYK[i][k]), OMEGA_RK[k]
    sz_r = -sympy.tanh(OMEGA_RK[k] / (2 * T_K[k]))
    pairs = ((1, 2), (2, 1))
    s = SYSTEM
    if eq == "21":
        op = sum((w_r * (-2 * jx(i) * jy(i) * s[i].z + (jx(i) ** 2 + jy(i) ** 2) * sz_r)
                  for i in (1, 2)), start=0 * s[1].z)
    elif eq == "22":
        op = w_r * sz_r * sum((jx(i) * jx(j) * s[i].x * s[j].x + jy(i) * jy(j) * s[i].y * s[j].y
                               for i, j in pairs), start=0 * s[1].z)
    elif eq == "23":
        op = sum((-(jx(i) ** 2 + jy(i) ** 2) * (w_r * sz_r + omega_S[i] * s[i].z)
                  + 2 * jx(i) * jy(i) * (w_r * s[i].z + omega_S[i] * sz_r) for i in (1, 2)),
                 start=0 * s[1].z)
        op = op - sum((Jx_s * (jy(i) ** 2 + jy(j) ** 2) * s[i].x * s[j].x
                       + Jy_s * (jx(i) ** 2 + jx(j) ** 2) * s[i].y * s[j].y for i, j in pairs),
                      start=0 * s[1].z)
    else:
        op = sum((sz_r * s[i].x * s[j].x * (omega_S[i] * jy(i) * jx(j) - w_r * jx(i) * jx(j))
                  + sz_r * s[i].y * s[j].y * (omega_S[i] * jx(i) * jy(j) - w_r * jy(i) * jy(j))
                  + 2 * s[i].z * s[j].z * (Jx_s * jy(i) * jy(j) + Jy_s * jx(i) * jx(j))
                  - 2 * sz_r * s[i].z * (Jx_s * jy(i) * jx(j) + Jy_s * jx(i) * jy(j))
                  for i, j in pairs), start=0 * s[1].z)
    return indexed_expectation(isum(op, k))


def reservoir_checks() -> list:
    """Eqs. (21)-(24) for symbolic M distinct reservoirs (currents summed over k)."""
    from derivations.framework import Check
    from derivations.general_n.coupled_ensembles import canonical
    from symthermo import indexed_thermo as it

    model = family_model("reservoirs")
    derived = {"21": it.heat_current(model, "R", "local"),
               "22": it.heat_current(model, "R", "nonlocal"),
               "23": it.work_current(model, None, "local"),
               "24": it.work_current(model, None, "nonlocal")}
    what = {"21": "local heat current, summed over the M reservoirs",
            "22": "non-local heat current, summed over the M reservoirs",
            "23": "local work current", "24": "non-local work current"}
    kinds = {"21": ("heat", "local"), "22": ("heat", "nonlocal"), "23": ("work", "local"),
             "24": ("work", "nonlocal")}
    out = []
    for eq in ("21", "22", "23", "24"):
        printed, form = canonical(printed_reservoirs(eq)), canonical(derived[eq])
        out.append(Check(
            f"Eq. ({eq}), general M", what[eq], printed, form,
            note="M distinct reservoirs R_k (own omega_{R_k}, T_k, J_{ik}), M symbolic; "
                 "<sigma^z_{R_k}> = -tanh(omega_{R_k}/(2 T_k)). Unrolled at M = 1, 2, 3 the "
                 "derived form equals the instance engine's (tests/test_indexed.py).",
            matrix_route=current_route([printed, form], "reservoirs", *kinds[eq])))
    return out


# matrix routes at M = 3 (derivations/general_n/routes.py) ----------------------------------


def _fixed(rng: object) -> dict:
    """Every parameter of the instance models at M = 3."""
    out = {}
    names = [*omega_S.values(), omega_R, T_R, Jx_s, Jy_s, *JX.values(), *JY.values()]
    names += [base[j] for base in (*JXK.values(), *JYK.values(), OMEGA_RK, T_K)
              for j in (1, 2, 3)]
    for s in names:
        out[s] = float(rng.uniform(0.3, 1.5))  # type: ignore[attr-defined]
    return out


def current_route(exprs: list, variant: str, kind: str, part: str):
    """Matrix route of a row at M = 3: the instance's currents (summed over its baths)."""
    from derivations.general_n.routes import route
    from symthermo.numeric.model_matrices import heat_current_matrix, work_current_matrix

    inst = instance_model(variant, 3)

    def value(rho: object, params: dict) -> float:
        if kind == "heat":
            return sum(heat_current_matrix(inst, b.name, part, rho, params) for b in inst.baths)
        return work_current_matrix(inst, None, part, rho, params)

    return route(exprs, {M: 3}, inst.system_sites, _fixed, value, 4)
