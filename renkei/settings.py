"""Renkei settings: one file, driven by environment variables.

Production differs from the demo only by environment values (RENKEI_*, DATABASE_URL).
"""

from __future__ import annotations

import mimetypes
import os
import secrets
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from renkei.core.private_files import ensure_private_dir, write_private

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = ensure_private_dir(Path(os.environ.get("RENKEI_DATA_DIR") or PROJECT_DIR / "var").resolve())
DEBUG = env_bool("RENKEI_DEBUG", False)


def _secret_key() -> str:
    """Read the key from the environment, else keep a generated one in DATA_DIR (embedded mode)."""
    if key := os.environ.get("RENKEI_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    if env_bool("RENKEI_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("RENKEI_SECRET_KEY must be set")
    key = secrets.token_urlsafe(50)
    write_private(path, key)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("RENKEI_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("RENKEI_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves Swagger UI and ReDoc from the package's static files (no CDN)
    "django_tasks",
    "django_tasks_db",
    "renkei.core",
    "renkei.jobs",
    "renkei.accounts",
    "renkei.importing",
    "renkei.organisations",
    "renkei.networks",
    "renkei.taxonomy",
    "renkei.catalog",
    "renkei.partnerships",
    "renkei.matching",
    "renkei.indicators",
    "renkei.formats",
    "renkei.portal",
    "renkei.api",
    "renkei.demo",
]

MIDDLEWARE = [
    "renkei.core.middleware.RequestWriteWaitMiddleware",
    # Security headers above WhiteNoise, so that static files carry them too.
    "django.middleware.security.SecurityMiddleware",
    "renkei.core.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "renkei.core.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "renkei.urls"
WSGI_APPLICATION = "renkei.wsgi.application"
ASGI_APPLICATION = "renkei.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            "builtins": ["renkei.core.templatetags.renkei"],
        },
    }
]

