"""Turn DATABASE_URL into Django's DATABASES entry, with a clear message when it is wrong."""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

SUPPORTED_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql", "psql"}


def database_from_url(url: str, *, base_dir: Path) -> dict:
    """Parse a database URL; raise ImproperlyConfigured naming the problem."""
    hint = "Use sqlite:///path/to/file.sqlite3 or postgres://user:password@host:5432/name."
    url = (url or "").strip()
    if not url:
        raise ImproperlyConfigured(f"DATABASE_URL is empty. {hint}")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid URL ({exc}). {hint}") from None
    if parts.scheme not in SUPPORTED_SCHEMES:
        shown = parts.scheme or "(none)"
        raise ImproperlyConfigured(f"DATABASE_URL has an unsupported scheme {shown!r}. {hint}")
    if parts.scheme == "sqlite":
        path = url.split("sqlite://", 1)[1]
        if path in ("", "/"):
            raise ImproperlyConfigured(f"DATABASE_URL names no SQLite file. {hint}")
        name = path[1:] if path.startswith("/") else path  # sqlite:///relative, sqlite:////absolute
        if name != ":memory:" and not name.startswith("/"):
            name = str(base_dir / name)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # Each server thread keeps its connection (opening one costs more than most queries here).
            "CONN_MAX_AGE": 0 if name == ":memory:" else 600,
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    if not parts.hostname and not parts.path.strip("/"):
        raise ImproperlyConfigured(f"DATABASE_URL names no PostgreSQL host or database. {hint}")
    try:
        config = environ.Env.db_url_config(url)
        port = parts.port  # raises ValueError for a non-numeric port
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read ({exc}). {hint}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL names no PostgreSQL database. {hint}")
    config["PORT"] = port or ""
    config["CONN_MAX_AGE"] = 60
    config["CONN_HEALTH_CHECKS"] = True
    return config
