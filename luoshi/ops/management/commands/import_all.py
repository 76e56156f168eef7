from django.core.management.base import BaseCommand, CommandError

from luoshi.ops.actions import ArchiveError, import_all, read_passphrase


class Command(BaseCommand):
    help = "把 export_all 的归档恢复到一个已迁移的空数据库 (一个事务, 全部成功或全部不写)"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="export_all 生成的 .tar.gz")
        parser.add_argument("--passphrase-file", help="加密归档的口令文件 (第一行)")

    def handle(self, *args, archive, passphrase_file=None, **options):
        verbose = options["verbosity"] > 1
        try:
            passphrase = read_passphrase(passphrase_file) if passphrase_file else None
            manifest = import_all(
                archive,
                progress=(lambda label, n: self.stdout.write(f"{label}: {n}")) if verbose else None,
                passphrase=passphrase,
            )
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(m["count"] for m in manifest["models"].values())
        self.stdout.write(f"models={len(manifest['models'])} rows={rows} files={len(manifest['files'])}")
