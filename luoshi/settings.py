"""The one settings module. Every deployment choice comes from an environment variable with a safe default.

LUOSHI_DATA_DIR            data directory (default ./luoshi-data): SQLite database and generated secret key
DATABASE_URL               e.g. postgresql://user@host:5432/luoshi (default SQLite in the data directory)
CONN_MAX_AGE               seconds a database connection is kept between requests (default 0; `luoshi serve`
                           sets 600 unless given)
SECRET_KEY                 (default: generated once and stored in the data directory)
DEBUG                      "1"/"true" to enable (default off)
ALLOWED_HOSTS              comma separated (default 127.0.0.1,localhost)
CSRF_TRUSTED_ORIGINS       comma separated origins behind a proxy (default none)
LUOSHI_MAX_UPLOAD_BYTES    largest accepted report or spreadsheet upload (default 20 MB)
LUOSHI_MAX_EVIDENCE_BYTES  largest accepted evidence file of a progress report (default 10 MB)
LUOSHI_MEDIA_DIR           where evidence files are stored (default <data dir>/media)
LUOSHI_SITE_URL            base address used in links of e-mails and webhooks (default http://127.0.0.1:8000)
LUOSHI_REMIND_DAYS         days before a report or deadline that a reminder goes out (default 3)
LUOSHI_ACKNOWLEDGE_DAYS    days after publishing within which a unit should acknowledge (default 3)
LUOSHI_WEBHOOK_TIMEOUT     seconds before a webhook call is abandoned and retried later (default 5)
LUOSHI_CSP                 the Content-Security-Policy header (default: only the site itself, no inline code)
LUOSHI_API_RATE            requests per client address to /api/ (default 120/min; empty: no limit)
LUOSHI_PUBLIC_RATE         requests per client address to the public pages and verdict links (default 60/min)
LUOSHI_WEBHOOK_ALLOW_PRIVATE  "1" to let webhooks reach loopback, private and link-local addresses (default off)
LUOSHI_DELIVERY_ATTEMPTS   attempts before a delivery is marked failed (default 5)
LUOSHI_RETRY_BASE_SECONDS  first retry delay; doubled on each further attempt (default 300)
LUOSHI_REMINDER_INTERVAL   seconds between runs of `send_reminders --loop` (default 86400)
LUOSHI_PROPOSAL_REPLY_MONTHS  months from 交办 to a suggestion's or proposal's reply (default 3)
LUOSHI_PROPOSAL_MAX_MONTHS    longest handling time the office may give a complex one (default 6)
LUOSHI_PROPOSAL_OPINION_DAYS  days from 交办 within which 会办 units send their opinion (default 30)
LUOSHI_PROPOSAL_REDO_MONTHS   months given for 再次办理 after an author's 不满意 (default 1)
LUOSHI_VERDICT_LINK_DAYS      days an author's verdict link works (default 60)
EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_TIMEOUT,
DEFAULT_FROM_EMAIL         SMTP for notifications (defaults: localhost:25, no auth, 10 s, luoshi@localhost)
LUOSHI_TLS                 "1" when users reach the site over HTTPS: secure cookies, HSTS, redirect to https (default off)
LUOSHI_HSTS_SECONDS        HSTS max-age when LUOSHI_TLS is on (default 31536000, one year)
LUOSHI_BEHIND_PROXY        "1" when a reverse proxy terminates TLS and sets X-Forwarded-Proto (default off)
LUOSHI_SESSION_HOURS       a login lasts this many hours, and ends when the browser closes (default 8)
LUOSHI_LOGIN_FAILURES      failed logins of one account (every spelling, from any address) before a lock-out (default 5)
LUOSHI_LOGIN_FAILURES_PER_ADDRESS  failed logins from one client address, whatever the usernames, before a lock-out
                           (default 20)
LUOSHI_LOGIN_WINDOW_MINUTES  window of counted failures and length of the lock-out (default 15)
LUOSHI_PASSWORD_MIN_LENGTH shortest accepted password (default 10); it must also mix three of upper case, lower
                           case, digits and symbols
LUOSHI_PASSWORD_HISTORY    a new password may not be one of the account's last N (default 5)
LUOSHI_PASSWORD_MAX_DAYS   a password expires after this many days and must be changed (default 0: never, for
                           single sign-on deployments)
LUOSHI_SESSION_IDLE_MINUTES  a login ends after this many minutes without a request (default 30)
LUOSHI_AUDIT_DAYS          days the audit trail and failed logins are kept (default 180)
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("LUOSHI_DATA_DIR") or "luoshi-data").resolve()


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"secret_key.{os.getpid()}.part")
        tmp.write_text(secrets.token_urlsafe(50))
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("DEBUG")
ALLOWED_HOSTS = _list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS", "")

LUOSHI_MAX_UPLOAD_BYTES = int(os.environ.get("LUOSHI_MAX_UPLOAD_BYTES") or 20 * 1024 * 1024)
# Django refuses request bodies above this; uploads are streamed to disk above the memory limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = LUOSHI_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000

LUOSHI_MAX_EVIDENCE_BYTES = int(os.environ.get("LUOSHI_MAX_EVIDENCE_BYTES") or 10 * 1024 * 1024)
MEDIA_ROOT = Path(os.environ.get("LUOSHI_MEDIA_DIR") or DATA_DIR / "media")
MEDIA_URL = "/media/"  # never served directly: evidence is downloaded through an access-checked view
LUOSHI_SITE_URL = (os.environ.get("LUOSHI_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
LUOSHI_REMIND_DAYS = int(os.environ.get("LUOSHI_REMIND_DAYS") or 3)
LUOSHI_ACKNOWLEDGE_DAYS = int(os.environ.get("LUOSHI_ACKNOWLEDGE_DAYS") or 3)
LUOSHI_WEBHOOK_TIMEOUT = float(os.environ.get("LUOSHI_WEBHOOK_TIMEOUT") or 5)
LUOSHI_WEBHOOK_ALLOW_PRIVATE = os.environ.get("LUOSHI_WEBHOOK_ALLOW_PRIVATE", "").lower() in ("1", "true", "yes")
LUOSHI_DELIVERY_ATTEMPTS = int(os.environ.get("LUOSHI_DELIVERY_ATTEMPTS") or 5)
LUOSHI_RETRY_BASE_SECONDS = int(os.environ.get("LUOSHI_RETRY_BASE_SECONDS") or 300)
LUOSHI_REMINDER_INTERVAL = int(os.environ.get("LUOSHI_REMINDER_INTERVAL") or 86400)
LUOSHI_PROPOSAL_REPLY_MONTHS = int(os.environ.get("LUOSHI_PROPOSAL_REPLY_MONTHS") or 3)
LUOSHI_PROPOSAL_MAX_MONTHS = int(os.environ.get("LUOSHI_PROPOSAL_MAX_MONTHS") or 6)
LUOSHI_PROPOSAL_OPINION_DAYS = int(os.environ.get("LUOSHI_PROPOSAL_OPINION_DAYS") or 30)
LUOSHI_PROPOSAL_REDO_MONTHS = int(os.environ.get("LUOSHI_PROPOSAL_REDO_MONTHS") or 1)
LUOSHI_VERDICT_LINK_DAYS = int(os.environ.get("LUOSHI_VERDICT_LINK_DAYS") or 60)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS")
EMAIL_USE_SSL = _flag("EMAIL_USE_SSL")
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT") or 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "luoshi@localhost"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "luoshi.audit",
    "luoshi.accounts",
    "luoshi.reports",
    "luoshi.tasks",
    "luoshi.tracking",
    "luoshi.proposals",
    "luoshi.projects",
    "luoshi.dashboards",
    "luoshi.public",
    "luoshi.ops",
]

# Requests per client address ("N/s|min|h", empty: no limit; ``luoshi.ops.ratelimit``).
LUOSHI_API_RATE = os.environ.get("LUOSHI_API_RATE", "120/min")
LUOSHI_PUBLIC_RATE = os.environ.get("LUOSHI_PUBLIC_RATE", "60/min")
# The Content-Security-Policy of every page (``luoshi.ops.middleware``); empty turns it off.
LUOSHI_CSP = os.environ.get("LUOSHI_CSP") or (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "luoshi.ops.middleware.ContentSecurityPolicyMiddleware",
    "luoshi.ops.ratelimit.RateLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "luoshi.ops.middleware.LoginThrottleMiddleware",
    "luoshi.ops.middleware.IdleSessionMiddleware",
    "luoshi.ops.middleware.PasswordPolicyMiddleware",
    "luoshi.ops.middleware.RejectNulMiddleware",
    "luoshi.ops.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "luoshi.urls"
WSGI_APPLICATION = "luoshi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],  # the project's templates ship inside the package
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "luoshi.tracking.context_processors.inbox",
            ],
        },
    }
]
STATICFILES_DIRS = [BASE_DIR / "static"]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'luoshi.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE") or 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LUOSHI_PASSWORD_MIN_LENGTH = int(os.environ.get("LUOSHI_PASSWORD_MIN_LENGTH") or 10)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": LUOSHI_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "luoshi.accounts.passwords.ComplexityValidator"},
    {"NAME": "luoshi.accounts.passwords.HistoryValidator"},
]
LUOSHI_PASSWORD_HISTORY = int(os.environ.get("LUOSHI_PASSWORD_HISTORY") or 5)
LUOSHI_PASSWORD_MAX_DAYS = int(os.environ.get("LUOSHI_PASSWORD_MAX_DAYS") or 0)
# Login throttling (luoshi.ops): failures are counted in the database so every gunicorn worker sees them.
LUOSHI_LOGIN_FAILURES = int(os.environ.get("LUOSHI_LOGIN_FAILURES") or 5)
LUOSHI_LOGIN_WINDOW_MINUTES = int(os.environ.get("LUOSHI_LOGIN_WINDOW_MINUTES") or 15)
LUOSHI_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LUOSHI_LOGIN_FAILURES_PER_ADDRESS") or 20)
LUOSHI_AUDIT_DAYS = int(os.environ.get("LUOSHI_AUDIT_DAYS") or 180)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# `luoshi manage collectstatic` target. A read-only data directory is fine: files are still served
# from the package (WHITENOISE_USE_FINDERS).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or DATA_DIR / "static")
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve from the package without a collectstatic step (demo, small installs)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(float(os.environ.get("LUOSHI_SESSION_HOURS") or 8) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LUOSHI_SESSION_IDLE_MINUTES = int(os.environ.get("LUOSHI_SESSION_IDLE_MINUTES") or 30)
LUOSHI_TLS = _flag("LUOSHI_TLS")
SESSION_COOKIE_SECURE = LUOSHI_TLS or _flag("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if LUOSHI_TLS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe may speak plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("LUOSHI_HSTS_SECONDS") or 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("LUOSHI_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _flag("LUOSHI_HSTS_PRELOAD", True)
if _flag("LUOSHI_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
