"""The authorisation matrix (docs/architecture.md, Domain rules): every URL of the site (walked from the resolver) and every API
operation (from /api/openapi.json) × supervisor, lead liaison, co-unit liaison, other liaison, leader and
anonymous. Anonymous never gets data outside /public/, /healthz and login; another unit's liaison gets 404
on the lead unit's task; the task's text never reaches those who may not see it; nothing answers 500."""

from __future__ import annotations

import pytest
from django.test import Client

from luoshi.accounts.models import ApiToken
from tests.web.security_world import PUBLIC_PREFIXES, TASK_SCOPED, api_operations, build_world, site_urls

ROLES = ["supervisor", "liaison", "co_liaison", "outsider", "leader", "anonymous"]


@pytest.fixture
def world(tracked_task, liaison, co_liaison, outsider, supervisor, leader, media_root):
    return build_world(tracked_task, liaison, co_liaison, supervisor, leader)


def _person(request, role):
    return None if role == "anonymous" else request.getfixturevalue(role)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _check_site_response(role, method, url, response, world):
    status = response.status_code
    assert status < 500, f"{role} {method} {url} → {status}"
    body = _body(response)
    if role == "anonymous" and not url.startswith(PUBLIC_PREFIXES):
        location = response.get("Location", "")
        assert status in (301, 302, 401, 403, 404, 405), f"anonymous {method} {url} → {status}"
        if status in (301, 302):
            assert "login" in location or location in ("/", "/admin/"), (
                f"anonymous {method} {url} redirected to {location}"
            )
    if role in ("anonymous", "outsider"):
        assert world.task.text not in body, f"{role} {method} {url} shows the lead unit's task"
    if role == "outsider" and TASK_SCOPED.match(url):
        assert status in (404, 405), f"outsider {method} {url} → {status}, expected 404"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_design_section_4_says(request, role, world):
    client = Client()
    user = _person(request, role)
    if user is not None:
        client.force_login(user)
    urls = site_urls(world)
    assert len(urls) > 40 and any(u.startswith("/tasks/") for u in urls)
    for url in urls:
        _check_site_response(role, "GET", url, client.get(url), world)
    # POSTs after every GET: a write must not open a hole for the next request either
    for url in urls:
        if url.startswith("/accounts/logout/"):
            continue
        _check_site_response(role, "POST", url, client.post(url, {}), world)


@pytest.mark.parametrize("role", ROLES)
def test_every_api_operation_answers_each_role_as_design_section_4_says(request, role, world):
    client = Client()
    user = _person(request, role)
    headers = {} if user is None else {"Authorization": f"Bearer {ApiToken.issue(user)}"}
    operations = api_operations(client, world)
    assert len(operations) >= 12
    for method, path, body in operations:
        kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
        response = (
            client.generic(method, path, headers=headers, **kwargs)
            if not kwargs
            else getattr(client, method.lower())(path, headers=headers, **kwargs)
        )
        status = response.status_code
        assert status < 500, f"{role} {method} {path} → {status} {response.content[:200]!r}"
        if role == "anonymous":
            assert status == 401, f"anonymous {method} {path} → {status}"
        if role in ("anonymous", "outsider"):
            assert world.task.text not in response.content.decode(), f"{role} {method} {path} leaks the task"
        if role == "outsider" and path.startswith(
            ("/api/tasks/", "/api/reports/", "/api/extensions/", "/api/closings/", "/api/proposals/")
        ):
            assert status == 404, f"outsider {method} {path} → {status}, expected 404"


def test_lead_and_co_unit_liaisons_read_their_task_and_the_office_edits_it(
    world, client, liaison, co_liaison, supervisor
):
    for user in (liaison, co_liaison, supervisor):
        client.force_login(user)
        assert client.get(f"/tasks/{world.task.pk}/").status_code == 200
    assert client.get(f"/tasks/{world.task.pk}/edit/").status_code == 200
