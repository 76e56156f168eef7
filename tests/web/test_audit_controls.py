"""等保 level 3, 安全审计 (docs/security.md, "Audit"): security events are recorded with who, when and from
where; the trail is append-only in the database itself, survives a user's deletion, is chained so that
``verify_audit`` finds a removed or altered row; the audit administrator searches and exports it."""

from __future__ import annotations

from django.test import Client

from luoshi.accounts.models import ApiToken
from luoshi.audit.models import AuditEntry
from luoshi.tracking import actions
from tests.web.conftest import PASSWORD
from tests.web.tracking_helpers import bj


def _events(kind: str):
    return AuditEntry.objects.filter(kind=kind).order_by("id")


# ------------------------------------------------------------------------------------- security events


def test_login_logout_and_a_failed_login_are_recorded_with_the_address(supervisor):
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.post("/accounts/login/", {"username": "ducha", "password": "wrong-password"})
    failed = _events("login_failed").get()
    assert (failed.actor_id, failed.actor_name, failed.address) == (None, "ducha", "10.1.2.3")
    assert client.post("/accounts/login/", {"username": "ducha", "password": PASSWORD}).status_code == 302
    login = _events("login").get()
    assert (login.actor_id, login.actor_name, login.address) == (supervisor.pk, "督查员", "10.1.2.3")
    client.post("/accounts/logout/")
    logout = _events("logout").get()
    assert (logout.actor_id, logout.address) == (supervisor.pk, "10.1.2.3")


def test_the_forwarded_address_counts_only_behind_our_own_proxy(supervisor, settings):
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    client.post("/accounts/login/", {"username": "ducha", "password": PASSWORD})
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client.post("/accounts/login/", {"username": "ducha", "password": PASSWORD})
    assert [e.address for e in _events("login")] == ["10.0.0.1", "203.0.113.9"]


def test_an_export_and_an_evidence_download_are_recorded(tracked_task, supervisor, liaison, client_for, media_root):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    progress, _ = actions.submit_report(
        tracked_task.pk,
        liaison,
        period="2026-01",
        percent=5,
        narrative="x",
        links=["https://a.cn/x"],
        at=bj(2026, 1, 20),
    )
    client = client_for(supervisor)
    assert client.get(f"/reports/{tracked_task.report_id}/export.xlsx").status_code == 200
    export = _events("export").get()
    assert (export.actor_id, export.model, export.object_id) == (
        supervisor.pk,
        "WorkReport",
        str(tracked_task.report_id),
    )
    assert export.address == "127.0.0.1" and export.new.endswith(".xlsx")
    evidence = progress.evidence.get()
    client.get(f"/evidence/{evidence.pk}/")
    download = _events("evidence").get()
    assert (download.actor_id, download.model, download.object_id) == (supervisor.pk, "Evidence", str(evidence.pk))


def test_user_password_and_token_changes_in_the_admin_are_recorded(government, liaison, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.cn", PASSWORD)
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{liaison.pk}/password/",
        {"password1": "Another-pass-2026", "password2": "Another-pass-2026", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content[:300]
    assert _events("password").get().object_id == str(liaison.pk)
    ApiToken.issue(liaison)
    token = ApiToken.objects.get()
    client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert not ApiToken.objects.exists()
    revoked = _events("token_revoke").get()
    assert (revoked.actor_id, revoked.object_id) == (admin.pk, str(token.pk))


def test_issuing_a_token_from_the_command_line_is_recorded(liaison):
    from django.core.management import call_command

    call_command("issue_token", "jiaoyu")
    issued = _events("token_issue").get()
    assert issued.actor_name == "命令行" and "jiaoyu" in issued.new
