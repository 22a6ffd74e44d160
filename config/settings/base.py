"""Settings shared by every deployment; values come from the environment (see .env.example)."""

from pathlib import Path

import environ
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from config.database import database_from_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))
DATA_DIR = Path(env.str("RIANRU_DATA_DIR", default=str(BASE_DIR / "data")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="rianru-insecure-development-key-change-me-in-production")
# Earlier secret keys, still accepted (sessions, signed links) and still decrypting stored secrets.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "rianru.core",
    "rianru.frameworks",
    "rianru.network",
    "rianru.catalogue",
    "rianru.search",
    "rianru.lrs",
    "rianru.learners",
    "rianru.monitoring",
    "rianru.demo",
    "rianru.ops",
    "rianru.web",
    "django.contrib.admin",  # after rianru.web, whose admin/base_site.html gives the admin its Thai font
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rianru.web.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
# A city's home page and a partner's page compose catalogue data, so `web` (above network) owns them; the
# project, not the network models, links the rows to those pages (docs/decisions/0006).
ABSOLUTE_URL_OVERRIDES = {
    "network.city": lambda city: reverse("web:city_home", kwargs={"city": city.slug}),
    "network.partner": lambda partner: reverse(
        "web:partner_detail", kwargs={"city": partner.city.slug, "slug": partner.slug}
    ),
}
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
                "rianru.web.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        env.str("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'rianru.sqlite3'}"), base_dir=BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://rianru")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "learners:login"
LOGIN_REDIRECT_URL = "web:index"
LOGOUT_REDIRECT_URL = "web:index"

# Thai first, English second: Thai at /..., English at /en/...
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Bangkok"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("RIANRU_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("RIANRU_MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Rianru's own settings
# The platform's public address (scheme and host, optional path, no trailing slash). Stable identifiers in
# xAPI derive from it: an opportunity's activity id is its page's URL under it, a learner's account
# homePage is RIANRU_PUBLIC_URL/<city>/, a partner credential's authority RIANRU_PUBLIC_URL/<city>/partners/
# <partner>/ (docs/lrs.md). Set it once, before partners send statements.
RIANRU_PUBLIC_URL = env.str("RIANRU_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")
RIANRU_DEFAULT_CITY = env.str("RIANRU_DEFAULT_CITY", default="khon-kaen")
RIANRU_LRS_HOMEPAGE = RIANRU_PUBLIC_URL
RIANRU_DEMO_DIR = Path(env.str("RIANRU_DEMO_DIR", default=str(BASE_DIR / "rianru" / "demo" / "data")))
# Search (ADR 0007): the tantivy index folder, and who keeps it in step with the database.
RIANRU_SEARCH_INDEX_DIR = Path(env.str("RIANRU_SEARCH_INDEX_DIR", default=str(DATA_DIR / "search-index")))
RIANRU_SEARCH_INDEXER = env.str("RIANRU_SEARCH_INDEXER", default="thread")
RIANRU_SEARCH_INDEX_INTERVAL = env.float("RIANRU_SEARCH_INDEX_INTERVAL", default=0.5)
# Each server process reuses a search's results until the index changes (off: compute every request).
RIANRU_SEARCH_RESULT_CACHE = env.bool("RIANRU_SEARCH_RESULT_CACHE", default=True)
# Catalogue import (rianru catalogue import, POST …/catalogue/import): the largest file and record count.
RIANRU_CATALOGUE_IMPORT_MAX_BYTES = 50_000_000
RIANRU_CATALOGUE_IMPORT_MAX_RECORDS = 200_000
# LRS CSV uploads (attendance and completions): the largest file and row count.
RIANRU_LRS_UPLOAD_MAX_BYTES = env.int("RIANRU_LRS_UPLOAD_MAX_BYTES", default=10_000_000)
RIANRU_LRS_UPLOAD_MAX_ROWS = env.int("RIANRU_LRS_UPLOAD_MAX_ROWS", default=20_000)
# LRS forwarding to other LRSs: "thread" (a background thread of one `rianru serve` worker per machine)
# or "off" (run `rianru lrs forward --follow` as its own service); seconds between two looks when idle.
RIANRU_LRS_FORWARDER = env.str("RIANRU_LRS_FORWARDER", default="thread")
RIANRU_LRS_FORWARD_INTERVAL = env.float("RIANRU_LRS_FORWARD_INTERVAL", default=2.0)
# Map tiles (the map page): a Leaflet URL template; empty = no tiles (markers on a blank background).
RIANRU_MAP_TILE_URL = env.str("RIANRU_MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
RIANRU_MAP_TILE_ATTRIBUTION = env.str(
    "RIANRU_MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}
