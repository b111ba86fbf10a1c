"""Settings, read from the environment in this one place (12-factor).

DEBUG defaults to off; there is no production default for SECRET_KEY; a malformed
value fails loudly at start-up. A checkout set up by `make setup` also has `var/xindai.env`
(xindai/localconfig.py): its values fill in what the environment does not set.
"""

import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

from xindai import localconfig, localpg
from xindai.core.env import env_bool, env_int, env_list, env_str

localconfig.load()

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent  # the repository: var/, node_modules/

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

# Behind HTTPS unless told otherwise when DEBUG is off: secure cookies, HSTS, redirects.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe speaks plain HTTP to the web process
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", default=False) else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=8 * 3600)  # one working day
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram indexes (pg_trgm) for searching fragments
    "django.forms",
    "django_filters",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "xindai.core",
    "xindai.jobs",
    "xindai.org",
    "xindai.messaging",
    "xindai.customers",
    "xindai.loans",
    "xindai.repayments",
    "xindai.printing",
    "xindai.imports",
    "xindai.reports",
    "xindai.collateral",
    "xindai.postloan",
    "xindai.credit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "xindai.api",  # the edge: /api/v1 over every business app (none imports it)
    "xindai.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xindai.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "xindai.core.middleware.StripNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "xindai.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "xindai.urls"
# `xindai serve` (gunicorn): processes × threads; each thread holds at most one database connection.
WEB_BIND = env_str("WEB_BIND", default="127.0.0.1:8000")
WEB_WORKERS = env_int("WEB_WORKERS", default=2)
WEB_THREADS = env_int("WEB_THREADS", default=6)
WEB_TIMEOUT_S = env_int("WEB_TIMEOUT_S", default=60)
WEB_MAX_REQUESTS = env_int("WEB_MAX_REQUESTS", default=5000)
WEB_ACCESS_LOG = env_bool("WEB_ACCESS_LOG", default=False)
WEB_FORWARDED_ALLOW_IPS = env_str("WEB_FORWARDED_ALLOW_IPS", default="127.0.0.1")
WSGI_APPLICATION = "xindai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xindai.org.context_processors.frame",
                "xindai.jobs.context_processors.worker_notice",
            ],
            "builtins": ["xindai.core.templatetags.xindai", "xindai.core.templatetags.rows"],
        },
    }
]
FORM_RENDERER = "xindai.core.forms.BootstrapFormRenderer"

# PostgreSQL is the only database. DATABASE_URL names a server (production); without it, a
# checkout set up by `make setup` (EMBEDDED_POSTGRES=1 in var/xindai.env) uses the embedded
# server under var/pg, started on the first connection (xindai/localpg).
DATABASE_URL = env_str("DATABASE_URL", default="")
CONN_MAX_AGE = env_int("CONN_MAX_AGE", default=0)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE)}
    DATABASES["default"]["NAME"] = env_str("DATABASE_NAME", default=DATABASES["default"]["NAME"])
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"DATABASE_URL must name a PostgreSQL database (postgres://…): {DATABASE_URL!r}.")
elif env_bool("EMBEDDED_POSTGRES", default=False):
    _data_dir = Path(env_str("EMBEDDED_POSTGRES_DIR", default=str(localpg.DEFAULT_DATA_DIR))).resolve()
    DATABASES = {
        "default": {
            "ENGINE": "xindai.localpg",
            "NAME": env_str("DATABASE_NAME", default="xindai"),
            "USER": localpg.SUPERUSER,
            "HOST": str(localpg.socket_dir(_data_dir)),
            "PORT": str(localpg.PORT),
            "DATA_DIR": str(_data_dir),
            "CONN_MAX_AGE": CONN_MAX_AGE,
        }
    }
else:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set: give it a PostgreSQL URL (postgres://user:password@host:5432/name), "
        "or run `make setup` for this checkout's embedded PostgreSQL."
    )
