"""佐证材料: which files are accepted, judged by their content and not only by their name."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings

from luoshi.errors import ActionError

ALLOWED = {"pdf", "docx", "xlsx", "jpg", "png"}
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "jpg": "jpg", "jpeg": "jpg", "png": "png"}
MAX_FILES = 10


@dataclass
class CheckedFile:
    name: str
    kind: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The kind of file the bytes really are, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    return None


def check_file(upload) -> CheckedFile:
    """Read an upload and accept it only if its name and its content agree on an allowed type."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200] or "附件"
    limit = settings.LUOSHI_MAX_EVIDENCE_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ActionError(f"文件“{name}”超过 {limit // (1024 * 1024)} MB 上限")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ActionError(f"文件“{name}”超过 {limit // (1024 * 1024)} MB 上限")
    if not data:
        raise ActionError(f"文件“{name}”是空文件")
    extension = EXTENSIONS.get(name.rsplit(".", 1)[-1].lower() if "." in name else "")
    kind = sniff(data)
    if extension is None or kind is None or kind != extension:
        raise ActionError(f"文件“{name}”的类型不允许: 只接受 PDF、Word(docx)、Excel(xlsx)、JPG、PNG")
    return CheckedFile(name=name, kind=kind, data=data)


def check_link(url: str) -> str:
    url = (url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 500:
        raise ActionError(f"链接“{url[:60]}”无效: 须以 http:// 或 https:// 开头")
    return url


def check_all(files, links) -> tuple[list[CheckedFile], list[str]]:
    files, links = list(files or []), [link for link in (links or []) if str(link).strip()]
    if len(files) + len(links) > MAX_FILES:
        raise ActionError(f"佐证材料最多 {MAX_FILES} 项")
    return [check_file(f) for f in files], [check_link(link) for link in links]
