"""Backup and restore: ``export_all`` writes everything to one archive; ``import_all`` restores it exactly
into an empty database, in one transaction, and refuses a database that already holds data."""

from __future__ import annotations

import io
import json
import tarfile

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import models

from luoshi.ops.actions import archived_models
from luoshi.tracking import actions
from luoshi.tracking.models import Evidence
from tests.web.tracking_helpers import bj

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def _value(field, obj):
    value = getattr(obj, field.attname)
    if isinstance(field, models.ForeignKey) and field.related_model is ContentType and value is not None:
        ct = ContentType.objects.get_for_id(value)
        return (ct.app_label, ct.model)
    if isinstance(field, models.FileField):
        return str(value)
    return value


def snapshot() -> dict:
    """Every archived model's rows, field by field, with many-to-many links; content types by name."""
    rows = {}
    for model in archived_models():
        table = []
        for obj in model._base_manager.order_by("pk"):
            row = {f.name: _value(f, obj) for f in model._meta.concrete_fields}
            for m2m in model._meta.many_to_many:
                related = getattr(obj, m2m.name).all()
                if m2m.related_model._meta.label_lower == "auth.permission":
                    row[m2m.name] = sorted(p.natural_key() for p in related)
                else:
                    row[m2m.name] = sorted(related.values_list("pk", flat=True))
            table.append(row)
        rows[model._meta.label_lower] = table
    return rows


@pytest.fixture
def filled_ledger(transactional_db, tracked_task, liaison, co_liaison, supervisor, leader, settings, tmp_path):
    """The tracked education task with a quarter of reports (one returned and answered), evidence files,
    a contribution, an instruction, an extension request, escalation records, audit and API tokens."""
    from luoshi.accounts.models import ApiToken

    settings.MEDIA_ROOT = tmp_path / "media-before"
    task = tracked_task
    actions.acknowledge(task.pk, liaison, at=bj(2026, 1, 6))
    first, _ = actions.submit_report(
        task.pk,
        liaison,
        period="2026-01",
        percent=8,
        narrative="一月进展<script>alert(1)</script>",
        files=[SimpleUploadedFile("方案.pdf", PDF), SimpleUploadedFile("现场.png", PNG)],
        links=["https://example.gov.cn/news/1"],
        idempotency_key="k-1",
        at=bj(2026, 1, 20),
    )
    actions.review_report(first.pk, supervisor, decision="returned", reason="请补充资金情况", at=bj(2026, 1, 21))
    actions.submit_report(
        task.pk,
        liaison,
        period="2026-01",
        percent=9,
        narrative="已补充",
        at=bj(2026, 1, 22),
        files=[SimpleUploadedFile("补充.pdf", PDF + b"%extra")],
    )
    actions.contribute(task.pk, co_liaison, period="2026-02", narrative="资金已拨付", at=bj(2026, 2, 10))
    actions.submit_report(task.pk, liaison, period="2026-02", percent=15, narrative="二月", at=bj(2026, 2, 20))
    actions.instruct(task.pk, leader, text="请加快推进。", at=bj(2026, 2, 21))
    with time_machine.travel(bj(2026, 4, 10), tick=False):
        actions.run_escalation(bj(2026, 4, 10).date(), send=False)
    actions.request_extension(
        task.pk, liaison, reason="汛期停工", new_deadline=bj(2027, 3, 31).date(), at=bj(2026, 4, 11)
    )
    ApiToken.issue(liaison)
    return task


def test_export_flush_import_restores_every_row_and_every_evidence_byte(filled_ledger, settings, tmp_path):
    before = snapshot()
    assert len(before["tracking.progressreport"]) == 3 and len(before["tracking.evidence"]) == 4
    assert before["audit.auditentry"] and before["tracking.healthchange"] and before["accounts.user"]
    files = {e.file.name: e.file.read() for e in Evidence.objects.exclude(file="")}
    assert len(files) == 3
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("export_all", str(archive), stdout=out)
    assert "files=3" in out.getvalue()

    call_command("flush", interactive=False, verbosity=0)
    assert not any(
        before_rows and model._base_manager.exists()
        for model, before_rows in ((m, before[m._meta.label_lower]) for m in archived_models())
    )
    settings.MEDIA_ROOT = tmp_path / "media-after"  # a new machine: empty storage
    call_command("import_all", str(archive), stdout=io.StringIO())

    after = snapshot()
    for label, rows in before.items():
        assert after[label] == rows, f"{label} differs after restore"
    for name, data in files.items():
        assert (tmp_path / "media-after" / name).read_bytes() == data
    # sequences continue after the restored ids: a new row does not collide
    from luoshi.tasks.models import Tag

    Tag.objects.create(name="新标签", government=filled_ledger.report.government)


def test_import_refuses_a_database_that_already_has_data(filled_ledger, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("export_all", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="不是空的"):
        call_command("import_all", str(archive), stdout=io.StringIO())


def test_a_tampered_archive_is_refused_before_anything_is_written(filled_ledger, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("export_all", str(archive), stdout=io.StringIO())
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == "data/tasks.task.json":
                rows = json.loads(data)
                rows[0]["fields"]["text"] = "被篡改的任务"
                data = json.dumps(rows).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="校验不符"):
        call_command("import_all", str(tampered), stdout=io.StringIO())
    assert not any(m._base_manager.exists() for m in archived_models() if m._meta.label_lower != "auth.group")


def test_every_model_of_the_project_is_in_the_archive():
    from django.apps import apps

    archived = {m._meta.label_lower for m in archived_models()}
    ours = {m._meta.label_lower for m in apps.get_models() if m.__module__.startswith("luoshi.")}
    assert ours - archived == {"ops.loginfailure"}
