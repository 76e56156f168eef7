"""Server time of the office dashboard and the public index on a ledger of 10,000 tasks and 100,000
progress reports (PostgreSQL by default).

    python benchmarks/dashboard.py [--tasks 10000] [--reports-per-task 10] [--runs 7] [--fresh]

DATABASE_URL defaults to postgresql://postgres@127.0.0.1:5432/luoshi_bench; the database is created if
missing and the ledger generated once (``--fresh`` regenerates it). Times are the median of ``--runs``
requests through Django's test Client after one warm-up. The last line is key=value figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/luoshi_bench"


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    conninfo = {
        "host": cfg["HOST"] or "127.0.0.1",
        "port": cfg["PORT"] or 5432,
        "user": cfg["USER"] or "postgres",
        "password": cfg["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v is not None}) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--reports-per-task", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    ensure_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    call_command("migrate", verbosity=0)

    from luoshi.accounts import actions as accounts
    from luoshi.accounts.models import Government, User
    from luoshi.reports.models import WorkReport
    from luoshi.text import load_units
    from tests.support.synthetic import make_ledger

    name = f"基准州{args.tasks}x{args.reports_per_task}"
    gov = Government.objects.filter(name=name).first()
    if gov is not None and args.fresh:
        WorkReport.objects.filter(government=gov).delete()
    report = WorkReport.objects.filter(government=gov).first() if gov else None
    if report is None:
        started = time.perf_counter()
        gov = gov or Government.objects.create(name=name)
        if not gov.units.exists():
            accounts.import_units(gov, None, load_units(ROOT / "luoshi" / "data" / "haixi-units.csv"))
        for i in range(10):
            User.objects.get_or_create(
                username=f"bench-leader-{gov.pk}-{i}",
                defaults={"role": "leader", "government": gov, "last_name": "领导", "first_name": str(i)},
            )
        report = make_ledger(gov, args.tasks, args.reports_per_task)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        print(f"generated {args.tasks} tasks in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    supervisor, _ = User.objects.get_or_create(
        username=f"bench-office-{gov.pk}", defaults={"role": "supervisor", "government": gov}
    )
    from luoshi.tasks.models import Task
    from luoshi.tracking.models import ProgressReport

    tasks = Task.objects.filter(report=report).count()
    reports = ProgressReport.objects.filter(task__report=report).count()

    client = Client()
    client.force_login(supervisor)

    def measure(path: str) -> tuple[float, int]:
        assert client.get(path).status_code == 200, path  # warm-up
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        return statistics.median(times), len(ctx.captured_queries)

    dashboard_ms, dashboard_q = measure(f"/dashboard/?report={report.pk}")
    public_ms, public_q = measure("/public/")
    report_ms, _ = measure(f"/public/reports/{report.pk}/")
    print(
        f"database={connection.vendor} dashboard {dashboard_ms:.0f} ms ({dashboard_q} queries), "
        f"public index {public_ms:.0f} ms ({public_q} queries), public report page {report_ms:.0f} ms"
    )
    print(
        f"dashboard_ms={dashboard_ms:.1f} public_ms={public_ms:.1f} public_report_ms={report_ms:.1f} "
        f"tasks={tasks} reports={reports} queries_dashboard={dashboard_q} queries_public={public_q}"
    )


if __name__ == "__main__":
    main()
