"""Small facts about this instance's readiness, shared by `rianru check` and `rianru serve`."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> list:
    """The migrations not yet applied to a database, in the order `migrate` would apply them."""
    executor = MigrationExecutor(connections[alias])
    return [
        migration for migration, _backwards in executor.migration_plan(executor.loader.graph.leaf_nodes())
    ]


def describe_database(alias: str = DEFAULT_DB_ALIAS) -> str:
    """Engine and location of a database, without its password."""
    db = settings.DATABASES[alias]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"PostgreSQL {db.get('NAME')} on {host}{port} as {db.get('USER') or '(default user)'}"


def first_line(exc: BaseException) -> str:
    """An exception as one line: drivers often add hints on further lines."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def static_files_collected() -> bool | None:
    """Whether STATIC_ROOT holds the manifest whitenoise serves from; None when no manifest is used."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return None
    return staticfiles_storage.exists(staticfiles_storage.manifest_name)
