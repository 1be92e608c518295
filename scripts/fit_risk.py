"""Refit mtqa's risk model (mtqa/data/risk_model.json) on the labelled dev data.

    .venv/bin/python scripts/fit_risk.py [--mqm FILE] [--demetr FILE] [--spun FILE] [--mqm-l10n FILE]
                                         [--modes MODE,...] [--output FILE] [--folds 5]

Scores the files with the configured pipeline (cached under <cache_dir>/eval/, shared with
`mtqa eval`), fits one logistic model per comparison mode (see mtqa/evaluation/fitting.py):
`source` on the zh-en MQM file, `reference` on DEMETR, `document` on the rewritten sentences of
spun_dev, `l10n` on the en-de MQM file (German targets). Prints held-out figures (cross-validated
by MQM document, DEMETR item, spun_dev document), and for `l10n` how a model fitted on one
language pair ranks the other's translations (en-de -> zh-en and back, the zh-en targets judged
on the l10n features only), and writes the model fitted on all the data. `--modes` refits only
those modes and keeps the others of the model file being replaced (only their data is scored).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mtqa.core.config import load_settings
from mtqa.core.files import write_atomically
from mtqa.core.pipeline import Pipeline
from mtqa.core.risk import RiskModel, feature_values
from mtqa.evaluation import contrastive, mqm, score_views, spun
from mtqa.evaluation.datasets import load_dataset
from mtqa.evaluation.fitting import FEATURES, TRAINING_VIEW, fit_risk_model, fit_view, held_out_views, model_to_dict
from mtqa.evaluation.stats import grouped_kendall_tau

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "mtqa" / "data" / "risk_model.json"
VERSION = "risk-v3"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mqm", type=Path, default=DATA / "mqm_zhen_generalmt2023.tsv")
    parser.add_argument("--demetr", type=Path, default=DATA / "demetr_dev.jsonl")
    parser.add_argument("--spun", type=Path, default=DATA / "spun_dev.jsonl")
    parser.add_argument("--mqm-l10n", type=Path, default=DATA / "mqm_ende_generalmt2023.tsv",
                        help="MQM ratings of translations into a language the fluency model does not read")
    parser.add_argument("--no-transfer", action="store_true",
                        help="do not score the zh-en file only to measure the l10n model on another language pair")
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
    paths = {"mqm": args.mqm, "demetr": args.demetr, "spun": args.spun, "mqm-l10n": args.mqm_l10n}
    kept = RiskModel.load(args.output) if set(modes) != set(TRAINING_VIEW) else None
    # zh-en is also scored for l10n, to measure the model on another language pair.
    transfer = "l10n" in modes and not args.no_transfer
    needed = {TRAINING_VIEW[mode][0] for mode in modes} | ({"mqm"} if transfer else set())
    settings = load_settings()
    with Pipeline(settings, risk_model=kept) as pipeline:
        scored = {}
        for key in (k for k in paths if k in needed):
            dataset = load_dataset(paths[key], args.limit)
            scored[key] = (dataset, score_views(pipeline, dataset))
        fitted_on = dict(kept.meta.get("fitted_on", {})) if kept else {}
        meta = {
            "fitted_on": fitted_on | {key: {"file": dataset.name, "rows": len(dataset.rows),
                                            "digest": dataset.digest} for key, (dataset, _) in scored.items()},
            "dropped_features": args.drop,
            "pipeline": str(pipeline.signature()).rsplit("|risk:", 1)[0],
            "refit": "scripts/fit_risk.py",
        }
        fitting = {key: value for key, value in scored.items() if any(TRAINING_VIEW[m][0] == key for m in modes)}
        model = fit_risk_model(fitting, args.version, meta, args.drop, modes, kept)
        if args.folds:
            report_held_out(fitting, args.folds, model, pipeline.settings.language)
        if transfer and {"mqm", "mqm-l10n"} <= set(scored):
            report_transfer(scored)
    write_atomically(args.output, (json.dumps(model_to_dict(model), indent=1) + "\n").encode("utf-8"))
    print(f"wrote {args.output} ({args.version})", file=sys.stderr)
    return 0


def report_held_out(scored: dict, folds: int, model: RiskModel, language: str) -> None:
    """Ranking figures and verdict precision/recall with risk from models (over the same
    features as `model`) fitted without the fold."""
    for dataset, views in scored.values():
        held_out = held_out_views(dataset, views, folds, model, language)
        if dataset.kind == "mqm":
            tables = mqm.tables(dataset, held_out)
        elif dataset.kind == "spun":
            tables = spun.tables(dataset, held_out, views)
        else:
            tables = contrastive.demetr_tables(dataset, held_out)
        for table in tables[:2]:
            print(f"[held out, {folds} folds] " + table.format() + "\n")


def report_transfer(scored: dict) -> None:
    """Item-grouped Kendall tau of the l10n model's risk on one MQM language pair when fitted on
    the other (the zh-en targets judged on the l10n features only, as if no English model
    read them): a model that only fitted its own data would not transfer."""
    pairs = (("mqm-l10n", "mqm"), ("mqm", "mqm-l10n"))
    print("l10n model across language pairs (item-grouped Kendall tau of -risk against -MQM)")
    for train, test in pairs:
        train_set, train_views = scored[train]
        view = train_views["mqm-source"]
        model = fit_view(train_set, view, range(len(view.segments)), list(FEATURES["l10n"]))
        test_set, test_views = scored[test]
        tested = test_views["mqm-source"]
        quality = [-model.risk(feature_values(d))[0] for d in tested.dims]
        rows = [test_set.rows[r] for r in tested.rows]
        tau, _ = grouped_kendall_tau(quality, [-float(r["mqm"]) for r in rows],
                                     [(r["doc"], r["seg_id"]) for r in rows])
        print(f"  fitted on {train_set.name}, tested on {test_set.name}: {tau:.3f}")
    print()


if __name__ == "__main__":
    sys.exit(main())
