"""A synthetic ledger for load tests: one government, N units each with a liaison (and an API token) and
M published, acknowledged tasks whose current monthly period is open. Used by the month-end benchmark
and the crash test (through ``tests.support.seed_surge``); never by the application itself. The accounts
share one random password per seed, returned with the tokens."""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone


def seed(*, government: str = "压测州", units: int = 300, tasks_per_unit: int = 5) -> dict:
    """Create the ledger; returns {"period": key, "report": id, "password": the accounts' password,
    "clients": [{"token", "tasks": [ids]}...]}."""
    from luoshi.accounts.models import ApiToken, Government, Unit, User
    from luoshi.reports.models import WorkReport
    from luoshi.tasks.models import Task

    now = timezone.now()
    today = timezone.localdate()
    plain_password = f"Ls-{secrets.token_urlsafe(16)}-7"  # upper, lower, digit and symbol whatever the token
    validate_password(plain_password)  # the installation's rules, as for any account
    password = make_password(plain_password)  # hashed once: the accounts of a load test share it
    with transaction.atomic():
        gov = Government.objects.create(name=government)
        Unit.objects.bulk_create(
            [Unit(government=gov, name=f"{government}第{i:04d}局", short_name=f"第{i:04d}局") for i in range(units)]
        )
        unit_rows = list(Unit.objects.filter(government=gov).order_by("id"))
        supervisor = User.objects.create(
            username=f"{government}-ducha", role="supervisor", government=gov, unit=unit_rows[0], password=password
        )
        User.objects.bulk_create(
            [
                User(username=f"{government}-u{i:04d}", role="liaison", government=gov, unit=u, password=password)
                for i, u in enumerate(unit_rows)
            ]
        )
        liaisons = list(User.objects.filter(government=gov, role="liaison").order_by("id"))
        report = WorkReport.objects.create(
            government=gov,
            year=today.year,
            title=f"{government}{today.year}年政府工作报告",
            source_text="",
            imported_by=supervisor,
            imported_at=now,
        )
        tasks = []
        for i, unit in enumerate(unit_rows):
            for j in range(tasks_per_unit):
                n = i * tasks_per_unit + j
                tasks.append(
                    Task(
                        report=report,
                        code=f"1.{i + 1}.{j + 1}",
                        position=n,
                        kind="task",
                        text=f"压测任务{n}: 推进重点项目建设。",
                        lead_unit=unit,
                        status="acknowledged",
                        published_at=now - datetime.timedelta(days=30),
                        published_by=supervisor,
                        deadline=datetime.date(today.year, 12, 31),
                        cycle="monthly",
                        due_day=25,
                    )
                )
        Task.objects.bulk_create(tasks, batch_size=2000)
        by_unit: dict[int, list[int]] = {}
        for task_id, unit_id in Task.objects.filter(report=report).values_list("id", "lead_unit_id"):
            by_unit.setdefault(unit_id, []).append(task_id)
        clients = [{"token": ApiToken.issue(u), "tasks": sorted(by_unit.get(u.unit_id, []))} for u in liaisons]
    return {
        "period": f"{today.year}-{today.month:02d}",
        "report": report.pk,
        "password": plain_password,
        "clients": clients,
    }
