"""Extract text from attached documents (PDF, DOCX, DOC, ODT), within limits."""

from __future__ import annotations

import enum
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from xml.etree import ElementTree

from parsers.archives import ARCHIVE_SUFFIXES, check_zip, read_bounded
from parsers.docx_text import docx_lines, open_document
from parsers.legacy_encodings import to_unicode
from parsers.limits import DEFAULT_LIMITS, Limits
from parsers.ocr import read_scanned_pdf
from parsers.photos import is_photo, read_photo
from parsers.text import nfc

#: The version of the document readers: raise it whenever a change to them changes what
#: is read from a file, so that what was read before is read again (ingest/readonce.py).
READER_VERSION = "2"  # 2: photographed pages (JPEG, PNG, HEIC) read by OCR

DOCUMENT_SUFFIXES = frozenset({".pdf", ".docx", ".doc", ".odt", ".rtf", ".xlsx"} | ARCHIVE_SUFFIXES)
DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
        "application/rtf",
        "application/zip",
        "application/x-zip-compressed",
        "application/x-rar-compressed",
        "application/vnd.rar",
        "application/x-7z-compressed",
    }
)
_DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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


def document_kind(filename: str, content_type: str, data: bytes) -> str:
    """Return the kind of document (".pdf", ".docx", …) by name, type, then content."""
    suffix = suffix_of(filename)
    if suffix in DOCUMENT_SUFFIXES:
        return suffix
    by_type = {
        "application/pdf": ".pdf",
        "application/msword": ".doc",
        _DOCX_TYPE: ".docx",
        "application/vnd.oasis.opendocument.text": ".odt",
        "application/rtf": ".rtf",
        "text/rtf": ".rtf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
        "application/zip": ".zip",
        "application/x-zip-compressed": ".zip",
    }
    if content_type in by_type:
        return by_type[content_type]
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return ".doc"
    if data.startswith(b"{\\rtf"):
        return ".rtf"
    return suffix


def extract_text(
    filename: str, content_type: str, data: bytes, limits: Limits = DEFAULT_LIMITS
) -> Extraction:
    """Return the text of a document, or a status saying why there is none (never raises)."""
    if len(data) > limits.max_file_bytes:
        return Extraction(
            ExtractStatus.REFUSED, "", f"{len(data)} bytes, over the {limits.max_file_bytes} limit"
        )
    if is_photo(suffix_of(filename), content_type):
        return _guard(_photo, data, limits)
    kind = document_kind(filename, content_type, data)
    extractors: dict[str, Callable[[bytes, Limits], Extraction]] = {
        ".pdf": _pdf,
        ".docx": _docx,
        ".doc": _doc,
        ".odt": _odt,
        ".rtf": _rtf,
        ".xlsx": _xlsx,
    }
    extractor = extractors.get(kind)
    if extractor is None:
        return Extraction(ExtractStatus.UNSUPPORTED, "", f"no extractor for {kind or content_type}")
    return _guard(extractor, data, limits)


def _guard(
    extractor: Callable[[bytes, Limits], Extraction], data: bytes, limits: Limits
) -> Extraction:
    # A broken or hostile file is an expected outcome, reported as a status.
    try:
        return extractor(data, limits)
    except MemoryError:
        return Extraction(ExtractStatus.REFUSED, "", "out of memory while reading")
    except Exception as error:
        name = type(error).__name__
        if name == "LimitReachedError":  # pypdf's decompression-bomb guard
            return Extraction(ExtractStatus.REFUSED, "", f"{name}: {error}"[:300])
        return Extraction(ExtractStatus.ERROR, "", f"{name}: {error}"[:300])


def _pdf(data: bytes, limits: Limits) -> Extraction:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    from parsers.pdf_text import pages_text

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            # Many PDFs carry only an owner password and open with the empty one.
            if not reader.decrypt(""):
                return Extraction(ExtractStatus.ENCRYPTED, "", "password required")
        except DependencyError as error:
            return Extraction(ExtractStatus.ENCRYPTED, "", f"cannot decrypt: {error}"[:300])
    pages = reader.pages
    texts = pages_text(reader, limits.max_pdf_pages)
    reason = (
        f"first {limits.max_pdf_pages} of {len(pages)} pages"
        if texts and (len(pages) > limits.max_pdf_pages)
        else ""
    )
    result = _result("\n".join(texts), reason, empty="no text layer (scanned image?)")
    if result.status is ExtractStatus.EMPTY:
        scan = read_scanned_pdf(data, min(len(pages), limits.max_pdf_pages), limits)
        result = _result(scan.text, scan.reason, empty=f"{result.reason}; {scan.reason}")
    return result


