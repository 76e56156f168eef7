"""When the database goes away (restart, fail-over, maintenance) clients get a clear, retryable answer:
503 with a Chinese message and Retry-After, never a 500; once it is back, requests succeed again."""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError

from luoshi.accounts.models import ApiToken
from tests.support import harness


def test_a_page_answers_503_with_retry_after_when_the_database_is_unreachable(client, liaison):
    client.force_login(liaison)
    with mock.patch("luoshi.access.visible_tasks", side_effect=OperationalError("connection refused")):
        response = client.get("/tasks/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0 and "数据库暂时不可用" in response.content.decode()


def test_the_api_answers_503_json_with_retry_after_when_the_database_is_unreachable(client, liaison):
    token = ApiToken.issue(liaison)
    with mock.patch("luoshi.access.visible_tasks", side_effect=OperationalError("server closed the connection")):
        response = client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503 and response["Retry-After"]
    assert response.json()["retryable"] is True and "稍后重试" in response.json()["detail"]


def _pg_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


def _throwaway_cluster_possible() -> bool:
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return os.geteuid() == 0 and bool(_pg_bin("initdb")) and bool(shutil.which("runuser"))


class Cluster:
    """A separate PostgreSQL cluster in a temporary directory on its own port (never the shared one)."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="luoshi-pg-"))  # pytest's tmp is closed to other accounts
        self.root.chmod(0o755)
        self.dir = self.root / "pgdata"
        self.port = harness.free_port()
        self.dir.mkdir()
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres([_pg_bin("initdb"), "-D", str(self.dir), "-A", "trust", "-U", "postgres", "-E", "UTF8"])

    def _as_postgres(self, args):
        result = subprocess.run(["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            [_pg_bin("pg_ctl"), "-D", str(self.dir), "-o", options, "-l", str(self.dir / "log"), "-w", "start"]
        )

    def stop(self, mode="immediate"):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", _pg_bin("pg_ctl"), "-D", str(self.dir), "-m", mode, "-w", "stop"],
            capture_output=True,
            timeout=60,
        )

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def admin_url(self):
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"


@pytest.mark.slow
@pytest.mark.skipif(not _throwaway_cluster_possible(), reason="needs root, a postgres account and initdb")
def test_restarting_postgresql_mid_service_gives_503_then_recovers(tmp_path):
    cluster = Cluster()
    cluster.start()
    server = None
    try:
        url = harness.create_database("luoshi_restart", cluster.admin_url)
        env = harness.server_env(url, tmp_path / "data", CONN_MAX_AGE=60)
        harness.manage(["migrate", "--no-input"], env)
        token = harness.seed_surge(env, units=2, tasks=2, out=tmp_path / "seed.json")["clients"][0]["token"]
        server = harness.Server(env, workers=1, log_path=tmp_path / "serve.log").start()
        client = harness.HttpClient(server.url, {"Authorization": f"Bearer {token}"})
        assert client.request("GET", "/api/tasks")[0] == 200

        cluster.stop("immediate")
        status, body = client.request("GET", "/api/tasks")
        assert status == 503, body[:300]
        assert "稍后重试" in json.loads(body)["detail"]
        status, body = client.request("GET", "/public/", headers={"Accept": "text/html"})
        assert status == 503 and "数据库暂时不可用" in body.decode()

        cluster.start()
        deadline = time.monotonic() + 20
        while True:
            status, _ = client.request("GET", "/api/tasks")
            if status == 200 or time.monotonic() > deadline:
                break
            assert status == 503
            time.sleep(0.5)
        assert status == 200
    finally:
        if server is not None:
            server.kill()
        cluster.stop("fast")
        cluster.remove()
