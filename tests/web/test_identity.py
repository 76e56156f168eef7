"""Identity and login (等保 身份鉴别): the throttle against the resolved account and the client's address,
the idle timeout and secure cookies.
Each test fails when its control is removed."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

import time_machine
from django.test import Client
from django.utils import timezone

from .conftest import PASSWORD


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
