"""Django settings. Everything configurable comes from the environment via domeinwacht.config."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from domeinwacht import config as dwconfig
from domeinwacht.web.service import headers as security_headers

SETTINGS = dwconfig.load()
BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = SETTINGS.data_dir

# The development default; `serve` and the WSGI application refuse it outside debug mode
# (web/service/secret_key.py). CLI commands that only persist (import, measure, report) do not sign anything.
DOMEINWACHT_DEV_SECRET_KEY = "django-insecure-development-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = dwconfig.config(
    "DJANGO_SECRET_KEY",
    DOMEINWACHT_DEV_SECRET_KEY,
    "Django secret key: required by `serve` (at least 50 random characters) unless DJANGO_DEBUG is on.",
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
    "django_filters",
    "simple_history",
    "axes",  # lockout after repeated login failures (service security)
    "domeinwacht.web.register",
    "domeinwacht.web.measurements",
    "domeinwacht.web.api",
    "domeinwacht.web.findings",
    "domeinwacht.web.service",
    "domeinwacht.web.public",
    "domeinwacht.web.reports",
    "domeinwacht.web.opendata",
    "domeinwacht.web.accounts",
    "domeinwacht.web.portal",
    "domeinwacht.web.portfolio",
]

MIDDLEWARE = [
    "domeinwacht.web.service.headers.SecurityHeadersMiddleware",  # CSP, Permissions-Policy (also on static files)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: hashed names, gzip/brotli, long cache
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
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
                "domeinwacht.web.public.context_processors.site",
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

# --- Static files (issue 10 item 5): `serve` runs collectstatic into the data dir; whitenoise serves them with
# content-hashed names and precompressed variants (plain names before the first collectstatic, e.g. in tests).
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "domeinwacht.web.service.staticstorage.StaticStorage"},
}

# The NL Design System CSS (npm packages in assets/, copied to assets/build/ by scripts/bootstrap.sh).
ASSETS_DIR = Path(
    dwconfig.config(
        "DOMEINWACHT_ASSETS_DIR",
        str(BASE_DIR.parents[2] / "assets" / "build"),
        "Folder of the built front-end assets (NL Design System CSS), served under static/vendor/.",
    )
)
STATICFILES_DIRS = [("vendor", ASSETS_DIR)] if ASSETS_DIR.is_dir() else []

# The boundaries drawn on the map (TopoJSON; the municipalities' CBS codes as `statcode`).
GEO_FILE = Path(
    dwconfig.config(
        "DOMEINWACHT_GEO_FILE",
        str(Path.cwd().parent / "shared" / "data" / "geo" / "gemeente_2025.topojson"),
        "TopoJSON file of the municipal boundaries drawn on the public map (CBS statcode per shape).",
    )
)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "domeinwacht",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

# The public read API: bounded pages (at most 1,000 rows; a malformed limit/offset is a 400), every 400/404 in the
# schema, anonymous read-only access. JSON only: the browsable API's pages carry inline scripts (strict CSP);
# /api/v1/docs is the HTML documentation.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "domeinwacht.web.api.schema.PublicAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "domeinwacht.web.api.pagination.BoundedPagination",
    "PAGE_SIZE": 100,
    # Service security: sessions only (no HTTP Basic: it would send passwords on every request), and anonymous
    # callers throttled per address (web/service/throttling.py reads DOMEINWACHT_API_ANON_RATE per request).
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_THROTTLE_CLASSES": ["domeinwacht.web.service.throttling.AnonymousRateThrottle"],
    "NUM_PROXIES": None,  # set below from DOMEINWACHT_PROXIES
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Domeinwacht API",
    "DESCRIPTION": "Government domains, their owners and their security measurements.",
    "VERSION": "1",
}

# --- Service security (issue 13 item 5). Each value is what our own web checks ask of a site (CHECKS.md "Web");
# the CSP and Permissions-Policy come from web/service/headers.py, security.txt from web/service/securitytxt.py.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = int(
    dwconfig.config("DJANGO_HSTS_SECONDS", "31536000", "Strict-Transport-Security max-age on HTTPS responses.")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = dwconfig.config_bool(
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS", True, "Add includeSubDomains to Strict-Transport-Security."
)
SECURE_SSL_REDIRECT = dwconfig.config_bool(
    "DJANGO_SSL_REDIRECT", False, "Redirect HTTP to HTTPS in Django (usually the proxy in front does it)."
)
if dwconfig.config_bool(
    "DJANGO_TRUST_X_FORWARDED_PROTO",
    False,
    "Trust X-Forwarded-Proto: https from the reverse proxy in front (only behind one that sets it).",
):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_SECURE_COOKIES = dwconfig.config_bool(
    "DJANGO_SECURE_COOKIES", True, "Session and CSRF cookies only over HTTPS (browsers allow http://localhost)."
)
SESSION_COOKIE_SECURE = _SECURE_COOKIES
CSRF_COOKIE_SECURE = _SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = [
    o.strip()
    for o in dwconfig.config(
        "DJANGO_CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins (https://host) allowed to POST forms."
    ).split(",")
    if o.strip()
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes: after AXES_FAILURE_LIMIT failed logins for one user name from one address, that pair is locked
# out for AXES_COOLOFF_TIME (hours). The address is REMOTE_ADDR unless DOMEINWACHT_PROXIES proxies are trusted.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(dwconfig.config("DOMEINWACHT_LOGIN_FAILURES", "5", "Failed logins before a lockout."))
AXES_COOLOFF_TIME = float(dwconfig.config("DOMEINWACHT_LOCKOUT_HOURS", "1", "Hours a locked-out login waits."))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
_PROXIES = int(
    dwconfig.config("DOMEINWACHT_PROXIES", "0", "Reverse proxies in front whose X-Forwarded-For is trusted.")
)
AXES_IPWARE_PROXY_COUNT = _PROXIES or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if _PROXIES else ("REMOTE_ADDR",)
REST_FRAMEWORK["NUM_PROXIES"] = _PROXIES
DOMEINWACHT_API_ANON_RATE = dwconfig.config(
    "DOMEINWACHT_API_ANON_RATE", "300/minute", "API requests an anonymous address may make (N/second|minute|hour)."
)
DOMEINWACHT_CSP = dwconfig.config(
    "DOMEINWACHT_CSP",
    security_headers.DEFAULT_CSP,
    "Content-Security-Policy of every page (no 'unsafe-inline': templates carry no inline script or style).",
)
DOMEINWACHT_PERMISSIONS_POLICY = dwconfig.config(
    "DOMEINWACHT_PERMISSIONS_POLICY", security_headers.DEFAULT_PERMISSIONS, "Permissions-Policy of every page."
)
# security.txt (RFC 9116) at /.well-known/security.txt; Expires is always now + DOMEINWACHT_SECURITY_TXT_DAYS.
DOMEINWACHT_SECURITY_CONTACTS = [
    c.strip()
    for c in dwconfig.config(
        "DOMEINWACHT_SECURITY_CONTACT",
        "mailto:security@domeinwacht.test",
        "security.txt Contact URIs (comma-separated; mailto:, https: or tel:).",
    ).split(",")
    if c.strip()
]
DOMEINWACHT_SECURITY_TXT_DAYS = int(
    dwconfig.config("DOMEINWACHT_SECURITY_TXT_DAYS", "180", "security.txt Expires: this many days ahead.")
)
DOMEINWACHT_SECURITY_ENCRYPTION = dwconfig.config("DOMEINWACHT_SECURITY_ENCRYPTION", "", "security.txt Encryption URI.")
DOMEINWACHT_SECURITY_POLICY = dwconfig.config("DOMEINWACHT_SECURITY_POLICY", "", "security.txt Policy URI.")
DOMEINWACHT_SECURITY_LANGUAGES = dwconfig.config(
    "DOMEINWACHT_SECURITY_LANGUAGES", "nl, en", "security.txt Preferred-Languages."
)
DOMEINWACHT_SECURITY_CANONICAL = dwconfig.config(
    "DOMEINWACHT_SECURITY_CANONICAL", "", "security.txt Canonical URI (default: the URL it is requested at)."
)

# --- Operations (issue 13 item 7): /health checks the database and (Celery backend) the broker; /metrics in
# Prometheus text; logs as JSON lines (domeinwacht/jsonlog.py) unless DOMEINWACHT_LOG_FORMAT=text.
DOMEINWACHT_BACKEND = SETTINGS.backend
DOMEINWACHT_BROKER_URL = SETTINGS.broker_url
DOMEINWACHT_METRICS_TOKEN = dwconfig.config(
    "DOMEINWACHT_METRICS_TOKEN", "", "When set, /metrics needs `Authorization: Bearer <token>`."
)
_LOG_FORMAT = dwconfig.config("DOMEINWACHT_LOG_FORMAT", "json", "Log format: json (one object per line) or text.")
_LOG_LEVEL = dwconfig.config("DOMEINWACHT_LOG_LEVEL", "WARNING", "Level of the root logger (INFO, WARNING, ...).")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "domeinwacht.jsonlog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "text" if _LOG_FORMAT == "text" else "json"}
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL.upper()},
    # A locked-out login is worth a line; django-axes logs it at WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
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
