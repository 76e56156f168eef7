"""Today's data survives the v2 migrations: a database in the schema of v1's main (every app at its
first migration, the audit trail still in the tasks app) is filled through the historical models,
migrated forward, and read back through today's models — nothing lost, nothing changed."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The migration leaves of v1 (the last commit before the supervised-matter reshaping): the audit app
# did not exist yet.
V1 = [
    ("accounts", "0001_initial"),
    ("reports", "0001_initial"),
    ("tasks", "0001_initial"),
    ("tracking", "0001_initial"),
    ("dashboards", "0001_initial"),
    ("public", "0001_initial"),
    ("ops", "0001_initial"),
    ("audit", None),
]
AT = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)


def _fill_v1(apps) -> dict:
    Government = apps.get_model("accounts", "Government")
    Unit = apps.get_model("accounts", "Unit")
    User = apps.get_model("accounts", "User")
    WorkReport = apps.get_model("reports", "WorkReport")
    Task = apps.get_model("tasks", "Task")
    AuditEntry = apps.get_model("tasks", "AuditEntry")
    ProgressReport = apps.get_model("tracking", "ProgressReport")
    Disclosure = apps.get_model("public", "Disclosure")

    gov = Government.objects.create(name="海西州")
    lead = Unit.objects.create(government=gov, name="海西州教育局", short_name="州教育局", kind="department")
    co = Unit.objects.create(government=gov, name="海西州财政局", short_name="州财政局", kind="department")
    office = User.objects.create(username="ducha", role="supervisor", government=gov, password="!")
    liaison = User.objects.create(username="jiaoyu", role="liaison", government=gov, unit=lead, password="!")
    report = WorkReport.objects.create(
        government=gov, year=2026, title="2026年政府工作报告", source_text="加快建设高质量教育体系。", imported_at=AT
    )
    task = Task.objects.create(
        report=report,
        code="2.5.1.1",
        text="加快建设高质量教育体系。",
        span_start=0,
        span_end=12,
        section_title="办好民生实事",
        lead_unit=lead,
        status="in_progress",
        published_at=AT,
        version=4,
    )
    task.co_units.set([co])
    for field, old, new in [("lead_unit", "", "州教育局"), ("status", "assigned", "acknowledged")]:
        AuditEntry.objects.create(
            actor=office,
            at=AT,
            model="Task",
            object_id=str(task.pk),
            task=task,
            report=report,
            field=field,
            old=old,
            new=new,
        )
    ProgressReport.objects.create(
        task=task, period="2026-02", percent=20, narrative="已完成选址。", unit=lead, author=liaison, submitted_at=AT
    )
    Disclosure.objects.create(task=task, public=True, summary="正在推进")
    # v1 registered the audit trail's content type (and its permissions) under the tasks app
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="audit", model="auditentry").delete()
    audit_type = ContentType.objects.get_or_create(app_label="tasks", model="auditentry")[0]
    return {"task": task.pk, "report": report.pk, "audit_type": audit_type.pk}


@pytest.mark.django_db(transaction=True)
def test_v1_data_is_kept_whole_through_the_v2_migrations():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(V1)
    try:
        ids = _fill_v1(MigrationExecutor(connection).loader.project_state([n for n in V1 if n[1]]).apps)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        from luoshi.audit.models import AuditEntry
        from luoshi.reports.models import Source, WorkReport
        from luoshi.tasks.models import Status, Task

        task = Task.objects.get(pk=ids["task"])
        assert (task.code, task.text, task.status, task.version) == (
            "2.5.1.1",
            "加快建设高质量教育体系。",
            Status.IN_PROGRESS,
            4,
        )
        assert (task.span_start, task.span_end, task.section_title) == (0, 12, "办好民生实事")
        assert task.lead_unit.short_name == "州教育局"
        assert [u.short_name for u in task.co_units.all()] == ["州财政局"]
        assert WorkReport.objects.get(pk=ids["report"]).source == Source.REPORT
        audit = list(AuditEntry.objects.filter(task=task).order_by("id").values_list("field", "old", "new", "at"))
        assert audit == [("lead_unit", "", "州教育局", AT), ("status", "assigned", "acknowledged", AT)]
        assert task.progress_reports.get().narrative == "已完成选址。"
        assert task.disclosure.summary == "正在推进"
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        assert ContentType.objects.get_for_model(AuditEntry).pk == ids["audit_type"]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_the_v2_migrations_can_be_reversed_to_v1():
    """The way back exists (a failed upgrade can be rolled back) and keeps the audit table."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(V1)
        tables = connection.introspection.table_names()
        assert "tasks_auditentry" in tables
        columns = [
            c.name for c in connection.introspection.get_table_description(connection.cursor(), "reports_workreport")
        ]
        assert "source" not in columns
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
