"""The authorisation matrix (docs/architecture.md, Domain rules): every URL of the site (walked from the resolver) and every API
operation (from /api/openapi.json) × supervisor, lead liaison, co-unit liaison, other liaison, leader and
anonymous. Anonymous never gets data outside /public/, /healthz and login; another unit's liaison gets 404
on the lead unit's task; the task's text never reaches those who may not see it; nothing answers 500."""

from __future__ import annotations

import pytest
from django.test import Client

from luoshi.accounts.models import ApiToken
from tests.web.conftest import publish_to_education
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
            ("/api/tasks/", "/api/reports/", "/api/extensions/", "/api/closings/", "/api/proposals/", "/api/projects/")
        ):
            assert status == 404, f"outsider {method} {path} → {status}, expected 404"


def test_lead_and_co_unit_liaisons_read_their_task_and_the_office_edits_it(
    world, client, liaison, co_liaison, supervisor
):
    for user in (liaison, co_liaison, supervisor):
        client.force_login(user)
        assert client.get(f"/tasks/{world.task.pk}/").status_code == 200
    assert client.get(f"/tasks/{world.task.pk}/edit/").status_code == 200


# ------------------------------------------------------------------------------------------ 建议提案办理
# Every page and action of the proposals × every role, with the answer each must get. The matters, all
# led by 州教育局 with 州财政局 as 会办: ``done`` answered (B category, accepted: a commitment, a letter and
# verdict links), ``asked`` assigned with the lead unit's pending 退回改办, ``answered`` with its reply
# awaiting review, ``handled`` signed for and in hand, ``draft`` not yet assigned.


@pytest.fixture
def proposal_world(government, supervisor, liaison, co_liaison, outsider, leader):
    import datetime

    from django.utils import timezone

    from luoshi.proposals import actions
    from luoshi.proposals.reading import read_list
    from luoshi.tracking import actions as tracking
    from tests.web.test_proposals_pages import CSV, SESSION

    _, rows = actions.apply_intake(government, supervisor, read_list(CSV, "清单.csv"), session=SESSION, year=2026)
    by_number = {p.number: p for p in rows}
    education = government.units.get(short_name="州教育局")
    finance = government.units.get(short_name="州财政局")
    today = timezone.localdate()

    def assign(number):
        actions.assign(by_number[number].pk, supervisor, lead_unit=education, co_units=[finance])
        return by_number[number]

    def handle(number):
        proposal = assign(number)
        tracking.acknowledge(proposal.task_id, liaison)
        actions.record_contact(proposal.pk, liaison, on=today, way="visit", content="走访")
        return proposal

    done = handle("1")
    due = (today + datetime.timedelta(days=300)).isoformat()
    accepted = actions.submit_reply(
        done.pk, liaison, category="B", text="列入计划", commitments=[{"text": "新建一所", "due": due}]
    )
    actions.review_reply(accepted.pk, supervisor, accept=True)
    asked = assign("2")
    relief = actions.request_relief(asked.pk, liaison, reason="不属本单位职责")
    answered = handle("3")
    actions.give_opinion(answered.pk, co_liaison, text="同意")
    pending = actions.submit_reply(answered.pk, liaison, category="A", text="已解决")
    handled = handle("4")
    draft = by_number["5"]
    link = done.verdict_links.filter(lead=False).first()
    return {
        "done": done.pk,
        "asked": asked.pk,
        "answered": answered.pk,
        "handled": handled.pk,
        "draft": draft.pk,
        "accepted": accepted.pk,
        "pending": pending.pk,
        "relief": relief.pk,
        "commitment": done.commitments.get().pk,
        "token": actions.token_for(link),
        "title": done.title,
    }


def _row(*answers):
    """The answers in role order: supervisor, lead liaison, co liaison, outsider, leader, anonymous (302: to
    the login page)."""
    return dict(zip(["supervisor", "liaison", "co_liaison", "outsider", "leader", "anonymous"], answers, strict=True))


