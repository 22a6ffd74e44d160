"""Concurrent writers never deadlock: batches that share agents and activities, in opposite orders.

Runs on PostgreSQL only (SQLite serialises writers and the in-memory test database is per thread)."""

import threading

import pytest
from django.db import connection

from rianru.lrs.models import Activity, Statement
from rianru.lrs.tests.helpers import XapiClient, make_credential, statement


def test_concurrent_batches_sharing_activities_all_succeed(committed_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set RIANRU_TEST_DATABASE_URL)")
    credential, secret = make_credential()
    activities = [f"https://rianru.org/khon-kaen/opportunities/{n}" for n in range(20)]

    def batch(order, language):
        return [
            statement(
                object={"id": activity, "definition": {"name": {language: f"Activity {activity[-2:]}"}}}
            )
            for activity in order
        ]

    statuses = []

    def writer(index):
        client = XapiClient(credential.key, secret)
        order = activities if index % 2 else list(reversed(activities))
        for round_ in range(5):
            response = client.post_statements(batch(order, ["th", "en", "fr", "de"][(index + round_) % 4]))
            statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 30
    assert Statement.objects.count() == 30 * 20
    assert Activity.objects.count() == 20
    assert len(Activity.objects.get(activity_id=activities[0]).definition["name"]) == 4
