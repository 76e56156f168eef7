"""Reading a report file into text: .txt in any common Chinese encoding, .docx, and .pdf.

The reader only decodes: it finds the format (by content first, then by the file name), extracts
the text and strips a byte-order mark. Everything else (full/half width, line breaks, page
furniture) is the normaliser's job. Every refusal is an ``InputError`` with one Chinese line that
says what is wrong and what to do, so the command line and the web upload can show it as is.
"""

from __future__ import annotations

import datetime
import io
import logging
import os
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .model import InputError

if TYPE_CHECKING:
    import pypdf

DEFAULT_MAX_REPORT_BYTES = 50 * 1024 * 1024
MAX_REPORT_BYTES_ENV = "LUOSHI_MAX_REPORT_BYTES"

# A .docx is a zip of XML. These bound what unpacking it may cost, whatever the entries declare.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_COMPRESSION_RATIO = 200  # deflate of real Word XML stays far below; zip bombs reach ~1000
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # tiny entries may compress very well and harm nobody

# Share of control characters (other than tab, line feed, carriage return, form feed, vertical
# tab) above which decoded "text" is taken for a binary file.
MAX_CONTROL_SHARE = 0.01
# Share of characters a Chinese report plausibly contains, below which a guessed encoding is wrong.
MIN_PLAUSIBLE_SHARE = 0.9
# A PDF page of report text has hundreds of characters; a scanned page has none, or a few from
# a stamped header. Below this many letters per page on average the PDF has no usable text layer.
MIN_LETTERS_PER_PDF_PAGE = 20

STDIN_NAME = "标准输入"

