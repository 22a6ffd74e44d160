"""Every acknowledged statement survives kill -9: write, kill the server mid-stream, count what is stored.

    DATABASE_URL=postgres://…/db python bench/lrs_crash.py --key KEY --secret SECRET
        [--port 8399] [--seconds 5]

Starts `rianru serve` on the database of DATABASE_URL (or the default SQLite file), posts statements
(single and batches of 50) from 4 threads, sends SIGKILL to the whole server process group after
--seconds, then checks with the ORM that every statement whose POST was answered 200 is stored.
Prints the counts; exits 1 if one acknowledged statement is missing.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # the project (rianru)

from lrs import Client, statement  # noqa: E402

from rianru.core.serving import RunningServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--port", type=int, default=8399)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    server = RunningServer(port=args.port, log=Path(tempfile.mkdtemp()) / "server.log").start()
    endpoint = f"{server.base}/xapi"
    acknowledged: list[str] = []
    sent = [0]
    stop = threading.Event()
    lock = threading.Lock()

    def writer(index: int) -> None:
        client = Client(endpoint, args.key, args.secret)
        while not stop.is_set():
            batch = [statement(n) for n in range(1 if index % 2 else 50)]
            for item in batch:
                item["id"] = str(uuid.uuid4())
            with lock:
                sent[0] += len(batch)
            try:
                status, _body = client.request("POST", "statements", batch)
            except OSError:
                return  # the server is gone
            if status == 200:
                with lock:
                    acknowledged.extend(item["id"] for item in batch)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from rianru.lrs.models import Statement

    stored = set()
    for start in range(0, len(acknowledged), 1000):
        chunk = acknowledged[start : start + 1000]
        stored |= {
            str(sid)
            for sid in Statement.objects.filter(statement_id__in=chunk).values_list("statement_id", flat=True)
        }
    missing = [sid for sid in acknowledged if sid not in stored]
    print(
        f"sent {sent[0]}, acknowledged {len(acknowledged)}, "
        f"acknowledged but missing after kill -9: {len(missing)}"
    )
    if not acknowledged:
        print("no statement was acknowledged: is the key and secret right, the database migrated?")
        return 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