# JIT compiles a query whose estimated cost is high; for these short interactive queries the
# compilation alone took a second (the overdue list as of a past date), never repaid. The book
# lives in memory or on SSDs: at the default random_page_cost (4, spinning disks) the planner
# chose a 300 ms scan of every installment over a 6 ms bitmap of the partial indexes.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"
if env_bool("DB_PGBOUNCER_TRANSACTION", default=False):  # PgBouncer in transaction pooling (README, Production)
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    del DATABASES["default"]["OPTIONS"]["options"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Uploaded import files between the check and the import (deleted once imported or refused), and
# the result files of background jobs: outside the checkout, under the system's temporary folder
# unless set (production: a folder on the server's data disk).
XINDAI_IMPORT_DIR = env_str("IMPORT_DIR", default=str(Path(tempfile.gettempdir()) / "xindai" / "imports"))
JOB_RESULT_DIR = env_str("JOB_RESULT_DIR", default=str(Path(tempfile.gettempdir()) / "xindai" / "results"))
FIGURES_CACHE_S = env_int("FIGURES_CACHE_S", default=60)  # reports and home totals kept (core/figures.py)
PRINT_INLINE_MAX = env_int("PRINT_INLINE_MAX", default=200)  # more receipts than this print in the background
EXPORT_INLINE_ROWS = env_int("EXPORT_INLINE_ROWS", default=5000)  # larger list exports run as background jobs
JOB_KEEP = timedelta(hours=env_int("JOB_KEEP_HOURS", default=72))  # a job's result file is deleted after this

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env_str("REDIS_URL", default=""):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL")}

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "xindai.org.auth_backends.RolePermissionBackend",
    "xindai.org.auth_backends.SmsCodeBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "xindai.org.passwords.LettersAndDigitsValidator"},
]

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site only —
# no inline script or style attribute anywhere (behaviour lives in static/xindai/*.js).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# /api/v1 (xindai/api): Django REST framework with drf-spectacular's OpenAPI schema; tokens only
# (no session, so no CSRF), problem JSON errors, cursor pages, a rate limit per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["xindai.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["xindai.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "xindai.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
API_RATE_LIMIT = env_str("API_RATE_LIMIT", default="1200/m")  # requests per token
SPECTACULAR_SETTINGS = {
    "TITLE": "Xindai 信贷 API",
    "DESCRIPTION": (
        "/api/v1: what the token's user sees on the pages — the same data scope, permissions and "
        "masking. Errors are RFC 9457 problem JSON with a Chinese `detail`; money is a string with two "
        "decimals; dates are ISO 8601."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# django-axes: hold a (username, address) pair after repeated failed passwords, with a delay that
# grows from one minute (xindai/org/lockout.py); never the account or the address alone.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES_MAX = env_int("AXES_COOLOFF_MINUTES", default=30)
AXES_COOLOFF_TIME = "xindai.org.lockout.cooloff"
AXES_USE_ATTEMPT_EXPIRATION = True  # each pair's attempts expire on their own delay
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "xindai.core.middleware.client_ip"
# The reverse proxies whose X-Forwarded-For is believed (comma-separated addresses); none by default,
# so a client cannot choose the address its failures are counted under.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", default=[])
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "xindai.org.views_auth.locked_out"
AXES_VERBOSE = False

# SMS login codes (手机短信验证登录)
LOGIN_CODE_TTL = timedelta(minutes=5)
LOGIN_CODE_MAX_TRIES = 5
LOGIN_CODE_LIMITS = ((timedelta(minutes=1), 1), (timedelta(hours=1), 5), (timedelta(days=1), 10))

# Message gateway: like Django's e-mail backends. "console" (default) and "locmem" (tests)
# are built in; the messaging issue adds real providers behind the same seam.
SMS_BACKEND = env_str("SMS_BACKEND", default="console")
VOICE_BACKEND = env_str("VOICE_BACKEND", default="console")  # console | locmem | aliyun | tencent
SMS_REPORT_SECRET = env_str("SMS_REPORT_SECRET", default="")  # in the delivery-report URLs given to the providers
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME", default="张掖城商行")  # 【签名】 the provider puts before each SMS

# SMS providers (SMS_BACKEND=aliyun | tencent | http). Each key comes from the environment variable
# named after it; xindai/messaging/backends/config.py reads them when a message goes out.
SMS_ALIYUN = {
    "ACCESS_KEY_ID": env_str("ALIYUN_SMS_ACCESS_KEY_ID", default=""),
    "ACCESS_KEY_SECRET": env_str("ALIYUN_SMS_ACCESS_KEY_SECRET", default=""),
    "SIGN_NAME": env_str("ALIYUN_SMS_SIGN_NAME", default=SMS_SIGN_NAME),  # 短信签名 approved at Aliyun
    "ENDPOINT": env_str("ALIYUN_SMS_ENDPOINT", default="dysmsapi.aliyuncs.com"),
    "PROTOCOL": env_str("ALIYUN_SMS_PROTOCOL", default="https"),
    "REGION_ID": env_str("ALIYUN_SMS_REGION_ID", default="cn-hangzhou"),
    "TIMEOUT_MS": env_int("ALIYUN_SMS_TIMEOUT_MS", default=5000),
}
SMS_TENCENT = {
    "SECRET_ID": env_str("TENCENT_SMS_SECRET_ID", default=""),
    "SECRET_KEY": env_str("TENCENT_SMS_SECRET_KEY", default=""),
    "SDK_APP_ID": env_str("TENCENT_SMS_SDK_APP_ID", default=""),  # SmsSdkAppId, e.g. 1400006666
    "SIGN_NAME": env_str("TENCENT_SMS_SIGN_NAME", default=SMS_SIGN_NAME),
    "REGION": env_str("TENCENT_SMS_REGION", default="ap-guangzhou"),
    "ENDPOINT": env_str("TENCENT_SMS_ENDPOINT", default="sms.tencentcloudapi.com"),
    "PROTOCOL": env_str("TENCENT_SMS_PROTOCOL", default="https"),
    "TIMEOUT_MS": env_int("TENCENT_SMS_TIMEOUT_MS", default=5000),
}
SMS_HTTP = {
    "URL": env_str("SMS_HTTP_URL", default=""),
    "FORMAT": env_str("SMS_HTTP_FORMAT", default="form"),  # query (GET) | form (POST form) | json (POST JSON)
    "FIELDS": env_str("SMS_HTTP_FIELDS", default="mobile=mobile&text=content"),  # ours=theirs
    "EXTRA": env_str("SMS_HTTP_EXTRA", default=""),  # constant parameters: account=...&password=...
    "HEADERS": env_str("SMS_HTTP_HEADERS", default=""),
    "CHARSET": env_str("SMS_HTTP_CHARSET", default="utf-8"),
    "SUCCESS": env_str("SMS_HTTP_SUCCESS", default=""),  # json:<path>=<value> | contains:<text> | regex:<pattern>
    "PROVIDER_ID": env_str("SMS_HTTP_PROVIDER_ID", default=""),
    "ERROR_CODE": env_str("SMS_HTTP_ERROR_CODE", default=""),
    "ERROR_MESSAGE": env_str("SMS_HTTP_ERROR_MESSAGE", default=""),
    "RETRY_CODES": env_list("SMS_HTTP_RETRY_CODES", default=[]),
    "TIMEOUT_MS": env_int("SMS_HTTP_TIMEOUT_MS", default=5000),
    "REPORT_LIST": env_str("SMS_HTTP_REPORT_LIST", default=""),
    "REPORT_FIELDS": env_str("SMS_HTTP_REPORT_FIELDS", default=""),
    "REPORT_SUCCESS": env_list("SMS_HTTP_REPORT_SUCCESS", default=["DELIVRD"]),
    "REPORT_ANSWER": env_str("SMS_HTTP_REPORT_ANSWER", default="OK"),
}
# Field names of a generic platform's inbound push, ours=theirs (sender, text, id, time).
SMS_HTTP_INBOUND_FIELDS = dict(
    pair.split("=", 1)
    for pair in env_str("SMS_HTTP_INBOUND_FIELDS", default="sender=mobile&text=content&id=id&time=time").split("&")
    if "=" in pair
)
# Voice providers (VOICE_BACKEND=aliyun | tencent), read at call time. Keys default to the SMS ones.
VOICE_ALIYUN = {
    "ACCESS_KEY_ID": env_str("ALIYUN_VOICE_ACCESS_KEY_ID", default=env_str("ALIYUN_SMS_ACCESS_KEY_ID", default="")),
    "ACCESS_KEY_SECRET": env_str(
        "ALIYUN_VOICE_ACCESS_KEY_SECRET", default=env_str("ALIYUN_SMS_ACCESS_KEY_SECRET", default="")
    ),
    "CALLED_SHOW_NUMBER": env_str("ALIYUN_VOICE_CALLED_SHOW_NUMBER", default=""),  # empty: public-pool mode
    "ENDPOINT": env_str("ALIYUN_VOICE_ENDPOINT", default="dyvmsapi.aliyuncs.com"),
    "PROTOCOL": env_str("ALIYUN_VOICE_PROTOCOL", default="https"),
    "REGION_ID": env_str("ALIYUN_VOICE_REGION_ID", default="cn-hangzhou"),
    "TIMEOUT_MS": env_int("ALIYUN_VOICE_TIMEOUT_MS", default=5000),
    "PLAY_TIMES": env_int("ALIYUN_VOICE_PLAY_TIMES", default=0),  # 1-3; 0 = Aliyun's default (3)
    "SPEED": env_int("ALIYUN_VOICE_SPEED", default=0),  # -500..500; 0 = normal
}
VOICE_TENCENT = {
    "SECRET_ID": env_str("TENCENT_VOICE_SECRET_ID", default=env_str("TENCENT_SMS_SECRET_ID", default="")),
    "SECRET_KEY": env_str("TENCENT_VOICE_SECRET_KEY", default=env_str("TENCENT_SMS_SECRET_KEY", default="")),
    "SDK_APP_ID": env_str("TENCENT_VOICE_SDK_APP_ID", default=""),  # VoiceSdkAppid (the voice app, not the SMS one)
    "REGION": env_str("TENCENT_VOICE_REGION", default="ap-guangzhou"),
    "ENDPOINT": env_str("TENCENT_VOICE_ENDPOINT", default="vms.tencentcloudapi.com"),
    "PROTOCOL": env_str("TENCENT_VOICE_PROTOCOL", default="https"),
    "TIMEOUT_MS": env_int("TENCENT_VOICE_TIMEOUT_MS", default=5000),
    "PLAY_TIMES": env_int("TENCENT_VOICE_PLAY_TIMES", default=0),  # 1-3; 0 = Tencent's default (2)
}
# The providers' approved template for sign-in codes (its one variable is named "code").
SMS_LOGIN_TEMPLATE_CODE = env_str("SMS_LOGIN_TEMPLATE_CODE", default="")

# The worker's queue: Django's tasks framework on the database (django-tasks-db), so `make run`
# needs no broker and several workers share the queue. `xindai worker` runs it with the clock.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# The outbox: a worker claims this many messages at a time; a claim not confirmed within the
# timeout (its worker died) goes back to the queue.
OUTBOX_CLAIM_SIZE = env_int("OUTBOX_CLAIM_SIZE", default=20)
OUTBOX_CLAIM_TIMEOUT = timedelta(seconds=env_int("OUTBOX_CLAIM_TIMEOUT_S", default=600))
# Workers write a heartbeat this often; none seen for WORKER_DEAD_AFTER while messages wait is
# shown in red to the users who send messages or run the system, and by /healthz and `xindai check`.
WORKER_HEARTBEAT_S = env_int("WORKER_HEARTBEAT_S", default=10)
WORKER_DEAD_AFTER = timedelta(seconds=env_int("WORKER_DEAD_AFTER_S", default=120))
# What the worker's clock enqueues, and every how many seconds.
WORKER_CLOCK = [
    ("xindai.messaging.reminders.run_reminders", 60),
    ("xindai.messaging.outbox.deliver_messages", env_int("WORKER_SWEEP_S", default=30)),
    ("xindai.jobs.services.housekeeping", 60),
    ("xindai.loans.tasks.run_repricing", 3600),  # LPR repricing dates that have come (idempotent)
    ("xindai.credit.tasks.expire_requests", 300),  # approval requests past their time (idempotent)
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
FORMAT_MODULE_PATH = ["xindai.formats"]  # dates one way in every language: 2026-03-20
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/bootstrap", _NODE / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _NODE / "bootstrap-icons" / "font"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ("vendor/tom-select", _NODE / "tom-select" / "dist"),
    ("vendor/echarts", _NODE / "echarts" / "dist"),
]
WHITENOISE_USE_FINDERS = True  # serve straight from the package folders as well as STATIC_ROOT

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},  # ~30 lines per PDF
        # Django's own console handler printed every 403's traceback a second time beside the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("— choose —")  # django-filter's "nothing chosen", as on every form

XINDAI_BANK_NAME = env_str("BANK_NAME", default="张掖市城市商业银行")
