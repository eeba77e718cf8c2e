"""Settings for Digitale Hilfe, read from environment variables.

Every setting has a safe development default so that `make run` works on a fresh
machine; production (DEBUG=false) refuses to start without a real SECRET_KEY.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

import dj_database_url
import holidays
import phonenumbers
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from helpdesk.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name this server's host names when DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "helpdesk.apps.CoordinatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_q",
    "phonenumber_field",
    "neighborhoods",
    "bookings",
    "coordination",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "coordination.audit.AuditActorMiddleware",
    "helpdesk.security.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "helpdesk.security.NoStoreForSignedInMiddleware",
    # Last, so it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"

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
                "helpdesk.city.city",
                "bookings.roles.role_context",
            ],
        },
    },
]

WSGI_APPLICATION = "helpdesk.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No server-side cursors for QuerySet.iterator() (form choices use it): each costs
    # extra round trips, and one left half-read is closed by the garbage collector at
    # any moment, which can deadlock psycopg on its own connection (see _search.py).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # Kept connections (DATABASE_CONN_MAX_AGE > 0, as under gunicorn) are checked before
    # reuse, so a database restart costs one reconnect, not an error page.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server, and each statement a connection runs a fifth time
    # prepared, so PostgreSQL reuses its plan: planning cost it more CPU than running the
    # queries of a page (the confirmation's join of seven tables: 1.5 ms planning, 0.2 ms
    # running). Off behind a connection pooler that cannot keep prepared statements.
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Added to what DATABASE_URL asks for (?sslmode=require and the like).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two bookings never interleave their
    # check and insert; the timeout lets the web app and the worker share the file.
    # WAL lets readers go on while the worker writes, and with synchronous=NORMAL a commit
    # no longer waits for the disk each time (still safe against a crash of the app).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that reads the staff role groups with the user, in one query.
    "bookings.roles.RoleBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
# whitenoise serves the collected files in production, with hashed names and gzip/brotli.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

PHONENUMBER_DEFAULT_REGION = "DE"
PHONENUMBER_DEFAULT_FORMAT = "E164"

# The town this runs for (issue 15: another town sets these, see docs/other-town.md).
# Public holidays of this state close every office (ISO 3166-2 subdivision of DE).
HOLIDAY_STATE = env_str("HOLIDAY_STATE", "RP")
if HOLIDAY_STATE not in holidays.Germany.subdivisions:
    raise ImproperlyConfigured(
        f"HOLIDAY_STATE must be one of {', '.join(holidays.Germany.subdivisions)}, "
        f"not {HOLIDAY_STATE!r}"
    )
CITY_NAME = env_str("CITY_NAME", "Kaiserslautern")
# A static file (e.g. "img/logo.svg" in static/) shown on the public pages and posters.
CITY_LOGO = env_str("CITY_LOGO")
# The public pages' "Rufen Sie uns an": one number for the whole town, else each office's.
BOOKING_PHONE = env_str("BOOKING_PHONE").strip()
if BOOKING_PHONE:
    try:
        BOOKING_PHONE = phonenumbers.format_number(
            phonenumbers.parse(BOOKING_PHONE, "DE"), phonenumbers.PhoneNumberFormat.E164
        )
    except phonenumbers.NumberParseException as exc:
        raise ImproperlyConfigured(f"BOOKING_PHONE is no phone number: {exc}") from exc
# Public pages are cached this many seconds (per address and language).
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 60)
# The last words of every SMS and call to seniors (e.g. "Ihre Digitale Hilfe Landstuhl");
# empty: none, as in the demo city. Written in GSM-7 when sent; short, so that a text
# still fits into two SMS segments (names are cut first, see bookings/outbox/texts.py).
MESSAGE_SIGNATURE = env_str("MESSAGE_SIGNATURE").strip()
MESSAGE_SIGNATURE_MAX = 30
if len(MESSAGE_SIGNATURE) > MESSAGE_SIGNATURE_MAX:
    raise ImproperlyConfigured(
        f"MESSAGE_SIGNATURE must be at most {MESSAGE_SIGNATURE_MAX} characters long."
    )

# Personal data of seniors is anonymised this many months after their last appointment.
ANONYMISE_AFTER_MONTHS = env_int("ANONYMISE_AFTER_MONTHS", 12)
# Texts of replies and phone numbers in the message tables are removed after this many days.
MESSAGE_RETENTION_DAYS = env_int("MESSAGE_RETENTION_DAYS", 90)

# The controller (Verantwortliche Stelle) and data-protection officer named on the
# privacy notice (/datenschutz/). The placeholders say plainly that they must be set.
PRIVACY_CONTROLLER_NAME = env_str("PRIVACY_CONTROLLER_NAME", "Stadtverwaltung (bitte eintragen)")
PRIVACY_CONTROLLER_ADDRESS = env_str(
    "PRIVACY_CONTROLLER_ADDRESS", "Anschrift der Stadtverwaltung (bitte eintragen)"
)
PRIVACY_CONTROLLER_EMAIL = env_str("PRIVACY_CONTROLLER_EMAIL", "datenschutz@example.org")
PRIVACY_CONTROLLER_PHONE = env_str("PRIVACY_CONTROLLER_PHONE", "")
PRIVACY_DPO_CONTACT = env_str(
    "PRIVACY_DPO_CONTACT", "Datenschutzbeauftragte/r der Stadt (bitte eintragen)"
)

# Messages to seniors: quiet hours (local time) and the time of the day-before reminder.
QUIET_HOURS_START = env_int("QUIET_HOURS_START", 20)
QUIET_HOURS_END = env_int("QUIET_HOURS_END", 9)
REMINDER_HOUR = env_int("REMINDER_HOUR", 10)
# A free workshop seat offered to the waiting list: hours to answer, and the answer is
# due at the latest this many hours before the workshop begins.
SEAT_OFFER_HOURS = env_int("SEAT_OFFER_HOURS", 24)
SEAT_OFFER_CLOSES_HOURS_BEFORE = env_int("SEAT_OFFER_CLOSES_HOURS_BEFORE", 3)

# Video appointments: a room link per appointment, "{room}" replaced by an unguessable
# name (e.g. https://bbb.example.de/rooms/{room}), or a base URL it is appended to
# (Jitsi). Empty: no video service; the helper sets the call up and the texts say so.
VIDEO_ROOM_URL = env_str("VIDEO_ROOM_URL")
if VIDEO_ROOM_URL and not VIDEO_ROOM_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"VIDEO_ROOM_URL must be an http(s) URL, not {VIDEO_ROOM_URL!r}")

# Twilio: without credentials, messages go to the console backend.
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER")
TWILIO_API_BASE_URL = env_str("TWILIO_API_BASE_URL", "https://api.twilio.com")
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Seconds to wait for Twilio's answer; a slower one counts as "may have been sent".
TWILIO_TIMEOUT_SECONDS = env_float("TWILIO_TIMEOUT_SECONDS", 10)
# How long a worker holds the rows it claimed (a few at a time); a killed worker's rows
# wait this long. A row is sent only while two Twilio timeouts of its lease are left.
OUTBOX_LEASE_SECONDS = env_float("OUTBOX_LEASE_SECONDS", 120)
# A dispatch run stops claiming after this long; with a lookup and a send (two Twilio
# timeouts) for the rows it holds, it stays below Q_CLUSTER's timeout (50 s).
OUTBOX_RUN_SECONDS = env_float("OUTBOX_RUN_SECONDS", 25)
# Messages one worker process sends side by side (threads). Sending mostly waits for
# Twilio, so a worker sends about this many messages per answer time (8 at 100 ms: up to
# 80 a second); more worker processes (Q_WORKERS) add as many again while the CPU lasts.
OUTBOX_SEND_THREADS = env_int("OUTBOX_SEND_THREADS", 8)
MESSAGE_BACKEND = "twilio" if TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN else "console"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# For the file backends (e.g. bookings.outbox.transports.mail_backends.OneFilePerMessageBackend).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "digitale-hilfe@localhost")
# With EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (production):
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# django-q2: the ORM broker needs no other service; Q_BROKER=redis uses REDIS_URL.
Q_CLUSTER = {
    "name": "digitale-hilfe",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": 50,
    "retry": 60,
    "max_attempts": 3,
    "catch_up": False,
    "sync": env_bool("Q_SYNC", False),
    "label": _("Hintergrundaufgaben"),
}
if env_str("Q_BROKER", "orm") == "redis":
    Q_CLUSTER["redis"] = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
else:
    Q_CLUSTER["orm"] = "default"

# Staff see personal data: a session ends after this many minutes without a request
# (helpdesk.security.IdleTimeoutMiddleware); the cookie and the stored session expire
# a little later, for sessions nobody comes back to.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = (SESSION_IDLE_MINUTES + 5) * 60
# Django's database sessions, read with one fixed SQL statement (every request reads one).
SESSION_ENGINE = "helpdesk.sessions"

# django-axes: after LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked out for LOGIN_LOCKOUT_MINUTES (login page and admin).
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "helpdesk.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "helpdesk.security.client_ip"

# Content-Security-Policy (django-csp): scripts only from this server, never inline.
# Styles allow inline attributes: Django's admin and htmx's indicator style use them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Behind nginx (BEHIND_PROXY=true) the scheme comes from X-Forwarded-Proto and the
# client's address from the last X-Forwarded-For entry, which nginx itself appended.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer may ask for the health over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^gesundheit/$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# The health endpoint reports a problem when a due message has waited longer than this.
HEALTH_OUTBOX_MAX_DELAY_MINUTES = env_int("HEALTH_OUTBOX_MAX_DELAY_MINUTES", 15)

# The console backend logs that a message would be sent, with the number shortened;
# the text itself only with CONSOLE_MESSAGE_BODIES=true (development, demo data only).
CONSOLE_MESSAGE_BODIES = env_bool("CONSOLE_MESSAGE_BODIES", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # These print personal data at DEBUG, so not even LOG_LEVEL=DEBUG lets them: SQL
    # parameters (phone numbers, names), the context of a template's missing variable,
    # and the URLs of Twilio look-ups (`?To=+49…`).
    "loggers": {
        "django.db.backends": {"level": logging.getLevelName(logging.WARNING)},
        "django.template": {"level": logging.getLevelName(logging.INFO)},
        "urllib3": {"level": logging.getLevelName(logging.WARNING)},
        # django-axes reports every successful login at INFO; only lockouts matter.
        "axes": {"level": logging.getLevelName(logging.WARNING)},
    },
}
