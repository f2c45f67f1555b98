"""Django settings. Everything configurable comes from the environment via domeinwacht.config."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from domeinwacht import config as dwconfig

SETTINGS = dwconfig.load()
BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = SETTINGS.data_dir

SECRET_KEY = dwconfig.config(
    "DJANGO_SECRET_KEY",
    "insecure-development-key-change-me-in-production-0123456789",
    "Django secret key; set a long random value in production.",
)
DEBUG = dwconfig.config_bool("DJANGO_DEBUG", False, "Django debug mode.")
ALLOWED_HOSTS = [
    h.strip()
    for h in dwconfig.config(
        "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]", "Comma-separated host names served."
    ).split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "domeinwacht.web.register",
    "domeinwacht.web.measurements",
    "domeinwacht.web.api",
    "domeinwacht.web.findings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "domeinwacht.web.urls"
WSGI_APPLICATION = "domeinwacht.web.wsgi.application"

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
            ]
        },
    }
]

DATABASES = {"default": dj_database_url.parse(SETTINGS.database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several writers (the worker processes of `measure --workers N`, the web app next to a run): wait for the
    # lock instead of failing, take it at the start of a transaction (no deadlocked read->write upgrades), and
    # let readers go on while a batch is written (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 60,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Domeinwacht API",
    "DESCRIPTION": "Government domains, their owners and their security measurements.",
    "VERSION": "1",
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The core's scanning guard, mirrored here for web-submitted domains.
DOMEINWACHT_ALLOW_NON_PUBLIC = SETTINGS.allow_non_public

# --- Monitoring: findings and alerts (domeinwacht.web.findings; docs/MONITOR.md) ---------------------------------
MONITOR_OPEN_AFTER = int(
    dwconfig.config("DOMEINWACHT_MONITOR_OPEN_AFTER", "2", "Failing measurements before a finding opens.")
)
MONITOR_CLOSE_AFTER = int(
    dwconfig.config("DOMEINWACHT_MONITOR_CLOSE_AFTER", "2", "Passing measurements before a finding is fixed.")
)
MONITOR_LANGUAGE = dwconfig.config("DOMEINWACHT_MONITOR_LANGUAGE", "nl", "Language of alert mails: nl or en.")
MONITOR_SMTP_HOST = dwconfig.config("DOMEINWACHT_SMTP_HOST", "127.0.0.1", "SMTP server for alert mail.")
MONITOR_SMTP_PORT = int(dwconfig.config("DOMEINWACHT_SMTP_PORT", "25", "Port of the SMTP server."))
MONITOR_SMTP_STARTTLS = dwconfig.config_bool("DOMEINWACHT_SMTP_STARTTLS", False, "Use STARTTLS to the SMTP server.")
MONITOR_SMTP_USER = dwconfig.config("DOMEINWACHT_SMTP_USER", "", "SMTP login (empty: none).")
MONITOR_SMTP_PASSWORD = dwconfig.config("DOMEINWACHT_SMTP_PASSWORD", "", "SMTP password.")
MONITOR_MAIL_FROM = dwconfig.config("DOMEINWACHT_MAIL_FROM", "domeinwacht@localhost", "Sender address of alert mail.")
MONITOR_SEND_TIMEOUT = float(
    dwconfig.config("DOMEINWACHT_SEND_TIMEOUT", "10", "Seconds for one SMTP or webhook delivery.")
)
MONITOR_LEASE_SECONDS = float(
    dwconfig.config("DOMEINWACHT_OUTBOX_LEASE", "60", "Seconds a claimed outbox message is reserved for its sender.")
)
MONITOR_MAX_ATTEMPTS = int(
    dwconfig.config("DOMEINWACHT_OUTBOX_MAX_ATTEMPTS", "8", "Delivery attempts before a message is dead-lettered.")
)
MONITOR_BACKOFF_SECONDS = float(
    dwconfig.config("DOMEINWACHT_OUTBOX_BACKOFF", "30", "First retry delay; doubles per attempt.")
)
