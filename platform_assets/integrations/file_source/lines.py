"""Physical lines of a file: strict UTF-8 decoding and the rejection of one bad line.

A bad line is quarantined under ``<file>:<line>`` with a short reason that says what to
fix; the rest of the file still loads.
"""

from __future__ import annotations

from platform_assets.ingestion import Rejected

UTF8_BOM = b"\xef\xbb\xbf"


class BadLine(Exception):
    """A line that cannot become a record; the message is the quarantine reason."""


def decode(line: bytes) -> str:
    """The line as text; raises BadLine naming the first byte that is not UTF-8 (a
    replacement character would be loaded as if the source had written it)."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadLine(
            f"not UTF-8: byte 0x{line[error.start]:02x} at column {error.start + 1}; "
            "save the file as UTF-8"
        ) from None


def rejected(file_name: str, number: int, line: bytes, reason: str) -> Rejected:
    """Line ``number`` (1-based) rejected; its text is kept for the quarantine to cut to a
    short preview (undecodable bytes shown as escapes)."""
    text = line.decode("utf-8", errors="backslashreplace").rstrip("\r\n")
    return Rejected(record_key=f"{file_name}:{number}", reason=reason, payload=text)
