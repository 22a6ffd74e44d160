"""Fixtures shared by every app's tests."""

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
