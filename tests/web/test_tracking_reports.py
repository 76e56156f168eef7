"""Progress reports: periods, bounds, duplicates and idempotency, evidence, immutability, review and answer."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.errors import ActionError
from luoshi.tracking.actions import progress as actions  # record_health is patched where submit_report calls it
from luoshi.tracking.models import Contribution, Evidence, Notification, ProgressReport
from tests.web.tracking_helpers import bj

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def acknowledged(tracked_task, liaison):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    tracked_task.refresh_from_db()
    return tracked_task


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def submit(task, user, period="2026-03", percent=20, at=None, **kwargs):
    return actions.submit_report(
        task.pk, user, period=period, percent=percent, narrative="推进中", at=at or bj(2026, 3, 20), **kwargs
    )


def test_a_task_must_be_acknowledged_before_reporting(tracked_task, liaison):
    with pytest.raises(ActionError, match="请先签收"):
        submit(tracked_task, liaison)


@pytest.mark.parametrize("percent", [-1, 101, "abc", None])
def test_percent_outside_0_to_100_is_refused(acknowledged, liaison, percent):
    with pytest.raises(ActionError, match="0 到 100"):
        submit(acknowledged, liaison, percent=percent)
    assert not ProgressReport.objects.exists()


def test_a_period_not_yet_open_or_already_closed_is_refused(acknowledged, liaison):
    with pytest.raises(ActionError, match="尚未开始报送"):
        submit(acknowledged, liaison, period="2026-04")
    with pytest.raises(ActionError, match="已截止报送"):
        submit(acknowledged, liaison, period="2026-01")
    with pytest.raises(ActionError, match="格式不对"):
        submit(acknowledged, liaison, period="三月")
    report, created = submit(acknowledged, liaison, period="2026-02")  # late but still open
    assert created and report.period == "2026-02"


def test_a_second_report_for_the_same_period_is_refused_but_a_retry_with_its_key_returns_the_first(
    acknowledged, liaison
):
    first, created = submit(acknowledged, liaison, idempotency_key="k-1")
    again, created_again = submit(acknowledged, liaison, idempotency_key="k-1")
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(ActionError, match="已报送, 正在审核"):
        submit(acknowledged, liaison, idempotency_key="k-2")
    assert ProgressReport.objects.count() == 1


def test_reports_are_immutable(acknowledged, liaison):
    report, _ = submit(acknowledged, liaison)
    report.percent = 90
    with pytest.raises(PermissionError):
        report.save()
    with pytest.raises(PermissionError):
        ProgressReport.objects.filter(pk=report.pk).update(percent=90)
    assert ProgressReport.objects.get(pk=report.pk).percent == 20


def test_a_returned_report_is_answered_by_a_new_one_and_accepted(acknowledged, liaison, supervisor):
    first, _ = submit(acknowledged, liaison)
    actions.review_report(first.pk, supervisor, decision="returned", reason="请补充资金到位情况", at=bj(2026, 3, 21))
    with pytest.raises(ActionError, match="该报告已审核"):
        actions.review_report(first.pk, supervisor, decision="accepted")
    answer, _ = submit(acknowledged, liaison, percent=22, at=bj(2026, 3, 22))
    assert answer.answers_id == first.pk
    actions.review_report(answer.pk, supervisor, decision="accepted", at=bj(2026, 3, 23))
    with pytest.raises(ActionError, match="已被采纳"):
        submit(acknowledged, liaison, percent=30, at=bj(2026, 3, 24))
    titles = list(Notification.objects.filter(user=liaison).values_list("title", flat=True))
    assert any("被退回" in t for t in titles) and any("已采纳" in t for t in titles)


def test_returning_needs_a_reason(acknowledged, liaison, supervisor):
    report, _ = submit(acknowledged, liaison)
    with pytest.raises(ActionError, match="退回须说明理由"):
        actions.review_report(report.pk, supervisor, decision="returned", reason=" ")


def test_evidence_is_accepted_by_content_and_stored(acknowledged, liaison, media, make_docx):
    files = [
        SimpleUploadedFile("方案.pdf", PDF),
        SimpleUploadedFile("照片.png", PNG),
        SimpleUploadedFile("台账.docx", make_docx("进展")),
    ]
    report, _ = submit(acknowledged, liaison, files=files, links=["https://example.gov.cn/news/1"])
    kinds = sorted(e.kind for e in report.evidence.all())
    assert kinds == ["docx", "link", "pdf", "png"] and len(stored_files(media)) == 3


@pytest.mark.parametrize(
    "name,data",
    [("程序.exe", b"MZ\x90\x00"), ("伪装.pdf", b"MZ\x90\x00 not a pdf"), ("改名.png", PDF), ("空.pdf", b"")],
)
def test_evidence_of_a_forbidden_type_is_refused_and_nothing_is_saved(acknowledged, liaison, media, name, data):
    with pytest.raises(ActionError, match=r"类型不允许|空文件"):
        submit(acknowledged, liaison, files=[SimpleUploadedFile(name, data)])
    assert not ProgressReport.objects.exists() and not stored_files(media)


def test_evidence_too_large_is_refused(acknowledged, liaison, media, settings):
    settings.LUOSHI_MAX_EVIDENCE_BYTES = 1024 * 1024
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ActionError, match="超过 1 MB"):
        submit(acknowledged, liaison, files=[big])
    assert not ProgressReport.objects.exists() and not stored_files(media)


def test_evidence_files_are_removed_when_the_transaction_fails(acknowledged, liaison, media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "record_health", fail)
    with pytest.raises(RuntimeError):
        submit(acknowledged, liaison, files=[SimpleUploadedFile("方案.pdf", PDF)])
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists() and not stored_files(media)


def test_a_bad_link_is_refused(acknowledged, liaison):
    with pytest.raises(ActionError, match="链接"):
        submit(acknowledged, liaison, links=["javascript:alert(1)"])


def test_co_unit_contributes_and_the_lead_unit_is_told(acknowledged, liaison, co_liaison):
    actions.contribute(
        acknowledged.pk, co_liaison, period="2026-03", narrative="资金已拨付 300 万元", at=bj(2026, 3, 18)
    )
    assert Contribution.objects.get().unit.short_name == "州财政局"
    assert Notification.objects.filter(user=liaison, kind="contribution").exists()


def test_the_web_form_submits_a_report_with_evidence_and_refuses_bad_percent(client_for, acknowledged, liaison, media):
    with time_machine.travel(bj(2026, 3, 20), tick=True):
        client = client_for(liaison)
        page = client.get(f"/tasks/{acknowledged.pk}/").content.decode()
        assert 'id="report-form"' in page and "2026年3月" in page
        bad = client.post(
            f"/tasks/{acknowledged.pk}/progress/",
            {"period": "2026-03", "percent": "150", "narrative": "x"},
            follow=True,
        )
        assert "完成进度须在 0 到 100 之间" in bad.content.decode() and not ProgressReport.objects.exists()
        data = {
            "period": "2026-03",
            "percent": "25",
            "narrative": "已完成选址",
            "idempotency_key": "form-1",
            "evidence": [SimpleUploadedFile("方案.pdf", PDF)],
        }
        response = client.post(f"/tasks/{acknowledged.pk}/progress/", data, follow=True)
        assert "进展已报送" in response.content.decode()
        again = client.post(f"/tasks/{acknowledged.pk}/progress/", {**data, "evidence": []}, follow=True)
        assert "未重复报送" in again.content.decode()
        report = ProgressReport.objects.get()
        assert report.percent == 25 and report.evidence.get().kind == "pdf"
        download = client.get(f"/evidence/{report.evidence.get().pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert ProgressReport.objects.filter(submitted_at__date__gte=datetime.date(2026, 3, 20)).count() == 1
