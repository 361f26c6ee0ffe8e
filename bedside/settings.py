"""Bedside settings, read from the environment and parsed strictly.

Every value has an embedded default that runs the demo on SQLite; production
sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import ipaddress
import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", True)
DATA_DIR = Path(os.environ.get("BEDSIDE_DATA_DIR", BASE_DIR / "data"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "insecure-demo-key-only-for-local-use-" + "x" * 24

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks); empty: none.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
        ) from exc

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # the API docs page then serves its own Swagger UI files, which the CSP allows
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "bedside.core",
    "bedside.audit",
    "bedside.people",
    "bedside.rosters",
    "bedside.records",
    "bedside.assignments",
    "bedside.attestations",
    "bedside.drills",
    "bedside.campaigns",
    "bedside.planner",
    "bedside.learning",
    "bedside.library",
    "bedside.events",
    "bedside.credits",
    "bedside.reports",
    "bedside.jobs",
    "bedside.web",
    "bedside.demo",
]

MIDDLEWARE = [
    "bedside.web.middleware.StreamReleasesDatabaseMiddleware",
    "bedside.web.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bedside.web.middleware.NoStoreMiddleware",
    "bedside.web.middleware.IdleTimeoutMiddleware",
    "bedside.web.middleware.ViewerTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bedside.urls"
WSGI_APPLICATION = "bedside.wsgi.application"
ASGI_APPLICATION = "bedside.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bedside" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bedside.web.context.site_context",
            ],
        },
    },
]

# Database: embedded SQLite in WAL mode unless DATABASE_URL names another.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "bedside.sqlite3",
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so a web request and the
                # worker queue on the busy timeout instead of failing mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "bedside.people.backends.StaffStatusBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "today"
LOGOUT_REDIRECT_URL = "login"

# Lockout per account, not per address: a unit's shared workstations share one IP.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "bedside.people.backends.lockout_username"
AXES_CLIENT_IP_CALLABLE = "bedside.web.client_address.axes_client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("LOGIN_LOCKOUT_ENABLED", True)

# Reset links per hour, per address and per client address (a unit's workstations share one).
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env_int("PASSWORD_RESET_LIMIT_PER_CLIENT", 20)

SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 15) * 60
SESSION_IDLE_WARNING_SECONDS = env_int("SESSION_IDLE_WARNING_SECONDS", 120)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "bedside.web.errors.csrf_failure"

# Production-only transport security: the demo runs on plain http.
SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^health/?$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: no inline scripts or styles, no eval (htmx runs without it).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "outbox"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Bedside <bedside@localhost>")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LANGUAGE_CODE = "en-us"
# Stored in UTC (USE_TZ); "today" and the display default are the hospital's own day.
TIME_ZONE = os.environ.get("BEDSIDE_TIME_ZONE", "America/New_York")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "bedside" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
# Uploaded roster files hold personal data: deleted this many days after the import (its summary stays).
ROSTER_UPLOAD_RETENTION_DAYS = env_int("ROSTER_UPLOAD_RETENTION_DAYS", 90)
if ROSTER_UPLOAD_RETENTION_DAYS < 1:
    raise ImproperlyConfigured(
        f"ROSTER_UPLOAD_RETENTION_DAYS must be at least 1 (days an uploaded roster file is kept), "
        f"not {ROSTER_UPLOAD_RETENTION_DAYS}"
    )

# The live dialogue's fan-out between web servers: Redis pub/sub when set (e.g. redis://127.0.0.1:6379/0);
# empty, each server reads the message log in the database every LIVE_POLL_SECONDS (the embedded default).
LIVE_REDIS_URL = os.environ.get("BEDSIDE_REDIS_URL", "").strip()
if LIVE_REDIS_URL and not LIVE_REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"BEDSIDE_REDIS_URL must be a Redis URL such as redis://127.0.0.1:6379/0, not {LIVE_REDIS_URL!r}"
    )
LIVE_CHANNEL_PREFIX = os.environ.get("BEDSIDE_REDIS_PREFIX", "bedside:live:")
try:
    LIVE_POLL_SECONDS = float(os.environ.get("LIVE_POLL_SECONDS", "") or 0.25)
except ValueError as exc:
    raise ImproperlyConfigured("LIVE_POLL_SECONDS must be a number of seconds, e.g. 0.25") from exc
if not 0.05 <= LIVE_POLL_SECONDS <= 5:
    raise ImproperlyConfigured("LIVE_POLL_SECONDS must be between 0.05 and 5 seconds")

BEDSIDE_TIME_ZONE = TIME_ZONE
try:
    zoneinfo.ZoneInfo(BEDSIDE_TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(f"BEDSIDE_TIME_ZONE {BEDSIDE_TIME_ZONE!r} is not a time zone name") from exc
BEDSIDE_SYSTEM_NAME = os.environ.get("BEDSIDE_SYSTEM_NAME", "Bedside")
try:
    REMINDER_DAYS_BEFORE_DUE = sorted({int(d) for d in env_list("REMINDER_DAYS_BEFORE_DUE", "7,1")})
except ValueError as exc:
    raise ImproperlyConfigured("REMINDER_DAYS_BEFORE_DUE must be whole numbers of days, e.g. 7,1") from exc


def env_base_url(name: str, default: str) -> str:
    """An absolute http(s) URL with a host and nothing after the path (no query, no fragment), without
    a trailing slash: e-mails build their links on it."""
    from urllib.parse import urlsplit

    raw = os.environ.get(name, default).strip()
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be a URL such as https://bedside.example.org, not {raw!r}"
        ) from exc
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or " " in raw
    ):
        raise ImproperlyConfigured(f"{name} must be a URL such as https://bedside.example.org, not {raw!r}")
    return raw.rstrip("/")


# Where people reach Bedside: e-mails link to pages under it.
BEDSIDE_BASE_URL = env_base_url("BEDSIDE_BASE_URL", "http://localhost:8000")


def env_ed25519_seed(name: str) -> str:
    """A 32-byte Ed25519 seed, base64url without padding (`python -c "import secrets,base64;
    print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip('='))"`), or empty."""
    import base64
    import binascii

    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    try:
        seed = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        seed = b""
    if len(seed) != 32:
        raise ImproperlyConfigured(f"{name} must be 32 random bytes in base64url (43 characters)")
    return raw


# Signs the Open Badges credentials (Ed25519). Empty: derived from SECRET_KEY, so rotating
# SECRET_KEY would make earlier badges fail to verify; set it in production and keep it.
BEDSIDE_BADGE_KEY = env_ed25519_seed("BEDSIDE_BADGE_KEY")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "bedside.web.middleware.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "bedside.web.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Lockout is per account on purpose: a unit's shared workstations share one address,
# and locking the address would lock out the whole unit.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
FORMS_URLFIELD_ASSUME_HTTPS = True  # transitional until Django 6
