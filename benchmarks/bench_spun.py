"""Rewritten text through the whole pipeline: what it costs, and how risk ranks a careful reading.

    .venv/bin/python benchmarks/bench_spun.py [--spun-docs 10] [--show]

Scores the sample article (fixtures/spun_news_article.txt) and the first N documents of
spun_dev as documents with the whole pipeline (models loaded first, not timed), and prints the
CPU seconds of this process for each (less sensitive than wall time to other jobs on a shared
machine; scorers run in this process). Only public API is used, so the same script measures
another checkout: `PYTHONPATH=/path/to/other/checkout python benchmarks/bench_spun.py`.

For the article it also prints the spread of risk and how risk ranks the sentences against
benchmarks/spun_article_labels.tsv: one reader's sentence-by-sentence judgement of the article
(2 badly garbled, 1 slightly, 0 clean), made by comparing it with the original story. It is a
check of the finished model, never fitted on: AUC of 2 against 0, of 2 against 0 and 1, and of
1 and 2 against 0.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

from mtqa.core.config import load_settings
from mtqa.core.documents import Document, Segment
from mtqa.core.pipeline import Pipeline
from mtqa.readers import read_text

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "fixtures" / "spun_news_article.txt"
LABELS = Path(__file__).resolve().parent / "spun_article_labels.tsv"
SPUN = ROOT.parent / "shared" / "data" / "spun_dev.jsonl"


def auc(positives: list[float], negatives: list[float]) -> float:
    pairs = [(p > n) + 0.5 * (p == n) for p in positives for n in negatives]
    return sum(pairs) / len(pairs) if pairs else float("nan")


def spun_documents(path: Path, n_docs: int) -> list[Document]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    order = list(dict.fromkeys(row["doc"] for row in rows))[:n_docs]
    documents = []
    for name in order:
        document = Document(name, "spun", target_lang="en")
        for row in sorted((r for r in rows if r["doc"] == name), key=lambda r: int(r["seg_id"])):
            document.add(Segment(row["spun"], len(document.segments), 0, len(row["spun"])))
        documents.append(document)
    return documents


def timed(pipeline: Pipeline, documents: list[Document]) -> tuple[list, float]:
    started = time.process_time()
    results = pipeline.run(documents)
    return results, time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spun-docs", type=int, default=10, help="spun_dev documents to time (0: none)")
    parser.add_argument("--spun", type=Path, default=SPUN)
    parser.add_argument("--show", action="store_true", help="print every article sentence with its reasons")
    args = parser.parse_args()
    article = read_text(str(ARTICLE), ARTICLE.read_text("utf-8"), "txt")
    with Pipeline(load_settings()) as pipeline:
        pipeline.run([read_text("warm-up.txt", "A first sentence. A second one.", "txt")])  # load every model
        (scored,), article_cpu = timed(pipeline, [article])
        spun_cpu, n_spun = float("nan"), 0
        if args.spun_docs and args.spun.is_file():
            documents = spun_documents(args.spun, args.spun_docs)
            n_spun = sum(len(d.segments) for d in documents)
            _, spun_cpu = timed(pipeline, documents)
    results = [r for r in scored.results if r.risk is not None]
    print(f"article: {len(results)} segments, {article_cpu:.1f} CPU s; spun_dev: {n_spun} sentences, "
          f"{spun_cpu:.1f} CPU s")
    risks = [r.risk for r in results]
    print(f"article risk: {min(risks):.3f} to {max(risks):.3f} (spread {max(risks) - min(risks):.3f}); verdicts "
          + ", ".join(f"{v} {sum(r.verdict == v for r in results)}" for v in ("ok", "review", "fail")))
    with LABELS.open(encoding="utf-8", newline="") as handle:
        labels = [(int(row["label"]), row["sentence starts with"]) for row in csv.DictReader(handle, delimiter="\t")]
    by_label: dict[int, list[float]] = {0: [], 1: [], 2: []}
    for result in results:
        label = next((value for value, start in labels if result.segment.text.startswith(start)), None)
        if label is None:
            print(f"  (no label) {result.segment.text[:60]}")
            continue
        by_label[label].append(result.risk)
        if args.show:
            print(f"  {label} {result.risk:.3f} {result.verdict:6} {result.segment.text[:70]}")
            for reason in result.reasons:
                print(f"        · {reason}")
    bad, slight, clean = by_label[2], by_label[1], by_label[0]
    print(f"labelled {len(bad) + len(slight) + len(clean)}: {len(bad)} badly garbled, {len(slight)} slightly, "
          f"{len(clean)} clean; AUC 2 vs 0 {auc(bad, clean):.3f}, 2 vs 0+1 {auc(bad, clean + slight):.3f}, "
          f"1+2 vs 0 {auc(bad + slight, clean):.3f}")


if __name__ == "__main__":
    main()
