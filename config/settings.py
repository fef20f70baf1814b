"""Settings, driven by the environment.

The defaults are the embedded set-up of `make run`: SQLite, kombu's filesystem broker under
var/, DEBUG on. Production differs only by environment variables: CASEWORK_PROFILE=production,
with which the settings refuse to start unless DEBUG is off and SECRET_KEY, ALLOWED_HOSTS, a
PostgreSQL DATABASE_URL, a Redis CELERY_BROKER_URL and an SMTP EMAIL_URL are set, and turn on
HTTPS redirects, HSTS and secure cookies (deploy/README.md).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CASEWORK_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

# The profile: "demo" (`make run`, the tests) or "production", which refuses to start unless
# everything a production installation needs is set (``production_problems``).
PROFILE = env.str("CASEWORK_PROFILE", default="demo")
if PROFILE not in ("demo", "production"):
    raise ImproperlyConfigured('CASEWORK_PROFILE must be "demo" or "production".')
PRODUCTION = PROFILE == "production"

DEMO_SECRET_KEY = "casework-insecure-demo-key-never-use-in-production"  # noqa: S105
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("With DEBUG off, SECRET_KEY must be set to a long random value.")
# Encryption at rest of a client's identity fields (casework/crypto.py): Fernet keys, the
# first one encrypting, and the key of the first-name search hash. The demo's are public.
DEMO_FIELD_KEY = "Y2FzZXdvcmstZGVtby1maWVsZC1rZXktMzItYnl0ZXM="
DEMO_HASH_KEY = "casework-demo-search-hash-key-not-for-production"
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[DEMO_FIELD_KEY])
FIELD_HASH_KEY = env.str("FIELD_HASH_KEY", default=DEMO_HASH_KEY)


def _bad_field_keys(keys: list[str]) -> bool:
    import base64
    import binascii

    try:
        return not keys or any(len(base64.urlsafe_b64decode(k.encode())) != 32 for k in keys)
    except (binascii.Error, ValueError):
        return True


if _bad_field_keys(FIELD_ENCRYPTION_KEYS):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS must list Fernet keys (32 bytes, url-safe base64), the newest "
        "first. Make one with: python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'"
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_countries",
    "casework",
    "clients",
    "sessions",
    "reminders",
    "referrals",
    "reports",
    "privacy",
]
# The demo and the load test (demo data, demo outcomes, generate_load, benchmark): the top
# floor, installed for `make run` and the tests, never in production. CASEWORK_DEMO=false
# leaves it out of a demo-profile process too (the container image, which does not ship it,
# collects its static files so).
DEMO_APPS = ["demo"]
DEMO = env.bool("CASEWORK_DEMO", default=not PRODUCTION)
if PRODUCTION and DEMO:
    raise ImproperlyConfigured("The demo app is never installed in production: CASEWORK_DEMO.")
if DEMO:
    INSTALLED_APPS += DEMO_APPS

MIDDLEWARE = [
    "casework.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "casework.middleware.UnknownSessionCookieMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "casework.signin.idle.IdleTimeoutMiddleware",
    "casework.signin.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "casework.middleware.NoStoreForSignedInMiddleware",
    "casework.middleware.UserLanguageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casework.context_processors.navigation",
                "reminders.context_processors.unread",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Worker, beat and web share one file: wait for a lock rather than fail at once.
    # IMMEDIATE transactions take the write lock at BEGIN, so two concurrent edits queue up
    # (and optimistic locking answers the second) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "casework.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account before the rest
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-guardian: no anonymous user, and our own direct foreign-key permission models.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# django-simple-history: history models carry their own view permission.
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Behind nginx, which terminates TLS and says so in X-Forwarded-Proto (deploy/).
if env.bool("BEHIND_TLS_PROXY", default=PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60 if PRODUCTION else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
# Lockout after repeated failed sign-ins (django-axes), per account; a centre admin unlocks.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# The account, and a browser (address and user agent) trying many accounts.
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "user_agent"]]
if env.bool("BEHIND_TLS_PROXY", default=PRODUCTION):  # the client's address, as nginx says
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Two-factor sign-in (an authenticator app, or a backup code): required for every account in
# production, optional in the demo. Wrong codes slow down: 1, 2, 4… seconds between tries.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=PRODUCTION)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Casework")
OTP_TOTP_THROTTLE_FACTOR = 1
# A sign-in ends after this many minutes without activity (0: never); a warning comes first.
IDLE_TIMEOUT_SECONDS = env.int("IDLE_TIMEOUT_MINUTES", default=30) * 60
IDLE_WARNING_SECONDS = env.int("IDLE_WARNING_SECONDS", default=120)
# Content security policy: everything from this server, no inline script or style, no frames.
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
# Argon2 for new and changed passwords; older hashes still check, and are upgraded on login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "casework.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "casework_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = "Europe/Brussels"
FORMAT_MODULE_PATH = ["casework.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedStaticFilesStorage",
        )
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="casework@localhost")
# A mail server that hangs must not hold a worker (and a reminder's row lock) for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Celery: the embedded broker is kombu's filesystem transport, so no server is needed.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
HEARTBEAT_INTERVAL_SECONDS = env.int("HEARTBEAT_INTERVAL_SECONDS", default=30)
# A delivery is acknowledged only once done, and a worker killed mid-task gives it back.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
REMINDER_SWEEP_SECONDS = env.int("REMINDER_SWEEP_SECONDS", default=60)
# The daily e-mail goes after the usual 08:00 reminders, with what was delivered since the last.
REMINDER_DIGEST_HOUR = env.int("REMINDER_DIGEST_HOUR", default=9)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "casework.tasks.beat_heartbeat",
        "schedule": float(HEARTBEAT_INTERVAL_SECONDS),
    },
    "reminder-sweep": {
        "task": "reminders.tasks.sweep",
        "schedule": float(REMINDER_SWEEP_SECONDS),
    },
    "reminder-daily-digest": {
        "task": "reminders.tasks.daily_digests",
        "schedule": crontab(hour=REMINDER_DIGEST_HOUR, minute=0),
    },
    "privacy-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=15),
    },
    # The coordinators' figures for the month, made at night (reading them makes none). Every
    # night, so that a night missed costs a day: a release already made is left as it is.
    "reports-releases": {
        "task": "reports.tasks.make_releases",
        "schedule": crontab(hour=2, minute=30),
    },
}
CELERY_TIMEZONE = TIME_ZONE
# Links in e-mails: the address users reach Casework at.
CASEWORK_BASE_URL = env.str("CASEWORK_BASE_URL", default="http://127.0.0.1:8000")
# /healthz reports the beat as stale when its last tick is older than this.
HEARTBEAT_STALE_AFTER_SECONDS = env.int(
    "HEARTBEAT_STALE_AFTER_SECONDS", default=HEARTBEAT_INTERVAL_SECONDS * 4
)

CASEWORK_PAGE_SIZE = 25

# Data protection: the shortest retention periods a centre admin may set (the legal minimum
# of the installation, in months), and the hour of the daily retention run.
RETENTION_MINIMUM_MONTHS = env.int("RETENTION_MINIMUM_MONTHS", default=12)
ACCESS_LOG_MINIMUM_MONTHS = env.int("ACCESS_LOG_MINIMUM_MONTHS", default=12)

# Logs never carry request bodies or SQL parameters: the SQL logger is held at INFO, so even
# with a debug cursor no query (and no personal datum in it) reaches a log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "casework.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "casework.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO", "propagate": True},
    },
}

for folder in (VAR_DIR, STATIC_ROOT, BROKER_DIR / "queue", BROKER_DIR / "control"):
    folder.mkdir(parents=True, exist_ok=True)

# Coordinators' reports: a count below this threshold is never published. It may be raised,
# never lowered below 5.
CASEWORK_REPORT_THRESHOLD = env.int("CASEWORK_REPORT_THRESHOLD", default=5)
if CASEWORK_REPORT_THRESHOLD < 5:
    raise ImproperlyConfigured("CASEWORK_REPORT_THRESHOLD may be raised above 5, never lowered.")


def production_problems() -> list[str]:
    """What keeps this environment from being a production installation."""
    problems = []
    if DEBUG:
        problems.append("DEBUG must be off")
    if "ALLOWED_HOSTS" not in env.ENVIRON:
        problems.append("ALLOWED_HOSTS must name the site's host names")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL must point at PostgreSQL")
    if not CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        problems.append("CELERY_BROKER_URL must point at Redis")
    if EMAIL_CONFIG["EMAIL_BACKEND"].endswith(("console.EmailBackend", "locmem.EmailBackend")):
        problems.append("EMAIL_URL must point at an SMTP server")
    if DEMO_FIELD_KEY in FIELD_ENCRYPTION_KEYS or "FIELD_ENCRYPTION_KEYS" not in env.ENVIRON:
        problems.append("FIELD_ENCRYPTION_KEYS must hold this installation's own key")
    if FIELD_HASH_KEY == DEMO_HASH_KEY or len(FIELD_HASH_KEY) < 32:
        problems.append("FIELD_HASH_KEY must be set to a long random value")
    if not CASEWORK_BASE_URL.startswith("https://") or "CASEWORK_BASE_URL" not in env.ENVIRON:
        problems.append("CASEWORK_BASE_URL must be the https:// address users reach Casework at")
    problems += [
        f"{name} still holds an example value ({marker}): put your own"
        for name in EXAMPLE_CHECKED
        for marker in EXAMPLE_MARKERS
        if marker in env.str(name, default="").lower()
    ]
    return problems


# Values of deploy/'s example files that must not reach production unchanged (RFC 2606's
# example domains, and the examples' CHANGE-ME passwords).
EXAMPLE_CHECKED = (
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "CASEWORK_BASE_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
)
EXAMPLE_MARKERS = ("example.org", "example.com", "example.net", "change-me")


if PRODUCTION and (problems := production_problems()):
    raise ImproperlyConfigured("Not a production set-up: " + "; ".join(problems) + ".")
