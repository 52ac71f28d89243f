"""Quayside settings: one module, every value from the environment through strict readers.

Defaults are the embedded ones (SQLite and a filesystem Celery broker under var/), so a fresh
clone runs with no server. DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis.
"""

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from kombu import Queue

from quayside.environment import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QUAYSIDE_VAR_DIR", str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on; production must set its own.
_DEVELOPMENT_SECRET_KEY = "django-insecure-quayside-development-only-key"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEVELOPMENT_SECRET_KEY if DEBUG else None)
if not DEBUG and SECRET_KEY == _DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set to a private value when DEBUG is off.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else None)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "accounts",
    "courses",
    "assessments",
    "practicals",
    "certificates",
    "lms",
    "lti_tool",
    "lti",
    "coursepackages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session and CSRF middleware, so it sees (and marks) the cookies they set.
    "lti.middleware.EmbeddedCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF: its process_view reads (and spools) POST bodies.
    "quayside.request_limits.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Inside X-Frame-Options: lets the LMS that launched a session frame its pages.
    "lti.middleware.EmbeddedFrameMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the view into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "quayside.urls"
WSGI_APPLICATION = "quayside.wsgi.application"

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
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'quayside.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# django-axes watches every authentication (portal and admin log-in) before the model backend.
AUTHENTICATION_BACKENDS = [
    "accounts.login_throttle.LogInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "courses:home"
LOGOUT_REDIRECT_URL = "courses:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# WhiteNoise serves from here; it must exist even before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Development writes mail to files under var/mail; production sends it over SMTP.
_FILE_MAILER = "django.core.mail.backends.filebased.EmailBackend"
_SMTP_MAILER = "django.core.mail.backends.smtp.EmailBackend"
_mailer_backend = env_str("EMAIL_BACKEND", _FILE_MAILER if DEBUG else _SMTP_MAILER)
_mailer_options: dict[str, object] = {}
if _mailer_backend == _FILE_MAILER:
    _mailer_options = {"file_path": str(VAR_DIR / "mail")}
elif _mailer_backend == _SMTP_MAILER:
    _mailer_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587, minimum=1, maximum=65535),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=True),
        "timeout": env_int("EMAIL_TIMEOUT_SECONDS", 10, minimum=1),
    }
MAILERS = {"default": {"BACKEND": _mailer_backend, "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Quayside <no-reply@quayside.localhost>")

# Security: strict when DEBUG is off; each switch can be relaxed explicitly behind a TLS proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Container healthchecks probe plain HTTP from inside; a redirect to HTTPS would fail them.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Hardening against probing (issue 11, part 4) ---------------------------------------------------
# Client addresses: X-Forwarded-For is read only when NUM_PROXIES trusted proxies stand in front
# (their count, from the right of the header); with 0 the socket's address is the client. Rate
# limits (DRF throttles, log-in lockouts) all key on quayside.client_address.
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0, maximum=10)

# Request bodies: capped from Content-Length before anything reads them (quayside.request_limits);
# views that take files (archives, credentials, question imports) declare their own cap.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 2_621_440, minimum=65_536)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
# Uploads up to this size stay in memory; larger ones (already under their view's cap) are
# spooled to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Log-in throttling with django-axes: portal and admin log-ins alike. LOGIN_FAILURE_LIMIT
# failures for one account (from any address), or from one address (for any account), lock
# further attempts out for LOGIN_LOCKOUT_MINUTES; a successful log-in clears the count.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.login_throttle.login_account_key"
AXES_CLIENT_IP_CALLABLE = "quayside.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.login_throttle.lockout_response"
# Only failures are recorded (expired ones are dropped); successful log-ins are not logged.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Each rename reissues the learner's certificates: at most this many renames a day.
DISPLAY_NAME_CHANGES_PER_DAY = env_int("DISPLAY_NAME_CHANGES_PER_DAY", 3, minimum=1)

