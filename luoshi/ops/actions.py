"""Backup and restore of a whole installation as one archive (``export_all`` / ``import_all``).

The archive (``.tar.gz``) holds:

- ``manifest.json`` — format version, creation time, the applied migrations, and for every model its
  row count and the SHA-256 of its data file; for every stored file its size and SHA-256;
- ``data/<app_label>.<model>.json`` — Django's JSON serialisation of every row (primary keys kept,
  content types and permissions by natural key so they match the target's freshly migrated ones);
- ``media/<name>`` — every stored file (evidence) under the name the database refers to.

Restoring needs an EMPTY, migrated database of the same schema; it runs in one transaction, checks
every checksum first, and resets the primary-key sequences (PostgreSQL) afterwards.

Safety (``docs/security.md``): the archive file is created owner-only (0600); with a passphrase it is
encrypted whole (Fernet, AES-128-CBC with HMAC-SHA256, under a key derived by scrypt from the
passphrase and a random salt). Restoring reads every member into memory and refuses, before writing
anything, a member that is not a regular file (a link, a device), a name that is absolute or climbs out
(``..``), a repeated name, a member the manifest does not list and a listed one that is missing or whose
SHA-256 differs; evidence is written only inside ``MEDIA_ROOT``.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "luoshi-archive/1"
# Rows that ``migrate`` recreates on the target, or that are transient: not part of a backup.
SKIPPED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "ops.loginfailure"}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a restore must give back the very same instants."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class ArchiveError(Exception):
    """The archive cannot be written or restored; the message says why, in Chinese."""


# An encrypted archive: MAGIC, a 16-byte scrypt salt, then one Fernet token holding the .tar.gz.
MAGIC = b"LUOSHI-ENCRYPTED-ARCHIVE/1\n"
SALT_BYTES = 16
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


def _fernet(passphrase: str, salt: bytes):
    import base64

    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    key = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(passphrase.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(data: bytes, passphrase: str) -> bytes:
    salt = os.urandom(SALT_BYTES)
    return MAGIC + salt + _fernet(passphrase, salt).encrypt(data)


def decrypt(data: bytes, passphrase: str) -> bytes:
    from cryptography.fernet import InvalidToken

    salt, token = data[len(MAGIC) : len(MAGIC) + SALT_BYTES], data[len(MAGIC) + SALT_BYTES :]
    try:
        return _fernet(passphrase, salt).decrypt(token)
    except InvalidToken:
        raise ArchiveError("口令错误, 或加密的归档已被篡改") from None


def read_passphrase(path) -> str:
    """The passphrase in a file (its first line); refused when empty."""
    try:
        text = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ArchiveError(f"无法读取口令文件: {exc}") from exc
    passphrase = text[0].strip() if text else ""
    if not passphrase:
        raise ArchiveError("口令文件是空的")
    return passphrase


def _owner_only(path: Path):
    """A new file open for binary writing, readable and writable by its owner only (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when the file was already there
    return os.fdopen(fd, "wb")


def archived_models() -> list[type[models.Model]]:
    """Every concrete model whose rows a backup carries, in dependency order."""
    chosen = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.proxy or not model._meta.managed or label in SKIPPED:
            continue
        chosen.append(model)
    by_app: dict = {}
    for model in chosen:
        by_app.setdefault(model._meta.app_config, []).append(model)
    ordered = serializers.sort_dependencies(list(by_app.items()), allow_cycles=True)
    return [m for m in ordered if m in chosen]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now(tz=datetime.UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def export_all(out_path, *, progress=None, passphrase: str | None = None) -> dict:
    """Write the whole installation to ``out_path`` (0600; encrypted when a passphrase is given);
    returns the manifest."""
    manifest: dict = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": connection.vendor,
        "migrations": sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()),
        "models": {},
        "files": {},
    }
    out_path = Path(out_path)
    tmp = out_path.with_name(out_path.name + ".part")
    # REPEATABLE READ on PostgreSQL: every model is read from the same snapshot.
    with transaction.atomic(), tempfile.TemporaryFile("w+b") as plain:  # unlinked: never readable by others
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with tarfile.open(fileobj=plain, mode="w:gz") as tar:
            for model in archived_models():
                label = model._meta.label_lower
                queryset = model._base_manager.order_by(model._meta.pk.name)
                with tempfile.TemporaryFile("w+b") as spool:
                    text = io.TextIOWrapper(spool, encoding="utf-8")
                    serializers.serialize(
                        "json",
                        queryset.iterator(chunk_size=2000),
                        stream=text,
                        use_natural_foreign_keys=True,
                        cls=ExactJSONEncoder,
                    )
                    text.flush()
                    spool.seek(0)
                    data = spool.read()
                    text.detach()
                count = queryset.count()
                _add_bytes(tar, f"data/{label}.json", data)
                manifest["models"][label] = {"count": count, "sha256": _sha256(data)}
                for field in _file_fields(model):
                    for name in queryset.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                        if not name or name in manifest["files"]:
                            continue
                        try:
                            with default_storage.open(name, "rb") as fh:
                                blob = fh.read()
                        except FileNotFoundError:
                            raise ArchiveError(f"文件缺失, 无法完整备份: {name}") from None
                        _add_bytes(tar, f"media/{name}", blob)
                        manifest["files"][name] = {"size": len(blob), "sha256": _sha256(blob)}
                if progress:
                    progress(label, count)
            _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        plain.seek(0)
        with _owner_only(tmp) as out:
            if passphrase:
                out.write(encrypt(plain.read(), passphrase))
            else:
                while chunk := plain.read(1 << 20):
                    out.write(chunk)
    tmp.replace(out_path)
    return manifest


