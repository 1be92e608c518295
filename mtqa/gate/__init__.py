"""The CI gate: a run's `report`, the `policy` that decides which findings it reports and
which fail it, the `baseline` of accepted findings, and `gitdiff` (only what changed)."""
