"""Fixtures shared by every app's tests."""

import importlib

import pytest

from rianru.frameworks.services import reference_load
from rianru.network.tests.factories import CityFactory


@pytest.fixture
def reference_data(db):
    """The shipped SDG and KFLC reference data, loaded as `rianru reference load` does."""
    return reference_load()


@pytest.fixture
def city(reference_data):
    """Khon Kaen as the pages' tests need it: a city with the reference data loaded."""
    return CityFactory(slug="khon-kaen", name_th="ขอนแก่น", name_en="Khon Kaen")


@pytest.fixture
def _migration_rows_restored(django_db_blocker):
    """Teardown after `transactional_db`'s flush (set up before it): puts back the rows data migrations
    made (the life stages), which the flush empties for every later test in this worker."""
    yield
    from django.apps import apps

    migration = importlib.import_module("rianru.catalogue.migrations.0002_create_life_stages")
    with django_db_blocker.unblock():
        migration.create_life_stages(apps, None)


@pytest.fixture
def committed_db(_migration_rows_restored, transactional_db):
    """`transactional_db` (writes really commit) that leaves the migrations' rows for the next tests:
    use it instead of `transactional_db` or `django_db(transaction=True)`."""