# --- Database: SQLite embedded by default, PostgreSQL through DATABASE_URL -----------------
_sqlite_path = DATA_DIR / "renkei.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{_sqlite_path}",
        conn_max_age=int(os.environ.get("RENKEI_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend plus retries for the write lock and a 0600 database file (renkei.core.sqlite_backend).
    DATABASES["default"]["ENGINE"] = "renkei.core.sqlite_backend"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",  # every transaction takes the write lock at BEGIN, or waits for it
        # seconds SQLite waits for the lock at each attempt (the drill lowers it to provoke retries)
        "timeout": float(os.environ.get("RENKEI_SQLITE_TIMEOUT", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("RENKEI_TEST_SQLITE") or None}

# Seconds a writer waits for SQLite's write lock in all, retries included (renkei.core.write_wait):
# a request then gets a "busy, try again" page (503); commands and tasks wait longer.
WRITE_WAIT = {
    "request": float(os.environ.get("RENKEI_WRITE_WAIT_REQUEST", "60")),
    "other": float(os.environ.get("RENKEI_WRITE_WAIT", "300")),
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Every sign-in goes through the limits on guessing (renkei.accounts.login_limits): after 10 failures
# within 15 minutes for an account or from an address, attempts are refused until they age out.
AUTHENTICATION_BACKENDS = ["renkei.accounts.backends.LimitedModelBackend"]
LOGIN_LIMITS = {
    "failures": int(os.environ.get("RENKEI_LOGIN_FAILURES", "10")),
    "window": int(os.environ.get("RENKEI_LOGIN_WINDOW", str(15 * 60))),
}

# --- Languages: Japanese first, English throughout -------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------------------
mimetypes.add_type("application/geo+json", ".geojson")
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static", ("leaflet", xstatic.pkg.leaflet.BASE_DIR)]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even when serving from finders
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = env_bool("RENKEI_STATIC_FINDERS", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security (check --deploy passes when RENKEI_HTTPS=1) ----------------------------------------
HTTPS = env_bool("RENKEI_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("RENKEI_BEHIND_PROXY", False)  # also: the client's address is X-Forwarded-For's last
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (renkei.core.middleware; the shape of Django 6's setting). Everything comes
# from this site: no CDN, no inline script or style (JSON-LD and json_script blocks are data, not run),
# no eval. The map's outlines are our own files; its icons are CSS.
SECURE_CSP: dict[str, list[str] | bool] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "upgrade-insecure-requests": HTTPS,
}
SESSION_COOKIE_HTTPONLY = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Background jobs (django-tasks): one system for all long work ---------------------------------
# RENKEI_TASKS_BACKEND=database (default): tasks wait in this database; `renkei worker` runs them, no
# server needed. =redis: the same tasks go through Redis (RQ) at RENKEI_REDIS_URL, for several machines;
# `renkei worker` then runs an RQ worker. =immediate runs each task inside the request (tests, debugging).
TASKS_BACKEND = os.environ.get("RENKEI_TASKS_BACKEND", "database").strip().lower() or "database"
REDIS_URL = os.environ.get("RENKEI_REDIS_URL") or "redis://127.0.0.1:6379/0"
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"RENKEI_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
if TASKS_BACKEND == "redis":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 3600}}
# a running job with no sign of life for this long has lost its worker and may be run again
RENKEI_JOB_STALL_SECONDS = float(os.environ.get("RENKEI_JOB_STALL_SECONDS") or 60)
# `renkei prune_jobs` (daily) forgets jobs that finished more than this many days ago
RENKEI_JOB_KEEP_DAYS = int(os.environ.get("RENKEI_JOB_KEEP_DAYS") or 90)
# the largest file the web import page accepts (a worker holds 2.5-4 times it while planning; ADR 0006)
if os.environ.get("RENKEI_IMPORT_MAX_UPLOAD_MB"):
    RENKEI_IMPORT_LIMITS = {
        "max_upload_bytes": int(float(os.environ["RENKEI_IMPORT_MAX_UPLOAD_MB"]) * 1048576)
    }

# --- API: throttling (renkei.api.throttling) -----------------------------------------------------
# Requests per caller: per API token, per signed-in user, per address for anonymous callers, and failed
# token checks per address. The history lives in the "throttle" cache (per process by default: give it
# a shared backend when several processes serve the API).
RENKEI_API_RATES = {
    "token": os.environ.get("RENKEI_API_RATE_TOKEN", "1200/min"),
    "user": os.environ.get("RENKEI_API_RATE_USER", "1200/min"),
    "address": os.environ.get("RENKEI_API_RATE_ADDRESS", "600/min"),
    "failure": os.environ.get("RENKEI_API_RATE_FAILURE", "30/min"),
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "renkei-default"},
    "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "renkei-throttle"},
}

# Reference data outside the repository (../shared/data); tests skip when it is absent.
SHARED_DATA_DIR = Path(os.environ.get("RENKEI_SHARED_DATA") or PROJECT_DIR.parent / "shared" / "data")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RENKEI_LOG_LEVEL", "WARNING")},
}

# Where people reach the site, for the links in e-mails (no trailing slash)
RENKEI_SITE_URL = (
    os.environ.get("RENKEI_SITE_URL") or f"http://localhost:{os.environ.get('PORT') or 8000}"
).rstrip("/")
# Partnership agreement expiry alerts (`renkei send_alerts`, run daily): lead times in days, and where
# the e-mails go. The console backend (the default) prints them, as the demo wants.
RENKEI_AGREEMENT_ALERT_DAYS = tuple(int(d) for d in env_list("RENKEI_AGREEMENT_ALERT_DAYS", "180,90,30"))
EMAIL_BACKEND = os.environ.get("RENKEI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("RENKEI_FROM_EMAIL", "renkei@localhost")
RENKEI_ALERTS_FALLBACK_EMAIL = os.environ.get("RENKEI_ALERTS_FALLBACK_EMAIL", "partnerships@localhost")