PROPOSAL_MATRIX = [
    ("get", "/proposals/", _row(200, 200, 200, 200, 200, 302)),
    ("get", "/proposals/import/", _row(200, 404, 404, 404, 404, 302)),
    ("get", "/proposals/new/", _row(200, 404, 404, 404, 404, 302)),
    ("get", "/proposals/commitments/", _row(200, 200, 200, 200, 200, 302)),
    ("get", "/proposals/{done}/", _row(200, 200, 200, 404, 200, 302)),
    ("get", "/proposals/{draft}/", _row(200, 404, 404, 404, 404, 302)),
    ("get", "/proposals/replies/{accepted}/letter.docx", _row(200, 200, 404, 404, 404, 302)),
    ("get", "/proposals/replies/{pending}/letter.docx", _row(404, 404, 404, 404, 404, 302)),
    ("get", "/v/{token}/", _row(200, 200, 200, 200, 200, 200)),
    ("get", "/v/forged-{token}/", _row(403, 403, 403, 403, 403, 403)),
    ("get", "/v/{done}:nonce/", _row(403, 403, 403, 403, 403, 403)),
    ("post", "/proposals/import/", _row(400, 404, 404, 404, 404, 302)),
    ("post", "/proposals/new/", _row(400, 404, 404, 404, 404, 302)),
    ("post", "/proposals/{draft}/assign/", _row(400, 404, 404, 404, 404, 302)),
    ("post", "/proposals/{done}/assign/", _row(403, 403, 403, 404, 403, 302)),
    ("post", "/proposals/{draft}/split/", _row(400, 404, 404, 404, 404, 302)),
    ("post", "/proposals/{asked}/relief/", _row(403, 400, 400, 404, 403, 302)),
    ("post", "/proposals/{handled}/relief/", _row(403, 403, 400, 404, 403, 302)),
    ("post", "/proposals/reliefs/{relief}/decide/", _row(400, 403, 403, 404, 403, 302)),
    ("post", "/proposals/{answered}/opinions/", _row(403, 403, 403, 404, 403, 302)),
    ("post", "/proposals/{handled}/opinions/", _row(403, 403, 400, 404, 403, 302)),
    ("post", "/proposals/{handled}/contacts/", _row(403, 400, 403, 404, 403, 302)),
    ("post", "/proposals/{handled}/replies/", _row(403, 400, 403, 404, 403, 302)),
    ("post", "/proposals/{answered}/replies/", _row(403, 403, 403, 404, 403, 302)),
    ("post", "/proposals/replies/{pending}/review/", _row(400, 403, 403, 404, 403, 302)),
    ("post", "/proposals/replies/{accepted}/review/", _row(403, 403, 403, 404, 403, 302)),
    ("post", "/proposals/commitments/{commitment}/meet/", _row(403, 400, 403, 404, 403, 302)),
    ("post", "/proposals/commitments/{commitment}/link/", _row(302, 403, 403, 404, 403, 302)),
    ("post", "/v/{token}/", _row(400, 400, 400, 400, 400, 400)),
    ("post", "/v/forged-{token}/", _row(403, 403, 403, 403, 403, 403)),
    # last: it acts (the lead unit signs for the matter)
    ("post", "/proposals/{asked}/acknowledge/", _row(403, 302, 403, 404, 403, 302)),
]


@pytest.mark.parametrize("role", ROLES)
def test_every_proposal_page_and_action_answers_each_role_as_the_matrix_says(request, role, proposal_world):
    client = Client()
    user = _person(request, role)
    if user is not None:
        client.force_login(user)
    wrong = []
    for method, template, answers in PROPOSAL_MATRIX:
        url = template.format(**proposal_world)
        response = getattr(client, method)(url, {})
        body = _body(response)
        if response.status_code != answers[role]:
            wrong.append(f"{role} {method.upper()} {url} → {response.status_code}, expected {answers[role]}")
        if response.status_code == 302 and role == "anonymous":
            assert "/accounts/login/" in response["Location"], url
        if role in ("anonymous", "outsider") and not url.startswith(f"/v/{proposal_world['token']}/"):
            assert proposal_world["title"] not in body, f"{role} {method} {url} shows the matter"
    assert not wrong, "\n".join(wrong)


