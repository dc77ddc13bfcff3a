"""Extract text from attached documents (PDF, DOCX)."""

from __future__ import annotations

import enum
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from parsers.text import nfc

DOCUMENT_SUFFIXES = frozenset({".pdf", ".docx", ".doc", ".odt", ".rtf", ".zip", ".rar", ".7z"})
DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
        "application/rtf",
        "application/zip",
    }
)


class ExtractStatus(enum.StrEnum):
    OK = "ok"
    EMPTY = "empty"
    ENCRYPTED = "encrypted"
    UNSUPPORTED = "unsupported"
    ERROR = "error"
    REFUSED = "refused"


@dataclass(frozen=True)
class Extraction:
    status: ExtractStatus
    text: str
    reason: str = ""


def suffix_of(filename: str) -> str:
    """Return the lower-cased suffix of an untrusted file name, either path style."""
    name = PureWindowsPath(PurePosixPath(filename).name).name
    return PurePosixPath(name).suffix.lower()


def is_document(filename: str, content_type: str) -> bool:
    """Tell whether an attachment is a document a unit submits (not a picture)."""
    return suffix_of(filename) in DOCUMENT_SUFFIXES or content_type in DOCUMENT_TYPES


def extract_text(filename: str, content_type: str, data: bytes) -> Extraction:
    """Return the text of a document, or a status saying why there is none."""
    suffix = suffix_of(filename)
    if suffix == ".pdf" or (not suffix and content_type == "application/pdf"):
        return _guard(_pdf, data)
    if suffix == ".docx":
        return _guard(_docx, data)
    return Extraction(ExtractStatus.UNSUPPORTED, "", f"no extractor for {suffix or content_type}")


def _guard(extractor: Callable[[bytes], Extraction], data: bytes) -> Extraction:
    # A broken file is an expected outcome, reported as a status.
    try:
        return extractor(data)
    except Exception as error:
        return Extraction(ExtractStatus.ERROR, "", f"{type(error).__name__}: {error}"[:300])


def _pdf(data: bytes) -> Extraction:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return Extraction(ExtractStatus.ENCRYPTED, "", "password required")
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return _result(text)


def _docx(data: bytes) -> Extraction:
    import docx

    document = docx.Document(io.BytesIO(data))
    return _result("\n".join(_docx_lines(document)))


def _docx_lines(document: object) -> Iterator[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    # iter_inner_content keeps reading order of paragraphs and tables.
    for block in document.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from _table_lines(block)


def _table_lines(table: object) -> Iterator[str]:
    seen: set[int] = set()
    for row in table.rows:  # type: ignore[attr-defined]
        for cell in row.cells:
            # Merged cells repeat the same cell object across the grid.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            for paragraph in cell.paragraphs:
                yield paragraph.text
            for inner in cell.tables:
                yield from _table_lines(inner)


def _result(text: str) -> Extraction:
    text = nfc(text)
    if not text.strip():
        return Extraction(ExtractStatus.EMPTY, "", "no text layer")
    return Extraction(ExtractStatus.OK, text)
