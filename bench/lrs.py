"""Benchmark an xAPI LRS (`rianru serve` or any other): ingest (single and batched) and filtered reads.

    python bench/lrs.py --endpoint http://127.0.0.1:8000/xapi --key KEY --secret SECRET \
        [--single 1000] [--batches 100] [--batch-size 100] [--clients 4] [--reads 200] \
        [--server-pid PID] [--label NAME --json bench/results/lrs-….json]

Prints statements per second for single POSTs and for batches (with --clients concurrent writers), the
number of failed requests (a deadlock would show here), and the p50/p95 of filtered GETs. With
--server-pid (the server's master process, e.g. gunicorn's), also the CPU time the server's processes used
per statement, from /proc: a figure that depends less on what else the machine does than the rate.
--json appends the figures as one JSON object to a list in that file. Standard library only; each client
keeps one HTTP/1.1 connection open.
"""

import argparse
import base64
import datetime
import http.client
import json
import os
import platform
import random
import statistics
import threading
import time
import uuid
from pathlib import Path
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
    def __init__(self, endpoint: str, key: str, secret: str, version: str = "2.0.0"):
        self.url = urlparse(endpoint)
        self.connection = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=120)
        self.headers = {
            "Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
            "X-Experience-API-Version": version,
            "Content-Type": "application/json",
        }

    def request(self, method: str, path: str, body=None, params=None) -> tuple[int, bytes]:
        target = self.url.path.rstrip("/") + "/" + path + ("?" + urlencode(params) if params else "")
        data = json.dumps(body).encode() if body is not None else None
        self.connection.request(method, target, body=data, headers=self.headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def process_tree_cpu(pid: int) -> float:
    """CPU seconds of a process, its live descendants and the children it has reaped (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending, seen = 0.0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            # utime, stime, cutime, cstime: the 14th to 17th fields of stat
            total += sum(int(value) for value in fields[11:15]) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended meanwhile: its time is in its parent's cutime
    return total


def cpu_sample() -> tuple[int, int]:
    """(idle + iowait, total) jiffies of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return values[3] + values[4], sum(values)


def busy_between(before: tuple[int, int], after: tuple[int, int]) -> float:
    return round(1 - (after[0] - before[0]) / max(1, after[1] - before[1]), 2)


def wait_for_quiet(max_wait: float, threshold: float = 0.25) -> dict:
    """Wait (at most `max_wait` s) until other work on a shared machine leaves the CPU mostly idle."""
    started = time.monotonic()
    while True:
        before = cpu_sample()
        time.sleep(2)
        busy = busy_between(before, cpu_sample())
        if busy <= threshold or time.monotonic() - started >= max_wait:
            return {"cpu_busy_before": busy, "waited_s": round(time.monotonic() - started, 1)}


def run_clients(args, work) -> tuple[float, int, int]:
    """Run work(client, index) for each of args.clients threads; (seconds, statements, failures)."""
    results = []
    lock = threading.Lock()

    def target(index):
        client = Client(args.endpoint, args.key, args.secret, args.xapi_version)
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
    parser.add_argument("--xapi-version", default="2.0.0", help="X-Experience-API-Version sent")
    parser.add_argument("--server-pid", type=int, help="the server's master process: report its CPU time")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        help="wait up to this many seconds for an idle CPU before each phase",
    )
    parser.add_argument("--label", default="", help="a name for this run in the JSON results")
    parser.add_argument("--json", type=Path, help="append the figures to the JSON list in this file")
    args = parser.parse_args()
    figures: dict = {
        "label": args.label,
        "endpoint": args.endpoint,
        "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "clients": args.clients,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
    }

    errors: dict[int, int] = {}  # HTTP status of failed requests -> count (per phase)
    errors_lock = threading.Lock()

    def single(client, index):
        stored = failed = 0
        for n in range(args.single // args.clients):
            status, _body = client.request("POST", "statements", statement(n))
            stored, failed = (stored + 1, failed) if status == 200 else (stored, failed + 1)
            if status != 200:
                with errors_lock:
                    errors[status] = errors.get(status, 0) + 1
        return stored, failed

    def batched(client, index):
        stored = failed = 0
        for _ in range(args.batches // args.clients):
            status, _body = client.request(
                "POST", "statements", [statement(n) for n in range(args.batch_size)]
            )
            stored, failed = (stored + args.batch_size, failed) if status == 200 else (stored, failed + 1)
            if status != 200:
                with errors_lock:
                    errors[status] = errors.get(status, 0) + 1
        return stored, failed

    for name, work in (("single", single), (f"batches of {args.batch_size}", batched)):
        if (name == "single" and not args.single) or (name != "single" and not args.batches):
            continue
        quiet = wait_for_quiet(args.wait_quiet) if args.wait_quiet else {}
        errors.clear()
        cpu_before = process_tree_cpu(args.server_pid) if args.server_pid else 0.0
        machine_before = cpu_sample()
        elapsed, stored, failed = run_clients(args, work)
        busy = busy_between(machine_before, cpu_sample())
        cpu = (process_tree_cpu(args.server_pid) - cpu_before) if args.server_pid else None
        print(
            f"{name:>16}: {stored / elapsed:8.0f} statements/s  ({stored} in {elapsed:.1f} s, "
            f"{args.clients} clients, {failed} failed requests"
            + (f": {', '.join(f'{n} × {status}' for status, n in sorted(errors.items()))}" if errors else "")
            + ")"
            + (f", server CPU {1000 * cpu / max(stored, 1):.2f} ms per statement" if cpu is not None else "")
            + f"; machine {100 * busy:.0f} % busy"
            + (f" (before: {100 * quiet['cpu_busy_before']:.0f} %)" if quiet else "")
        )
        figures["single" if name == "single" else "batches"] = {
            **quiet,
            "machine_busy_during": busy,
            "statements": stored,
            "seconds": round(elapsed, 3),
            "per_second": round(stored / elapsed, 1),
            "failed_requests": failed,
            "failed_by_status": {str(status): n for status, n in sorted(errors.items())},
            "batch_size": 1 if name == "single" else args.batch_size,
            "server_cpu_ms_per_statement": round(1000 * cpu / max(stored, 1), 3) if cpu is not None else None,
        }

    client = Client(args.endpoint, args.key, args.secret, args.xapi_version)
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
            f"   filtered GETs: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms "
            f"({len(timings)} requests)"
        )
        figures["reads"] = {"requests": len(timings), "p50_ms": round(statistics.median(timings), 2),
                            "p95_ms": round(p95, 2)}  # fmt: skip
    if args.json:
        runs = json.loads(args.json.read_text()) if args.json.exists() else []
        runs.append(figures)
        args.json.write_text(json.dumps(runs, indent=1) + "\n")


if __name__ == "__main__":
    main()
