"""Fixtures shared by every app's tests."""

import pytest

from rianru.frameworks.services import reference_load


@pytest.fixture
def reference_data(db):
    """The shipped SDG and KFLC reference data, loaded as `rianru reference load` does."""
    return reference_load()
