"""The one settings module. Production differs from development only by environment.

Every variable is listed in .env.example. The embedded default needs no services:
SQLite under var/, media on local disk, background tasks run inline.
"""

import warnings
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from server.common.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    local_dir,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CHUNGTAY_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105


def _weak_secret_key(key: str) -> bool:
    """Apply Django's own deploy-check thresholds, so a key that starts is one check --deploy accepts."""
    return (
        key.lower() in {"change-me", "changeme", "secret"}
        or key.startswith("django-insecure")
        or len(key) < 50
        or len(set(key)) < 5
    )


if not DEBUG and _weak_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak: use at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "server.common",
    "server.accounts",
    "server.registry",
    "server.feed",
    "server.surveys",
    "server.submissions",
    "server.evidence",
    "server.support",
    "server.sync_api",
    "server.review",
    "server.webapp",
    "server.console",
    "server.demo",
    "server.exports",
    "server.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the console's static files (its CSS and vendored libraries) in every mode.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "server.api.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "server.console.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so a lockout raised by any password check becomes its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "server.urls"
WSGI_APPLICATION = "server.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "server" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": local_dir(VAR_DIR) / "chungtay.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sign-in lockout (django-axes) on every password path: the admin login and the device
# token API both call authenticate(). Counters live in the database, so every worker
# shares them; an account or an address is locked after AXES_FAILURE_LIMIT failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "server.api.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "server.accounts.lockout.lockout_response"
AXES_VERBOSE = False

# Forwarded addresses are trusted only from this many proxies in front of the app;
# 0 means clients connect directly and X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# Cache: shared Redis when CACHE_URL is set (throttle counters then hold across workers),
# per-process memory in the embedded default.
CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# A phone's token ends after this many days without use; last_used_at is refreshed
# at most every DEVICE_TOKEN_TOUCH_MINUTES, so ordinary requests do not write.
DEVICE_TOKEN_IDLE_DAYS = env_int("DEVICE_TOKEN_IDLE_DAYS", 30, minimum=1)
DEVICE_TOKEN_TOUCH_MINUTES = 5

# Language: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "server" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Static files are found in the apps at request time: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
# STATIC_ROOT exists only after an optional collectstatic; the finders serve without it.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
WHITENOISE_AUTOREFRESH = DEBUG
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Storage: local disk by default, S3-compatible when a bucket is configured.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
_FILES_BACKEND: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if AWS_STORAGE_BUCKET_NAME:
    _FILES_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
if not AWS_STORAGE_BUCKET_NAME:
    local_dir(MEDIA_ROOT)
STORAGES = {
    "default": _FILES_BACKEND,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Request limits. Photo uploads have their own, larger limit.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 5 * 1024 * 1024, minimum=1024)
# Django's own cap must admit a whole photo (sync allows 10 MiB); ordinary endpoints are
# held to API_MAX_BODY_BYTES by server.api.middleware before they read anything.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(API_MAX_BODY_BYTES, 11 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# Photo uploads untouched this long are removed (their phone restarts from offset 0).
ATTACHMENT_INCOMPLETE_TTL_HOURS = env_int("ATTACHMENT_INCOMPLETE_TTL_HOURS", 72, minimum=1)

# The staff map's tile source, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png". Empty
# (the offline default): the map draws the households on a plain background.
MAP_TILE_URL = env_str("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION")

# Background work: Celery. Without a broker, tasks run inline (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Run by `celery beat`; without a beat, cron `manage.py expire_uploads` instead.
CELERY_BEAT_SCHEDULE = {
    "evidence-expire-incomplete-uploads": {
        "task": "evidence.expire_incomplete_uploads",
        "schedule": 3600.0,
    },
    "reports-figures-refresh": {"task": "reports.figures_refresh", "schedule": 60.0},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "server.accounts.authentication.DeviceTokenAuthentication",
        "server.accounts.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "server.api.schema.ChungTayAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "server.api.pagination.StandardPagination",
    "DEFAULT_PARSER_CLASSES": [
        "server.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "server.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "PAGE_SIZE": 50,
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ChungTay API",
    "DESCRIPTION": "Household poverty review: registry, surveys, scoring and sync.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # 3.1: the sync components are JSON Schema 2020-12 (if/then, type lists).
    "OAS_VERSION": "3.1.0",
    # Path parameters documented with the converters' own rules (Django's, verbatim).
    "PATH_CONVERTER_OVERRIDES": {
        "int": {"type": "integer", "minimum": 0},
        "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
        "str": {"type": "string", "pattern": "^[^/]+$"},
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "server.api.schema.sync_components",
    ],
    # Served from the sidecar package: the docs work with no internet and no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set where several fields share a name (stage, status, kind).
    "ENUM_NAME_OVERRIDES": {
        "SupportStageEnum": "server.support.models.StageChoice",
        "ExportJobStatusEnum": "server.exports.models.JobStatus",
        "StatusEnum": "server.registry.choices.HouseholdStatus",
        "ReportKindEnum": "server.exports.models.ReportKind",
        "ReportScheduleEnum": "server.exports.models.Schedule",
        "ReviewDecidedClassEnum": "server.review.choices.DecidedClass",
        "ReviewRoundKindEnum": "server.review.choices.RoundKind",
        "ReviewPostingKindEnum": "server.review.choices.PostingKind",
    },
}

# Transport security: set behind a TLS-terminating proxy in production.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER", not DEBUG) else None
)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "server.api.views.csrf_failure"

# Content-Security-Policy: everything from this origin, no inline script anywhere.
# Photos may be previewed from blob: URLs before upload; /api/docs/ relaxes styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Personal data stays out of error pages: API requests show no body and no local variables.
DEFAULT_EXCEPTION_REPORTER_FILTER = "server.api.reporting.ApiExceptionReporterFilter"

# Personal data stays out of the access log: runserver's query strings under /api/ are
# redacted here; gunicorn.conf.py logs paths without query strings.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_api_query": {"()": "server.api.logging.RedactApiQueryFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "loggers": {
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["redact_api_query"],
            "level": "INFO",
            "propagate": False,
        },
        # WeasyPrint logs every stylesheet it parses (its own, at import) at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Housing support: a stage photo taken farther than this from the household's point is
# flagged for a person to look at (never refused).
SUPPORT_PHOTO_MAX_DISTANCE_M = env_int("SUPPORT_PHOTO_MAX_DISTANCE_M", 200, minimum=1)
