"""Rewritten text (a synonym spinner's output): does risk rank the garbled sentences first, and do
the findings point at the replaced words?

Sentence level: AUC of risk for sentences with at least two replaced words against sentences
with none (the chance that a random garbled sentence gets the higher risk; ties count half),
Spearman correlation of risk with the number of replaced words, and the share of sentences
flagged (`review` or `fail`) by number of replaced words. Word level: the words that findings
cover (findings spanning the whole sentence left out) against the replaced words, found by
aligning each spun sentence with its original: precision, recall and F1 over all words.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence

import numpy as np

from mtqa.core.documents import Issue
from mtqa.evaluation import ScoredView
from mtqa.evaluation.datasets import Dataset
from mtqa.evaluation.peers import LM_MEAN_LOGPROB, dimension_score, raw_value
from mtqa.evaluation.stats import auc, spearman
from mtqa.evaluation.tables import Table

_WORD = re.compile(r"\w+(?:['’-]\w+)*")
# Sentences with at least this many replaced words are "garbled" for the AUC; those with none are clean.
GARBLED_MIN = 2
WORD_CHOICE_RULE = "fluency/word-choice"


def replaced_spans(original: str, spun: str) -> list[tuple[int, int]]:
    """Character spans of the words of `spun` that differ from `original` (word alignment)."""
    first = [m.group().lower() for m in _WORD.finditer(original)]
    second = list(_WORD.finditer(spun))
    matcher = difflib.SequenceMatcher(a=first, b=[m.group().lower() for m in second], autojunk=False)
    spans = []
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            spans += [second[j].span() for j in range(j1, j2)]
    return spans


def word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def flagged_words(text: str, issues: Sequence[Issue], rule: str | None = None) -> set[int]:
    """Indices of the words of `text` that a finding (of `rule`, if given) covers; findings that
    span the whole text point at no word."""
    words = word_spans(text)
    found: set[int] = set()
    for issue in issues:
        if (rule and issue.rule != rule) or issue.end <= issue.start or issue.end - issue.start >= len(text.strip()):
            continue
        found |= {i for i, (start, end) in enumerate(words) if start < issue.end and issue.start < end}
    return found


def gold_words(text: str, replaced: Sequence[tuple[int, int]]) -> set[int]:
    words = word_spans(text)
    return {i for i, (start, end) in enumerate(words) if any(s < end and start < e for s, e in replaced)}


def sentence_table(dataset: Dataset, views: dict[str, ScoredView], before: dict[str, ScoredView]) -> Table:
    view = views["spun"]
    counts = np.array([int(dataset.rows[r]["n_replaced"]) for r in view.rows])
    garbled, clean = counts >= GARBLED_MIN, counts == 0
    table = Table(f"Rewritten sentences: risk against replaced words ({int(garbled.sum())} sentences with "
                  f"{GARBLED_MIN}+ replaced words, {int(clean.sum())} with none)",
                  ["metric", "AUC", "Spearman", "flagged (0)", "flagged (1)", f"flagged ({GARBLED_MIN}+)"],
                  note="AUC: sentences with 2+ replaced words against those with none (0.5 = chance); "
                  "Spearman: risk against the number of replaced words, all sentences; flagged: share "
                  "of review or fail by number of replaced words. Peers: per-token LM log-probability "
                  "and mtqa's dimension scores on their own (negated: higher = riskier).")

    def add(name: str, badness: np.ndarray, verdicts: list[str] | None = None) -> None:
        shares = ["n/a"] * 3
        if verdicts is not None:
            flagged = np.array([v in ("review", "fail") for v in verdicts])
            groups = (counts == 0, counts == 1, counts >= GARBLED_MIN)
            shares = [float(flagged[g].mean()) if g.any() else float("nan") for g in groups]
        table.add(name, auc(badness[garbled], badness[clean]), spearman(badness, counts), *shares)

    rows = {"risk": views} if before is views else {"risk (held out)": views, "risk (shipped model)": before}
    for label, source in rows.items():
        results = source["spun"].results
        add(label, np.array([r.risk if r.risk is not None else np.nan for r in results]),
            [r.verdict for r in results])
    peers: dict[str, Callable] = {
        "fluency score": dimension_score("fluency"), "drift score": dimension_score("drift"),
        "grammar score": dimension_score("grammar"), "LM mean logprob": LM_MEAN_LOGPROB,
        "near-synonym gain (bits)": raw_value("fluency", "synonym_gain_bits", sign=-1.0),
        "LM prediction gain (bits)": raw_value("fluency", "prediction_gain_bits", sign=-1.0),
    }
    for name, quality in peers.items():
        values = np.array([np.nan if (q := quality(d)) is None else -q for d in view.dims])
        if not np.isnan(values).all():
            add(name, values)
    return table


def word_table(dataset: Dataset, views: dict[str, ScoredView]) -> Table:
    view = views["spun"]
    table = Table("Rewritten sentences: findings against replaced words (word level)",
                  ["findings", "precision", "recall", "F1", "words flagged", "words replaced"],
                  note="A word counts as flagged when a finding's span covers it (findings over the whole "
                  "sentence left out); replaced words come from aligning each sentence with its original.")
    scopes: dict[str, Callable[[ScoredView, int], set[int]]] = {
        "fluency/word-choice": lambda v, p: flagged_words(v.segments[p].text, v.results[p].issues,
                                                          WORD_CHOICE_RULE),
        "all findings": lambda v, p: flagged_words(v.segments[p].text, v.results[p].issues),
        "all findings of flagged sentences": lambda v, p: flagged_words(v.segments[p].text, v.results[p].issues)
        if v.results[p].verdict in ("review", "fail") else set(),
    }
    golds = []
    for position, row in enumerate(view.rows):
        values = dataset.rows[row]
        golds.append(gold_words(view.segments[position].text, replaced_spans(values["original"], values["spun"])))
    for name, flagged_of in scopes.items():
        hits = predicted = 0
        for position, gold in enumerate(golds):
            flagged = flagged_of(view, position)
            hits += len(flagged & gold)
            predicted += len(flagged)
        replaced = sum(len(g) for g in golds)
        precision = hits / predicted if predicted else float("nan")
        recall = hits / replaced if replaced else float("nan")
        f1 = 2 * precision * recall / (precision + recall) if predicted and hits else 0.0
        table.add(name, precision, recall, f1, predicted, replaced)
    return table


def tables(dataset: Dataset, views: dict[str, ScoredView], before: dict[str, ScoredView]) -> list[Table]:
    """`views`: risk as measured (held out with --folds); `before`: the shipped risk model's."""
    return [sentence_table(dataset, views, before), word_table(dataset, views)]
