"""Running `luoshi serve` for crash tests and benchmarks: a throwaway PostgreSQL database on the shared
server, the server in its own process group (so SIGKILL takes master and workers at once), and a wait
for /healthz. Test and benchmark tooling only; the application never imports it."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
CHECKOUT = Path(__file__).resolve().parents[2]  # so that `python -m tests.support...` finds the package


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_available(admin_url: str = DEFAULT_ADMIN_URL) -> bool:
    try:
        import psycopg

        with psycopg.connect(admin_url, connect_timeout=3):
            return True
    except Exception:
        return False


def create_database(prefix: str, admin_url: str = DEFAULT_ADMIN_URL) -> str:
    """A new empty database on the admin URL's server; returns its URL."""
    import psycopg

    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(url: str, admin_url: str = DEFAULT_ADMIN_URL) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(args: list[str], env: dict, timeout: float = 600) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"luoshi manage {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def seed_surge(env: dict, *, units: int, tasks: int, out, timeout: float = 600) -> dict:
    """Seed the database of ``env`` with ``tests.support.seed_surge``; returns what it wrote to ``out``."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.support.seed_surge",
            "--units",
            str(units),
            "--tasks",
            str(tasks),
            "--out",
            str(out),
        ],
        env=env,
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"seed_surge failed:\n{result.stdout}\n{result.stderr}")
    with open(out, encoding="utf-8") as fh:
        return json.load(fh)


def server_env(database_url: str, data_dir: str, **extra) -> dict:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "LUOSHI_DATA_DIR": str(data_dir),
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "ERROR",
        }
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Server:
    """`luoshi serve` in a subprocess of its own process group."""

    def __init__(self, env: dict, port: int | None = None, workers: int = 2, log_path=None):
        self.env = env
        self.port = port or free_port()
        self.workers = workers
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "luoshi.cli", "serve", "--port", str(self.port), "--workers", str(self.workers)],
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"luoshi serve exited with {self.proc.returncode}")
            with contextlib.suppress(OSError), urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError("luoshi serve did not answer /healthz in time")

    def kill(self, sig=signal.SIGKILL) -> None:
        """Kill master and workers at once (kill -9 of the whole process group)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()


class HttpClient:
    """A keep-alive HTTP/1.1 client on one connection (standard library only); reconnects after errors."""

    def __init__(self, base_url: str, headers: dict | None = None, timeout: float = 10):
        import http.client

        parts = urlsplit(base_url)
        self._factory = lambda: http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self.conn = None
        self.headers = headers or {}

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, bytes]:
        """(status, body); raises OSError (or http.client.HTTPException) when the server is unreachable."""
        import http.client
        import json

        if self.conn is None:
            self.conn = self._factory()
        payload = None if body is None else json.dumps(body).encode()
        all_headers = {**self.headers, **(headers or {})}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=payload, headers=all_headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        if response.will_close:
            self.conn.close()
            self.conn = None
        return response.status, data
