"""Settings come from the environment with safe defaults."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def settings_in(env: dict) -> dict:
    code = (
        "import json, luoshi.settings as s; print(json.dumps({'key': s.SECRET_KEY, 'debug': s.DEBUG, "
        "'hosts': s.ALLOWED_HOSTS, 'db': str(s.DATABASES['default']['NAME']), "
        "'engine': s.DATABASES['default']['ENGINE'], 'max': s.LUOSHI_MAX_UPLOAD_BYTES, 'tz': s.TIME_ZONE, "
        "'lang': s.LANGUAGE_CODE}))"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG", "ALLOWED_HOSTS"}}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_defaults_are_safe_and_the_secret_key_is_generated_once(tmp_path):
    first = settings_in({"LUOSHI_DATA_DIR": str(tmp_path)})
    assert first["debug"] is False
    assert first["hosts"] == ["127.0.0.1", "localhost"]
    assert first["engine"].endswith("sqlite3") and first["db"] == str(tmp_path / "luoshi.sqlite3")
    assert first["max"] == 20 * 1024 * 1024
    assert (first["tz"], first["lang"]) == ("Asia/Shanghai", "zh-hans")
    assert len(first["key"]) >= 50
    assert (tmp_path / "secret_key").read_text().strip() == first["key"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert settings_in({"LUOSHI_DATA_DIR": str(tmp_path)})["key"] == first["key"]


def test_environment_variables_override_the_defaults(tmp_path):
    values = settings_in(
        {
            "LUOSHI_DATA_DIR": str(tmp_path),
            "SECRET_KEY": "from-the-environment",
            "DEBUG": "1",
            "ALLOWED_HOSTS": "ledger.example.gov.cn, 10.0.0.5",
            "DATABASE_URL": "postgresql://luoshi@db.internal:5432/luoshi",
            "LUOSHI_MAX_UPLOAD_BYTES": "1000",
        }
    )
    assert values["key"] == "from-the-environment" and values["debug"] is True
    assert values["hosts"] == ["ledger.example.gov.cn", "10.0.0.5"]
    assert values["engine"].endswith("postgresql") and values["db"] == "luoshi"
    assert values["max"] == 1000
    assert not (tmp_path / "secret_key").exists()


def test_serve_keeps_database_connections_and_runs_two_workers_a_core_plus_one(monkeypatch):
    from luoshi import webcli

    ran = {}

    def execv(path, command):
        ran["command"], ran["conn_max_age"] = command, os.environ.get("CONN_MAX_AGE")

    monkeypatch.setattr(webcli.os, "execv", execv)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("CONN_MAX_AGE", raising=False)
    monkeypatch.setattr(webcli.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    webcli.serve([])
    command = ran["command"]
    assert command[command.index("--workers") + 1] == "7" and ran["conn_max_age"] == "600"

    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("CONN_MAX_AGE", "0")  # an explicit choice is kept
    webcli.serve([])
    command = ran["command"]
    assert command[command.index("--workers") + 1] == "3" and ran["conn_max_age"] == "0"