def test_a_refused_proposal_action_says_why_in_chinese(proposal_world, client, co_liaison):
    from luoshi import errors

    client.force_login(co_liaison)
    response = client.post(f"/proposals/{proposal_world['handled']}/replies/", {})
    assert response.status_code == 403 and errors.REFUSED_PROPOSAL_REPLY in response.content.decode()


# ------------------------------------------------------------------------------------------ 民生实事
# Every page and action of the livelihood projects × every role. The projects, all led by 州教育局 with
# 州财政局 as co-unit: ``signed`` signed for, with an accepted and a pending period report; ``assigned``
# published and not yet signed for; ``draft`` not yet published.


@pytest.fixture
def project_world(government, supervisor, liaison, co_liaison, outsider, leader):
    from luoshi.projects import actions
    from luoshi.tasks import actions as task_actions
    from luoshi.tracking import actions as tracking
    from tests.web.test_projects import plan
    from tests.web.tracking_helpers import bj

    made = actions.open_projects(
        government,
        supervisor,
        2026,
        [plan(government), plan(government, title="城区供暖管网改造"), plan(government, title="牧区卫生院提升")],
    )
    signed, assigned, draft = made
    ledger = signed.task.report
    task_actions.publish(ledger, supervisor, [signed.task_id, assigned.task_id], at=bj(2026, 1, 5))
    tracking.acknowledge(signed.task_id, liaison, at=bj(2026, 1, 6))
    accepted, _ = actions.report_period(
        signed.pk,
        liaison,
        period="2026-01",
        percent=5,
        narrative="前期",
        received="100",
        disbursed="50",
        spent="10",
        at=bj(2026, 1, 20),
    )
    tracking.review_report(accepted.pk, supervisor, decision="accepted", at=bj(2026, 1, 21))
    pending, _ = actions.report_period(
        signed.pk,
        liaison,
        period="2026-02",
        percent=10,
        narrative="开工",
        received="200",
        disbursed="100",
        spent="50",
        at=bj(2026, 2, 20),
    )
    return {
        "signed": signed.pk,
        "assigned": assigned.pk,
        "draft": draft.pk,
        "accepted": accepted.pk,
        "pending": pending.pk,
        "title": "新建城区公办幼儿园三所",
    }


