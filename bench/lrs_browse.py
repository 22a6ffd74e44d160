"""Time the statement browser and the per-opportunity participation counts on a filled store.

    DATABASE_URL=postgres://…/db python bench/lrs_browse.py --city khon-kaen [--fill 300000] [--rounds 20]

`--fill N` first stores N statements through `statements_store` (the HTTP door's service) with a credential
of the city's first partner: 5,000 learners, the city's opportunities as activities (their canonical ids,
one in ten in another spelling) with a skewed popularity (the top opportunity gets ~10 % of the statements),
cmi5-like verbs. Then, in process, p50/p95 of: the participation counts of the most popular, a median
and an unused opportunity; the browser's list page through Django (test client, a city staff user) with no
filter, a learner, a verb, an opportunity, and 20 pages deep; a statement's page.
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

VERBS = ["attempted", "experienced", "completed", "passed", "failed", "attended"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(function, rounds: int) -> tuple[float, float]:
    function()  # warm
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", default="khon-kaen")
    parser.add_argument("--fill", type=int, default=0)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from rianru.catalogue import selectors as catalogue
    from rianru.catalogue.activities import opportunity_activity_ids
    from rianru.catalogue.models import Opportunity
    from rianru.lrs.models import Statement
    from rianru.lrs.services import credential_create, statements_store
    from rianru.network.models import City, CityMembership, Partner

    city = City.objects.get(slug=args.city)
    opportunities = list(Opportunity.objects.filter(city=city).exclude(status="draft").order_by("pk"))
    weights = [1 / (rank + 1) for rank in range(len(opportunities))]  # Zipf: the first is the most popular
    if args.fill:
        partner = Partner.objects.filter(city=city).order_by("pk").first()
        credential, _secret = credential_create(actor=None, partner=partner, scopes=["all"])
        spellings = {
            o.pk: opportunity_activity_ids(city_slug=city.slug, slug=o.slug)[:2] for o in opportunities
        }
        start, done = time.perf_counter(), 0
        while done < args.fill:
            size = min(args.batch, args.fill - done)
            batch = []
            for opportunity in random.choices(opportunities, weights, k=size):
                n = random.randrange(5000)
                activity = spellings[opportunity.pk][1 if random.random() < 0.1 else 0]
                verb = random.choice(VERBS)
                batch.append(
                    {
                        "id": str(uuid.uuid4()),
                        "actor": {
                            "objectType": "Agent",
                            "name": f"Learner {n}",
                            "mbox": f"mailto:l{n}@example.org",
                        },
                        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
                        "object": {"id": activity, "definition": {"name": {"th": opportunity.title_th}}},
                        "result": {"completion": True, "score": {"scaled": 0.8}, "duration": "PT1H"},
                        "context": {"registration": str(uuid.uuid4())},
                    }
                )
            statements_store(credential=credential, statements=batch, xapi_version="2.0.0")
            done += size
            if done % (args.batch * 50) == 0:
                print(f"{done} statements, {done / (time.perf_counter() - start):.0f}/s", flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    total = Statement.objects.filter(city=city).count()
    print(f"{connection.vendor}: {total:,} statements in {city.slug}")

    def report(label, function):
        p50, p95 = timed(function, args.rounds)
        print(f"  {label:<58} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms", flush=True)

    top, median, unused = opportunities[0], opportunities[len(opportunities) // 2], opportunities[-1]
    for label, opportunity in (("most popular", top), ("median", median), ("least popular", unused)):
        counts = catalogue.opportunity_participation(opportunity=opportunity)
        report(
            f"participation, {label} ({counts.statements:,} statements)",
            lambda o=opportunity: catalogue.opportunity_participation(opportunity=o),
        )
    user, _created = get_user_model().objects.get_or_create(username="bench-city-staff")
    CityMembership.objects.get_or_create(
        user=user, city=city, defaults={"role": CityMembership.Role.CITY_STAFF}
    )
    client = Client()
    client.force_login(user)
    base = f"/en/{city.slug}/lrs/statements/"
    canonical = opportunity_activity_ids(city_slug=city.slug, slug=top.slug)[0]

    def page(query=""):
        response = client.get(base + query)
        assert response.status_code == 200, response.status_code
        return response

    report("opportunity page (with participation), most popular", lambda: client.get(top.get_absolute_url()))
    report("browser: newest 50", lambda: page())
    report("browser: one learner", lambda: page("?agent=l42@example.org"))
    report("browser: one verb", lambda: page("?verb=completed"))
    report("browser: the most popular opportunity (every spelling)", lambda: page(f"?activity={canonical}"))
    report("browser: last week", lambda: page("?since=2000-01-01"))
    cursor = ""
    for _ in range(20):
        html = page(f"?after={cursor}" if cursor else "").content.decode()
        cursor = html.split("after=", 1)[1].split('"', 1)[0].split("&", 1)[0]
    report("browser: 20 pages deep", lambda: page(f"?after={cursor}"))
    sid = Statement.objects.filter(city=city).order_by("-pk").values_list("statement_id", flat=True).first()
    report("statement page", lambda: page(f"{sid}/"))


if __name__ == "__main__":
    main()
