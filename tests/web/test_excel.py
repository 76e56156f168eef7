"""The 分工方案 spreadsheet round trip: export, dry run, idempotent import by code."""

from __future__ import annotations

import io

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from luoshi.audit.models import AuditEntry
from luoshi.errors import ActionError
from luoshi.tasks import actions
from luoshi.tasks.exports import COLUMNS, plan_import, read_ledger
from luoshi.tasks.models import Task
from luoshi.tasks.views.reports import SIGNING_SALT


def export(client, report):
    response = client.get(f"/reports/{report.pk}/export.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def upload(client, report, wb, confirm=False):
    data = io.BytesIO()
    wb.save(data)
    response = client.post(
        f"/reports/{report.pk}/spreadsheet/", {"upload": SimpleUploadedFile("ledger.xlsx", data.getvalue())}
    )
    if confirm:
        response = client.post(f"/reports/{report.pk}/spreadsheet/", {"confirm": response.context["token"]})
    return response


def test_export_has_the_fenggong_columns_and_a_frozen_header(client_for, supervisor, report, education_task):
    wb = export(client_for(supervisor), report)
    ws = wb.active
    assert [c.value for c in ws[1]] == COLUMNS
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 80
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == education_task.code)
    assert row[3] == education_task.text and row[5] == "州教育局" and row[6] == "州财政局"
    assert row[7] == "李副州长" and row[8] == "2023-12-31"


def test_dry_run_shows_changes_and_errors_and_saves_nothing(client_for, supervisor, report, education_task):
    client = client_for(supervisor)
    wb = export(client, report)
    ws = wb.active
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    rows[education_task.code][5].value = "州人社局"
    rows[education_task.code][8].value = "2023-09-30"
    other = next(code for code in rows if code != education_task.code)
    rows[other][5].value = "不存在的局"
    audit_before = AuditEntry.objects.count()
    response = upload(client, report, wb)
    html = response.content.decode()
    assert response.context["changed"] == 1 and response.context["failed"] == 1
    assert "州人社局" in html and "2023-09-30" in html
    assert "单位目录中没有“不存在的局”" in html
    assert AuditEntry.objects.count() == audit_before
    education_task.refresh_from_db()
    assert education_task.lead_unit.short_name == "州教育局"


def test_import_updates_by_code_and_a_second_import_changes_nothing(client_for, supervisor, report, education_task):
    client = client_for(supervisor)
    wb = export(client, report)
    ws = wb.active
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == education_task.code)
    row[3].value = education_task.text + "(修订)"
    row[6].value = "州财政局、州住建局"
    row[8].value = "常态化"
    row[9].value = "民生实事"
    response = upload(client, report, wb, confirm=True)
    assert response.status_code == 302
    education_task.refresh_from_db()
    assert education_task.text.endswith("(修订)")
    assert sorted(education_task.co_unit_labels()) == ["州住建局", "州财政局"]
    assert education_task.ongoing and education_task.deadline is None
    assert education_task.tag_names() == ["民生实事"]
    assert education_task.audit.filter(field="co_units", actor=supervisor).exists()
    audit_before = AuditEntry.objects.count()
    version = education_task.version
    again = upload(client, report, wb)
    assert again.context["changed"] == 0 and again.context["failed"] == 0
    education_task.refresh_from_db()
    assert education_task.version == version and AuditEntry.objects.count() == audit_before


def test_untouched_export_imports_as_no_change(client_for, supervisor, report):
    client = client_for(supervisor)
    response = upload(client, report, export(client, report))
    assert response.context["changed"] == 0 and response.context["failed"] == 0


def test_a_file_that_is_not_a_workbook_gets_a_message(client_for, supervisor, report):
    response = client_for(supervisor).post(
        f"/reports/{report.pk}/spreadsheet/", {"upload": SimpleUploadedFile("x.xlsx", b"not a workbook")}
    )
    assert response.status_code == 400
    assert "无法读取" in response.content.decode()


def test_a_tampered_confirmation_is_refused(client_for, supervisor, report):
    response = client_for(supervisor).post(f"/reports/{report.pk}/spreadsheet/", {"confirm": "forged"}, follow=True)
    assert "确认信息已失效" in response.content.decode()


def _rows(wb) -> list[dict]:
    data = io.BytesIO()
    wb.save(data)
    return read_ledger(data.getvalue())


def test_a_sheet_with_an_unknown_or_repeated_code_is_refused_whole_with_the_rows_named(
    client_for, supervisor, report, education_task
):
    client = client_for(supervisor)
    wb = export(client, report)
    ws = wb.active
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    rows[education_task.code][5].value = "州人社局"  # a good change: refused with the rest
    repeated = next(code for code in rows if code != education_task.code)
    ws.append([repeated, "", "", "同一序号的第二行"])  # row 81
    ws.append(["9.9.9.9", "", "", "多出来的任务"])  # row 82
    first_row = next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == repeated)
    audit_before = AuditEntry.objects.count()

    response = upload(client, report, wb)
    assert response.status_code == 400
    error = response.context["error"]
    assert error.startswith("分工方案未导入")
    assert f"第{first_row}行 序号 {repeated} 与第81行重复" in error
    assert f"第81行 序号 {repeated} 与第{first_row}行重复" in error
    assert "第82行 序号 9.9.9.9 不在本报告中" in error
    assert response.context["changed"] == 0 and not response.context["token"]
    assert "确认导入" not in response.content.decode()

    # a confirmation made for these rows (say, signed before the ledger changed) is refused too
    token = signing.dumps(_rows(wb), salt=SIGNING_SALT, compress=True)
    page = client.post(f"/reports/{report.pk}/spreadsheet/", {"confirm": token}, follow=True)
    assert "分工方案未导入" in page.content.decode()
    with pytest.raises(ActionError, match=r"第82行 序号 9\.9\.9\.9 不在本报告中"):
        actions.apply_ledger_import(plan_import(report, _rows(wb)), supervisor)
    assert AuditEntry.objects.count() == audit_before
    education_task.refresh_from_db()
    assert education_task.lead_unit.short_name == "州教育局"


def test_a_code_held_by_two_tasks_of_the_ledger_is_refused(client_for, supervisor, report, education_task):
    """A ledger imported before codes were unique may hold a code twice: a row naming it is ambiguous."""
    client = client_for(supervisor)
    twin = report.tasks.filter(kind="task").exclude(pk=education_task.pk).first()
    Task.objects.filter(pk=twin.pk).update(code=education_task.code)
    wb = export(client, report)
    ws = wb.active
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == education_task.code)
    row[5].value = "州人社局"
    response = upload(client, report, wb)
    assert response.status_code == 400
    assert f"序号 {education_task.code} 在本报告中对应 2 项任务" in response.context["error"]
    education_task.refresh_from_db()
    assert education_task.lead_unit.short_name == "州教育局"


def test_an_empty_code_is_refused(client_for, supervisor, report):
    client = client_for(supervisor)
    wb = export(client, report)
    wb.active.cell(row=2, column=1).value = None
    response = upload(client, report, wb)
    assert response.status_code == 400
    assert "第2行 序号为空" in response.context["error"]
