"""Test settings: SQLite in memory by default; RIANRU_TEST_DATABASE_URL selects another database."""

import os
import tempfile
from pathlib import Path

import environ

from config.database import database_from_url
from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR

_env = environ.Env()
DATABASES = {
    "default": database_from_url(
        _env.str("RIANRU_TEST_DATABASE_URL", default="") or "sqlite:///:memory:", base_dir=BASE_DIR
    )
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEBUG = False
ALLOWED_HOSTS = ["*"]
WHITENOISE_AUTOREFRESH = True
RIANRU_SEARCH_INDEXER = "off"  # tests apply changes themselves (rianru.search.indexer.catch_up)
# Never the real index folder: tests that need an index make their own (rianru/search/tests/conftest.py).
RIANRU_SEARCH_INDEX_DIR = Path(tempfile.gettempdir()) / f"rianru-test-search-index-{os.getpid()}"
# A public address unlike the server's own, so tests see that identifiers come from the setting.
RIANRU_PUBLIC_URL = "https://rianru.org"
RIANRU_LRS_HOMEPAGE = RIANRU_PUBLIC_URL
RIANRU_LRS_FORWARDER = "off"  # tests run the forwarder themselves (rianru.lrs.forwarder)
