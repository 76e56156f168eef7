"""等保 level 3, 安全审计 (docs/security.md, "Audit"): security events are recorded with who, when and from
where; the trail is append-only in the database itself, survives a user's deletion, is chained so that
``verify_audit`` finds a removed or altered row; the audit administrator searches and exports it."""

from __future__ import annotations

import csv
import io
import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client
from django.utils import timezone

from luoshi.accounts.models import ApiToken
from luoshi.audit import guard, security
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


# ------------------------------------------------------------------------------- append-only, in the database


def _refused(sql: str, params: list) -> None:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    assert "审计记录只能追加" in str(refused.value)


def test_the_database_refuses_update_and_delete_of_the_trail_by_raw_sql(education_task):
    entry = AuditEntry.objects.filter(task=education_task).first()
    assert entry is not None
    _refused("UPDATE tasks_auditentry SET new = %s WHERE id = %s", ["篡改", entry.pk])
    _refused("DELETE FROM tasks_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).new == entry.new


def test_deleting_a_user_a_matter_and_a_ledger_keeps_their_entries_and_the_actors_name(education_task, supervisor):
    task_entries = AuditEntry.objects.filter(task=education_task).count()
    mine = AuditEntry.objects.filter(actor=supervisor).count()
    assert task_entries and mine
    report = education_task.report
    user_pk, task_pk, report_pk = supervisor.pk, education_task.pk, report.pk
    report.delete()
    supervisor.delete()
    assert AuditEntry.objects.filter(task_id=task_pk).count() == task_entries
    assert AuditEntry.objects.filter(report_id=report_pk).exists()
    kept = AuditEntry.objects.filter(actor_id=user_pk)
    assert kept.count() == mine and set(kept.values_list("actor_name", flat=True)) == {"督查员"}
    first = AuditEntry.objects.select_related("actor").get(pk=kept.first().pk)
    assert first.actor is None and first.actor_name == "督查员"


def test_a_matters_history_names_a_deleted_actor(education_task, supervisor):
    from luoshi.audit import history

    supervisor.delete()
    names = {str(row["actor"]) for row in history.of_task(education_task) if row["actor"] is not None}
    assert "督查员" in names


# ------------------------------------------------------------------------------------------------ the chain


def _verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exit:
        return int(exit.code or 0), err.getvalue()
    return 0, out.getvalue()


def _tamper(sql: str, params: list) -> None:
    guard.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        guard.install(connection)


def test_verify_audit_passes_an_intact_trail_and_names_an_altered_row(education_task):
    count = AuditEntry.objects.count()
    assert count > 3
    assert _verify() == (0, f"审计记录完整: {count} 条\n")
    entry = AuditEntry.objects.order_by("seq")[2]
    _tamper("UPDATE tasks_auditentry SET new = %s WHERE id = %s", ["篡改", entry.pk])
    code, line = _verify()
    assert code == 1 and f"第 {entry.seq} 条 (编号 {entry.pk})" in line and "篡改" in line


def test_verify_audit_names_the_row_after_a_removed_one(education_task):
    removed, after = AuditEntry.objects.order_by("seq")[1:3]
    _tamper("DELETE FROM tasks_auditentry WHERE id = %s", [removed.pk])
    code, line = _verify()
    assert code == 1 and f"编号 {after.pk}" in line and "删除" in line


def test_the_chain_numbers_entries_without_a_gap_and_links_each_to_the_one_before(education_task, supervisor):
    security.event(None, "export", actor=supervisor, detail="x")
    rows = list(AuditEntry.objects.order_by("seq").values_list("seq", "chain"))
    assert [seq for seq, _ in rows] == list(range(1, len(rows) + 1))
    assert len({value for _, value in rows}) == len(rows)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain_on_postgresql(government, supervisor):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer at a time; the advisory lock is PostgreSQL's")
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    security.event(None, "export", actor=supervisor, detail=f"{n}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _verify()[0] == 0
    assert AuditEntry.objects.filter(kind="export").count() == 60


# ------------------------------------------------------------------------------- the audit administrator's page


@pytest.fixture
def auditor(government):
    from django.contrib.auth.models import Permission

    from tests.web.conftest import _user

    user = _user(government, "shenji", "viewer", None, "审计", "员")
    user.user_permissions.add(Permission.objects.get(codename="view_auditentry", content_type__app_label="audit"))
    return user


def test_the_auditor_searches_the_trail_and_exports_it_formula_safe(auditor, supervisor, client_for):
    security.event(None, "export", actor=supervisor, detail='=HYPERLINK("http://x")')
    security.event(None, "login_failed", actor_name="mallory", detail="用户名 mallory")
    client = client_for(auditor)
    page = client.get("/audit/", {"actor": "督查", "kind": "export"})
    assert page.status_code == 200
    assert [e.kind for e, _ in page.context["rows"]] == ["export"]
    assert "mallory" not in page.content.decode()
    today = timezone.localdate().isoformat()
    assert len(client.get("/audit/", {"start": today, "end": today, "kind": "login_failed"}).context["rows"]) == 1
    assert not client.get("/audit/", {"end": "2000-01-01"}).context["rows"]
    exported = client.get("/audit/export.csv", {"kind": "export"})
    text = exported.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == "序号" and len(lines) == 2
    assert lines[1][-1] == '\'=HYPERLINK("http://x")' and lines[1][2] == "督查员"
    assert AuditEntry.objects.get(kind="export", actor=auditor).new == "audit.csv kind=export"  # exporting is audited


def test_the_audit_pages_answer_404_to_everyone_else(supervisor, leader, liaison, client_for, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.cn", PASSWORD)
    for user in (supervisor, leader, liaison, root):
        client = client_for(user)
        assert client.get("/audit/").status_code == 404, user
        assert client.get("/audit/export.csv").status_code == 404, user
    assert Client().get("/audit/").status_code == 302


def test_an_api_tokens_use_is_recorded_once_a_minute_with_the_address(liaison):
    key = ApiToken.issue(liaison)
    client = Client(REMOTE_ADDR="10.9.8.7")
    for _ in range(3):
        assert client.get("/api/tasks", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    used = _events("token_use").get()
    assert (used.actor_id, used.address, used.model) == (liaison.pk, "10.9.8.7", "ApiToken")
