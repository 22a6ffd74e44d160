"""Background work inside `rianru serve`: one thread per machine, chosen by a file lock."""

import fcntl
import threading
import time
from collections.abc import Callable
from pathlib import Path

LOCK_RETRY_SECONDS = 5


def start_locked_thread(*, name: str, lock_path: Path, target: Callable[[], None]) -> threading.Thread:
    """Start a daemon thread that waits for an exclusive lock on `lock_path`, then runs `target`.

    Every server worker may call this: the one holding the lock does the work, and when it stops (a
    worker restart) another takes over within LOCK_RETRY_SECONDS. The lock goes with the process."""

    def run():
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as lock:
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(LOCK_RETRY_SECONDS)
            target()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
