from django.core.management.base import BaseCommand, CommandError

from luoshi.ops.actions import ArchiveError, export_all


class Command(BaseCommand):
    help = "把全部数据 (台账、报告、佐证材料、审计、用户、跟踪记录) 备份为一个 .tar.gz 归档"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件, 如 luoshi-2026-03-01.tar.gz")

    def handle(self, *args, out, **options):
        verbose = options["verbosity"] > 1
        try:
            manifest = export_all(
                out, progress=(lambda label, n: self.stdout.write(f"{label}: {n}")) if verbose else None
            )
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(m["count"] for m in manifest["models"].values())
        self.stdout.write(f"models={len(manifest['models'])} rows={rows} files={len(manifest['files'])} out={out}")
