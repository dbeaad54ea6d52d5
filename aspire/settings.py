"""Aspire settings: one module, everything read from the environment.

With no environment at all it runs the demo: SQLite in the project folder, DEBUG on,
mail to the console. Production sets DJANGO_DEBUG=false and the URLs below.
"""

import socket
from pathlib import Path
from urllib.parse import urlparse

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from aspire import countries as _countries

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()


def redis_reachable(url: str) -> bool:
    """True when something answers on the Redis URL's port (a cheap TCP probe)."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=0.3):
            return True
    except OSError:
        return False


DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Production must set its own key: without one, env() stops the start with a clear message.
SECRET_KEY = (
    env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
    if DEBUG
    else env("DJANGO_SECRET_KEY")
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "aspire.admin_site.AspireAdminConfig",  # django.contrib.admin, organised by job
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_countries",
    "corsheaders",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "audit",
    "programs",
    "calls",
    "projects",
    "evaluations",
    "exchange",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that answers: a preflight from an allowed origin gets its headers.
    "corsheaders.middleware.CorsMiddleware",
    "api.middleware.CompressAPI",  # gzip for /api/ only (pages carry CSRF tokens: BREACH)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "aspire.outage.DatabaseUnavailable",  # the database unreachable: a 503 of our own
    "accounts.middleware.IdleTimeout",
    "aspire.middleware.RefuseLargeBodies",
    "aspire.middleware.RejectNulCharacters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aspire.middleware.NoStorePrivateAnswers",
    # Whether the session has passed the second factor, then: no page before it for those
    # who need it (staff and the committee, accounts/rules.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.RequireSecondFactor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # After authentication: logs the API's writes and CSV exports with who made them.
    "api.middleware.AuditLog",
    "api.middleware.RateLimitHeaders",
    # Last, as django-axes asks: it turns a locked-out sign-in into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aspire.urls"
WSGI_APPLICATION = "aspire.wsgi.application"

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
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'aspire.sqlite3'}")}
# Seconds to wait for a connection, new or from the pool, before a page answers 503
# (aspire/outage.py): an unreachable database must not hold every request for 30 s.
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
# Requests one gunicorn worker serves at once (gunicorn.conf.py), which size its pool.
WEB_THREADS = env.int("WEB_THREADS", default=4)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's pool keeps connections open between requests; Django requires
    # CONN_MAX_AGE = 0 when the pool is on. A pool per process: gunicorn's worker serves
    # WEB_THREADS requests at a time (gunicorn.conf.py), each holding one connection, so
    # that many are enough and a thread never waits for one; workers × threads in all.
    # Two at least: a job's heartbeat (aspire/jobs.py) holds one beside the job's own.
    if env.bool("DATABASE_POOL", default=True):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2,
            "max_size": max(2, WEB_THREADS),
            "timeout": DATABASE_CONNECT_TIMEOUT,  # psycopg_pool waits 30 s by default
        }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A URL's own ?connect_timeout= wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", DATABASE_CONNECT_TIMEOUT
    )
    # The evaluation aggregates millions of rows in a few statements: JIT compilation cost
    # more than it saved there (2.2 s of a 3 s query), and 4 MB of work_mem spilled the
    # grouping to disk (docs/performance.md). A URL's own ?options= wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c work_mem=64MB"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.SignInRateLimit",  # first: refuses a client address that failed often
    "axes.backends.AxesStandaloneBackend",  # then: refuses an account after repeated failures
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Japanese first, English one click away.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
# Ours (makemessages writes it), then Japanese for the libraries' messages that have none.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "aspire" / "translations"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
# Country names from CLDR in the page's language (current ones: ジョージア), aspire/countries.py.
COUNTRIES_OVERRIDE = _countries.overrides()

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "media/"
# In DEBUG (the demo, the tests) whitenoise serves straight from the apps' static folders:
# no collectstatic needed. Production serves the collected, hashed and compressed files.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Redis is the Celery broker and the cache.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# The demo must run on a laptop with nothing but Python: without a reachable Redis it
# runs jobs in-process and caches in memory. Production (DEBUG off) never silently does.
USE_REDIS = not DEBUG or env.bool("REQUIRE_REDIS", default=False) or redis_reachable(REDIS_URL)
# Redis down must not take pages down: the cache then misses and logs (aspire/cache.py),
# after a second at most.
REDIS_CACHE = {
    "BACKEND": "aspire.cache.ForgivingRedisCache",
    "LOCATION": REDIS_URL,
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}
CACHES = {
    "default": REDIS_CACHE
    if USE_REDIS
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
# `make demo` runs jobs in the request (JOBS_EAGER=true): it starts no worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("JOBS_EAGER", default=not USE_REDIS)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A queue per kind of work, so that a flood of one never holds up the others: reminders
# and the opening of reports on `default`, PDF/XLSX files on `reports`, imports and uploads
# on `imports`. Workers name theirs: `celery worker -Q …`.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "evaluations.tasks.*": {"queue": "reports"},
    "exchange.tasks.*": {"queue": "imports"},
}
# Jobs that recover (aspire/jobs.py). A claim holds JOBS_LEASE_SECONDS unless renewed: a
# worker's child killed mid-job is taken over that long after. Redis gives a job a worker
# took but never acknowledged (the whole worker died) to another after the visibility
# timeout, which must exceed the longest job (21 min, the DOI batches' time limit).
JOBS_LEASE_SECONDS = env.int("JOBS_LEASE_SECONDS", default=60)
JOBS_VISIBILITY_TIMEOUT = env.int("JOBS_VISIBILITY_TIMEOUT", default=30 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": JOBS_VISIBILITY_TIMEOUT,
    "unacked_restore_throttle": 1,  # look for such jobs every 10 s, not every 100 s
    "socket_connect_timeout": 2,
}
# Redis down: a request fails to queue its job within about a second and says so, rather
# than hanging (the row is marked failed, with a retry button).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_BEAT_SCHEDULE = {
    # Reports open as drafts when their period opens, before the day's reminders go out.
    "open-reports": {"task": "projects.tasks.open_reports", "schedule": crontab(hour=6, minute=0)},
    "send-due-reminders": {
        "task": "projects.tasks.send_due_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "send-review-reminders": {
        "task": "calls.tasks.send_review_reminders",
        "schedule": crontab(hour=8, minute=5),
    },
}
# Days before the due date on which PIs are reminded; overdue notices follow weekly.
REMINDER_DAYS_BEFORE = tuple(env.list("REMINDER_DAYS_BEFORE", cast=int, default=[30, 7, 1]))
CROSSREF_API_URL = env("CROSSREF_API_URL", default="https://api.crossref.org")
# Where a PI's outputs already are (projects/sources.py), and how long each may take to answer.
RESEARCHMAP_API_URL = env("RESEARCHMAP_API_URL", default="https://api.researchmap.jp")
ORCID_API_URL = env("ORCID_API_URL", default="https://pub.orcid.org/v3.0")
OUTPUT_SOURCES_TIMEOUT = env.float("OUTPUT_SOURCES_TIMEOUT", default=5)
# Named in reminders and notices as the one to ask about a report.
REPORTS_CONTACT = env("REPORTS_CONTACT", default="aspire@localhost")
# A pasted list of DOIs holds at most DOI_PASTE_LIMIT (projects/sources.py, from_dois): each
# is fetched from Crossref while the PI waits, and Crossref down ends the list at once.
DOI_PASTE_LIMIT = env.int("DOI_PASTE_LIMIT", default=200)


# Mail through Django 6.1's MAILERS (the EMAIL_* settings are deprecated), read from one URL:
# EMAIL_URL such as smtp+tls://user:password@host:587?timeout=20, smtp+ssl://…, consolemail://.
# The demo prints mail to the console; production sends through EMAIL_URL (a local MTA by
# default). The test runner swaps every mailer for the locmem backend (mail.outbox).
SMTP_TIMEOUT = 10  # seconds: a stuck mail server must not hold a worker for ever


def mailer(url: dict) -> dict:
    """A MAILERS entry from django-environ's reading of EMAIL_URL."""
    names = {
        "EMAIL_HOST": "host",
        "EMAIL_PORT": "port",
        "EMAIL_HOST_USER": "username",
        "EMAIL_HOST_PASSWORD": "password",
        "EMAIL_USE_TLS": "use_tls",
        "EMAIL_USE_SSL": "use_ssl",
        "EMAIL_FILE_PATH": "file_path",
    }
    options = {names[key]: value for key, value in url.items() if key in names and value}
    # The URL's query string (?timeout=20&ssl_certfile=…) names further backend options.
    options |= {key.lower(): value for key, value in url.get("OPTIONS", {}).items()}
    if url["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
        options.setdefault("timeout", SMTP_TIMEOUT)
    return {"BACKEND": url["EMAIL_BACKEND"], "OPTIONS": options}


MAIL_DEFAULT = "consolemail://" if DEBUG else "smtp://localhost:25"
MAILERS = {"default": mailer(env.email_url("EMAIL_URL", default=MAIL_DEFAULT))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="aspire@localhost")

# Production hardening; `manage.py check --deploy` is clean with DJANGO_DEBUG=false.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# No inline script anywhere: scripts and styles come from our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}


def rate(text: str) -> tuple[int, int]:
    """'3/hour' as (3, 3600): a count and its window in seconds (second, minute, hour, day)."""
    count, period = text.split("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period.strip()[0].lower()]
    return int(count), seconds


# The client's address: REMOTE_ADDR, unless TRUSTED_PROXIES reverse proxies stand in front
# (then read from the right of CLIENT_IP_HEADER, which each of them appends to). Never set
# it without such a proxy: a client could then write any address it likes into the header.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="X-Forwarded-For")

# Five wrong passwords for one account from one address lock it for an hour, however the
# address is spelt (accounts/signin.py); the lock page is ours, in both languages.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field, which holds the e-mail
AXES_USERNAME_CALLABLE = "accounts.signin.axes_username"
AXES_CLIENT_IP_CALLABLE = "accounts.signin.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # failures and lockouts are still logged; no banner on every command
# Failed sign-ins per client address across all accounts (spraying many accounts from one
# address), and password-reset mails per address and per client address, in the cache.
SIGNIN_IP_RATE = rate(env("SIGNIN_IP_RATE", default="30/hour"))
RESET_EMAIL_RATE = rate(env("PASSWORD_RESET_RATE", default="3/hour"))
RESET_IP_RATE = rate(env("PASSWORD_RESET_IP_RATE", default="10/hour"))

# Signed-in sessions end after SESSION_IDLE_MINUTES without a request: activity moves the
# expiry on (accounts.middleware.IdleTimeout), so inactivity ends a session.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60

# The second factor (django-otp): TOTP apps show "Aspire"; the admin shows staff neither the
# keys nor the recovery codes of others (they may delete a device to let someone re-enrol).
OTP_TOTP_ISSUER = "Aspire"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000

# What one imported or uploaded file may hold (exchange/limits.py), checked before it is
# parsed: every door (the admin's import, a PI's upload, import_data) reads through them.
# 100,000 proposals are a 15 MB CSV, or an XLSX of 4 MB that unpacks to 60 MB.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=50) * 1024 * 1024
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_MB", default=300) * 1024 * 1024
# Spreadsheets pack their XML 5 to 30 times; a zip bomb hundreds of times.
IMPORT_MAX_PACKING_RATIO = env.int("IMPORT_MAX_PACKING_RATIO", default=100)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=100)  # no kind has a fifth as many
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=5_000_000)
# Imports (previews, confirmations, PI uploads) one person may have waiting or running.
IMPORT_JOBS_PER_USER = env.int("IMPORT_JOBS_PER_USER", default=2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.APIKeyAuthentication",
        "api.authentication.BearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadOnlyUnlessAllowed"],
    "DEFAULT_FILTER_BACKENDS": [
        "api.filters.KnownParameters",  # an unknown parameter is a 400 naming it
        "api.filters.ProgramScope",  # a key scoped to programs reads only theirs
        "api.filters.FilterBackend",
        "api.filters.Ordering",  # one of the listed orderings, else 400
    ],
    # Scores, targets and budgets are JSON numbers, not strings.
    "COERCE_DECIMAL_TO_STRING": False,
    # Machines send JSON: one body format to document and to validate.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "api.renderers.CSVRenderer",
        "api.renderers.XLSXRenderer",
        "api.renderers.JSONLinesRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerCallerThrottle"],
    "DEFAULT_THROTTLE_RATES": {"caller": env("API_RATE", default="1000/hour")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.handler",
}
# Browser origins that may call the API (django-cors-headers), e.g.
# CORS_ALLOWED_ORIGINS=https://ris.example.ac.jp; none by default. Keys are headers, never
# cookies, so no credentials are allowed across origins.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Location", "X-RateLimit-Limit", "X-RateLimit-Remaining"]
# Days a new API key is valid unless its maker chooses another expiry.
API_KEY_DAYS = env.int("API_KEY_DAYS", default=365)
SPECTACULAR_SETTINGS = {
    "TITLE": "Aspire API",
    "DESCRIPTION": "Programs, calls, proposals, projects, outputs and evaluation figures. "
    "Send `Authorization: Token <key>`; keys come from `manage.py create_api_client`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are public: they describe the API, never its data.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # The docs page loads Swagger UI from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A body's schema apart from the answer's: read-only fields are not asked, required
    # text is at least one character.
    "COMPONENT_SPLIT_REQUEST": True,
    # An event's kind is read and written by two serializers: one enum, named for it.
    "ENUM_NAME_OVERRIDES": {"EventKindEnum": "projects.models.EventKind"},
    # Every error status, downloads as files, parameters as the server reads them.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document",
    ],
}

# Reviewers (issue 14): conflicts of interest and proposal documents (calls/conflicts.py).
CONFLICT_YEARS = env.int("CONFLICT_YEARS", default=3)  # a past institution conflicts this long
OPENALEX_API_URL = env("OPENALEX_API_URL", default="https://api.openalex.org")
OPENALEX_TIMEOUT = env.float("OPENALEX_TIMEOUT", default=3)
PROPOSAL_FILE_MAX_BYTES = env.int("PROPOSAL_FILE_MAX_BYTES", default=20 * 1024 * 1024)
# Reviewers are reminded these days before their reviews are due; overdue notices weekly.
REVIEW_REMINDER_DAYS_BEFORE = tuple(
    env.list("REVIEW_REMINDER_DAYS_BEFORE", cast=int, default=[7, 1])
)
