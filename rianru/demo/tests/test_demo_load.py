import datetime as dt
import hashlib
import shutil
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import translation

from rianru.catalogue.models import LearningSpace, Opportunity, Session
from rianru.demo.errors import DemoDataInvalid, DemoDataMissing
from rianru.demo.services import demo_load
from rianru.frameworks.models import SdgGoal
from rianru.network.models import City, Mou, Partner, Sector

TODAY = dt.date(2026, 11, 21)
NAMED_PARTNERS = {
    "องค์การบริหารส่วนจังหวัดขอนแก่น",
    "เทศบาลนครขอนแก่น",
    "มหาวิทยาลัยขอนแก่น",
    "สำนักศิลปากรที่ 8 ขอนแก่น",
}
# Khon Kaen City Municipality, generously bounded (46 km² around 16.44 N, 102.84 E).
LAT_RANGE, LON_RANGE = (Decimal("16.38"), Decimal("16.50")), (Decimal("102.77"), Decimal("102.90"))


@pytest.fixture(scope="module")
def loaded_once(django_db_setup, django_db_blocker):
    """Load Khon Kaen once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        (result,) = demo_load(city_slug="khon-kaen", today=TODAY)
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def khon_kaen(loaded_once, db):
    return City.objects.get(slug="khon-kaen"), loaded_once


def test_khon_kaen_demo_has_the_62_partner_network(khon_kaen):
    city, result = khon_kaen
    partners = Partner.objects.filter(city=city)
    assert partners.count() == 62 == result.counts["partners"]
    by_sector = dict(partners.values_list("sector").annotate(n=Count("id")))
    assert set(by_sector) == set(Sector.values)
    assert min(by_sector.values()) >= 10
    real = set(partners.filter(is_demo=False).values_list("name_th", flat=True))
    assert real >= NAMED_PARTNERS
    assert partners.filter(is_demo=True).count() >= 40
    assert partners.get(slug="khon-kaen-university").sector == Sector.EDUCATION


def test_the_2024_mou_is_signed_by_all_62_partners_for_10_sdgs(khon_kaen):
    city, _ = khon_kaen
    mou = Mou.objects.get(city=city, signed_on=dt.date(2024, 9, 17))
    assert mou.signatories.count() == 62
    goals = set(mou.sdg_goals.values_list("number", flat=True))
    assert len(goals) == 10 and {4, 8, 10} <= goals
    assert mou.commitments.count() == 62


def test_learning_spaces_are_inside_the_municipality(khon_kaen):
    city, _ = khon_kaen
    spaces = LearningSpace.objects.filter(city=city)
    assert spaces.count() >= 60
    box = spaces.aggregate(Min("latitude"), Max("latitude"), Min("longitude"), Max("longitude"))
    assert LAT_RANGE[0] <= box["latitude__min"] and box["latitude__max"] <= LAT_RANGE[1]
    assert LON_RANGE[0] <= box["longitude__min"] and box["longitude__max"] <= LON_RANGE[1]
    assert set(spaces.values_list("kind", flat=True)) >= {
        "library",
        "museum",
        "park",
        "community_learning_centre",
    }
    assert spaces.filter(zone__isnull=True).count() == 0


def test_opportunities_are_many_varied_and_scheduled_over_the_coming_months(khon_kaen):
    city, result = khon_kaen
    opportunities = Opportunity.objects.filter(city=city)
    assert opportunities.count() >= 300
    assert set(opportunities.values_list("kind", flat=True)) == set(Opportunity.Kind.values)
    assert opportunities.filter(is_free=True).count() > opportunities.count() / 2
    assert not opportunities.filter(title_th="").exists() and not opportunities.filter(title_en="").exists()
    stages = set(opportunities.values_list("life_stages__code", flat=True))
    assert stages >= {"infants", "young_children", "school_age", "working_age", "older_people"}
    assert SdgGoal.objects.filter(number__in=opportunities.values("sdg_goals")).count() == 17
    sessions = Session.objects.filter(city=city)
    assert sessions.count() == result.counts["sessions"] >= 300
    first, last = sessions.aggregate(Min("starts_at"), Max("starts_at")).values()
    assert first.date() >= TODAY - dt.timedelta(days=1)
    assert (last.date() - TODAY).days >= 90
    assert sessions.filter(starts_at__date__lte=TODAY + dt.timedelta(days=7)).exists()
    # sessions happen in spaces of their own city
    assert not sessions.exclude(space__isnull=True).exclude(space__city=city).exists()


def _fingerprint(city):
    rows = (
        Opportunity.objects.filter(city=city)
        .order_by("slug")
        .values_list("slug", "title_th", "provider__slug")
    )
    sessions = Session.objects.filter(city=city).order_by("starts_at", "opportunity__slug")
    rows = [*rows, *sessions.values_list("opportunity__slug", "starts_at", "space__slug")]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_loading_is_deterministic_and_reloading_replaces_rather_than_duplicates(khon_kaen):
    city, first = khon_kaen
    before = _fingerprint(city)
    (second,) = demo_load(city_slug="khon-kaen", today=TODAY)
    assert second.counts == first.counts
    assert Partner.objects.filter(city=city).count() == 62
    assert _fingerprint(city) == before
    demo_load(city_slug="khon-kaen", today=TODAY, seed=1)
    assert _fingerprint(city) != before


def test_yala_is_a_second_small_city_kept_apart(khon_kaen):
    demo_load(city_slug="yala", today=TODAY)
    yala, khon_kaen = City.objects.get(slug="yala"), khon_kaen[0]
    assert 5 <= Partner.objects.filter(city=yala).count() < 62
    assert Opportunity.objects.filter(city=yala).exists()
    assert not Opportunity.objects.filter(city=yala, provider__city=khon_kaen).exists()
    assert not Session.objects.filter(city=yala, space__city=khon_kaen).exists()


def test_a_missing_demo_file_is_a_clear_error_and_nothing_is_written(db, tmp_path):
    shutil.copytree(settings.RIANRU_DEMO_DIR, tmp_path / "demo")
    (tmp_path / "demo" / "yala" / "spaces.csv").unlink()
    with translation.override("en"), pytest.raises(DemoDataMissing, match="spaces.csv is missing"):
        demo_load(city_slug="yala", today=TODAY, data_dir=tmp_path / "demo")
    assert not City.objects.filter(slug="yala").exists()
    shutil.copy(settings.RIANRU_DEMO_DIR / "yala" / "spaces.csv", tmp_path / "demo" / "yala" / "spaces.csv")
    (tmp_path / "demo" / "yala" / "programmes.json").write_text("[{", encoding="utf-8")
    with translation.override("en"), pytest.raises(DemoDataInvalid, match="programmes.json is invalid"):
        demo_load(city_slug="yala", today=TODAY, data_dir=tmp_path / "demo")


@translation.override("en")
def test_the_command_reports_unknown_cities_and_missing_folders(db, tmp_path):
    with pytest.raises(CommandError, match="no demo data for the city “atlantis”"):
        call_command("demo_load", city="atlantis")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("demo_load", data_dir=str(tmp_path / "nowhere"))