# Content-Security-Policy on every response (Django's own middleware). Scripts only from our
# static files, no inline script or style, images only from us (course and question Markdown may
# name an external image: the sanitiser drops it, and the browser would refuse it too).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Celery. The database is the source of truth for jobs; these settings keep a message from being
# lost when a worker dies: acknowledge after the task ran, requeue on worker loss, one at a time.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
LONGEST_JOB_SECONDS = env_int("LONGEST_JOB_SECONDS", 900, minimum=60)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    # Must exceed the longest job, or a broker such as Redis redelivers a job still running.
    "visibility_timeout": LONGEST_JOB_SECONDS * 2,
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Connecting to a Redis that is down fails fast instead of hanging the request.
    CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = 2
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        # Without it kombu writes its exchange table to ./control, wherever the process runs.
        "control_folder": str(_broker_dir / "control"),
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
# A request that sends a message must not hang on a broker that is down: a few quick tries, then
# the robust enqueue (quayside/enqueue.py) gives up, and the sweepers resend from the database.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# Workers wait for a restarting broker rather than exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = (Queue("default"), Queue("grading"), Queue("certificates"))
# Grading jobs and their upkeep run where the Docker engine is; certificates have their own queue
# so a burst of PDF renders never delays a grading. Everything else goes to "default".
CELERY_TASK_ROUTES = {
    "practicals.grade_submission": {"queue": "grading"},
    "practicals.remove_grading_leftovers": {"queue": "grading"},
    "certificates.*": {"queue": "certificates"},
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # No attempt stays open past its deadline for more than a minute, even if nobody looks at it.
    "finalise-expired-attempts": {
        "task": "assessments.finalise_expired_attempts",
        "schedule": 60.0,
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

DOCKER_HOST = env_str("DOCKER_HOST", "unix:///var/run/docker.sock")

# Practical grading (practicals app). A worker's claim on a job is a lease that a background
# thread renews three times per period while the worker lives; when a worker dies the lease runs
# out and another worker takes the job over. Keep it well under the broker's visibility timeout.
GRADING_LEASE_SECONDS = env_int("GRADING_LEASE_SECONDS", 60, minimum=5)
# Jobs queued (or leased out) longer than this are re-enqueued by the sweeper.
GRADING_STUCK_AFTER_SECONDS = env_int("GRADING_STUCK_AFTER_SECONDS", 120, minimum=10)
GRADING_SWEEP_INTERVAL_SECONDS = env_int("GRADING_SWEEP_INTERVAL_SECONDS", 60, minimum=5)
# Infrastructure faults are retried this many times before the verdict becomes "error".
GRADING_MAX_CLAIMS = env_int("GRADING_MAX_CLAIMS", 5, minimum=1)
# The janitor removes labelled leftovers older than the longest job (they can no longer be in use).
# Each grading worker runs it on its own engine (several hosts may each have one).
GRADING_JANITOR_INTERVAL_SECONDS = env_int("GRADING_JANITOR_INTERVAL_SECONDS", 900, minimum=60)
# Each grading worker looks at its engine this often and reports it to the database (readiness
# and the admin show every engine); while its engine is down the worker takes no grading jobs.
GRADING_ENGINE_HEARTBEAT_SECONDS = env_int("GRADING_ENGINE_HEARTBEAT_SECONDS", 10, minimum=1)
# Learner builds reuse the layers of earlier graded builds (identical steps only), kept in a cache
# bounded by the bytes the cached images add to their bases and by a number of entries; oldest
# evicted first. 0 bytes turns the layer cache off (every build starts from scratch).
GRADING_BUILD_CACHE_BYTES = env_int("GRADING_BUILD_CACHE_BYTES", 2 * 1024**3, minimum=0)
GRADING_BUILD_CACHE_ENTRIES = env_int("GRADING_BUILD_CACHE_ENTRIES", 200, minimum=1)
# The OCI runtime of check containers: "" is the engine's default (runc); "runsc" runs them under
# gVisor, which must be registered with the engine (`scripts/ensure-docker` with
# QUAYSIDE_DOCKER_RUNSC=1). A worker whose engine cannot run it refuses to start.
GRADING_CHECK_RUNTIME = env_str("GRADING_CHECK_RUNTIME", "")
GRADER_IMAGE_CACHE_DIR = Path(
    env_str("GRADER_IMAGE_CACHE_DIR", "/var/cache/quayside/images")
).resolve()
# Git URL schemes the course sync page may clone (manage.py sync_course takes https, ssh, file).
# file:// would let a staff member read any repository on the server's disk: off by default.
COURSE_SYNC_GIT_SCHEMES = tuple(env_list("COURSE_SYNC_GIT_SCHEMES", ["https"]))
if not set(COURSE_SYNC_GIT_SCHEMES) <= {"https", "ssh", "file"}:
    raise ImproperlyConfigured("COURSE_SYNC_GIT_SCHEMES: choose among https, ssh, file.")
CELERY_BEAT_SCHEDULE |= {
    "sweep-stuck-submissions": {
        "task": "practicals.sweep_stuck_submissions",
        "schedule": float(GRADING_SWEEP_INTERVAL_SECONDS),
    },
}

# Certificate evaluations are recorded with each grade; the sweeper resends those still pending
# this long after their message was sent (the broker was down or the worker died).
CERTIFICATE_EVALUATION_STUCK_AFTER_SECONDS = env_int(
    "CERTIFICATE_EVALUATION_STUCK_AFTER_SECONDS", 120, minimum=5
)
CERTIFICATE_SWEEP_INTERVAL_SECONDS = env_int("CERTIFICATE_SWEEP_INTERVAL_SECONDS", 60, minimum=5)
CELERY_BEAT_SCHEDULE |= {
    "sweep-pending-certificate-evaluations": {
        "task": "certificates.sweep_pending_evaluations",
        "schedule": float(CERTIFICATE_SWEEP_INTERVAL_SECONDS),
    },
}

# Certificates. The Ed25519 issuer key ring lives outside the database, in a 0700 directory of
# 0600 files (created on first use); back it up, since credentials are verified against it.
CERTIFICATE_KEY_DIR = Path(env_str("CERTIFICATE_KEY_DIR", str(VAR_DIR / "keys"))).resolve()
CERTIFICATE_ISSUER_NAME = env_str("CERTIFICATE_ISSUER_NAME", "Quayside")
# Rendered PDFs go to the default storage (MEDIA_ROOT) under this prefix, served only by views.
CERTIFICATE_PDF_DIR = "certificates/pdf"

# LTI 1.3 tool and LMS integration (lti and lms apps) ------------------------------------------
# The tool's RSA key pairs (what LMSs verify our messages with) sit beside the certificate keys,
# in their own 0700 folder of 0600 files; rotation keeps the previous key in the JWKS a while.
LTI_KEY_DIR = Path(env_str("LTI_KEY_DIR", str(CERTIFICATE_KEY_DIR.parent / "lti-keys"))).resolve()
# How long a replaced key stays published, so platforms that cached the JWKS keep verifying.
LTI_KEY_OVERLAP_DAYS = env_int("LTI_KEY_OVERLAP_DAYS", 7, minimum=1)
# A launch from a registered platform with a deployment id nobody activated: refused (and
# recorded inactive for an administrator to activate) unless this is on.
LTI_ACTIVATE_NEW_DEPLOYMENTS = env_bool("LTI_ACTIVATE_NEW_DEPLOYMENTS", default=False)
# Outbound calls to LMSs (scores, rosters, webhooks) give up after this many seconds.
LMS_HTTP_TIMEOUT_SECONDS = env_int("LMS_HTTP_TIMEOUT_SECONDS", 10, minimum=1, maximum=120)
CELERY_TASK_ROUTES |= {"lti.*": {"queue": "default"}, "lms.*": {"queue": "default"}}
CELERY_BEAT_SCHEDULE |= {
    # Deliveries whose message was lost (a broker outage at enqueue time) are sent again.
    "sweep-lti-grade-deliveries": {"task": "lti.sweep_grade_deliveries", "schedule": 60.0},
    # Results that become visible without an event (after an exam closes) go back too.
    "refresh-lti-results": {"task": "lti.refresh_results", "schedule": 900.0},
    "sweep-webhook-deliveries": {"task": "lms.sweep_webhook_deliveries", "schedule": 60.0},
}

_THROTTLE_RATE = re.compile(r"^[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)$")


def _throttle_rate(name: str, default: str) -> str:
    rate = env_str(name, default)
    if not _THROTTLE_RATE.match(rate):
        raise ImproperlyConfigured(f"{name}={rate!r} is not a rate such as 60/min or 1000/hour.")
    return rate


def _cache(url: str) -> dict[str, object]:
    """The default cache from CACHE_URL: redis:// (production), file:///path or locmem://."""
    scheme, _, rest = url.partition("://")
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "quayside.cache.RedisCache", "LOCATION": url}
    if scheme == "file" and rest.startswith("/"):
        # Shared by every process on this machine (gunicorn workers count rate limits together).
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": rest,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL={url!r} is not redis://host:port/db, file:///absolute/path or locmem://."
    )


