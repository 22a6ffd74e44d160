"""Benchmark the xAPI LRS of a running `rianru serve`: ingest (single and batched) and filtered reads.

    python bench/lrs.py --endpoint http://127.0.0.1:8000/xapi --key KEY --secret SECRET \
        [--single 1000] [--batches 100] [--batch-size 100] [--clients 4] [--reads 200]

Prints statements per second for single POSTs and for batches (with --clients concurrent writers), the
number of failed requests (a deadlock would show here), and the p50/p95 of filtered GETs. Standard
library only; each client keeps one HTTP/1.1 connection open.
"""

import argparse
import base64
import http.client
import json
import random
import statistics
import threading
import time
import uuid
from urllib.parse import urlencode, urlparse

VERBS = [
    f"http://adlnet.gov/expapi/verbs/{verb}"
    for verb in ("attended", "completed", "passed", "failed", "experienced")
]


def statement(n: int) -> dict:
    """A ~700-byte statement like a partner system sends."""
    learner = random.randrange(5000)
    activity = random.randrange(500)
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "name": f"Learner {learner}",
            "mbox": f"mailto:learner{learner}@example.org",
        },
        "verb": {"id": random.choice(VERBS), "display": {"en-US": "attended", "th": "เข้าร่วม"}},
        "object": {
            "objectType": "Activity",
            "id": f"https://rianru.org/khon-kaen/opportunities/{activity}",
            "definition": {"name": {"en-US": f"Opportunity {activity}", "th": f"กิจกรรม {activity}"}},
        },
        "result": {"completion": True, "success": True, "score": {"scaled": 0.8}, "duration": "PT1H"},
        "context": {
            "registration": str(uuid.uuid4()),
            "platform": "bench",
            "contextActivities": {"parent": [{"id": "https://rianru.org/khon-kaen"}]},
        },
        "timestamp": "2026-01-01T10:00:00+07:00",
    }


class Client:
    def __init__(self, endpoint: str, key: str, secret: str):
        self.url = urlparse(endpoint)
        self.connection = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=60)
        self.headers = {
            "Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
            "X-Experience-API-Version": "2.0.0",
            "Content-Type": "application/json",
        }

    def request(self, method: str, path: str, body=None, params=None) -> tuple[int, bytes]:
        target = self.url.path.rstrip("/") + "/" + path + ("?" + urlencode(params) if params else "")
        data = json.dumps(body).encode() if body is not None else None
        self.connection.request(method, target, body=data, headers=self.headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def run_clients(args, work) -> tuple[float, int, int]:
    """Run work(client, index) for each of args.clients threads; (seconds, statements, failures)."""
    results = []
    lock = threading.Lock()

    def target(index):
        client = Client(args.endpoint, args.key, args.secret)
        stored, failed = work(client, index)
        with lock:
            results.append((stored, failed))

    threads = [threading.Thread(target=target, args=(i,)) for i in range(args.clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return elapsed, sum(r[0] for r in results), sum(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--single", type=int, default=1000, help="statements sent one per request")
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4, help="concurrent writers")
    parser.add_argument("--reads", type=int, default=200, help="filtered GETs")
    args = parser.parse_args()

    def single(client, index):
        stored = failed = 0
        for n in range(args.single // args.clients):
            status, _body = client.request("POST", "statements", statement(n))
            stored, failed = (stored + 1, failed) if status == 200 else (stored, failed + 1)
        return stored, failed

    def batched(client, index):
        stored = failed = 0
        for _ in range(args.batches // args.clients):
            status, _body = client.request(
                "POST", "statements", [statement(n) for n in range(args.batch_size)]
            )
            stored, failed = (stored + args.batch_size, failed) if status == 200 else (stored, failed + 1)
        return stored, failed

    for name, work in (("single", single), (f"batches of {args.batch_size}", batched)):
        if (name == "single" and not args.single) or (name != "single" and not args.batches):
            continue
        elapsed, stored, failed = run_clients(args, work)
        print(
            f"{name:>16}: {stored / elapsed:8.0f} statements/s  ({stored} in {elapsed:.1f} s, {args.clients} clients, {failed} failed requests)"
        )

    client = Client(args.endpoint, args.key, args.secret)
    queries = [
        lambda: {
            "agent": json.dumps({"mbox": f"mailto:learner{random.randrange(5000)}@example.org"}),
            "limit": 20,
        },
        lambda: {"verb": random.choice(VERBS), "limit": 20},
        lambda: {
            "activity": f"https://rianru.org/khon-kaen/opportunities/{random.randrange(500)}",
            "limit": 20,
        },
        lambda: {"activity": "https://rianru.org/khon-kaen", "related_activities": "true", "limit": 20},
        lambda: {"since": "2020-01-01T00:00:00Z", "limit": 100},
    ]
    timings = []
    for n in range(args.reads):
        params = queries[n % len(queries)]()
        start = time.perf_counter()
        status, _body = client.request("GET", "statements", params=params)
        timings.append((time.perf_counter() - start) * 1000)
        assert status == 200, status
    if timings:
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"   filtered GETs: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms ({len(timings)} requests)"
        )


if __name__ == "__main__":
    main()
