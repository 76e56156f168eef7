"""Crash safety on PostgreSQL: `luoshi serve` is killed with SIGKILL in the middle of a surge of progress
reports and restarted. Every report whose submission was acknowledged (HTTP 2xx) is there, clients that
retry with their idempotency key get their report exactly once, and no partial record exists."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.request

import pytest

from tests.support import harness

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not harness.postgres_available(), reason="needs PostgreSQL at 127.0.0.1:5432"),
]


@pytest.fixture
def pg_server_env(tmp_path):
    url = harness.create_database("luoshi_crash")
    env = harness.server_env(url, tmp_path)
    try:
        harness.manage(["migrate", "--no-input"], env)
        yield env, url
    finally:
        harness.drop_database(url)


def test_reports_acknowledged_before_a_sigkill_survive_and_none_is_partial(pg_server_env, tmp_path):
    import psycopg

    env, url = pg_server_env
    seed = harness.seed_surge(env, units=16, tasks=8, out=tmp_path / "seed.json")
    server = harness.Server(env, workers=2, log_path=tmp_path / "serve.log").start()
    acknowledged: dict[str, int] = {}
    statuses: list[int] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + 120

    def client(entry):
        session = harness.HttpClient(server.url, {"Authorization": f"Bearer {entry['token']}"})
        for task_id in entry["tasks"]:
            key = f"crash-{task_id}"
            body = {
                "period": seed["period"],
                "percent": 40,
                "narrative": "按计划推进。",
                "links": ["https://example.gov.cn/a"],
            }
            while time.monotonic() < stop_at:  # a real client retries with the same key until it hears back
                try:
                    status, data = session.request(
                        "POST", f"/api/tasks/{task_id}/reports", body, headers={"Idempotency-Key": key}
                    )
                except (OSError, http.client.HTTPException):
                    time.sleep(0.2)
                    continue
                with lock:
                    statuses.append(status)
                if status in (200, 201):
                    with lock:
                        acknowledged[key] = json.loads(data)["id"]
                    break
                time.sleep(0.2)

    threads = [threading.Thread(target=client, args=(c,)) for c in seed["clients"]]
    for t in threads:
        t.start()
    total = sum(len(c["tasks"]) for c in seed["clients"])
    while len(acknowledged) < total // 3 and time.monotonic() < stop_at:
        time.sleep(0.01)
    before_kill = dict(acknowledged)
    assert len(before_kill) < total, "the surge ended before the kill; make it longer"
    server.kill()  # SIGKILL to master and workers, mid-surge
    time.sleep(1)
    with psycopg.connect(url) as conn:
        stored = dict(conn.execute("select idempotency_key, id from tracking_progressreport").fetchall())
    for key, report_id in before_kill.items():
        assert stored.get(key) == report_id, f"acknowledged report {key} lost in the crash"
    server.start()
    try:
        for t in threads:
            t.join(timeout=150)
        # the static files are served by `luoshi serve` itself (whitenoise), no separate step
        for asset in ("/static/admin/css/base.css", "/static/luoshi/luoshi.css"):
            with urllib.request.urlopen(server.url + asset, timeout=10) as r:
                assert r.status == 200 and r.read()
    finally:
        server.kill()
    assert len(acknowledged) == total, f"only {len(acknowledged)} of {total} reports acknowledged after restart"
    assert all(s < 500 for s in statuses), sorted(set(statuses))
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            """select r.idempotency_key, r.id, t.status,
                      (select count(*) from tracking_evidence e where e.progress_report_id = r.id),
                      (select count(*) from tracking_progressreport r2 where r2.task_id = r.task_id)
               from tracking_progressreport r join tasks_task t on t.id = r.task_id"""
        ).fetchall()
    assert len(rows) == total
    for key, report_id, status, evidence, per_task in rows:
        assert acknowledged[key] == report_id
        assert per_task == 1, f"{key}: {per_task} reports for one task"
        assert evidence == 1, f"{key}: partial report (evidence rows {evidence})"
        assert status == "in_progress", f"{key}: report stored but the task's status was not moved"
