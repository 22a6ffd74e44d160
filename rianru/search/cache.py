"""The per-process cache of search results (`results_cache`), reused until the index changes."""

import threading
from collections import OrderedDict

# Searches whose results each server process keeps (about 150 KB each with the API's JSON: ≤ 40 MB).
RESULT_CACHE_SIZE = 256


class ResultCache:
    """The last searches' results in this process, for the index generation they were computed on.

    A search's answer depends only on the index and the request (words, facets, page, language), so a
    result is reused until the index changes (like Solr's queryResultCache); the indexer's next commit
    moves the generation on and the old entries are never read again.
    """

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            result = self._entries.get(key)
            if result is not None:
                self._entries.move_to_end(key)
            return result

    def put(self, key, result) -> None:
        with self._lock:
            self._entries[key] = result
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


results_cache = ResultCache(RESULT_CACHE_SIZE)
