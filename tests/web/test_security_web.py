"""Hostile input and session security: CSRF on every form, inert HTML and spreadsheet formulas, upload
checks through the web import, login throttling, password rules, session expiry, append-only audit."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from luoshi.accounts.models import ApiToken
from luoshi.audit.models import AuditEntry
from luoshi.tasks import actions as task_actions
from tests.web.conftest import PASSWORD
from tests.web.security_world import FORMULA, XSS, build_world, site_urls


@pytest.fixture
def world(tracked_task, liaison, co_liaison, outsider, supervisor, leader, media_root):
    return build_world(tracked_task, liaison, co_liaison, supervisor, leader)


@pytest.fixture
def hostile_world(tracked_task, liaison, co_liaison, outsider, supervisor, leader, media_root):
    task_actions.update_task(
        tracked_task.pk,
        supervisor,
        tracked_task.version,
        {"text": f"加大学前教育普及普惠力度{XSS}{FORMULA}", "task_force": XSS, "targets": FORMULA},
    )
    tracked_task.refresh_from_db()
    return build_world(tracked_task, liaison, co_liaison, supervisor, leader, narrative=f"{FORMULA}{XSS}")


# ------------------------------------------------------------------------------------------------ CSRF


@pytest.mark.parametrize("role", ["supervisor", "liaison", "leader"])
def test_every_post_without_a_csrf_token_is_refused_with_403(request, role, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(request.getfixturevalue(role))
    refused = []
    for url in site_urls(world):
        response = client.post(url, {"reason": "x", "decision": "accepted", "text": "x"})
        if response.status_code != 403:
            refused.append((url, response.status_code))
    assert refused == [], f"POST without a CSRF token was not refused: {refused}"


def test_the_login_form_also_needs_a_csrf_token(supervisor):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "ducha", "password": PASSWORD}).status_code == 403


# ------------------------------------------------------------------------------- script and formula text


def _cells_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "csv" in kind:
        text = content.decode("utf-8-sig")
        return [("csv", cell) for row in csv.reader(io.StringIO(text)) for cell in row]
    if "spreadsheet" in kind:
        book = openpyxl.load_workbook(io.BytesIO(content))
        return [(c.data_type, c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row]
    return None


@pytest.mark.parametrize("role", ["supervisor", "liaison", "leader"])
def test_script_and_formula_text_is_inert_on_every_page_and_export(request, role, hostile_world):
    client = Client()
    client.force_login(request.getfixturevalue(role))
    pages = exports = 0
    for url in site_urls(hostile_world):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200:
            continue
        cells = _cells_of(response)
        if cells is not None:
            exports += 1
            for data_type, value in cells:
                if isinstance(value, str) and "cmd|" in value:
                    # .xlsx: stored as a text cell, never a formula; .csv: prefixed so no program evaluates it
                    assert data_type != "f", f"{url}: a formula cell {value!r}"
                    if data_type == "csv":
                        assert not value.startswith(("=", "+", "-", "@")), f"{url}: a formula-leading cell {value!r}"
            continue
        if response.streaming:
            continue  # an evidence file download: the bytes the unit uploaded
        body = response.content.decode("utf-8", "replace")
        if "html" in response.get("Content-Type", ""):
            pages += 1
            assert XSS not in body, f"{url} renders the script unescaped"
    assert pages > 5
    if role != "leader":
        assert exports >= 1


# ----------------------------------------------------------------------------------------------- uploads


def test_a_docx_zip_bomb_is_refused_by_the_web_import(client, supervisor):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * 20_000_000)
    client.force_login(supervisor)
    upload = SimpleUploadedFile("报告.docx", buffer.getvalue())
    response = client.post("/reports/import/", {"upload": upload, "year": 2026})
    assert response.status_code == 400
    assert "压缩炸弹" in response.content.decode()
    assert not supervisor.government.reports.exists()


def test_a_program_renamed_to_docx_is_refused_by_the_web_import(client, supervisor):
    client.force_login(supervisor)
    upload = SimpleUploadedFile("报告.docx", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post("/reports/import/", {"upload": upload, "year": 2026})
    assert response.status_code == 400 and not supervisor.government.reports.exists()


def test_an_oversized_upload_is_refused(client, supervisor, settings):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 1000
    client.force_login(supervisor)
    upload = SimpleUploadedFile("报告.txt", "政府工作报告。".encode() * 500)
    response = client.post("/reports/import/", {"upload": upload, "year": 2026})
    assert response.status_code in (400, 413) and not supervisor.government.reports.exists()


# ------------------------------------------------------------------------------------ login throttling


def _login(client, password, address="10.0.0.8"):
    return client.post("/accounts/login/", {"username": "jiaoyu", "password": password}, REMOTE_ADDR=address)


def test_five_failed_logins_lock_the_account_with_a_chinese_message(liaison, settings):
    client = Client()
    for _ in range(settings.LUOSHI_LOGIN_FAILURES):
        assert _login(client, "wrong-password").status_code == 200
    locked = _login(client, PASSWORD)
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode() and int(locked["Retry-After"]) > 0
    # guessing spread over addresses is still guessing at one account (tests/web/test_identity.py)
    assert _login(Client(), PASSWORD, address="10.0.0.9").status_code == 429


def test_the_lock_ends_after_the_window_and_a_success_clears_the_count(liaison, settings):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(settings.LUOSHI_LOGIN_FAILURES):
            _login(client, "wrong-password")
        assert _login(client, PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=settings.LUOSHI_LOGIN_WINDOW_MINUTES + 1)):
        assert _login(client, PASSWORD).status_code == 302
        client.logout()
        for _ in range(settings.LUOSHI_LOGIN_FAILURES - 1):
            _login(client, "wrong-password")
        assert _login(client, PASSWORD).status_code == 302  # under the limit, and the count starts again
        client.logout()
        for _ in range(settings.LUOSHI_LOGIN_FAILURES - 1):
            _login(client, "wrong-password")
        assert _login(client, PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(supervisor, settings):
    client = Client()
    for _ in range(settings.LUOSHI_LOGIN_FAILURES):
        client.post("/admin/login/", {"username": "ducha", "password": "nope"}, REMOTE_ADDR="10.0.0.7")
    response = client.post("/admin/login/", {"username": "ducha", "password": "nope"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429


# -------------------------------------------------------------------------------- passwords and sessions


@pytest.mark.parametrize("password", ["short-1", "123456789012", "password1234", "jiaoyu2026"])
def test_weak_passwords_are_refused(liaison, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=liaison)


def test_a_long_uncommon_password_is_accepted(liaison):
    validate_password("海西-督办-Q7x!rain", user=liaison)


def test_a_session_lasts_eight_hours_and_ends_with_the_browser(liaison, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = _login(client, PASSWORD)
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
        assert client.get("/tasks/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=8, minutes=1), tick=False):
        response = client.get("/tasks/")
        assert response.status_code == 302 and "login" in response["Location"]


# ------------------------------------------------------------------------------------------ audit trail


def test_the_audit_trail_refuses_update_and_delete_through_the_orm(world):
    entry = AuditEntry.objects.first()
    assert entry is not None
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(new="篡改")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.new = "篡改"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).new != "篡改"


def test_the_audit_trail_cannot_be_changed_or_deleted_in_the_admin(world, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.gov.cn", "Root-pass-2026!")
    client = Client()
    client.force_login(admin)
    entry = AuditEntry.objects.first()
    base = f"/admin/audit/auditentry/{entry.pk}"
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{base}/change/", {"new": "篡改"})
    client.post(
        "/admin/audit/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert AuditEntry.objects.get(pk=entry.pk).new == entry.new
    assert client.get("/admin/audit/auditentry/add/").status_code == 403


# ------------------------------------------------------------------------------------- NUL characters


def test_a_nul_character_in_api_input_is_refused_with_400_not_500(world, client, supervisor, liaison):
    """PostgreSQL cannot store NUL in text; found by the API fuzzer (PATCH /api/tasks/{id})."""
    import json

    office = {"Authorization": f"Bearer {ApiToken.issue(supervisor)}"}
    unit = {"Authorization": f"Bearer {ApiToken.issue(liaison)}"}
    body = json.dumps({"version": world.task.version, "task_force": "专班\x00"})
    response = client.patch(f"/api/tasks/{world.task.pk}", body, content_type="application/json", headers=office)
    assert response.status_code == 400 and "空字符" in response.json()["detail"]
    report = json.dumps({"period": "2026-11", "percent": 50, "narrative": "进展\x00"})
    response = client.post(f"/api/tasks/{world.task.pk}/reports", report, content_type="application/json", headers=unit)
    assert response.status_code == 400
    assert client.get("/api/tasks?q=%00", headers=office).status_code == 400
    world.task.refresh_from_db()
    assert "\x00" not in world.task.task_force


def test_a_nul_character_in_a_page_query_string_is_refused_with_400(world, client, supervisor):
    client.force_login(supervisor)
    response = client.get("/tasks/?q=%00")
    assert response.status_code == 400
