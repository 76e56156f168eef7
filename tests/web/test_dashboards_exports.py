"""Exports: ledger and progress as .xlsx and .csv, whole or per unit, import columns, formula-safe cells."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from luoshi.tasks import actions as task_actions
from luoshi.tasks.exports import COLUMNS, read_ledger
from tests.web.dashboards_fixtures import ledger, today

FIXTURES = (ledger, today)  # shared pytest fixtures used by name below


def url(report, what, fmt, unit=None):
    return f"/dashboard/reports/{report.pk}/export/{what}.{fmt}" + (f"?unit={unit}" if unit else "")


def test_ledger_xlsx_has_the_import_columns_and_reads_back(client_for, supervisor, ledger, today):
    data = client_for(supervisor).get(url(ledger["report"], "ledger", "xlsx")).content
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == COLUMNS
    rows = read_ledger(data)
    assert {r["序号"] for r in rows} >= {ledger["education"].code, ledger["local"].code}


def test_csv_is_utf8_with_bom_and_formula_safe(client_for, supervisor, ledger, today):
    education = ledger["education"]
    education.refresh_from_db()
    task_actions.update_task(education.pk, supervisor, education.version, {"targets": '=HYPERLINK("http://x")'})
    client = client_for(supervisor)
    body = client.get(url(ledger["report"], "ledger", "csv")).content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == COLUMNS
    targets = {r[0]: r[4] for r in rows[1:]}
    assert targets[education.code].startswith("'=")
    wb = load_workbook(io.BytesIO(client.get(url(ledger["report"], "ledger", "xlsx")).content))
    cell = next(c for row in wb.active.iter_rows(min_row=2) for c in row if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"  # stored as text, not a formula


def test_progress_export_per_unit(client_for, supervisor, liaison, ledger, today):
    report, education = ledger["report"], ledger["education"]
    unit = education.lead_unit_id
    body = client_for(supervisor).get(url(report, "progress", "csv", unit)).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:5] == ["序号", "工作任务", "牵头单位", "报送期", "完成进度(%)"]
    assert {r[0] for r in rows[1:]} == {education.code}
    assert "已退回" in body and "已采纳" in body
    ws = load_workbook(io.BytesIO(client_for(liaison).get(url(report, "progress", "xlsx", unit)).content)).active
    assert ws.max_row == len(rows)


def test_a_liaison_exports_only_their_own_tasks(client_for, liaison, ledger, today):
    body = client_for(liaison).get(url(ledger["report"], "ledger", "csv")).content.decode("utf-8-sig")
    assert ledger["education"].code in body and ledger["transport"].text not in body
    assert client_for(liaison).get(url(ledger["report"], "ledger", "pdf")).status_code == 404
