"""通报: a frozen snapshot of one period, previewed in HTML and downloaded as a GB/T 9704 Word file."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from luoshi.dashboards import actions
from luoshi.dashboards.models import Circular
from luoshi.errors import ActionError
from tests.web.dashboards_fixtures import ledger, today

FIXTURES = (ledger, today)  # shared pytest fixtures used by name below


def create(client, report, period="2026-05", number="海西督〔2026〕3号"):
    return client.post(f"/dashboard/reports/{report.pk}/circulars/", {"period": period, "number": number})


def test_office_creates_previews_and_downloads_a_circular(client_for, supervisor, ledger, today):
    client = client_for(supervisor)
    report = ledger["report"]
    assert "生成通报" in client.get(f"/dashboard/reports/{report.pk}/circulars/").content.decode()
    response = create(client, report)
    circular = Circular.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/circulars/{circular.pk}/"
    html = client.get(f"/circulars/{circular.pk}/").content.decode()
    assert "海西督〔2026〕3号" in html and "各单位推进情况" in html and "格尔木市" in html
    assert "逾期未完成任务" in html and ledger["local"].code in html
    docx = client.get(f"/circulars/{circular.pk}/download.docx")
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    check_docx(docx.content, circular)


def check_docx(data: bytes, circular) -> None:
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [
        round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ] == [
        37,
        35,
        28,
        26,
    ]
    texts = [p.text for p in doc.paragraphs]
    assert circular.number in texts and circular.title in texts
    title = next(p for p in doc.paragraphs if p.text == circular.title)
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in doc.paragraphs if p.text.startswith(circular.data["report_title"]))
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["牵头单位", "任务数", "已办结", "平均进度", "红灯", "黄灯", "逾期"]
    assert len(table.rows) == 1 + len(circular.data["units"])
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert "PAGE" in footer._element.xml


def test_the_circular_does_not_drift_when_data_changes(client_for, supervisor, liaison, ledger, today):
    from luoshi.tracking import actions as tracking

    client = client_for(supervisor)
    create(client, ledger["report"])
    circular = Circular.objects.get()
    before = dict(circular.data)
    tracking.submit_report(ledger["education"].pk, liaison, period="2026-05", percent=90, narrative="大幅推进")
    tracking.run_escalation(today, send=False)
    circular.refresh_from_db()
    assert circular.data == before
    with pytest.raises(PermissionError):
        circular.save()


def test_a_past_period_is_frozen_as_it_stood_at_the_end_of_that_month(supervisor, ledger, today):
    march = actions.create_circular(ledger["report"], supervisor, period="2026-02", number="海西督〔2026〕1号")
    assert march.as_of.isoformat() == "2026-02-28"
    by_code = {t["code"] for t in march.data["overdue"]}
    assert ledger["local"].code not in by_code  # its deadline (31 March) had not passed yet


def test_bad_period_and_empty_number_are_refused(supervisor, ledger, today):
    with pytest.raises(ActionError):
        actions.create_circular(ledger["report"], supervisor, period="2026-13", number="x")
    with pytest.raises(ActionError):
        actions.create_circular(ledger["report"], supervisor, period="2026-05", number=" ")
    with pytest.raises(ActionError):
        actions.create_circular(ledger["report"], supervisor, period="2027-01", number="x")


def test_only_the_office_creates_circulars_and_liaisons_cannot_read_them(
    client_for, supervisor, liaison, leader, ledger, today
):
    report = ledger["report"]
    circular = actions.create_circular(report, supervisor, period="2026-05", number="海西督〔2026〕2号")
    liaison_client = client_for(liaison)
    assert create(liaison_client, report).status_code == 404
    assert liaison_client.get(f"/circulars/{circular.pk}/").status_code == 404
    assert liaison_client.get(f"/circulars/{circular.pk}/download.docx").status_code == 404
    leader_client = client_for(leader)
    assert leader_client.get(f"/circulars/{circular.pk}/").status_code == 200
    assert f"/circulars/{circular.pk}/" in leader_client.get("/dashboard/").content.decode()
