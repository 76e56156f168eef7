"""The month-end surge: N units (default 300) submit the progress reports of all their tasks within
minutes, through the API of `luoshi serve` on PostgreSQL; and, on the same server in the same run, a
minimal view (/healthz) as the framework's ceiling.

    python benchmarks/month_end.py [--units 300] [--tasks 5] [--clients 50] [--workers 4] [--threads 1]

A throwaway database is created on ADMIN_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
migrated and seeded (`python -m tests.support.seed_surge`), and dropped afterwards (``--keep`` keeps it). Each client
thread plays some units: for every task it POSTs /api/tasks/{id}/reports with a bearer token and an
Idempotency-Key, retrying on a connection error. "lost" counts reports acknowledged with a 2xx but
missing from the database afterwards. The last line is key=value figures; ``ratio`` is luoshi's
throughput divided by the ceiling's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import harness  # noqa: E402


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_clients(n_clients, work, server_url):
    """Run ``work(client, item)`` over the items of each client's queue; returns (latencies, errors, seconds)."""
    latencies, errors = [], []
    lock = threading.Lock()

    def worker(items):
        local_lat, local_err = [], []
        http = harness.HttpClient(server_url, timeout=30)
        for item in items:
            start = time.perf_counter()
            try:
                ok, detail = work(http, item)
            except Exception as exc:
                ok, detail = False, repr(exc)
            local_lat.append((time.perf_counter() - start) * 1000)
            if not ok:
                local_err.append(detail)
        with lock:
            latencies.extend(local_lat)
            errors.extend(local_err)

    queues = [[] for _ in range(n_clients)]
    return queues, worker, latencies, errors


def drive(queues, worker):
    threads = [threading.Thread(target=worker, args=(q,)) for q in queues]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--tasks", type=int, default=5, help="tasks per unit")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread when > 1)")
    parser.add_argument(
        "--ceiling-requests", type=int, default=0, help="requests to /healthz (default: as many as reports)"
    )
    parser.add_argument("--admin-url", default=os.environ.get("ADMIN_URL", harness.DEFAULT_ADMIN_URL))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)

    import psycopg

    data_dir = Path(tempfile.mkdtemp(prefix="luoshi-month-end-"))
    url = harness.create_database("luoshi_month_end", args.admin_url)
    extra = {"CONN_MAX_AGE": 600}
    if args.threads > 1:
        extra["GUNICORN_CMD_ARGS"] = f"--threads {args.threads} --worker-class gthread"
    env = harness.server_env(url, data_dir, **extra)
    server = None
    try:
        t0 = time.perf_counter()
        harness.manage(["migrate", "--no-input"], env)
        seed = harness.seed_surge(env, units=args.units, tasks=args.tasks, out=data_dir / "seed.json")
        print(
            f"seeded units={args.units} tasks={args.units * args.tasks} in {time.perf_counter() - t0:.1f}s", flush=True
        )
        server = harness.Server(env, workers=args.workers, log_path=data_dir / "serve.log").start()

        # ceiling: the minimal view on the same server
        total_reports = sum(len(c["tasks"]) for c in seed["clients"])
        n_ceiling = args.ceiling_requests or total_reports

        def healthz(http, _):
            status, body = http.request("GET", "/healthz")
            return status == 200 and body == b"ok", status

        queues, worker, ceil_lat, ceil_err = run_clients(args.clients, healthz, server.url)
        for i in range(n_ceiling):
            queues[i % args.clients].append(i)
        drive(queues, worker)  # warm-up of workers and connections
        queues, worker, ceil_lat, ceil_err = run_clients(args.clients, healthz, server.url)
        for i in range(n_ceiling):
            queues[i % args.clients].append(i)
        ceil_seconds = drive(queues, worker)
        ceiling = n_ceiling / ceil_seconds
        print(
            f"ceiling /healthz: {ceiling:.0f} req/s p50={percentile(ceil_lat, 50):.1f}ms "
            f"p95={percentile(ceil_lat, 95):.1f}ms errors={len(ceil_err)}",
            flush=True,
        )

        # the surge: every unit reports on all its tasks
        acknowledged: dict[str, int] = {}
        ack_lock = threading.Lock()
        period = seed["period"]

        def submit(http, item):
            token, task_id = item
            key = f"month-end-{task_id}"
            body = {"period": period, "percent": 60, "narrative": "本月按计划推进, 完成年度目标的六成。"}
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
            for _attempt in range(3):
                try:
                    status, data = http.request("POST", f"/api/tasks/{task_id}/reports", body, headers)
                except OSError as exc:
                    last = repr(exc)
                    continue
                if status in (200, 201):
                    with ack_lock:
                        acknowledged[key] = json.loads(data)["id"]
                    return True, status
                return False, f"{status} {data[:200]!r}"
            return False, last

        queues, worker, lat, errors = run_clients(args.clients, submit, server.url)
        for i, client in enumerate(seed["clients"]):
            for task_id in client["tasks"]:
                queues[i % args.clients].append((client["token"], task_id))
        seconds = drive(queues, worker)
        throughput = total_reports / seconds
        with psycopg.connect(url) as conn:
            stored = dict(conn.execute("select idempotency_key, id from tracking_progressreport").fetchall())
        lost = sum(1 for key, rid in acknowledged.items() if stored.get(key) != rid)
        if errors:
            print("first errors:", errors[:3], flush=True)
        p50, p95, p99 = (percentile(lat, p) for p in (50, 95, 99))
        print(
            f"surge: {total_reports} reports from {args.units} units in {seconds:.1f}s by {args.clients} clients "
            f"({args.workers} workers x {args.threads} threads)",
            flush=True,
        )
        print(
            f"reports={total_reports} clients={args.clients} workers={args.workers} seconds={seconds:.2f} "
            f"throughput_rps={throughput:.1f} p50_ms={p50:.1f} p95_ms={p95:.1f} p99_ms={p99:.1f} "
            f"errors={len(errors)} lost={lost} stored={len(stored)} ceiling_rps={ceiling:.1f} "
            f"ceiling_p95_ms={percentile(ceil_lat, 95):.1f} ratio={throughput / ceiling:.2f}"
        )
    finally:
        if server is not None:
            server.kill()
        if not args.keep:
            harness.drop_database(url, args.admin_url)
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
