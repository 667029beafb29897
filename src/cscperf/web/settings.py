"""Django settings for the web service, read from the environment (see cscperf.web.config).

Secure by default: Argon2id password hashing (OWASP's parameters, see hashers.py), lockout after repeated
failures (django-axes), sessions that end after 30 minutes idle or when the browser closes, secure HttpOnly
SameSite cookies, CSRF on every form, a Content-Security-Policy with no inline script and frame-ancestors
'none' (django-csp), X-Content-Type-Options nosniff, a strict Referrer-Policy, and no caching of pages by
browsers or proxies.
"""

from __future__ import annotations

import datetime as dt
import os
import urllib.parse
from pathlib import Path

from csp.constants import NONE, SELF
from whitenoise.middleware import WhiteNoiseMiddleware

from cscperf.web.config import STORE_ENV, app_database_for, secret_key_for

HERE = Path(__file__).resolve().parent
STORE = os.environ.get(STORE_ENV, "cscperf.duckdb")

SECRET_KEY = os.environ.get("CSCPERF_WEB_SECRET_KEY") or secret_key_for(
    STORE if not STORE.startswith(("postgresql://", "postgres://")) else Path.cwd() / "cscperf-server-store"
)
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("CSCPERF_WEB_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")]
ALLOWED_HOSTS = [h for h in ALLOWED_HOSTS if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "mozilla_django_oidc",
    "cscperf.web.apps.WebConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    f"{WhiteNoiseMiddleware.__module__}.{WhiteNoiseMiddleware.__name__}",  # static files, served by the app
    "csp.middleware.CSPMiddleware",
    "cscperf.web.middleware.UploadLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cscperf.web.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # lockout after repeated failures
]

ROOT_URLCONF = "cscperf.web.urls"
WSGI_APPLICATION = "cscperf.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cscperf.web.context.service",
            ],
        },
    }
]

_SERVER_STORE = STORE.startswith(("postgresql://", "postgres://"))
_database = os.environ.get("CSCPERF_WEB_DATABASE") or (STORE if _SERVER_STORE else str(app_database_for(STORE)))
if _database.startswith(("postgresql://", "postgres://")):
    # The PostgreSQL store's own database holds the service's tables too (auth_*, django_*, cscperf_web_*).
    _url = urllib.parse.urlsplit(_database)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": urllib.parse.unquote(_url.path.lstrip("/")),
            "USER": urllib.parse.unquote(_url.username or ""),
            "PASSWORD": urllib.parse.unquote(_url.password or ""),
            "HOST": _url.hostname or "",
            "PORT": str(_url.port or ""),
            "CONN_MAX_AGE": 60,
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _database,
            # IMMEDIATE: a transaction takes the write lock when it starts, so audit records are chained one at
            # a time even with several worker processes.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Figures computed once are shared by the worker processes through files beside the app database (aggregate
# figures only: child-level rows are never cached). Keys name the store's state, so a load makes them stale.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CSCPERF_WEB_CACHE")
        or str(Path.cwd() / "cscperf-web.cache" if _SERVER_STORE else Path(_database).with_suffix(".cache")),
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = ["cscperf.web.hashers.OwaspArgon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Lockout: 5 failures for a user name, or from one address, lock it for 15 minutes (docs/web.md#accounts).
AXES_FAILURE_LIMIT = int(os.environ.get("CSCPERF_WEB_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("CSCPERF_WEB_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]  # either one failing 5 times locks it
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]
# The address a failure is counted against: the audit log's (X-Forwarded-For behind the council's proxy).
CSCPERF_TRUST_PROXY = os.environ.get("CSCPERF_WEB_TRUST_PROXY") == "1"
AXES_CLIENT_IP_CALLABLE = "cscperf.web.client_address.client_address"

# Sessions end after 30 minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_NAME = "cscperf_session"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_NAME = "cscperf_csrf"
CSRF_FAILURE_VIEW = "cscperf.web.errors.csrf_failure"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSCPERF_WEB_TRUSTED_ORIGINS", "").split(",") if o]

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("CSCPERF_WEB_TRUST_PROXY") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("CSCPERF_WEB_HSTS_SECONDS", "31536000"))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Uploads: a request larger than this is refused before it is read (middleware.UploadLimitMiddleware).
UPLOAD_MAX_BYTES = int(float(os.environ.get("CSCPERF_WEB_UPLOAD_MAX_MB", "200")) * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 200

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("CSCPERF_WEB_STATIC_ROOT") or None
STATICFILES_DIRS: list[str] = []
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
WHITENOISE_MAX_AGE = 3600

USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"
USE_I18N = False

CSCPERF_CONFIG = os.environ.get("CSCPERF_WEB_CONFIG") or None
CSCPERF_SUPPRESSION = int(os.environ.get("CSCPERF_WEB_SUPPRESSION", "5"))

# Single sign-on (OpenID Connect), on when an issuer's endpoints and a client are configured.
OIDC_ENABLED = bool(os.environ.get("CSCPERF_OIDC_CLIENT_ID"))
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("cscperf.web.sso.CouncilOIDCBackend")
    OIDC_RP_CLIENT_ID = os.environ["CSCPERF_OIDC_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("CSCPERF_OIDC_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("CSCPERF_OIDC_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("CSCPERF_OIDC_AUTHORIZATION_ENDPOINT", "")
    OIDC_OP_TOKEN_ENDPOINT = os.environ.get("CSCPERF_OIDC_TOKEN_ENDPOINT", "")
    OIDC_OP_USER_ENDPOINT = os.environ.get("CSCPERF_OIDC_USER_ENDPOINT", "")
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("CSCPERF_OIDC_JWKS_ENDPOINT", "")
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_CREATE_USER = False  # accounts and roles are given with `cscperf users add`
    OIDC_USERNAME_CLAIM = os.environ.get("CSCPERF_OIDC_USERNAME_CLAIM", "preferred_username")
    OIDC_PROVIDER_NAME = os.environ.get("CSCPERF_OIDC_PROVIDER_NAME", "your council account")
    OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(OIDC_OP_AUTHORIZATION_ENDPOINT or "'self'")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
