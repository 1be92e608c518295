"""PO files: a `# mtqa: ...` translator comment first in each flagged entry."""

from __future__ import annotations

from mtqa.readers.po import read_po_file


def annotate_po(path: str, notes: dict[int, str]) -> bytes:
    po = read_po_file(path)
    comments_before = {po.entries[position].first_line: note for position, note in notes.items()}
    replaced = {line for entry in po.entries for line in entry.mtqa_lines}
    lines = []
    for index, line in enumerate(po.lines):
        if index in comments_before:
            lines.append(f"# {comments_before[index]}{po.newline}")
        if index not in replaced:
            lines.append(line)
    return po.encode("".join(lines))
