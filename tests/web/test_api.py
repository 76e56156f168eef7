"""The REST API: bearer tokens, visibility, optimistic locking, malformed input."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from luoshi.accounts.models import ApiToken


def token_for(user):
    return ApiToken.issue(user)


def call(client, method, url, user=None, token=None, body=None, raw=None):
    headers = {}
    if user is not None or token is not None:
        headers["Authorization"] = f"Bearer {token or token_for(user)}"
    kwargs = {"headers": headers}
    if body is not None or raw is not None:
        kwargs["data"] = raw if raw is not None else json.dumps(body)
        kwargs["content_type"] = "application/json"
    return getattr(client, method)(url, **kwargs)


def test_it_needs_a_token(client, education_task):
    assert client.get("/api/tasks").status_code == 401
    assert call(client, "get", "/api/tasks", token="ls_wrong").status_code == 401


def test_tokens_are_stored_as_a_hash(supervisor):
    key = token_for(supervisor)
    stored = ApiToken.objects.get(user=supervisor)
    assert key not in (stored.key_hash, stored.prefix) and stored.key_hash == ApiToken.hash(key)


def test_liaison_lists_only_their_published_tasks(client, liaison, education_task):
    data = call(client, "get", "/api/tasks", liaison).json()
    assert data["count"] == 1 and [t["id"] for t in data["items"]] == [education_task.pk]
    assert data["items"][0]["lead_unit"]["short_name"] == "州教育局"


def test_outsider_lists_nothing_and_gets_404_for_other_units_task(client, outsider, education_task):
    token = token_for(outsider)
    assert call(client, "get", "/api/tasks", token=token).json() == {"items": [], "count": 0}
    assert call(client, "get", f"/api/tasks/{education_task.pk}", token=token).status_code == 404
    patch = call(
        client,
        "patch",
        f"/api/tasks/{education_task.pk}",
        token=token,
        body={"version": education_task.version, "text": "x"},
    )
    assert patch.status_code == 404


def test_supervisor_lists_drafts_too(client, supervisor, report):
    data = call(client, "get", "/api/tasks?limit=1000", supervisor).json()
    assert data["count"] == 79 and len(data["items"]) == 79


def test_supervisor_patches_with_the_current_version(client, supervisor, education_task):
    response = call(
        client,
        "patch",
        f"/api/tasks/{education_task.pk}",
        supervisor,
        body={
            "version": education_task.version,
            "task_force": "学前教育专班",
            "lead_unit": "州教育局",
            "tags": ["民生实事"],
            "deadline": "2023-10-31",
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["task_force"] == "学前教育专班" and data["version"] == education_task.version + 1
    assert data["tags"] == ["民生实事"] and data["deadline"] == "2023-10-31"
    assert education_task.audit.filter(field="task_force", new="学前教育专班", actor=supervisor).exists()


def test_a_stale_version_answers_409_and_changes_nothing(client, supervisor, education_task):
    token = token_for(supervisor)
    url = f"/api/tasks/{education_task.pk}"
    first = call(client, "patch", url, token=token, body={"version": education_task.version, "task_force": "A"})
    assert first.status_code == 200
    response = call(client, "patch", url, token=token, body={"version": education_task.version, "task_force": "B"})
    assert response.status_code == 409
    assert "该任务已被他人修改" in response.json()["detail"]
    education_task.refresh_from_db()
    assert education_task.task_force == "A"


def test_liaison_may_read_but_not_patch(client, liaison, education_task):
    response = call(
        client,
        "patch",
        f"/api/tasks/{education_task.pk}",
        liaison,
        body={"version": education_task.version, "text": "x"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        "[]",
        '"text"',
        '{"text": "no version"}',
        '{"version": "x"}',
        '{"version": 1, "due_day": 99}',
        '{"version": 1, "unknown": 1}',
        '{"version": 1, "text": ""}',
        '{"version": 1, "status": null}',
    ],
)
def test_malformed_payloads_answer_4xx_with_a_message(client, supervisor, education_task, raw):
    response = call(client, "patch", f"/api/tasks/{education_task.pk}", supervisor, raw=raw)
    assert response.status_code in (400, 422), (raw, response.status_code, response.content)
    assert response.json()["detail"]


def test_unknown_unit_or_status_is_a_400(client, supervisor, education_task):
    token = token_for(supervisor)
    url = f"/api/tasks/{education_task.pk}"
    for body in ({"lead_unit": "不存在局"}, {"status": "flying"}, {"leader": "nobody"}):
        response = call(client, "patch", url, token=token, body={"version": education_task.version, **body})
        assert response.status_code == 400, body


def test_openapi_document_is_served(client, db):
    doc = client.get("/api/openapi.json").json()
    assert "/api/tasks" in doc["paths"] and "/api/tasks/{task_id}" in doc["paths"]


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_issue_token_prints_a_working_token(client, capsys, liaison, education_task):
    call_command("issue_token", "jiaoyu")
    key = capsys.readouterr().out.strip()
    assert call(client, "get", f"/api/tasks/{education_task.pk}", token=key).status_code == 200


def test_list_users_prints_one_json_object_per_line(capsys, supervisor, liaison, outsider, leader):
    call_command("list_users", "--json")
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_name = {r["username"]: r for r in records}
    assert by_name["jiaoyu"]["role"] == "liaison" and by_name["jiaoyu"]["unit"] == "州教育局"
    assert by_name["lingdao"]["unit"] is None
    assert len(records) == 4


def test_me_describes_the_caller_only(client, outsider):
    assert call(client, "get", "/api/me", outsider).json() == {
        "username": "jiaotong",
        "role": "liaison",
        "unit": "州交通运输局",
    }


def test_the_api_offers_no_way_to_write_the_audit(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path, operations in paths.items():
        if "audit" in path:
            assert set(operations) <= {"get"}
    assert set(paths["/api/tasks/{task_id}"]) == {"get", "patch"}


def test_patch_cannot_set_audit_or_version_fields(client, supervisor, education_task):
    token = token_for(supervisor)
    url = f"/api/tasks/{education_task.pk}"
    for body in ({"published_at": None}, {"audit": []}, {"code": "9.9"}):
        response = call(client, "patch", url, token=token, body={"version": education_task.version, **body})
        assert response.status_code == 422, body


def test_malformed_query_parameters_answer_422(client, supervisor):
    token = token_for(supervisor)
    for url in ("/api/tasks?limit=abc", "/api/tasks?limit=0", "/api/tasks/abc"):
        response = call(client, "get", url, token=token)
        assert response.status_code in (404, 422), url
