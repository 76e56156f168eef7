"""政务公开: anonymous pages and downloads show only whitelisted fields of public, un-embargoed tasks.

The shared ledger carries the marker ``ZXLEAK`` in every non-public field (returned and accepted report
narratives, review reason, evidence file name, instruction, contribution, milestone, task force, targets,
every user's name); no public page or download may contain it.
"""

from __future__ import annotations

import csv
import datetime
import io

from luoshi.public import actions
from luoshi.public.models import Disclosure
from tests.web.dashboards_fixtures import MARK, ledger, marked_names, today

FIXTURES = (ledger, marked_names, today)  # shared pytest fixtures used by name below


def public_urls(client, report) -> list[str]:
    urls = [
        "/public/",
        "/public/method/",
        "/public/data/columns.csv",
        f"/public/{report.year}/",
        f"/public/reports/{report.pk}/",
        f"/public/reports/{report.pk}/tasks.csv",
    ]
    html = client.get(f"/public/reports/{report.pk}/").content.decode()
    urls += sorted(
        {
            f"/public/reports/{report.pk}/tasks/{code}/"
            for code in __import__("re").findall(rf'/public/reports/{report.pk}/tasks/([^/"]+)/', html)
        }
    )
    return urls


def test_the_marker_never_appears_on_any_public_page_or_download(client, marked_names, ledger, today):
    report = ledger["report"]
    urls = public_urls(client, report)
    assert len(urls) >= 8  # two public task pages at least
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        assert MARK not in body, url
        assert "李" not in body or url.endswith("method/"), url  # the leader's family name
    # the internal ledger does carry the marker, so the test is not vacuous
    assert MARK in ledger["education"].task_force
    from luoshi.accounts.models import User

    assert all(MARK in u.first_name for u in User.objects.all())


def test_public_report_shows_whitelisted_fields_and_the_as_of_date(client, ledger, today):
    report = ledger["report"]
    html = client.get(f"/public/reports/{report.pk}/").content.decode()
    assert "数据截至" in html and "2026年5月12日" in html
    assert ledger["education"].text in html
    assert "新增普惠性学位一千二百个，公办园在园幼儿占比稳步提高。" in html
    assert "州教育局" in html
    assert "完成进度 20%" in html  # from the accepted February report
    assert "2026-02-24" in html


def test_an_embargoed_task_is_not_public_until_its_date(client, ledger, today):
    report = ledger["report"]
    transport = ledger["transport"]
    html = client.get(f"/public/reports/{report.pk}/").content.decode()
    assert transport.text not in html
    assert client.get(f"/public/reports/{report.pk}/tasks/{transport.code}/").status_code == 404
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC), tick=True):
        assert client.get(f"/public/reports/{report.pk}/tasks/{transport.code}/").status_code == 200


def test_a_hidden_field_is_left_out_per_task(client, ledger, today):
    report, local = ledger["report"], ledger["local"]
    html = client.get(f"/public/reports/{report.pk}/tasks/{local.code}/").content.decode()
    assert local.text in html
    assert "格尔木市" not in html  # lead unit switched off for this task
    rows = list(
        csv.reader(io.StringIO(client.get(f"/public/reports/{report.pk}/tasks.csv").content.decode("utf-8-sig")))
    )
    header, data = rows[0], {r[2]: r for r in rows[1:]}
    assert header[:3] == ["报告编号", "年度", "序号"]
    assert data[local.code][header.index("牵头单位")] == ""
    assert data[ledger["education"].code][header.index("牵头单位")] == "州教育局"
    assert ledger["transport"].code not in data


def test_csv_download_has_a_bom_and_a_column_description(client, ledger, today):
    report = ledger["report"]
    body = client.get(f"/public/reports/{report.pk}/tasks.csv").content
    assert body.startswith("\ufeff".encode())
    columns = client.get("/public/data/columns.csv").content.decode("utf-8-sig")
    for name in ("序号", "工作任务", "牵头单位", "状态", "完成进度", "最近更新", "公开摘要", "数据截至"):
        assert name in columns
    method = client.get("/public/method/").content.decode()
    for label in ("已交办", "已签收", "推进中", "申请办结", "已办结", "常态化推进"):
        assert label in method


def test_a_task_not_marked_public_and_drafts_are_404(client, ledger, today):
    report = ledger["report"]
    draft = report.tasks.filter(kind="task", status="draft").first()
    assert client.get(f"/public/reports/{report.pk}/tasks/{draft.code}/").status_code == 404
    Disclosure.objects.filter(task=ledger["education"]).update(public=False)
    assert client.get(f"/public/reports/{report.pk}/tasks/{ledger['education'].code}/").status_code == 404


def test_stable_urls_by_year_and_by_task_code(client, ledger, today):
    report = ledger["report"]
    response = client.get("/public/2026/")
    assert response.status_code == 302 and response["Location"].endswith(f"/public/reports/{report.pk}/")
    assert client.get("/public/1999/").status_code == 404
    assert client.get(f"/public/reports/{report.pk}/tasks/{ledger['education'].code}/").status_code == 200


def test_office_bulk_controls_publish_hide_fields_and_set_embargo(client_for, supervisor, ledger, today):
    report = ledger["report"]
    client = client_for(supervisor)
    page = client.get(f"/disclosure/{report.pk}/")
    assert page.status_code == 200 and "批量操作" in page.content.decode()
    ids = [ledger["education"].pk, ledger["local"].pk]
    client.post(f"/disclosure/{report.pk}/bulk/", {"task": ids, "op": "fields", "show_status": "1"})
    d = Disclosure.objects.get(task=ledger["education"])
    assert d.shown_fields() == ["show_status"]
    client.post(f"/disclosure/{report.pk}/bulk/", {"task": ids, "op": "embargo", "embargo_until": "2026-06-01"})
    assert Disclosure.objects.get(task=ledger["local"]).embargo_until == datetime.date(2026, 6, 1)
    client.post(f"/disclosure/{report.pk}/bulk/", {"task": ids, "op": "unpublish"})
    assert not Disclosure.objects.filter(task_id__in=ids, public=True).exists()
    from luoshi.audit.models import AuditEntry

    assert AuditEntry.objects.filter(model="Disclosure", field="public", new="False").count() == 2


def test_only_the_office_manages_disclosure(client_for, liaison, leader, ledger, today):
    report = ledger["report"]
    for user in (liaison, leader):
        client = client_for(user)
        assert client.get(f"/disclosure/{report.pk}/").status_code == 404
        assert (
            client.post(
                f"/disclosure/{report.pk}/bulk/", {"task": [ledger["education"].pk], "op": "publish"}
            ).status_code
            == 404
        )


def test_public_summary_is_written_by_the_office(client_for, supervisor, ledger, today):
    client = client_for(supervisor)
    client.post(f"/disclosure/tasks/{ledger['education'].pk}/summary/", {"summary": "新的公开摘要"})
    assert Disclosure.objects.get(task=ledger["education"]).summary == "新的公开摘要"
    actions.set_summary(ledger["local"].pk, supervisor, "格尔木摘要")
    assert Disclosure.objects.get(task=ledger["local"]).summary_updated_at is not None
