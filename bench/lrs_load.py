"""Fill the LRS with synthetic statements through the same service the HTTP door uses (for read benchmarks).

    DATABASE_URL=postgres://…/db python bench/lrs_load.py --key KEY --count 1000000 [--batch 1000]

Statements are the ones bench/lrs.py sends (5,000 learners, 500 activities, 5 verbs). Prints the rate.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lrs import statement  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", required=True, help="the key of the credential that stores them")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.db import connection

    from rianru.lrs.models import Credential
    from rianru.lrs.services import statements_store

    credential = Credential.objects.select_related("city", "partner").get(key=args.key)
    start = time.perf_counter()
    done = 0
    while done < args.count:
        size = min(args.batch, args.count - done)
        statements_store(
            credential=credential, statements=[statement(n) for n in range(size)], xapi_version="2.0.0"
        )
        done += size
        if done % (args.batch * 50) == 0:
            print(f"{done} statements, {done / (time.perf_counter() - start):.0f}/s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{done} statements in {time.perf_counter() - start:.0f} s "
        f"({done / (time.perf_counter() - start):.0f}/s)"
    )


if __name__ == "__main__":
    main()
