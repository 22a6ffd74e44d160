"""Real answers of every GET endpoint, on the Khon Kaen and Yala demo cities,
validate against docs/openapi.json.

The committed schema is what clients generate code from; tests/test_api.py keeps it equal to the code's. Here
each GET path of the schema is called with real path parameters (every city, partner, opportunity and problem
code of the demo data) and some query strings, errors included, and each answer must be documented: its status
(or its `4XX` range), its media type, and, where the schema gives one, its body (JSON Schema 2020-12, which
OpenAPI 3.1 uses, with `#/components/schemas/...` resolved in the same document).
"""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from config.problems import PROBLEM_TYPES
from rianru.catalogue.models import Opportunity
from rianru.demo.services import demo_load
from rianru.network.models import Partner
from rianru.search import indexer
from rianru.search.cache import results_cache
from rianru.search.index import reader

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "docs" / "openapi.json").read_text(encoding="utf-8")
)
DOCUMENT = "urn:rianru:openapi"
REGISTRY = Registry().with_resource(
    DOCUMENT, Resource.from_contents(SCHEMA, default_specification=DRAFT202012)
)
TODAY = dt.date(2026, 11, 21)
CITIES = ("khon-kaen", "yala")


def _opportunities(city):
    return Opportunity.objects.filter(city__slug=city, status="published").order_by("slug")


def _partners(city):
    return Partner.objects.filter(city__slug=city).order_by("slug")


# Each GET path of the schema: the URLs that exercise it (the demo data read at run time).
CASES = {
    "/api/v1/cities/": lambda: ["/api/v1/cities/"],
    "/api/v1/cities/{city}/": lambda: [*(f"/api/v1/cities/{c}/" for c in CITIES), "/api/v1/cities/atlantis/"],
    "/api/v1/cities/{city}/partners/": lambda: [
        *(f"/api/v1/cities/{c}/partners/{q}" for c in CITIES for q in ("", "?page=2", "?sector=education")),
        "/api/v1/cities/khon-kaen/partners/?sector=church",
        "/api/v1/cities/atlantis/partners/",
    ],
    "/api/v1/cities/{city}/partners/{slug}/": lambda: [
        *(f"/api/v1/cities/{c}/partners/{p.slug}/" for c in CITIES for p in _partners(c)),
        "/api/v1/cities/khon-kaen/partners/nobody/",
    ],
    "/api/v1/cities/{city}/opportunities/": lambda: [
        *(
            f"/api/v1/cities/{c}/opportunities/{q}"
            for c in CITIES
            for q in ("", "?page=2", "?free=true&mode=online")
        ),
        "/api/v1/cities/khon-kaen/opportunities/?life_stage=older_people&sdg=4",
        "/api/v1/cities/khon-kaen/opportunities/?life_stage=nobody",
        "/api/v1/cities/khon-kaen/opportunities/?mode=teleport",
    ],
    "/api/v1/cities/{city}/opportunities/{slug}/": lambda: [
        *(f"/api/v1/cities/{c}/opportunities/{o.slug}/" for c in CITIES for o in _opportunities(c)),
        "/api/v1/cities/khon-kaen/opportunities/nothing/",
    ],
    "/api/v1/cities/{city}/opportunities/{slug}/participation": lambda: [
        *(
            f"/api/v1/cities/{c}/opportunities/{o.slug}/participation"
            for c in CITIES
            for o in _opportunities(c)[:5]
        ),
        "/api/v1/cities/khon-kaen/opportunities/school-holiday-english-camp/participation?lang=en",
        "/api/v1/cities/khon-kaen/opportunities/nothing/participation",
    ],
    "/api/v1/cities/{city}/spaces/": lambda: [
        *(f"/api/v1/cities/{c}/spaces/{q}" for c in CITIES for q in ("", "?page=2")),
    ],
    "/api/v1/cities/{city}/map": lambda: [
        *(f"/api/v1/cities/{c}/map" for c in CITIES),
        "/api/v1/cities/khon-kaen/map?lat=16.44&lon=102.83&radius_km=3&lang=en",
        "/api/v1/cities/khon-kaen/map?kind=library&accessible=true",
        "/api/v1/cities/khon-kaen/map?lat=16.44",
        "/api/v1/cities/khon-kaen/map?community=nowhere",
    ],
    # Not JSON: their media type is checked; the schema gives no body schema to validate against.
    "/api/v1/cities/{city}/catalogue.jsonld": lambda: [
        f"/api/v1/cities/{c}/catalogue.jsonld" for c in CITIES
    ],
    "/api/v1/cities/{city}/catalogue.csv": lambda: [
        "/api/v1/cities/khon-kaen/catalogue.csv",
        "/api/v1/cities/khon-kaen/catalogue.csv?kind=spaces&excel=true",
        "/api/v1/cities/khon-kaen/catalogue.csv?kind=people",
    ],
    "/api/v1/search": lambda: [
        "/api/v1/search",
        "/api/v1/search?q=english",
        "/api/v1/search?q=ภาษาอังกฤษ&lang=en",
        "/api/v1/search?city=yala&type=space&type=partner",
        "/api/v1/search?q=library&lat=16.44&lon=102.83&sort=distance",
        "/api/v1/search?q=zzzzqqq",
        "/api/v1/search?sdg=99",
    ],
    "/api/v1/problems/": lambda: ["/api/v1/problems/"],
    "/api/v1/problems/{code}/": lambda: [
        *(f"/api/v1/problems/{code}/" for code in sorted(PROBLEM_TYPES)),
        "/api/v1/problems/nonsense/",
    ],
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both demo cities and their search index, loaded once for the module and rolled back at the end."""
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(RIANRU_SEARCH_INDEX_DIR=tmp_path_factory.mktemp("search-index")),
    ):
        demo_load(today=TODAY)
        reader.refresh()
        indexer.rebuild()
        yield
        transaction.set_rollback(True)
    reader.refresh()
    cache.clear()
    results_cache.clear()


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _check(client, path: str, url: str) -> int:
    response = client.get(url)
    status = response.status_code
    responses = SCHEMA["paths"][path]["get"]["responses"]
    key = next((key for key in (str(status), f"{status // 100}XX", "default") if key in responses), None)
    assert key, f"{url}: status {status} is not documented"
    media_type = response["Content-Type"].split(";")[0].strip()
    content = responses[key].get("content", {})
    assert media_type in content, f"{url}: {media_type} is not documented for {key}"
    schema = content[media_type].get("schema")
    if schema is None:
        return status
    pointer = "/".join(
        _escape(part) for part in ("paths", path, "get", "responses", key, "content", media_type)
    )
    validator = Draft202012Validator({"$ref": f"{DOCUMENT}#/{pointer}/schema"}, registry=REGISTRY)
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(json.loads(response.content))
    ]
    assert errors == [], f"{url} ({status}) does not match the schema"
    return status


def test_every_get_endpoint_is_exercised():
    documented = {path for path, operations in SCHEMA["paths"].items() if "get" in operations}
    assert documented == set(CASES), "a GET endpoint without cases here, or cases of a removed one"


@pytest.mark.parametrize("path", sorted(CASES))
def test_real_answers_match_the_published_schema(client, demo, db, path):
    urls = CASES[path]()
    statuses = {_check(client, path, url) for url in urls}
    assert 200 in statuses, f"{path}: no successful answer was checked"
