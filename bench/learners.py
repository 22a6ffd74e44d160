"""What learners cost the LRS: the link hook on every stored batch, and the time of one erasure.

    DATABASE_URL=postgres://…/fresh_db python bench/learners.py [--count 2000] [--erase 10000]

Needs a migrated, otherwise empty database (it creates the city `bench-learners`). Stores statements
like bench/lrs.py's (5,000 mailboxes; 1,000 of them verified learners) through `statements_store`, one per
call and in batches of 100, alternating blocks with the learners' hook connected and disconnected, and
prints the mean time per call of each. Then gives one learner `--erase` statements among the rest and
times `learner_erase`.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lrs import statement  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="statements per mode, one per call")
    parser.add_argument("--erase", type=int, default=10_000, help="statements of the learner erased")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from rianru.learners import receivers, services
    from rianru.learners.models import LearnerStatement
    from rianru.lrs.hooks import statements_stored
    from rianru.lrs.services import credential_create, statements_store
    from rianru.network.models import City, Partner

    city = City.objects.create(
        slug="bench-learners", name_th="ทดสอบ", name_en="Bench", latitude=16, longitude=102
    )
    partner = Partner.objects.create(
        city=city, slug="bench", name_th="ภาคี", name_en="Partner", sector="government"
    )
    credential, _secret = credential_create(actor=None, partner=partner, scopes=["all"])
    User = get_user_model()
    start = time.perf_counter()
    for n in range(1000):
        user = User.objects.create(username=f"bench-learner-{n}")
        learner = services.learner_create(actor=None, city=city, user=user)
        services.learner_email_add(
            actor=None, learner=learner, address=f"learner{n}@example.org", verified=True
        )
    print(f"1,000 learners with verified addresses created in {time.perf_counter() - start:.1f} s")

    def run(size: int, calls: int) -> list[float]:
        times = []
        for _ in range(calls):
            batch = [statement(n) for n in range(size)]
            began = time.perf_counter()
            statements_store(credential=credential, statements=batch, xapi_version="2.0.0")
            times.append(time.perf_counter() - began)
        return times

    for size, label in ((1, "one statement per call"), (100, "batches of 100")):
        calls = args.count // size
        on, off = [], []
        for _block in range(10):
            receivers.connect()
            on += run(size, calls // 10)
            statements_stored.disconnect(dispatch_uid="rianru.learners.link_stored_statements")
            off += run(size, calls // 10)
        receivers.connect()
        print(
            f"{label} ({connection.vendor}): hook on {statistics.mean(on) * 1000:.2f} ms per call "
            f"(median {statistics.median(on) * 1000:.2f}), off {statistics.mean(off) * 1000:.2f} ms "
            f"(median {statistics.median(off) * 1000:.2f}); {len(on)} calls each"
        )
    print(f"links written: {LearnerStatement.objects.count()}")

    user = User.objects.create(username="bench-erased")
    learner = services.learner_create(actor=None, city=city, user=user, account_name="erased")
    services.learner_email_add(actor=None, learner=learner, address="erased@example.org", verified=True)
    for start_at in range(0, args.erase, 500):
        batch = []
        for n in range(min(500, args.erase - start_at)):
            data = statement(n)
            data["actor"] = {"name": "Erased", "mbox": "mailto:erased@example.org"}
            batch.append(data)
        statements_store(credential=credential, statements=batch, xapi_version="2.0.0")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = learner.statement_links.count()
    began = time.perf_counter()
    report = services.learner_erase(actor=None, learner=learner)
    print(
        f"learner_erase ({connection.vendor}): {report.statements} statements pseudonymised "
        f"({total} linked) in {time.perf_counter() - began:.2f} s"
    )


if __name__ == "__main__":
    main()