def _safe_name(name: str) -> bool:
    path = Path(name)
    return bool(name) and not name.startswith(("/", "\\")) and "\\" not in name and ".." not in path.parts


def _read_archive(in_path, passphrase: str | None = None) -> tuple[dict, dict[str, bytes], dict[str, bytes]]:
    data: dict[str, bytes] = {}
    media: dict[str, bytes] = {}
    manifest = None
    seen: set[str] = set()
    try:
        raw = Path(in_path).read_bytes()
    except OSError as exc:
        raise ArchiveError(f"无法读取归档: {exc}") from exc
    if raw.startswith(MAGIC):
        if not passphrase:
            raise ArchiveError("归档已加密: 请用 --passphrase-file 提供口令")
        raw = decrypt(raw, passphrase)
    try:
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
            for member in tar:
                name = member.name
                if not _safe_name(name):
                    raise ArchiveError(f"归档中有不安全的路径: {name}")
                if member.isdir():
                    continue
                if not member.isfile():  # a symbolic or hard link, a device, a FIFO
                    raise ArchiveError(f"归档中有链接或设备文件, 拒绝导入: {name}")
                if name in seen:
                    raise ArchiveError(f"归档中有重复的文件: {name}")
                seen.add(name)
                if name != "manifest.json" and not (
                    (name.startswith("data/") and name.endswith(".json")) or name.startswith("media/")
                ):
                    raise ArchiveError(f"归档中有清单之外的文件: {name}")
                extracted = tar.extractfile(member)
                if extracted is None:  # not for a regular file (``isfile`` above)
                    raise ArchiveError(f"归档中的文件无法读取: {name}")
                blob = extracted.read()
                if name == "manifest.json":
                    manifest = json.loads(blob)
                elif name.startswith("data/") and name.endswith(".json"):
                    data[name[5:-5]] = blob
                elif name.startswith("media/"):
                    media[name[6:]] = blob
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise ArchiveError(f"无法读取归档: {exc}") from exc
    if manifest is None or manifest.get("format") != FORMAT:
        raise ArchiveError("这不是 luoshi 的备份归档 (缺少 manifest.json 或格式不符)")
    for label, entry in manifest["models"].items():
        if label not in data or _sha256(data[label]) != entry["sha256"]:
            raise ArchiveError(f"归档已损坏: {label} 的数据校验不符")
    for name, entry in manifest["files"].items():
        if not _safe_name(name):
            raise ArchiveError(f"归档中有不安全的路径: {name}")
        if name not in media or _sha256(media[name]) != entry["sha256"] or len(media[name]) != entry["size"]:
            raise ArchiveError(f"归档已损坏: 文件 {name} 校验不符")
    extra = sorted({f"data/{label}.json" for label in set(data) - set(manifest["models"])})
    extra += sorted(f"media/{name}" for name in set(media) - set(manifest["files"]))
    if extra:
        raise ArchiveError(f"归档中有清单之外的文件: {extra[0]}")
    return manifest, data, media


