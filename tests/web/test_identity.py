"""Identity and login (等保 身份鉴别): the throttle against the resolved account and the client's address,
the password rules (complexity, history, expiry, forced change), the idle timeout and secure cookies.
Each test fails when its control is removed."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from luoshi import webcli

from .conftest import PASSWORD

STRONG = "Haixi-duban-2026"


def _login(client, username, password, address="10.0.0.8"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


# ------------------------------------------------------------------------------------------------ throttle


def test_every_spelling_of_a_username_counts_against_the_one_account(liaison, settings):
    spellings = [" jiaoyu", "JIAOYU", "ｊｉａｏｙｕ", "jiaoyu\u3000", "JiaoYu "]
    assert len(spellings) >= settings.LUOSHI_LOGIN_FAILURES
    for i, spelling in enumerate(spellings[: settings.LUOSHI_LOGIN_FAILURES]):
        assert _login(Client(), spelling, "wrong-password", address=f"10.0.1.{i}").status_code == 200
    # the right password, the plain spelling, a fresh address: the account is locked
    locked = _login(Client(), "jiaoyu", PASSWORD, address="10.0.2.1")
    assert locked.status_code == 429 and "该账号已被暂时锁定" in locked.content.decode()


def test_the_full_width_spelling_is_the_account_the_form_logs_in(liaison):
    assert _login(Client(), "ｊｉａｏｙｕ ", PASSWORD).status_code == 302


def test_failures_across_many_usernames_lock_the_address(liaison, settings):
    settings.LUOSHI_LOGIN_FAILURES_PER_ADDRESS = 6
    for i in range(6):
        assert _login(Client(), f"guess{i}", "wrong-password", address="10.9.9.9").status_code == 200
    locked = _login(Client(), "jiaoyu", PASSWORD, address="10.9.9.9")
    assert locked.status_code == 429 and "此地址" in locked.content.decode()
    assert _login(Client(), "jiaoyu", PASSWORD, address="10.9.9.10").status_code == 302


def test_failures_are_kept_as_long_as_the_audit(liaison, settings):
    from luoshi.ops.models import LoginFailure

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(Client(), "jiaoyu", "wrong-password")
    with time_machine.travel(start + datetime.timedelta(days=settings.LUOSHI_AUDIT_DAYS - 1), tick=False):
        _login(Client(), "nobody", "wrong-password")
        assert LoginFailure.objects.count() == 2
        assert LoginFailure.objects.filter(account=f"#{liaison.pk}").exists()
    with time_machine.travel(start + datetime.timedelta(days=settings.LUOSHI_AUDIT_DAYS + 1), tick=False):
        _login(Client(), "nobody", "wrong-password")
        assert LoginFailure.objects.count() == 2  # the first one is past the audit's period


# ----------------------------------------------------------------------------------------------- passwords


@pytest.mark.parametrize("password", ["haixi-duban-river", "HAIXI-DUBAN-RIVER", "haixiduban2026", "HaixiDubanRiver"])
def test_a_password_of_fewer_than_three_classes_is_refused(liaison, password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=liaison)
    assert "3 类" in " ".join(refused.value.messages)


def test_a_password_of_three_classes_is_accepted(liaison):
    validate_password(STRONG, user=liaison)
    validate_password("haixi-duban-2026x", user=liaison)


def test_the_last_five_passwords_may_not_be_reused(liaison, settings):
    assert settings.LUOSHI_PASSWORD_HISTORY == 5
    used = [f"Haixi-duban-{n}x" for n in range(6)]
    for password in used:
        liaison.set_password(password)
        liaison.save()
    for password in used[1:]:
        with pytest.raises(ValidationError) as refused:
            validate_password(password, user=liaison)
        assert "最近 5 次" in " ".join(refused.value.messages)
    validate_password(used[0], user=liaison)  # the sixth from last may come back


def test_an_expired_password_must_be_changed(client, liaison, settings):
    settings.LUOSHI_PASSWORD_MAX_DAYS = 90
    liaison.password_changed_at = timezone.now() - datetime.timedelta(days=91)
    liaison.save()
    client.force_login(liaison)
    response = client.get("/tasks/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert "90 天" in client.get("/accounts/password/").content.decode()
    settings.LUOSHI_PASSWORD_MAX_DAYS = 0  # off: single sign-on deployments
    assert client.get("/tasks/").status_code == 200


def test_a_forced_change_redirects_every_page_but_the_change_page_and_logout(liaison):
    liaison.must_change_password = True
    liaison.save()
    client = Client()
    assert _login(client, "jiaoyu", PASSWORD).status_code == 302
    for path in ["/", "/tasks/", "/inbox/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/", path
    assert client.get("/api/tasks", headers={"Accept": "application/json"}).status_code in (401, 403)
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and "首次登录" in page.content.decode()
    refused = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "simple", "new_password2": "simple"}
    )
    assert refused.status_code == 400
    changed = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG}
    )
    assert changed.status_code == 302
    liaison.refresh_from_db()
    assert not liaison.must_change_password and liaison.password_changed_at is not None
    assert client.get("/tasks/").status_code == 200  # still signed in after the change
    assert client.post("/accounts/logout/").status_code == 302


def test_logout_works_while_a_change_is_forced(liaison):
    liaison.must_change_password = True
    liaison.save()
    client = Client()
    client.force_login(liaison)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_an_account_made_or_reset_by_an_administrator_must_change_its_password(db, government):
    from luoshi.accounts.models import User

    admin = User.objects.create_superuser("installer", password=STRONG)
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "xinren", "password1": STRONG, "password2": STRONG, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="xinren")
    assert user.must_change_password
    user.must_change_password = False
    user.save()
    reset = client.post(
        f"/admin/accounts/user/{user.pk}/password/", {"password1": "Reset-pass-2026", "password2": "Reset-pass-2026"}
    )
    assert reset.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password


def test_the_demo_password_passes_the_validators(db):
    from luoshi.accounts.models import User

    for username, *_ in webcli.DEMO_USERS:
        validate_password(webcli.DEMO_PASSWORD, user=User(username=username))


# ----------------------------------------------------------------------------------------------- sessions


def test_an_idle_session_ends_after_the_idle_minutes(liaison, settings):
    assert settings.LUOSHI_SESSION_IDLE_MINUTES == 30
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(liaison)
        assert client.get("/tasks/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=20), tick=False):
        assert client.get("/tasks/").status_code == 200  # active: the idle clock starts again
    with time_machine.travel(start + datetime.timedelta(minutes=45), tick=False):
        assert client.get("/tasks/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=76), tick=False):
        response = client.get("/tasks/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert "_auth_user_id" not in client.session
        assert client.get("/tasks/").status_code == 302


def test_cookies_are_secure_whenever_served_over_tls(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECURE_COOKIES", "LUOSHI_TLS"}}
    env.update({"LUOSHI_DATA_DIR": str(tmp_path), "SECRET_KEY": "x" * 50})
    code = "import luoshi.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"

    def run(**extra):
        result = subprocess.run(
            [sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True, timeout=60
        )
        return result.stdout.strip()

    assert run(LUOSHI_TLS="1") == "True True"
    assert run() == "False False"
