import pytest
from django.core.cache import cache

from rianru.search import indexer
from rianru.search.cache import results_cache
from rianru.search.index import reader


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached facet labels are keyed by city id, and ids repeat from one test database to the next."""
    cache.clear()
    results_cache.clear()
    yield
    cache.clear()
    results_cache.clear()


@pytest.fixture
def search_index(settings, tmp_path):
    """An empty index folder of this test's own; `build()` indexes what the database holds now."""
    settings.RIANRU_SEARCH_INDEX_DIR = tmp_path / "search-index"
    reader.refresh()

    class Index:
        path = settings.RIANRU_SEARCH_INDEX_DIR

        @staticmethod
        def build(now=None):
            return indexer.rebuild(now=now)

        @staticmethod
        def catch_up(now=None):
            return indexer.catch_up(now=now)

    yield Index
    reader.refresh()
