"""Every acknowledged statement survives `kill -9` of the server (issue 4): a real `rianru serve` on a
database of its own (SQLite, or PostgreSQL when the suite runs on it) is killed while four clients write."""

import base64
import json
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.db import connection

from rianru.lrs.tests.helpers import statement
from rianru.lrs.tests.live import Target

WRITE_SECONDS = 3.0


@pytest.fixture
def database_url(db):
    """A database for the server: a SQLite file (Target's default), or a fresh PostgreSQL database."""
    if connection.vendor != "postgresql":
        yield ""
        return
    import psycopg

    settings = connection.settings_dict
    name = f"{settings['NAME']}_durability"[:63]
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def post(target: Target, body: list[dict]) -> bool:
    auth = base64.b64encode(f"{target.key}:{target.secret}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - loopback test server
        target.url + "statements", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Basic {auth}", "X-Experience-API-Version": "2.0.0",
                 "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False  # the server died under this request: not acknowledged


def test_every_acknowledged_statement_survives_kill_9(tmp_path, database_url):
    target = Target(tmp_path, database_url=database_url)
    target.start()
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(batch_size: int) -> None:
        while not stop.is_set():
            batch = [statement(id=str(uuid.uuid4())) for _ in range(batch_size)]
            if post(target, batch):
                with lock:
                    acknowledged.extend(s["id"] for s in batch)

    clients = [threading.Thread(target=client, args=(size,)) for size in (1, 1, 1, 20)]
    for thread in clients:
        thread.start()
    time.sleep(WRITE_SECONDS)
    target.kill_hard()  # while the clients are still writing
    stop.set()
    for thread in clients:
        thread.join(timeout=30)
    assert len(acknowledged) > 50, "the clients were not writing when the server was killed"

    target.start()  # the same database after the crash
    try:
        stored = {s["id"] for s in target.statements()}
    finally:
        target.stop()
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged statements were lost"
