"""Settings for PQ Tracker, read from the environment.

Development needs no configuration at all: SQLite in ``db.sqlite3`` and a
throwaway secret key. Production (``DEBUG`` off) refuses to start without a
real ``SECRET_KEY``, so a misconfigured deploy fails loudly instead of running
with a key published in this repository.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {os.environ[name]!r}.")


def env_list(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off PQ Tracker will not start without a "
            "secret key: set SECRET_KEY to a long random string (for example the output "
            'of python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    # Development only: DEBUG is on, so this never signs anything that matters.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "answers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages for anonymous visitors, kept until the data changes
    # (answers.page_cache); above the session, so a stored page reads none.
    "answers.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pqtracker.urls"

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
            ],
            # long_date, display_name and the GOV.UK helpers in every template.
            "builtins": ["answers.templatetags.govuk"],
        },
    },
]

# Form fields render through templates/django/forms/, GOV.UK style, so that
# django-filter forms and our own forms look the same.
FORM_RENDERER = "answers.forms.GovukFormRenderer"

WSGI_APPLICATION = "pqtracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT compilation: a page's queries run in milliseconds, and compiling
    # one whose estimate is large (a cursor over every match of a search, a
    # scan the planner overrates) costs half a second before its first row.
    # No parallel workers either: each request is one query at a time on a
    # server that serves many requests at once, and starting workers costs a
    # page more than it saves (a count of 2,001 keys took 33 ms with two
    # workers and their startup, 3 without).
    # Memory for a sort or a bitmap of rows: a search for a common word with
    # another filter intersects the word's matches (180,000 rows for "health"
    # at a million questions) with the filter's. In PostgreSQL's default 4 MB
    # that bitmap loses the rows and keeps only their pages, and every row of
    # those pages is read and checked: 240 ms, against 50 ms in 32 MB.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    work_mem = "".join(os.environ.get("DATABASE_WORK_MEM", "").split()) or "32MB"
    if not re.fullmatch(r"[1-9][0-9]*(kB|MB|GB)?", work_mem):
        raise ImproperlyConfigured(
            f"DATABASE_WORK_MEM must be an amount of memory such as 32MB or 65536kB (units kB, "
            f"MB or GB, as PostgreSQL writes them), not {os.environ['DATABASE_WORK_MEM']!r}."
        )
    _options["options"] = (
        f"{_options.get('options', '')} -c jit=off -c max_parallel_workers_per_gather=0"
        f" -c work_mem={work_mem}"
    ).strip()
# History is read record by record (by the record's id), never across
# records by date: the historical tables' dates need no index of their own.
SIMPLE_HISTORY_DATE_INDEX = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Public pages as anonymous visitors see them (answers.page_cache): at most
# PAGE_CACHE_ENTRIES pages, each for at most PAGE_CACHE_SECONDS (0 turns the
# store off), and never after the data changes. PostgreSQL only. In each
# worker's memory, or with PAGE_CACHE_DIR in files there, which every
# worker of the server shares.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
_page_store = {"OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "2000"))}}
if os.environ.get("PAGE_CACHE_DIR"):
    _page_store.update(
        BACKEND="django.core.cache.backends.filebased.FileBasedCache",
        LOCATION=os.environ["PAGE_CACHE_DIR"],
    )
else:
    _page_store.update(BACKEND="django.core.cache.backends.locmem.LocMemCache", LOCATION="pages")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": _page_store,
}

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
# The dashboard for the PQ team, "My work" for drafters (answers.workflow).
LOGIN_REDIRECT_URL = "workflow:start"
LOGOUT_REDIRECT_URL = "home"

# Login rate limiting: five failures for one username, or from one address,
# lock that username or that address out for an hour. Behind a reverse proxy
# every request comes from the proxy, so the client's address is taken from
# X-Forwarded-For instead, trusting only as many entries from the right as
# there are proxies of ours (TRUSTED_PROXY_COUNT): anything further left was
# written by the client and could be forged.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "pqtracker.proxies.client_ip"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # GOV.UK Frontend's fonts-free assets (images, JavaScript) straight from npm.
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "pqtracker.storage.ProductionStaticFilesStorage"
        )
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# The live Parliament Written Questions API (fetch_written_questions).
PARLIAMENT_API_BASE_URL = os.environ.get(
    "PARLIAMENT_API_BASE_URL", "https://questions-statements-api.parliament.uk"
)

# --- Security headers -----------------------------------------------------------
# No inline script or style anywhere, so the policy can be strict: everything
# comes from this site. The admin's own pages follow the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
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
    }
}
# Powerful browser features the service never uses are switched off.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Email (the answering process's notices and reminders). Development prints
# them to the console; production sends through SMTP, configured here.
# Links in emails start with SITE_URL: by default the first allowed host.
SITE_URL = os.environ.get("SITE_URL") or (
    "http://127.0.0.1:8000" if DEBUG else (f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "")
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PQ Tracker <pq-tracker@localhost>")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587" if not DEBUG else "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=not DEBUG)
EMAIL_TIMEOUT = 20

# The Parliament Members API, which names members the questions API gives only
# by id (sync_members, and after each import unless MEMBERS_SYNC_AFTER_IMPORT
# is off).
PARLIAMENT_MEMBERS_API_BASE_URL = os.environ.get(
    "PARLIAMENT_MEMBERS_API_BASE_URL", "https://members-api.parliament.uk"
)
MEMBERS_SYNC_AFTER_IMPORT = env_bool("MEMBERS_SYNC_AFTER_IMPORT", default=True)

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS only: browsers remember it for a year (HSTS), and plain HTTP
    # requests are redirected, unless the proxy in front already does that
    # (SSL_REDIRECT_BY_PROXY=true).
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", default=True)
    SECURE_SSL_REDIRECT = not env_bool("SSL_REDIRECT_BY_PROXY", default=False)
    if not SECURE_SSL_REDIRECT:
        # The proxy redirects HTTP to HTTPS itself: Django's own redirect would
        # only repeat it, so the deploy check's reminder does not apply.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]

# Everything goes to standard error, one line per record with the time, level
# and logger, and a traceback under any record that carries one. Server errors
# (django.request) are always logged, with their traceback, whatever LOG_LEVEL
# says: a 500 must never be a single line that does not say why.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
