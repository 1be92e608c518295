"""Turn files and uploads into Documents, and scored Documents into the payload the views use.

A payload is a JSON-serialisable dict (name, format, content hash, original text, the risk
model's thresholds per comparison mode, one `SegmentResult.to_dict()` per segment, and for
formats written back in place the original file's bytes, base64): it is what the SQLite
store keeps as a run, so a saved run is shown without loading any model.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from mtqa.annotate.targets import WRITERS
from mtqa.core.documents import Document
from mtqa.core.errors import InputError
from mtqa.core.version import __version__
from mtqa.readers import read_inputs

SAMPLE_ARTICLE = Path(str(resources.files("mtqa.data").joinpath("spun_news_article.txt")))
# Keys a payload must have to be shown as it is; a stored run without them is scored again.
PAYLOAD_KEYS = ("name", "format", "content_hash", "run_key", "thresholds", "segments")


def read_file(path: str | Path) -> Document:
    documents = list(read_inputs([str(path)]))
    if not documents or not any(s.scored for s in documents[0].segments):
        raise InputError(f"{path}: no text to check (the file is empty)")
    return documents[0]


def original_bytes(document: Document, data: bytes) -> str | None:
    """The file's bytes (base64) where the edited document is written back in its own format."""
    return base64.b64encode(data).decode("ascii") if document.format in WRITERS else None


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
    for target, aligned in zip(targets, others, strict=True):
        setattr(target, role, aligned.text)


def run_key(document: Document) -> str:
    """Identity of what is scored: the text and any sources and references beside it."""
    digest = hashlib.sha256(document.content_hash.encode())
    for segment in document.segments:
        digest.update(f"\x1f{segment.source or ''}\x1e{segment.reference or ''}".encode())
    return digest.hexdigest()[:16]


def is_complete(payload: dict[str, Any] | None) -> bool:
    """Whether a stored run can be shown as it is: it has every key the views use and was
    scored by this version of mtqa (else the document is scored again)."""
    return (payload is not None and all(key in payload for key in PAYLOAD_KEYS)
            and payload.get("mtqa_version") == __version__)


def score(pipeline: Any, document: Document, original: str | None = None,
          progress: Callable[[float], None] | None = None, chunk_size: int | None = None) -> dict[str, Any]:
    """Score `document` with `pipeline` (a `mtqa.core.pipeline.Pipeline`); `progress` gets the
    share done after every `chunk_size` segments and may raise to stop the work."""
    total = max(1, len(document.segments))
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(min(1.0, done / total))

    options = {"chunk_size": chunk_size} if chunk_size else {}
    [result] = pipeline.run([document], progress=tick, **options)
    return {
        "name": document.path,
        "format": document.format,
        "content_hash": document.content_hash,
        "run_key": run_key(document),
        "signature": str(pipeline.signature()),
        "mtqa_version": __version__,
        "scored_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "thresholds": {mode: list(pair) for mode, pair in pipeline.risk.mode_thresholds().items()},
        "text": document.text,
        "original": original,
        "has_source": document.has_source,
        "has_reference": document.has_reference,
        "segments": [r.to_dict() for r in result.results],
    }