PROJECT_MATRIX = [
    ("get", "/projects/", _row(200, 200, 200, 200, 200, 302)),
    # the public pages: open to all, and a project the office has not made public is nobody's
    ("get", "/public/projects/", _row(200, 200, 200, 200, 200, 200)),
    ("get", "/public/projects/{signed}/", _row(404, 404, 404, 404, 404, 404)),
    ("get", "/projects/candidates/", _row(200, 404, 404, 404, 404, 302)),
    ("get", "/projects/new/", _row(200, 404, 404, 404, 404, 302)),
    ("get", "/projects/sources/", _row(200, 404, 404, 404, 404, 302)),
    ("post", "/projects/sources/", _row(400, 404, 404, 404, 404, 302)),
    ("get", "/projects/import/", _row(200, 404, 404, 404, 404, 302)),
    ("get", "/projects/{signed}/", _row(200, 200, 200, 404, 200, 302)),
    ("get", "/projects/{assigned}/", _row(200, 200, 200, 404, 200, 302)),
    ("get", "/projects/{draft}/", _row(200, 404, 404, 404, 404, 302)),
    ("get", "/projects/{signed}/evaluation/", _row(200, 200, 200, 404, 200, 302)),
    ("get", "/projects/{draft}/evaluation/", _row(200, 404, 404, 404, 404, 302)),
    ("post", "/projects/candidates/", _row(400, 404, 404, 404, 404, 302)),
    ("post", "/projects/new/", _row(400, 404, 404, 404, 404, 302)),
    ("post", "/projects/import/", _row(400, 404, 404, 404, 404, 302)),
    ("post", "/projects/{signed}/publish/", _row(400, 403, 403, 404, 403, 302)),
    ("post", "/projects/{draft}/publish/", _row(None, 404, 404, 404, 404, 302)),
    ("post", "/projects/{signed}/budget/", _row(400, 403, 403, 404, 403, 302)),
    ("post", "/projects/{signed}/stages/", _row(400, 403, 403, 404, 403, 302)),
    ("post", "/projects/{signed}/indicators/", _row(400, 403, 403, 404, 403, 302)),
    ("post", "/projects/{signed}/bands/", _row(400, 403, 403, 404, 403, 302)),
    ("post", "/projects/{draft}/budget/", _row(400, 404, 404, 404, 404, 302)),
    ("post", "/projects/{signed}/report/", _row(403, 400, 403, 404, 403, 302)),
    ("post", "/projects/{assigned}/report/", _row(403, 403, 403, 404, 403, 302)),
    ("post", "/projects/{draft}/report/", _row(403, 404, 404, 404, 404, 302)),
    ("post", "/projects/reports/{pending}/review/", _row(400, 403, 403, 404, 403, 302)),
    ("post", "/projects/reports/{accepted}/review/", _row(400, 403, 403, 404, 403, 302)),
    ("post", "/projects/{signed}/evaluation/adjust/", _row(400, 403, 403, 404, 403, 302)),
    ("post", "/projects/{signed}/acknowledge/", _row(403, 403, 403, 404, 403, 302)),
    ("post", "/projects/{draft}/acknowledge/", _row(403, 404, 404, 404, 404, 302)),
    # last: these act (an empty form means: no overrun, no linked task, an evaluation saved as a draft,
    # the lead unit signs for its matter, the office publishes the draft)
    ("post", "/projects/{signed}/overrun/", _row(302, 403, 403, 404, 403, 302)),
    ("post", "/projects/{signed}/promise/", _row(302, 403, 403, 404, 403, 302)),
    ("post", "/projects/{signed}/evaluation/", _row(403, 302, 403, 404, 403, 302)),
    ("post", "/projects/{assigned}/acknowledge/", _row(403, 302, 403, 404, 403, 302)),
    ("post", "/projects/{draft}/publish/", _row(302, 404, 404, 404, 404, 302)),
]


@pytest.mark.parametrize("role", ROLES)
def test_every_project_page_and_action_answers_each_role_as_the_matrix_says(request, role, project_world):
    client = Client()
    user = _person(request, role)
    if user is not None:
        client.force_login(user)
    wrong = []
    for method, template, answers in PROJECT_MATRIX:
        if answers[role] is None:
            continue
        url = template.format(**project_world)
        response = getattr(client, method)(url, {})
        body = _body(response)
        if response.status_code != answers[role]:
            wrong.append(f"{role} {method.upper()} {url} → {response.status_code}, expected {answers[role]}")
        if response.status_code == 302 and role == "anonymous":
            assert "/accounts/login/" in response["Location"], url
        if role in ("anonymous", "outsider"):
            assert project_world["title"] not in body, f"{role} {method} {url} shows the project"
    assert not wrong, "\n".join(wrong)


def test_the_exports_of_the_projects_answer_each_role(project_world, client, supervisor, liaison, outsider):
    for url in ("/projects/2026/export.xlsx", "/projects/2026/performance.xlsx"):
        client.force_login(supervisor)
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response).startswith(b"PK"), url
        for user in (liaison, outsider):
            client.force_login(user)
            response = client.get(url)
            assert response.status_code in (200, 404), url
            if response.status_code == 200 and user == outsider:
                assert project_world["title"].encode() not in b"".join(response)
        client.logout()
        assert client.get(url).status_code == 302