# What to do, shared by several messages.
_RESAVE = "请重新保存为 .docx 或 .txt"
_REEXPORT = "文件可能已损坏, 请重新导出"
_NOT_TEXT = "是二进制文件, 不是文本: 请提供 .txt、.docx 或带文字层的 .pdf"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_IMAGE_MAGICS = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_ARCHIVE_MAGICS = (
    (b"\x1f\x8b", "gzip"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\xfd7zXZ\x00", "xz"),
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Control characters other than tab, line feed, vertical tab, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Characters outside what a Chinese report plausibly contains: ASCII and its whitespace, Latin-1
# and Latin Extended (· × ° é), general punctuation to box drawing (“” … — ① Ⅱ →), CJK punctuation
# to ideographs, compatibility ideographs and forms, full-width forms, ideograph extensions, BOM.
_IMPLAUSIBLE = re.compile(
    r"[^\t\n\v\f\r\x20-\x7e\xa0-\u024f\u2000-\u2bff\u3000-\u9fff"
    r"\uf900-\ufaff\ufe30-\ufe4f\ufeff\uff00-\uffef\U00020000-\U00031fff]"
)


# ---------------------------------------------------------------------------------------------
# entry points


def read_report(path: str | Path) -> str:
    """Read a report from a file path, or from standard input when ``path`` is ``-``."""
    limit = max_report_bytes()
    if str(path) == "-":
        data = sys.stdin.buffer.read(limit + 1)
        _check_size(len(data), limit, STDIN_NAME)
        return read_bytes_report(data, STDIN_NAME)
    path = Path(path)
    name = str(path)
    try:
        if path.is_dir():
            raise InputError(f"{name} 是一个目录, 不是文件: 请给出报告文件的路径")
        if not path.exists():
            raise InputError(f"找不到文件 {name}: 请检查路径")
        if path.is_file():
            _check_size(path.stat().st_size, limit, name)
        with path.open("rb") as handle:  # also pipes and process substitution: read at most the limit
            data = handle.read(limit + 1)
    except PermissionError:
        raise InputError(f"没有权限读取文件 {name}: 请检查文件权限") from None
    except OSError as exc:
        raise InputError(f"无法读取文件 {name}: {exc.strerror or exc}") from None
    _check_size(len(data), limit, name)
    return read_bytes_report(data, name)


def read_bytes_report(data: bytes, filename: str) -> str:
    """Turn the bytes of an uploaded or read report into text, with the same checks as a file."""
    name = filename or "输入"
    _check_size(len(data), max_report_bytes(), name)
    if not data:
        raise InputError(f"文件为空: {name} 没有任何内容, 请提供报告正文")
    suffix = Path(filename).suffix.lower() if filename else ""
    kind = _sniff(data, suffix, name)
    if kind == "pdf":
        text = read_pdf_bytes(data, name)
    elif kind == "docx":
        text = read_docx_bytes(data, name)
    else:
        text = decode_bytes(data, name)
    if not text.strip():
        raise InputError(f"文件为空: {name} 只有空白, 没有报告文字")
    return text


def max_report_bytes() -> int:
    """The largest report accepted, from ``LUOSHI_MAX_REPORT_BYTES`` (default 50 MB)."""
    raw = os.environ.get(MAX_REPORT_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_REPORT_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise InputError(f"环境变量 {MAX_REPORT_BYTES_ENV}={raw!r} 无效: 应为正整数(字节数)")
    return value


# ---------------------------------------------------------------------------------------------
# format detection


def _sniff(data: bytes, suffix: str, name: str) -> str:
    """``pdf``, ``docx`` or ``text``; refuses formats that are not a report."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(_ZIP_MAGICS):
        return "docx"
    if data.startswith(_OLE_MAGIC):
        raise InputError(f"{name} 是旧版 Word(.doc)或其他 OLE 格式(也可能是加密的 Office 文档): 请另存为 .docx 或 .txt")
    if data.startswith(b"{\\rtf"):
        raise InputError(f"{name} 是 RTF 格式: 请用 Word 或 WPS 另存为 .docx 或 .txt")
    for magic, label in _IMAGE_MAGICS:
        if data.startswith(magic):
            raise InputError(f"{name} 是 {label} 图片, 不是文字: 请先做文字识别(OCR)或提供 .txt/.docx/.pdf")
    for magic, label in _ARCHIVE_MAGICS:
        if data.startswith(magic):
            raise InputError(f"{name} 是 {label} 压缩文件: 请先解压, 再提供其中的报告文件")
    if suffix == ".pdf":
        raise InputError(f"{name} 的扩展名是 .pdf, 但内容不是 PDF(文件可能已损坏): 请重新导出或提供 .txt/.docx")
    if suffix == ".docx":
        raise InputError(f"{name} 的扩展名是 .docx, 但内容不是 Word 文档(文件可能已损坏): {_RESAVE}")
    if suffix in (".doc", ".wps"):
        raise InputError(f"{name} 的内容不是可识别的 Word 文档(可能是网页导出的伪 .doc): 请另存为 .docx 或 .txt")
    return "text"


def _check_size(size: int, limit: int, name: str) -> None:
    if size > limit:
        raise InputError(
            f"{name} 太大(超过 {_human_size(limit)}): 请只提供报告正文, 或调大环境变量 {MAX_REPORT_BYTES_ENV}"
        )


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
    return f"{size} 字节"


# ---------------------------------------------------------------------------------------------
# plain text


def decode_bytes(data: bytes, name: str = "输入") -> str:
    """Decode the bytes of a text file: UTF-8 (BOM or not), UTF-16/32 (BOM or not), GB18030/GBK.

    UTF-8 is tried first; GB18030 only when strict UTF-8 fails. Binary data is refused. Nothing
    is normalised beyond decoding and dropping the byte-order mark.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text = _strict_utf8(data[3:], name, has_bom=True)
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        text = _decode_or_fail(data, "utf-32", name)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decode_or_fail(data, "utf-16", name)
    elif b"\x00" in data:
        text = _utf16_without_bom(data, name)
    else:
        text = _utf8_or_gb18030(data, name)
    text = text.removeprefix("\ufeff")
    _refuse_control_characters(text, name)
    return text


def _strict_utf8(data: bytes, name: str, *, has_bom: bool = False) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8")  # a file cut inside its last character
        if has_bom:
            raise InputError(
                f"{name} 以 UTF-8 标记开头, 但第 {exc.start} 字节处不是有效的 UTF-8: {_REEXPORT}"
            ) from None
        raise


def _utf8_or_gb18030(data: bytes, name: str) -> str:
    try:
        return _strict_utf8(data, name)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if _mostly_utf8(data):
        raise InputError(f"{name} 是 UTF-8 文本, 但第 {first_bad} 字节处有无效字节: 文件可能不完整或已损坏, 请重新导出")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(f"{name} 既不是 UTF-8, 也不是 GB18030/GBK 编码的文本: 请另存为 UTF-8 编码的 .txt") from None
    if _plausible_share(text) < MIN_PLAUSIBLE_SHARE:
        raise InputError(f"{name} 不是可识别的文本(编码无法判断): 请另存为 UTF-8 编码的 .txt")
    return text


def _mostly_utf8(data: bytes) -> bool:
    """True for UTF-8 with a few damaged bytes, as opposed to text in another encoding."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(_NON_ASCII.findall(text))
    return non_ascii >= 20 and bad <= 0.02 * non_ascii


def _utf16_without_bom(data: bytes, name: str) -> str:
    """NUL bytes are either UTF-16 without a byte-order mark or a binary file."""
    best, best_share = None, 0.0
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        share = _plausible_share(text)
        if "\x00" not in text and share > best_share and not _looks_like_paired_ascii(text):
            best, best_share = text, share
    if best is None or best_share < MIN_PLAUSIBLE_SHARE:
        raise InputError(f"{name} {_NOT_TEXT}")
    return best


def _looks_like_paired_ascii(text: str, sample: int = 100_000) -> bool:
    """True when "UTF-16" characters are mostly two printable ASCII bytes: ASCII text with stray NULs.

    Genuine Chinese text has only about one character in five of that shape (中 is U+4E2D).
    """
    chars = text[:sample]
    wide = [ord(ch) for ch in chars if ord(ch) > 0xFF]
    if not wide:
        return False
    paired = sum(1 for code in wide if 0x20 <= code >> 8 <= 0x7E and 0x20 <= code & 0xFF <= 0x7E)
    return paired > 0.6 * len(wide)


def _decode_or_fail(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        label = encoding.upper()
        raise InputError(
            f"{name} 以 {label} 标记开头, 但第 {exc.start} 字节处不是有效的 {label}: {_REEXPORT}"
        ) from None


def _refuse_control_characters(text: str, name: str) -> None:
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or (controls > 2 and controls > MAX_CONTROL_SHARE * len(text)):
        raise InputError(f"{name} {_NOT_TEXT}")


def _plausible_share(text: str) -> float:
    """Share of characters a Chinese report plausibly contains (to tell a right guess of encoding)."""
    if not text:
        return 1.0
    return 1 - len(_IMPLAUSIBLE.findall(text)) / len(text)


# ---------------------------------------------------------------------------------------------
# .docx


def read_docx_bytes(data: bytes, name: str = "输入") -> str:
    """Paragraph text of a .docx in body order, one paragraph per line, a table a line per row."""
    _check_docx_zip(data, name)
    import docx  # python-docx; imported here so reading .txt does not pay for lxml

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml raise many kinds of errors on damaged files
        raise InputError(f"{name} 无法作为 Word 文档打开(文件可能已损坏): {_RESAVE}") from exc
    lines: list[str] = []
    _collect_block_text(document.element.body, lines)
    return "\n".join(lines)


def check_zip(data: bytes, name: str, *, advice: str = "") -> None:
    """Refuse a zip (.docx, .xlsx) whose unpacking would cost too much, before anything opens it:
    too many members, too large in total once unpacked, or a member compressed suspiciously well.

    The one zip-bomb guard for every reader of an Office file (``read_docx_bytes``, ``read_docx_table``,
    ``read_sheet``); it trusts nothing the entries declare beyond what it checks.
    """
    advice = advice or _RESAVE
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip at all: the reader says what is wrong with it
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise InputError(f"{name} 内部文件数异常({len(entries)} 个), 疑似压缩炸弹: {advice}")
        total = sum(info.file_size for info in entries)
        if total > MAX_UNZIPPED_BYTES:
            raise InputError(f"{name} 解压后超过 {_human_size(MAX_UNZIPPED_BYTES)}, 疑似压缩炸弹: {advice}")
        for info in entries:
            if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
                info.compress_size, 1
            ):
                raise InputError(f"{name} 压缩比异常, 疑似压缩炸弹: {advice}")


def _check_docx_zip(data: bytes, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError(f"{name} 是损坏的 ZIP/Word 文件: {_RESAVE}") from None
    with archive:
        entries = archive.infolist()
        names = {info.filename for info in entries}
        if "word/document.xml" not in names:
            if "mimetype" in names and "content.xml" in names:
                raise InputError(f"{name} 是 OpenDocument(.odt/.wps 等)文件: 请另存为 .docx 或 .txt")
            if "xl/workbook.xml" in names:
                raise InputError(f"{name} 是 Excel 表格, 不是报告: 请提供报告正文(.txt、.docx 或 .pdf)")
            if "ppt/presentation.xml" in names:
                raise InputError(f"{name} 是 PowerPoint 演示文稿, 不是报告: 请提供报告正文(.txt、.docx 或 .pdf)")
            raise InputError(f"{name} 是 ZIP 压缩包, 不是 Word 报告: 请解压后提供 .txt、.docx 或 .pdf")
    check_zip(data, name)


class _XmlElement(Protocol):
    """What the .docx reader uses of an lxml element (lxml itself has no type information)."""

    tag: object  # a str for an element; comments and processing instructions have other tags
    text: str | None

    def iterchildren(self, tag: str = ..., /) -> Iterator[_XmlElement]: ...

    def get(self, key: str, /) -> str | None: ...


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Inside a paragraph: text boxes (their own paragraphs, anchored anywhere), the fallback copy of
# alternate content, deleted text of tracked changes, field instructions and ruby (phonetic) text
# are not body text.
_SKIPPED_IN_PARAGRAPH = frozenset(
    {
        _W + "txbxContent",
        _MC + "Fallback",
        _W + "del",
        _W + "delText",
        _W + "instrText",
        _W + "pPr",
        _W + "rPr",
        _W + "rt",
    }
)


TABLE_CELL_SEPARATOR = " | "


def _collect_block_text(container: _XmlElement, lines: list[str]) -> None:
    """Append the text of each paragraph under ``container``, and of each table a line a row with its
    cells joined by TABLE_CELL_SEPARATOR."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == _W + "p":
            lines.append("".join(_inline_text(child)))
        elif tag == _W + "tbl":
            for row in child.iterchildren(_W + "tr"):
                # a merged cell is one w:tc (gridSpan), its vertical continuation an empty w:tc
                cells = []
                for cell in row.iterchildren(_W + "tc"):
                    own: list[str] = []
                    _collect_block_text(cell, own)
                    text = " ".join(line.strip() for line in own if line.strip())
                    if text:
                        cells.append(text)
                if cells:  # a row is one line, its cells apart: the outline reads it as a table row
                    lines.append(TABLE_CELL_SEPARATOR.join(cells))
        elif tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):  # wrappers of ordinary blocks
            _collect_block_text(child, lines)


def read_docx_table(data: bytes, name: str = "输入") -> list[list[str]] | None:
    """The first table of a .docx as rows of cell texts (a merged cell's continuation is empty), and
    before it the paragraphs above it each as a row of one cell (a list's title); None when the
    document has no table."""
    _check_docx_zip(data, name)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml raise many kinds of errors on damaged files
        raise InputError(f"{name} 无法作为 Word 文档打开(文件可能已损坏): {_RESAVE}") from exc
    above: list[list[str]] = []
    for child in document.element.body.iterchildren():
        if child.tag == _W + "p":
            text = "".join(_inline_text(child)).strip()
            if text:
                above.append([text])
        elif child.tag == _W + "tbl":
            rows = []
            for row in child.iterchildren(_W + "tr"):
                cells = []
                for cell in row.iterchildren(_W + "tc"):
                    own: list[str] = []
                    _collect_block_text(cell, own)
                    cells.append(" ".join(line.strip() for line in own if line.strip()))
                rows.append(cells)
            return above + rows
    return None


def _inline_text(element: _XmlElement) -> Iterator[str]:
    """The text pieces of a paragraph in order: runs, including inserted text of tracked changes."""
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED_IN_PARAGRAPH:
            continue  # comments and processing instructions have non-string tags
        if tag == _W + "t":
            yield child.text or ""
        elif tag == _W + "tab":
            yield "\t"
        elif tag in (_W + "br", _W + "cr"):
            if child.get(_W + "type") not in ("page", "column"):
                yield "\n"
        elif tag == _W + "noBreakHyphen":
            yield "-"
        else:
            yield from _inline_text(child)


# ---------------------------------------------------------------------------------------------
# .pdf


def read_pdf_bytes(data: bytes, name: str = "输入") -> str:
    """The text layer of a PDF, page by page. Scanned PDFs (no text layer) are refused."""
    import pypdf

    _quiet_pypdf()
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt(reader, name)
        pages = [page.extract_text(extraction_mode="plain") or "" for page in reader.pages]
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"{name} 的 PDF 结构嵌套过深, 无法读取: 请另存为 .txt 或 .docx") from None
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise InputError(f"{name} 无法作为 PDF 读取(文件可能已损坏): 请重新导出, 或提供 .txt/.docx") from exc
    text = "\n".join(pages)
    letters = sum(1 for ch in text if ch.isalpha())
    if letters < MIN_LETTERS_PER_PDF_PAGE * max(len(pages), 1):
        raise InputError(f"PDF 没有文字层(可能是扫描件): 请先做文字识别(OCR)或提供 .txt/.docx ({name})")
    return text.removeprefix("\ufeff")


def _quiet_pypdf() -> None:
    """pypdf logs what it repairs in a damaged file; without a logging setup Python would print those
    lines on stderr next to our one-line message. A NullHandler keeps them out of stderr and still
    lets an application's own logging configuration receive them."""
    logger = logging.getLogger("pypdf")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())


def _decrypt(reader: pypdf.PdfReader, name: str) -> None:
    """Open a PDF that is encrypted with an empty user password (only 'owner' restrictions)."""
    opened: int  # a PasswordType, 0 when not decrypted
    try:
        opened = reader.decrypt("")
    except Exception:  # pypdf needs the optional 'cryptography' package for AES
        opened = 0
    if not opened:
        raise InputError(f"{name} 是加密的 PDF(需要密码): 请提供未加密的文件, 或另存为 .txt/.docx")


# ---------------------------------------------------------------------------------------------- tables


def read_sheet(data: bytes, name: str = "输入") -> list[tuple[object, ...]]:
    """The rows of an .xlsx workbook's first sheet, as tuples of cell values; InputError when the
    bytes are not a readable workbook."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_zip(data, name, advice="请检查文件或在 Excel 中另存为 .xlsx 后重试")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        raise InputError(f"{name} 不是可读取的 Excel (.xlsx) 文件") from exc


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: dates in ISO form, whole numbers without ``.0``, text stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
