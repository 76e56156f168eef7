"""Production settings: ``luoshi manage check --deploy`` is clean, and the security headers are sent."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "ledger.example.gov.cn",
    "LUOSHI_TLS": "1",
    "LUOSHI_BEHIND_PROXY": "1",
    "DEBUG": "0",
}


def _run(args, env, tmp_path):
    # the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env = {**base, "LUOSHI_DATA_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "manage", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_with_production_settings_has_no_warnings(tmp_path):
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_warns_when_tls_is_not_configured(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "LUOSHI_TLS"}
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode != 0 and "SECURE_HSTS_SECONDS" in result.stdout + result.stderr


def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert "max-age=31536000" in secure["Strict-Transport-Security"]
    assert secure["X-Frame-Options"] == "DENY" and secure["X-Content-Type-Options"] == "nosniff"
