"""The four papers whose equations the derivations regenerate (cited in the reports, the
LaTeX and the README; ``generated/references.bib`` is written from these).

Authors and titles are those of the paper headers in ../shared/papers/; journal and arXiv
identifiers were looked up (the common-reservoirs transcript carries no author list, and its
authors are not listed here rather than guessed: see its DOI).
"""

from __future__ import annotations

from symthermo.emit.bibliography import Reference

REFERENCES: dict[str, Reference] = {
    "common_reservoirs": Reference(
        key="common_reservoirs",
        title="Features of quantum thermodynamics induced by common environments based on "
        "collision model",
        year=2022,
        journal="EPJ Quantum Technol.",
        volume="9",
        pages="28",
        doi="10.1140/epjqt/s40507-022-00148-9",
        note="authors as listed at the DOI",
    ),
    "coupled_ensembles": Reference(
        key="coupled_ensembles",
        title="Steady-state coherence in multipartite quantum systems: its connection with "
        "thermodynamic quantities and impact on quantum thermal machines",
        year=2025,
        authors=("Rui Huang", "Qing-Yu Cai", "Farzam Nosrati", "Rosario Lo Franco",
                 "Zhong-Xiao Man"),
        arxiv="2502.03722",
    ),
    "collective_ergotropy": Reference(
        key="collective_ergotropy",
        title="Ergotropy from coherences in an open quantum system",
        year=2020,
        authors=("Barış Çakmak",),
        arxiv="2005.08489",
    ),
    "memoryless_ness": Reference(
        key="memoryless_ness",
        title="Non-equilibrium steady-states of memoryless quantum collision models",
        year=2020,
        authors=("Giacomo Guarnieri", "Daniele Morrone", "Barış Çakmak", "Francesco Plastina",
                 "Steve Campbell"),
        arxiv="2001.01723",
    ),
}
