"""Import and re-import of a report: drafts from the engine, never duplicates, nothing saved on bad input."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.audit.models import AuditEntry
from luoshi.reports.models import WorkReport
from luoshi.tasks import actions
from luoshi.tasks.models import Task
from tests.web.conftest import SAMPLE_TEXT, import_sample


def test_importing_the_sample_creates_79_draft_tasks(report):
    tasks = report.tasks.filter(kind="task")
    assert tasks.count() == 79
    assert set(tasks.values_list("status", flat=True)) == {"draft"}
    assert report.tasks.filter(kind="guidance").exists()
    assert tasks.filter(lead_unit__isnull=True).count() == 79  # suggestions wait for review
    assert tasks.exclude(suggestion={}).count() == 79


def test_imported_tasks_point_at_their_sentence_in_the_source(report):
    for task in report.tasks.filter(kind="task"):
        assert task.span is not None
        assert report.source_text[task.span_start : task.span_end].strip()


def test_default_deadline_is_the_end_of_the_report_year(report):
    task = report.tasks.filter(kind="task", ongoing=False).first()
    assert task.deadline.isoformat() == "2023-12-31"
    assert not report.tasks.filter(kind="task", ongoing=True, deadline__isnull=False).exists()


def test_upload_form_imports_a_txt_file(client_for, supervisor):
    upload = SimpleUploadedFile("report.txt", SAMPLE_TEXT.encode("gb18030"), content_type="text/plain")
    response = client_for(supervisor).post("/reports/import/", {"upload": upload, "year": 2023})
    assert response.status_code == 302
    report = WorkReport.objects.get()
    assert report.filename == "report.txt"
    assert report.tasks.filter(kind="task").count() == 79


def test_pasted_text_is_imported(client_for, supervisor):
    response = client_for(supervisor).post("/reports/import/", {"text": SAMPLE_TEXT, "year": 2023})
    assert response.status_code == 302
    assert Task.objects.filter(kind="task").count() == 79


def test_upload_form_imports_a_docx_file(client_for, supervisor):
    import docx

    document = docx.Document()
    for paragraph in SAMPLE_TEXT.splitlines():
        document.add_paragraph(paragraph)
    data = io.BytesIO()
    document.save(data)
    upload = SimpleUploadedFile("report.docx", data.getvalue())
    response = client_for(supervisor).post("/reports/import/", {"upload": upload, "year": 2023})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Task.objects.filter(kind="task").count() >= 70


BAD_UPLOADS = [
    ("wrong type", "report.exe", b"MZ\x90\x00binary"),
    ("empty", "report.txt", b""),
    ("blank", "report.txt", b"   \n\n  "),
    ("binary", "report.txt", bytes(range(256)) * 40),
    ("not a report", "notes.txt", "今天天气很好,我们去公园散步。晚上吃饺子。".encode()),
    ("broken docx", "report.docx", b"PK\x03\x04 not really a zip"),
    ("broken pdf", "report.pdf", b"%PDF-1.4 garbage"),
]


@pytest.mark.parametrize(("case", "name", "data"), BAD_UPLOADS, ids=[c[0] for c in BAD_UPLOADS])
def test_bad_uploads_get_a_chinese_message_and_save_nothing(client_for, supervisor, case, name, data):
    audit_before = AuditEntry.objects.filter(kind="").count()
    upload = SimpleUploadedFile(name, data)
    response = client_for(supervisor).post("/reports/import/", {"upload": upload, "year": 2023})
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors() or response.context["form"].errors
    assert errors
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(errors))
    assert WorkReport.objects.count() == 0 and Task.objects.count() == 0
    assert AuditEntry.objects.filter(kind="").count() == audit_before


def test_an_upload_over_the_size_limit_is_refused(client_for, supervisor, settings):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("report.txt", SAMPLE_TEXT.encode())
    response = client_for(supervisor).post("/reports/import/", {"upload": upload, "year": 2023})
    assert response.status_code == 400
    assert "上限" in response.content.decode()
    assert WorkReport.objects.count() == 0


def test_reimporting_the_same_text_duplicates_nothing(report, supervisor, client_for):
    before = {t.pk: (t.code, t.text) for t in report.tasks.all()}
    response = client_for(supervisor).post(f"/reports/{report.pk}/reimport/", {"text": SAMPLE_TEXT, "year": 2023})
    assert response.status_code == 302
    after = {t.pk: (t.code, t.text) for t in report.tasks.all()}
    assert after == before
    report.refresh_from_db()
    assert report.last_import["created"] == [] and report.last_import["unmatched"] == []


def test_reimport_keeps_responsibility_and_updates_corrected_text(report, supervisor, education_task):
    corrected_text = education_task.text.replace("普惠", "普及普惠", 1)
    assert corrected_text != education_task.text
    corrected = report.source_text.replace(education_task.text, corrected_text)
    summary = actions.reimport_report(report, supervisor, text=corrected, year=2023, drafts=_drafts(report, corrected))
    education_task.refresh_from_db()
    assert education_task.text == corrected_text
    assert education_task.lead_unit.short_name == "州教育局"
    assert education_task.status == "assigned"
    assert education_task.code in summary["updated"]
    assert report.tasks.filter(kind="task").count() == 79
    assert education_task.audit.filter(field="text", new=corrected_text).exists()


def test_reimport_reports_unmatched_old_tasks_without_deleting_them(report, supervisor):
    task = report.tasks.filter(kind="task").order_by("position")[5]
    shorter = report.source_text.replace(task.text, "")
    summary = actions.reimport_report(report, supervisor, text=shorter, year=2023, drafts=_drafts(report, shorter))
    assert Task.objects.filter(pk=task.pk).exists()
    assert task.pk in [u["id"] for u in summary["unmatched"]]
    assert summary["created"] == []


def test_reimport_of_a_report_with_a_new_sentence_adds_one_draft(report, supervisor):
    task = report.tasks.filter(kind="task").order_by("position")[5]
    added = "全面推进新增的一项重点工作,确保取得实效。"
    longer = report.source_text.replace(task.text, task.text + added)
    summary = actions.reimport_report(report, supervisor, text=longer, year=2023, drafts=_drafts(report, longer))
    assert len(summary["created"]) == 1
    assert report.tasks.filter(kind="task").count() == 80
    assert Task.objects.get(report=report, code=summary["created"][0]).text == added


def _drafts(report, text):
    from luoshi.tasks.decomposing import decompose_for

    return decompose_for(report.government, text, 2023)[1]


def test_a_second_import_of_the_sample_is_a_separate_report(government, supervisor, report):
    again = import_sample(government, supervisor)
    assert again.pk != report.pk
    assert Task.objects.filter(kind="task").count() == 158


def test_review_screen_shows_the_proposal_beside_the_source(client_for, supervisor, report):
    page = client_for(supervisor).get(f"/reports/{report.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    task = report.tasks.filter(kind="task").first()
    assert f'id="src-{task.pk}"' in html and f'href="#src-{task.pk}"' in html
    assert "引擎建议" in html and "依据" in html
    assert "/static/luoshi/review.js" in html
    assert "htmx" in html
