"""Turn input bytes into text, or say clearly why they are not text.

Accepted: UTF-8, UTF-8 with a byte-order mark, UTF-16 with a byte-order mark. Anything
else is refused with the offset of the first bad byte, so the user can find it.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterator

from mtqa.core.errors import InputError

_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LINES_KEEPING_NEWLINES = re.compile(r"[^\n]*\n|[^\n]+\Z")
# Above this share of undecodable bytes a file is called binary rather than mis-encoded.
BINARY_INVALID_SHARE = 0.3


def _bom_encoding(head: bytes) -> str | None:
    for mark, encoding in _BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return encoding
    return None


def _decode_utf8(data: bytes, name: str, base_offset: int = 0) -> str:
    """Strict UTF-8 decoding; `base_offset` places `data` in the file for the message."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{name}: binary file, not text (NUL byte at offset {base_offset + nul})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        invalid = data.decode("utf-8", errors="replace").count("\ufffd")
        if invalid > BINARY_INVALID_SHARE * max(len(data), 1) and len(data) >= 16:
            raise InputError(f"{name}: binary file, not text") from None
        bad_byte = data[error.start]
        raise InputError(
            f"{name}: not UTF-8 text (byte 0x{bad_byte:02x} at offset {base_offset + error.start})"
        ) from None


def split_lines(text: str) -> list[str]:
    """Lines with their newline kept, split on "\n" only: "\r\n" stays whole and
    U+2028 or form feeds inside a line (str.splitlines would cut there) do not split."""
    return _LINES_KEEPING_NEWLINES.findall(text)


def decode_bytes(data: bytes, name: str) -> str:
    """Decode a whole input; raise InputError naming `name` if it is not text."""
    encoding = _bom_encoding(data[:4])
    if encoding == "utf-16":
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputError(f"{name}: not UTF-16 text despite its byte-order mark ({error.reason})") from None
    if encoding == "utf-8-sig":
        return _decode_utf8(data[len(codecs.BOM_UTF8) :], name, len(codecs.BOM_UTF8))
    return _decode_utf8(data, name)


def check_regular_file(path: str) -> None:
    """Raise InputError unless `path` is a regular file (or a symlink to one). A FIFO would
    block the reader until something writes to it, a device would never end."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # opening it says what is wrong
    if stat.S_ISFIFO(mode):
        raise InputError(f"{path}: is a FIFO (named pipe), not a file; to read a pipe, pass '-' (standard input)")
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a device or socket, not a file")


def open_binary(path: str):
    """Open `path` for reading bytes; a missing, directory, unreadable or non-regular path
    (a FIFO, a device) is an InputError."""
    check_regular_file(path)
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None


def read_text_file(path: str) -> str:
    """The whole decoded text of a file (byte-order mark removed, newlines untouched)."""
    with open_binary(path) as file:
        return decode_bytes(file.read(), path)


def iter_text_lines(path: str) -> Iterator[str]:
    """Decoded lines of a file, newline kept, read lazily (for large tables)."""
    with open_binary(path) as file:
        head = file.read(4)
        encoding = _bom_encoding(head)
        if encoding == "utf-16":
            # Rare enough to decode in one go; newlines cannot be found in the raw bytes.
            yield from split_lines(decode_bytes(head + file.read(), path))
            return
        offset = len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0
        file.seek(offset)
        for raw_line in file:
            yield _decode_utf8(raw_line, path, offset)
            offset += len(raw_line)