def test_a_refused_project_action_says_why_in_chinese(project_world, client, co_liaison):
    from luoshi import errors

    client.force_login(co_liaison)
    response = client.post(f"/projects/{project_world['signed']}/report/", {})
    assert response.status_code == 403 and errors.REFUSED_PROJECT_REPORT in response.content.decode()
    response = client.post(f"/projects/{project_world['signed']}/budget/", {})
    assert response.status_code == 403 and errors.REFUSED_PROJECT_MANAGE in response.content.decode()


# ------------------------------------------------------------------------------------ 拒签收 / 申请调整
# A report task published to 州教育局 (with 州财政局 as co-unit) and not yet signed for: ``declined`` with
# the lead unit's pending decline, ``assigned`` without one.


@pytest.fixture
def decline_world(report, supervisor, leader, liaison):
    from luoshi.tracking import actions

    tasks = list(report.tasks.filter(kind="task").order_by("position")[:2])
    declined, assigned = (publish_to_education(t, supervisor, leader) for t in tasks)
    decline = actions.request_decline(declined.pk, liaison, reason="不属于本单位职责")
    return {"declined": declined.pk, "assigned": assigned.pk, "decline": decline.pk, "title": declined.text}


DECLINE_MATRIX = [
    ("get", "/tasks/{declined}/", {}, _row(200, 200, 200, 404, 200, 302)),
    ("post", "/declines/{decline}/decide/", {}, _row(302, 404, 404, 404, 404, 302)),
    ("post", "/declines/{decline}/decide/", {"redecide-decision": "insist"}, _row(302, 404, 404, 404, 404, 302)),
    ("post", "/tasks/{declined}/decline/", {"decline-reason": "再次"}, _row(302, 302, 302, 404, 302, 302)),
    # last: it acts (the lead unit declines the matter)
    ("post", "/tasks/{assigned}/decline/", {"decline-reason": "不属于本单位职责"}, _row(302, 302, 302, 404, 302, 302)),
]


@pytest.mark.parametrize("role", ROLES)
def test_every_decline_page_and_action_answers_each_role_as_the_matrix_says(request, role, decline_world):
    from luoshi.tracking.models import Decline

    client = Client()
    user = _person(request, role)
    if user is not None:
        client.force_login(user)
    wrong = []
    for method, template, data, answers in DECLINE_MATRIX:
        url = template.format(**decline_world)
        response = getattr(client, method)(url, data)
        if response.status_code != answers[role]:
            wrong.append(f"{role} {method.upper()} {url} → {response.status_code}, expected {answers[role]}")
        if response.status_code == 302 and role == "anonymous":
            assert "/accounts/login/" in response["Location"], url
        if role in ("anonymous", "outsider"):
            assert decline_world["title"] not in _body(response), f"{role} {method} {url} shows the matter"
    assert not wrong, "\n".join(wrong)
    # only the lead unit declined, only once per matter; nobody decided without a reason
    pending = Decline.objects.filter(status=Decline.Status.PENDING)
    assert set(pending.values_list("task_id", flat=True)) == (
        {decline_world["declined"], decline_world["assigned"]} if role == "liaison" else {decline_world["declined"]}
    )
    assert pending.filter(task_id=decline_world["declined"]).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_the_audit_trail_answers_only_the_audit_administrator(request, role, world):
    """审计管理员 only (``access.can_read_audit``): every other role, the superuser included, gets 404."""
    from django.contrib.auth.models import Permission

    client = Client()
    user = _person(request, role)
    if user is not None:
        client.force_login(user)
    for url in ("/audit/", "/audit/export.csv"):
        status = client.get(url).status_code
        assert status == (302 if user is None else 404), f"{role} GET {url} → {status}"
    if user is not None:
        user.user_permissions.add(Permission.objects.get(codename="view_auditentry", content_type__app_label="audit"))
        user = type(user).objects.get(pk=user.pk)
        client.force_login(user)
        assert client.get("/audit/").status_code == 200
