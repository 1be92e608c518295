"""Refit mtqa's risk model (mtqa/data/risk_model.json) on the labelled dev data.

    .venv/bin/python scripts/fit_risk.py [--mqm FILE] [--demetr FILE] [--spun FILE] [--output FILE]
                                         [--folds 5] [--modes source,reference,document]

Scores the files with the configured pipeline (cached under <cache_dir>/eval/, shared with
`mtqa eval`), fits one logistic model per comparison mode (see mtqa/evaluation/fitting.py):
source on MQM, reference on DEMETR, document on the rewritten sentences of spun_dev; prints
held-out figures (cross-validated by MQM document, DEMETR item, spun_dev document) and writes
the model fitted on all the data. `--modes` refits only those modes and keeps the others of the
model file being replaced (only their data is scored).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mtqa.core.config import load_settings
from mtqa.core.files import write_atomically
from mtqa.core.pipeline import Pipeline
from mtqa.core.risk import RiskModel
from mtqa.evaluation import contrastive, mqm, score_views, spun
from mtqa.evaluation.datasets import load_dataset
from mtqa.evaluation.fitting import TRAINING_VIEW, fit_risk_model, held_out_views, model_to_dict

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "mtqa" / "data" / "risk_model.json"
VERSION = "risk-v2"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mqm", type=Path, default=DATA / "mqm_zhen_generalmt2023.tsv")
    parser.add_argument("--demetr", type=Path, default=DATA / "demetr_dev.jsonl")
    parser.add_argument("--spun", type=Path, default=DATA / "spun_dev.jsonl")
    parser.add_argument("--modes", default=",".join(TRAINING_VIEW),
                        help="comma-separated modes to refit; the others are kept from --output")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds for the report (0: none)")
    parser.add_argument("--limit", type=int, help="only the first N rows of each file (quick runs)")
    parser.add_argument("--version", default=VERSION, help=f"version recorded in the model (default {VERSION})")
    parser.add_argument("--drop", action="append", default=[], metavar="FEATURE",
                        help="leave a feature out (repeatable; for ablations, e.g. drift.lexical_coverage)")
    args = parser.parse_args(argv)
    modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    unknown = sorted(set(modes) - set(TRAINING_VIEW))
    if unknown or not modes:
        parser.error(f"--modes: unknown {', '.join(unknown) or '(none given)'}; use {', '.join(TRAINING_VIEW)}")
    files = {"mqm": args.mqm, "demetr": args.demetr, "spun": args.spun}
    kept = RiskModel.load(args.output) if set(modes) != set(TRAINING_VIEW) else None
    settings = load_settings()
    with Pipeline(settings, risk_model=kept) as pipeline:
        scored = {}
        for kind in dict.fromkeys(TRAINING_VIEW[mode][0] for mode in modes):
            dataset = load_dataset(files[kind], args.limit)
            scored[dataset.kind] = (dataset, score_views(pipeline, dataset))
        fitted_on = dict(kept.meta.get("fitted_on", {})) if kept else {}
        meta = {
            "fitted_on": fitted_on | {kind: {"file": dataset.name, "rows": len(dataset.rows),
                                             "digest": dataset.digest} for kind, (dataset, _) in scored.items()},
            "dropped_features": args.drop,
            "pipeline": str(pipeline.signature()).rsplit("|risk:", 1)[0],
            "refit": "scripts/fit_risk.py",
        }
        model = fit_risk_model(scored, args.version, meta, args.drop, modes, kept)
        if args.folds:
            report_held_out(scored, args.folds, model, pipeline.settings.language)
    write_atomically(args.output, (json.dumps(model_to_dict(model), indent=1) + "\n").encode("utf-8"))
    print(f"wrote {args.output} ({args.version})", file=sys.stderr)
    return 0


def report_held_out(scored: dict, folds: int, model: RiskModel, language: str) -> None:
    """Ranking figures and verdict precision/recall with risk from models (over the same
    features as `model`) fitted without the fold."""
    for kind, (dataset, views) in scored.items():
        held_out = held_out_views(dataset, views, folds, model, language)
        if kind == "mqm":
            tables = mqm.tables(dataset, held_out)
        elif kind == "spun":
            tables = spun.tables(dataset, held_out, views)
        else:
            tables = contrastive.demetr_tables(dataset, held_out)
        for table in tables[:2]:
            print(f"[held out, {folds} folds] " + table.format() + "\n")


if __name__ == "__main__":
    sys.exit(main())
