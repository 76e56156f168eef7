"""Pages render for the office, the ledger filters work, markup stays accessible."""

from __future__ import annotations

from luoshi.tasks import actions


def test_home_is_each_roles_work_and_asks_anyone_else_to_log_in(client, client_for, supervisor, liaison):
    assert client.get("/")["Location"].startswith("/accounts/login/")
    for user in (supervisor, liaison):
        page = client_for(user).get("/")
        assert page.status_code == 200 and "今日待办" in page.content.decode()


def test_login_page_has_labelled_fields(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-Hans"' in html and '<main id="main">' in html
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert 'name="viewport"' in html


def test_static_files_are_served_locally(client, db):
    assert client.get("/static/luoshi/luoshi.css").status_code == 200
    assert client.get("/static/luoshi/review.js").status_code == 200


def test_office_pages_render(client_for, supervisor, report, education_task):
    client = client_for(supervisor)
    for url in (
        "/reports/",
        "/reports/import/",
        f"/reports/{report.pk}/",
        f"/reports/{report.pk}/reimport/",
        f"/reports/{report.pk}/spreadsheet/",
        f"/tasks/{education_task.pk}/edit/",
        "/units/",
        "/tasks/",
    ):
        assert client.get(url).status_code == 200, url


def test_ledger_filters_by_unit_status_section_tag_and_text(client_for, supervisor, report, education_task):
    client = client_for(supervisor)
    actions.update_task(education_task.pk, supervisor, education_task.version, {"tags": ["民生实事"]})
    edu = education_task.lead_unit

    def count(**params):
        return client.get("/tasks/", params).context["count"]

    assert count() == 79
    assert count(unit=edu.pk) == 1
    assert count(status="assigned") == 1
    assert count(status="draft") == 78
    assert count(tag="民生实事") == 1
    assert count(q="学前教育") >= 1
    assert count(section=education_task.section_title) < 79
    assert count(section=education_task.section_title, q="学前教育") == 1


def test_edit_page_offers_split_points_and_engine_reasons(client_for, supervisor, draft_task):
    html = client_for(supervisor).get(f"/tasks/{draft_task.pk}/edit/").content.decode()
    assert 'name="at"' in html and "依据" in html


def test_review_page_split_and_merge_round_trip(client_for, supervisor, report, draft_task):
    client = client_for(supervisor)
    count = report.tasks.count()
    at = next(i + 1 for i, ch in enumerate(draft_task.text) if ch in "，,")
    assert client.post(f"/tasks/{draft_task.pk}/split/", {"version": draft_task.version, "at": at}).status_code == 302
    assert report.tasks.count() == count + 1
    draft_task.refresh_from_db()
    assert client.post(f"/tasks/{draft_task.pk}/merge/", {"version": draft_task.version}).status_code == 302
    assert report.tasks.count() == count


def test_accepting_a_suggestion_with_htmx_returns_the_updated_row(client_for, supervisor, draft_task):
    response = client_for(supervisor).post(f"/tasks/{draft_task.pk}/accept/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="task-{draft_task.pk}"')
    draft_task.refresh_from_db()
    assert draft_task.lead_unit.label in html


def test_toggling_guidance_with_htmx_returns_the_row_and_a_stale_version_shows_the_conflict(
    client_for, supervisor, report
):
    guidance = report.tasks.filter(kind="guidance").first()
    client = client_for(supervisor)
    headers = {"HX-Request": "true"}
    response = client.post(f"/tasks/{guidance.pk}/kind/", {"version": guidance.version}, headers=headers)
    assert "改为总体要求" in response.content.decode()
    stale = client.post(f"/tasks/{guidance.pk}/kind/", {"version": guidance.version}, headers=headers)
    assert "该任务已被他人修改, 请刷新后重试" in stale.content.decode()
    guidance.refresh_from_db()
    assert guidance.kind == "task"


def test_manage_runs_django_commands(capsys, supervisor):
    from luoshi import webcli

    webcli.manage(["list_users", "--json"])
    assert '"username": "ducha"' in capsys.readouterr().out


def test_not_found_page_is_in_chinese(client_for, outsider):
    response = client_for(outsider).get("/tasks/999999/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