# Models that moved to another app since an archive was written: old label → new label.
MOVED = {"tasks.auditentry": "audit.auditentry"}


def _relabel(manifest: dict, data: dict) -> None:
    """Read an archive of an earlier version under today's model labels."""
    for old, new in MOVED.items():
        if old in manifest["models"]:
            manifest["models"][new] = manifest["models"].pop(old)
            data[new] = data.pop(old).replace(f'"model": "{old}"'.encode(), f'"model": "{new}"'.encode())


def non_empty_models() -> list[str]:
    return [m._meta.label_lower for m in archived_models() if m._base_manager.exists()]


def import_all(in_path, *, progress=None, passphrase: str | None = None) -> dict:
    """Restore an archive into an empty, migrated database; all or nothing. Returns the manifest."""
    manifest, data, media = _read_archive(in_path, passphrase)
    _relabel(manifest, data)
    known = {m._meta.label_lower: m for m in archived_models()}
    unknown = sorted(set(manifest["models"]) - set(known))
    if unknown:
        raise ArchiveError(f"归档含有本版本没有的数据表: {', '.join(unknown)} (请先升级 luoshi)")
    applied = {f"{a}.{n}" for a, n in MigrationRecorder(connection).applied_migrations()}
    missing = sorted(set(manifest.get("migrations", [])) - applied)
    if missing:
        raise ArchiveError(f"数据库结构比归档旧, 请先执行 migrate (缺少 {missing[0]} 等 {len(missing)} 项迁移)")
    filled = non_empty_models()
    if filled:
        raise ArchiveError(f"目标数据库不是空的 ({', '.join(filled[:5])} 已有数据), 拒绝导入以免覆盖")
    written: list[str] = []
    try:
        with transaction.atomic():
            with connection.constraint_checks_disabled():
                for label in known:
                    if label not in data:
                        continue
                    count = 0
                    for obj in serializers.deserialize("json", data[label], handle_forward_references=True):
                        obj.save()
                        count += 1
                    if count != manifest["models"][label]["count"]:
                        raise ArchiveError(
                            f"{label}: 归档记载 {manifest['models'][label]['count']} 行, 实际 {count} 行"
                        )
                    if progress:
                        progress(label, count)
            connection.check_constraints(table_names=[m._meta.db_table for m in known.values()])
            statements = connection.ops.sequence_reset_sql(no_style(), list(known.values()))
            if statements:
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
            root = Path(settings.MEDIA_ROOT).resolve()
            for name, blob in media.items():
                target = (root / name).resolve()
                if not target.is_relative_to(root):  # through a link already in the media folder
                    raise ArchiveError(f"归档中的文件会写到存储目录之外: {name}")
                if target.exists():
                    if target.read_bytes() != blob:
                        raise ArchiveError(f"存储目录中已有不同内容的同名文件: {name}")
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(blob)
                written.append(name)
    except Exception:
        for name in written:
            (Path(settings.MEDIA_ROOT) / name).unlink(missing_ok=True)
        raise
    return manifest
