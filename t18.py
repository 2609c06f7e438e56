import time
from derivations.framework import compare, evidence_consistent
from derivations.general_n import coupled_ensembles as ce
t=time.time()
for c in map(compare, ce.general_checks()):
    print(c.label, c.status, c.evidence.matrix_value, c.evidence.derived_value, c.evidence.printed_value, evidence_consistent(c))
print(time.time()-t)
