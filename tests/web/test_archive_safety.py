"""Archives (issue 17): restoring never writes outside its folders and refuses any member the manifest
does not vouch for; archives are written owner-only and can be encrypted with a passphrase."""

from __future__ import annotations

import io
import json
import stat
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from luoshi.ops.actions import MAGIC, ArchiveError, archived_models, import_all
from luoshi.tasks.models import Task


@pytest.fixture
def archive(transactional_db, tracked_task, settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    out = tmp_path / "backup.tar.gz"
    call_command("export_all", str(out), stdout=io.StringIO())
    return out


def _repack(src: Path, dst: Path, extra=(), change=None) -> Path:
    """A copy of ``src`` with ``extra`` members (TarInfo, bytes) added and ``change(name, data)`` applied."""
    with tarfile.open(src) as old, tarfile.open(dst, "w:gz") as new:
        for member in old:
            data = old.extractfile(member).read()
            if change:
                data = change(member.name, data)
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))
        for info, data in extra:
            new.addfile(info, io.BytesIO(data) if data is not None else None)
    return dst


def _member(name: str, kind: bytes = tarfile.REGTYPE, data: bytes = b"x", link: str = "") -> tuple:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    if kind == tarfile.REGTYPE:
        info.size = len(data)
        return info, data
    return info, None


ESCAPES = {
    "absolute": _member("/tmp/luoshi-escape.txt"),
    "dotdot": _member("media/../../luoshi-escape.txt"),
    "backslash": _member("media\\..\\..\\luoshi-escape.txt"),
    "symlink": _member("media/link", tarfile.SYMTYPE, link="/etc/passwd"),
    "hardlink": _member("media/hard", tarfile.LNKTYPE, link="manifest.json"),
    "chardev": _member("media/tty", tarfile.CHRTYPE),
    "fifo": _member("media/pipe", tarfile.FIFOTYPE),
    "unlisted": _member("media/unlisted.txt"),
    "stray": _member("elsewhere/readme.txt"),
}


@pytest.mark.parametrize("case", list(ESCAPES), ids=list(ESCAPES))
def test_a_member_that_could_escape_or_is_not_vouched_for_is_refused_before_anything_is_written(
    case, archive, tmp_path, settings
):
    bad = _repack(archive, tmp_path / f"{case}.tar.gz", extra=[ESCAPES[case]])
    tasks = Task.objects.count()
    with pytest.raises(ArchiveError, match=r"不安全的路径|链接或设备|清单之外"):
        import_all(bad)
    assert Task.objects.count() == tasks
    assert not (tmp_path / "luoshi-escape.txt").exists() and not Path("/tmp/luoshi-escape.txt").exists()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).iterdir())


def test_a_repeated_member_is_refused(archive, tmp_path):
    with tarfile.open(archive) as src:
        manifest = src.extractfile("manifest.json").read()
    bad = _repack(archive, tmp_path / "twice.tar.gz", extra=[_member("manifest.json", data=manifest)])
    with pytest.raises(ArchiveError, match="重复"):
        import_all(bad)


def test_a_file_the_manifest_lists_under_an_escaping_name_is_refused(archive, tmp_path):
    def poison(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["files"]["../../outside.txt"] = {"size": 1, "sha256": "0" * 64}
        return json.dumps(manifest).encode()

    with pytest.raises(ArchiveError, match="不安全的路径"):
        import_all(_repack(archive, tmp_path / "listed.tar.gz", change=poison))


def test_a_data_file_that_does_not_match_the_manifest_is_refused(archive, tmp_path):
    def tamper(name, data):
        return data.replace("督查".encode(), "篡改".encode()) if name.startswith("data/") else data

    with pytest.raises(ArchiveError, match="校验不符"):
        import_all(_repack(archive, tmp_path / "tampered.tar.gz", change=tamper))


def test_the_archive_is_owner_only_even_over_an_existing_file(transactional_db, tracked_task, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    out = tmp_path / "backup.tar.gz"
    out.write_bytes(b"old")
    out.chmod(0o644)
    call_command("export_all", str(out), stdout=io.StringIO())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    again = tmp_path / "fresh.tar.gz"
    call_command("export_all", str(again), stdout=io.StringIO())
    assert stat.S_IMODE(again.stat().st_mode) == 0o600


def test_an_encrypted_archive_needs_its_passphrase_and_restores_with_it(
    transactional_db, tracked_task, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    secret = tmp_path / "pass.txt"
    secret.write_text("正确的口令 horse battery\n", encoding="utf-8")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("错误的口令\n", encoding="utf-8")
    out = tmp_path / "backup.enc"
    call_command("export_all", str(out), "--passphrase-file", str(secret), stdout=io.StringIO())
    data = out.read_bytes()
    assert data.startswith(MAGIC) and stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "督查".encode() not in data and "教育".encode() not in data
    with pytest.raises(tarfile.ReadError), tarfile.open(out):
        pass
    texts = sorted(Task.objects.values_list("text", flat=True))

    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="已加密"):
        call_command("import_all", str(out), stdout=io.StringIO())
    with pytest.raises(CommandError, match="口令错误"):
        call_command("import_all", str(out), "--passphrase-file", str(wrong), stdout=io.StringIO())
    flipped = tmp_path / "flipped.enc"
    flipped.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    with pytest.raises(CommandError, match="口令错误"):
        call_command("import_all", str(flipped), "--passphrase-file", str(secret), stdout=io.StringIO())
    assert not any(m._base_manager.exists() for m in archived_models() if m._meta.label_lower != "auth.group")

    call_command("import_all", str(out), "--passphrase-file", str(secret), stdout=io.StringIO())
    assert sorted(Task.objects.values_list("text", flat=True)) == texts
