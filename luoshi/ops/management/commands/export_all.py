from django.core.management.base import BaseCommand, CommandError

from luoshi.ops.actions import ArchiveError, export_all, read_passphrase


class Command(BaseCommand):
    help = "把全部数据 (台账、报告、佐证材料、审计、用户、跟踪记录) 备份为一个 .tar.gz 归档"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件, 如 luoshi-2026-03-01.tar.gz")
        parser.add_argument("--passphrase-file", help="用该文件第一行的口令加密归档 (Fernet, scrypt 派生密钥)")

    def handle(self, *args, out, passphrase_file=None, **options):
        verbose = options["verbosity"] > 1
        try:
            passphrase = read_passphrase(passphrase_file) if passphrase_file else None
            manifest = export_all(
                out,
                progress=(lambda label, n: self.stdout.write(f"{label}: {n}")) if verbose else None,
                passphrase=passphrase,
            )
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(m["count"] for m in manifest["models"].values())
        self.stdout.write(f"models={len(manifest['models'])} rows={rows} files={len(manifest['files'])} out={out}")