# API rate-limit counters live here: every web process must see the same one (Redis in
# production, files under var/ on the embedded defaults).
CACHES = {"default": _cache(env_str("CACHE_URL", f"file://{VAR_DIR / 'cache'}"))}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "lms.authentication.ServiceAccountAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "quayside.problem_details.ProblemAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "quayside.problem_details.problem_exception_handler",
    # Strict JSON (depth, repeated keys) for every view; see quayside.parsers.
    "DEFAULT_PARSER_CLASSES": [
        "quayside.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Throttles identify anonymous clients by address: X-Forwarded-For only behind NUM_PROXIES.
    "NUM_PROXIES": NUM_PROXIES,
    # The anon, user and scoped rates below, in one cache read and write per request.
    "DEFAULT_THROTTLE_CLASSES": ["quayside.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _throttle_rate("API_THROTTLE_ANON", "60/min"),
        "user": _throttle_rate("API_THROTTLE_USER", "1200/min"),
        # Starting and submitting attempts is costly and never needs to be fast.
        "attempt_transition": _throttle_rate("API_THROTTLE_ATTEMPT_TRANSITION", "30/min"),
        # Each practical submission builds and runs containers.
        "practical_submission": _throttle_rate("API_THROTTLE_PRACTICAL_SUBMISSION", "20/min"),
        # Pages that send mail about an account (accounts.mail_throttles), per submitted address
        # and per client address, so nobody is flooded with mail and nothing is learned by trying.
        "password_reset_account": _throttle_rate("PASSWORD_RESET_RATE_PER_ACCOUNT", "3/hour"),
        "password_reset_address": _throttle_rate("PASSWORD_RESET_RATE_PER_ADDRESS", "10/hour"),
        "sign_up_account": _throttle_rate("SIGN_UP_RATE_PER_ACCOUNT", "3/hour"),
        "sign_up_address": _throttle_rate("SIGN_UP_RATE_PER_ADDRESS", "10/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Quayside API",
    "DESCRIPTION": "Quizzes, practical grading and certificates for technical courses.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # What Django's path converters accept, so clients (and Schemathesis) send routable paths.
    "PATH_CONVERTER_OVERRIDES": {
        "int": {"type": "integer", "minimum": 0},
        "number": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
        "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
        "str": {"type": "string", "pattern": "^[^/]+$"},
    },
    "ENUM_NAME_OVERRIDES": {
        "QuestionTypeEnum": "assessments.models.questions.QUESTION_TYPE_CHOICES",
        "AttemptStatusEnum": "assessments.models.attempts.AttemptStatus",
        "SubmissionStatusEnum": "practicals.models.SubmissionStatus",
        "SubmissionKindEnum": "practicals.models.SubmissionKind",
        "VerdictEnum": "practicals.models.Verdict",
        "RunTriggerEnum": "practicals.models.RunTrigger",
    },
}

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # django-axes logs every successful log-in at INFO ("Deleted 0 failed login attempts");
    # lockouts, which matter, are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
