"""Who sees what: the one permission gate, exercised through every page with the outsider persona."""

from __future__ import annotations

import pytest

from luoshi import access
from luoshi.tasks import actions
from luoshi.tasks.models import Milestone


def test_supervisor_sees_drafts_and_published(report, supervisor, education_task):
    visible = access.visible_tasks(supervisor)
    assert visible.count() == report.tasks.count()
    assert visible.filter(status="draft").exists()


def test_it_hides_drafts_from_liaisons(report, liaison, supervisor):
    from luoshi.accounts.models import Unit

    task = report.tasks.filter(kind="task").first()
    edu = Unit.objects.get(government=report.government, short_name="州教育局")
    actions.update_task(task.pk, supervisor, task.version, {"lead_unit": edu})
    assert not access.visible_tasks(liaison).filter(pk=task.pk).exists()


def test_liaison_sees_published_tasks_of_their_unit_only(education_task, liaison, outsider):
    assert list(access.visible_tasks(liaison)) == [education_task]
    assert not access.visible_tasks(outsider).exists()


def test_co_unit_liaison_sees_the_task(education_task, government):
    from tests.web.conftest import _user

    finance = _user(government, "caizheng", "liaison", "州财政局")
    assert list(access.visible_tasks(finance)) == [education_task]


def test_leader_sees_published_tasks_of_their_government_read_only(education_task, report, leader):
    assert set(access.visible_tasks(leader)) == set(report.tasks.filter(published_at__isnull=False))
    assert not access.can_edit_task(leader, education_task)


def test_leader_ledger_opens_on_their_portfolio(client_for, leader, education_task):
    page = client_for(leader).get("/tasks/")
    assert page.status_code == 200
    assert education_task.text in page.content.decode()


def test_user_of_another_government_sees_nothing(education_task, db):
    from luoshi.accounts.models import Government, User

    other = Government.objects.create(name="海东市")
    stranger = User.objects.create(username="s", role="supervisor", government=other)
    assert not access.visible_tasks(stranger).exists()
    assert not access.visible_reports(stranger).exists()


def test_it_returns_other_units_task_as_404(client_for, outsider, education_task):
    assert client_for(outsider).get(f"/tasks/{education_task.pk}/").status_code == 404


def test_liaison_opens_own_task_page(client_for, liaison, education_task):
    page = client_for(liaison).get(f"/tasks/{education_task.pk}/")
    assert page.status_code == 200
    assert education_task.text in page.content.decode()
    assert "签收任务" in page.content.decode()


def test_ledger_of_outsider_lists_none_of_the_education_tasks(client_for, outsider, education_task):
    page = client_for(outsider).get("/tasks/")
    assert page.status_code == 200
    assert education_task.text not in page.content.decode()
    assert "共 0 项任务" in page.content.decode()


def _routes(task, report, milestone):
    t, r, m = task.pk, report.pk, milestone.pk
    return [
        ("get", f"/tasks/{t}/", {}),
        ("get", f"/tasks/{t}/edit/", {}),
        ("post", f"/tasks/{t}/edit/", {"version": task.version, "text": "x"}),
        ("post", f"/tasks/{t}/merge/", {"version": task.version}),
        ("post", f"/tasks/{t}/split/", {"version": task.version, "at": 3}),
        ("post", f"/tasks/{t}/kind/", {"version": task.version}),
        ("post", f"/tasks/{t}/accept/", {}),
        ("post", f"/tasks/{t}/acknowledge/", {}),
        ("post", f"/tasks/{t}/milestones/", {"title": "x", "due": "2023-06-30"}),
        ("post", f"/milestones/{m}/toggle/", {}),
        ("post", f"/milestones/{m}/delete/", {}),
        ("get", "/reports/", {}),
        ("get", "/reports/import/", {}),
        ("post", "/reports/import/", {"text": "x", "year": 2023}),
        ("get", f"/reports/{r}/", {}),
        ("get", f"/reports/{r}/reimport/", {}),
        ("post", f"/reports/{r}/reimport/", {"text": "x", "year": 2023}),
        ("post", f"/reports/{r}/bulk/", {"action": "publish", "tasks": [t]}),
        ("post", f"/reports/{r}/publish/", {}),
        ("get", f"/reports/{r}/export.xlsx", {}),
        ("get", f"/reports/{r}/spreadsheet/", {}),
        ("post", f"/reports/{r}/spreadsheet/", {"confirm": "x"}),
        ("get", "/units/", {}),
        ("post", "/units/", {}),
    ]


def test_every_page_answers_the_outsider_with_404_and_changes_nothing(
    client_for, outsider, education_task, report, supervisor
):
    from luoshi.audit.models import AuditEntry

    milestone = actions.add_milestone(education_task, supervisor, "完成评估", "2023-06-30")
    audit_before = AuditEntry.objects.filter(kind="").count()
    version_before = education_task.version
    client = client_for(outsider)
    for method, url, data in _routes(education_task, report, milestone):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    assert AuditEntry.objects.filter(kind="").count() == audit_before
    education_task.refresh_from_db()
    assert education_task.version == version_before
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_lead_liaison_cannot_edit_or_review(client_for, liaison, education_task, report):
    client = client_for(liaison)
    assert client.get(f"/tasks/{education_task.pk}/edit/").status_code == 404
    assert client.get(f"/reports/{report.pk}/").status_code == 404


@pytest.mark.parametrize("url", ["/tasks/", "/reports/", "/units/"])
def test_anonymous_visitors_are_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_lead_liaison_acknowledges_and_it_is_audited(client_for, liaison, education_task):
    response = client_for(liaison).post(f"/tasks/{education_task.pk}/acknowledge/")
    assert response.status_code == 302
    education_task.refresh_from_db()
    assert education_task.status == "acknowledged"
    entry = education_task.audit.filter(field="status").order_by("-id").first()
    assert (entry.old, entry.new, entry.actor) == ("assigned", "acknowledged", liaison)
