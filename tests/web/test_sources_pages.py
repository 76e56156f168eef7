"""Every source of supervised work in the ledger: what a meeting, an instruction and a rectification list
carry is kept on their ledgers, and the ledger page, the dashboard and the API select by source kind."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.accounts.models import ApiToken
from luoshi.reports.models import Source, WorkReport
from luoshi.tasks import actions
from luoshi.tasks.models import Status
from tests.web.conftest import publish_to_education
from tests.web.tracking_helpers import bj

MEETING = {"name": "州政府第12次常务会议", "date": "2026-01-04", "number": "州政府常务会议纪要〔2026〕12号"}


def _ledger(government, supervisor, source, title, text, **kwargs):
    return actions.open_ledger(
        government,
        supervisor,
        source=source,
        year=2026,
        title=title,
        drafts=[actions.DraftTask(code="1", kind="task", text=text, span=None, **kwargs.pop("draft", {}))],
        **kwargs,
    )


@pytest.fixture
def sources(government, supervisor, leader, report):
    """The sample report (its education task published) beside a meeting's and a rectification list's
    ledgers, each with one published matter led by 州教育局."""
    with time_machine.travel(bj(2026, 1, 5, 9), tick=False):
        meeting = _ledger(
            government,
            supervisor,
            Source.MEETING,
            "州政府第12次常务会议议定事项",
            "年内新建城区公办幼儿园3所。",
            details=MEETING,
            draft={"deadline": datetime.date(2026, 6, 30)},
        )
        fix = _ledger(
            government,
            supervisor,
            Source.RECTIFICATION,
            "省政府督查反馈问题整改清单",
            "整改校舍安全隐患排查不到位问题。",
            details={"body": "省政府第三督查组", "date": datetime.date(2026, 1, 3), "leader": "不属于整改清单"},
            draft={"deadline_note": "春节前"},
        )
        task = report.tasks.filter(kind="task", text__contains="学前教育").first()
        for t in (meeting.tasks.get(), fix.tasks.get(), task):
            publish_to_education(t, supervisor, leader)
    return {"meeting": meeting, "fix": fix, "report": report}


def test_a_ledger_keeps_what_its_source_carries(sources):
    meeting, fix = sources["meeting"], sources["fix"]
    assert meeting.source_details == MEETING
    assert meeting.source_facts == [
        ("会议名称", "州政府第12次常务会议"),
        ("会议日期", "2026-01-04"),
        ("纪要编号", "州政府常务会议纪要〔2026〕12号"),
    ]
    assert fix.source_details == {"body": "省政府第三督查组", "date": "2026-01-03"}  # only its own keys
    assert sources["report"].source_details == {}


def test_a_draft_brings_its_deadline_or_keeps_the_ledger_default_with_the_words_to_settle(sources):
    assert sources["meeting"].tasks.get().deadline == datetime.date(2026, 6, 30)
    matter = sources["fix"].tasks.get()
    assert matter.deadline == datetime.date(2026, 12, 31)
    assert matter.suggestion["deadline_note"] == "春节前"


def test_the_review_screen_shows_the_source_and_a_deadline_to_settle(client_for, supervisor, sources):
    page = client_for(supervisor).get(f"/reports/{sources['meeting'].pk}/").content.decode()
    assert "纪要编号" in page and "州政府常务会议纪要〔2026〕12号" in page
    page = client_for(supervisor).get(f"/reports/{sources['fix'].pk}/").content.decode()
    assert "待核定" in page and "春节前" in page


def test_the_ledger_page_selects_by_source(client_for, supervisor, liaison, sources):
    for user in (supervisor, liaison):
        client = client_for(user)
        everything = client.get("/tasks/").content.decode()
        assert "幼儿园3所" in everything and "校舍安全" in everything and "学前教育" in everything
        meeting = client.get("/tasks/?source=meeting").content.decode()
        assert "幼儿园3所" in meeting and "校舍安全" not in meeting
        assert 'value="meeting" selected' in meeting
        fix = client.get("/tasks/?source=rectification").content.decode()
        assert "校舍安全" in fix and "幼儿园3所" not in fix
        assert "校舍安全" not in client.get("/tasks/?source=instruction").content.decode()


def test_the_dashboard_selects_by_source(client_for, supervisor, sources):
    client = client_for(supervisor)
    page = client.get("/dashboard/?source=rectification").content.decode()
    assert "省政府督查反馈问题整改清单" in page and 'value="rectification" selected' in page
    page = client.get(f"/dashboard/?source=meeting&report={sources['fix'].pk}").content.decode()
    assert "州政府第12次常务会议议定事项" in page  # a ledger of another source gives way to the chosen source's
    assert client.get("/dashboard/?source=nonsense").status_code == 200


def _api(client, user, path):
    return client.get(path, headers={"Authorization": f"Bearer {ApiToken.issue(user)}"})


def test_the_api_selects_tasks_and_ledgers_by_source(client, supervisor, liaison, outsider, sources):
    texts = [t["text"] for t in _api(client, liaison, "/api/tasks?source=meeting").json()["items"]]
    assert texts == ["年内新建城区公办幼儿园3所。"]
    assert _api(client, liaison, "/api/tasks?source=nonsense").status_code == 422
    ledgers = _api(client, supervisor, "/api/reports?source=meeting").json()
    assert ledgers["count"] == 1 and ledgers["items"][0]["details"] == MEETING
    assert ledgers["items"][0]["source_label"] == "会议议定事项"
    every = {r["source"] for r in _api(client, liaison, "/api/reports").json()["items"]}
    assert every == {"report", "meeting", "rectification"}
    assert _api(client, outsider, "/api/reports").json()["count"] == 0  # no matter of theirs, no ledger


# ------------------------------------------------------------------------------------------- import

SOURCES = Path(__file__).parent.parent / "data" / "sources"


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_meeting_summary_is_previewed_then_opened_as_its_ledger(client_for, supervisor):
    client = client_for(supervisor)
    text = (SOURCES / "meeting-numbered.txt").read_text(encoding="utf-8")
    page = client.post("/reports/import/", {"kind": "meeting", "text": text, "year": 2026})
    html = page.content.decode()
    assert page.status_code == 200 and "确认导入" in html
    assert "会议议定事项" in html and "〔2026〕5号" in html and "纪要编号" in html
    assert "州教育局" in html and "原文指定" in html and "2026-08-20" in html
    assert "待核定" in html and "春节前" in html  # a deadline the engine could not resolve
    assert not WorkReport.objects.exists()  # nothing saved before the office confirms
    token = re.search(r'name="confirm" value="([^"]+)"', html).group(1)
    response = client.post("/reports/import/", {"confirm": token})
    ledger = WorkReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{ledger.pk}/"
    assert ledger.source == Source.MEETING and ledger.year == 2026
    assert ledger.source_details == {
        "name": "海西州人民政府常务会议纪要",
        "number": "〔2026〕5号",
        "date": "2026-03-16",
    }
    assert ledger.title == "海西州人民政府常务会议纪要〔2026〕5号议定事项"
    first = ledger.tasks.filter(kind="task").order_by("position").first()
    assert first.status == Status.DRAFT and first.lead_unit.short_name == "州教育局"  # named by the text
    assert {u.short_name for u in first.co_units.all()} == {"州财政局", "州住建局"}
    assert first.deadline == datetime.date(2026, 8, 20)
    fire = ledger.tasks.get(text__contains="春节前")
    assert fire.deadline == datetime.date(2026, 12, 31) and fire.suggestion["deadline_note"]
    review = client.get(f"/reports/{ledger.pk}/").content.decode()
    assert "待核定" in review and "全部交办" in review
    assert client.post("/reports/import/", {"confirm": token + "x"}).status_code == 302
    assert WorkReport.objects.count() == 1


def test_a_rectification_workbook_is_read_as_a_table(client_for, supervisor):
    import json

    data = json.loads((SOURCES / "rectification-rows.json").read_text(encoding="utf-8"))
    headings = list(data["rows"][0])
    table = [[data["title"]], headings, *([row[h] for h in headings] for row in data["rows"])]
    upload = SimpleUploadedFile("清单.xlsx", _xlsx(table))
    client = client_for(supervisor)
    html = client.post("/reports/import/", {"kind": "auto", "upload": upload, "year": 2026}).content.decode()
    assert "整改清单" in html and "州工信局" in html and "确认导入" in html
    token = re.search(r'name="confirm" value="([^"]+)"', html).group(1)
    client.post("/reports/import/", {"confirm": token})
    ledger = WorkReport.objects.get()
    assert ledger.source == Source.RECTIFICATION and ledger.tasks.filter(kind="task").count() == len(data["rows"])


@pytest.mark.parametrize(
    ("kind", "name", "content", "words"),
    [
        ("meeting", "纪要.txt", "州政府常务会议纪要\n会议听取了各部门工作汇报。\n出席: 王建国".encode(), "议定事项"),
        ("instruction", "批示.txt", "领导批示件\n批示: 已阅。".encode(), "没有需要办理的事项"),
        ("rectification", "清单.xlsx", _xlsx([["序号", "整改措施"], ["1", "加强管理"]]), "缺少“问题”列"),
        ("meeting", "清单.xlsx", _xlsx([["问题", "整改措施"]]), "只能按整改清单导入"),
    ],
    ids=["meeting-without-decisions", "instruction-without-task", "table-without-problem", "workbook-as-meeting"],
)
def test_bad_sources_are_refused_in_chinese_and_nothing_is_saved(client_for, supervisor, kind, name, content, words):
    upload = SimpleUploadedFile(name, content)
    page = client_for(supervisor).post("/reports/import/", {"kind": kind, "upload": upload, "year": 2026})
    html = page.content.decode()
    assert page.status_code == 400 and 'role="alert"' in html and words in html, html[html.find("alert") :][:300]
    assert not WorkReport.objects.exists()


def test_the_report_import_is_unchanged_and_offers_the_source_kinds(client_for, supervisor):
    page = client_for(supervisor).get("/reports/import/").content.decode()
    for label in ("政府工作报告", "会议纪要", "领导批示件", "整改清单", "自动识别"):
        assert label in page