def _photo(data: bytes, limits: Limits) -> Extraction:
    """Read a photographed page; an image that is not one is ``empty``, with why."""
    reading = read_photo(data, limits)
    if reading.refused:
        return Extraction(ExtractStatus.REFUSED, "", reading.reason)
    if not reading.is_page:
        return Extraction(ExtractStatus.EMPTY, "", reading.reason)
    return Extraction(ExtractStatus.OK, reading.text, reading.reason)


def _docx(data: bytes, limits: Limits) -> Extraction:
    refusal = _check_office_zip(data, limits)
    if refusal:
        return Extraction(ExtractStatus.REFUSED, "", refusal)
    return _result("\n".join(docx_lines(open_document(data))))


def _check_office_zip(data: bytes, limits: Limits) -> str | None:
    """Return why an OOXML/ODF container is refused: a bomb or an XML DOCTYPE."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        refusal = check_zip(archive, limits)
        if refusal:
            return refusal
        for info in archive.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            head = read_bounded(archive, info, limits.max_unpacked_bytes)
            if head is None:
                return f"{info.filename} inflates past its limit"
            # Office never writes a DOCTYPE; one is there for entity expansion.
            if b"<!DOCTYPE" in head[:4096].upper() or b"<!ENTITY" in head[:65536].upper():
                return f"{info.filename} declares a DOCTYPE (XML entity expansion)"
    return None


def _odt(data: bytes, limits: Limits) -> Extraction:
    refusal = _check_office_zip(data, limits)
    if refusal:
        return Extraction(ExtractStatus.REFUSED, "", refusal)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = archive.read("content.xml")
    root = ElementTree.fromstring(content)
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    lines = [
        "".join(element.itertext())
        for element in root.iter()
        if element.tag in (f"{{{text_ns}}}p", f"{{{text_ns}}}h")
    ]
    return _result("\n".join(lines))


def _xlsx(data: bytes, limits: Limits) -> Extraction:
    refusal = _check_office_zip(data, limits)
    if refusal:
        return Extraction(ExtractStatus.REFUSED, "", refusal)
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines: list[str] = []
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells = [str(value) for value in row if value is not None and str(value).strip()]
                if cells:
                    lines.append("\t".join(cells))
    finally:
        workbook.close()
    return _result("\n".join(lines))


def _rtf(data: bytes, limits: Limits) -> Extraction:
    from parsers.rtf import rtf_to_text

    if not data.lstrip().startswith(b"{\\rtf"):
        return Extraction(ExtractStatus.ERROR, "", "not an RTF document")
    return _result(rtf_to_text(data))


def _doc(data: bytes, limits: Limits) -> Extraction:
    antiword = shutil.which("antiword")
    if antiword is None:
        return Extraction(ExtractStatus.UNSUPPORTED, "", "antiword is not installed")
    with tempfile.NamedTemporaryFile(suffix=".doc") as handle:
        handle.write(data)
        handle.flush()
        done = subprocess.run(
            [antiword, "-m", "UTF-8.txt", "-w", "0", handle.name],
            capture_output=True,
            timeout=limits.timeout_seconds,
            check=False,
        )
    message = done.stderr.decode("utf-8", "replace").strip()
    if "encrypt" in message.lower():
        return Extraction(ExtractStatus.ENCRYPTED, "", "password-protected Word document")
    if done.returncode != 0:
        return Extraction(
            ExtractStatus.ERROR, "", f"antiword failed (exit {done.returncode}): {message}"[:300]
        )
    return _result(done.stdout.decode("utf-8", "replace"))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _result(text: str, reason: str = "", empty: str = "no text") -> Extraction:
    # NUL and other controls cannot be stored (PostgreSQL text) and mean nothing.
    text, legacy = to_unicode(nfc(_CONTROL.sub("", text)))
    if legacy:
        reason = "; ".join(r for r in (reason, f"converted from {legacy.upper()}") if r)
    if not text.strip():
        return Extraction(ExtractStatus.EMPTY, "", empty)
    return Extraction(ExtractStatus.OK, text, reason)
