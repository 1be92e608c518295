"""Turn uploads and files into Documents, and scored Documents into the payload the views use.

A payload is a JSON-serialisable dict (name, format, content hash, original text, one
`SegmentResult.to_dict()` per segment): it is what the SQLite store caches as a run.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mtqa.core.documents import Document
from mtqa.core.errors import InputError
from mtqa.core.pipeline import Pipeline
from mtqa.readers import read_inputs

SAMPLE_ARTICLE = Path(__file__).resolve().parents[2] / "fixtures" / "spun_news_article.txt"


def read_file(path: str | Path) -> Document:
    documents = list(read_inputs([str(path)]))
    if not documents or not any(s.scored for s in documents[0].segments):
        raise InputError(f"{path}: no text to check (the file is empty)")
    return documents[0]


def read_upload(name: str, data: bytes) -> Document:
    """Read uploaded bytes with the reader its file name selects (any format `mtqa check` reads)."""
    safe_name = Path(name).name or "upload"
    if not data:
        raise InputError(f"{safe_name}: the file is empty")
    with tempfile.TemporaryDirectory(prefix="mtqa-upload-") as folder:
        path = Path(folder) / safe_name
        path.write_bytes(data)
        try:
            document = read_file(path)
        except InputError as exc:  # name the upload, not the temporary copy
            raise InputError(str(exc).replace(str(path), safe_name)) from None
    document.path = safe_name
    return document


def attach(document: Document, other: Document, role: str) -> None:
    """Pair a separate source or reference file with the document, sentence by sentence."""
    targets = [s for s in document.segments if s.scored]
    others = [s for s in other.segments if s.scored]
    if len(targets) != len(others):
        raise InputError(f"{other.path}: {len(others)} sentences, but {document.path} has "
                         f"{len(targets)}; a {role} file must align sentence by sentence")
    for target, aligned in zip(targets, others):
        setattr(target, role, aligned.text)


def run_key(document: Document) -> str:
    """Identity of what is scored: the text and any sources and references beside it."""
    digest = hashlib.sha256(document.content_hash.encode())
    for segment in document.segments:
        digest.update(f"\x1f{segment.source or ''}\x1e{segment.reference or ''}".encode())
    return digest.hexdigest()[:16]


def score(pipeline: Pipeline, document: Document,
          progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    total = max(1, len(document.segments))
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(min(1.0, done / total))

    [result] = pipeline.run([document], progress=tick)
    return {
        "name": document.path,
        "format": document.format,
        "content_hash": document.content_hash,
        "run_key": run_key(document),
        "signature": str(pipeline.signature()),
        "text": document.text,
        "has_source": document.has_source,
        "has_reference": document.has_reference,
        "segments": [r.to_dict() for r in result.results],
    }
